"""Arts and film/TV criteria (O-1B; EB-1A exhibitions and commercial success).

O-1B has two standards and two sets of criteria with the same shape: the arts ("distinction",
8 CFR 214.2(o)(3)(iv)) and motion pictures or television ("extraordinary achievement",
(o)(3)(v)); either may be met by a nomination for, or receipt of, a significant national or
international award such as an Academy Award, Emmy, Grammy or Directors Guild Award.
"""

from __future__ import annotations

from catalogue.loader import Catalogue
from eligibility_engine.domain.acclaim_criteria import (
    NOMINATED,
    award_exclusion,
    recognised_one_time,
)
from eligibility_engine.domain.field_gates import field_category
from eligibility_engine.domain.findings import Finding, met, not_met, unknown


def exhibitions(profile: dict, catalogue: Catalogue) -> Finding:
    count = profile.get("exhibitions_count")
    if count is None:
        return unknown("Artistic exhibitions or showcases not recorded", "exhibitions_count")
    if count > 0 and field_category(profile) in ("arts", "motion_picture_tv"):
        return met(f"Work displayed at {count} artistic exhibition(s) or showcase(s)",
                   0.4 + min(0.4, count / 20), exhibitions_count=count)
    if count > 0:
        return not_met("Non-artistic showcases count only as comparable evidence "
                       "(Policy Manual, Oct 2024 update)", exhibitions_count=count)
    return not_met("No artistic exhibitions", exhibitions_count=count)


def commercial_success(profile: dict, catalogue: Catalogue) -> Finding:
    items = profile.get("commercial_successes")
    if items is None:
        return unknown("Commercial or critically acclaimed successes not recorded",
                       "commercial_successes")
    if items:
        return met(f"{len(items)} documented commercial or critical success(es)",
                   0.45 + min(0.4, 0.1 * len(items)), successes=items)
    return not_met("No documented commercial successes")


def lead_roles(profile: dict, catalogue: Catalogue) -> Finding:
    count = profile.get("lead_roles_count")
    if count is None:
        return unknown("Lead or starring roles not recorded", "lead_roles_count")
    if count > 0:
        return met(f"Lead or starring role in {count} distinguished production(s) or event(s)",
                   0.45 + min(0.4, count / 15), lead_roles_count=count)
    return not_met("No lead or starring roles in distinguished productions", lead_roles_count=count)


def significant_recognition(profile: dict, catalogue: Catalogue) -> Finding:
    count = profile.get("expert_recognition_count")
    if count is None:
        return unknown("Recognition from critics, organizations or experts not recorded",
                       "expert_recognition_count")
    if count >= 2:
        return met(f"Recognition attested by {count} organizations, critics or experts",
                   0.4 + min(0.45, count / 15), expert_recognition_count=count)
    return not_met("Recognition needs testimonials from several recognized experts or "
                   "organizations", expert_recognition_count=count)


def o1b_award(profile: dict, catalogue: Catalogue) -> Finding:
    """Nominee or recipient of a significant national or international award in the field."""
    for award in profile.get("awards") or []:
        if award_exclusion(award, catalogue, profile, nominations=True):
            continue
        known = (recognised_one_time(award, catalogue, "o1b_significant")
                 or recognised_one_time(award, catalogue))
        nominated = award.get("outcome") == "nominated" or NOMINATED.search(award["name"].lower())
        outcome = "nominated for" if nominated else "received"
        if known:
            return met(f"{outcome.capitalize()} {award['name']} ({known}): meets the O-1B "
                       "criteria on its own", 1.0 if outcome == "received" else 0.85,
                       award=award["name"], outcome=outcome)
        if award.get("level") == "major_international":
            return met(f"{outcome.capitalize()} {award['name']}, recorded as a major "
                       "international award (show its significance)", 0.8, award=award["name"])
    return not_met("No nomination for or receipt of a significant national or international "
                   "award")
