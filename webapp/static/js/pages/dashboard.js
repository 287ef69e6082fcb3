// The firm's aggregates from the query side: headline counts, then one panel per breakdown.

import { api } from "../api.js";
import { h, humanize, link, mount, notice, pageTitle, unavailable } from "../ui.js";

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
  // Each figure links to the clients behind it (checks are counted, clients are listed).
  const stats = [
    ["Active clients", clients.active, "/clients", "List the active clients"],
    ["Archived clients", clients.archived, "/clients?status=archived", "List the archived clients"],
    ["Completed checks", checks.completed, "/clients?latest_check=completed", "List the clients whose latest check completed"],
    ["Pending checks", take("pending_checks"), "/clients?latest_check=in_progress", "List the clients with a check running"],
    ["Failed checks", take("failed_checks"), "/clients?latest_check=failed", "List the clients whose latest check failed"],
  ].filter(([, v]) => typeof v === "number");
  const byType = (param) => (type) => `/clients?${new URLSearchParams({ [param]: type })}`;
  const panels = [
    panel("Top recommended types", rows(take("top_recommended_types"), "visa_type", "count"), "Visa type", "Times ranked first", 0,
      byType("best_visa_type")),
    panel("Average score by type", rows(take("average_score_by_type")), "Visa type", "Average score", 100,
      (type) => `/clients?${new URLSearchParams({ visa_type: type, sort: "best_probability" })}`),
    panel("Checks per day", rows(take("checks_per_day"), "day", "count").slice(-14).reverse(), "Day", "Checks"),
  ];
  const rest = Object.entries(data).filter(([k, v]) => !used.has(k) && v !== null && v !== undefined);
  mount(main, pageTitle("Dashboard"),
    h("div", { class: "stat-grid" }, stats.map(([label, v, href, title]) => link(href, [
      h("span", { class: "stat-value" }, v.toLocaleString("en-US")), h("span", { class: "stat-label" }, label)],
    { class: "stat", title }))),
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

function panel(title, items, labelHeading, valueHeading, scaleMax, hrefOf) {
  const numbers = items.map(([, v]) => v).filter((v) => typeof v === "number");
  const max = scaleMax || Math.max(1, ...numbers);
  return h("section", { class: "panel" }, h("h2", {}, title),
    items.length ? h("div", { class: "table-wrap" }, h("table", { class: "table table-compact table-keep" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, labelHeading), h("th", { scope: "col" }, valueHeading))),
      h("tbody", {}, items.map(([label, v]) => h("tr", {}, h("th", { scope: "row" }, hrefOf ? link(hrefOf(label), String(label)) : String(label)),
        h("td", {}, typeof v === "number" ? [formatNumber(v),
          h("span", { class: "minibar", "aria-hidden": "true" }, h("span", { style: `width:${Math.round(100 * v / max)}%` }))] : String(v)))))))
      : h("p", { class: "hint" }, "Nothing yet."));
}

function formatNumber(value) {
  return Number.isInteger(value) ? value.toLocaleString("en-US") : value.toFixed(1);
}
