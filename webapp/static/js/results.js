// The results: grouped (work now, green card), worth pursuing first, not-eligible folded away.

import { clientQuestions, plainName, slug } from "./results_summary.js";
import { documentsSection } from "./checklist.js";
import { badge, h, percent } from "./ui.js";
import { bulletinWait, criteriaCount, firmExperience, longDate, probabilitySource, strengthWords } from "./wording.js";

const VERDICTS = {
  strong: ["Strong", "success"], viable: ["Viable", "info"], weak: ["Weak", "warning"], not_eligible: ["Not eligible", "danger"],
};
const GROUPS = [["work_authorization", "Work authorisation now"], ["permanent_residence", "Permanent residence (green card)"]];

export function analysisBadge(mode) {
  if (mode === "llm_and_rules") return badge("Rules and AI reading", "accent");
  if (mode === "rules_only") return badge("Rules-based assessment", "neutral");
  return null;
}

export function verdictBadge(verdict) {
  const [text, kind] = VERDICTS[verdict] || [verdict || "—", "neutral"];
  return badge(text, kind);
}

// One section per group; inside, the types worth pursuing, then the not-eligible ones folded away.
export function resultCards(check, client, clientLabel = "") {
  const recs = check.recommendations || [];
  const known = new Set(GROUPS.map(([id]) => id));
  const groups = [...GROUPS, ["other", "Other options"]].map(([id, title]) => ({
    id, title: (check.groups || []).find((g) => g.id === id)?.title || title,
    recs: recs.filter((r) => (id === "other" ? !known.has(r.group) : r.group === id)),
  })).filter((g) => g.recs.length);
  const names = criterionNames(recs);
  const cards = (list) => h("ol", { class: "result-cards" }, list.map((rec) => h("li", {}, card(rec, recs.indexOf(rec), check, client, clientLabel, names))));
  return h("div", { class: "result-groups" }, groups.map((group) => {
    const open = group.recs.filter((r) => r.verdict !== "not_eligible");
    const closed = group.recs.filter((r) => r.verdict === "not_eligible");
    return h("section", { class: "result-group", "aria-labelledby": `group-${group.id}`, "data-group": group.id },
      h("h3", { class: "group-title", id: `group-${group.id}` }, group.title,
        h("span", { class: "group-count" }, ` · ${open.length} worth pursuing`)),
      open.length ? cards(open) : h("p", { class: "hint" }, "None of these is open on this record."),
      closed.length ? h("details", { class: "not-eligible" },
        h("summary", {}, `Not eligible on this record (${closed.length}): ${closed.map((r) => r.visa_type).join(", ")}`),
        cards(closed)) : null);
  }));
}

function card(rec, index, check, client, clientLabel, names) {
  const id = `rec-${slug(rec.visa_type)}`;
  const score = Number(rec.eligibility_score ?? 0);
  const timeline = rec.estimated_timeline_months || {};
  const bulletin = timeline.visa_bulletin_wait_months || {};
  const narrative = llmAnalysis(rec, names);
  const eligible = rec.verdict !== "not_eligible";
  return h("article", { class: `result-card verdict-${rec.verdict}`, id, "aria-labelledby": `${id}-title`, "data-visa-type": rec.visa_type },
    h("header", { class: "result-head" },
      h("div", { class: "result-title" },
        h("span", { class: "rank", "aria-hidden": "true" }, index + 1),
        h("h4", { id: `${id}-title` }, rec.visa_type, rec.name ? h("span", { class: "visa-name" }, ` ${plainName(rec)}`) : null)),
      h("div", { class: "result-badges" }, verdictBadge(rec.verdict),
        rec.conditional && rec.verdict_if_confirmed ? badge(`${VERDICTS[rec.verdict_if_confirmed]?.[0] || ""} if confirmed`, "info") : null)),
    h("p", { class: "headline" }, rec.headline || rec.summary || ""),
    eligible ? h("div", { class: "metrics" },
      h("div", { class: "metric metric-score" },
        h("span", { class: "metric-label", id: `${id}-score` }, "Eligibility score"),
        h("div", { class: "scorebar", role: "meter", "aria-labelledby": `${id}-score`, "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": score, "aria-valuetext": `${score} out of 100` },
          h("span", { class: "scorebar-fill", style: `width:${Math.max(0, Math.min(100, score))}%` })),
        h("span", { class: "metric-value" }, `${score}`, h("span", { class: "metric-unit" }, " / 100"))),
      h("div", { class: "metric" }, h("span", { class: "metric-label" }, "Chance of approval"),
        h("span", { class: "metric-value" }, percent(rec.success_probability)),
        rec.success_probability_range?.low !== undefined ? h("span", { class: "metric-note" }, `Range ${percent(rec.success_probability_range)}`) : null,
        rec.lottery?.applies && rec.lottery.odds ? h("span", { class: "metric-note" }, `Lottery: about ${percent(rec.lottery.odds)} chance of selection`) : null),
      h("div", { class: "metric" }, h("span", { class: "metric-label" }, "Timeline"),
        h("span", { class: "metric-value" }, timeline.low !== undefined ? `${timeline.low}–${timeline.high}` : "—", h("span", { class: "metric-unit" }, " months")),
        timeline.premium_processing_business_days ? h("span", { class: "metric-note" }, `Premium processing: ${timeline.premium_processing_business_days} business days`) : null,
        bulletin.high ? h("span", { class: "metric-note" }, `Includes a visa-bulletin wait of ${bulletin.low}–${bulletin.high} months`) : null)) : null,
    eligible ? howWeGotThis(rec) : null,
    (rec.not_eligible_reasons || []).length > 1 ? h("ul", { class: "reasons" }, rec.not_eligible_reasons.map((r) => h("li", {}, r))) : null,
    flagList(rec),
    narrative,
    criteriaSection(rec, index === 0),
    gapSection(rec, check, names),
    eligible ? askSection(rec, check, client) : null,
    eligible ? documentsSection(rec, id, check, clientLabel) : null,
    eligible ? feesSection(rec) : null);
}

// Score, probability and timeline, each with what it rests on.
function howWeGotThis(rec) {
  const timeline = rec.estimated_timeline_months || {};
  const count = criteriaCount(rec);
  const gates = (rec.gates || []).length;
  const gatesMet = (rec.gates || []).filter((g) => g.met === true).length;
  return h("details", { class: "section how" },
    h("summary", {}, "How we got this"),
    h("dl", { class: "how-list" },
      h("dt", {}, `Eligibility score ${rec.eligibility_score} / 100`),
      h("dd", {}, `How fully the record meets ${rec.visa_type}'s requirements: ${gatesMet} of ${gates} threshold requirements met`,
        count ? `; ${count}` : "", ". It measures the record, not the odds."),
      h("dt", {}, `Chance of approval ${percent(rec.success_probability)}`),
      h("dd", {}, probabilitySource(rec), " ", firmExperience(rec) || "", " ", strengthWords(rec)),
      h("dt", {}, `Timeline ${timeline.low ?? "?"}–${timeline.high ?? "?"} months`),
      h("dd", {}, timeline.assumes ? `Assumes ${timeline.assumes}.` : "No assumptions recorded.",
        timeline.processing_source?.as_of ? ` Processing times as of ${longDate(timeline.processing_source.as_of)}.` : "",
        bulletinWait(timeline) ? h("span", { class: "bulletin" }, ` ${bulletinWait(timeline)}`) : null)));
}

function flagList(rec) {
  const flags = rec.flags || [];
  if (!flags.length) return null;
  return h("ul", { class: "flags" }, flags.map((f) => h("li", { class: `flag flag-${f.severity === "bar" ? "bar" : "warning"}` },
    h("strong", {}, f.severity === "bar" ? "Bar: " : "Caution: "), f.message,
    f.citation ? h("span", { class: "citation" }, ` ${f.citation}`) : null)));
}

// Every criterion and gate id of the check, by its name in the regulations' words.
function criterionNames(recs) {
  const names = new Map();
  for (const rec of recs) for (const row of [...(rec.gates || []), ...(rec.criteria || [])]) {
    if (row.id && row.criterion && !names.has(row.id)) names.set(row.id, row.criterion);
  }
  return names;
}

function gapSection(rec, check, names) {
  const plan = (check.gap_plan || []).find((p) => p.visa_type === rec.visa_type);
  if (!plan || !(plan.steps || []).length) return null;
  return h("details", { class: "section" },
    h("summary", {}, plan.reachable === false ? "Why it cannot be reached" : "What would make it reachable"),
    h("ol", { class: "gap-steps" }, plan.steps.map((step) => h("li", {}, String(step.action || "").replace(/^Resolve gate: /, "Settle: "),
      step.why ? h("p", { class: "hint" }, step.why) : null,
      (step.options || []).some((o) => (o.also_counts_for || []).length)
        ? h("p", { class: "hint" }, "Evidence that also counts elsewhere: ", step.options.filter((o) => (o.also_counts_for || []).length)
          .map((o) => `${names.get(o.criterion) || "this criterion"} (${o.also_counts_for.join(", ")})`).join("; ")) : null))));
}

function feesSection(rec) {
  const fees = rec.fees || [];
  if (!fees.length) return null;
  return h("details", { class: "section" },
    h("summary", {}, `Government fees (${fees.length})`),
    h("ul", { class: "plain fees" }, fees.map((f) => h("li", {}, `${f.item || f.form || "Fee"}: `,
      h("strong", {}, f.usd !== undefined ? `$${Number(f.usd).toLocaleString("en-US")}` : "—"),
      f.as_of ? h("span", { class: "hint" }, ` (as of ${longDate(f.as_of)})`) : null))));
}

function claimText(claim, names) {
  if (typeof claim === "string") return claim;
  const cites = (claim.criterion_ids || []).map((id) => names.get(id)).filter(Boolean).join("; ");
  const quotes = (claim.profile_quotes || []).map((q) => `“${q}”`).join("; ");
  return `${claim.text}${cites ? ` [${cites}]` : ""}${quotes ? ` — ${quotes}` : ""}`;
}

function llmAnalysis(rec, names) {
  const llm = rec.llm_assessment || rec.llm_analysis || rec.analysis || {};
  const narrative = rec.narrative || llm.narrative || llm.assessment || (llm.summary && claimText(llm.summary, names));
  if (!narrative) return null;
  const list = (title, items) => (items && items.length ? h("div", {}, h("h5", {}, title), h("ul", {}, items.map((i) => h("li", {}, claimText(i, names))))) : null);
  const score = llm.score && llm.score.applied_move
    ? h("p", { class: "hint" }, `With the model's judgement: score ${llm.score.with_analysis} (rules ${llm.score.rules}), probability ${Math.round((llm.success_probability?.with_analysis ?? 0) * 100)}%; the verdict stays the rules'.`)
    : null;
  return h("section", { class: "narrative", "aria-label": `Analysis of ${rec.visa_type}` },
    h("h5", {}, "The model's opinion"), h("p", {}, narrative), score,
    h("div", { class: "narrative-lists" },
      list("Strengths", llm.strengths || rec.strengths), list("Weaknesses", llm.weaknesses || rec.weaknesses),
      list("RFE risks", llm.rfe_risks || rec.rfe_risks), list("Suggested evidence", llm.suggested_evidence || rec.suggested_evidence)));
}

function criteriaSection(rec, open) {
  const rows = [...(rec.gates || []).map((g) => ({ ...g, gate: true })), ...(rec.criteria || [])];
  const met = rows.filter((r) => r.met === true).length;
  const missing = rows.filter((r) => r.met === false).length;
  const unknown = rows.filter((r) => r.met === null || r.met === undefined).length;
  const count = criteriaCount(rec);
  return h("details", { class: "section", open: open && rec.verdict !== "not_eligible" },
    h("summary", {}, `Requirements: ${met} met, ${missing} not met, ${unknown} to confirm${count ? ` · ${count}` : ""}`),
    h("ul", { class: "criteria" }, rows.map(criterionRow)));
}

function criterionRow(row) {
  const state = row.met === true ? ["met", "Met", "✓"] : row.met === false ? ["missing", "Not met", "✕"] : ["unknown", "To confirm", "?"];
  const attorney = row.attorney_assessment;
  return h("li", { class: `criterion criterion-${state[0]}` },
    h("span", { class: "criterion-state" }, h("span", { "aria-hidden": "true" }, state[2]), ` ${state[1]}`),
    h("div", { class: "criterion-body" },
      h("p", { class: "criterion-name" }, row.gate ? h("span", { class: "badge badge-neutral" }, "Threshold") : null, " ", row.criterion || "Requirement"),
      row.explanation ? h("p", { class: "criterion-explanation" }, row.explanation) : null,
      attorney ? h("p", { class: "criterion-attorney" }, `Attorney: ${attorney.met ? "met" : "not met"}${attorney.note ? ` — ${attorney.note}` : ""}`) : null,
      row.llm_opinion ? h("p", { class: "criterion-llm" }, `The model's opinion (${String(row.llm_opinion.view).replace(/_/g, " ")}): ${row.llm_opinion.reasoning}`) : null,
      row.citation ? h("p", { class: "citation" }, h("span", { class: "visually-hidden" }, "Citation: "), row.citation) : null));
}

function askSection(rec, check, client) {
  const asks = clientQuestions(check, client, [rec.visa_type]);
  if (!asks.length) return null;
  return h("details", { class: "section" },
    h("summary", {}, `Ask the client (${asks.length})`),
    h("ul", { class: "ask-list" }, asks.map((q) => h("li", {}, q.text))));
}
