// Inbox: the tenant's messages, newest first. Filters live in the page URL
// (a plain GET form), so a filtered view can be bookmarked or shared.

import { api, query } from "./api.js";
import {
  chips, clientHref, el, errorBox, LABELS, link, messageHref, RISK_LEVELS, riskBadge,
} from "./dom.js";
import { whenElement, tenantZone } from "./clock.js";
import { labelName, riskName, t } from "./i18n.js";

const PAGE_SIZE = 25;
const SNIPPET = 140;

function snippet(text) {
  const chars = Array.from(String(text ?? "").replace(/\s+/g, " ").trim());
  return chars.length > SNIPPET ? `${chars.slice(0, SNIPPET).join("")}…` : chars.join("");
}

function select(name, labelKey, current, options) {
  const id = `f-${name}`;
  return el("div", { class: "field" },
    el("label", { for: id }, t(labelKey)),
    el("select", { id, name },
      el("option", { value: "" }, t("inbox.any")),
      options.map(([value, text]) => el("option", { value, selected: value === current }, text))));
}

function filterForm(params) {
  const clientId = "f-client";
  return el("form", { class: "filters", method: "get", action: "/", role: "search" },
    select("label", "inbox.filterLabel", params.label, LABELS.map((l) => [l, labelName(l)])),
    select("risk", "inbox.filterRisk", params.risk, RISK_LEVELS.map((r) => [r, riskName(r)])),
    el("div", { class: "field" },
      el("label", { for: clientId }, t("inbox.filterClient")),
      el("input", { id: clientId, name: "client", type: "search", value: params.client || "",
        placeholder: t("inbox.clientSearch"), autocomplete: "off" })),
    el("div", { class: "field actions" },
      el("button", { type: "submit" }, t("inbox.apply")),
      el("a", { href: "/", class: "button secondary" }, t("inbox.reset"))));
}

/** When the message was sent, on the sender's clock (arrival where unknown), and whether off-hours. */
export function arrival(item, zone) {
  const cell = el("span", { class: "when" }, whenElement(item, zone));
  if (item.outside_business_hours) {
    cell.append(" ", el("span", { class: "off-hours", title: t("common.outside") },
      el("span", { "aria-hidden": "true" }, "☾ "), t("common.outsideShort")));
  }
  return cell;
}

function clientRisk(item) {
  const c = item.client && typeof item.client === "object" ? item.client : {};
  return item.client_risk_level ?? item.risk_level ?? c.risk_level ?? c.level ?? null;
}

function row(item, zone) {
  const clientId = item.client_id ?? (item.client && item.client.client_id);
  const risk = clientRisk(item);
  return el("tr", { "data-message-id": item.message_id },
    el("td", {}, arrival(item, zone)),
    el("td", { class: "client" }, clientId ? link(clientHref(clientId), clientId) : "",
      risk ? [" ", riskBadge(risk)] : null),
    el("td", {}, item.channel ?? ""),
    el("td", { class: "flags-cell" }, chips(item.labels, item.scores)),
    el("td", { class: "snippet" }, link(messageHref(item.message_id), [
      item.subject ? [el("strong", {}, item.subject), " — "] : null,
      snippet(item.preview ?? item.text) || item.message_id,
    ])));
}

function pageLinks(params, offset, count, total) {
  const nav = el("nav", { class: "pager", "aria-label": t("inbox.title") });
  const base = { label: params.label, risk: params.risk, client: params.client };
  if (offset > 0) {
    nav.append(link(`/${query({ ...base, offset: Math.max(0, offset - PAGE_SIZE) || "" })}`,
      `← ${t("inbox.newer")}`, { rel: "prev" }));
  }
  const more = Number.isFinite(total) ? offset + count < total : count === PAGE_SIZE;
  if (more) {
    nav.append(link(`/${query({ ...base, offset: offset + PAGE_SIZE })}`,
      `${t("inbox.older")} →`, { rel: "next" }));
  }
  if (Number.isFinite(total)) {
    nav.append(el("span", { class: "muted" },
      t("inbox.count", { shown: `${total ? offset + 1 : 0}–${offset + count}`, total })));
  }
  return nav;
}

export async function renderInbox(root) {
  const url = new URL(window.location.href);
  const params = {
    label: url.searchParams.get("label") || "",
    risk: url.searchParams.get("risk") || "",
    client: url.searchParams.get("client") || "",
  };
  const offset = Math.max(0, parseInt(url.searchParams.get("offset") || "0", 10) || 0);
  root.append(el("h1", {}, t("inbox.title")), filterForm(params));
  const holder = el("div", { class: "inbox-body", "aria-busy": "true" }, t("common.loading"));
  root.append(holder);

  const data = await api("GET", `/v1/messages${query({
    label: params.label, risk_level: params.risk, q: params.client.trim(),
    limit: PAGE_SIZE, offset,
  })}`).catch((err) => ({ error: err }));
  const zone = await tenantZone();
  holder.removeAttribute("aria-busy");
  holder.textContent = "";
  if (data.error) {
    if (data.error.status === 401) throw data.error;
    holder.append(errorBox(data.error, () => window.location.reload()));
    return;
  }
  const items = Array.isArray(data) ? data : (data.items ?? data.messages ?? []);
  const total = Number(data.total);
  if (!items.length) {
    holder.append(el("p", { class: "empty" }, t("inbox.empty")));
  } else {
    holder.append(el("table", { class: "inbox" },
      el("thead", {}, el("tr", {},
        ["inbox.when", "inbox.client", "inbox.channel", "inbox.flags", "inbox.message"]
          .map((k) => el("th", { scope: "col" }, t(k))))),
      el("tbody", {}, items.map((item) => row(item, zone)))));
    holder.append(el("p", { class: "muted sort-note" }, t("inbox.sortNote")));
  }
  holder.append(pageLinks(params, offset, items.length, total));
}
