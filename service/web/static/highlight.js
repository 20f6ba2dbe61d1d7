// Message text with the classifier's spans marked inline.
//
// Offsets from the API are Python string indexes, i.e. code points, while JS
// strings count UTF-16 units; we therefore cut the text as an array of code
// points so emoji or other astral characters never shift a highlight.

import { el, LABELS, safeClass } from "./dom.js";
import { formatScore, labelName, t } from "./i18n.js";

function validRange(start, end, n) {
  return Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end <= n && start < end;
}

function rangePair(range) {
  if (Array.isArray(range)) return [range[0], range[1]];
  if (range && typeof range === "object") return [range.start, range.end];
  return [NaN, NaN];
}

/**
 * Build the text as a <div> of text nodes, <mark> elements for flagged spans and
 * greyed <span class="quoted"> for ignored ranges (quotes, signatures).
 * Each mark lists the spans covering it in data-spans (indexes into `spans`).
 * Where spans of several labels overlap, the highest-scoring label gives the
 * background and every other label adds its own underline (nested lines that
 * stack below the text), so no label's colour is hidden; the title names all of
 * them with their scores. With `labels` given, spans of other labels are left out.
 */
export function highlightedText(text, spans = [], ignoredRanges = [], labels = null) {
  const chars = Array.from(String(text ?? ""));
  const n = chars.length;
  // Only spans of labels the message has now: an agent's correction wins over the model.
  const marks = (spans || [])
    .map((s, index) => ({ ...s, index }))
    .filter((s) => validRange(s.start, s.end, n))
    .filter((s) => !labels || labels.includes(s.label));
  const ignored = (ignoredRanges || [])
    .map(rangePair)
    .filter(([a, b]) => validRange(a, b, n));

  const cuts = new Set([0, n]);
  for (const s of marks) { cuts.add(s.start); cuts.add(s.end); }
  for (const [a, b] of ignored) { cuts.add(a); cuts.add(b); }
  const points = [...cuts].sort((a, b) => a - b);

  const box = el("div", { class: "msg-text" });
  let quoted = null; // the open greyed wrapper, reused across adjacent pieces
  for (let i = 0; i + 1 < points.length; i += 1) {
    const a = points[i];
    const b = points[i + 1];
    const piece = chars.slice(a, b).join("");
    const covering = marks
      .filter((s) => s.start <= a && s.end >= b)
      .sort((x, y) => (Number(y.score) || 0) - (Number(x.score) || 0));
    let node;
    if (covering.length) {
      const top = covering[0];
      const others = [...new Set(covering.map((s) => s.label))].filter((l) => l !== top.label);
      // Innermost line first: each wrapper's underline sits a little lower than the last.
      let inner = piece;
      others.forEach((label) => {
        inner = el("span", { class: `hl-line hl-line-${safeClass(label)}`, "data-label": label }, inner);
      });
      node = el("mark", {
        class: `hl hl-${safeClass(top.label)}${others.length ? " hl-overlap" : ""}`,
        "data-label": top.label,
        "data-labels": covering.map((s) => s.label).join(" "),
        "data-spans": covering.map((s) => s.index).join(" "),
        title: covering.map((s) => `${labelName(s.label)}: ${formatScore(s.score)}`).join("\n"),
      }, inner);
    } else {
      node = document.createTextNode(piece);
    }
    const isIgnored = ignored.some(([s, e]) => s <= a && e >= b);
    if (isIgnored) {
      if (!quoted) {
        quoted = el("span", { class: "quoted", title: t("message.quoted") });
        box.append(quoted);
      }
      quoted.append(node);
    } else {
      quoted = null;
      box.append(node);
    }
  }
  return box;
}

/** The legend: one entry per label present, plus the quoted style when used. */
export function legend(labels, scores, hasQuoted) {
  const present = LABELS.filter((l) => (labels || []).includes(l));
  for (const l of labels || []) if (!present.includes(l)) present.push(l);
  const list = el("ul", { class: "legend", "aria-label": t("message.legend") });
  for (const label of present) {
    const score = scores ? scores[label] : undefined;
    list.append(el("li", {},
      el("mark", { class: `hl hl-${safeClass(label)}`, "data-label": label }, labelName(label)),
      score === undefined ? null : ` ${formatScore(score)}`));
  }
  if (hasQuoted) {
    list.append(el("li", {}, el("span", { class: "quoted" }, t("message.quotedLegend"))));
  }
  return list;
}
