// One card per visa type, best first: score, probability, timeline, criteria, questions, documents.

import { pathLabel } from "./profile_fields.js";
import { badge, formatDate, h, percent } from "./ui.js";

const VERDICTS = {
  strong: ["Strong", "success"], viable: ["Viable", "info"], weak: ["Weak", "warning"], not_eligible: ["Not eligible", "danger"],
};

export function analysisBadge(mode) {
  if (mode === "llm_and_rules") return badge("LLM and rules", "accent");
  if (mode === "rules_only") return badge("Rules only", "neutral");
  return mode ? badge(mode.replace(/_/g, " "), "neutral") : null;
}

export function verdictBadge(verdict) {
  const [text, kind] = VERDICTS[verdict] || [verdict || "—", "neutral"];
  return badge(text, kind);
}

export function resultCards(check, clientLabel = "") {
  const recs = check.recommendations || [];
  return h("ol", { class: "result-cards", "aria-label": "Recommendations, best first" },
    recs.map((rec, index) => h("li", {}, card(rec, index, check, clientLabel))));
}

function card(rec, index, check, clientLabel) {
  const id = `rec-${slug(rec.visa_type)}`;
  const score = Number(rec.eligibility_score ?? 0);
  const timeline = rec.estimated_timeline_months || {};
  const narrative = llmAnalysis(rec);
  return h("article", { class: `result-card verdict-${rec.verdict}`, id, "aria-labelledby": `${id}-title`, "data-visa-type": rec.visa_type },
    h("header", { class: "result-head" },
      h("div", { class: "result-title" },
        h("span", { class: "rank", "aria-hidden": "true" }, index + 1),
        h("h3", { id: `${id}-title` }, rec.visa_type, rec.name ? h("span", { class: "visa-name" }, ` ${rec.name}`) : null)),
      verdictBadge(rec.verdict)),
    h("div", { class: "metrics" },
      h("div", { class: "metric metric-score" },
        h("span", { class: "metric-label", id: `${id}-score` }, "Eligibility score"),
        h("div", { class: "scorebar", role: "meter", "aria-labelledby": `${id}-score`, "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": score, "aria-valuetext": `${score} out of 100` },
          h("span", { class: "scorebar-fill", style: `width:${Math.max(0, Math.min(100, score))}%` })),
        h("span", { class: "metric-value" }, `${score}`, h("span", { class: "metric-unit" }, " / 100"))),
      h("div", { class: "metric" }, h("span", { class: "metric-label" }, "Success probability"),
        h("span", { class: "metric-value" }, percent(rec.success_probability)),
        rangeNote(rec.success_probability_range),
        probabilityBasis(rec)),
      h("div", { class: "metric" }, h("span", { class: "metric-label" }, "Timeline"),
        h("span", { class: "metric-value" }, timeline.low !== undefined ? `${timeline.low}–${timeline.high}` : "—", h("span", { class: "metric-unit" }, " months")),
        timeline.premium_processing_business_days ? h("span", { class: "metric-note" }, `Premium processing: ${timeline.premium_processing_business_days} business days`) : null)),
    rec.summary ? h("p", { class: "summary" }, rec.summary) : null,
    (rec.not_eligible_reasons || []).length ? h("ul", { class: "reasons" }, rec.not_eligible_reasons.map((r) => h("li", {}, r))) : null,
    flagList(rec),
    narrative,
    criteriaSection(rec, index === 0),
    gapSection(rec, check),
    askSection(rec),
    documentsSection(rec, id, check, clientLabel),
    feesSection(rec));
}

function rangeNote(range) {
  if (!range || range.low === undefined || range.high === undefined) return null;
  return h("span", { class: "metric-note" }, `Range ${percent({ low: range.low, high: range.high })}`);
}

function probabilityBasis(rec) {
  const basis = rec.success_probability_range?.basis?.industry || rec.success_probability_basis || rec.probability_basis;
  if (!basis) return null;
  if (typeof basis === "string") return h("span", { class: "metric-note" }, basis);
  const parts = [basis.classification, basis.window, basis.sample_size && `n=${Number(basis.sample_size).toLocaleString("en-US")}`,
    basis.data_age_months !== undefined && `data ${basis.data_age_months} months old`, basis.estimate && "estimate"].filter(Boolean);
  return parts.length ? h("span", { class: "metric-note" }, `Basis: ${parts.join(" · ")}`) : null;
}

function flagList(rec) {
  const flags = rec.flags || [];
  if (!flags.length) return null;
  return h("ul", { class: "flags" }, flags.map((f) => h("li", { class: `flag flag-${f.severity === "bar" ? "bar" : "warning"}` },
    h("strong", {}, f.severity === "bar" ? "Bar: " : "Flag: "), f.message,
    f.citation ? h("span", { class: "citation" }, ` ${f.citation}`) : null)));
}

function gapSection(rec, check) {
  const plan = (check.gap_plan || []).find((p) => p.visa_type === rec.visa_type);
  if (!plan || !(plan.steps || []).length) return null;
  return h("details", { class: "section" },
    h("summary", {}, plan.reachable === false ? "Why it cannot be reached" : "What would make it reachable"),
    h("ol", { class: "gap-steps" }, plan.steps.map((step) => h("li", {}, step.action,
      step.why ? h("p", { class: "hint" }, step.why) : null,
      (step.options || []).some((o) => (o.also_counts_for || []).length)
        ? h("p", { class: "hint" }, "Evidence that also counts elsewhere: ", step.options.filter((o) => (o.also_counts_for || []).length)
          .map((o) => `${o.criterion.replace(/_/g, " ")} (${o.also_counts_for.join(", ")})`).join("; ")) : null))));
}

function feesSection(rec) {
  const fees = rec.fees || [];
  if (!fees.length) return null;
  return h("details", { class: "section" },
    h("summary", {}, `Government fees (${fees.length})`),
    h("ul", { class: "plain fees" }, fees.map((f) => h("li", {}, `${f.item || f.form || "Fee"}: `,
      h("strong", {}, f.usd !== undefined ? `$${Number(f.usd).toLocaleString("en-US")}` : "—"),
      f.as_of ? h("span", { class: "hint" }, ` (as of ${f.as_of})`) : null))));
}

function claimText(claim) {
  if (typeof claim === "string") return claim;
  const cites = (claim.criterion_ids || []).map((id) => id.replace(/_/g, " ")).join(", ");
  const quotes = (claim.profile_quotes || []).map((q) => `“${q}”`).join("; ");
  return `${claim.text}${cites ? ` [${cites}]` : ""}${quotes ? ` — ${quotes}` : ""}`;
}

function llmAnalysis(rec) {
  const llm = rec.llm_assessment || rec.llm_analysis || rec.analysis || {};
  const narrative = rec.narrative || llm.narrative || llm.assessment || (llm.summary && claimText(llm.summary));
  if (!narrative) return null;
  const list = (title, items) => (items && items.length ? h("div", {}, h("h4", {}, title), h("ul", {}, items.map((i) => h("li", {}, claimText(i))))) : null);
  const score = llm.score && llm.score.applied_move
    ? h("p", { class: "hint" }, `With the model's judgement: score ${llm.score.with_analysis} (rules ${llm.score.rules}), probability ${Math.round((llm.success_probability?.with_analysis ?? 0) * 100)}%; the verdict stays the rules'.`)
    : null;
  return h("section", { class: "narrative", "aria-label": `Analysis of ${rec.visa_type}` },
    h("h4", {}, "The model's opinion"), h("p", {}, narrative), score,
    h("div", { class: "narrative-lists" },
      list("Strengths", llm.strengths || rec.strengths), list("Weaknesses", llm.weaknesses || rec.weaknesses),
      list("RFE risks", llm.rfe_risks || rec.rfe_risks), list("Suggested evidence", llm.suggested_evidence || rec.suggested_evidence)));
}

function criteriaSection(rec, open) {
  const rows = [...(rec.gates || []).map((g) => ({ ...g, gate: true })), ...(rec.criteria || [])];
  const met = rows.filter((r) => r.met === true).length;
  const missing = rows.filter((r) => r.met === false).length;
  const unknown = rows.filter((r) => r.met === null || r.met === undefined).length;
  const required = rec.criteria_required ? ` · ${rec.criteria_met ?? "?"} of ${rec.criteria_required} criteria needed` : "";
  return h("details", { class: "section", open },
    h("summary", {}, `Requirements: ${met} met, ${missing} missing, ${unknown} unknown${required}`),
    h("ul", { class: "criteria" }, rows.map(criterionRow)));
}

function criterionRow(row) {
  const state = row.met === true ? ["met", "Met", "✓"] : row.met === false ? ["missing", "Missing", "✕"] : ["unknown", "Unknown", "?"];
  const attorney = row.attorney_assessment;
  return h("li", { class: `criterion criterion-${state[0]}` },
    h("span", { class: "criterion-state" }, h("span", { "aria-hidden": "true" }, state[2]), ` ${state[1]}`),
    h("div", { class: "criterion-body" },
      h("p", { class: "criterion-name" }, row.gate ? h("span", { class: "badge badge-neutral" }, "Requirement") : null, " ", row.criterion || row.id),
      row.explanation ? h("p", { class: "criterion-explanation" }, row.explanation) : null,
      attorney ? h("p", { class: "criterion-attorney" }, `Attorney: ${attorney.met ? "met" : "not met"}${attorney.note ? ` — ${attorney.note}` : ""}`) : null,
      row.llm_opinion ? h("p", { class: "criterion-llm" }, `The model's opinion (${row.llm_opinion.view.replace(/_/g, " ")}): ${row.llm_opinion.reasoning}`) : null,
      row.citation ? h("p", { class: "citation" }, h("span", { class: "visually-hidden" }, "Citation: "), row.citation) : null));
}

function askSection(rec) {
  const missing = rec.missing_information || [];
  if (!missing.length) return null;
  return h("details", { class: "section" },
    h("summary", {}, `Ask the client (${missing.length})`),
    h("ul", { class: "ask-list" }, missing.map((m) => h("li", {}, pathLabel(m)))));
}

function documentsSection(rec, id, check, clientLabel) {
  const docs = rec.required_documents || [];
  if (!docs.length) return null;
  const print = h("button", { type: "button", class: "button button-small no-print" }, `Print ${rec.visa_type} checklist`);
  print.addEventListener("click", () => printCard(id));
  return h("details", { class: "section documents" },
    h("summary", {}, `Documents checklist (${docs.length})`),
    h("p", { class: "print-only" }, [clientLabel, `${rec.visa_type} documents checklist`,
      `check of ${formatDate(check.completed_at || check.requested_at)}`].filter(Boolean).join(" · ")),
    h("ul", { class: "checklist" }, docs.map((doc, i) => h("li", {},
      h("input", { type: "checkbox", id: `${id}-doc-${i}` }), h("label", { for: `${id}-doc-${i}` }, doc)))),
    print);
}

function printCard(id) {
  const card = document.getElementById(id);
  const sections = card.querySelectorAll("details");
  const wasOpen = [...sections].map((d) => d.open);
  sections.forEach((d) => { d.open = true; });
  document.body.classList.add("printing-one");
  card.classList.add("print-target");
  window.print();
  card.classList.remove("print-target");
  document.body.classList.remove("printing-one");
  sections.forEach((d, i) => { d.open = wasOpen[i]; });
}

export function slug(text) { return String(text).toLowerCase().replace(/[^a-z0-9]+/g, "-"); }
