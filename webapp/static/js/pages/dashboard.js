// The firm's aggregates from the query side: headline counts, then one panel per breakdown.

import { api } from "../api.js";
import { h, humanize, mount, notice, pageTitle, unavailable } from "../ui.js";

const SKIP = new Set(["position"]);

export async function dashboardPage(main) {
  mount(main, pageTitle("Dashboard"), h("p", { class: "loading" }, "Loading…"));
  let data;
  try {
    data = (await api.get("/v1/dashboard")).data;
  } catch (error) {
    mount(main, pageTitle("Dashboard"), error.unavailable ? unavailable("The dashboard") : notice("error", error.message));
    return;
  }
  const used = new Set(SKIP);
  const take = (key) => { used.add(key); return data[key]; };
  const clients = take("clients_by_status") || {};
  const checks = take("checks_by_status") || {};
  const stats = [
    ["Active clients", clients.active], ["Archived clients", clients.archived],
    ["Completed checks", checks.completed], ["Pending checks", take("pending_checks")], ["Failed checks", take("failed_checks")],
  ].filter(([, v]) => typeof v === "number");
  const panels = [
    panel("Top recommended types", rows(take("top_recommended_types"), "visa_type", "count"), "Visa type", "Times ranked first"),
    panel("Average score by type", rows(take("average_score_by_type")), "Visa type", "Average score", 100),
    panel("Checks per day", rows(take("checks_per_day"), "day", "count").slice(-14).reverse(), "Day", "Checks"),
  ];
  const rest = Object.entries(data).filter(([k, v]) => !used.has(k) && v !== null && v !== undefined);
  mount(main, pageTitle("Dashboard"),
    h("div", { class: "stat-grid" }, stats.map(([label, v]) => h("div", { class: "stat" },
      h("span", { class: "stat-value" }, v.toLocaleString("en-US")), h("span", { class: "stat-label" }, label)))),
    h("div", { class: "dashboard-grid" }, panels,
      rest.map(([k, v]) => (typeof v === "object" ? panel(humanize(k), rows(v), "", "") : panel(humanize(k), [[humanize(k), v]], "", "")))));
}

// Either [{label, value}] objects or a {label: value} map → [[label, value]].
function rows(value, labelKey, valueKey) {
  if (!value) return [];
  if (Array.isArray(value)) {
    return value.map((item) => (typeof item === "object"
      ? [item[labelKey] ?? Object.values(item)[0], item[valueKey] ?? Object.values(item)[1]] : [item, ""]));
  }
  return Object.entries(value).map(([k, v]) => [k, typeof v === "object" ? JSON.stringify(v) : v]);
}

function panel(title, items, labelHeading, valueHeading, scaleMax) {
  const numbers = items.map(([, v]) => v).filter((v) => typeof v === "number");
  const max = scaleMax || Math.max(1, ...numbers);
  return h("section", { class: "panel" }, h("h2", {}, title),
    items.length ? h("div", { class: "table-wrap" }, h("table", { class: "table table-compact table-keep" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, labelHeading), h("th", { scope: "col" }, valueHeading))),
      h("tbody", {}, items.map(([label, v]) => h("tr", {}, h("th", { scope: "row" }, String(label)),
        h("td", {}, typeof v === "number" ? [formatNumber(v),
          h("span", { class: "minibar", "aria-hidden": "true" }, h("span", { style: `width:${Math.round(100 * v / max)}%` }))] : String(v)))))))
      : h("p", { class: "hint" }, "Nothing yet."));
}

function formatNumber(value) {
  return Number.isInteger(value) ? value.toLocaleString("en-US") : value.toFixed(1);
}
