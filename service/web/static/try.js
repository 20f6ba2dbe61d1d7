// Try it: classify a pasted message and suggest replies. Uses the stateless
// endpoints only (/v1/classify, /v1/replies/suggest with text), so nothing is stored.

import { api } from "./api.js";
import { chips, el, errorBox } from "./dom.js";
import { highlightedText, legend } from "./highlight.js";
import { clockParts, offsetName } from "./clock.js";
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

/** UTC offsets a sender may have, in minutes (whole and the usual half/quarter hours). */
const OFFSETS = [-720, -660, -600, -570, -540, -480, -420, -360, -300, -240, -210, -180, -120, -60,
  0, 60, 120, 180, 210, 240, 270, 300, 330, 345, 360, 390, 420, 480, 525, 540, 570, 600, 630, 660,
  720, 765, 780, 840];

/** The browser's own offset at that local date and time (DST included), in minutes. */
function browserOffset(localValue) {
  const d = localValue ? new Date(localValue) : new Date();
  return Number.isNaN(d.getTime()) ? 0 : -d.getTimezoneOffset();
}

function pad(n) {
  return String(Math.abs(n)).padStart(2, "0");
}

/** "2026-11-21T23:30" + 180 -> "2026-11-21T23:30:00+03:00": the time as the sender wrote it. */
export function withOffset(localValue, minutes) {
  const base = localValue.length === 16 ? `${localValue}:00` : localValue;
  const sign = minutes < 0 ? "-" : "+";
  return `${base}${sign}${pad(Math.trunc(minutes / 60))}:${pad(minutes % 60)}`;
}

function showResult(out, text, data, repliesPart, sentAt, offset) {
  const r = firstResult(data) || {};
  const ignored = r.ignored_ranges || [];
  const box = highlightedText(text, r.spans, ignored, r.labels || []);
  if (r.lang) box.setAttribute("lang", r.lang);
  const model = modelName(data, r);
  out.append(
    el("h2", { id: "result-h" }, t("try.result")),
    el("div", { class: "flags" }, chips(r.labels, r.scores)),
    sentAt ? el("p", { class: "judged-at" }, t("try.judgedAt", {
      when: clockParts(sentAt, offset, "UTC").text, clock: clockParts(sentAt, offset, "UTC").clock,
    })) : null,
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
  const offsetSelect = el("select", { id: "try-offset", name: "utc_offset" },
    OFFSETS.map((m) => el("option", { value: String(m) }, offsetName(m))));
  let offsetTouched = false;
  const followBrowser = () => {
    if (offsetTouched) return;
    const own = browserOffset(sentAt.value);
    if (!OFFSETS.includes(own)) {
      offsetSelect.append(el("option", { value: String(own) }, offsetName(own)));
    }
    offsetSelect.value = String(own);
  };
  followBrowser();
  sentAt.addEventListener("change", followBrowser);
  offsetSelect.addEventListener("change", () => { offsetTouched = true; });
  const submit = el("button", { type: "submit" }, t("try.submit"));
  const out = el("section", { class: "try-result", "aria-live": "polite", "aria-labelledby": "result-h" });
  const form = el("form", { class: "try-form" },
    el("div", { class: "field wide" }, el("label", { for: "try-text" }, t("try.text")), text),
    el("div", { class: "field" }, el("label", { for: "try-sent-at" }, t("try.sentAt")), sentAt),
    el("div", { class: "field" }, el("label", { for: "try-offset" }, t("try.offset")), offsetSelect),
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
    // The wall-clock time as typed, with the sender's offset: never converted to UTC,
    // so business hours and "at night" are judged on the sender's clock.
    const offset = Number(offsetSelect.value) || 0;
    if (sentAt.value) message.sent_at = withOffset(sentAt.value, offset);
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
      showResult(out, value, data.value, repliesPart, message.sent_at, offset);
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
