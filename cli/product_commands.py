"""Commands over the whole product: serve, migrate, offline checks, demo data, retention."""

from __future__ import annotations

import json
import sys
import threading
from datetime import UTC, datetime

from marshmallow import ValidationError
from werkzeug.serving import WSGIRequestHandler

from catalogue.loader import load_catalogue
from cli import bootstrap
from cli.directory_commands import migrate_embedded, refusals_exit_1
from cli.progress import progress_bar
from cli.shutdown import on_shutdown_signal
from command_service import bootstrap as command_root
from command_service.adapters.directory import DirectoryError
from eligibility_engine.domain.evaluation import evaluate_profile
from shared.config import load_settings
from shared.profile_schema import load_profile

def serve(args) -> int:
    from werkzeug.serving import make_server

    product = bootstrap.EmbeddedProduct(load_settings())
    welcome = None
    if product.is_first_run():
        with progress_bar("Creating the demo firm's clients", bootstrap.DEMO_CLIENTS) as advance:
            welcome = product.welcome_first_run(advance)
    if welcome:
        print(welcome, flush=True)
    product.start()
    server = make_server(args.host, args.port, product.wsgi, threaded=True,
                         request_handler=PathOnlyRequestHandler)
    print(f"Visa eligibility service on http://{args.host}:{args.port} "
          f"(data in {product.settings.data_dir}); Ctrl-C stops it.", flush=True)
    on_shutdown_signal(lambda: threading.Thread(target=server.shutdown).start())
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


def check(args) -> int:
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


def migrate(args) -> int:
    settings = load_settings()
    for migration in bootstrap.migrate(settings):
        print(f"applied {migration.component} v{migration.version}: {migration.description}")
    try:
        firms = bootstrap.prepare_event_stores(settings)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"schema up to date; event stores ready for {firms} firms")
    return 0


@refusals_exit_1
def demo_seed(args) -> int:
    from demo.seed import demo_password, seed_demo

    settings = load_settings()
    if args.password is not None and len(args.password) < 8:
        raise DirectoryError("a password needs at least 8 characters")
    # With the keyring, like the services: a seeded client gets a data key, so later edits of
    # its identifiers can be sealed (without one, such a PATCH failed with a 500).
    migrate_embedded(settings)
    stores = command_root.case_files(settings)
    try:
        with progress_bar("Seeding demo clients", args.firms * args.clients) as advance:
            summary = seed_demo(stores, bootstrap.directory(settings, stores), args.firms,
                                args.clients, args.password or demo_password(), args.seed,
                                progress=advance)
    finally:
        stores.close()
    print(json.dumps(summary, indent=2))
    return 0


def retention_run(args) -> int:
    settings = load_settings()
    report = bootstrap.retention_policy(settings).run(args.as_of or datetime.now(UTC),
                                                      args.firm)
    print(json.dumps({"archived": report.archived, "erased": report.erased}))
    return 0
