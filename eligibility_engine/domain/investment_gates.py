"""Investor gates: E-2 substantial investment and control; EB-5 amount, jobs and source of funds."""

from __future__ import annotations

from catalogue.loader import Catalogue
from eligibility_engine.domain.findings import Finding, met, not_met, unknown


def e2_substantial_investment(profile: dict, catalogue: Catalogue) -> Finding:
    amount = profile.get("investment_usd")
    rule = catalogue.visa_type("E-2")["substantial_investment_heuristic"]
    if amount is None:
        return not_met("No investment recorded: E-2 needs a substantial investment at risk in a "
                       "U.S. enterprise")
    facts = {"investment_usd": amount, "heuristic": rule}
    if profile.get("investment_at_risk") is False:
        return not_met("The capital is not committed and at risk", **facts)
    if amount >= rule["likely_substantial_usd"]:
        return met(f"${amount:,.0f} invested: likely substantial for a small or mid-size "
                   "enterprise (proportionality still applies)", **facts)
    if amount < rule["doubtful_below_usd"]:
        return not_met(f"${amount:,.0f} is unlikely to be substantial or non-marginal", **facts)
    # Proportionality, not a minimum (8 CFR 214.2(e)(14)): a low-cost service business is
    # routinely started with this much, so the answer is presumed pending the business plan.
    return unknown(f"${amount:,.0f}: substantial only if proportional to a low-cost enterprise",
                   "notes", question="What does the enterprise cost to buy or start, and what "
                                     "share of that is invested?", presumable=True, **facts)

def e2_develop_and_direct(profile: dict, catalogue: Catalogue) -> Finding:
    share = profile.get("ownership_percent")
    if share is None:
        return unknown("Ownership share of the enterprise not recorded", "ownership_percent",
                       presumable=bool(profile.get("investment_usd")),
                       question="What share of the enterprise does the client own or control?")
    if share >= 50:
        return met(f"Owns {share:g}% of the enterprise", ownership_percent=share)
    return not_met(f"Owns {share:g}%: at least 50% or operational control is required",
                   ownership_percent=share)

def e2_not_marginal(profile: dict, catalogue: Catalogue) -> Finding:
    jobs, amount = profile.get("jobs_to_create"), profile.get("investment_usd") or 0
    rule = catalogue.visa_type("E-2")["marginality"]
    if jobs is None or jobs > 0:
        return met("Not marginal on the record" if jobs else "Marginality is judged on the "
                   "business plan (no hiring plan recorded)", 0.5, jobs_to_create=jobs)
    facts = {"jobs_to_create": jobs, "investment_usd": amount, "rule": rule}
    if amount < rule["no_employees_fails_below_usd"]:
        return not_met(f"No employees planned and ${amount:,.0f} invested: an enterprise that "
                       "only provides a living for the investor and family is marginal (8 CFR "
                       "214.2(e)(15))", **facts)
    return unknown("No employees planned: the enterprise must still show capacity beyond a "
                   "minimal living, or a significant economic contribution within five years "
                   "(8 CFR 214.2(e)(15))", "jobs_to_create", question="How many U.S. workers "
                   "will the enterprise employ within five years, and what income does the plan "
                   "project?", **facts)


def eb5_minimum_investment(profile: dict, catalogue: Catalogue) -> Finding:
    amount = profile.get("investment_usd")
    minimums = catalogue.visa_type("EB-5")["investment_minimums"]
    if amount is None:
        return not_met("No investment recorded: EB-5 needs at least $800,000 invested at risk")
    in_tea = profile.get("investment_in_tea")
    required = minimums["tea_usd"] if in_tea else minimums["standard_usd"]
    facts = {"investment_usd": amount, "required_usd": required, "investment_in_tea": in_tea}
    if amount >= required:
        return met(f"${amount:,.0f} meets the ${required:,} minimum", **facts)
    if in_tea is None and amount >= minimums["tea_usd"]:
        return unknown(f"${amount:,.0f} qualifies only in a targeted employment area",
                       "investment_in_tea", presumable=True,
                       question="Is the project in a targeted employment area (rural or high "
                                "unemployment) or an infrastructure project?", **facts)
    return not_met(f"${amount:,.0f} is below the ${required:,} minimum", **facts)

def eb5_job_creation(profile: dict, catalogue: Catalogue) -> Finding:
    jobs = profile.get("jobs_to_create")
    if jobs is None:
        return unknown("Planned job creation not recorded: ten full-time jobs per investor must "
                       "be shown (a regional center's economic report usually does)",
                       "jobs_to_create", presumable=bool(profile.get("investment_usd")),
                       question="How many full-time jobs will the investment create (direct, or "
                                "direct and indirect through a regional center)?")
    if jobs >= 10:
        return met(f"{jobs} full-time jobs planned", jobs_to_create=jobs)
    return not_met(f"{jobs} jobs planned; 10 per investor are required", jobs_to_create=jobs)

def lawful_source_of_funds(profile: dict, catalogue: Catalogue) -> Finding:
    documented = profile.get("lawful_source_documented")
    if documented is True and profile.get("investment_at_risk") is not False:
        return met("Lawful source of funds documented")
    if documented is False or profile.get("investment_at_risk") is False:
        return not_met("Lawful source of funds or capital at risk not shown")
    return unknown("Lawful source of funds not yet documented", "lawful_source_documented",
                   presumable=bool(profile.get("investment_usd")),
                   question="Can the client document the lawful source and path of the invested "
                            "funds?")
