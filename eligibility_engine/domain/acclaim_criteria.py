"""Acclaim criteria (O-1, EB-1A, EB-1B), judged by the Policy Manual standard, not by count."""

from __future__ import annotations

from catalogue.loader import Catalogue, occupation_for
from eligibility_engine.domain.findings import Finding, met, not_met, unknown

HIGH_SALARY_FACTOR = 1.0  # at or above the occupation's Level IV national wage

def awards(profile: dict, catalogue: Catalogue) -> Finding:
    items = profile.get("awards")
    if items is None:
        return unknown("No awards recorded", "awards")
    recognised = [a for a in items
                  if a.get("level") in ("major_international", "international", "national")]
    if recognised:
        strength = 0.6 if all(a["level"] == "national" for a in recognised) else 1.0
        return met(f"{len(recognised)} nationally or internationally recognized award(s)",
                   strength, awards=[a["name"] for a in recognised])
    if items:
        return not_met("Only regional or institutional awards: they do not show national or "
                       "international recognition", awards=[a["name"] for a in items])
    return not_met("No awards")

def memberships(profile: dict, catalogue: Catalogue) -> Finding:
    items = profile.get("memberships")
    if items is None:
        return unknown("No memberships recorded", "memberships")
    selective = [m["organization"] for m in items if m.get("selective")]
    if selective:
        return met("Membership requiring outstanding achievement, judged by experts", 0.7,
                   organizations=selective)
    if items:
        return not_met("Memberships open to anyone who pays or applies do not qualify",
                       organizations=[m["organization"] for m in items])
    return not_met("No memberships")

def published_material(profile: dict, catalogue: Catalogue) -> Finding:
    items = profile.get("media_coverage")
    if items is None:
        return unknown("No media coverage recorded", "media_coverage")
    about = [m["outlet"] for m in items if m.get("about_client", True)]
    if about:
        return met(f"{len(about)} published item(s) about the client",
                   min(1.0, 0.4 + 0.2 * len(about)),
                   outlets=about)
    if items:
        return not_met("Coverage mentions the client's employer or work, not the client",
                       outlets=[m["outlet"] for m in items])
    return not_met("No published material about the client")

def judging(profile: dict, catalogue: Catalogue) -> Finding:
    count = profile.get("judging_count")
    if count is None:
        return unknown("Judging or peer-review activity not recorded", "judging_count")
    if count > 0:
        return met(f"Judged the work of others {count} time(s)", min(1.0, 0.3 + count / 20),
                   judging_count=count)
    return not_met("No judging of others' work", judging_count=count)

def original_contributions(profile: dict, catalogue: Catalogue) -> Finding:
    items = profile.get("original_contributions") or []
    citations = profile.get("citations_count")
    patents = profile.get("patents_count") or 0
    impact = (citations or 0) >= 100 or patents >= 1
    facts = {"contributions": items, "citations_count": citations, "patents_count": patents}
    if items and impact:
        return met("Original contributions with evidence of impact (citations or patents)",
                   min(1.0, 0.4 + (citations or 0) / 2000 + 0.1 * patents), **facts)
    if items:
        return not_met("Contributions listed without evidence of major significance "
                       "(wide citation, adoption or licensing)", **facts)
    if (citations or 0) >= 500:
        return unknown("A high citation count suggests major contributions; describe them",
                       "original_contributions", **facts)
    return unknown("No original contributions described", "original_contributions", **facts)

def scholarly_articles(profile: dict, catalogue: Catalogue) -> Finding:
    count = profile.get("publications_count")
    if count is None:
        return unknown("Publications not recorded", "publications_count")
    if count > 0:
        return met(f"Author of {count} scholarly article(s)", min(1.0, 0.3 + count / 30),
                   publications_count=count)
    return not_met("No scholarly articles", publications_count=count)

def critical_role(profile: dict, catalogue: Catalogue) -> Finding:
    items = profile.get("critical_roles")
    if items is None:
        return unknown("No leading or critical roles recorded", "critical_roles")
    qualifying = [r for r in items if r.get("distinguished_organization")]
    if qualifying:
        return met("Critical role for an organization with a distinguished reputation", 0.7,
                   roles=[f"{r['role']} at {r['organization']}" for r in qualifying])
    if items:
        return not_met("Roles recorded, but no evidence the organizations have a distinguished "
                       "reputation", roles=[f"{r['role']} at {r['organization']}" for r in items])
    return not_met("No critical roles")

def high_salary(profile: dict, catalogue: Catalogue) -> Finding:
    salary = profile.get("annual_salary_usd")
    if salary is None:
        return unknown("Salary not recorded", "annual_salary_usd")
    occupation = occupation_for(profile.get("current_job_title"), profile.get("field_of_study"))
    if occupation is None:
        return unknown("Occupation not recognised; compare the salary with the field's wage data",
                       "current_job_title", annual_salary_usd=salary)
    level_4 = occupation.levels[3]
    facts = {"annual_salary_usd": salary, "soc": occupation.soc, "occupation": occupation.title,
             "level_4_national_usd": level_4}
    if salary >= HIGH_SALARY_FACTOR * level_4:
        return met(f"Salary ${salary:,.0f} is at or above the Level IV wage for "
                   f"{occupation.title} (${level_4:,})", min(1.0, salary / level_4 - 0.5), **facts)
    return not_met(f"Salary ${salary:,.0f} is below the Level IV wage for {occupation.title} "
                   f"(${level_4:,})", **facts)

def one_time_award(profile: dict, catalogue: Catalogue) -> Finding:
    major = [a["name"] for a in profile.get("awards") or []
             if a.get("level") == "major_international"]
    if major:
        return met("A major, internationally recognized award: satisfies the criteria on its own",
                   1.0, awards=major)
    return not_met("No major, internationally recognized award")
