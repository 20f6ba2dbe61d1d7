// Client card: risk level and why, counts per label, a small chart of flagged
// messages per day, and the evidence (flagged messages with their spans).

import { api } from "./api.js";
import { chartFrame } from "./chart.js";
import { chips, el, errorBox, LABELS, link, messageHref, riskBadge, svg } from "./dom.js";
import { highlightedText } from "./highlight.js";
import { clientExtras } from "./worth.js";
import { formatDate, formatScore, labelName, reasonText, t } from "./i18n.js";
import { tenantZone, whenElement } from "./clock.js";

/** Per-label counts for one window: `counts` is all-time, `counts_7d`/`counts_30d` recent. */
function countsFor(client, window) {
  const key = { d7: "counts_7d", d30: "counts_30d", all: "counts" }[window];
  const found = client[key];
  return found && typeof found === "object" ? found : {};
}

function countsTable(client) {
  const windows = [["d7", "client.d7"], ["d30", "client.d30"], ["all", "client.all"]];
  const tables = windows.map(([w]) => countsFor(client, w));
  const labels = LABELS.slice();
  for (const tbl of tables) for (const l of Object.keys(tbl)) if (!labels.includes(l)) labels.push(l);
  return el("table", { class: "counts" },
    el("caption", {}, t("client.counts")),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("client.label")),
      windows.map(([, k]) => el("th", { scope: "col", class: "num" }, t(k))))),
    el("tbody", {}, labels.map((label) => el("tr", { "data-label": label },
      el("th", { scope: "row" }, labelName(label)),
      tables.map((tbl) => el("td", { class: "num" }, String(Number(tbl[label] ?? 0))))))));
}

function flaggedOf(point) {
  return Number(point.flagged) || 0;
}

function dayTip(point) {
  const per = Object.entries(point.counts || {})
    .filter(([, n]) => Number(n) > 0)
    .map(([label, n]) => `${labelName(label)}: ${n}`);
  return [`${formatDate(point.date)}: ${flaggedOf(point)}`, ...per].join("\n");
}

/** Bar chart in inline SVG: flagged messages per day over the timeline the API gives. */
function timelineChart(timeline, zone) {
  const points = (timeline || []).filter((p) => p && p.date);
  const section = el("figure", { class: "chart" }, el("figcaption", {}, t("client.chart"),
    el("span", { class: "muted chart-clock" }, ` ${t("client.chartClock", { zone })}`)));
  if (!points.length) {
    section.append(el("p", { class: "muted" }, t("client.chartEmpty")));
    return section;
  }
  const width = 560;
  const height = 150;
  const pad = { left: 28, right: 8, top: 10, bottom: 22 };
  const max = Math.max(1, ...points.map(flaggedOf));
  const slot = (width - pad.left - pad.right) / points.length;
  const barW = Math.max(2, Math.min(24, slot * 0.7));
  const summary = t("client.chartSummary", {
    flagged: points.reduce((s, p) => s + flaggedOf(p), 0),
    from: formatDate(points[0].date), to: formatDate(points[points.length - 1].date),
  });
  const { chart, y } = chartFrame({ width, height, pad, max, ariaLabel: summary,
    className: "timeline" });
  const labelEvery = Math.ceil(points.length / 6);
  points.forEach((p, i) => {
    const x = pad.left + slot * i + (slot - barW) / 2;
    const f = flaggedOf(p);
    // Zero days get a hairline so the time axis stays readable.
    const h = Math.max(f ? 0 : 1, y(0) - y(f));
    chart.append(svg("rect", {
      x, y: y(0) - h, width: barW, height: h, class: f ? "bar-flagged" : "bar-zero",
      "data-day": p.date, "data-flagged": f,
    }, svg("title", {}, dayTip(p))));
    const last = i === points.length - 1;
    const crowded = !last && points.length - 1 - i < labelEvery / 2;
    if ((i % labelEvery === 0 && !crowded) || last) {
      // The end labels are anchored inwards so they are never cut off.
      const anchor = i === 0 ? "start" : last ? "end" : "middle";
      const tx = i === 0 ? x : last ? x + barW : x + barW / 2;
      chart.append(svg("text", { x: tx, y: height - 6, class: "tick", "text-anchor": anchor },
        formatDate(p.date)));
    }
  });
  section.append(chart, el("p", { class: "muted chart-summary" }, summary));
  return section;
}

function evidenceItem(item, zone) {
  const text = item.text ?? item.excerpt ?? "";
  const spans = item.spans || [];
  const body = text
    ? highlightedText(text, spans, item.ignored_ranges || [], item.labels || [])
    : el("ul", { class: "span-list" }, spans.map((s) => el("li", {},
      el("mark", { class: `hl hl-${s.label}`, "data-label": s.label,
        title: `${labelName(s.label)}: ${formatScore(s.score)}` }, s.text))));
  return el("li", { class: "evidence-item", "data-message-id": item.message_id },
    el("div", { class: "evidence-head" },
      whenElement(item, zone), " ",
      chips(item.labels, item.scores), " ",
      item.message_id ? link(messageHref(item.message_id), t("client.open")) : null),
    body);
}

export async function renderClient(root, clientId) {
  let client;
  try {
    client = await api("GET", `/v1/clients/${encodeURIComponent(clientId)}`);
  } catch (err) {
    if (err.status === 401) throw err;
    root.append(el("h1", {}, t("client.title", { id: clientId })), errorBox(err));
    return;
  }
  const level = client.risk_level ?? client.level;
  const score = Number(client.risk_score);
  const scoreText = Number.isFinite(score) ? t("client.riskScore", { score: score.toFixed(2) }) : "";
  const seen = client.messages_seen;
  const reasons = client.reasons || [];
  const evidence = client.evidence || [];
  const zone = await tenantZone();
  root.append(
    el("h1", {}, t("client.title", { id: client.client_id ?? clientId })),
    el("p", { class: "risk-line" },
      el("span", { class: "muted" }, `${t("client.risk")}: `), riskBadge(level),
      scoreText ? el("span", { class: "muted" }, ` ${scoreText}`) : null,
      seen !== undefined ? el("span", { class: "muted" }, ` · ${t("client.seen", { n: seen })}`) : null),
    el("section", { class: "reasons", "aria-labelledby": "reasons-h" },
      el("h2", { id: "reasons-h" }, t("client.reasons")),
      reasons.length
        ? el("ul", {}, reasons.map((r) => el("li", { "data-code": r.code ?? null }, reasonText(r))))
        : el("p", { class: "muted" }, t("client.noReasons"))),
    el("div", { class: "client-grid" }, countsTable(client), timelineChart(client.timeline, zone)),
    el("section", { class: "evidence", "aria-labelledby": "evidence-h" },
      el("h2", { id: "evidence-h" }, t("client.evidence")),
      evidence.length
        ? el("ol", { class: "evidence-list" }, evidence.map((item) => evidenceItem(item, zone)))
        : el("p", { class: "muted" }, t("client.noEvidence"))));
  // Flags per week and "Worth keeping?" (service/web/static/worth.js) after the evidence.
  root.querySelector(".client-grid").after(...(await clientExtras(client.client_id ?? clientId)));
}
