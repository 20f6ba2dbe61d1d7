// Client card additions: flags per week and label (a stacked SVG chart), and "Worth
// keeping?": the client's value beside the cost to serve them, and why the parting-ways
// replies are or are not offered.

import { api } from "./api.js";
import { stackedBars } from "./chart.js";
import { el, errorBox, LABELS } from "./dom.js";
import { formatDate, formatDays, labelName, lang, riskName, t } from "./i18n.js";

const WEEKS = 12;

function percent(share) {
  return new Intl.NumberFormat(lang(), { style: "percent", maximumFractionDigits: 0 })
    .format(Number(share) || 0);
}

function money(value) {
  const n = Number(value.revenue);
  try {
    if (value.currency) {
      return new Intl.NumberFormat(lang(), { style: "currency", currency: value.currency }).format(n);
    }
  } catch (_) { /* an unknown currency code: show the number and the code */ }
  const plain = new Intl.NumberFormat(lang(), { maximumFractionDigits: 2 }).format(n);
  return value.currency ? `${plain} ${value.currency}` : plain;
}

function trendSection(trend) {
  const weeks = (trend && trend.weeks) || [];
  const flags = weeks.reduce((s, w) => s + LABELS.reduce((a, l) => a + (Number(w.counts[l]) || 0), 0), 0);
  const summary = weeks.length
    ? t("trend.summary", { flags, weeks: weeks.length, from: formatDate(weeks[0].week_start) })
    : t("client.chartEmpty");
  const figure = el("figure", { class: "chart trend", "data-weeks": weeks.length },
    el("figcaption", {}, t("trend.title")));
  if (!weeks.length) {
    figure.append(el("p", { class: "muted" }, summary));
    return figure;
  }
  const points = weeks.map((w) => ({
    key: w.week_start, tick: formatDate(w.week_start), values: w.counts || {},
    title: t("trend.week", { date: formatDate(w.week_start), messages: w.messages, flagged: w.flagged }),
  }));
  figure.append(
    stackedBars({ points, series: LABELS, name: labelName, ariaLabel: summary }),
    el("ul", { class: "legend trend-legend" }, LABELS.map((l) => el("li", { "data-label": l },
      el("span", { class: `swatch seg-${l}`, "aria-hidden": "true" }), labelName(l)))),
    el("p", { class: "muted chart-summary" }, summary));
  return figure;
}

function valueLine(value) {
  if (!value) return el("p", { class: "muted value-none" }, t("worth.noValue"));
  const parts = [];
  if (value.revenue !== null && value.revenue !== undefined) {
    parts.push(t(value.period === "year" ? "worth.perYear" : "worth.perMonth", { amount: money(value) }));
  }
  if (value.plan) parts.push(t("worth.plan", { plan: value.plan }));
  return el("p", { class: "value-line" }, el("strong", {}, `${t("worth.value")}: `), parts.join(" · "));
}

function costTable(cost) {
  const rows = [
    ["worth.messages", String(cost.messages)],
    ["worth.flagged", `${cost.flagged} (${percent(cost.flagged_share)})`],
    ["worth.offHours", `${cost.off_hours} (${percent(cost.off_hours_share)})`],
    ["worth.corrections", String(cost.corrections)],
    ["worth.allTime", String(cost.messages_all_time)],
  ];
  return el("table", { class: "counts cost" },
    el("caption", {}, t("worth.cost", { days: formatDays(cost.days) })),
    el("tbody", {}, rows.map(([k, v]) => el("tr", { "data-cost": k.split(".")[1] },
      el("th", { scope: "row" }, t(k)), el("td", { class: "num" }, v)))));
}

function partingLine(p, cost) {
  const vars = { level: riskName(p.risk_level), flagged: cost.flagged, messages: cost.messages,
    days: formatDays(cost.days) };
  return el("p", { class: `parting ${p.offered ? "note" : "muted"}`, "data-offered": String(p.offered) },
    t(p.offered ? "worth.partingShown" : "worth.partingHidden", vars));
}

function worthSection(worth) {
  return el("section", { class: "worth", "aria-labelledby": "worth-h" },
    el("h2", { id: "worth-h" }, t("worth.title")),
    valueLine(worth.value), costTable(worth.cost), partingLine(worth.parting, worth.cost));
}

/** The chart and the worth section for a client card; errors stay inside them. */
export async function clientExtras(clientId) {
  const id = encodeURIComponent(clientId);
  const [trend, worth] = await Promise.allSettled([
    api("GET", `/v1/clients/${id}/trend?weeks=${WEEKS}`),
    api("GET", `/v1/clients/${id}/value`),
  ]);
  for (const r of [trend, worth]) if (r.status === "rejected" && r.reason.status === 401) throw r.reason;
  return [
    trend.status === "fulfilled" ? trendSection(trend.value) : errorBox(trend.reason),
    worth.status === "fulfilled" ? worthSection(worth.value) : errorBox(worth.reason),
  ];
}
