"""Risks an officer would raise on a record that meets the requirements (RFE and denial risk).

Each lowers the grade by a documented amount (docs/SCORING.md); none can make a type not
eligible. The amounts are the engine's judgement from the RFE patterns practitioners report
(e.g. L-1B RFE rates of 51-63% in FY2011, Level I wages questioned for specialty occupations),
not fitted to outcomes.
"""

from __future__ import annotations

from catalogue.loader import Catalogue
from eligibility_engine.domain.findings import Finding
from eligibility_engine.domain.merits import Grade

WAGE_TYPES = ("H-1B", "H-1B cap-exempt", "H-1B1", "E-3", "EB-2 PERM", "EB-3")


def apply_risks(visa_type: dict, profile: dict, gates: dict[str, Finding],
                criteria: dict[str, Finding], grade: Grade, catalogue: Catalogue) -> None:
    code = visa_type["code"]
    wage = gates.get("prevailing_wage")
    if code in WAGE_TYPES and wage is not None and wage.met and wage.facts.get("wage_level") == 1:
        grade.adjust(-0.3, "level_1_wage", "an entry-level (Level I) wage invites questions "
                     "whether the job is a specialty occupation at a professional level")
    if code == "L-1A":
        years = (profile.get("job_offer") or {}).get("us_entity_years_doing_business")
        if years is not None and years < 1:
            grade.adjust(-0.5, "new_office", "a new office: one-year approval, and the office "
                         "must support a managerial role within a year (8 CFR 214.2(l)(3)(v))")
    if code == "L-1B":
        grade.adjust(-0.4, "specialized_knowledge", "specialized knowledge is the L basis most "
                     "often challenged (RFE rates of 51-63% reported for FY2011)")
    if code == "E-2":
        amount = profile.get("investment_usd") or 0
        if amount < 150_000:
            grade.adjust(-0.3 if amount >= 100_000 else -0.7, "investment_size",
                         f"${amount:,.0f}: consulates scrutinise whether a smaller investment is "
                         "substantial and the enterprise more than marginal")
    if code == "TN" and gates.get("tn_credentials") and "experience" in gates[
            "tn_credentials"].explanation:
        grade.adjust(-0.3, "alternative_credential", "qualifying by experience rather than a "
                     "degree: expect questions at the port of entry")
    if code == "EB-2 NIW" and gates.get("eb2_threshold") and gates["eb2_threshold"].met and \
            profile.get("highest_degree") == "bachelors":
        grade.adjust(-0.2, "bachelors_plus_five", "the five years must be progressive and "
                     "post-baccalaureate in the specialty (Policy Manual, Jan 2025 update)")
