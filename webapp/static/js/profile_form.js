// Build the profile form from the field spec, read it back, and show errors next to fields.

import { SECTIONS } from "./profile_fields.js";
import { crossFieldProblems, problem, ruleFor } from "./profile_rules.js";
import { h, humanize } from "./ui.js";

const LIST_KINDS = ["list", "lines", "repeat"];

export function buildSections(profile) {
  return SECTIONS.map((section) => h("fieldset", { class: "form-section", id: `section-${section.id}` },
    h("legend", {}, section.title),
    h("div", { class: "form-grid" }, section.fields.map((field) => {
      const path = section.group ? `${section.group}.${field.name}` : field.name;
      const value = section.group ? (profile[section.group] || {})[field.name] : profile[field.name];
      return field.kind === "repeat" ? repeater(field, value || []) : control(field, path, value);
    }))));
}

function idFor(path) { return "f-" + path.replace(/\./g, "-"); }

function control(field, path, value) {
  const id = idFor(path);
  const hintId = field.hint ? `${id}-hint` : null;
  const common = { id, name: path, "data-path": path, "data-kind": field.kind, "data-label": field.label,
    "aria-describedby": hintId, required: field.required };
  let input;
  switch (field.kind) {
    case "select":
      input = h("select", common, h("option", { value: "" }, "Not known"), field.options.map(([v, t]) => h("option", { value: v }, t)));
      input.value = value ?? "";
      break;
    case "yesno":
      input = h("select", common, h("option", { value: "" }, "Not known"), h("option", { value: "yes" }, "Yes"), h("option", { value: "no" }, "No"));
      input.value = value === true ? "yes" : value === false ? "no" : "";
      break;
    case "checkbox":
      input = h("input", { ...common, type: "checkbox", checked: value ?? field.default ?? false });
      return h("div", { class: "field field-check" }, input, h("label", { for: id }, field.label));
    case "textarea":
    case "lines":
      input = h("textarea", { ...common, rows: field.kind === "textarea" ? 5 : 3 });
      input.value = field.kind === "lines" ? (value || []).join("\n") : (value ?? "");
      break;
    case "list":
      input = h("input", { ...common, type: "text", value: (value || []).join(", ") });
      break;
    case "int":
    case "number":
    case "money":
      input = h("input", { ...common, type: "number", inputmode: field.kind === "int" ? "numeric" : "decimal",
        min: field.min ?? 0, max: field.max, step: field.step || (field.kind === "money" ? "any" : 1), value: value ?? "" });
      break;
    default:
      input = h("input", { ...common, type: field.kind === "text" ? "text" : field.kind, value: value ?? "",
        autocomplete: field.autocomplete || (field.kind === "email" ? "off" : undefined) });
  }
  const wide = ["textarea", "lines"].includes(field.kind);
  return h("div", { class: `field${wide ? " field-wide" : ""}` },
    h("label", { for: id }, field.label, field.required ? h("span", { class: "required", "aria-hidden": "true" }, " *") : null),
    input,
    field.hint ? h("p", { class: "hint", id: hintId }, field.hint) : null);
}

function repeater(field, items) {
  const list = h("div", { class: "repeat-items", "data-repeat": field.name });
  const wrap = h("fieldset", { class: "field field-wide repeat", "data-path": field.name, id: idFor(field.name), tabindex: "-1" },
    h("legend", {}, field.label), list);
  const add = h("button", { type: "button", class: "button button-small" }, `Add ${field.item}`);
  add.addEventListener("click", () => {
    list.append(repeatItem(field, {}, list.children.length));
    renumber(field, list);
    list.lastElementChild.querySelector("input, select")?.focus();
    wrap.dispatchEvent(new Event("input", { bubbles: true }));
  });
  items.forEach((item, index) => list.append(repeatItem(field, item, index)));
  wrap.append(add);
  return wrap;
}

function repeatItem(field, item, index) {
  const box = h("fieldset", { class: "repeat-item" }, h("legend", {}, `${humanize(field.item)} ${index + 1}`));
  box.append(h("div", { class: "form-grid" }, field.fields.map((sub) => control(sub, `${field.name}.${index}.${sub.name}`, item[sub.name]))));
  const remove = h("button", { type: "button", class: "button button-small button-danger-quiet" }, `Remove ${field.item} ${index + 1}`);
  remove.addEventListener("click", () => {
    const list = box.parentElement;
    const fieldset = list.closest("fieldset.repeat");
    box.remove();
    renumber(field, list);
    fieldset.dispatchEvent(new Event("input", { bubbles: true }));
    fieldset.querySelector("button:last-of-type")?.focus();
  });
  box.append(remove);
  return box;
}

function renumber(field, list) {
  [...list.children].forEach((box, index) => {
    box.querySelector("legend").textContent = `${humanize(field.item)} ${index + 1}`;
    box.querySelector(":scope > button").textContent = `Remove ${field.item} ${index + 1}`;
    for (const el of box.querySelectorAll("[data-path]")) {
      const sub = el.dataset.path.split(".").pop();
      const path = `${field.name}.${index}.${sub}`;
      el.dataset.path = path;
      el.name = path;
      el.id = idFor(path);
      const label = el.closest(".field")?.querySelector("label");
      if (label) label.htmlFor = el.id;
    }
  });
}

function readControl(el) {
  const kind = el.dataset.kind;
  const raw = el.type === "checkbox" ? el.checked : el.value;
  switch (kind) {
    case "checkbox": return raw;
    case "yesno": return raw === "yes" ? true : raw === "no" ? false : null;
    case "int": return raw === "" ? null : (Number.isInteger(Number(raw)) ? Number(raw) : raw);
    case "number":
    case "money": return raw === "" ? null : (Number.isNaN(Number(raw)) ? raw : Number(raw));
    case "list": return raw.split(",").map((s) => s.trim()).filter(Boolean);
    case "lines": return raw.split("\n").map((s) => s.trim()).filter(Boolean);
    default: return raw.trim() === "" ? null : raw.trim();
  }
}

export function readProfile(form) {
  const profile = {};
  for (const section of SECTIONS) {
    for (const field of section.fields) {
      if (field.kind === "repeat") {
        const list = form.querySelector(`[data-repeat="${field.name}"]`);
        profile[field.name] = [...list.children].map((box) => {
          const item = {};
          for (const el of box.querySelectorAll("[data-path]")) item[el.dataset.path.split(".").pop()] = readControl(el);
          return item;
        });
        continue;
      }
      const path = section.group ? `${section.group}.${field.name}` : field.name;
      const value = readControl(form.querySelector(`[data-path="${path}"]`));
      if (section.group) (profile[section.group] ||= {})[field.name] = value;
      else profile[field.name] = value;
    }
  }
  return normalize(profile);
}

// Absent, null, "" and [] all mean "not recorded"; nested nulls are dropped.
export function normalize(profile) {
  const out = {};
  for (const [key, value] of Object.entries(profile || {})) {
    const clean = cleanValue(value);
    if (clean !== undefined) out[key] = clean;
  }
  return out;
}

function cleanValue(value) {
  if (value === null || value === undefined || value === "") return undefined;
  if (Array.isArray(value)) {
    const items = value.map(cleanValue).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (typeof value === "object") {
    const obj = normalize(value);
    return Object.keys(obj).length ? obj : undefined;
  }
  return value;
}

export function stable(value) {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stable(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export function editableFields() {
  const names = [];
  for (const section of SECTIONS) {
    if (section.group) names.push(section.group);
    else for (const field of section.fields) names.push(field.name);
  }
  return names;
}

function emptyValue(name) {
  for (const section of SECTIONS) {
    for (const field of section.fields) if (!section.group && field.name === name && LIST_KINDS.includes(field.kind)) return [];
  }
  return null;
}

// Only the fields that changed, with explicit clears for removed values.
export function changedFields(original, current) {
  const changes = {};
  for (const name of editableFields()) {
    if (stable(original[name]) !== stable(current[name])) {
      changes[name] = current[name] === undefined ? emptyValue(name) : current[name];
    }
  }
  return changes;
}

// What the form can tell is wrong before the server does, keyed by path like the server's details.
export function formProblems(form, rules, paths = null) {
  const problems = {};
  for (const el of form.querySelectorAll("[data-kind]")) {
    const path = el.dataset.path;
    if (paths && !paths.has(path)) continue;
    const spec = { label: el.dataset.label || humanize(path.split(".").pop()), kind: el.dataset.kind, required: el.required };
    const text = problem(spec, readControl(el), ruleFor(path, rules));
    if (text) problems[path] = text;
  }
  for (const [path, text] of Object.entries(crossFieldProblems(readProfile(form)))) {
    if (!problems[path] && (!paths || paths.has(path))) problems[path] = text;
  }
  return problems;
}

export function showErrors(form, details) {
  clearErrors(form);
  const placed = [];
  for (const [key, message] of Object.entries(details || {})) {
    const target = findTarget(form, key);
    const text = typeof message === "string" ? message : JSON.stringify(message);
    if (!target) { placed.push({ key, text, target: null }); continue; }
    const errorId = `${target.id}-error`;
    const p = h("p", { class: "field-error", id: errorId }, text);
    const wrapper = target.matches("fieldset") ? target : target.closest(".field");
    wrapper.classList.add("has-error");
    wrapper.append(p);
    target.setAttribute("aria-invalid", "true");
    const described = (target.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    target.setAttribute("aria-describedby", [...described, errorId].join(" "));
    placed.push({ key, text, target });
  }
  return placed;
}

function findTarget(form, key) {
  let path = key;
  while (path) {
    const el = form.querySelector(`[data-path="${CSS.escape(path)}"]`);
    if (el) return el;
    path = path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : "";
  }
  return null;
}

export function clearErrors(form) {
  for (const p of form.querySelectorAll(".field-error")) {
    const target = form.querySelector(`[aria-describedby~="${p.id}"]`);
    if (target) {
      target.removeAttribute("aria-invalid");
      const rest = target.getAttribute("aria-describedby").split(" ").filter((id) => id !== p.id);
      if (rest.length) target.setAttribute("aria-describedby", rest.join(" "));
      else target.removeAttribute("aria-describedby");
    }
    p.parentElement.classList.remove("has-error");
    p.remove();
  }
}
