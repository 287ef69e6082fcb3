"""Look for an erased client's strings in every byte a deployment keeps."""

from __future__ import annotations

import base64
import os
import sqlite3
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg


def erasable_person() -> tuple[dict, list[str]]:
    """A profile whose every free text names the client, and the strings to look for."""
    tag = uuid.uuid4().hex[:10]
    first, last = f"Zoltan{tag}", f"Quibble{tag}"
    profile = {
        "first_name": first, "last_name": last, "email": f"zq.{tag}@example.org",
        "phone": f"+1 555 {tag[:4]} 77", "date_of_birth": "1987-03-14",
        "notes": f"{first} asked us to keep the asylum history private",
        "current_location": f"14 {last} Lane, Lagos, Nigeria",
        "current_employer": f"{last} Robotics", "university": f"{last} Institute",
        "field_of_study": f"{last} dynamics", "current_job_title": f"{last} chief roboticist",
        "current_us_status": f"B-2 {last}",
        "awards": [{"name": f"The {last} Medal for gait control", "level": "national",
                    "year": 2021}],
        "memberships": [{"organization": f"{last} Society of Engineers", "selective": True}],
        "media_coverage": [{"outlet": f"{last} Gazette", "about_client": True,
                            "title": f"How {first} {last} taught robots to walk"}],
        "original_contributions": [f"{first} {last} invented the passive walking gait"],
        "critical_roles": [{"organization": f"{last} Labs", "role": f"{last} lead designer",
                            "distinguished_organization": True}],
        "job_offer": {"employer": f"{last} Automation Inc", "title": f"{last} principal",
                      "worksite_city": f"{last}ville", "annual_wage_usd": 210000},
        "foreign_employment": {"employer": f"{last} GmbH", "months_in_last_3_years": 24},
        "skills": [f"{last} kinematics"], "languages": [f"{last} sign language"],
        "commercial_successes": [f"{first}'s robot sold 10,000 units"],
        "proposed_endeavor": f"{first} {last} will build walking robots for rescue work",
        "highest_degree": "doctorate", "h_index": 12,
    }
    needles = [first, last, profile["email"], profile["phone"], profile["notes"],
               profile["media_coverage"][0]["title"], profile["original_contributions"][0],
               profile["proposed_endeavor"], profile["commercial_successes"][0],
               profile["current_location"]]
    return profile, needles


def wrapped_key_needles(wrapped: str) -> list[bytes]:
    """The wrapped key as stored (base64 or a Vault ciphertext) and, for base64, its bytes."""
    needles = [wrapped.encode()]
    try:
        needles.append(base64.b64decode(wrapped, validate=True))
    except ValueError:
        pass
    return needles


def wrapped_key(env: dict, firm_id: str, client_id: str) -> str:
    query = "SELECT wrapped_key FROM client_keys WHERE firm_id = ? AND client_id = ?"
    if "VISA_DATABASE_URL" in env:
        with psycopg.connect(env["VISA_DATABASE_URL"]) as conn:
            return conn.execute(query.replace("?", "%s"), (firm_id, client_id)).fetchone()[0]
    path = Path(env["VISA_DATA_DIR"]) / "keys.sqlite"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute(query, (firm_id, client_id)).fetchone()[0]


@dataclass
class ScanResult:
    needles: int
    files: list[str] = field(default_factory=list)
    scanned_bytes: int = 0
    hits: list[tuple[str, str]] = field(default_factory=list)


def scan(env: dict, needles: list[bytes]) -> ScanResult:
    """Every file of the data directory, and a pg_dump of the database when there is one."""
    result = ScanResult(len(needles))
    for root, _, names in os.walk(env["VISA_DATA_DIR"]):
        for name in names:
            path = Path(root) / name
            try:
                _search(result, str(path), path.read_bytes(), needles)
            except FileNotFoundError:  # a log's -wal or -journal removed meanwhile
                continue
    if "VISA_DATABASE_URL" in env:
        dump = subprocess.run(["pg_dump", "--no-owner", env["VISA_DATABASE_URL"]],
                              capture_output=True, check=True, timeout=300).stdout
        _search(result, "pg_dump", dump, needles)
    return result


def _search(result: ScanResult, name: str, data: bytes, needles: list[bytes]) -> None:
    result.files.append(name)
    result.scanned_bytes += len(data)
    lowered = data.lower()
    for needle in needles:
        if needle.lower() in lowered:
            result.hits.append((name, needle[:40].decode(errors="replace")))
