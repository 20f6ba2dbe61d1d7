// Whose clock a time is shown on. A message's send time is shown on the sender's
// own clock (their UTC offset, which the API keeps); arrival times and messages
// without a known offset use the tenant's time zone (UTC when it names none).
// Every time says which clock it is, e.g. "23:40 (sender, UTC+3)".

import { api } from "./api.js";
import { el } from "./dom.js";
import { lang, t } from "./i18n.js";

let zonePromise = null;

/** The tenant's IANA zone from its business hours, fetched once per page; "UTC" if none. */
export function tenantZone() {
  if (!zonePromise) {
    zonePromise = api("GET", "/v1/tenant")
      .then((data) => (data && data.business_hours && data.business_hours.timezone) || "UTC")
      .catch((err) => {
        zonePromise = null;
        if (err && err.status === 401) throw err;
        return "UTC";
      });
  }
  return zonePromise;
}

/** "UTC+3", "UTC−4:30", "UTC". */
export function offsetName(minutes) {
  const m = Number(minutes);
  if (!m) return "UTC";
  const sign = m > 0 ? "+" : "−";
  const abs = Math.abs(m);
  const h = Math.floor(abs / 60);
  const rest = abs % 60;
  return `UTC${sign}${h}${rest ? `:${String(rest).padStart(2, "0")}` : ""}`;
}

function format(date, timeZone) {
  return new Intl.DateTimeFormat(lang(), { dateStyle: "medium", timeStyle: "short", timeZone })
    .format(date);
}

/**
 * The parts of a shown time: `text` on the chosen clock and `clock` naming it.
 * `offset` (minutes) is the sender's; null/undefined means unknown: the tenant's zone.
 */
export function clockParts(iso, offset, zone) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return null;
  if (offset !== null && offset !== undefined && Number.isFinite(Number(offset))) {
    // Shift the instant by the sender's offset and read it as UTC: their wall clock.
    const shifted = new Date(d.getTime() + Number(offset) * 60000);
    return { text: format(shifted, "UTC"), clock: t("clock.sender", { offset: offsetName(offset) }),
      kind: "sender" };
  }
  let text;
  try {
    text = format(d, zone || "UTC");
  } catch (_) {
    text = format(d, "UTC");
  }
  return { text, clock: t("clock.tenant", { zone: zone || "UTC" }), kind: "tenant" };
}

/** A <time> with its clock: the send time on the sender's clock, else the arrival time. */
export function whenElement(item, zone) {
  const sent = item.sent_at;
  const parts = sent
    ? clockParts(sent, item.sent_utc_offset, zone)
    : clockParts(item.received_at ?? item.created_at, null, zone);
  if (!parts) return el("span", { class: "when-time" }, "–");
  return el("span", { class: "when-time", "data-clock": parts.kind, "data-basis": sent ? "sent" : "arrived" },
    sent ? null : el("span", { class: "when-basis" }, `${t("clock.arrived")} `),
    el("time", { datetime: sent ?? item.received_at ?? "" }, parts.text),
    " ", el("span", { class: "clock" }, `(${parts.clock})`));
}
