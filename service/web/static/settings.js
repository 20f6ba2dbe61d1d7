// Settings: the tenant's sensitivity. A preset moves every label's threshold; a
// threshold typed for one label pins it. Saved through /v1/tenant/sensitivity and used
// for messages classified from then on (stored messages keep their labels).

import { api } from "./api.js";
import { announce, el, errorBox, LABELS } from "./dom.js";
import { labelName, t } from "./i18n.js";

const PRESETS = ["low", "normal", "high"];

/** 0.4567 -> "45.67" (the form shows percent, the API takes 0..1). */
function percent(value) {
  return String(Math.round(Number(value) * 10000) / 100);
}

function presetChoice(current) {
  const fieldset = el("fieldset", { class: "sensitivity-presets" },
    el("legend", {}, t("settings.preset")));
  for (const p of PRESETS) {
    const id = `preset-${p}`;
    fieldset.append(el("div", { class: "check" },
      el("input", { type: "radio", id, name: "preset", value: p, checked: p === current }),
      el("label", { for: id }, t(`settings.preset.${p}`)),
      el("span", { class: "muted" }, t(`settings.presetHelp.${p}`))));
  }
  return fieldset;
}

function thresholdRow(label, data) {
  const id = `threshold-${label}`;
  const custom = data.custom || {};
  const input = el("input", {
    type: "number", id, name: label, min: "0.01", max: "99.99", step: "0.01",
    inputmode: "decimal", value: label in custom ? percent(custom[label]) : null,
    "aria-describedby": `${id}-preset`,
  });
  return el("tr", { "data-label": label },
    el("th", { scope: "row" }, el("label", { for: id }, labelName(label))),
    el("td", { class: "num", "data-cell": "model" }, `${percent(data.model_thresholds[label])}%`),
    el("td", { class: "num", id: `${id}-preset`, "data-cell": "preset" }, ""),
    el("td", {}, input, " %"),
    el("td", { class: "num", "data-cell": "effective" }, ""));
}

/** Fill the preset and effective columns for the preset picked now (before saving). */
function refreshColumns(form, data) {
  const preset = form.querySelector("input[name=preset]:checked")?.value || "normal";
  for (const label of LABELS) {
    const row = form.querySelector(`tr[data-label="${label}"]`);
    const fromPreset = data.presets[preset][label];
    const typed = row.querySelector("input").value.trim();
    row.querySelector("[data-cell=preset]").textContent = `${percent(fromPreset)}%`;
    row.querySelector("[data-cell=effective]").textContent = typed ? `${typed}%` : `${percent(fromPreset)}%`;
  }
}

/** The PUT body from the form, or a message for the first invalid threshold. */
function readForm(form) {
  const preset = form.querySelector("input[name=preset]:checked")?.value || "normal";
  const thresholds = {};
  for (const label of LABELS) {
    const raw = form.querySelector(`input[name="${label}"]`).value.trim();
    if (!raw) continue;
    const value = Number(raw.replace(",", "."));
    if (!Number.isFinite(value) || value <= 0 || value >= 100) {
      return { error: t("settings.invalid", { label: labelName(label) }) };
    }
    thresholds[label] = Math.round(value * 100) / 10000;
  }
  return { body: { preset, thresholds } };
}

function renderForm(root, data) {
  const status = el("p", { class: "settings-status", role: "status" });
  const problems = el("div", { class: "settings-errors" });
  const save = el("button", { type: "submit" }, t("settings.save"));
  const reset = el("button", { type: "button", class: "secondary", id: "sensitivity-reset" },
    t("settings.reset"));
  const form = el("form", { class: "sensitivity card", novalidate: true },
    presetChoice(data.preset),
    el("table", { class: "thresholds" },
      el("caption", {}, t("settings.thresholds")),
      el("thead", {}, el("tr", {},
        el("th", { scope: "col" }, t("client.label")),
        el("th", { scope: "col", class: "num" }, t("settings.model")),
        el("th", { scope: "col", class: "num" }, t("settings.fromPreset")),
        el("th", { scope: "col" }, t("settings.custom")),
        el("th", { scope: "col", class: "num" }, t("settings.effective")))),
      el("tbody", {}, LABELS.map((l) => thresholdRow(l, data)))),
    el("p", { class: "muted" }, t("settings.customHelp")),
    problems,
    el("div", { class: "actions" }, save, reset),
    status);
  form.addEventListener("input", () => refreshColumns(form, data));

  async function send(method, body) {
    problems.textContent = "";
    status.textContent = "";
    save.disabled = reset.disabled = true;
    try {
      const saved = await api(method, "/v1/tenant/sensitivity", body);
      const fresh = el("div", { class: "settings-body" });
      renderForm(fresh, saved);
      root.replaceWith(fresh);
      const note = fresh.querySelector(".settings-status");
      note.textContent = t("settings.saved");
      note.dataset.state = "saved";
      announce(t("settings.saved"));
    } catch (err) {
      if (err.status === 401) throw err;
      problems.append(errorBox(err));
      save.disabled = reset.disabled = false;
    }
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const { body, error } = readForm(form);
    if (error) {
      problems.textContent = "";
      problems.append(el("p", { class: "error", role: "alert" }, error));
      return;
    }
    send("PUT", body);
  });
  reset.addEventListener("click", () => send("DELETE"));
  root.append(form);
  refreshColumns(form, data);
}

export async function renderSettings(root) {
  root.append(el("h1", {}, t("settings.title")),
    el("p", { class: "muted" }, t("settings.help")),
    el("p", { class: "note", id: "sensitivity-applies" }, t("settings.appliesToNew")));
  let data;
  try {
    data = await api("GET", "/v1/tenant/sensitivity");
  } catch (err) {
    if (err.status === 401) throw err;
    root.append(errorBox(err));
    return;
  }
  const body = el("div", { class: "settings-body" });
  root.append(body);
  renderForm(body, data);
}
