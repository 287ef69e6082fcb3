"""Query-side operator commands: `visa projections ...`, `visa audit verify|checkpoint|export`,
`visa bench query`."""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, TextIO

import psycopg
from eventsourcing.persistence import PersistenceError

from cli import bootstrap
from event_store import (
    FirmStores,
    UnknownFirmError,
    close_shared_pools,
    parse_firm_id,
    public_key,
    read_checkpoints,
    sign,
    signing_key,
)
from eligibility_engine.bootstrap import ENGINE_POSITIONS
from shared.config import load_settings
from shared.positions import PositionTable
from shared.sql import database_for


def rebuild(args) -> int:
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
          f"({report.events_per_second:,.0f} events/s) and swapped them in; the replaced tables"
          f" were dropped in {report.retiring_seconds:.1f}s")
    for event in report.quarantined:
        print(f"quarantined: firm {event.firm_id} position {event.position} "
              f"{event.event_type}: {event.error}", file=sys.stderr)
    if report.quarantined:
        print(f"{len(report.quarantined)} event(s) could not be applied and were set aside; "
              "see `visa projections quarantine list`", file=sys.stderr)
    return 0


def status(args) -> int:
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


def verify(args) -> int:
    from query_service.verification import verify_firm

    try:
        checkpoints = _checkpoints(args.checkpoints)
        trusted = public_key(Path(args.public_key)) if args.public_key else None
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
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
        reports = [verify_firm(read_db, stores, firm_id, checkpoints=checkpoints,
                               trusted_key=trusted) for firm_id in firm_ids]
    finally:
        _close(stores)
    for report in reports:
        print(json.dumps(report.as_dict()))
    # A checkpointed firm missing altogether was deleted with its whole history.
    vanished = sorted({c.firm_id for c in checkpoints} - set(stores.firm_ids())) \
        if not args.firm else []
    for firm_id in vanished:
        print(json.dumps({"firm_id": firm_id, "ok": False,
                          "chain_problems": [{"kind": "truncated", "position": 0,
                                              "detail": "the checkpointed firm's event store"
                                                        " is gone"}]}))
    return 0 if all(r.ok for r in reports) and not vanished else 1


def checkpoint(args) -> int:
    """Sign every firm's chain head and append the checkpoints to the auditor's file."""
    try:
        key = signing_key(Path(args.signing_key))
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = load_settings()
    stores = _stores(settings)
    try:
        lines = []
        for firm_id in stores.firm_ids():
            links = stores.for_firm(firm_id).chain_links()
            lines.append(sign(key, firm_id, links[-1] if links else None).to_line())
    finally:
        _close(stores)
    with open(args.output, "a", encoding="utf-8") as out:
        out.writelines(line + "\n" for line in lines)
    print(f"signed the chain heads of {len(lines)} firm(s) into {args.output}; keep it, and "
          f"{args.signing_key}.pub, where the database's administrators cannot write",
          file=sys.stderr)
    return 0


def _checkpoints(path: str | None) -> list:
    if path is None:
        return []
    with open(path, encoding="utf-8") as lines:
        return read_checkpoints(lines)


def export(args) -> int:
    from query_service.audit_export import AuditExport, ExportCount

    settings = load_settings()
    stores = _stores(settings)
    try:
        firm_id = _known_firm(stores, args.firm)
        count, started = ExportCount(), time.perf_counter()
        with _output(args.output) as out:
            for line in AuditExport(stores).lines(firm_id, args.as_of, count):
                out.write(line + "\n")
    except UnknownFirmError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        _close(stores)
    seconds = time.perf_counter() - started
    print(f"exported {count.events} events of firm {firm_id} in {seconds:.1f}s "
          f"({count.events / seconds if seconds else 0:,.0f} events/s)", file=sys.stderr)
    return 0


def _known_firm(stores: FirmStores, raw: str) -> str:
    firm_id = parse_firm_id(raw)
    if firm_id not in stores.firm_ids():
        raise UnknownFirmError(f"no firm {firm_id}")
    return firm_id


@contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    with open(path, "w", encoding="utf-8") as out:
        yield out


def bench_query(args) -> int:
    from cli.query_benchmark import run_query_benchmark

    print(json.dumps(run_query_benchmark(load_settings(), args.clients, args.samples, args.firm),
                     indent=2))
    return 0


def _stores(settings) -> FirmStores:
    return FirmStores(settings, keyring=bootstrap.keyring(settings))


def _close(stores: FirmStores) -> None:
    stores.close()
    close_shared_pools()
