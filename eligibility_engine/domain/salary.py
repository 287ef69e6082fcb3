"""A client's pay against the occupation's wage levels in the area (high-salary criteria).

The comparison is with the OFLC Level IV wage (about the 67th percentile of the occupation's
wages) for the worksite's area when it is recorded, otherwise for the median county. USCIS
reads "high salary" as high compared with others in the field *and* area (Policy Manual Vol. 6
Part F Ch. 2), so a national figure is reported as such.
"""

from __future__ import annotations

from catalogue.loader import occupation_for
from catalogue.wages import prevailing_wage
from eligibility_engine.domain.wage_gates import offered_occupation


def salary_comparison(profile: dict, include_offer: bool = False) -> dict | None:
    """Pay (current, or the offer's if higher and asked for) against Level IV where it is paid."""
    offer = profile.get("job_offer") or {}
    salary = profile.get("annual_salary_usd")
    source = "current salary"
    if include_offer and (offer.get("annual_wage_usd") or 0) > (salary or 0):
        salary, source = offer["annual_wage_usd"], "offered wage"
    if salary is None:
        return None
    occupation = (offered_occupation(profile) if source == "offered wage" else
                  occupation_for(profile.get("current_job_title"), offer.get("title"),
                                 profile.get("field_of_study")))
    if occupation is None:
        return None
    pw = prevailing_wage(occupation.soc, offer.get("worksite_state"),
                         offer.get("worksite_county"), offer.get("worksite_city"))
    if pw is None:
        return None
    level_4 = pw.typical[3]
    where = (f"{pw.county.title()} County, {pw.state}" if pw.exact else
             f"median county in {pw.state}" if pw.scope == "state" else
             "median U.S. county (worksite not recorded)")
    return {"salary": salary, "compared": source, "occupation": pw.title, "soc": pw.soc,
            "where": where, "scope": pw.scope, "level_4_usd": level_4,
            "ratio_to_level_4": round(salary / level_4, 2)}
