// The firm's audit trail (admins): filter by client, attorney and time; export CSV or JSON Lines.

import { api, session, withQuery } from "../api.js";
import { firmAttorneys } from "../catalogue.js";
import { fieldLabel, valueLabel } from "../profile_fields.js";
import { navigate } from "../router.js";
import { displayValue, formatDate, h, humanize, link, mount, notice, pageTitle, unavailable } from "../ui.js";

const FILTERS = ["client", "actor", "entity", "from", "to"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEALED = /^pii:v\d+:/;

export async function auditPage(main, params, query) {
  if (!session.isAdmin) {
    mount(main, pageTitle("Audit trail"), notice("error", "Only firm administrators can see the audit trail."));
    return;
  }
  const filters = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) || ""]));
  const attorneys = await firmAttorneys();
  const emails = new Map(attorneys.map((a) => [a.id, a.email]));
  const results = h("div", { "aria-live": "polite" }, h("p", { class: "loading" }, "Loading…"));
  const form = filterForm(filters, attorneys);
  const exports = h("div", { class: "export" },
    exportButton("Export CSV", "text/csv", "csv", filters), exportButton("Export JSON Lines", "application/x-ndjson", "jsonl", filters));
  mount(main, h("div", { class: "page-head" }, pageTitle("Audit trail"), exports), form, results);
  try {
    const { data } = await api.get("/v1/audit", apiFilters(filters));
    const entries = Array.isArray(data) ? data : data.data || [];
    mount(results, entries.length ? auditTable(entries, emails) : h("p", { class: "empty" }, "No entries match."));
  } catch (error) {
    mount(results, error.unavailable ? unavailable("The audit trail") : notice("error", error.message));
    exports.hidden = true;
  }
}

function filterForm(filters, attorneys) {
  const field = (id, text, control) => h("div", { class: "field" }, h("label", { for: id }, text), control);
  const actor = h("select", { id: "audit-actor", name: "actor" }, h("option", { value: "" }, "Anyone"),
    attorneys.map((a) => h("option", { value: a.id }, a.id === session.attorney?.id ? `${a.email} (you)` : a.email)));
  actor.value = filters.actor;
  // A client id (from a client's page) still filters; typed words find the client by name.
  const client = h("input", { id: "audit-client", name: "client", type: "search", value: filters.client || filters.entity,
    placeholder: "Name or email" });
  const form = h("form", { class: "filters", "aria-label": "Filter the audit trail" },
    field("audit-client", "Client", client),
    field("audit-actor", "Attorney", actor),
    field("audit-from", "From", h("input", { id: "audit-from", name: "from", type: "date", value: filters.from })),
    field("audit-to", "To", h("input", { id: "audit-to", name: "to", type: "date", value: filters.to })),
    h("div", { class: "filter-actions" }, h("button", { type: "submit", class: "button" }, "Apply")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const typed = (data.client || "").trim();
    delete data.client;
    if (UUID.test(typed)) data.entity = typed;
    else data.client = typed;
    navigate(withQuery("/audit", data));
  });
  return form;
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
  return h("div", { class: "table-wrap audit-wrap" }, h("table", { class: "table table-compact audit-table" },
    h("colgroup", {}, ["time", "actor", "action", "entity", "changes"].map((c) => h("col", { class: `audit-col-${c}` }))),
    h("thead", {}, h("tr", {}, ["Time", "Attorney", "Action", "Entity", "Changes"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, entries.map((e) => h("tr", {},
      h("td", { "data-label": "Time" }, formatDate(e.occurred_at || e.at || e.time)),
      h("td", { "data-label": "Attorney" }, actor(e, emails)),
      h("td", { "data-label": "Action" }, humanize(e.action || e.event_type || "—")),
      h("td", { "data-label": "Entity", class: "audit-entity" }, entity(e, emails)),
      h("td", { "data-label": "Changes" }, changes(e.changes || e.changed_fields)))))));
}

// "Client · Amara Okafor", "Check of Amara Okafor", an attorney's email: never a bare id.
function entity(entry, emails) {
  const name = entry.client_name || (entry.client_id ? "an erased client" : null);
  switch (entry.entity_type) {
    case "client":
      return link(`/clients/${entry.client_id || entry.entity_id}`, `Client · ${name || "unknown"}`);
    case "check":
      return entry.client_id ? link(`/clients/${entry.client_id}/checks`, `Check of ${name}`) : "Eligibility check";
    case "attorney":
      return `Attorney · ${emails.get(entry.entity_id) || "former colleague"}`;
    case "firm":
      return "The firm";
    default:
      return humanize(entry.entity_type || "—");
  }
}

function shown(field, value) {
  if (typeof value === "string" && SEALED.test(value)) return "(erased)";
  return displayValue(valueLabel(field, value));
}

function changes(value) {
  if (!value || !Object.keys(value).length) return "—";
  const entries = Array.isArray(value) ? value.map((c) => [c.field, c]) : Object.entries(value);
  return h("ul", { class: "plain" }, entries.map(([field, c]) => h("li", {},
    `${fieldLabel(field) || humanize(field)}: ${c && typeof c === "object" && "new" in c
      ? `${shown(field, c.old)} → ${shown(field, c.new)}` : shown(field, c)}`)));
}
