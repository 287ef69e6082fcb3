"""Arts and film/TV criteria (O-1B; EB-1A exhibitions and commercial success)."""

from __future__ import annotations

from catalogue.loader import Catalogue
from eligibility_engine.domain.findings import Finding, met, not_met, unknown
from eligibility_engine.domain.gates import field_category


def exhibitions(profile: dict, catalogue: Catalogue) -> Finding:
    count = profile.get("exhibitions_count")
    if count is None:
        return unknown("Artistic exhibitions or showcases not recorded", "exhibitions_count")
    if count > 0 and field_category(profile) in ("arts", "motion_picture_tv"):
        return met(f"Work displayed at {count} artistic exhibition(s) or showcase(s)",
                   min(1.0, 0.4 + count / 10), exhibitions_count=count)
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
                   min(1.0, 0.4 + 0.2 * len(items)), successes=items)
    return not_met("No documented commercial successes")

def lead_roles(profile: dict, catalogue: Catalogue) -> Finding:
    count = profile.get("lead_roles_count")
    if count is None:
        return unknown("Lead or starring roles not recorded", "lead_roles_count")
    if count > 0:
        return met(f"Lead or starring role in {count} distinguished production(s) or event(s)",
                   min(1.0, 0.4 + count / 10), lead_roles_count=count)
    return not_met("No lead or starring roles in distinguished productions", lead_roles_count=count)

def significant_recognition(profile: dict, catalogue: Catalogue) -> Finding:
    count = profile.get("expert_recognition_count")
    if count is None:
        return unknown("Recognition from critics, organizations or experts not recorded",
                       "expert_recognition_count")
    if count >= 2:
        return met(f"Recognition attested by {count} organizations, critics or experts",
                   min(1.0, 0.3 + count / 10), expert_recognition_count=count)
    return not_met("Recognition needs testimonials from several recognized experts or "
                   "organizations", expert_recognition_count=count)
