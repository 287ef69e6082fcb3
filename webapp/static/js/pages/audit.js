// The firm's audit trail (admins): filter by actor, entity and time; export CSV or JSON Lines.

import { api, session, withQuery } from "../api.js";
import { firmAttorneys } from "../catalogue.js";
import { fieldLabel, valueLabel } from "../profile_fields.js";
import { navigate } from "../router.js";
import { displayValue, formatDate, h, humanize, mount, notice, pageTitle, unavailable } from "../ui.js";

const FILTERS = [["actor", "Actor (attorney id)", "text"], ["entity", "Client or check id", "text"], ["from", "From", "date"], ["to", "To", "date"]];

export async function auditPage(main, params, query) {
  if (!session.isAdmin) {
    mount(main, pageTitle("Audit trail"), notice("error", "Only firm administrators can see the audit trail."));
    return;
  }
  const filters = Object.fromEntries(FILTERS.map(([k]) => [k, query.get(k) || ""]));
  const results = h("div", { "aria-live": "polite" }, h("p", { class: "loading" }, "Loading…"));
  const form = h("form", { class: "filters", "aria-label": "Filter the audit trail" },
    FILTERS.map(([k, label, type]) => h("div", { class: "field" }, h("label", { for: `audit-${k}` }, label),
      h("input", { id: `audit-${k}`, name: k, type, value: filters[k] }))),
    h("div", { class: "filter-actions" }, h("button", { type: "submit", class: "button" }, "Apply")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    navigate(withQuery("/audit", data));
  });
  const exports = h("div", { class: "export" },
    exportButton("Export CSV", "text/csv", "csv", filters), exportButton("Export JSON Lines", "application/x-ndjson", "jsonl", filters));
  mount(main, h("div", { class: "page-head" }, pageTitle("Audit trail"), exports), form, results);
  try {
    const { data } = await api.get("/v1/audit", apiFilters(filters));
    const entries = Array.isArray(data) ? data : data.data || [];
    const emails = new Map((await firmAttorneys()).map((a) => [a.id, a.email]));
    mount(results, entries.length ? auditTable(entries, emails) : h("p", { class: "empty" }, "No entries match."));
  } catch (error) {
    mount(results, error.unavailable ? unavailable("The audit trail") : notice("error", error.message));
    exports.hidden = true;
  }
}

function apiFilters(filters) {
  const out = { ...filters };
  if (out.from) out.from = new Date(`${out.from}T00:00:00`).toISOString();
  if (out.to) out.to = new Date(`${out.to}T23:59:59`).toISOString();
  return out;
}

function exportButton(text, accept, format, filters) {
  const button = h("button", { type: "button", class: "button button-small" }, text);
  button.addEventListener("click", async () => {
    try {
      const response = await api.download(withQuery("/v1/audit", { ...apiFilters(filters), format }), accept);
      const url = URL.createObjectURL(await response.blob());
      const a = h("a", { href: url, download: `audit.${format}` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (error) {
      button.after(notice("error", error.message));
    }
  });
  return button;
}

function actor(entry, emails) {
  const id = entry.actor_email || entry.actor_id || entry.actor;
  if (!id) return "—";
  if (id === session.attorney?.id) return "You";
  return emails.get(id) || (entry.actor_kind && entry.actor_kind !== "attorney" ? humanize(entry.actor_kind) : id);
}

function auditTable(entries, emails) {
  return h("div", { class: "table-wrap" }, h("table", { class: "table table-compact" },
    h("thead", {}, h("tr", {}, ["Time", "Actor", "Action", "Entity", "Changes"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, entries.map((e) => h("tr", {},
      h("td", { "data-label": "Time" }, formatDate(e.occurred_at || e.at || e.time)),
      h("td", { "data-label": "Actor" }, actor(e, emails)),
      h("td", { "data-label": "Action" }, humanize(e.action || e.event_type || "—")),
      h("td", { "data-label": "Entity" }, h("code", {}, e.entity_id || e.aggregate_id || e.entity || "—")),
      h("td", { "data-label": "Changes" }, changes(e.changes || e.changed_fields)))))));
}

function changes(value) {
  if (!value) return "—";
  const entries = Array.isArray(value) ? value.map((c) => [c.field, c]) : Object.entries(value);
  return h("ul", { class: "plain" }, entries.map(([field, c]) => h("li", {},
    `${fieldLabel(field) || humanize(field)}: ${c && typeof c === "object" && "new" in c
      ? `${displayValue(valueLabel(field, c.old))} → ${displayValue(valueLabel(field, c.new))}` : displayValue(c)}`)));
}
