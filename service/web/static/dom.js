// DOM building without innerHTML: every piece of text becomes a text node, so
// whatever a client wrote (including HTML) is shown as text, never parsed.

import { formatScore, labelName, riskName, t } from "./i18n.js";

export const LABELS = ["aggression", "threat", "unreasonable_demand", "off_hours_pressure"];
export const RISK_LEVELS = ["ok", "watch", "difficult", "consider_parting"];

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function setAttrs(node, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") {
      node.addEventListener(k.slice(2), v);
    } else {
      node.setAttribute(k, v === true ? "" : String(v));
    }
  }
}

function append(node, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : String(c));
  }
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** Colored chip that always carries the label's name, so color is never the only cue. */
export function chip(label, score) {
  const title = score === undefined ? null : t("message.score", { score: formatScore(score) });
  return el("span", { class: `chip chip-${safeClass(label)}`, "data-label": label, title },
    el("span", { class: "chip-mark", "aria-hidden": "true" }),
    labelName(label),
    score === undefined ? null : el("span", { class: "chip-score" }, formatScore(score)));
}

export function chips(labels, scores) {
  const list = el("span", { class: "chips" });
  if (!labels || labels.length === 0) {
    list.append(el("span", { class: "muted" }, t("common.noLabels")));
    return list;
  }
  for (const label of labels) list.append(chip(label, scores ? scores[label] : undefined));
  return list;
}

export function riskBadge(level) {
  const known = RISK_LEVELS.includes(level) ? level : "unknown";
  return el("span", { class: `risk risk-${known}`, "data-risk": known }, riskName(level));
}

export function safeClass(value) {
  return String(value).replace(/[^a-z0-9_-]/gi, "_");
}

/** Announce a short status to screen readers (and tests) through the live region. */
export function announce(text) {
  const region = document.getElementById("status");
  if (region) region.textContent = text;
}

export function errorBox(err, onRetry) {
  const text = err && err.status === 404
    ? t("common.notFound")
    : t("common.error", { msg: err && err.message ? err.message : String(err) });
  const box = el("div", { class: "error", role: "alert" }, el("p", {}, text));
  if (onRetry) box.append(el("button", { type: "button", onclick: onRetry }, t("common.retry")));
  return box;
}

export function link(href, text, attrs = {}) {
  return el("a", { href, ...attrs }, text);
}

export function messageHref(id) {
  return `/ui/message?id=${encodeURIComponent(id)}`;
}

export function clientHref(id) {
  return `/ui/client?id=${encodeURIComponent(id)}`;
}
