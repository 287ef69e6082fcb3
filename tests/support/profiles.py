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


def largest_profile(char: str = "\U0001d538") -> dict:
    """Return a profile with every list and text at its schema limit: a body of about 1 MB.

    The default character takes four bytes in UTF-8, so each text counts its most bytes.
    """
    def text(length: int) -> str:
        return char * length

    return {
        "first_name": text(100), "last_name": text(100), "email": "largest@example.org",
        "phone": "+1 555 0100", "notes": text(10_000),
        "awards": [{"name": text(300), "level": "national", "year": 2020}] * 100,
        "memberships": [{"organization": text(300), "selective": True}] * 100,
        "media_coverage": [{"outlet": text(300), "title": text(300), "about_client": True}]
        * 100,
        "original_contributions": [text(1000)] * 50,
        "critical_roles": [{"organization": text(300), "role": text(300),
                            "distinguished_organization": True}] * 50,
        "skills": [text(100)] * 100, "languages": [text(60)] * 30,
        "commercial_successes": [text(300)] * 50,
    }
