"""Every evidentiary criterion the catalogue can name, by id."""

from __future__ import annotations

from eligibility_engine.domain.acclaim_criteria import (
    awards,
    critical_role,
    high_remuneration,
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
    o1b_award,
    significant_recognition,
)
from eligibility_engine.domain.exceptional_ability import EA_CRITERIA
from eligibility_engine.domain.niw_criteria import (
    niw_merit_importance,
    niw_on_balance,
    niw_well_positioned,
)

CRITERIA = {fn.__name__: fn for fn in (
    awards, memberships, published_material, judging, original_contributions,
    scholarly_articles, critical_role, high_salary, high_remuneration, exhibitions,
    commercial_success, niw_merit_importance, niw_well_positioned, niw_on_balance, lead_roles,
    significant_recognition, one_time_award, o1b_award, *EA_CRITERIA,
)}
