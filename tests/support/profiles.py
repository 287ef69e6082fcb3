"""Client profiles for tests, written as an attorney would enter them."""

from __future__ import annotations


def researcher_profile(**overrides) -> dict:
    profile = {
        "first_name": "Amara", "last_name": "Okafor", "email": "amara@example.org",
        "country_of_birth": "Nigeria", "citizenships": ["Nigeria", "United Kingdom"],
        "highest_degree": "doctorate", "field_of_study": "Machine learning",
        "current_job_title": "Research scientist", "annual_salary_usd": 185000,
        "publications_count": 22, "citations_count": 1400, "h_index": 17, "patents_count": 1,
        "awards": [{"name": "Best Paper, NeurIPS", "level": "international", "year": 2023}],
        "memberships": [{"organization": "ACM", "selective": False}],
        "media_coverage": [{"outlet": "MIT Technology Review", "title": "Profile",
                            "about_client": True}],
        "judging_count": 15,
        "original_contributions": ["A widely adopted method for robust training"],
        "critical_roles": [{"organization": "Research lab", "role": "Lead scientist",
                            "distinguished_organization": True}],
        "job_offer": {"employer": "Acme AI", "title": "Staff research scientist",
                      "annual_wage_usd": 210000, "employer_type": "for_profit",
                      "specialty_occupation": True},
    }
    profile.update(overrides)
    return profile
