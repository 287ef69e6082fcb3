"""The `visa` command: run the product, its services, and operator tasks."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime

from marshmallow import ValidationError
from werkzeug.serving import WSGIRequestHandler

from cli import bootstrap, operator_commands
from cli.engine_commands import add_engine_commands
from command_service import bootstrap as command_root
from command_service.adapters.directory import DirectoryError
from catalogue.loader import load_catalogue
from eligibility_engine.domain.evaluation import evaluate_profile
from shared.config import ConfigurationError, load_settings, log_level
from shared.logs import configure_logging
from shared.profile_schema import load_profile
from shared.sql import database_for

log = logging.getLogger("visa")
OPERATOR = {"actor_id": "operator", "actor_kind": "operator"}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else argv
    try:
        configure_logging(args.command, log_level())
        return args.run(args) or 0
    except ConfigurationError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except DirectoryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="visa", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the whole product on the embedded default")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=_serve)

    firm = commands.add_parser("firm", help="manage firms").add_subparsers(dest="action", required=True)
    create_firm = firm.add_parser("create", help="create a firm and print it as JSON")
    create_firm.add_argument("name")
    create_firm.set_defaults(run=_create_firm)

    attorney = commands.add_parser("attorney", help="manage attorneys").add_subparsers(
        dest="action", required=True)
    create_attorney = attorney.add_parser("create", help="create an attorney and print it as JSON")
    create_attorney.add_argument("--firm", required=True)
    create_attorney.add_argument("--email", required=True)
    create_attorney.add_argument("--password", required=True)
    create_attorney.add_argument("--role", choices=("admin", "attorney", "viewer"),
                                 default="attorney")
    create_attorney.set_defaults(run=_create_attorney)

    check = commands.add_parser("check", help="evaluate a profile offline and print the result")
    check.add_argument("profile", help="a JSON file with the profile, or - for standard input")
    check.set_defaults(run=_check)

    for name, help_text, runner in (
        ("command-service", "run the command API (gunicorn)", _command_service),
        ("query-service", "run the query API (gunicorn)", _query_service),
    ):
        service = commands.add_parser(name, help=help_text)
        service.add_argument("--host", default="127.0.0.1")
        service.add_argument("--port", type=int, required=True)
        service.add_argument("--workers", type=int, default=2)
        service.set_defaults(run=runner)

    for name, help_text, runner in (
        ("relay", "publish stored events to Kafka (the outbox relay)", _relay),
        ("engine", "evaluate requested checks from Kafka", _engine),
        ("projector", "project events from Kafka into the read tables", _projector),
    ):
        worker = commands.add_parser(name, help=help_text)
        worker.add_argument("--health-host", help="address of /healthz, /readyz and /metrics "
                            "(default VISA_HEALTH_HOST or 127.0.0.1)")
        worker.add_argument("--health-port", type=int, help="port of /healthz, /readyz and "
                            "/metrics (default VISA_HEALTH_PORT or 9400)")
        worker.set_defaults(run=runner)

    commands.add_parser("migrate", help="create or update every table (safe to run twice)"
                        ).set_defaults(run=_migrate)

    demo = commands.add_parser("demo", help="demo data").add_subparsers(dest="action",
                                                                         required=True)
    seed = demo.add_parser("seed", help="create demo firms with client histories; print JSON")
    seed.add_argument("--firms", type=_positive, default=1)
    seed.add_argument("--clients", type=_positive, default=100, help="clients per firm")
    seed.add_argument("--seed", type=int, default=0, help="random seed (same seed, same data)")
    seed.add_argument("--password", help="the admins' password (default: generated)")
    seed.set_defaults(run=_demo_seed)
    retention = commands.add_parser("retention", help="apply the data retention policy"
                                    ).add_subparsers(dest="action", required=True)
    retention_run = retention.add_parser(
        "run", help="archive clients inactive for VISA_RETENTION_INACTIVE_DAYS, erase those "
                    "archived and untouched for VISA_RETENTION_GRACE_DAYS; print a JSON report")
    retention_run.add_argument("--as-of", type=_utc_datetime, default=None,
                               help="judge inactivity as of this ISO time (default: now)")
    retention_run.add_argument("--firm", default=None, help="apply to this firm only")
    retention_run.set_defaults(run=_retention_run)
    operator_commands.register(commands)
    add_engine_commands(commands)
    return parser


def _positive(raw: str) -> int:
    if not raw.isdigit() or int(raw) <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {raw!r}")
    return int(raw)


def _serve(args) -> int:
    from werkzeug.serving import make_server

    product = bootstrap.EmbeddedProduct(load_settings())
    welcome = product.welcome_first_run()
    if welcome:
        print(welcome, flush=True)
    product.start()
    server = make_server(args.host, args.port, product.wsgi, threaded=True,
                         request_handler=PathOnlyRequestHandler)
    print(f"Visa eligibility service on http://{args.host}:{args.port} "
          f"(data in {product.settings.data_dir}); Ctrl-C stops it.", flush=True)
    _on_shutdown_signal(lambda: threading.Thread(target=server.shutdown).start())
    try:
        server.serve_forever()
    finally:
        product.close()
        print("Stopped.", flush=True)
    return 0


class PathOnlyRequestHandler(WSGIRequestHandler):
    """Log requests without their query strings, which can hold a client's name (search)."""

    def log_request(self, code="-", size="-") -> None:
        path = (getattr(self, "path", None) or "").split("?", 1)[0]
        self.log("info", '"%s %s %s" %s %s', getattr(self, "command", "-"), path,
                 getattr(self, "request_version", "-"), getattr(code, "value", code), size)


def _create_firm(args) -> int:
    print(json.dumps(_directory().create_firm(args.name, OPERATOR)))
    return 0


def _create_attorney(args) -> int:
    attorney = _directory().create_attorney(args.firm, args.email, args.password, args.role,
                                            OPERATOR)
    print(json.dumps(attorney))
    return 0


def _directory():
    settings = load_settings()
    _migrate_embedded(settings)
    return bootstrap.directory(settings)


def _migrate_embedded(settings) -> None:
    # The embedded default has no deployment step: its first command creates its tables.
    # A distributed deployment runs `visa migrate` once per rollout instead.
    if not settings.uses_postgres:
        bootstrap.migrate(settings)


def _check(args) -> int:
    try:
        raw = sys.stdin.read() if args.profile == "-" else open(args.profile).read()
        profile = load_profile(json.loads(raw))
    except OSError as exc:
        print(f"error: cannot read {args.profile}: {exc.strerror}", file=sys.stderr)
        return 1
    except json.JSONDecodeError as exc:
        print(f"error: {args.profile} is not valid JSON: {exc}", file=sys.stderr)
        return 1
    except ValidationError as exc:
        print(json.dumps({"error": "validation_error", "details": exc.messages}, indent=2),
              file=sys.stderr)
        return 1
    print(json.dumps(evaluate_profile(profile, load_catalogue()), indent=2))
    return 0


def _command_service(args) -> int:
    return _web_service(args, "command-service", bootstrap.command_app)


def _query_service(args) -> int:
    return _web_service(args, "query-service", bootstrap.query_app)


def _web_service(args, service: str, build) -> int:
    from cli.gunicorn_app import run_gunicorn

    settings = load_settings()
    _ensure_multiprocess_metrics(service, args.argv)
    return run_gunicorn(lambda: build(settings), service, args.host, args.port, args.workers)


def _ensure_multiprocess_metrics(service: str, argv: list[str]) -> None:
    # prometheus-client picks its storage when first imported, so a process
    # started without PROMETHEUS_MULTIPROC_DIR restarts itself with one.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix=f"visa-{service}-metrics-")
    os.execv(sys.executable, [sys.executable, "-m", "cli.main", *argv])


def _relay(args) -> int:
    from shared.kafka import KafkaEventPublisher, ensure_topic

    settings = _distributed_settings()
    ensure_topic(settings.kafka_bootstrap_servers, settings.kafka_topic)
    publisher = KafkaEventPublisher(settings.kafka_bootstrap_servers, settings.kafka_topic)
    from command_service.adapters.outbox_relay import PostgresWakeups

    wakeups = PostgresWakeups(settings.database_url)
    relay = bootstrap.outbox_relay(settings, publisher)
    db = database_for(settings, "directory", pool_size=1)
    readiness, broker = bootstrap.worker_readiness(settings, db)
    stop = _stop_on_signal()
    try:
        with _ops_server(args, settings, lambda: time.monotonic() - relay.last_pass_at < 60,
                         readiness):
            relay.run(stop, wakeups)
    finally:
        wakeups.close()
        publisher.close()
        _close(broker, db)
    return 0


def _engine(args) -> int:
    from shared.kafka import KafkaConsumerLoop

    settings = _consumer_settings()
    engine = bootstrap.engine(settings)
    loop = KafkaConsumerLoop(settings.kafka_bootstrap_servers, settings.kafka_topic,
                             engine.handler, max_poll_interval_ms=settings.kafka_max_poll_interval_ms)
    stop = _stop_on_signal()
    sweeper = threading.Thread(target=engine.run_sweepers, name="stuck-checks", args=(stop,))
    sweeper.start()
    try:
        _run_consumer(args, settings, loop, engine.db, stop)
    finally:
        stop.set()
        sweeper.join(30)
    return 0


def _projector(args) -> int:
    from shared.kafka import KafkaConsumerLoop

    settings = _consumer_settings()
    projector = bootstrap.projector(settings)
    loop = KafkaConsumerLoop(settings.kafka_bootstrap_servers, settings.kafka_topic, projector,
                             max_poll_interval_ms=settings.kafka_max_poll_interval_ms)
    db = database_for(settings, "read_model", pool_size=1)
    _run_consumer(args, settings, loop, db, _stop_on_signal())
    return 0


def _consumer_settings():
    from shared.kafka import ensure_topic

    settings = _distributed_settings()
    ensure_topic(settings.kafka_bootstrap_servers, settings.kafka_topic)
    return settings


def _run_consumer(args, settings, loop, db, stop: threading.Event) -> None:
    readiness, broker = bootstrap.worker_readiness(settings, db, loop.group_id)
    try:
        with _ops_server(args, settings, loop.is_alive, readiness):
            loop.run(stop)
    finally:
        _close(broker, db)


@contextmanager
def _ops_server(args, settings, alive, readiness):
    from shared.ops_server import OpsServer, ops_app

    host = args.health_host or settings.health_host
    port = settings.health_port if args.health_port is None else args.health_port
    try:
        server = OpsServer(host, port, ops_app(alive, readiness)).start()
    except OSError as exc:
        raise ConfigurationError(f"cannot serve health and metrics on {host}:{port} "
                                 f"({exc.strerror}); set --health-port or VISA_HEALTH_PORT"
                                 ) from None
    log.info("%s started; health and metrics on http://%s:%s", args.command, host, server.port)
    try:
        yield server
    finally:
        server.close()
        log.info("%s stopped", args.command)


def _close(broker, db) -> None:
    from event_store import close_shared_pools

    broker.close()
    db.close()
    close_shared_pools()


def _migrate(args) -> int:
    settings = load_settings()
    for migration in bootstrap.migrate(settings):
        print(f"applied {migration.component} v{migration.version}: {migration.description}")
    firms = bootstrap.prepare_event_stores(settings)
    print(f"schema up to date; event stores ready for {firms} firms")
    return 0


def _demo_seed(args) -> int:
    from demo.seed import demo_password, seed_demo

    settings = load_settings()
    if args.password is not None and len(args.password) < 8:
        raise DirectoryError("a password needs at least 8 characters")
    # With the keyring, like the services: a seeded client gets a data key, so later edits of
    # its identifiers can be sealed (without one, such a PATCH failed with a 500).
    _migrate_embedded(settings)
    stores = command_root.case_files(settings)
    try:
        summary = seed_demo(stores, bootstrap.directory(settings, stores), args.firms, args.clients,
                            args.password or demo_password(), args.seed)
    finally:
        stores.close()
    print(json.dumps(summary, indent=2))
    return 0


def _retention_run(args) -> int:
    settings = load_settings()
    report = bootstrap.retention_policy(settings).run(args.as_of or datetime.now(UTC),
                                                      args.firm)
    print(json.dumps({"archived": report.archived, "erased": report.erased}))
    return 0


def _utc_datetime(raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {raw!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _distributed_settings():
    settings = load_settings()
    if not settings.uses_kafka or not settings.uses_postgres:
        raise ConfigurationError("this process needs VISA_DATABASE_URL and "
                                 "VISA_KAFKA_BOOTSTRAP_SERVERS (the distributed deployment)")
    return settings


def _stop_on_signal() -> threading.Event:
    stop = threading.Event()
    _on_shutdown_signal(stop.set)
    return stop


def _on_shutdown_signal(callback) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: callback())


if __name__ == "__main__":
    sys.exit(main())
