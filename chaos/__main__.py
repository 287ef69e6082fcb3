"""`python -m chaos`: run the fault scenarios, print the counts, fail on any loss or duplicate."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from chaos.scenarios import FULL, SMALL, run_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__)
    parser.add_argument("--size", choices=("small", "full"), default="full")
    parser.add_argument("--postgres-restart", action="store_true",
                        help="also restart the machine's PostgreSQL (disrupts its other users)")
    parser.add_argument("--output", type=Path, default=Path("test-artifacts/chaos.json"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="visa-chaos-") as workdir:
        tallies = run_all(Path(workdir), FULL if args.size == "full" else SMALL,
                          args.postgres_restart)
    print()
    for tally in tallies:
        print(tally.summary())
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps([t.as_dict() for t in tallies], indent=2))
    return 0 if all(t.passed for t in tallies) else 1


if __name__ == "__main__":
    sys.exit(main())
