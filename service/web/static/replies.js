// Suggested replies with a Copy button each. The clipboard API needs a secure
// context (loopback counts); elsewhere we fall back to a hidden textarea.

import { announce, el } from "./dom.js";
import { stepName, t } from "./i18n.js";

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (_) { /* permission refused: try the old way */ }
  }
  const area = el("textarea", { class: "copy-buffer", readonly: true, "aria-hidden": "true" });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand("copy"); } catch (_) { ok = false; }
  area.remove();
  return ok;
}

function replyText(reply) {
  if (typeof reply === "string") return reply;
  return String(reply.text ?? reply.body ?? "");
}

function replyItem(reply, index) {
  const text = replyText(reply);
  const body = el("p", { class: "reply-text", id: `reply-${index}` }, text);
  const note = el("span", { class: "copy-note", "aria-live": "polite" });
  const button = el("button", {
    type: "button",
    class: "copy",
    "aria-describedby": `reply-${index}`,
    onclick: async () => {
      const ok = await copyText(text);
      note.textContent = ok ? t("message.copied") : t("message.copyFailed");
      announce(note.textContent);
      button.dataset.copied = ok ? "yes" : "no";
    },
  }, t("message.copy"));
  const step = reply && typeof reply === "object" ? (reply.step ?? reply.playbook_step) : null;
  return el("li", { class: "reply", lang: reply && reply.lang ? reply.lang : null },
    body,
    el("div", { class: "reply-tools" },
      button, note,
      step ? el("span", { class: "muted", "data-step": step }, t("message.step", { step: stepName(step) }))
        : null));
}

export function repliesSection(replies, headingLevel = "h2") {
  const list = replies || [];
  return el("section", { class: "replies", "aria-labelledby": "replies-h" },
    el(headingLevel, { id: "replies-h" }, t("message.replies")),
    list.length
      ? el("ol", { class: "reply-list" }, list.map(replyItem))
      : el("p", { class: "muted" }, t("message.noReplies")));
}

/** Pull the replies list out of whatever wrapper the suggest endpoint uses. */
export function repliesOf(data) {
  if (!data) return [];
  if (Array.isArray(data)) return data;
  return data.replies ?? data.suggestions ?? data.items ?? [];
}
