// Compare two checks of one client: profile changes, and how each visa's score and probability moved.

import { api } from "../api.js";
import { changesBetween, clientHistory } from "../history_data.js";
import { fieldLabel, valueLabel } from "../profile_fields.js";
import { verdictBadge } from "../results.js";
import { clientName, displayValue, formatDate, h, humanize, link, mount, notice, pageTitle, percent, unavailable } from "../ui.js";
import { loadClient } from "./client_data.js";

export async function comparePage(main, params, query) {
  const client = await loadClient(main, params.id);
  if (!client) return;
  const back = `/clients/${client.id}`;
  const header = [h("nav", { class: "breadcrumbs", "aria-label": "Breadcrumb" }, link("/clients", "Clients"), " / ", link(back, clientName(client)), " / Compare"),
    pageTitle(`Compare checks · ${clientName(client)}`)];
  let a, b;
  try {
    [a, b] = await Promise.all([query.get("a"), query.get("b")].map(async (id) => (await api.get(`/v1/eligibility-checks/${id}`)).data));
  } catch (error) {
    mount(main, header, notice("error", error.status === 404 ? "One of these checks does not exist in your firm." : error.message));
    return;
  }
  if (a.client_id !== client.id || b.client_id !== client.id) {
    mount(main, header, notice("error", "Both checks must belong to this client."));
    return;
  }
  if (new Date(a.requested_at) > new Date(b.requested_at)) [a, b] = [b, a];
  mount(main, header,
    h("p", { class: "lede" }, `From the check of ${formatDate(a.requested_at)} (profile version ${a.profile_version}) to the check of ${formatDate(b.requested_at)} (profile version ${b.profile_version}).`),
    h("section", { "aria-labelledby": "profile-changes" }, h("h2", { id: "profile-changes" }, "What changed in the profile"), await profileChanges(client.id, a, b)),
    h("section", { "aria-labelledby": "score-changes" }, h("h2", { id: "score-changes" }, "How each visa moved"), scoreTable(a, b)),
    h("p", {}, link(back, "Back to the client", { class: "button" })));
}

async function profileChanges(clientId, a, b) {
  if (a.profile_version === b.profile_version) return h("p", {}, "The profile did not change between these checks.");
  let changes;
  try {
    changes = changesBetween(await clientHistory(clientId), a.profile_version, b.profile_version);
  } catch (error) {
    // Without the history, the engine's own diff serves when b was re-run right after a.
    const engineDiff = b.changes_since_previous_check;
    if (error.unavailable && engineDiff && engineDiff.previous_check_id === a.check_id) {
      changes = engineDiff.profile_fields || [];
    } else {
      return error.unavailable ? unavailable("Field-level profile history") : notice("error", error.message);
    }
  }
  if (!changes.length) return h("p", {}, `The profile went from version ${a.profile_version} to ${b.profile_version}.`);
  return h("div", { class: "table-wrap" }, h("table", { class: "table", id: "profile-diff" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Field"), h("th", { scope: "col" }, "Before"), h("th", { scope: "col" }, "After"))),
    h("tbody", {}, changes.map((c) => h("tr", {}, h("th", { scope: "row" }, fieldLabel(c.field) || humanize(c.field)),
      h("td", {}, displayValue(valueLabel(c.field, c.old))), h("td", {}, displayValue(valueLabel(c.field, c.new))))))));
}

function scoreTable(a, b) {
  const before = new Map((a.recommendations || []).map((r) => [r.visa_type, r]));
  const rows = (b.recommendations || []).map((r) => {
    const old = before.get(r.visa_type) || {};
    return h("tr", { "data-visa-type": r.visa_type },
      h("th", { scope: "row" }, r.visa_type),
      h("td", { "data-label": "Verdict" }, old.verdict ? verdictBadge(old.verdict) : "—", " → ", verdictBadge(r.verdict)),
      h("td", { "data-label": "Score" }, `${old.eligibility_score ?? "—"} → ${r.eligibility_score}`, delta(r.eligibility_score - (old.eligibility_score ?? r.eligibility_score), "")),
      h("td", { "data-label": "Probability" }, `${percent(old.success_probability)} → ${percent(r.success_probability)}`,
        delta(Math.round(((r.success_probability ?? 0) - (old.success_probability ?? r.success_probability ?? 0)) * 100), " pts")),
      h("td", { "data-label": "Criteria" }, criteriaMoves(old, r)));
  });
  return h("div", { class: "table-wrap" }, h("table", { class: "table compare-table", id: "score-diff" },
    h("thead", {}, h("tr", {}, ["Visa type", "Verdict", "Score", "Probability", "Criteria that changed"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, rows)));
}

function delta(value, unit) {
  if (!value) return h("span", { class: "delta delta-none" }, " (±0)");
  const up = value > 0;
  return h("span", { class: `delta ${up ? "delta-up" : "delta-down"}` }, ` (${up ? "▲ +" : "▼ "}${value}${unit})`);
}

function criteriaMoves(old, now) {
  const before = new Map((old.criteria || []).map((c) => [c.id || c.criterion, c.met]));
  const state = (met) => (met === true ? "met" : met === false ? "missing" : "unknown");
  const moves = (now.criteria || []).filter((c) => before.has(c.id || c.criterion) && before.get(c.id || c.criterion) !== c.met)
    .map((c) => `${c.criterion}: ${state(before.get(c.id || c.criterion))} → ${state(c.met)}`);
  return moves.length ? h("ul", { class: "plain" }, moves.map((m) => h("li", {}, m))) : "—";
}
