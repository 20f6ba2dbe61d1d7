// The console talks to the same /v1 API as any helpdesk integration, with the
// agent's key. The key lives in sessionStorage: gone when the tab session ends.

const KEY = "toneguard.apiKey";

export function getKey() {
  try { return sessionStorage.getItem(KEY) || ""; } catch (_) { return ""; }
}

export function setKey(value) {
  sessionStorage.setItem(KEY, value.trim());
}

export function clearKey() {
  try { sessionStorage.removeItem(KEY); } catch (_) { /* nothing to clear */ }
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The service answers {"error": code, "detail": text or validation list}; make it a sentence. */
function errorText(status, data) {
  if (data && typeof data === "object") {
    const detail = data.detail;
    if (typeof detail === "string" && detail) return detail;
    if (Array.isArray(detail) && detail.length) {
      return detail.map((d) => (d && d.msg ? d.msg : JSON.stringify(d))).join("; ");
    }
    if (detail && typeof detail === "object") {
      return detail.message || detail.msg || JSON.stringify(detail);
    }
    if (typeof data.error === "string" && data.error) return data.error;
  }
  return `HTTP ${status}`;
}

export async function api(method, path, body) {
  const headers = { "X-API-Key": getKey(), Accept: "application/json" };
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, String(err && err.message ? err.message : err));
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try { data = JSON.parse(text); } catch (_) { data = null; }
  }
  if (!res.ok) throw new ApiError(res.status, errorText(res.status, data));
  return data;
}

/** Build a query string, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}
