// Client-side checks of the profile form, read from the server's own schema (its OpenAPI
// document), so they cannot drift from what the server accepts; messages in plain words.

import { api } from "./api.js";

let schemas = null;

export async function loadProfileRules() {
  if (schemas) return schemas;
  try {
    const { data } = await api.get("/v1/openapi.json");
    schemas = data?.components?.schemas || {};
  } catch {
    schemas = {}; // The server still checks everything; the form just checks less first.
  }
  return schemas;
}

function resolve(schema, all) {
  if (!schema) return null;
  if (schema.$ref) return all[schema.$ref.split("/").pop()] || null;
  const ref = (schema.anyOf || schema.allOf || schema.oneOf || []).find((s) => s.$ref);
  return ref ? resolve(ref, all) : schema;
}

// The schema of one form path ("job_offer.annual_wage_usd", "awards.0.year").
export function ruleFor(path, all) {
  let schema = all.ClientProfile || null;
  for (const part of path.split(".")) {
    if (!schema) return null;
    schema = /^\d+$/.test(part) ? resolve(schema.items, all) : resolve(schema.properties?.[part], all);
  }
  return schema;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s.]+$/;

function amount(value, kind) {
  // Small numbers (years, counts) read best without separators: 1900, not 1,900.
  const text = Math.abs(value) < 10000 && kind !== "money" ? String(value)
    : Number(value).toLocaleString("en-US", { maximumFractionDigits: 2 });
  return kind === "money" ? `$${text}` : text;
}

// What is wrong with one value, or null. label: the field's label without "(USD)".
export function problem({ label, kind, required }, value, rule) {
  const name = label.replace(/\s*\(USD\)/, "");
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) {
    return required ? `${name} is required.` : null;
  }
  if (["int", "number", "money"].includes(kind)) {
    if (typeof value !== "number" || Number.isNaN(value)) return `${name} must be a number.`;
    if ((kind === "int" || rule?.type === "integer") && !Number.isInteger(value)) return `${name} must be a whole number.`;
    if (rule?.minimum !== undefined && value < rule.minimum) {
      return rule.minimum === 0 ? `${name} can't be negative.` : `${name} can't be less than ${amount(rule.minimum, kind)}.`;
    }
    if (rule?.maximum !== undefined && value > rule.maximum) return `${name} can't be more than ${amount(rule.maximum, kind)}.`;
    return null;
  }
  if (kind === "date") {
    const day = new Date(`${value}T00:00:00`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(day.getTime())) return `${name} must be a date.`;
    if (day > new Date()) return `${name} can't be in the future.`;
    if (day.getFullYear() < 1900) return `${name} can't be before 1900.`;
    return null;
  }
  if (kind === "email" && !EMAIL.test(value)) return "Enter a valid email address, like name@example.com.";
  if (typeof value === "string" && rule?.maxLength !== undefined && value.length > rule.maxLength) {
    return `${name} can't be longer than ${rule.maxLength} characters (it has ${value.length}).`;
  }
  if (Array.isArray(value) && rule?.maxItems !== undefined && value.length > rule.maxItems) {
    return `${name}: at most ${rule.maxItems}.`;
  }
  return null;
}

// Checks across fields, as the server makes them.
export function crossFieldProblems(profile) {
  const problems = {};
  const born = profile.date_of_birth ? Number(String(profile.date_of_birth).slice(0, 4)) : null;
  if (born && typeof profile.graduation_year === "number" && profile.graduation_year < born) {
    problems.graduation_year = "Graduation year can't be before the year of birth.";
  }
  return problems;
}
