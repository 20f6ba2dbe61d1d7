// Review queue: labels whose score sat close to the threshold that decided them. An agent
// says whether the label applies; the answer is saved as a correction under their name.

import { api, query } from "./api.js";
import { announce, chip, clientHref, el, errorBox, link, messageHref } from "./dom.js";
import { formatDateTime, formatScore, labelName, t } from "./i18n.js";

const AGENT = "toneguard.agent";
const PAGE_SIZE = 50;
const EXCERPT = 600;

function agentName() {
  try { return localStorage.getItem(AGENT) || ""; } catch (_) { return ""; }
}

function agentField() {
  const input = el("input", { id: "review-agent", name: "agent", type: "text", maxlength: 200,
    autocomplete: "name", value: agentName() });
  input.addEventListener("change", () => {
    try { localStorage.setItem(AGENT, input.value.trim()); } catch (_) { /* not fatal */ }
  });
  return el("div", { class: "field" }, el("label", { for: "review-agent" }, t("review.agent")), input);
}

function excerpt(text) {
  return text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text;
}

function itemRow(item, onDone) {
  const m = item.message;
  const status = el("p", { class: "review-status", role: "status" });
  const buttons = [
    el("button", { type: "button", class: "confirm", "data-decision": "confirm" }, t("review.confirm")),
    el("button", { type: "button", class: "secondary reject", "data-decision": "reject" }, t("review.reject")),
  ];
  const li = el("li", { class: "review-item card", "data-item-id": item.id, "data-label": item.label,
    "data-message-id": m.message_id },
    el("div", { class: "evidence-head" },
      el("time", { datetime: m.sent_at || m.received_at }, formatDateTime(m.sent_at || m.received_at)), " ",
      link(clientHref(m.client_id), m.client_id), " · ", link(messageHref(m.message_id), t("client.open"))),
    el("p", { class: "review-text" }, excerpt(m.text)),
    el("p", { class: "review-question" },
      chip(item.label, item.score), " ",
      t(item.flagged ? "review.flaggedQ" : "review.unflaggedQ", { label: labelName(item.label) }), " ",
      el("span", { class: "muted" }, t("review.scoreVs", { score: formatScore(item.score),
        threshold: formatScore(item.threshold) }))),
    el("div", { class: "actions" }, buttons), status);
  for (const b of buttons) {
    b.addEventListener("click", async () => {
      for (const x of buttons) x.disabled = true;
      const agent = document.getElementById("review-agent").value.trim();
      try {
        const done = await api("POST", `/v1/review/${item.id}`,
          { decision: b.dataset.decision, ...(agent ? { agent } : {}) });
        const text = t(done.decision === "confirmed" ? "review.confirmed" : "review.rejected",
          { label: labelName(item.label) });
        li.remove();
        onDone(text);
      } catch (err) {
        if (err.status === 401) throw err;
        for (const x of buttons) x.disabled = false;
        status.replaceChildren(errorBox(err));
      }
    });
  }
  return li;
}

export async function renderReview(root) {
  const url = new URL(window.location.href);
  const offset = Math.max(0, parseInt(url.searchParams.get("offset") || "0", 10) || 0);
  root.append(el("h1", {}, t("review.title")));
  let data;
  try {
    data = await api("GET", `/v1/review${query({ limit: PAGE_SIZE, offset })}`);
  } catch (err) {
    if (err.status === 401) throw err;
    root.append(errorBox(err));
    return;
  }
  let left = Number(data.total) || 0;
  const count = el("p", { class: "muted review-count" });
  const empty = el("p", { class: "empty" }, t("review.empty"));
  const list = el("ol", { class: "review-list" });
  const showCount = () => {
    count.textContent = t("review.count", { n: left });
    empty.hidden = left > 0 || list.children.length > 0;
  };
  const done = (text) => {
    left = Math.max(0, left - 1);
    showCount();
    announce(text);
  };
  list.append(...(data.items || []).map((item) => itemRow(item, done)));
  root.append(
    el("p", { class: "muted" }, t("review.help", { band: formatScore(data.band) })),
    el("div", { class: "filters" }, agentField()), count, empty, list);
  showCount();
}
