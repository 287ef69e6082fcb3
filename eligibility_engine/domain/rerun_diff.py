"""What changed since a client's previous check: profile fields, scores, probabilities, criteria."""

from __future__ import annotations


def check_snapshot(profile: dict, result: dict) -> dict:
    """The parts of a concluded check a later re-run is compared against."""
    return {"profile": profile, "catalogue_version": result["catalogue_version"],
            "visa_types": {r["visa_type"]: _type_snapshot(r) for r in result["recommendations"]}}


def changes_since(previous: dict | None, current: dict) -> dict | None:
    """Compare a check's snapshot with the previous one; None for a first check."""
    if previous is None:
        return None
    old_profile, new_profile = previous["profile"], current["profile"]
    fields = [{"field": name, "old": old_profile.get(name), "new": new_profile.get(name)}
              for name in sorted(set(old_profile) | set(new_profile))
              if old_profile.get(name) != new_profile.get(name)]
    types = [diff for code, now in current["visa_types"].items()
             if (diff := _type_diff(code, previous["visa_types"].get(code), now))]
    return {"previous_check_id": previous["check_id"],
            "previous_catalogue_version": previous["catalogue_version"],
            "profile_fields": fields, "visa_types": types}


def _type_snapshot(rec: dict) -> dict:
    return {"verdict": rec["verdict"], "eligibility_score": rec["eligibility_score"],
            "success_probability": rec["success_probability"],
            "criteria": {c["id"]: c["met"] for c in [*rec["gates"], *rec["criteria"]]}}


def _type_diff(code: str, old: dict | None, new: dict) -> dict | None:
    if old is None:
        return {"visa_type": code, "added": True, "verdict": {"old": None, "new": new["verdict"]}}
    diff = {key: {"old": old[key], "new": new[key]}
            for key in ("verdict", "eligibility_score", "success_probability")
            if old[key] != new[key]}
    criteria = [{"id": cid, "old": old["criteria"].get(cid), "new": met}
                for cid, met in new["criteria"].items() if old["criteria"].get(cid) != met]
    if criteria:
        diff["criteria"] = criteria
    return {"visa_type": code, **diff} if diff else None
