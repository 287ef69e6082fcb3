"""`visa firm create` and `visa attorney create`: set up who works in the product."""

from __future__ import annotations

import functools
import json
import sys

from command_service import bootstrap as command_root
from command_service.adapters.directory import DirectoryError
from shared.config import Settings, load_settings
from shared.password_policy import WeakPasswordError

OPERATOR = {"actor_id": "operator", "actor_kind": "operator"}


def refusals_exit_1(command):
    """Print a refused directory request as an error and exit 1."""
    @functools.wraps(command)
    def run(args) -> int:
        try:
            return command(args)
        except (DirectoryError, WeakPasswordError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return run


@refusals_exit_1
def create_firm(args) -> int:
    print(json.dumps(_directory().create_firm(args.name, OPERATOR)))
    return 0


@refusals_exit_1
def create_attorney(args) -> int:
    """Create an attorney; without --password, print the invite link's path to hand over."""
    settings = _settings()
    directory = command_root.directory(settings)
    attorney = directory.create_attorney(args.firm, args.email, args.password, args.role,
                                         OPERATOR)
    if args.password is None:
        link = command_root.password_links(settings, directory).issue(args.firm, attorney["id"],
                                                                      "invite")
        attorney |= {"invite_path": f"/set-password#token={link.token}",
                     "invite_expires_at": link.expires_at}
    print(json.dumps(attorney))
    return 0


def _directory():
    return command_root.directory(_settings())


def _settings() -> Settings:
    settings = load_settings()
    migrate_embedded(settings)
    return settings


def migrate_embedded(settings: Settings) -> None:
    """Create the embedded default's tables, which has no deployment step to do it.

    A distributed deployment runs `visa migrate` once per rollout instead, so there these
    commands load only the command side, not every service's migrations.
    """
    if not settings.uses_postgres:
        from cli.bootstrap import migrate

        migrate(settings)
