"""`python -m chaos`: run the fault scenarios, print the counts, fail on any loss or duplicate."""

from __future__ import annotations

import argparse
import os
import json
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from chaos.accounting import Tally
from chaos.scenarios import FULL, SMALL, run_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__)
    parser.add_argument("--size", choices=("small", "full"), default="full")
    parser.add_argument("--postgres-restart", action="store_true",
                        help="also restart the machine's PostgreSQL (disrupts its other users)")
    parser.add_argument("--output", type=Path, default=Path("test-artifacts/chaos.json"))
    parser.add_argument("--markdown", type=Path, help="also write the counts as a markdown report")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="visa-chaos-") as workdir:
        tallies = run_all(Path(workdir), FULL if args.size == "full" else SMALL,
                          args.postgres_restart)
    print()
    for tally in tallies:
        print(tally.summary())
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps([t.as_dict() for t in tallies], indent=2))
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(markdown(tallies, args.size))
    return 0 if all(t.passed for t in tallies) else 1


def markdown(tallies: list[Tally], size: str) -> str:
    """Render the scenarios' counts and actions as the report kept in docs/."""
    lines = ["# Fault injection", "",
             f"Latest `make chaos` run ({datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, size "
             f"`{size}`, {os.cpu_count()} shared cores). A scenario fails on any loss or "
             "duplicate.",
             "", "| Scenario | Result | Sent | Accepted | Delivered | Duplicated | Lost |",
             "|---|---|---|---|---|---|---|"]
    lines += [f"| {t.scenario} | {'pass' if t.passed else '**FAIL**'} | {t.sent} | {t.accepted} "
              f"| {t.delivered} | {t.duplicated} | {t.lost} |" for t in tallies]
    for t in tallies:
        lines += ["", f"## {t.scenario}", "", *[f"- {a}" for a in t.actions],
                  f"- details: `{json.dumps(t.details)}`"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
