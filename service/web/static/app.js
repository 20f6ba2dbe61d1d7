// Console entry point: translate the shell, ask for the key once per browser
// session, then render the page the server named in <body data-page>.

import { clearKey, getKey, setKey } from "./api.js";
import { renderClient } from "./client.js";
import { renderClients } from "./clients.js";
import { clear, el } from "./dom.js";
import { lang, LANGS, setLang, t } from "./i18n.js";
import { renderInbox } from "./inbox.js";
import { renderJobs } from "./jobs.js";
import { renderMessage } from "./message.js";
import { renderReview } from "./review.js";
import { renderSettings } from "./settings.js";
import { renderTry } from "./try.js";

const PAGES = {
  inbox: (root) => renderInbox(root),
  message: (root, id) => renderMessage(root, id),
  client: (root, id) => renderClient(root, id),
  clients: (root) => renderClients(root),
  try: (root) => renderTry(root),
  review: (root) => renderReview(root),
  settings: (root) => renderSettings(root),
  jobs: (root) => renderJobs(root),
};

const main = () => document.getElementById("main");

function translateShell() {
  document.documentElement.lang = lang();
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-aria]")) {
    node.setAttribute("aria-label", t(node.dataset.i18nAria));
  }
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === lang()));
  }
  const page = document.body.dataset.page;
  for (const a of document.querySelectorAll("[data-nav]")) {
    if (a.dataset.nav === page) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  document.getElementById("forget-key").hidden = !getKey();
}

/** Text where `backticked` parts become <code> elements (still text nodes inside). */
function withCode(text) {
  return text.split("`").map((part, i) => (i % 2 ? el("code", {}, part) : part));
}

function keyForm(rejected) {
  const input = el("input", {
    id: "api-key", name: "api_key", type: "password", autocomplete: "off", required: true,
    spellcheck: "false",
  });
  const form = el("form", { class: "key-form card" },
    el("h1", {}, t("key.title")),
    el("p", { class: "muted" }, withCode(t("key.help"))),
    rejected ? el("p", { class: "error", role: "alert" }, t("key.rejected")) : null,
    el("div", { class: "field wide" }, el("label", { for: "api-key" }, t("key.label")), input),
    el("div", { class: "actions" }, el("button", { type: "submit" }, t("key.submit"))));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!input.value.trim()) return;
    setKey(input.value);
    render();
  });
  const root = clear(main());
  delete root.dataset.ready;
  root.append(form);
  translateShell();
  input.focus();
}

let rendering = 0;

async function render() {
  const ticket = ++rendering;
  translateShell();
  if (!getKey()) {
    keyForm(false);
    return;
  }
  const root = clear(main());
  delete root.dataset.ready;
  const page = PAGES[document.body.dataset.page] || PAGES.inbox;
  try {
    await page(root, document.body.dataset.id || "");
    if (ticket === rendering) root.dataset.ready = "true";
  } catch (err) {
    handleError(err);
  }
}

function handleError(err) {
  if (err && err.status === 401) {
    clearKey();
    keyForm(true);
    return;
  }
  console.error(err);
}

function init() {
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.addEventListener("click", () => {
      setLang(button.dataset.lang);
      render();
    });
  }
  document.getElementById("forget-key").addEventListener("click", () => {
    clearKey();
    render();
  });
  // A 401 from an action (feedback, try) means the key went stale mid-session.
  window.addEventListener("unhandledrejection", (ev) => {
    if (ev.reason && ev.reason.status === 401) {
      ev.preventDefault();
      handleError(ev.reason);
    }
  });
  if (!LANGS.includes(lang())) setLang("en");
  render();
}

init();
