"""`python -m benchmarks`: measure, then write the figures as JSON and as a markdown report."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from benchmarks.report import markdown
from benchmarks.run import SIZES, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="medium")
    parser.add_argument("--json", type=Path, default=Path("test-artifacts/benchmarks.json"))
    parser.add_argument("--markdown", type=Path, default=Path("docs/BENCHMARKS.md"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="visa-bench-") as workdir:
        report = run(args.size, Path(workdir), log=lambda m: print(f"[bench] {m}", flush=True),
                     partial=args.json.with_suffix(".partial.json"))
    outputs = ((args.json, json.dumps(report, indent=2)), (args.markdown, markdown(report)))
    for path, text in outputs:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    print(f"wrote {args.json} and {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
