// A small stacked-bar chart in plain SVG: one bar per period, one coloured segment per
// series (label). No library: the console loads nothing from outside.

import { safeClass, svg } from "./dom.js";

/**
 * The empty frame both console charts draw on: the <svg>, its grid line at the maximum, the
 * axis at zero and their ticks. Returns the <svg> and y(value), the vertical position.
 */
export function chartFrame({ width, height, pad, max, ariaLabel, className }) {
  const y = (v) => pad.top + (height - pad.top - pad.bottom) * (1 - v / max);
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": ariaLabel, class: className,
  });
  chart.append(
    svg("line", { x1: pad.left, x2: width - pad.right, y1: y(max), y2: y(max), class: "grid" }),
    svg("line", { x1: pad.left, x2: width - pad.right, y1: y(0), y2: y(0), class: "axis" }),
    svg("text", { x: pad.left - 4, y: y(max) + 4, class: "tick", "text-anchor": "end" }, String(max)),
    svg("text", { x: pad.left - 4, y: y(0), class: "tick", "text-anchor": "end" }, "0"));
  return { chart, y };
}

/**
 * points: [{ key, tick, title, values: { series: n } }], oldest first.
 * series: the series names in stacking order; name(s) gives the readable name.
 * Returns the <svg>; every segment carries data-key, data-series and data-count.
 */
export function stackedBars({ points, series, name, ariaLabel, width = 560, height = 170 }) {
  const pad = { left: 28, right: 8, top: 10, bottom: 22 };
  const total = (p) => series.reduce((s, k) => s + (Number(p.values[k]) || 0), 0);
  const max = Math.max(1, ...points.map(total));
  const slot = (width - pad.left - pad.right) / Math.max(1, points.length);
  const barW = Math.max(3, Math.min(30, slot * 0.7));
  const { chart, y } = chartFrame({ width, height, pad, max, ariaLabel,
    className: "timeline stacked" });
  const every = Math.ceil(points.length / 6);
  points.forEach((p, i) => {
    const x = pad.left + slot * i + (slot - barW) / 2;
    const group = svg("g", { "data-key": p.key, "data-total": total(p) },
      svg("title", {}, p.title));
    let base = 0;
    for (const k of series) {
      const n = Number(p.values[k]) || 0;
      if (!n) continue;
      group.append(svg("rect", {
        x, y: y(base + n), width: barW, height: y(base) - y(base + n),
        class: `seg seg-${safeClass(k)}`, "data-key": p.key, "data-series": k, "data-count": n,
      }, svg("title", {}, `${p.title}\n${name(k)}: ${n}`)));
      base += n;
    }
    if (!base) group.append(svg("rect", { x, y: y(0) - 1, width: barW, height: 1, class: "bar-zero" }));
    chart.append(group);
    const last = i === points.length - 1;
    if ((i % every === 0 && points.length - 1 - i >= every / 2) || last) {
      const anchor = i === 0 ? "start" : last ? "end" : "middle";
      const tx = i === 0 ? x : last ? x + barW : x + barW / 2;
      chart.append(svg("text", { x: tx, y: height - 6, class: "tick", "text-anchor": anchor }, p.tick));
    }
  });
  return chart;
}
