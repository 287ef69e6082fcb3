// Every profile field, grouped the way an attorney gathers them at intake.

export const DEGREES = [["none", "None"], ["high_school", "High school"], ["associate", "Associate"],
  ["bachelors", "Bachelor's"], ["masters", "Master's"], ["doctorate", "Doctorate (PhD)"], ["professional", "Professional (JD, MD)"]];
const AWARD_LEVELS = [["major_international", "Major international (e.g. Nobel)"], ["international", "International"], ["national", "National"], ["regional", "Regional"], ["institutional", "Institutional"]];
const EMPLOYER_TYPES = [["for_profit", "For-profit company"], ["university", "University"],
  ["affiliated_nonprofit", "Nonprofit affiliated with a university (e.g. teaching hospital)"],
  ["nonprofit_research", "Nonprofit research organization"], ["government_research", "Government research organization"],
  ["nonprofit_other", "Other nonprofit (cap-subject)"]];
const FIELD_CATEGORIES = [["sciences", "Sciences"], ["education", "Education"], ["business", "Business"], ["athletics", "Athletics"],
  ["arts", "Arts"], ["motion_picture_tv", "Motion picture or TV"], ["other", "Other"]];
const FOREIGN_ROLES = [["executive", "Executive"], ["manager", "Manager"], ["specialized_knowledge", "Specialized knowledge"], ["other", "Other"]];
const US_ROLES = [["executive", "Executive"], ["manager", "Manager (people or an essential function)"], ["specialized_knowledge", "Specialized knowledge"],
  ["individual_contributor", "Individual contributor"], ["other", "Other"]];
const AWARD_OUTCOMES = [["won", "Won"], ["nominated", "Nominated"]];
const AWARD_RECIPIENTS = [["client", "The client"], ["client_team", "The client's team"], ["someone_coached_or_supervised", "Someone the client coached or supervised"]];
const AWARD_KINDS = [["open_competition", "Open competition"], ["professional_honor", "Professional honor"], ["employer_internal", "Employer's internal award"],
  ["student", "Student award"], ["vendor_or_listing", "Vendor award or listing"]];
const ADMISSIONS = [["outstanding_achievement", "Outstanding achievement judged by experts"], ["credentials_or_experience", "Credentials or experience"], ["dues_or_application", "Dues or application"]];
const OUTLET_TYPES = [["major_media", "Major media"], ["professional_or_trade", "Professional or trade publication"], ["general_or_local", "General or local media"],
  ["press_release_or_own_channel", "Press release or own channel"], ["academic_citation", "Academic paper citing the work"]];
const OBJECTIVES = [["work_visa_now", "Work visa now"], ["green_card", "Green card"], ["both", "Both"]];
const URGENCIES = [["low", "Low"], ["normal", "Normal"], ["high", "High"]];

// kind: text | email | tel | date | int | number | money | select | yesno | list | lines | textarea
export const SECTIONS = [
  { id: "identity", title: "Identity", fields: [
    { name: "first_name", label: "First name", kind: "text", required: true, autocomplete: "off" },
    { name: "last_name", label: "Last name", kind: "text", required: true },
    { name: "email", label: "Email", kind: "email" },
    { name: "phone", label: "Phone", kind: "tel" },
    { name: "date_of_birth", label: "Date of birth", kind: "date" },
    { name: "country_of_birth", label: "Country of birth", kind: "text", hint: "Sets the visa-bulletin chargeability. A name, demonym or ISO code; stored as the ISO code." },
    { name: "spouse_country_of_birth", label: "Spouse's country of birth", kind: "text", hint: "A spouse immigrating with the client may be charged to this country (INA 202(b)(2)) when its queue is shorter." },
    { name: "citizenships", label: "Citizenships", kind: "list", hint: "Separate with commas: names, demonyms or ISO codes (Canada, Canadian, CA)." },
    { name: "current_location", label: "Current location", kind: "text" },
    { name: "current_us_status", label: "Current U.S. status", kind: "text", hint: "For example H-1B, F-1, none." },
  ] },
  { id: "education", title: "Education", fields: [
    { name: "highest_degree", label: "Highest degree", kind: "select", options: DEGREES },
    { name: "field_of_study", label: "Field of study", kind: "text" },
    { name: "bachelors_program_years", label: "Length of the bachelor's programme (years)", kind: "number", min: 1, max: 7, step: "0.5", hint: "A three-year degree from India, Pakistan, Bangladesh, Nepal or Sri Lanka is not a U.S. bachelor's equivalent (Matter of Shah)." },
    { name: "degree_country", label: "Country that awarded the highest degree", kind: "text" },
    { name: "university", label: "University", kind: "text" },
    { name: "graduation_year", label: "Graduation year", kind: "int", min: 1900, max: 2100 },
  ] },
  { id: "work", title: "Work", fields: [
    { name: "current_job_title", label: "Current job title", kind: "text" },
    { name: "current_employer", label: "Current employer", kind: "text" },
    { name: "field_category", label: "Field category", kind: "select", options: FIELD_CATEGORIES, hint: "O-1A or O-1B, EB-1A or EB-1B." },
    { name: "research_experience_years", label: "Years of research experience", kind: "number", min: 0, max: 80, step: "0.5" },
    { name: "years_of_experience", label: "Years of experience", kind: "number", min: 0, max: 80, step: "0.5" },
    { name: "annual_salary_usd", label: "Annual salary (USD)", kind: "money" },
    { name: "skills", label: "Skills", kind: "list", hint: "Separate with commas." },
    { name: "languages", label: "Languages", kind: "list", hint: "Separate with commas." },
  ] },
  { id: "achievements", title: "Achievements", fields: [
    { name: "publications_count", label: "Publications", kind: "int", min: 0 },
    { name: "citations_count", label: "Citations", kind: "int", min: 0 },
    { name: "h_index", label: "h-index", kind: "int", min: 0 },
    { name: "patents_count", label: "Patents", kind: "int", min: 0 },
    { name: "judging_count", label: "Times judging others' work", kind: "int", min: 0, hint: "Peer reviews, competition juries, thesis committees." },
    { name: "judging_completed_count", label: "Reviews actually completed", kind: "int", min: 0, hint: "Invitations alone do not count." },
    { name: "professional_license", label: "Licensed or certified in the profession", kind: "yesno" },
    { name: "lead_roles_count", label: "Lead or starring roles", kind: "int", min: 0 },
    { name: "exhibitions_count", label: "Exhibitions or showcases", kind: "int", min: 0 },
    { name: "expert_recognition_count", label: "Recognition letters from experts", kind: "int", min: 0 },
    { name: "awards", label: "Awards", kind: "repeat", item: "award", fields: [
      { name: "name", label: "Award", kind: "text", required: true },
      { name: "level", label: "Level", kind: "select", options: AWARD_LEVELS, required: true },
      { name: "year", label: "Year", kind: "int", min: 1900, max: 2100 },
      { name: "outcome", label: "Outcome", kind: "select", options: AWARD_OUTCOMES },
      { name: "awarded_to", label: "Awarded to", kind: "select", options: AWARD_RECIPIENTS },
      { name: "kind", label: "Kind", kind: "select", options: AWARD_KINDS },
    ] },
    { name: "memberships", label: "Memberships", kind: "repeat", item: "membership", fields: [
      { name: "organization", label: "Organization", kind: "text", required: true },
      { name: "selective", label: "Requires outstanding achievement to join", kind: "checkbox" },
      { name: "admission", label: "How it admits members", kind: "select", options: ADMISSIONS },
    ] },
    { name: "media_coverage", label: "Media coverage", kind: "repeat", item: "article", fields: [
      { name: "outlet", label: "Outlet", kind: "text", required: true },
      { name: "title", label: "Title", kind: "text" },
      { name: "about_client", label: "About the client and their work", kind: "checkbox", default: true },
      { name: "outlet_type", label: "Outlet type", kind: "select", options: OUTLET_TYPES },
      { name: "circulation", label: "Circulation or audience", kind: "int", min: 0 },
      { name: "passing_mention", label: "Only a passing mention", kind: "checkbox" },
    ] },
    { name: "critical_roles", label: "Critical roles", kind: "repeat", item: "role", fields: [
      { name: "organization", label: "Organization", kind: "text", required: true },
      { name: "role", label: "Role", kind: "text", required: true },
      { name: "distinguished_organization", label: "Organization has a distinguished reputation", kind: "checkbox" },
    ] },
    { name: "original_contributions", label: "Original contributions", kind: "lines", hint: "One per line." },
    { name: "commercial_successes", label: "Commercial successes", kind: "lines", hint: "One per line: box office, sales, ratings." },
    { name: "proposed_endeavor", label: "Proposed endeavor (NIW)", kind: "textarea" },
    { name: "endeavor_funding_usd", label: "Funding raised or granted for the endeavor (USD)", kind: "money" },
    { name: "founder", label: "Founder of the venture", kind: "yesno" },
  ] },
  { id: "job_offer", title: "U.S. job offer", group: "job_offer", fields: [
    { name: "employer", label: "Employer", kind: "text" },
    { name: "title", label: "Job title", kind: "text" },
    { name: "annual_wage_usd", label: "Annual wage (USD)", kind: "money" },
    { name: "employer_type", label: "Employer type", kind: "select", options: EMPLOYER_TYPES },
    { name: "specialty_occupation", label: "Specialty occupation (needs a bachelor's in the field)", kind: "yesno" },
    { name: "permanent", label: "Permanent position", kind: "yesno" },
    { name: "tenure_track", label: "Tenure-track", kind: "yesno" },
    { name: "role", label: "Capacity of the U.S. role", kind: "select", options: US_ROLES },
    { name: "soc_code", label: "SOC code", kind: "text", hint: "For example 15-1252; sets the prevailing wage." },
    { name: "worksite_city", label: "Worksite city", kind: "text" },
    { name: "worksite_county", label: "Worksite county", kind: "text" },
    { name: "worksite_state", label: "Worksite state", kind: "text", hint: "Two-letter code, e.g. CA." },
  ] },
  { id: "foreign_employment", title: "Employment abroad", group: "foreign_employment", fields: [
    { name: "employer", label: "Employer abroad", kind: "text" },
    { name: "affiliated_with_us_employer", label: "Affiliated with the U.S. employer", kind: "yesno" },
    { name: "months_in_last_3_years", label: "Months employed there in the last 3 years", kind: "int", min: 0, max: 36 },
    { name: "role", label: "Role abroad", kind: "select", options: FOREIGN_ROLES },
  ] },
  { id: "investment", title: "Investment and U.S. business", fields: [
    { name: "us_entity_years_doing_business", label: "Years the U.S. entity has done business", kind: "number", min: 0, max: 300, step: "0.5" },
    { name: "investment_usd", label: "Amount invested (USD)", kind: "money" },
    { name: "investment_in_tea", label: "In a targeted employment area", kind: "yesno" },
    { name: "ownership_percent", label: "Ownership (%)", kind: "number", min: 0, max: 100, step: "any" },
    { name: "investment_at_risk", label: "Funds committed and at risk", kind: "yesno" },
    { name: "lawful_source_documented", label: "Lawful source of funds documented", kind: "yesno" },
    { name: "jobs_to_create", label: "Full-time U.S. jobs to create", kind: "int", min: 0 },
  ] },
  { id: "immigration_history", title: "Immigration history", fields: [
    { name: "j1_home_residence_requirement", label: "Subject to the J-1 two-year home residence requirement", kind: "yesno", hint: "INA 212(e)." },
    { name: "j1_waiver_obtained", label: "J-1 waiver obtained", kind: "yesno" },
    { name: "immigrant_intent_filed", label: "Has filed an immigrant petition before", kind: "yesno", hint: "Matters for E and TN visas." },
    { name: "counted_against_h1b_cap", label: "Counted against the H-1B cap in the last six years", kind: "yesno", hint: "No lottery for a new H-1B employer." },
  ] },
  { id: "goals", title: "Client's goals", group: "goals", fields: [
    { name: "objective", label: "Goal", kind: "select", options: OBJECTIVES },
    { name: "urgency", label: "Urgency", kind: "select", options: URGENCIES },
  ] },
  { id: "notes", title: "Notes", fields: [
    { name: "notes", label: "Notes for the file", kind: "textarea" },
  ] },
];

export const KEY_FACTS = ["email", "country_of_birth", "citizenships", "current_us_status", "highest_degree",
  "field_of_study", "current_job_title", "current_employer", "annual_salary_usd", "job_offer"];

export function fieldLabel(name) {
  for (const section of SECTIONS) {
    if (section.group === name) return section.title;
    for (const field of section.fields) if (field.name === name) return field.label;
  }
  return null;
}

function fieldSpec(path) {
  const [first, second] = path.split(".");
  for (const section of SECTIONS) {
    if (section.group === first) return section.fields.find((f) => f.name === second) || anyField(second);
    const field = section.fields.find((f) => f.name === first);
    if (field) return field;
  }
  return null;
}

// A nested name the form keeps elsewhere (e.g. job_offer.us_entity_years_doing_business).
function anyField(name) {
  for (const section of SECTIONS) {
    const field = section.fields.find((f) => f.name === name);
    if (field) return field;
  }
  return null;
}

// "job_offer.annual_wage_usd" → "U.S. job offer: Annual wage (USD)"; null for a name no field has.
export function pathLabel(path) {
  const [first, second] = String(path).split(".");
  const top = fieldLabel(first);
  if (!top) return null;
  if (!second) return top;
  const label = fieldSpec(path)?.label;
  return label ? `${top}: ${label}` : null;
}

// The value a profile holds at a path, or null when nothing is entered there.
export function enteredValue(profile, path) {
  const value = String(path).split(".").reduce((node, key) => (node && typeof node === "object" ? node[key] : undefined), profile);
  if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) return null;
  return value;
}

// The attorney-facing text of a stored value: option labels instead of codes.
const COUNTRY_FIELDS = new Set(["country_of_birth", "citizenships", "degree_country", "spouse_country_of_birth"]);

function countryName(code) {
  try {
    return new Intl.DisplayNames(["en"], { type: "region" }).of(code) || code;
  } catch {
    return code;
  }
}

export function valueLabel(path, value) {
  if (COUNTRY_FIELDS.has(path) && typeof value === "string") return countryName(value);
  if (COUNTRY_FIELDS.has(path) && Array.isArray(value)) return value.map(countryName);
  const spec = fieldSpec(path);
  if (spec?.options && typeof value === "string") return (spec.options.find(([v]) => v === value) || [value, value])[1];
  if (value && typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value).filter(([, v]) => v !== null && v !== "")
      .map(([k, v]) => `${fieldSpec(`${path}.${k}`)?.label || k}: ${valueLabel(`${path}.${k}`, v)}`).join("; ");
  }
  if (typeof value === "number" && /usd/.test(path)) return `$${value.toLocaleString("en-US")}`;
  if (typeof value === "boolean") return value ? "Yes" : "No";
  return value;
}
