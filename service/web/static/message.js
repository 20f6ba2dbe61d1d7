// Message view: the text with flagged spans inline, the legend, the suggested
// replies and the "labels are wrong" correction that feeds retraining.

import { api } from "./api.js";
import { announce, chips, clientHref, el, errorBox, LABELS, link, riskBadge } from "./dom.js";
import { highlightedText, legend } from "./highlight.js";
import { labelName, t } from "./i18n.js";
import { clockParts, tenantZone } from "./clock.js";
import { arrival } from "./inbox.js";
import { repliesOf, repliesSection } from "./replies.js";

function meta(msg, zone) {
  const client = msg.client && typeof msg.client === "object" ? msg.client : {};
  const clientId = msg.client_id ?? client.client_id;
  const risk = msg.client_risk_level ?? client.risk_level ?? client.level ?? msg.risk_level;
  const rows = [
    ["message.from", clientId
      ? [link(clientHref(clientId), clientId, { class: "client-link" }), risk ? [" ", riskBadge(risk)] : null]
      : "–"],
    ["message.channel", msg.channel || "–"],
    ["message.sent", arrival(msg, zone)],
    ["message.lang", msg.lang || "–"],
  ];
  return el("dl", { class: "meta" },
    rows.map(([k, v]) => [el("dt", {}, t(k)), el("dd", {}, v)]));
}

/** "Corrected by Olga, 2 Dec 2026, 14:05 (Europe/Berlin, tenant)": an agent changed the labels. */
function correctionMark(msg, zone) {
  const fix = msg.correction;
  if (!fix && !msg.corrected) return null;
  const who = fix && fix.agent ? fix.agent : t("message.anAgent");
  const when = fix ? clockParts(fix.at, null, zone) : null;
  return el("p", { class: "correction-mark", "data-agent": fix && fix.agent ? fix.agent : "" },
    el("span", { "aria-hidden": "true" }, "✎ "),
    t("message.correctedBy", { agent: who }),
    when ? el("span", { class: "muted" }, `, ${when.text} (${when.clock})`) : null);
}

const AGENT_PREF = "toneguard.agentName";

function savedAgent() {
  try { return localStorage.getItem(AGENT_PREF) || ""; } catch (_) { return ""; }
}

function feedbackControl(msg, onSaved) {
  const current = new Set(msg.labels || []);
  const status = el("p", { class: "feedback-status", role: "status" });
  const boxes = LABELS.map((label) => {
    const id = `fb-${label}`;
    return el("div", { class: "check" },
      el("input", { type: "checkbox", id, name: "labels", value: label, checked: current.has(label) }),
      el("label", { for: id }, labelName(label)));
  });
  const form = el("form", { class: "feedback-form", hidden: true },
    el("fieldset", {},
      el("legend", {}, t("message.feedbackTitle")),
      el("p", { class: "muted" }, t("message.feedbackHelp")),
      boxes,
      el("div", { class: "field" },
        el("label", { for: "fb-agent" }, t("message.agentName")),
        el("input", { id: "fb-agent", name: "agent", type: "text", value: savedAgent(),
          autocomplete: "name", maxlength: 200 })),
      el("div", { class: "actions" },
        el("button", { type: "submit" }, t("message.feedbackSend")),
        el("button", { type: "button", class: "secondary", onclick: () => close() },
          t("message.feedbackCancel")))));
  const toggle = el("button", {
    type: "button", class: "secondary", "aria-expanded": "false", onclick: () => open(),
  }, t("message.wrong"));

  function open() {
    form.hidden = false;
    toggle.setAttribute("aria-expanded", "true");
    form.querySelector("input").focus();
  }
  function close() {
    form.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    toggle.focus();
  }
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const labels = [...form.querySelectorAll("input[name=labels]:checked")].map((i) => i.value);
    const send = form.querySelector("button[type=submit]");
    send.disabled = true;
    status.textContent = t("common.loading");
    try {
      const agent = form.querySelector("#fb-agent").value.trim();
      try { localStorage.setItem(AGENT_PREF, agent); } catch (_) { /* not fatal */ }
      await api("POST", "/v1/feedback",
        agent ? { message_id: msg.message_id, labels, agent } : { message_id: msg.message_id, labels });
      await onSaved();
      status.textContent = t("message.feedbackThanks");
      status.dataset.state = "saved";
      form.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      announce(status.textContent);
    } catch (err) {
      if (err.status === 401) throw err;
      status.textContent = t("common.error", { msg: err.message });
      status.dataset.state = "error";
    } finally {
      send.disabled = false;
    }
  });
  return el("section", { class: "feedback" }, toggle, form, status);
}

export async function renderMessage(root, messageId) {
  root.append(el("p", {}, link("/", `← ${t("message.back")}`)));
  let msg;
  try {
    msg = await api("GET", `/v1/messages/${encodeURIComponent(messageId)}`);
  } catch (err) {
    if (err.status === 401) throw err;
    root.append(errorBox(err));
    return;
  }
  const zone = await tenantZone();
  const section = el("section", { class: "message", "aria-labelledby": "text-h" });
  const fill = (m) => {
    const ignored = m.ignored_ranges || [];
    const box = highlightedText(m.text, m.spans, ignored, m.labels || []);
    if (m.lang) box.setAttribute("lang", m.lang);
    // replaceChildren would print a null as the text "null": leave absent parts out.
    section.replaceChildren(...[
      el("h2", { id: "text-h", class: "visually-hidden" }, t("message.text")),
      correctionMark(m, zone),
      el("div", { class: "flags" }, chips(m.labels, m.scores)),
      legend(m.labels, m.scores, ignored.length > 0),
      box].filter(Boolean));
  };
  fill(msg);
  // After a correction the view shows the stored labels again, with who changed them.
  const refresh = async () => {
    fill(await api("GET", `/v1/messages/${encodeURIComponent(messageId)}`));
  };
  root.append(
    el("h1", {}, msg.subject ? msg.subject : t("message.title")),
    meta(msg, zone),
    section,
    feedbackControl(msg, refresh));

  const holder = el("div", { "aria-busy": "true" }, t("common.loading"));
  root.append(holder);
  try {
    const data = await api("POST", "/v1/replies/suggest", { message_id: msg.message_id });
    holder.replaceWith(repliesSection(repliesOf(data)));
  } catch (err) {
    if (err.status === 401) throw err;
    holder.replaceWith(errorBox(err));
  }
}
