"""Field gates: O-1A is for sciences, education, business, athletics; O-1B for arts and film."""

from __future__ import annotations

import re

from catalogue.loader import Catalogue
from eligibility_engine.domain.findings import Finding, met, not_met


def o1a_field(profile: dict, catalogue: Catalogue) -> Finding:
    category = field_category(profile)
    if category in ("arts", "motion_picture_tv"):
        return not_met("Work in the arts or film/TV is petitioned as O-1B", field_category=category)
    return met(f"Field: {category or 'sciences, education, business or athletics (assumed)'}",
               field_category=category)

def o1b_arts_field(profile: dict, catalogue: Catalogue) -> Finding:
    category = field_category(profile)
    if category in ("arts", "motion_picture_tv"):
        return met(f"Field: {category.replace('_', ' ')}", field_category=category)
    if category is None:
        return not_met("No sign the client works in the arts or film/TV (field_category not "
                       "recorded)", field_category=None)
    return not_met(f"Field is {category}, not the arts or film/TV", field_category=category)

ARTS_WORDS = re.compile(r"\b(arts?|artist\w*|music\w*|film\w*|danc\w*|theat\w*|actor|actress|"
                        r"acting|paint\w*|sculpt\w*|photograph\w*|cinema\w*|culinary|chef|"
                        r"opera|compos\w*|singer|choreograph\w*|screenwrit\w*)\b")

def field_category(profile: dict) -> str | None:
    """The recorded field category, or "arts" when the field or job title is artistic."""
    if profile.get("field_category"):
        return profile["field_category"]
    words = " ".join(filter(None, (profile.get("field_of_study"),
                                   profile.get("current_job_title"))))
    return "arts" if ARTS_WORDS.search(words.lower()) else None
