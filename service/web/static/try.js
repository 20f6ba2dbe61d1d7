// Try it: classify a pasted message and suggest replies. Uses the stateless
// endpoints only (/v1/classify, /v1/replies/suggest with text), so nothing is stored.

import { api } from "./api.js";
import { chips, el, errorBox } from "./dom.js";
import { highlightedText, legend } from "./highlight.js";
import { t } from "./i18n.js";
import { repliesOf, repliesSection } from "./replies.js";

function firstResult(data) {
  if (!data) return null;
  const list = data.results ?? data.predictions ?? data.messages ?? (Array.isArray(data) ? data : null);
  return list && list.length ? list[0] : data;
}

function modelName(data, result) {
  const m = (data && data.model) ?? (result && result.model);
  if (!m) return "";
  if (typeof m === "string") return [m, data.model_version ?? result.model_version].filter(Boolean).join(" ");
  return [m.name, m.version].filter(Boolean).join(" ");
}

function showResult(out, text, data, repliesPart) {
  const r = firstResult(data) || {};
  const ignored = r.ignored_ranges || [];
  const box = highlightedText(text, r.spans, ignored, r.labels || []);
  if (r.lang) box.setAttribute("lang", r.lang);
  const model = modelName(data, r);
  out.append(
    el("h2", { id: "result-h" }, t("try.result")),
    el("div", { class: "flags" }, chips(r.labels, r.scores)),
    r.outside_business_hours
      ? el("p", { class: "off-hours" }, el("span", { "aria-hidden": "true" }, "☾ "), t("common.outside"))
      : null,
    legend(r.labels, r.scores, ignored.length > 0),
    box,
    model ? el("p", { class: "muted" }, t("try.model", { model })) : null,
    repliesPart);
}

export function renderTry(root) {
  const text = el("textarea", { id: "try-text", name: "text", rows: 8, required: true });
  const sentAt = el("input", { id: "try-sent-at", name: "sent_at", type: "datetime-local" });
  const submit = el("button", { type: "submit" }, t("try.submit"));
  const out = el("section", { class: "try-result", "aria-live": "polite", "aria-labelledby": "result-h" });
  const form = el("form", { class: "try-form" },
    el("div", { class: "field wide" }, el("label", { for: "try-text" }, t("try.text")), text),
    el("div", { class: "field" }, el("label", { for: "try-sent-at" }, t("try.sentAt")), sentAt),
    el("div", { class: "field actions" }, submit));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    out.textContent = "";
    const value = text.value;
    if (!value.trim()) {
      out.append(el("p", { class: "error", role: "alert" }, t("try.empty")));
      text.focus();
      return;
    }
    const message = { text: value };
    if (sentAt.value) {
      const d = new Date(sentAt.value); // datetime-local is the agent's local time
      if (!Number.isNaN(d.getTime())) message.sent_at = d.toISOString();
    }
    submit.disabled = true;
    out.setAttribute("aria-busy", "true");
    try {
      // Flags are shown even when the reply suggestions fail, and the other way round.
      const [data, replies] = await Promise.allSettled([
        api("POST", "/v1/classify", { messages: [message] }),
        api("POST", "/v1/replies/suggest", { text: value }),
      ]);
      for (const r of [data, replies]) {
        if (r.status === "rejected" && r.reason && r.reason.status === 401) throw r.reason;
      }
      if (data.status === "rejected") throw data.reason;
      const repliesPart = replies.status === "fulfilled"
        ? repliesSection(repliesOf(replies.value)) : errorBox(replies.reason);
      showResult(out, value, data.value, repliesPart);
    } catch (err) {
      if (err.status === 401) throw err;
      out.append(errorBox(err));
    } finally {
      submit.disabled = false;
      out.removeAttribute("aria-busy");
    }
  });
  root.append(el("h1", {}, t("try.title")), el("p", { class: "muted" }, t("try.help")), form, out);
}
