"""Whether a foreign first degree is a U.S. bachelor's: a three-year degree from a system
EDGE reads as three years of U.S. college (India, Pakistan, Bangladesh, Nepal, Sri Lanka) is
not, and a two-year master's built on it equals a U.S. bachelor's (Matter of Shah; the table
is catalogue/data/degree_equivalency.yaml)."""

from __future__ import annotations

from catalogue.loader import Catalogue


def three_year_degree(profile: dict, catalogue: Catalogue) -> bool:
    """The client's first degree was a three-year programme (recorded, or said in the record)."""
    years = profile.get("bachelors_program_years")
    if years is not None:
        return years < 4
    patterns = catalogue.reference["degree_equivalency"]["three_year_patterns"]
    text = " ".join(filter(None, (profile.get("field_of_study"), profile.get("university"),
                                  profile.get("notes")))).lower()
    return any(p in text for p in patterns)


def short_degree_not_equivalent(profile: dict, catalogue: Catalogue) -> bool | None:
    """True when the first degree is a three-year degree EDGE does not equate with a U.S.
    bachelor's; None when it is three years but the awarding country is not recorded."""
    if not three_year_degree(profile, catalogue):
        return False
    return degree_country(profile) in catalogue.reference["degree_equivalency"][
        "three_year_not_equivalent"] if degree_country(profile) else None


def degree_country(profile: dict) -> str | None:
    """Where the highest degree was earned: recorded, or, for a bachelor's, presumed from a sole
    citizenship that is also the country of birth (a master's is often earned abroad, so it is
    asked instead)."""
    if profile.get("degree_country"):
        return profile["degree_country"]
    if profile.get("highest_degree") != "bachelors":
        return None
    held = profile.get("citizenships") or []
    born = profile.get("country_of_birth")
    if len(held) == 1 and born in (None, held[0]):
        return held[0]
    return None


def effective_degree(profile: dict, catalogue: Catalogue) -> str | None:
    """The U.S. level the client's highest degree reaches: a foreign master's on a
    non-equivalent three-year bachelor's is a U.S. bachelor's; the three-year bachelor's
    alone is less than one (recorded as `associate`-level study: three years of college)."""
    degree = profile.get("highest_degree")
    if degree not in ("bachelors", "masters") or short_degree_not_equivalent(profile,
                                                                             catalogue) is not True:
        return degree
    return "bachelors" if degree == "masters" else "three_year_bachelors"
