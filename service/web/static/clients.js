// Clients, riskiest first: where an agent or team lead looks for who needs care.

import { api, query } from "./api.js";
import { clientHref, el, errorBox, LABELS, link, RISK_LEVELS, riskBadge } from "./dom.js";
import { exportButton } from "./export.js";
import { whenElement, tenantZone } from "./clock.js";
import { labelName, riskName, t } from "./i18n.js";

const PAGE_SIZE = 50;

function levelForm(level, search) {
  return el("form", { class: "filters", method: "get", action: "/ui/clients", role: "search" },
    el("div", { class: "field" },
      el("label", { for: "f-client" }, t("inbox.filterClient")),
      el("input", { id: "f-client", name: "q", type: "search", value: search,
        placeholder: t("inbox.clientSearch"), autocomplete: "off" })),
    el("div", { class: "field" },
      el("label", { for: "f-risk" }, t("inbox.filterRisk")),
      el("select", { id: "f-risk", name: "risk" },
        el("option", { value: "" }, t("inbox.any")),
        RISK_LEVELS.map((r) => el("option", { value: r, selected: r === level }, riskName(r))))),
    el("div", { class: "field actions" },
      el("button", { type: "submit" }, t("inbox.apply")),
      el("a", { href: "/ui/clients", class: "button secondary" }, t("inbox.reset"))));
}

function row(c, zone) {
  return el("tr", { "data-client-id": c.client_id },
    el("td", { class: "client" }, link(clientHref(c.client_id), c.client_id)),
    el("td", {}, riskBadge(c.risk_level)),
    el("td", { class: "num", "data-col": t("clients.score") }, Number(c.risk_score).toFixed(2)),
    el("td", { class: "num", "data-col": t("clients.seen") }, String(c.messages_seen)),
    LABELS.map((l) => el("td", { class: "num", "data-col": labelName(l) },
      String((c.counts || {})[l] ?? 0))),
    el("td", { class: "last-message", "data-col": t("clients.lastSeen") },
      c.last_message ? whenElement(c.last_message, zone) : whenElement({ received_at: c.last_seen }, zone)));
}

export async function renderClients(root) {
  const url = new URL(window.location.href);
  const level = url.searchParams.get("risk") || "";
  const search = (url.searchParams.get("q") || "").trim();
  const offset = Math.max(0, parseInt(url.searchParams.get("offset") || "0", 10) || 0);
  root.append(el("h1", {}, t("clients.title")), exportButton(), levelForm(level, search));
  let data;
  try {
    data = await api("GET", `/v1/clients${query({ risk_level: level, q: search, limit: PAGE_SIZE, offset })}`);
  } catch (err) {
    if (err.status === 401) throw err;
    root.append(errorBox(err));
    return;
  }
  const items = data.items || [];
  const zone = await tenantZone();
  if (!items.length) {
    root.append(el("p", { class: "empty" }, t("clients.empty")));
    return;
  }
  root.append(el("table", { class: "inbox clients" },
    el("caption", { class: "visually-hidden" }, t("clients.title")),
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, t("inbox.client")),
      el("th", { scope: "col" }, t("client.risk")),
      el("th", { scope: "col", class: "num" }, t("clients.score")),
      el("th", { scope: "col", class: "num" }, t("clients.seen")),
      LABELS.map((l) => el("th", { scope: "col", class: "num" }, labelName(l))),
      el("th", { scope: "col" }, t("clients.lastSeen")))),
    el("tbody", {}, items.map((c) => row(c, zone)))));
  const nav = el("nav", { class: "pager", "aria-label": t("clients.title") });
  if (offset > 0) {
    nav.append(link(`/ui/clients${query({ risk: level, q: search, offset: Math.max(0, offset - PAGE_SIZE) })}`,
      `← ${t("inbox.newer")}`));
  }
  if (offset + items.length < Number(data.total)) {
    nav.append(link(`/ui/clients${query({ risk: level, q: search, offset: offset + PAGE_SIZE })}`,
      `${t("inbox.older")} →`));
  }
  nav.append(el("span", { class: "muted" },
    t("inbox.count", { shown: `${offset + 1}–${offset + items.length}`, total: data.total })));
  root.append(nav);
}
