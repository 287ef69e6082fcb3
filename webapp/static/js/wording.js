// The engine's figures in the attorney's words: data ages, probability bases, timelines, counts.

import { percent } from "./ui.js";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

export function monthsWords(months) {
  if (months === null || months === undefined || Number.isNaN(Number(months))) return null;
  const n = Math.max(0, Math.round(Number(months)));
  if (n < 1) return "less than a month";
  if (n < 24) return `${n} month${n === 1 ? "" : "s"}`;
  return `${Math.floor(n / 12)} years`;
}

function parseDay(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(text || ""));
  return match ? { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) } : null;
}

// "2026-07-01" seen on 2026-12-02 → "July 2026, 5 months old".
export function asOfWords(asOf, on = new Date()) {
  const then = parseDay(asOf);
  if (!then) return asOf ? String(asOf) : null;
  const months = (on.getUTCFullYear() - then.year) * 12 + (on.getUTCMonth() + 1 - then.month) - (on.getUTCDate() < then.day ? 1 : 0);
  return `${MONTHS[then.month - 1]} ${then.year}, ${monthsWords(Math.max(0, months))} old`;
}

export function longDate(text) {
  const day = parseDay(text);
  return day ? `${MONTHS[day.month - 1]} ${day.day}, ${day.year}` : String(text || "");
}

// "2026.11.27-2" → "November 27, 2026".
export function catalogueDate(version) {
  const match = /^(\d{4})\.(\d{2})\.(\d{2})/.exec(String(version || ""));
  return match ? longDate(`${match[1]}-${match[2]}-${match[3]}`) : null;
}

// "7 criteria met; 3 needed" (never "7 of 3 criteria needed").
export function criteriaCount(rec) {
  if (!rec.criteria_required) return null;
  const met = rec.criteria_met ?? 0;
  return `${met} ${met === 1 ? "criterion" : "criteria"} met; ${rec.criteria_required} needed`;
}

export function industryBasis(rec) {
  return rec.success_probability_range?.basis?.industry || null;
}

export function probabilitySource(rec) {
  const basis = industryBasis(rec);
  if (!basis) return "No published approval statistic applies; the figure follows the strength of the case.";
  const age = monthsWords(basis.data_age_months);
  const aged = age ? ` (data ${age} old)` : "";
  if (basis.sample_size) {
    return `Based on ${Number(basis.sample_size).toLocaleString("en-US")} decisions on ${basis.classification} in ${basis.window}${aged}.`;
  }
  if (basis.window && basis.window !== "prior") return `Based on published approval rates for ${basis.classification} in ${basis.window}${aged}.`;
  return `No published approval statistic for ${basis.classification}; based on a documented estimate.`;
}

export function firmExperience(rec) {
  const firm = rec.success_probability_range?.basis?.firm;
  if (!firm) return null;
  if (!firm.decided) return "The firm has no recorded outcomes for this type yet, so its own record does not move the figure.";
  return `The firm's own record: ${firm.approved} of ${firm.decided} decided cases approved.`;
}

export function strengthWords(rec) {
  const range = rec.success_probability_range;
  const band = range?.basis?.bands?.[rec.verdict];
  const placed = band ? `, which places it within the ${percent({ low: band[0], high: band[1] })} band for ${rec.verdict.replace(/_/g, " ")} cases` : "";
  return `The strength of this record${placed}${range?.low !== undefined ? `; the range ${percent(range)} shows the uncertainty` : ""}.`;
}

export function bulletinWait(timeline) {
  const wait = timeline?.visa_bulletin_wait_months;
  if (!wait || !wait.category) return null;
  const country = countryName(wait.country_of_chargeability);
  if (wait.final_action_date === "C" || !wait.high) return `Visa bulletin: ${wait.category} is current for ${country}; no wait for a visa number.`;
  return `Visa bulletin: ${wait.category} for ${country} has a final action date of ${longDate(wait.final_action_date)}; about ${wait.low}–${wait.high} months of waiting for a visa number, included above.`;
}

function countryName(code) {
  if (!code) return "the client's country";
  try {
    return new Intl.DisplayNames(["en"], { type: "region" }).of(code) || code;
  } catch {
    return code;
  }
}

const KINDS = { processing_times: "Processing times", prevailing_wages: "Prevailing wages", visa_bulletin: "Visa bulletin" };

// Each kind of data the check used, with its age in words: "Visa bulletin of July 2026, 5 months old".
export function dataAges(check, on = new Date()) {
  const dates = {};
  for (const item of check.verify || []) {
    const label = KINDS[item.what];
    if (label && parseDay(item.as_of)) (dates[label] ||= []).push(String(item.as_of).slice(0, 10));
  }
  return Object.entries(dates).map(([label, list]) => {
    list.sort();
    const [oldest, newest] = [list[0], list[list.length - 1]];
    if (oldest.slice(0, 7) === newest.slice(0, 7)) return `${label} of ${asOfWords(oldest, on)}`;
    return `${label} of ${asOfWords(newest, on).split(",")[0]} to ${asOfWords(oldest, on)} (the oldest)`;
  });
}
