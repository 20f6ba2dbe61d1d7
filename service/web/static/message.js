// Message view: the text with flagged spans inline, the legend, the suggested
// replies and the "labels are wrong" correction that feeds retraining.

import { api } from "./api.js";
import { announce, chips, clientHref, el, errorBox, LABELS, link, riskBadge } from "./dom.js";
import { highlightedText, legend } from "./highlight.js";
import { labelName, t } from "./i18n.js";
import { arrival } from "./inbox.js";
import { repliesOf, repliesSection } from "./replies.js";

function meta(msg) {
  const client = msg.client && typeof msg.client === "object" ? msg.client : {};
  const clientId = msg.client_id ?? client.client_id;
  const risk = msg.client_risk_level ?? client.risk_level ?? client.level ?? msg.risk_level;
  const rows = [
    ["message.from", clientId
      ? [link(clientHref(clientId), clientId, { class: "client-link" }), risk ? [" ", riskBadge(risk)] : null]
      : "–"],
    ["message.channel", msg.channel || "–"],
    ["message.sent", arrival(msg)],
    ["message.lang", msg.lang || "–"],
  ];
  return el("dl", { class: "meta" },
    rows.map(([k, v]) => [el("dt", {}, t(k)), el("dd", {}, v)]));
}

function feedbackControl(msg) {
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
      await api("POST", "/v1/feedback", { message_id: msg.message_id, labels });
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
  const ignored = msg.ignored_ranges || [];
  root.append(
    el("h1", {}, msg.subject ? msg.subject : t("message.title")),
    meta(msg),
    el("section", { class: "message", "aria-labelledby": "text-h" },
      el("h2", { id: "text-h", class: "visually-hidden" }, t("message.text")),
      el("div", { class: "flags" }, chips(msg.labels, msg.scores)),
      legend(msg.labels, msg.scores, ignored.length > 0),
      (() => {
        const box = highlightedText(msg.text, msg.spans, ignored, msg.labels || []);
        if (msg.lang) box.setAttribute("lang", msg.lang);
        return box;
      })()),
    feedbackControl(msg));

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
