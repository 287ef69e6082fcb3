// DOM helpers: every element is built with textContent, never from HTML strings.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "style") el.style.cssText = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "value" && "value" in el) el.value = value;
    else if (key === "checked") el.checked = Boolean(value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function mount(container, ...children) {
  container.replaceChildren();
  append(container, children);
}

export function link(href, text, attrs = {}) {
  return h("a", { href, "data-link": true, ...attrs }, text);
}

export function announce(message) {
  const region = document.getElementById("announcer");
  region.textContent = "";
  setTimeout(() => { region.textContent = message; }, 50);
}

export function notice(kind, ...children) {
  const role = kind === "error" ? "alert" : "status";
  return h("div", { class: `notice notice-${kind}`, role }, ...children);
}

export function unavailable(what) {
  return notice("muted", `${what} is not available on this server yet.`);
}

export function badge(text, kind = "neutral") {
  return h("span", { class: `badge badge-${kind}` }, text);
}

export function formatDate(iso, withTime = true) {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const options = { year: "numeric", month: "short", day: "numeric" };
  if (withTime) Object.assign(options, { hour: "2-digit", minute: "2-digit" });
  return date.toLocaleString("en-US", options);
}

// "Dec 2, 2026, 09:41:07 AM": two checks a minute apart still read apart.
export function formatMoment(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString("en-US", { year: "numeric", month: "short", day: "numeric",
    hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

// "Check #3 · Dec 2, 2026, 09:41:07 AM": numbered in the order the client's checks were requested.
export function checkLabel(check, checks) {
  const ordered = [...checks].sort((x, y) => new Date(x.requested_at) - new Date(y.requested_at));
  const number = ordered.findIndex((c) => c.check_id === check.check_id) + 1;
  return `${number ? `Check #${number} · ` : ""}${formatMoment(check.requested_at)}`;
}

export function percent(value) {
  if (value === null || value === undefined) return "—";
  if (typeof value === "object") {
    const low = value.low ?? value.min, high = value.high ?? value.max;
    if (low !== undefined && high !== undefined) return `${Math.round(low * 100)}–${Math.round(high * 100)}%`;
    if (value.point !== undefined) return percent(value.point);
    return "—";
  }
  return `${Math.round(Number(value) * 100)}%`;
}

export function humanize(name) {
  const text = String(name).replace(/_/g, " ").replace(/\busd\b/i, "(USD)");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function displayValue(value) {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (Array.isArray(value)) {
    if (!value.length) return "—";
    return value.map(itemText).join("; ");
  }
  if (typeof value === "object") {
    return Object.entries(value).filter(([, v]) => v !== null && v !== "")
      .map(([k, v]) => `${humanize(k)}: ${displayValue(v)}`).join("; ") || "—";
  }
  return String(value);
}

// "Best Paper (international, 2023)": the item's name first, its other facts after.
function itemText(item) {
  if (!item || typeof item !== "object") return String(item);
  const primaryKey = ["name", "organization", "outlet", "title"].find((k) => item[k]);
  const rest = Object.entries(item).filter(([k, v]) => k !== primaryKey && v !== null && v !== "" && typeof v !== "boolean")
    .map(([, v]) => String(v).replace(/_/g, " "));
  const flags = Object.entries(item).filter(([, v]) => v === true).map(([k]) => k.replace(/_/g, " "));
  const extra = [...rest, ...flags];
  return `${primaryKey ? item[primaryKey] : ""}${extra.length ? ` (${extra.join(", ")})` : ""}`.trim();
}

export function clientName(client) {
  return `${client.first_name || ""} ${client.last_name || ""}`.trim() || "Unnamed client";
}

export function pageTitle(text) {
  document.title = `${text} · Visa Eligibility`;
  return h("h1", { id: "page-title" }, text);
}
