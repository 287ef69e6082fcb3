"""Each process's image carries exactly the packages that process imports, and starts from them.

deploy/Dockerfile has one target per process. Without a Docker engine, the same proof two ways:
the import graph (every import, also those inside functions) names the packages a process
needs, which must be exactly the packages its target copies; and a Python that sees only those
packages (plus the installed dependencies) imports everything the process does.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig

import grimp
import pytest

from cli.main import PRODUCT_PACKAGES, Runner, _parser
from tests.support.images import IMAGE_COMMANDS, REPO, Target, dockerfile_targets

TARGETS = dockerfile_targets()
IMAGES = [t for t in TARGETS.values() if t.name in IMAGE_COMMANDS]


def entry_modules(image: Target) -> set[str]:
    """The `visa` command and the module that runs each of the image's commands."""
    return {"cli.main", *(Runner(command).module for command in IMAGE_COMMANDS[image.name])}


@pytest.fixture(scope="module")
def import_graph():
    return grimp.build_graph(*PRODUCT_PACKAGES)


def imported_modules(graph, image: Target) -> set[str]:
    modules = entry_modules(image)
    return modules.union(*(graph.find_upstream_modules(m) for m in modules))


def test_every_process_has_an_image_whose_command_runs_it():
    assert set(IMAGE_COMMANDS) <= set(TARGETS)
    for image in IMAGES:
        args = _parser().parse_args(list(image.cmd))

        assert args.run.command in IMAGE_COMMANDS[image.name], image.name


@pytest.mark.parametrize("image", IMAGES, ids=lambda t: t.name)
def test_each_image_copies_exactly_the_packages_its_process_imports(image, import_graph):
    needed = {m.split(".")[0] for m in imported_modules(import_graph, image)}

    assert image.packages - needed == set(), f"{image.name} carries packages it never imports"
    assert needed - image.packages == set(), f"{image.name} lacks packages its process imports"


def test_no_service_image_carries_another_service():
    services = {"command_service", "query_service", "eligibility_engine"}
    carried = {t.name: t.packages & services for t in IMAGES if t.name != "operator"}

    assert all(len(found) == 1 for found in carried.values()), carried


# Runs with only the image's packages and the installed dependencies on sys.path (-S skips
# the editable install's path hook): imports every module the process may import, then
# loads each command's runner as `visa` would.
ISOLATED_IMPORT = """
import importlib, json, sys
app, site_packages, modules, commands = json.loads(sys.argv[1])
sys.path[:0] = [app]
sys.path.append(site_packages)
for module in modules:
    importlib.import_module(module)
from cli.main import Runner
for command in commands:
    Runner(command).load()
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


@pytest.mark.parametrize("image", IMAGES, ids=lambda t: t.name)
def test_each_process_starts_from_its_image_packages_alone(image, import_graph, tmp_path):
    app = tmp_path / "app"
    for package in image.packages:
        shutil.copytree(REPO / package, app / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    modules = sorted(imported_modules(import_graph, image))
    argument = json.dumps([str(app), sysconfig.get_path("purelib"), modules,
                           IMAGE_COMMANDS[image.name]])

    done = subprocess.run([sys.executable, "-I", "-S", "-c", ISOLATED_IMPORT, argument],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)

    assert done.returncode == 0, done.stderr[-3000:]
    loaded = set(json.loads(done.stdout)) & set(PRODUCT_PACKAGES)
    assert loaded == set(image.packages)
