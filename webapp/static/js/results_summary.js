// The answer first: best path now, best green-card path, what to ask the client, how old the data is.

import { enteredValue, pathLabel } from "./profile_fields.js";
import { h, percent } from "./ui.js";
import { dataAges } from "./wording.js";

const OBJECTIVES = { work_visa_now: "a work visa now", green_card: "a green card", both: "a work visa now and a green card" };

export function answerSummary(check, client) {
  const summary = check.summary || {};
  const recs = check.recommendations || [];
  const asks = clientQuestions(check, client);
  const ages = dataAges(check);
  return h("section", { class: "answer panel", "aria-labelledby": "answer-heading" },
    h("h3", { id: "answer-heading" }, "The answer"),
    goalLine(summary.goals),
    h("dl", { class: "answer-paths" },
      pathItem("Best path to work now", summary.best_path_now, recs, "None of the work visas is open on this record."),
      pathItem("Best green-card path", summary.best_green_card_path, recs, "No green-card category is open on this record.")),
    asks.length ? h("div", { class: "answer-next" }, h("h4", {}, "What is needed next"),
      h("ul", {}, asks.slice(0, 3).map((q) => h("li", {}, q.text)))) : null,
    ages.length ? h("p", { class: "hint data-ages" }, `Data used: ${ages.join("; ")}.`) : null);
}

function goalLine(goals) {
  if (!goals?.objective) return null;
  const urgency = goals.urgency === "high" ? ", urgently" : "";
  return h("p", { class: "hint" }, `The client wants ${OBJECTIVES[goals.objective] || "an option"}${urgency}; the order below follows that goal.`);
}

function pathItem(title, pick, recs, none) {
  const rec = pick && recs.find((r) => r.visa_type === pick.visa_type);
  return h("div", { class: "answer-path" },
    h("dt", {}, title),
    h("dd", {}, rec
      ? [h("a", { href: `#rec-${slug(rec.visa_type)}`, class: "answer-type" }, rec.visa_type),
        ` ${plainName(rec)} · ${percent(rec.success_probability)} chance of approval`,
        h("span", { class: "answer-headline" }, rec.headline || pick.why || "")]
      : none));
}

export function plainName(rec) {
  const name = String(rec.name || "");
  const rest = name.includes(": ") ? name.slice(name.indexOf(": ") + 2) : name;
  return rest ? rest.charAt(0).toUpperCase() + rest.slice(1) : "";
}

export function slug(text) { return String(text).toLowerCase().replace(/[^a-z0-9]+/g, "-"); }

// What to ask the client, in the engine's questions; a field already entered is never asked for.
export function clientQuestions(check, client, only = null) {
  const recs = (check.recommendations || []).filter((r) => (only ? only.includes(r.visa_type) : r.verdict !== "not_eligible"));
  const worth = new Set(recs.map((r) => r.visa_type));
  const questions = new Map();
  const covered = new Set();
  const add = (text, field, types) => {
    const affects = (types || []).filter((t) => worth.has(t));
    if (!text || !affects.length || (field && enteredValue(client, field) !== null)) return;
    if (field) covered.add(field);
    const entry = questions.get(text) || { text, affects: [] };
    entry.affects = [...new Set([...entry.affects, ...affects])];
    questions.set(text, entry);
  };
  for (const q of only ? [] : check.summary?.ask_first || []) add(q.question, q.field, q.affects);
  for (const rec of recs) for (const q of rec.questions || []) add(q.question, q.field, [rec.visa_type]);
  const missing = only ? recs.flatMap((r) => (r.missing_information || []).map((field) => ({ field, affects: [r.visa_type] })))
    : (check.missing_information || []).filter((m) => m && typeof m === "object");
  for (const m of missing) {
    const label = !covered.has(m.field) && pathLabel(m.field);
    if (label) add(`Ask the client for: ${label}`, m.field, m.affects);
  }
  return [...questions.values()];
}

export function questionsPanel(check, client) {
  const items = clientQuestions(check, client);
  if (!items.length) return null;
  return h("details", { class: "panel questions" },
    h("summary", {}, `Questions for the client (${items.length})`),
    h("ul", {}, items.map((q) => h("li", {}, q.text, h("span", { class: "hint" }, ` — decides ${q.affects.join(", ")}`)))));
}
