"""Profile builders for the engine's tests: a base profile plus the facts a test varies."""

from __future__ import annotations

import copy

BASE = {"first_name": "Test", "last_name": "Client", "citizenships": ["germany"],
        "country_of_birth": "germany"}

RESEARCHER = {
    **BASE,
    "highest_degree": "doctorate", "field_of_study": "machine learning",
    "current_job_title": "research scientist", "annual_salary_usd": 260000,
    "publications_count": 25, "citations_count": 1200, "h_index": 15, "judging_count": 30,
    "awards": [{"name": "ACM Best Paper", "level": "international"}],
    "memberships": [{"organization": "IEEE", "selective": False}],
    "media_coverage": [{"outlet": "Wired"}],
    "original_contributions": ["a widely adopted training method"],
    "critical_roles": [{"organization": "DeepLab", "role": "team lead",
                        "distinguished_organization": True}],
    "job_offer": {"employer": "Acme AI", "title": "Research Scientist",
                  "annual_wage_usd": 260000, "employer_type": "for_profit",
                  "specialty_occupation": True, "permanent": True},
    "current_location": "San Francisco, USA", "current_us_status": "H-1B",
}


def profile(base: dict = BASE, **changes) -> dict:
    """Copy a base profile and apply changes; `job_offer__title=...` edits nested fields."""
    result = copy.deepcopy(base)
    for key, value in changes.items():
        if "__" in key:
            outer, inner = key.split("__", 1)
            result.setdefault(outer, {})
            result[outer][inner] = value
        elif value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result
