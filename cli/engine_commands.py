"""Engine operator commands: publish the catalogue, re-check stale clients, run the evaluation."""

from __future__ import annotations

import json
import os
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


def import_bulletin(args) -> int:
    from catalogue.imports import import_bulletin as run

    return _import(run, args)


def import_processing(args) -> int:
    from catalogue.imports import import_processing as run

    return _import(run, args)


def _import(run, args) -> int:
    from catalogue.imports import CatalogueImportError

    try:
        imported = run(args.file)
    except CatalogueImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(imported))
    load_catalogue.cache_clear()
    catalogue_fingerprint.cache_clear()
    return publish(args)


def recheck(args) -> int:
    if args.per_minute <= 0:
        print("error: --per-minute must be positive", file=sys.stderr)
        return 2
    settings = load_settings()
    if args.batch and not os.environ.get("ANTHROPIC_API_KEY"):
        print("error: --batch needs ANTHROPIC_API_KEY: there is no LLM to batch", file=sys.stderr)
        return 2
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
        if args.batch:
            meta["analysis_delivery"] = "batch"
        check = cases.request_check(UUID(client["id"]), meta)
        previous = client["latest_check"]["catalogue_version"]
        requested.append({"client_id": client["id"], "check_id": str(check.id),
                          "previous_catalogue_version": previous})
    summary = {"firm_id": firm["id"], "catalogue_version": version,
               "requested": len(requested), "checks": requested}
    if args.batch and requested:
        summary["analysis_batch"] = _batch(settings, firm["id"], requested, args)
    print(json.dumps(summary))
    return 0


def _batch(settings, firm_id: str, requested: list[dict], args) -> dict:
    from eligibility_engine import bootstrap as engine_root

    batches = engine_root.batch_analyses(settings)
    meta = {**RECHECK_ACTOR, "correlation_id": f"recheck-batch-{time.time_ns()}"}
    return batches.run(firm_id, [r["check_id"] for r in requested], meta,
                       poll_seconds=args.batch_poll_seconds)


def evaluate(args) -> int:
    from eligibility_engine import evaluation_report as evaluation

    try:
        if args.llm:
            return _evaluate_with_llm(args, evaluation)
        report = evaluation.evaluate_directory(args.directory)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=2) if args.json else evaluation.format_report(report))
    return 0


def _evaluate_with_llm(args, evaluation) -> int:
    from eligibility_engine.adapters.anthropic_analyst import AnthropicAnalyst
    from eligibility_engine.adapters.llm_settings import llm_settings

    settings = llm_settings()
    if not settings.enabled:
        print("error: --llm needs ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for a local "
              "endpoint)", file=sys.stderr)
        return 2
    analyst = AnthropicAnalyst(settings, load_catalogue())
    report = evaluation.evaluate_with_analysis(args.directory, analyst, settings.deadline_seconds)
    print(json.dumps(report, indent=2) if args.json else evaluation.format_analysis_report(report))
    return 1 if report["verdict_changes"] else 0
