// The firm's clients: search, filters, cursor pagination and a "New client" button.

import { api, session } from "../api.js";
import { firmAttorneys, visaTypeCodes } from "../catalogue.js";
import { navigate } from "../router.js";
import { badge, clientName, formatDate, h, link, mount, notice, pageTitle, percent } from "../ui.js";

const FILTERS = ["search", "status", "attorney_id", "best_verdict", "best_visa_type", "latest_check",
  "visa_type", "min_score", "sort"];
export const VERDICT_WORDS = { strong: "Strong", viable: "Viable", weak: "Weak", not_eligible: "Not eligible" };
const VERDICT_BADGES = { strong: "success", viable: "info", weak: "warning", not_eligible: "neutral" };
const LATEST_CHECK_WORDS = { completed: "Completed", in_progress: "Running", pending: "Waiting to start",
  processing: "Running", failed: "Failed", none: "Never checked" };

export async function clientsPage(main, params, query) {
  const state = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) || ""]));
  const cursors = (query.get("trail") || "").split(",").filter(Boolean);
  const cursor = query.get("cursor") || "";
  const [types, attorneys] = await Promise.all([visaTypeCodes(), firmAttorneys()]);
  const results = h("div", { id: "client-results", "aria-live": "polite" }, h("p", { class: "loading" }, "Loading clients…"));
  mount(main,
    h("div", { class: "page-head" }, pageTitle("Clients"),
      session.canWrite ? link("/clients/new", "New client", { class: "button button-primary" }) : null),
    filterForm(state, types, attorneys),
    results);
  await loadPage(results, state, cursor, cursors);
}

function typeOptions(types, anyText) {
  return [h("option", { value: "" }, anyText), ...types.map((t) => h("option", { value: t }, t))];
}

function filterForm(state, types, attorneys) {
  const me = session.attorney?.id;
  const attorneyOptions = [h("option", { value: "" }, "Any attorney"), h("option", { value: me }, "Me")]
    .concat(attorneys.filter((a) => a.id !== me).map((a) => h("option", { value: a.id }, a.email)));
  const field = (id, text, control) => h("div", { class: "field" }, h("label", { for: id }, text), control);
  const select = (id, options) => {
    const el = h("select", { id, name: id }, options);
    el.value = state[id];
    return el;
  };
  const form = h("form", { class: "filters", role: "search", "aria-label": "Find clients" },
    field("search", "Search", h("input", { id: "search", name: "search", type: "search", value: state.search, placeholder: "Name, email, employer or field" })),
    field("status", "Status", select("status", [h("option", { value: "" }, "Active"), h("option", { value: "archived" }, "Archived")])),
    field("attorney_id", "Attorney", select("attorney_id", attorneyOptions)),
    field("best_verdict", "Best option", select("best_verdict", [h("option", { value: "" }, "Any outcome"),
      ...Object.entries(VERDICT_WORDS).map(([v, text]) => h("option", { value: v }, text)),
      h("option", { value: "none" }, "No results yet")])),
    field("best_visa_type", "Best option type", select("best_visa_type", typeOptions(types, "Any best type"))),
    field("latest_check", "Latest check", select("latest_check", [h("option", { value: "" }, "Any"),
      ...["completed", "in_progress", "failed", "none"].map((v) => h("option", { value: v }, LATEST_CHECK_WORDS[v]))])),
    field("visa_type", "Visa type", select("visa_type", typeOptions(types, "Any visa type"))),
    field("min_score", "Minimum score", h("input", { id: "min_score", name: "min_score", type: "number", min: 0, max: 100, step: 1, value: state.min_score, inputmode: "numeric" })),
    field("sort", "Sort by", select("sort", [h("option", { value: "" }, "Newest first"),
      h("option", { value: "best_probability" }, "Best chance first")])),
    h("div", { class: "filter-actions" },
      h("button", { type: "submit", class: "button" }, "Apply"),
      link("/clients", "Clear", { class: "button button-quiet" })));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = new URLSearchParams();
    for (const key of FILTERS) if (data.get(key)) next.set(key, String(data.get(key)).trim());
    navigate(`/clients${next.toString() ? "?" + next : ""}`);
  });
  return form;
}

async function loadPage(results, state, cursor, trail) {
  const params = { limit: 20, cursor, search: state.search, attorney_id: state.attorney_id,
    best_verdict: state.best_verdict, best_visa_type: state.best_visa_type, latest_check: state.latest_check,
    sort: state.sort, visa_type: state.visa_type, min_score: state.visa_type ? state.min_score : "" };
  if (state.status === "archived") params.status = "archived";
  let page;
  try {
    page = (await api.get("/v1/clients", params)).data;
  } catch (error) {
    mount(results, notice("error", error.message));
    return;
  }
  if (!page.data.length) {
    const filtered = FILTERS.some((k) => state[k]);
    mount(results, h("div", { class: "empty" },
      h("p", {}, filtered ? "No clients match these filters." : "No clients yet."),
      !filtered && session.canWrite ? link("/clients/new", "Add your first client", { class: "button button-primary" }) : null));
    return;
  }
  mount(results, clientTable(page.data, state), pager(state, cursor, trail, page.pagination));
}

function clientTable(clients, state) {
  return h("div", { class: "table-wrap" }, h("table", { class: "table clients-table" },
    h("caption", { class: "visually-hidden" }, state.sort === "best_probability" ? "Clients, best chance first" : "Clients, newest first"),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, "Name"), h("th", { scope: "col" }, "Email"),
      h("th", { scope: "col" }, "Position"), h("th", { scope: "col" }, "Best option"),
      h("th", { scope: "col" }, "Updated"))),
    h("tbody", {}, clients.map((c) => h("tr", {},
      h("td", { "data-label": "Name" }, link(`/clients/${c.id}`, clientName(c)), c.status === "archived" ? h("span", { class: "badge badge-neutral" }, " Archived") : null),
      h("td", { "data-label": "Email" }, c.email || "—"),
      h("td", { "data-label": "Position" }, [c.current_job_title, c.current_employer].filter(Boolean).join(", ") || "—"),
      h("td", { "data-label": "Best option", class: "best-option" }, bestOption(c)),
      h("td", { "data-label": "Updated" }, formatDate(c.updated_at, false)))))));
}

function bestOption(client) {
  const best = client.best_option;
  const running = ["pending", "processing"].includes(client.latest_check_status);
  if (!best) {
    if (running) return h("span", { class: "hint" }, "Check running…");
    if (client.latest_check_status === "failed") return h("span", { class: "badge badge-danger" }, "Check failed");
    return h("span", { class: "hint" }, "Not checked");
  }
  return [h("strong", {}, best.visa_type), " ",
    badge(VERDICT_WORDS[best.verdict] || best.verdict, VERDICT_BADGES[best.verdict]), " ",
    h("span", { class: "best-probability" }, `${percent(best.success_probability)} chance`),
    running ? h("span", { class: "hint" }, " · new check running") : null];
}

function pager(state, cursor, trail, pagination) {
  const base = new URLSearchParams();
  for (const key of FILTERS) if (state[key]) base.set(key, state[key]);
  const previous = trail.slice(0, -1);
  const back = new URLSearchParams(base);
  if (trail.length) {
    if (trail[trail.length - 1] !== "start") back.set("cursor", trail[trail.length - 1]);
    if (previous.length) back.set("trail", previous.join(","));
  }
  const forward = new URLSearchParams(base);
  if (pagination.next_cursor) {
    forward.set("cursor", pagination.next_cursor);
    forward.set("trail", [...trail, cursor || "start"].join(","));
  }
  return h("nav", { class: "pager", "aria-label": "Pages" },
    cursor ? link(`/clients?${back}`, "← Previous", { class: "button" }) : h("span"),
    pagination.has_more ? link(`/clients?${forward}`, "Next →", { class: "button" }) : h("span"));
}
