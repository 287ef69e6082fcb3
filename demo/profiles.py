"""Generate varied, plausible client profiles and edit histories, reproducibly from a seed.

Profiles follow a few archetypes an immigration practice sees (researchers, engineers,
executives, investors, early-career graduates, USMCA professionals) so that checks land
on every verdict; every profile passes the API's own validation.
"""

from __future__ import annotations

import random
from datetime import date

FIRST_NAMES = ("Amara", "Wei", "Priya", "Mateo", "Olga", "Kenji", "Fatima", "Lucas", "Aisha",
               "Dmitri", "Sofia", "Arjun", "Chloe", "Tomasz", "Yuki", "Nadia", "Omar", "Elena",
               "Kwame", "Ingrid", "Rahul", "Camila", "Hyun-woo", "Leila", "Jonas", "Mei",
               "Santiago", "Zainab", "Pierre", "Anya")
LAST_NAMES = ("Okafor", "Zhang", "Sharma", "Garcia", "Petrova", "Tanaka", "Haddad", "Silva",
              "Bello", "Ivanov", "Rossi", "Patel", "Dubois", "Kowalski", "Sato", "Karimi",
              "Farouk", "Novak", "Mensah", "Larsen", "Gupta", "Lopez", "Kim", "Rahimi",
              "Schmidt", "Chen", "Moreno", "Abubakar", "Laurent", "Volkova")
COUNTRIES = ("India", "China", "Nigeria", "Brazil", "Mexico", "Canada", "Germany", "France",
             "United Kingdom", "South Korea", "Japan", "Iran", "Egypt", "Philippines", "Vietnam",
             "Poland", "Italy", "Ghana", "Colombia", "Ukraine", "Pakistan", "Turkey")
FIELDS = ("Machine learning", "Computer science", "Data science", "Biomedical engineering",
          "Immunology", "Physics", "Chemistry", "Economics", "Mechanical engineering",
          "Electrical engineering", "Operations research", "Neuroscience", "Accounting",
          "Civil engineering", "Mathematics")
UNIVERSITIES = ("University of Lagos", "Tsinghua University", "IIT Bombay", "ETH Zurich",
                "University of Sao Paulo", "UNAM", "University of Toronto", "Sorbonne",
                "Seoul National University", "University of Tokyo", "MIT", "Stanford University")
EMPLOYERS = ("Acme AI", "Northwind Labs", "Globex Biotech", "Initech", "Umbrella Research",
             "Stark Industries", "Wayne Analytics", "Hooli", "Cyberdyne Systems", "Aperture Labs")
AWARDS = ("Best Paper Award", "Young Investigator Prize", "National Science Medal",
          "Innovation Award", "Distinguished Lecture", "Fellowship of the Academy")
OUTLETS = ("Nature News", "MIT Technology Review", "The Economist", "Wired", "Forbes",
           "Financial Times", "Le Monde", "El Pais")
ORGANIZATIONS = ("IEEE", "ACM", "American Physical Society", "Royal Society of Chemistry",
                 "National Academy of Engineering", "Sigma Xi")
STATUSES = ("H-1B", "F-1", "O-1A", "L-1", "TN", "none", "B-1/B-2", "J-1")
ARCHETYPES = ("researcher", "engineer", "executive", "investor", "graduate", "usmca")


class ProfileGenerator:
    """Make client profiles and realistic edits to them, reproducibly from a seed."""

    def __init__(self, seed: int = 0):
        self.random = random.Random(seed)

    def profile(self) -> dict:
        """Return a new client's profile, as an attorney would first enter it."""
        r = self.random
        archetype = r.choice(ARCHETYPES)
        first, last = r.choice(FIRST_NAMES), r.choice(LAST_NAMES)
        country = r.choice(("Canada", "Mexico")) if archetype == "usmca" else r.choice(COUNTRIES)
        born = r.randint(1960, 2001)
        profile = {
            "first_name": first, "last_name": last,
            "email": f"{first.lower()}.{last.lower()}.{r.randrange(10**6)}@example.org",
            "phone": f"+1 555 {r.randrange(1000):03d} {r.randrange(10000):04d}",
            "date_of_birth": date(born, r.randint(1, 12), r.randint(1, 28)).isoformat(),
            "country_of_birth": country,
            "citizenships": [country] + ([r.choice(COUNTRIES)] if r.random() < 0.15 else []),
            "current_location": r.choice(("United States", country)),
            "current_us_status": r.choice(STATUSES),
            "field_of_study": r.choice(FIELDS), "university": r.choice(UNIVERSITIES),
            "graduation_year": min(2025, born + r.randint(22, 32)),
            "current_employer": r.choice(EMPLOYERS),
            "languages": r.sample(("English", "Spanish", "French", "Mandarin", "Hindi",
                                   "Arabic", "Portuguese", "German"), r.randint(1, 3)),
        }
        profile.update(getattr(self, f"_{archetype}")())
        return profile

    def edit(self, fields: dict) -> dict:
        """Return a plausible partial update to a profile (a PATCH body)."""
        r = self.random
        choice = r.randrange(7)
        if choice == 0:
            return {"citations_count": (fields.get("citations_count") or 0) + r.randint(5, 400)}
        if choice == 1:
            return {"publications_count": (fields.get("publications_count") or 0) + r.randint(1, 4),
                    "h_index": (fields.get("h_index") or 0) + r.randint(0, 2)}
        if choice == 2:
            return {"annual_salary_usd": round((fields.get("annual_salary_usd") or 60_000)
                                               * r.uniform(1.02, 1.25), -2)}
        if choice == 3:
            awards = list(fields.get("awards") or [])
            return {"awards": awards + [self._award()]}
        if choice == 4:
            return {"judging_count": (fields.get("judging_count") or 0) + r.randint(1, 6)}
        if choice == 5:
            return {"current_us_status": r.choice(STATUSES),
                    "notes": f"Call on {r.randint(1, 28)}/{r.randint(1, 12)}: "
                             f"{r.choice(('documents received', 'awaiting letters', 'new offer'))}"}
        return {"phone": f"+1 555 {r.randrange(1000):03d} {r.randrange(10000):04d}"}

    def _researcher(self) -> dict:
        r = self.random
        pubs = r.randint(5, 120)
        return {
            "highest_degree": "doctorate", "current_job_title": "Research scientist",
            "years_of_experience": r.randint(3, 25), "annual_salary_usd": r.randint(90, 320) * 1000,
            "publications_count": pubs, "citations_count": pubs * r.randint(5, 90),
            "h_index": min(pubs, r.randint(4, 45)), "patents_count": r.randint(0, 6),
            "judging_count": r.randint(0, 40),
            "awards": [self._award() for _ in range(r.randint(0, 3))],
            "memberships": [{"organization": r.choice(ORGANIZATIONS),
                             "selective": r.random() < 0.3}],
            "media_coverage": [{"outlet": r.choice(OUTLETS), "title": "Profile of the work",
                                "about_client": True} for _ in range(r.randint(0, 2))],
            "original_contributions": ["A method adopted by other laboratories"][: r.randint(0, 1)],
            "critical_roles": [{"organization": r.choice(EMPLOYERS), "role": "Lead scientist",
                                "distinguished_organization": r.random() < 0.5}],
            "job_offer": self._offer("Staff research scientist", r.choice(
                ("for_profit", "university", "nonprofit_research"))),
        }

    def _engineer(self) -> dict:
        r = self.random
        return {
            "highest_degree": r.choice(("bachelors", "masters", "masters", "doctorate")),
            "current_job_title": r.choice(("Software engineer", "Data scientist",
                                           "Mechanical engineer", "Electrical engineer")),
            "years_of_experience": r.randint(1, 20), "annual_salary_usd": r.randint(70, 260) * 1000,
            "patents_count": r.randint(0, 4), "publications_count": r.randint(0, 6),
            "skills": r.sample(("Python", "Kubernetes", "CAD", "PCB design", "Statistics",
                                "Rust", "Distributed systems"), 3),
            "job_offer": self._offer("Senior engineer", "for_profit"),
        }

    def _executive(self) -> dict:
        r = self.random
        return {
            "highest_degree": r.choice(("bachelors", "masters", "professional")),
            "current_job_title": r.choice(("Chief technology officer", "Engineering manager",
                                           "Chief executive")),
            "years_of_experience": r.randint(8, 35),
            "annual_salary_usd": r.randint(180, 900) * 1000,
            "critical_roles": [{"organization": r.choice(EMPLOYERS), "role": "Executive",
                                "distinguished_organization": r.random() < 0.6}],
            "foreign_employment": {"employer": r.choice(EMPLOYERS),
                                   "affiliated_with_us_employer": r.random() < 0.8,
                                   "months_in_last_3_years": r.randint(6, 36),
                                   "role": r.choice(("executive", "manager"))},
            "media_coverage": [{"outlet": r.choice(OUTLETS), "title": "Interview",
                                "about_client": True}],
        }

    def _investor(self) -> dict:
        r = self.random
        return {
            "highest_degree": r.choice(("bachelors", "masters")),
            "current_job_title": "Founder", "years_of_experience": r.randint(5, 30),
            "annual_salary_usd": r.randint(100, 600) * 1000,
            "investment_usd": r.choice((800_000, 1_050_000, 1_800_000, 2_500_000)),
            "investment_in_tea": r.random() < 0.5,
        }

    def _graduate(self) -> dict:
        r = self.random
        return {
            "highest_degree": r.choice(("bachelors", "masters")),
            "current_job_title": r.choice(("Junior developer", "Analyst", "Research assistant")),
            "years_of_experience": r.randint(0, 3), "annual_salary_usd": r.randint(55, 120) * 1000,
            "current_us_status": "F-1",
            "job_offer": self._offer("Software developer", "for_profit"),
        }

    def _usmca(self) -> dict:
        r = self.random
        return {
            "highest_degree": r.choice(("bachelors", "masters")),
            "current_job_title": r.choice(("Accountant", "Engineer", "Economist", "Scientist")),
            "years_of_experience": r.randint(1, 15), "annual_salary_usd": r.randint(60, 180) * 1000,
            "job_offer": self._offer(r.choice(("Accountant", "Engineer", "Economist")),
                                     "for_profit"),
        }

    def _award(self) -> dict:
        r = self.random
        return {"name": r.choice(AWARDS), "year": r.randint(2005, 2026),
                "level": r.choice(("international", "national", "regional", "institutional"))}

    def _offer(self, title: str, employer_type: str) -> dict:
        r = self.random
        return {"employer": r.choice(EMPLOYERS), "title": title,
                "annual_wage_usd": r.randint(70, 350) * 1000, "employer_type": employer_type,
                "specialty_occupation": r.random() < 0.85, "permanent": r.random() < 0.6}
