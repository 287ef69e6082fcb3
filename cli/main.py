"""The `visa` command: run the product, its services, and operator tasks.

Each command names the module that runs it, and only that module is imported: `visa relay`
loads the relay and nothing of the query service or the engine, so each service's image
carries only the packages its own process imports (deploy/Dockerfile).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from shared.config import ConfigurationError, log_format, log_level
from shared.logs import configure_logging
from shared.private_files import keep_files_private, restrict_data_dir

# Every command's runner, "module:function"; the function takes the parsed arguments.
RUNNERS = {
    "serve": "cli.product_commands:serve",
    "firm create": "cli.directory_commands:create_firm",
    "attorney create": "cli.directory_commands:create_attorney",
    "check": "cli.product_commands:check",
    "migrate": "cli.product_commands:migrate",
    "demo seed": "cli.product_commands:demo_seed",
    "retention run": "cli.product_commands:retention_run",
    "command-service": "cli.roles.command_api:run",
    "query-service": "cli.roles.query_api:run",
    "relay": "cli.roles.relay:run",
    "engine": "cli.roles.engine:run",
    "projector": "cli.roles.projector:run",
    "projections rebuild": "cli.operator_commands:rebuild",
    "projections status": "cli.operator_commands:status",
    "projections quarantine list": "cli.quarantine_commands:list_quarantined",
    "projections quarantine retry": "cli.quarantine_commands:retry",
    "projections quarantine skip": "cli.quarantine_commands:skip",
    "audit verify": "cli.operator_commands:verify",
    "audit export": "cli.operator_commands:export",
    "audit checkpoint": "cli.operator_commands:checkpoint",
    "bench query": "cli.operator_commands:bench_query",
    "catalogue publish": "cli.engine_commands:publish",
    "catalogue import-bulletin": "cli.engine_commands:import_bulletin",
    "catalogue import-processing": "cli.engine_commands:import_processing",
    "recheck": "cli.engine_commands:recheck",
    "eval": "cli.engine_commands:evaluate",
}
# The packages of this repository an installation may lack (each image carries its own).
PRODUCT_PACKAGES = ("contracts", "event_store", "catalogue", "shared", "webapp",
                    "command_service", "query_service", "eligibility_engine", "cli", "demo")


@dataclass(frozen=True)
class Runner:
    """A command's run function, imported only when that command runs."""

    command: str

    @property
    def module(self) -> str:
        return RUNNERS[self.command].partition(":")[0]

    def load(self):
        module, _, function = RUNNERS[self.command].partition(":")
        return getattr(importlib.import_module(module), function)

    def __call__(self, args) -> int | None:
        return self.load()(args)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else argv
    try:
        # The embedded default talks to a person at a console; every other process to a
        # log pipeline.
        console = args.command == "serve"
        configure_logging(args.command, log_level(default=None),
                          log_format(default="text" if console else "json"), quiet=console)
        _private_data()
        return args.run(args) or 0
    except ConfigurationError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as exc:
        package = (exc.name or "").split(".")[0]
        if package not in PRODUCT_PACKAGES:
            raise
        print(f"error: `visa {args.run.command}` needs the {package} package, which this "
              "installation does not carry (each service's image has only its own process)",
              file=sys.stderr)
        return 2


def _private_data() -> None:
    # Before any command opens a file: client data and keys are for this account only.
    keep_files_private()
    restrict_data_dir(Path(os.environ.get("VISA_DATA_DIR") or "./data").resolve())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="visa", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    _product_commands(commands)
    _service_commands(commands)
    _operator_commands(commands)
    _engine_commands(commands)
    return parser


def _command(commands, name: str, help_text: str, runner: str | None = None):
    command = commands.add_parser(name, help=help_text)
    command.set_defaults(run=Runner(runner or name))
    return command


def _group(commands, name: str, help_text: str):
    return commands.add_parser(name, help=help_text).add_subparsers(dest="action", required=True)


def _product_commands(commands) -> None:
    serve = _command(commands, "serve", "run the whole product on the embedded default")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)

    firm = _group(commands, "firm", "manage firms")
    _command(firm, "create", "create a firm and print it as JSON", "firm create").add_argument(
        "name")

    attorney = _group(commands, "attorney", "manage attorneys")
    create = _command(attorney, "create", "create an attorney and print it as JSON",
                      "attorney create")
    create.add_argument("--firm", required=True)
    create.add_argument("--email", required=True)
    create.add_argument("--password", help="set by the operator (the first admin); without it, "
                        "the output's invite_path is a one-time link to set it")
    create.add_argument("--role", choices=("admin", "attorney", "viewer"), default="attorney")

    _command(commands, "check", "evaluate a profile offline and print the result").add_argument(
        "profile", help="a JSON file with the profile, or - for standard input")
    _command(commands, "migrate", "create or update every table (safe to run twice)")

    seed = _command(_group(commands, "demo", "demo data"), "seed",
                    "create demo firms with client histories; print JSON", "demo seed")
    seed.add_argument("--firms", type=_positive, default=1)
    seed.add_argument("--clients", type=_positive, default=100, help="clients per firm")
    seed.add_argument("--seed", type=int, default=0, help="random seed (same seed, same data)")
    seed.add_argument("--password", help="the admins' password (default: generated)")

    retention = _command(
        _group(commands, "retention", "apply the data retention policy"), "run",
        "archive clients inactive for VISA_RETENTION_INACTIVE_DAYS, erase those archived and "
        "untouched for VISA_RETENTION_GRACE_DAYS; print a JSON report", "retention run")
    retention.add_argument("--as-of", type=_utc_datetime, default=None,
                           help="judge inactivity as of this ISO time (default: now)")
    retention.add_argument("--firm", default=None, help="apply to this firm only")


def _service_commands(commands) -> None:
    for name, help_text in (("command-service", "run the command API (gunicorn)"),
                            ("query-service", "run the query API (gunicorn)")):
        service = _command(commands, name, help_text)
        service.add_argument("--host", default="127.0.0.1")
        service.add_argument("--port", type=int, required=True)
        service.add_argument("--workers", type=int, default=2)
        service.add_argument("--threads", type=int, default=None,
                             help="request threads per worker (default: gunicorn_conf.threads)")

    for name, help_text in (("relay", "publish stored events to Kafka (the outbox relay)"),
                            ("engine", "evaluate requested checks from Kafka"),
                            ("projector", "project events from Kafka into the read tables")):
        worker = _command(commands, name, help_text)
        worker.add_argument("--health-host", help="address of /healthz, /readyz and /metrics "
                            "(default VISA_HEALTH_HOST or 127.0.0.1)")
        worker.add_argument("--health-port", type=int, help="port of /healthz, /readyz and "
                            "/metrics (default VISA_HEALTH_PORT or 9400)")


def _operator_commands(commands) -> None:
    projections = _group(commands, "projections", "rebuild or inspect the read tables")
    _command(projections, "rebuild", "rebuild every read table from the event stores, then "
             "swap them in without downtime", "projections rebuild")
    _command(projections, "status", "show the projector's position and lag per firm",
             "projections status").add_argument("--json", action="store_true",
                                                help="print JSON instead of a table")
    _quarantine_commands(projections)

    audit = _group(commands, "audit", "compliance checks")
    verify = _command(audit, "verify", "check each firm's hash chain and compare the read "
                      "tables with a fresh projection; exit 1 on any problem", "audit verify")
    verify.add_argument("--firm", help="verify one firm (default: every firm)")
    verify.add_argument("--checkpoints", help="an auditor's file of signed chain heads "
                        "(`visa audit checkpoint`): fail on history rewritten or truncated "
                        "since")
    verify.add_argument("--public-key", help="the Ed25519 public key (PEM) the checkpoints "
                        "must be signed with")
    checkpoint = _command(audit, "checkpoint", "sign every firm's chain head (Ed25519) and "
                          "append the checkpoints to a file an auditor keeps",
                          "audit checkpoint")
    checkpoint.add_argument("--signing-key", required=True,
                            help="Ed25519 private key (PEM); created, with <file>.pub, if absent")
    checkpoint.add_argument("--output", required=True, help="the checkpoint file to append to")
    export = _command(audit, "export", "print a firm's whole event history, identifiers "
                      "opened (an erased client's stay sealed), as JSON Lines", "audit export")
    export.add_argument("--firm", required=True)
    export.add_argument("--as-of", type=_utc_datetime, default=None,
                        help="only events that occurred at or before this ISO time")
    export.add_argument("--output", help="write to this file instead of standard output")

    query = _command(_group(commands, "bench", "benchmarks"), "query",
                     "measure rebuild rate and listing latency", "bench query")
    query.add_argument("--clients", type=int, default=50_000)
    query.add_argument("--samples", type=int, default=50)
    query.add_argument("--firm", help="time an existing firm instead of seeding a new one")


def _quarantine_commands(projections) -> None:
    quarantine = _group(projections, "quarantine",
                        "events the projector or the engine could not apply (dead letters)")
    listing = _command(quarantine, "list", "list the events set aside, with their errors",
                       "projections quarantine list")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.add_argument("--all", action="store_true", help="include skipped events")
    retry = _command(quarantine, "retry", "apply set-aside events again, in order; those that "
                     "now apply leave the quarantine", "projections quarantine retry")
    retry.add_argument("--position", type=int, help="only this position (needs --firm)")
    skip = _command(quarantine, "skip", "give up on one event for good (kept as skipped)",
                    "projections quarantine skip")
    skip.add_argument("--position", type=int, required=True)
    for command in (listing, retry, skip):
        command.add_argument("--firm", required=command is skip, help="one firm's events")
        command.add_argument("--consumer", choices=("projector", "engine"), default="projector")


def _engine_commands(commands) -> None:
    catalogue = _group(commands, "catalogue", "the visa catalogue")
    publish = _command(catalogue, "publish", "record the shipped catalogue version as in force "
                       "(CatalogueVersionPublished)", "catalogue publish")
    publish.add_argument("--by", default="operator", help="who publishes it")
    for name, help_text in (("import-bulletin", "load a month's visa bulletin from a CSV, bump "
                             "the catalogue version and publish it"),
                            ("import-processing", "load processing times per visa type from a "
                             "CSV, bump the catalogue version and publish it")):
        importer = _command(catalogue, name, help_text, f"catalogue {name}")
        importer.add_argument("file", help="the CSV (format: catalogue/data/README.md)")
        importer.add_argument("--by", default="operator", help="who publishes it")

    recheck = _command(commands, "recheck", "re-run checks of clients whose latest check used "
                       "an older catalogue version")
    recheck.add_argument("--firm", required=True)
    recheck.add_argument("--per-minute", type=int, default=30,
                         help="at most this many check requests per minute (default 30)")
    recheck.add_argument("--batch", action="store_true",
                         help="send the re-run checks' LLM analyses through the Message "
                         "Batches API (half price) and record them when the batch ends")
    recheck.add_argument("--batch-poll-seconds", type=float, default=30.0,
                         help="how often to ask whether the batch ended (default 30)")

    evaluation = _command(commands, "eval", "measure precision and recall per visa type over a "
                          "directory of labelled profiles")
    evaluation.add_argument("directory")
    evaluation.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluation.add_argument("--llm", action="store_true",
                            help="also ask the configured LLM (ANTHROPIC_API_KEY) to analyse "
                            "every case, and count the verdicts its analysis would change")


def _positive(raw: str) -> int:
    if not raw.isdigit() or int(raw) <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {raw!r}")
    return int(raw)


def _utc_datetime(raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {raw!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


if __name__ == "__main__":
    sys.exit(main())
