"""`visa firm create` and `visa attorney create`: set up who works in the product."""

from __future__ import annotations

import functools
import json
import sys

from command_service import bootstrap as command_root
from command_service.adapters.directory import DirectoryError
from shared.config import Settings, load_settings

OPERATOR = {"actor_id": "operator", "actor_kind": "operator"}


def refusals_exit_1(command):
    """Print a refused directory request as an error and exit 1."""
    @functools.wraps(command)
    def run(args) -> int:
        try:
            return command(args)
        except DirectoryError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return run


@refusals_exit_1
def create_firm(args) -> int:
    print(json.dumps(_directory().create_firm(args.name, OPERATOR)))
    return 0


@refusals_exit_1
def create_attorney(args) -> int:
    attorney = _directory().create_attorney(args.firm, args.email, args.password, args.role,
                                            OPERATOR)
    print(json.dumps(attorney))
    return 0


def _directory():
    settings = load_settings()
    migrate_embedded(settings)
    return command_root.directory(settings)


def migrate_embedded(settings: Settings) -> None:
    """Create the embedded default's tables, which has no deployment step to do it.

    A distributed deployment runs `visa migrate` once per rollout instead, so there these
    commands load only the command side, not every service's migrations.
    """
    if not settings.uses_postgres:
        from cli.bootstrap import migrate

        migrate(settings)
