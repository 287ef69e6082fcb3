"""Nationality gates: who may use a type, and who is barred from entry (dated lists of codes)."""

from __future__ import annotations

from dataclasses import dataclass

from catalogue.loader import Catalogue
from contracts.countries import country_name
from eligibility_engine.domain.findings import Finding, met, not_met, unknown
from eligibility_engine.domain.profile_view import in_united_states

CITIZENSHIP_QUESTION = "Which countries is the client a citizen of (every passport)?"


def citizenships(profile: dict) -> set[str]:
    """The client's citizenships as ISO 3166-1 alpha-2 codes."""
    return set(profile.get("citizenships") or [])


def names(codes) -> str:
    return ", ".join(f"{country_name(c)} ({c})" for c in sorted(codes))


def not_travel_banned(profile: dict, catalogue: Catalogue) -> Finding:
    return _entry_suspension(profile, catalogue.nationals_of("travel_ban_full"), _Wording(
        unrecorded="a full entry suspension covers 19 countries",
        clear="not under a full entry suspension",
        barred="under a full entry suspension",
        inside="a change or adjustment of status is not an entry. The client must not travel: "
               "a visa abroad and re-entry are suspended",
        abroad="(national-interest exceptions aside)"))


def immigrant_entry_not_suspended(profile: dict, catalogue: Catalogue) -> Finding:
    """The immigrant types' suspension gate: the full ban and the partial one (which covers
    immigrants) both bar an immigrant visa abroad, neither an adjustment inside the U.S."""
    full = catalogue.nationals_of("travel_ban_full")
    suspended = full | catalogue.nationals_of("travel_ban_partial")
    return _entry_suspension(profile, suspended, _Wording(
        unrecorded="entry suspensions cover immigrants from 39 countries",
        clear="whose immigrant entry is not suspended",
        barred="whose immigrant entry is suspended",
        inside="adjustment of status is not an entry. The client must not travel: an immigrant "
               "visa abroad is suspended",
        abroad=": no immigrant visa can be issued abroad (national-interest exceptions aside)",
        presume_when_unknown=not citizenships(profile) <= full))


@dataclass(frozen=True)
class _Wording:
    unrecorded: str
    clear: str
    barred: str
    inside: str
    abroad: str
    # Where only a partial suspension applies, an unknown whereabouts keeps the verdict (asked
    # first); a full suspension decides it either way, so the answer is needed first.
    presume_when_unknown: bool = False


def _entry_suspension(profile: dict, suspended: set[str], say: _Wording) -> Finding:
    held = citizenships(profile)
    if not held:
        return unknown(f"Citizenship not recorded; {say.unrecorded}", "citizenships",
                       question=CITIZENSHIP_QUESTION, presumable=True, cost=0.1)
    usable = held - suspended
    if usable:
        return met(f"Holds a passport {say.clear} ({names(usable)})", citizenships=sorted(held))
    inside = in_united_states(profile)
    if inside is None:
        return unknown(f"National only of {names(held)}, {say.barred}: possible only by a "
                       "change or adjustment of status inside the U.S.", "current_us_status",
                       question="Is the client in the U.S. now, and in which status?",
                       presumable=say.presume_when_unknown, citizenships=sorted(held))
    if inside:
        # A 212(f) suspension bars visa issuance and entry, not a change or adjustment of
        # status inside the U.S. (the USCIS benefits hold was vacated on 5 Jun 2026).
        return met(f"National only of {names(held)}, {say.barred} since 1 Jan 2026, but inside "
                   f"the U.S.: {say.inside}", citizenships=sorted(held), in_united_states=True)
    separator = "" if say.abroad.startswith(":") else " "
    return not_met(f"National only of {names(held)}, {say.barred} since 1 Jan 2026"
                   f"{separator}{say.abroad}", citizenships=sorted(held))


def usmca_citizen(profile: dict, catalogue: Catalogue) -> Finding:
    return _national_of(profile, catalogue, "usmca",
                        "TN is only for citizens of Canada or Mexico (permanent residents of "
                        "either do not qualify)")


def h1b1_citizen(profile: dict, catalogue: Catalogue) -> Finding:
    return _national_of(profile, catalogue, "h1b1_fta", "H-1B1 is only for citizens of Chile or "
                        "Singapore")


def australian_citizen(profile: dict, catalogue: Catalogue) -> Finding:
    return _national_of(profile, catalogue, "e3_australia", "E-3 is only for Australian nationals")


def e2_treaty_national(profile: dict, catalogue: Catalogue) -> Finding:
    return _national_of(profile, catalogue, "e2_treaty", "No E-2 treaty with the client's "
                        "country of nationality")


def _national_of(profile: dict, catalogue: Catalogue, list_name: str, refusal: str) -> Finding:
    held = citizenships(profile)
    if not held:
        return unknown("Citizenship not recorded", "citizenships", question=CITIZENSHIP_QUESTION)
    qualifying = held & catalogue.nationals_of(list_name)
    if qualifying:
        return met(f"National of {names(qualifying)}", citizenships=sorted(held))
    return not_met(f"{refusal}: the client is a national of {names(held)}",
                   citizenships=sorted(held))
