"""`visa firm create` and three `visa attorney create`, run in one process for test fixtures.

The same CLI commands a user runs, through cli.main.main, but one interpreter start instead of
four: on a loaded machine each start costs seconds, and every product the suite starts creates
two firms. Prints {"id": firm id} or exits 1 with the refused command's stderr.

    python -m tests.support.firm_setup NAME PASSWORD ADMIN_EMAIL ATTORNEY_EMAIL VIEWER_EMAIL
"""

from __future__ import annotations

import contextlib
import io
import json
import sys

from cli.main import main as visa


def run(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = visa(argv)
    if status != 0:
        sys.exit(f"visa {' '.join(argv[:2])} exited with {status}")
    return out.getvalue()


def create(name: str, password: str, emails: dict[str, str]) -> str:
    firm_id = json.loads(run(["firm", "create", name]))["id"]
    for role, email in emails.items():
        run(["attorney", "create", "--firm", firm_id, "--email", email, "--password", password,
             "--role", role])
    return firm_id


if __name__ == "__main__":
    name, password, admin, attorney, viewer = sys.argv[1:]
    print(json.dumps({"id": create(name, password, {"admin": admin, "attorney": attorney,
                                                    "viewer": viewer})}))
