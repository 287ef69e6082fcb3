// Compare two checks of one client: profile changes, and how each visa's score and probability moved.

import { api } from "../api.js";
import { changesBetween, clientHistory } from "../history_data.js";
import { fieldLabel, pathLabel, valueLabel } from "../profile_fields.js";
import { verdictBadge } from "../results.js";
import { checkLabel, clientName, displayValue, h, humanize, link, mount, notice, pageTitle, percent, unavailable } from "../ui.js";
import { loadClient } from "./client_data.js";

export async function comparePage(main, params, query) {
  const client = await loadClient(main, params.id);
  if (!client) return;
  const back = `/clients/${client.id}`;
  const header = [h("nav", { class: "breadcrumbs", "aria-label": "Breadcrumb" }, link("/clients", "Clients"), " / ", link(back, clientName(client)), " / Compare"),
    pageTitle(`Compare checks · ${clientName(client)}`)];
  let a, b, checks;
  try {
    [a, b, checks] = await Promise.all([
      ...[query.get("a"), query.get("b")].map(async (id) => (await api.get(`/v1/eligibility-checks/${id}`)).data),
      api.get(`/v1/clients/${client.id}/eligibility-checks`).then(({ data }) => data.data || []).catch(() => [])]);
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
    h("p", { class: "lede", id: "compared-checks" }, `From ${checkLabel(a, checks)} (profile version ${a.profile_version}) to ${checkLabel(b, checks)} (profile version ${b.profile_version}).`),
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
    h("tbody", {}, fieldChanges(changes).map((c) => h("tr", {}, h("th", { scope: "row" }, c.label),
      h("td", {}, shown(c, c.old)), h("td", {}, shown(c, c.new)))))));
}

// A whole item of a list (an added award) reads by its name first: "Nature News (about client)".
function shown(change, value) {
  return displayValue(change.item && isRecord(value) ? [value] : valueLabel(change.path, value));
}

const isRecord = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const same = (x, y) => JSON.stringify(x ?? null) === JSON.stringify(y ?? null);

// Records (a job offer, the third award) are compared field by field, so a changed wage
// reads as one row instead of two whole job offers; added or removed items stay whole.
export function fieldChanges(changes) {
  const rows = [];
  const walk = (path, label, old, now, item = false) => {
    if (isRecord(old) && isRecord(now)) {
      for (const key of new Set([...Object.keys(old), ...Object.keys(now)])) {
        if (!same(old[key], now[key])) walk(`${path}.${key}`, `${label} · ${nestedLabel(path, key)}`, old[key] ?? null, now[key] ?? null);
      }
    } else if (Array.isArray(old ?? []) && Array.isArray(now ?? []) && [...(old ?? []), ...(now ?? [])].every(isRecord)) {
      const [before, after] = [old ?? [], now ?? []];
      for (let i = 0; i < Math.max(before.length, after.length); i += 1) {
        if (!same(before[i], after[i])) walk(path, `${label} #${i + 1}`, before[i] ?? null, after[i] ?? null, true);
      }
    } else {
      rows.push({ path, label, old, new: now, item });
    }
  };
  for (const c of changes) walk(c.field, fieldLabel(c.field) || humanize(c.field), c.old, c.new);
  return rows;
}

function nestedLabel(path, key) {
  const named = (pathLabel(`${path}.${key}`) || "").split(": ")[1];
  return named && named !== fieldLabel(path) ? named : humanize(key);
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
      h("td", { "data-label": "What changed and why", class: "moves" }, criteriaMoves(old, r)));
  });
  return h("div", { class: "table-wrap" }, h("table", { class: "table compare-table", id: "score-diff" },
    h("thead", {}, h("tr", {}, ["Visa type", "Verdict", "Score", "Probability", "What changed and why"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, rows)));
}

function delta(value, unit) {
  if (!value) return h("span", { class: "delta delta-none" }, " (±0)");
  const up = value > 0;
  return h("span", { class: `delta ${up ? "delta-up" : "delta-down"}` }, ` (${up ? "▲ +" : "▼ "}${value}${unit})`);
}

// Why a visa moved: each gate or criterion that changed, in the engine's words; when none
// did but the verdict changed, the engine's reasons for the new verdict.
export function criteriaMoves(old, now) {
  const rows = (r) => [...(r.gates || []), ...(r.criteria || [])];
  const key = (c) => c.id || c.criterion;
  const before = new Map(rows(old).map((c) => [key(c), c]));
  const state = (met) => (met === true ? "met" : met === false ? "not met" : "unknown");
  const moves = rows(now).filter((c) => before.has(key(c)) && before.get(key(c)).met !== c.met)
    .map((c) => h("li", {}, h("strong", {}, c.criterion), `: ${state(before.get(key(c)).met)} → ${state(c.met)}`,
      c.explanation ? h("span", { class: "move-reason" }, ` — ${c.explanation}`) : null));
  if (!moves.length && old.verdict && old.verdict !== now.verdict) {
    const reasons = (now.not_eligible_reasons || []).length ? now.not_eligible_reasons : [now.summary].filter(Boolean);
    moves.push(...reasons.map((reason) => h("li", { class: "move-reason" }, reason)));
  }
  return moves.length ? h("ul", { class: "plain" }, moves) : "—";
}
