"""LLM storms: the fake Messages API answers 429s, timeouts, 500s and malformed output.

The engine runs with the real `anthropic` client pointed at the fake, with short
timeouts and a small breaker so a storm opens it. Each check gets a client of its
own whose profile carries a tag (a skill "tag:<n>") the fake logs with every call,
so the calls made for each check are counted on the fake's side.
"""

from __future__ import annotations

import itertools
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import requests

from chaos.accounting import Ledger, Tally
from chaos.deployment import Deployment
from chaos.workload import Accepted, Outcomes
from demo.profiles import ProfileGenerator
from contracts import CHECK_FAILED, CHECK_REQUESTED, RECOMMENDATIONS_PRODUCED
from tests.fakes.fake_messages_api import TAG_PREFIX, FakeMessagesAPI

STORM = ("rate_limited", "timeout", "server_error", "malformed_json", "server_error",
         "rate_limited", "bad_tool_input", "timeout", "server_error")
BREAKER_OPEN_NOTE = "circuit breaker is open"
# The engine's LLM settings for the storm: each check's LLM step ends within 3 s.
LLM_ENV = {"VISA_LLM_CALL_TIMEOUT_SECONDS": 1, "VISA_LLM_DEADLINE_SECONDS": 3,
           "VISA_LLM_MAX_ATTEMPTS": 3, "VISA_LLM_BREAKER_FAIL_MAX": 3,
           "VISA_LLM_BREAKER_RESET_SECONDS": 3, "VISA_STUCK_CHECK_SECONDS": 30}
# A check must conclude this long after its request: the LLM deadline plus generous
# room for a shared, loaded machine (the stuck-check limit).
TERMINAL_BOUND_SECONDS = 30
# Retries and one repair request: the most calls one check's LLM step may make.
MAX_CALLS_PER_CHECK = 2 * LLM_ENV["VISA_LLM_MAX_ATTEMPTS"]


def storm_fake() -> FakeMessagesAPI:
    """Start a fake whose `timeout` answers only after the engine's call timeout."""
    return FakeMessagesAPI(default="good", timeout_seconds=1.5, retry_after="0.2").start()


def storm_env(fake: FakeMessagesAPI) -> dict:
    return {"ANTHROPIC_API_KEY": "chaos-key", "ANTHROPIC_BASE_URL": fake.base_url, **LLM_ENV}


def llm_storm(deployment: Deployment, fake: FakeMessagesAPI, checks: int) -> Tally:
    """Storm the LLM while checks arrive: breaker opens, all conclude once, none re-billed.

    The storm lasts while `checks` checks are sent; then the fake calms down, and once
    the breaker's reset time has passed a quarter as many checks more are sent.
    """
    tally = Tally("LLM storm (429, timeouts, 500s, malformed output)")
    firm_id, api = deployment.create_firm(f"Chaos: LLM storm {uuid.uuid4().hex[:6]}")
    ledger = Ledger(deployment.env, firm_id)
    tags: dict[str, str] = {}
    fake.then(*itertools.islice(itertools.cycle(STORM), 100 * checks))
    storm = _send_checks(api, range(checks), tags)
    ledger.settle(tally, storm, TERMINAL_BOUND_SECONDS * 2 + checks * 0.2)
    fake.calm()
    tally.did(f"stormed: the fake answered every call with one of {sorted(set(STORM))} "
              f"while {storm.sent} commands (a tagged client and a check each) arrived from "
              "4 attorneys at once, until every check concluded")
    # Workload shape, not correctness: let the open breaker's reset time pass.
    time.sleep(LLM_ENV["VISA_LLM_BREAKER_RESET_SECONDS"] + 0.5)
    after = _send_checks(api, range(checks, checks + max(2, checks // 4)), tags)
    tally.did(f"calmed the fake and, after the breaker's reset time, sent {after.sent} more "
              "commands")
    outcomes = storm.merged(after)
    ledger.settle(tally, outcomes, TERMINAL_BOUND_SECONDS * 2 + checks * 0.2)
    _account_llm(tally, ledger, fake, outcomes, tags, after.checks())
    ledger.close()
    return tally


def _send_checks(api, numbers, tags: dict[str, str]) -> Outcomes:
    with ThreadPoolExecutor(max_workers=4) as pool:
        parts = list(pool.map(lambda n: _create_and_check(api, n, tags), numbers))
    outcomes = Outcomes()
    for part in parts:
        outcomes = outcomes.merged(part)
    return outcomes


def _create_and_check(api, number: int, tags: dict[str, str]) -> Outcomes:
    outcomes, generator = Outcomes(), ProfileGenerator(1000 + number)
    profile = generator.profile()
    tag = f"{TAG_PREFIX}{uuid.uuid4().hex[:12]}"
    profile["skills"] = [*(profile.get("skills") or []), tag]
    outcomes.sent += 1
    try:
        created = api.post("/v1/clients", json=profile)
    except requests.RequestException as exc:
        outcomes.refuse(type(exc).__name__)
        return outcomes
    if created.status_code != 201:
        outcomes.refuse(str(created.status_code))
        return outcomes
    client = created.json()
    outcomes.accepted.append(Accepted("create", client["id"], client["version"]))
    outcomes.sent += 1
    try:
        check = api.post(f"/v1/clients/{client['id']}/eligibility-checks")
    except requests.RequestException as exc:
        outcomes.refuse(type(exc).__name__)
        return outcomes
    if check.status_code not in (201, 202):
        outcomes.refuse(str(check.status_code))
        return outcomes
    check_id = check.json()["check_id"]
    outcomes.accepted.append(Accepted("check", check_id, 1))
    tags[check_id] = tag
    return outcomes


def _account_llm(tally: Tally, ledger: Ledger, fake: FakeMessagesAPI, outcomes: Outcomes,
                 tags: dict[str, str], after_storm: list[str]) -> None:
    """Count late and stuck checks as lost, calls after a conclusion as duplicates."""
    events = ledger.events()
    requested = {e.aggregate_id: _time(e.occurred_at) for e in events
                 if e.event_type == CHECK_REQUESTED}
    concluded = {e.aggregate_id: _time(e.occurred_at) for e in events
                 if e.event_type in (RECOMMENDATIONS_PRODUCED, CHECK_FAILED)}
    checks = outcomes.checks()
    calls = fake.calls_by_tag()
    late = [c for c in checks if c in concluded
            and concluded[c] - requested[c] > TERMINAL_BOUND_SECONDS]
    billed_after = sum(1 for c in checks if c in concluded
                       for at, _ in calls.get(tags[c], []) if at > concluded[c])
    over_budget = sum(max(0, len(calls.get(tags[c], [])) - MAX_CALLS_PER_CHECK) for c in checks)
    stuck = ledger.processing_checks()
    rows = {r["check_id"]: r for r in ledger.read_rows()["checks"]}
    modes = [rows[c]["analysis_mode"] for c in checks if c in rows]
    notes = [(rows[c]["result"] or {}).get("analysis_note", "") for c in checks if c in rows]
    waits = sorted(concluded[c] - requested[c] for c in checks if c in concluded)
    tally.details.update({
        "checks": len(checks),
        "fake_llm_calls": sum(len(v) for v in calls.values()),
        "answers": dict(sorted(_answers(calls).items())),
        "llm_and_rules": modes.count("llm_and_rules"), "rules_only": modes.count("rules_only"),
        "rules_only_because_breaker_open": sum(BREAKER_OPEN_NOTE in n for n in notes),
        "llm_and_rules_after_storm": sum(rows[c]["analysis_mode"] == "llm_and_rules"
                                         for c in after_storm if c in rows),
        "checks_after_storm": len(after_storm),
        "failed": sum(r["status"] == "failed" for c, r in rows.items() if c in tags),
        "max_calls_for_one_check": max((len(calls.get(tags[c], [])) for c in checks), default=0),
        "calls_after_conclusion": billed_after,
        "seconds_to_conclude_max": round(waits[-1], 2) if waits else None,
        "seconds_to_conclude_p50": round(waits[len(waits) // 2], 2) if waits else None,
        "late_checks": len(late), "stuck_checks": stuck,
    })
    tally.did(f"{tally.details['rules_only_because_breaker_open']} checks concluded rules-only "
              "because the breaker was open")
    if late or stuck:
        tally.did(f"{len(late)} checks concluded after {TERMINAL_BOUND_SECONDS} s (counted as "
                  f"lost) and {stuck} are stuck (not delivered)")
    tally.lost += len(late)
    if not tally.details["rules_only_because_breaker_open"]:
        tally.lost += 1
        tally.did("no check was refused by an open breaker: the storm did not open it")
    tally.duplicated += billed_after + over_budget


def _answers(calls: dict) -> dict[str, int]:
    counts: dict[str, int] = {}
    for tagged in calls.values():
        for _, behaviour in tagged:
            counts[behaviour] = counts.get(behaviour, 0) + 1
    return counts


def _time(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()
