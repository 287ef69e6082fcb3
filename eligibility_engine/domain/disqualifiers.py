"""Disqualifiers and flags: bars and warnings an attorney must not miss, from dated data."""

from __future__ import annotations

from datetime import date

from catalogue.loader import Catalogue
from eligibility_engine.domain.lottery import already_counted
from eligibility_engine.domain.nationality_gates import citizenships
from eligibility_engine.domain.profile_view import in_united_states


def applicable_flags(visa_code: str, profile: dict, catalogue: Catalogue,
                     today: date) -> list[dict]:
    """Return the disqualifier flags that apply to this profile for one visa type."""
    flags = []
    for rule in catalogue.disqualifiers:
        if visa_code not in rule["applies_to"]:
            continue
        outcome = CHECKS[rule["id"]](rule, profile, catalogue, today)
        if outcome:
            severity, message = outcome if isinstance(outcome, tuple) else (rule["severity"],
                                                                              outcome)
            flags.append({"id": rule["id"], "severity": severity, "message": message,
                          "citation": rule["citation"], "as_of": rule.get("as_of")})
    return flags


def subject_to_212e(profile: dict) -> bool | None:
    required = profile.get("j1_home_residence_requirement")
    if required is None:
        return None
    return bool(required) and not profile.get("j1_waiver_obtained")


def _j1_home_residence(rule, profile, catalogue, today):
    if subject_to_212e(profile):
        return ("Subject to the J-1 two-year home-country physical presence requirement with no "
                "waiver: H, L and permanent residence are barred until it is met or waived")
    status = (profile.get("current_us_status") or "").upper().replace("-", "")
    if status.startswith("J1") and profile.get("j1_home_residence_requirement") is None:
        return "warning", "J-1 holder: confirm whether INA 212(e) applies before filing"
    return None


def _j1_change_of_status(rule, profile, catalogue, today) -> str | None:
    if subject_to_212e(profile):
        return ("Subject to INA 212(e): no change of status in the U.S.; apply for the visa "
                "abroad")
    return None


def _immigrant_intent(rule, profile, catalogue, today) -> str | None:
    if profile.get("immigrant_intent_filed"):
        return ("An immigrant petition or labor certification has been filed: nonimmigrant "
                "intent will be questioned at the consulate or border")
    return None


def _h1b_cap_timing(rule, profile, catalogue, today) -> str | None:
    if (profile.get("job_offer") or {}).get("employer_type") not in (None, "for_profit",
                                                                      "nonprofit_other"):
        return None
    if already_counted(profile):
        return None
    year = today.year if today.month < rule["registration_month"] else today.year + 1
    return (f"Next registration: March {year}; petitions from 1 April {year}; earliest start "
            f"1 October {year} (if selected in the weighted lottery)")


def _h1b_entry_payment(rule, profile, catalogue, today) -> str | None:
    inside = in_united_states(profile)
    if inside or today < date.fromisoformat(rule["effective_from"]):
        return None
    where = "outside the U.S." if inside is False else "of unknown location"
    message = (f"Beneficiary {where}: a new petition may need the ${rule['amount_usd']:,} "
               f"payment before filing unless an exception applies ({rule['status']})")
    if today >= date.fromisoformat(rule["effective_to"]):
        message += (f"; the proclamation was due to expire on {rule['effective_to']} unless "
                    "extended: verify whether it still applies")
    return message


def _immigrant_visa_pause(rule, profile, catalogue, today) -> str | None:
    held = citizenships(profile)
    paused = catalogue.nationals_of("immigrant_visa_pause")
    if not (held and held <= paused):
        return None
    inside = in_united_states(profile)
    if inside:
        return ("Consular immigrant-visa issuance is paused for the client's nationality; plan "
                "for adjustment of status in the U.S.")
    where = "From abroad" if inside is False else "If the client is abroad,"
    return (f"Consular immigrant-visa issuance is paused for the client's nationality (no end "
            f"date): {where} the immigrant visa cannot be issued while the pause lasts; the "
            "petition can be filed meanwhile")


def _travel_ban_partial(rule, profile, catalogue, today) -> str | None:
    held = citizenships(profile)
    limited = catalogue.nationals_of("travel_ban_partial") | catalogue.nationals_of(
        "travel_ban_full")
    # Abroad, the immigrant types' suspension gate fails; inside, the client must stay.
    if held and held <= limited and in_united_states(profile):
        return ("Immigrant entry is suspended for the client's nationality: adjust status in "
                "the U.S. and do not travel")
    return None


CHECKS = {
    "j1_home_residence": _j1_home_residence,
    "j1_change_of_status": _j1_change_of_status,
    "immigrant_intent": _immigrant_intent,
    "h1b_cap_timing": _h1b_cap_timing,
    "h1b_entry_payment": _h1b_entry_payment,
    "immigrant_visa_pause": _immigrant_visa_pause,
    "travel_ban_partial": _travel_ban_partial,
}
