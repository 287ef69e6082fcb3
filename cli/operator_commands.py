"""Query-side operator commands: `visa projections ...`, `visa audit verify`, `visa bench query`."""

from __future__ import annotations

import json
import sqlite3
import sys

import psycopg
from eventsourcing.persistence import PersistenceError

from cli import bootstrap, quarantine_commands
from event_store import FirmStores, UnknownFirmError, close_shared_pools, parse_firm_id
from eligibility_engine.bootstrap import ENGINE_POSITIONS
from shared.config import load_settings
from shared.positions import PositionTable
from shared.sql import database_for


def register(commands) -> None:
    """Add the operator subcommands to the `visa` parser."""
    projections = commands.add_parser("projections", help="rebuild or inspect the read tables"
                                      ).add_subparsers(dest="action", required=True)
    projections.add_parser("rebuild", help="rebuild every read table from the event stores, "
                           "then swap them in without downtime").set_defaults(run=_rebuild)
    status = projections.add_parser("status", help="show the projector's position and lag per firm")
    status.add_argument("--json", action="store_true", help="print JSON instead of a table")
    status.set_defaults(run=_status)
    quarantine_commands.register(projections)

    audit = commands.add_parser("audit", help="compliance checks").add_subparsers(
        dest="action", required=True)
    verify = audit.add_parser("verify", help="check each firm's hash chain and compare the read "
                              "tables with a fresh projection; exit 1 on any problem")
    verify.add_argument("--firm", help="verify one firm (default: every firm)")
    verify.set_defaults(run=_verify)

    bench = commands.add_parser("bench", help="benchmarks").add_subparsers(dest="action",
                                                                          required=True)
    query = bench.add_parser("query", help="measure rebuild rate and listing latency")
    query.add_argument("--clients", type=int, default=50_000)
    query.add_argument("--samples", type=int, default=50)
    query.add_argument("--firm", help="time an existing firm instead of seeding a new one")
    query.set_defaults(run=_bench_query)


def _rebuild(args) -> int:
    from query_service.rebuild import ProjectionRebuild

    settings = load_settings()
    stores = _stores(settings)
    try:
        report = ProjectionRebuild(bootstrap.read_database(settings), stores,
                                   stores.firm_ids).run()
    except (psycopg.Error, sqlite3.Error, PersistenceError) as exc:
        print(f"rebuild failed, the live tables are unchanged: {exc}", file=sys.stderr)
        return 1
    finally:
        _close(stores)
    print(f"rebuilt the read tables from {report.events} events in {report.seconds:.1f}s "
          f"({report.events_per_second:,.0f} events/s) and swapped them in")
    for event in report.quarantined:
        print(f"quarantined: firm {event.firm_id} position {event.position} "
              f"{event.event_type}: {event.error}", file=sys.stderr)
    if report.quarantined:
        print(f"{len(report.quarantined)} event(s) could not be applied and were set aside; "
              "see `visa projections quarantine list`", file=sys.stderr)
    return 0


def _status(args) -> int:
    from query_service.rebuild import projection_status

    settings = load_settings()
    stores = _stores(settings)
    try:
        rows = projection_status(bootstrap.read_database(settings), stores, stores.firm_ids(),
                                 _other_consumers(settings))
    finally:
        _close(stores)
    if args.json:
        print(json.dumps([row.__dict__ for row in rows]))
        return 0
    print(f"{'consumer':<10} {'firm':<36} {'position':>10} {'head':>10} {'lag':>8}"
          f" {'quarantined':>11}")
    for row in rows:
        print(f"{row.consumer:<10} {row.firm_id:<36} {row.position:>10} {row.head:>10}"
              f" {row.lag:>8} {row.quarantined:>11}")
    return 0


def _other_consumers(settings) -> dict[str, dict[str, int]]:
    """The engine's positions, and the relay's in the distributed deployment."""
    tables = {"engine": PositionTable(database_for(settings, "engine"), "engine",
                                      ENGINE_POSITIONS)}
    if settings.uses_kafka:
        tables["relay"] = bootstrap.outbox_relay_positions(settings)
    for table in tables.values():
        table.migrate()
    return {name: table.all() for name, table in tables.items()}


def _verify(args) -> int:
    from query_service.verification import verify_firm

    settings = load_settings()
    stores = _stores(settings)
    firm_ids = stores.firm_ids()
    if args.firm:
        try:
            firm_id = parse_firm_id(args.firm)
        except UnknownFirmError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if firm_id not in firm_ids:
            print(f"error: no firm {firm_id}", file=sys.stderr)
            return 2
        firm_ids = [firm_id]
    read_db = bootstrap.read_database(settings)
    try:
        reports = [verify_firm(read_db, stores, firm_id) for firm_id in firm_ids]
    finally:
        _close(stores)
    for report in reports:
        print(json.dumps(report.as_dict()))
    return 0 if all(r.ok for r in reports) else 1


def _bench_query(args) -> int:
    from cli.query_benchmark import run_query_benchmark

    print(json.dumps(run_query_benchmark(load_settings(), args.clients, args.samples, args.firm),
                     indent=2))
    return 0


def _stores(settings) -> FirmStores:
    return FirmStores(settings, keyring=bootstrap.keyring(settings))


def _close(stores: FirmStores) -> None:
    stores.close()
    close_shared_pools()
