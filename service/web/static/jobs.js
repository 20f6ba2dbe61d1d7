// Dead letters: background jobs (webhook processing, write-back, alerts) that failed every
// attempt. An admin reads why and sends one back to the queue once the cause is fixed.

import { api, query } from "./api.js";
import { announce, el, errorBox } from "./dom.js";
import { formatDateTime, t } from "./i18n.js";

const PAGE_SIZE = 50;

function jobRow(job, onRetried) {
  const status = el("p", { class: "job-status", role: "status" });
  const button = el("button", { type: "button", class: "retry" }, t("jobs.retry"));
  const li = el("li", { class: "dead-job card", "data-job-id": String(job.id) },
    el("div", { class: "evidence-head" },
      el("strong", {}, job.kind), " · ",
      el("code", {}, job.key), " · ",
      el("time", { datetime: job.updated_at }, formatDateTime(job.updated_at))),
    el("p", { class: "job-error" }, t("jobs.error", { error: job.last_error || "–" })),
    el("p", { class: "muted" }, t("jobs.attempts", { n: job.attempts, max: job.max_attempts })),
    el("div", { class: "actions" }, button), status);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await api("POST", `/v1/jobs/dead/${job.id}/retry`);
      li.remove();
      onRetried(t("jobs.retried", { id: job.id }));
    } catch (err) {
      if (err.status === 401) throw err;
      button.disabled = false;
      status.replaceChildren(errorBox(err));
    }
  });
  return li;
}

export async function renderJobs(root) {
  const url = new URL(window.location.href);
  const offset = Math.max(0, parseInt(url.searchParams.get("offset") || "0", 10) || 0);
  root.append(el("h1", {}, t("jobs.title")), el("p", { class: "muted" }, t("jobs.help")));
  let data;
  try {
    data = await api("GET", `/v1/jobs/dead${query({ limit: PAGE_SIZE, offset })}`);
  } catch (err) {
    if (err.status === 401) throw err;
    root.append(errorBox(err));
    return;
  }
  let left = Number(data.total) || 0;
  const count = el("p", { class: "muted jobs-count" });
  const empty = el("p", { class: "empty" }, t("jobs.empty"));
  const list = el("ol", { class: "dead-jobs" });
  const show = () => {
    count.textContent = t("jobs.count", { n: left });
    empty.hidden = left > 0;
  };
  list.append(...(data.items || []).map((job) => jobRow(job, (text) => {
    left = Math.max(0, left - 1);
    show();
    announce(text);
  })));
  root.append(count, empty, list);
  show();
}
