"""Engine operator commands: publish the catalogue, re-check stale clients, run the evaluation."""

from __future__ import annotations

import json
import sys
import threading
import time
from uuid import UUID

from cli import bootstrap
from command_service import bootstrap as command_root
from catalogue.publications import CatalogueVersionConflictError
from catalogue.loader import catalogue_fingerprint, load_catalogue
from query_service.adapters.stale_checks import stale_clients
from shared.config import load_settings

RECHECK_ACTOR = {"actor_id": "operator:recheck", "actor_kind": "operator"}


def publish(args) -> int:
    catalogue = load_catalogue()
    try:
        event = bootstrap.catalogue_publications(load_settings()).publish(
            catalogue.version, catalogue_fingerprint(), args.by)
    except CatalogueVersionConflictError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(event))
    return 0


def recheck(args) -> int:
    if args.per_minute <= 0:
        print("error: --per-minute must be positive", file=sys.stderr)
        return 2
    settings = load_settings()
    firm = bootstrap.directory(settings).firm(args.firm)
    if firm is None:
        print(f"error: no firm {args.firm}", file=sys.stderr)
        return 1
    current = bootstrap.catalogue_publications(settings).current()
    version = current["version"] if current else load_catalogue().version
    stale = stale_clients(bootstrap.read_database(settings), firm["id"], version)
    cases = command_root.case_files(settings).for_firm(firm["id"])
    requested = []
    pause = threading.Event()
    for n, client in enumerate(stale):
        if n:
            # Paced so a re-check of a whole firm stays within the engine's and LLM's limits.
            pause.wait(60 / args.per_minute)
        meta = {**RECHECK_ACTOR, "correlation_id": f"recheck-{time.time_ns()}"}
        check = cases.request_check(UUID(client["id"]), meta)
        previous = client["latest_check"]["catalogue_version"]
        requested.append({"client_id": client["id"], "check_id": str(check.id),
                          "previous_catalogue_version": previous})
    print(json.dumps({"firm_id": firm["id"], "catalogue_version": version,
                      "requested": len(requested), "checks": requested}))
    return 0


def evaluate(args) -> int:
    from eligibility_engine.evaluation_report import evaluate_directory, format_report

    try:
        report = evaluate_directory(args.directory)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0
