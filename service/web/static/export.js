// "Export CSV" on the client list: the export needs the key header, so it is fetched
// here and handed to the browser as a download (a plain link could not send the key).

import { getKey } from "./api.js";
import { announce, el } from "./dom.js";
import { t } from "./i18n.js";

const PATH = "/v1/clients/export.csv";

async function download(button) {
  button.disabled = true;
  try {
    const res = await fetch(PATH, { headers: { "X-API-Key": getKey(), Accept: "text/csv" } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const name = /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") || "");
    const url = URL.createObjectURL(await res.blob());
    const a = el("a", { href: url, download: name ? name[1] : "toneguard-clients.csv", hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    announce(t("export.done"));
  } catch (err) {
    announce(t("common.error", { msg: err.message }));
  } finally {
    button.disabled = false;
  }
}

export function exportButton() {
  const button = el("button", { type: "button", class: "secondary export-csv", "data-href": PATH },
    t("export.csv"));
  button.addEventListener("click", () => download(button));
  return el("p", { class: "export" }, button);
}
