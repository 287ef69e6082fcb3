"""Evidentiary criteria, judged by the Policy Manual's standard rather than by counts alone."""

from __future__ import annotations

from eligibility_engine.domain.catalogue import Catalogue, occupation_for
from eligibility_engine.domain.findings import Finding, met, not_met, unknown
from eligibility_engine.domain.gates import field_category, permanent_job_offer

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
        return met(f"{len(about)} published item(s) about the client", min(1.0, 0.4 + 0.2 * len(about)),
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


def exhibitions(profile: dict, catalogue: Catalogue) -> Finding:
    count = profile.get("exhibitions_count")
    if count is None:
        return unknown("Artistic exhibitions or showcases not recorded", "exhibitions_count")
    if count > 0 and field_category(profile) in ("arts", "motion_picture_tv"):
        return met(f"Work displayed at {count} artistic exhibition(s) or showcase(s)",
                   min(1.0, 0.4 + count / 10), exhibitions_count=count)
    if count > 0:
        return not_met("Non-artistic showcases count only as comparable evidence "
                       "(Policy Manual, Oct 2024 update)", exhibitions_count=count)
    return not_met("No artistic exhibitions", exhibitions_count=count)


def commercial_success(profile: dict, catalogue: Catalogue) -> Finding:
    items = profile.get("commercial_successes")
    if items is None:
        return unknown("Commercial or critically acclaimed successes not recorded",
                       "commercial_successes")
    if items:
        return met(f"{len(items)} documented commercial or critical success(es)",
                   min(1.0, 0.4 + 0.2 * len(items)), successes=items)
    return not_met("No documented commercial successes")


def lead_roles(profile: dict, catalogue: Catalogue) -> Finding:
    count = profile.get("lead_roles_count")
    if count is None:
        return unknown("Lead or starring roles not recorded", "lead_roles_count")
    if count > 0:
        return met(f"Lead or starring role in {count} distinguished production(s) or event(s)",
                   min(1.0, 0.4 + count / 10), lead_roles_count=count)
    return not_met("No lead or starring roles in distinguished productions", lead_roles_count=count)


def significant_recognition(profile: dict, catalogue: Catalogue) -> Finding:
    count = profile.get("expert_recognition_count")
    if count is None:
        return unknown("Recognition from critics, organizations or experts not recorded",
                       "expert_recognition_count")
    if count >= 2:
        return met(f"Recognition attested by {count} organizations, critics or experts",
                   min(1.0, 0.3 + count / 10), expert_recognition_count=count)
    return not_met("Recognition needs testimonials from several recognized experts or "
                   "organizations", expert_recognition_count=count)


def one_time_award(profile: dict, catalogue: Catalogue) -> Finding:
    major = [a["name"] for a in profile.get("awards") or [] if a.get("level") == "major_international"]
    if major:
        return met("A major, internationally recognized award: satisfies the criteria on its own",
                   1.0, awards=major)
    return not_met("No major, internationally recognized award")


def niw_merit_importance(profile: dict, catalogue: Catalogue) -> Finding:
    field = profile.get("field_of_study")
    work = profile.get("original_contributions") or []
    if not field:
        return unknown("The proposed endeavor's field is not recorded", "field_of_study")
    if work or (profile.get("patents_count") or 0) > 0 or (profile.get("publications_count") or 0) > 0:
        return met(f"Endeavor in {field} with a record of work of broader significance", 0.6,
                   field_of_study=field)
    return unknown("Describe the specific proposed endeavor and its national importance",
                   "original_contributions", field_of_study=field)


def niw_well_positioned(profile: dict, catalogue: Catalogue) -> Finding:
    citations = profile.get("citations_count")
    publications = profile.get("publications_count")
    patents = profile.get("patents_count") or 0
    h_index = profile.get("h_index") or 0
    facts = {"citations_count": citations, "publications_count": publications,
             "patents_count": patents, "h_index": h_index}
    if (citations or 0) >= 50 or patents >= 1 or (publications or 0) >= 5 or h_index >= 5:
        strength = min(1.0, 0.4 + (citations or 0) / 1000 + 0.1 * patents)
        return met("Record of progress: publications, citations or patents", strength, **facts)
    if citations is None and publications is None:
        return unknown("No record of progress recorded (publications, citations, patents)",
                       "publications_count", "citations_count", **facts)
    return not_met("Little independent evidence of progress toward the endeavor", **facts)


def niw_on_balance(profile: dict, catalogue: Catalogue) -> Finding:
    degree = profile.get("highest_degree")
    prong_two = niw_well_positioned(profile, catalogue)
    if prong_two.met and degree in ("doctorate", "professional"):
        return met("Advanced research record makes a labor certification impractical to require",
                   0.6, highest_degree=degree)
    if prong_two.met is False:
        return not_met("Without progress toward the endeavor the waiver is hard to justify")
    return unknown("Explain why waiving the job offer and labor certification benefits the U.S.",
                   "notes", highest_degree=degree)


def wage_level(profile: dict, catalogue: Catalogue) -> Finding:
    offer = profile.get("job_offer") or {}
    wage = offer.get("annual_wage_usd")
    occupation = occupation_for(offer.get("title"), profile.get("field_of_study"))
    if wage is None or occupation is None:
        return unknown("Offered wage or occupation not recorded", "job_offer.annual_wage_usd")
    level = sum(1 for threshold in occupation.levels if wage >= threshold)
    facts = {"annual_wage_usd": wage, "soc": occupation.soc, "wage_level": level}
    if level == 0:
        return not_met(f"Offered wage ${wage:,.0f} is below Level I for {occupation.title}", **facts)
    return met(f"Offered wage meets Level {'I' * level if level < 4 else 'IV'} for "
               f"{occupation.title}", level / 4, **facts)


def cap_exempt_employer(profile: dict, catalogue: Catalogue) -> Finding:
    employer_type = (profile.get("job_offer") or {}).get("employer_type")
    if employer_type is None:
        return unknown("Employer type not recorded", "job_offer.employer_type")
    if employer_type in ("university", "nonprofit_research", "government_research"):
        return met(f"Employer type {employer_type.replace('_', ' ')} is cap-exempt", 1.0)
    return not_met("For-profit employer: subject to the annual cap and registration lottery")


def listed_profession(profile: dict, catalogue: Catalogue) -> Finding:
    title = ((profile.get("job_offer") or {}).get("title") or "").lower()
    if not title:
        return unknown("Job title not recorded", "job_offer.title")
    professions = catalogue.visa_type("TN").get("professions", [])
    match = next((p for p in professions if p in title), None)
    if match:
        return met(f"Job title matches the USMCA profession '{match}'", 0.7, title=title)
    return unknown("Confirm the job is one of the USMCA professions", "job_offer.title",
                   title=title)


def us_managerial_role(profile: dict, catalogue: Catalogue) -> Finding:
    title = ((profile.get("job_offer") or {}).get("title") or "").lower()
    if not title:
        return unknown("U.S. job title not recorded", "job_offer.title")
    if any(word in title for word in ("manager", "director", "head", "chief", "vice president",
                                      "vp", "executive", "lead")):
        return met(f"U.S. role '{title}' is managerial or executive", 0.7)
    return unknown("Confirm the U.S. role is executive or managerial", "job_offer.title")


CRITERIA = {fn.__name__: fn for fn in (
    awards, memberships, published_material, judging, original_contributions,
    scholarly_articles, critical_role, high_salary, exhibitions, commercial_success,
    niw_merit_importance, niw_well_positioned, niw_on_balance, wage_level,
    cap_exempt_employer, listed_profession, us_managerial_role, lead_roles,
    significant_recognition, one_time_award, permanent_job_offer,
)}
