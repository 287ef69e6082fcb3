"""The images deploy/Dockerfile builds: one target per process, and the commands each runs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from cli.main import RUNNERS

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "deploy" / "Dockerfile"
# The commands each image runs; the operator's image is the toolbox for everything else.
IMAGE_COMMANDS = {
    "command-service": ["command-service"],
    "query-service": ["query-service"],
    "relay": ["relay"],
    "engine": ["engine"],
    "projector": ["projector"],
    "operator": list(RUNNERS),
}


@dataclass(frozen=True)
class Target:
    name: str
    packages: frozenset[str]
    cmd: tuple[str, ...]


def dockerfile_targets() -> dict[str, Target]:
    """Each build stage's copied packages (with its base stage's) and its command."""
    targets: dict[str, Target] = {}
    for block in DOCKERFILE.read_text().split("\nFROM ")[1:]:
        header, *lines = block.splitlines()
        base, _, name = header.partition(" AS ")
        parent = targets.get(base.strip(), Target("", frozenset(), ()))
        copied = {line.split()[1] for line in lines if line.startswith("COPY ")}
        commands = [json.loads(line[4:]) for line in lines if line.startswith("CMD ")]
        targets[name.strip()] = Target(name.strip(),
                                       parent.packages | {c for c in copied if _is_package(c)},
                                       tuple(commands[-1]) if commands else parent.cmd)
    return targets


def _is_package(path: str) -> bool:
    return (REPO / path / "__init__.py").exists()
