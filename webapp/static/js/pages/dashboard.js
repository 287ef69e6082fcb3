// The firm's aggregates from the query side.

import { api } from "../api.js";
import { h, humanize, mount, notice, pageTitle, unavailable } from "../ui.js";

export async function dashboardPage(main) {
  mount(main, pageTitle("Dashboard"), h("p", { class: "loading" }, "Loading…"));
  let data;
  try {
    data = (await api.get("/v1/dashboard")).data;
  } catch (error) {
    mount(main, pageTitle("Dashboard"), error.unavailable ? unavailable("The dashboard") : notice("error", error.message));
    return;
  }
  const stats = Object.entries(data).filter(([, v]) => typeof v === "number");
  const groups = Object.entries(data).filter(([, v]) => v && typeof v === "object");
  mount(main, pageTitle("Dashboard"),
    stats.length ? h("div", { class: "stat-grid" }, stats.map(([k, v]) => h("div", { class: "stat" },
      h("span", { class: "stat-value" }, formatNumber(v)), h("span", { class: "stat-label" }, humanize(k))))) : null,
    h("div", { class: "dashboard-grid" }, groups.map(([k, v]) => h("section", { class: "panel" }, h("h2", {}, humanize(k)), aggregate(v)))));
}

function formatNumber(value) {
  return Number.isInteger(value) ? value.toLocaleString("en-US") : value.toFixed(1);
}

function aggregate(value) {
  const rows = Array.isArray(value) ? value : Object.entries(value).map(([key, v]) => (v && typeof v === "object" ? { key, ...v } : { key, value: v }));
  if (!rows.length) return h("p", { class: "hint" }, "Nothing yet.");
  if (rows.every((r) => typeof r !== "object")) return h("ul", {}, rows.map((r) => h("li", {}, String(r))));
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const numeric = columns.filter((c) => rows.every((r) => typeof r[c] === "number" || r[c] === undefined));
  const bar = numeric.length === 1 ? numeric[0] : null;
  const max = bar ? Math.max(...rows.map((r) => r[bar] || 0), 1) : 1;
  return h("div", { class: "table-wrap" }, h("table", { class: "table table-compact" },
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c === "key" ? "" : humanize(c))))),
    h("tbody", {}, rows.map((r) => h("tr", {}, columns.map((c) => h("td", {},
      typeof r[c] === "number" ? formatNumber(r[c]) : r[c] ?? "—",
      c === bar ? h("span", { class: "minibar", "aria-hidden": "true" }, h("span", { style: `width:${Math.round(100 * (r[c] || 0) / max)}%` })) : null)))))));
}
