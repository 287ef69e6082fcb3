"""Every evidentiary criterion the catalogue can name, by id."""

from __future__ import annotations

from eligibility_engine.domain.acclaim_criteria import (
    awards,
    critical_role,
    high_salary,
    judging,
    memberships,
    one_time_award,
    original_contributions,
    published_material,
    scholarly_articles,
)
from eligibility_engine.domain.arts_criteria import (
    commercial_success,
    exhibitions,
    lead_roles,
    significant_recognition,
)
from eligibility_engine.domain.gates import permanent_job_offer
from eligibility_engine.domain.job_criteria import (
    cap_exempt_employer,
    listed_profession,
    niw_merit_importance,
    niw_on_balance,
    niw_well_positioned,
    us_managerial_role,
    wage_level,
)

CRITERIA = {fn.__name__: fn for fn in (
    awards, memberships, published_material, judging, original_contributions,
    scholarly_articles, critical_role, high_salary, exhibitions, commercial_success,
    niw_merit_importance, niw_well_positioned, niw_on_balance, wage_level,
    cap_exempt_employer, listed_profession, us_managerial_role, lead_roles,
    significant_recognition, one_time_award, permanent_job_offer,
)}
