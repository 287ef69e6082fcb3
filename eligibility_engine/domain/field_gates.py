"""Field gates: O-1A is for sciences, education, business, athletics; O-1B for arts and film."""

from __future__ import annotations

import re

from catalogue.loader import Catalogue
from eligibility_engine.domain.findings import Finding, met, not_met

FILM_TV_WORDS = re.compile(r"\b(film\w*|movie\w*|cinema\w*|cinematograph\w*|television|tv|"
                           r"director of photography|screenwrit\w*|showrunner|documentar\w*|"
                           r"visual effects|vfx|animation|animator|editor \(film\)|"
                           r"motion picture\w*|broadcast\w*)\b")
ARTS_WORDS = re.compile(r"\b(arts?|artist\w*|music\w*|danc\w*|ballet|theat\w*|actor|actress|"
                        r"acting|paint\w*|sculpt\w*|photograph\w*|culinary|chef|opera|compos(er|ition)|"
                        r"singer|choreograph\w*|fashion|illustrat\w*|novelist|"
                        r"poet|circus|performer|violin\w*|pianist|cellist|"
                        r"guitar\w*|drummer|orchestra\w*|conductor)\b")
ATHLETICS_WORDS = re.compile(r"\b(athlet\w*|olympi\w*|sport\w*|football\w*|soccer|tennis|swim\w*|"
                             r"sprint\w*|runner|gymnast\w*|boxer|boxing|cyclist|skier|coach|"
                             r"esports?|chess|golf\w*|cricket\w*|rugby|basketball|baseball|"
                             r"hockey|wrestl\w*|martial arts)\b")


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
        return not_met("No sign the client works in the arts or film/TV (no field category "
                       "recorded)", field_category=None)
    return not_met(f"Field is {category}, not the arts or film/TV", field_category=category)


def field_category(profile: dict) -> str | None:
    """The recorded field category, or one read from the field of study and job titles."""
    if profile.get("field_category"):
        return profile["field_category"]
    words = " ".join(filter(None, (profile.get("field_of_study"),
                                   profile.get("current_job_title"),
                                   (profile.get("job_offer") or {}).get("title")))).lower()
    if FILM_TV_WORDS.search(words):
        return "motion_picture_tv"
    if ATHLETICS_WORDS.search(words):
        return "athletics"
    if ARTS_WORDS.search(words):
        return "arts"
    return None
