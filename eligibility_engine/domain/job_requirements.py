"""EB-2 through PERM needs a job that requires an advanced degree (8 CFR 204.5(k)(4)(i)); the
labor certification may not ask more than is normal for the occupation (20 CFR 656.17(h)(1)),
so an occupation below O*NET Job Zone 4 (e.g. registered nurse, Zone 3) cannot require one."""

from __future__ import annotations

from catalogue.loader import Catalogue
from eligibility_engine.domain.exceptional_ability import exceptional_ability_shown
from eligibility_engine.domain.findings import Finding, met, not_met
from eligibility_engine.domain.wage_gates import offered_occupation


def job_requires_advanced_degree(profile: dict, catalogue: Catalogue) -> Finding:
    occupation = offered_occupation(profile) if profile.get("job_offer") else None
    zone = occupation.job_zone if occupation else None
    if occupation and occupation.unskilled:
        zone = 2  # under two years of training or experience (occupations.yaml)
    if zone is None or zone >= 4:
        return met("The job can require an advanced degree or its equivalent", 0.5,
                   soc=occupation.soc if occupation else None)
    if exceptional_ability_shown(profile, catalogue).met:
        return met(f"{occupation.title}: the job may require exceptional ability instead", 0.4,
                   soc=occupation.soc)
    return not_met(f"{occupation.title} is an O*NET Job Zone {zone} occupation: a labor "
                   "certification may not require a master's or a bachelor's plus five years "
                   "for it (20 CFR 656.17(h)(1)), so the job does not support EB-2 whatever the "
                   "client's own degree; EB-3 is the route", soc=occupation.soc, job_zone=zone)
