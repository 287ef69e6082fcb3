"""The deployment files agree with the code: they parse, set only variables the code reads,
run only real `visa` commands, probe real endpoints and chart real metrics."""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path

import pytest
import yaml
from gunicorn.config import Config

from cli.main import _parser
from shared import metrics
from tests.support.images import IMAGE_COMMANDS

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
PRODUCT_PACKAGES = ("contracts", "event_store", "catalogue", "shared", "cli", "command_service",
                    "query_service", "eligibility_engine")
# Our images: one per process, each a target of deploy/Dockerfile (test_service_images.py).
IMAGE_PREFIX = "visa-eligibility/"
# Set by FirmStores in each firm's application environment, never by an operator.
INTERNAL_VARIABLES = {"VISA_POOL_KEY"}
_READS = re.compile(r'(?:os\.environ|\benv)(?:\.get)?[(\[]"([A-Z][A-Z0-9_]+)"'
                    r'|_(?:positive_int|port)\(env, "([A-Z][A-Z0-9_]+)"')


def _yaml_documents(path: Path) -> list:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def _k8s_objects() -> list[dict]:
    return [doc for path in sorted((DEPLOY / "k8s").glob("*.yaml")) for doc in _yaml_documents(path)]


def _compose_services() -> dict:
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    return {name: s for name, s in services.items()
            if s.get("image", "").startswith(IMAGE_PREFIX)}


def _k8s_containers() -> list[dict]:
    containers = []
    for obj in _k8s_objects():
        if obj["kind"] in ("Deployment", "Job"):
            containers += obj["spec"]["template"]["spec"]["containers"]
    return containers


def variables_the_code_reads() -> set[str]:
    found = set()
    for package in PRODUCT_PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            for match in _READS.finditer(path.read_text()):
                found.add(match.group(1) or match.group(2))
    return found - INTERNAL_VARIABLES


def variables_the_deployment_sets() -> set[str]:
    found = set()
    for service in _compose_services().values():
        found |= set(service.get("environment") or {})
    for obj in _k8s_objects():
        if obj["kind"] == "ConfigMap":
            found |= set(obj["data"])
    found |= set(_yaml_documents(DEPLOY / "k8s" / "secret.example.yaml")[0]["stringData"])
    for container in _k8s_containers():
        found |= {e["name"] for e in container.get("env", [])}
    return found


def variables_in_the_readme_table() -> set[str]:
    readme = (REPO / "README.md").read_text()
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", readme, flags=re.MULTILINE))


def metric_names() -> set[str]:
    names = set()
    for value in vars(metrics).values():
        name = getattr(value, "_name", None)
        kind = getattr(value, "_type", None)
        if name and kind:
            names.add(name + ("_total" if kind == "counter" else ""))
            if kind == "histogram":
                names |= {f"{name}_bucket", f"{name}_count", f"{name}_sum"}
            else:
                names.add(name)
    return names


@pytest.mark.parametrize("path", sorted(p.relative_to(REPO) for p in DEPLOY.rglob("*.y*ml")),
                         ids=str)
def test_every_yaml_file_parses(path):
    assert _yaml_documents(REPO / path)


def test_the_grafana_dashboard_is_valid_json_with_panels():
    dashboard = json.loads((DEPLOY / "grafana" / "dashboards" / "visa-eligibility.json").read_text())

    assert dashboard["uid"] and len(dashboard["panels"]) >= 15


def test_every_variable_the_deployment_sets_is_read_by_the_code_and_vice_versa():
    assert variables_the_deployment_sets() == variables_the_code_reads()


def test_the_readme_table_documents_exactly_the_variables_the_code_reads():
    assert variables_in_the_readme_table() == variables_the_code_reads()


def _commands() -> list[list[str]]:
    commands = [service["command"] for service in _compose_services().values()]
    for container in _k8s_containers():
        assert container["command"] == ["visa"]
        commands.append(container["args"])
    return commands


@pytest.mark.parametrize("args", _commands(), ids=lambda a: " ".join(a))
def test_every_container_command_is_a_real_visa_command(args):
    parsed = _parser().parse_args(args)

    assert callable(parsed.run)


def test_the_images_run_the_visa_command():
    dockerfile = (DEPLOY / "Dockerfile").read_text()

    assert 'ENTRYPOINT ["visa"]' in dockerfile
    assert 'exec python -m cli.main "$@"' in dockerfile
    assert 'visa = "cli.main:main"' in (REPO / "pyproject.toml").read_text()


def _image_target(image: str) -> str:
    assert image.startswith(IMAGE_PREFIX), image
    return image.removeprefix(IMAGE_PREFIX).split(":")[0]


def _runs(target: str, args: list[str]) -> bool:
    return _parser().parse_args(args).run.command in IMAGE_COMMANDS[target]


@pytest.mark.parametrize("name", sorted(_compose_services()))
def test_each_compose_service_builds_and_runs_the_image_of_its_process(name):
    service = _compose_services()[name]
    target = _image_target(service["image"])

    assert service["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile",
                                "target": target}
    assert _runs(target, service["command"])


@pytest.mark.parametrize("container", _k8s_containers(), ids=lambda c: c["name"])
def test_each_kubernetes_container_runs_the_image_of_its_process(container):
    kustomized = {i["name"] for i in _yaml_documents(DEPLOY / "k8s" / "kustomization.yaml")[0]
                  ["images"]}
    target = _image_target(container["image"])

    assert _runs(target, container["args"])
    assert container["image"].split(":")[0] in kustomized


@pytest.mark.parametrize("deployment", [o for o in _k8s_objects() if o["kind"] == "Deployment"],
                         ids=lambda o: o["metadata"]["name"])
def test_every_deployment_has_probes_resources_and_a_disruption_budget(deployment):
    name = deployment["metadata"]["name"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    ports = {p["name"] for p in container["ports"]}
    budgets = [o for o in _k8s_objects() if o["kind"] == "PodDisruptionBudget"
               and o["spec"]["selector"]["matchLabels"] == {"app": name}]

    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["port"] in ports
    assert container["resources"]["requests"] and container["resources"]["limits"]["memory"]
    assert len(budgets) == 1


@pytest.mark.parametrize("consumer", ["engine", "projector"])
def test_each_consumer_scales_on_the_lag_of_its_own_consumer_group_and_topic(consumer):
    scaled = next(o for o in _k8s_objects() if o["kind"] == "ScaledObject"
                  and o["metadata"]["name"] == consumer)
    config = next(o for o in _k8s_objects() if o["kind"] == "ConfigMap")["data"]
    trigger = scaled["spec"]["triggers"][0]

    assert scaled["spec"]["scaleTargetRef"]["name"] == consumer
    assert trigger["type"] == "kafka"
    assert trigger["metadata"]["consumerGroup"] == f"visa-{consumer}"
    assert trigger["metadata"]["topic"] == config["VISA_KAFKA_TOPIC"]
    assert trigger["metadata"]["bootstrapServers"] == config["VISA_KAFKA_BOOTSTRAP_SERVERS"]
    # Never more pods than partitions: a pod beyond them would sit idle.
    assert scaled["spec"]["maxReplicaCount"] <= 12


def _expressions() -> list[str]:
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    exprs = [r["expr"] for g in rules["groups"] for r in g["rules"]]
    dashboard = json.loads((DEPLOY / "grafana" / "dashboards" / "visa-eligibility.json").read_text())
    return exprs + [t["expr"] for p in dashboard["panels"] for t in p["targets"]]


def test_alerts_and_dashboard_chart_only_metrics_the_code_defines():
    used = {name for expr in _expressions() for name in re.findall(r"\bvisa_[a-z_]+", expr)}

    assert used and used <= metric_names()


def test_every_metric_the_code_defines_is_on_the_dashboard():
    dashboard = (DEPLOY / "grafana" / "dashboards" / "visa-eligibility.json").read_text()
    families = {re.sub(r"_(bucket|count|sum)$", "", n) for n in metric_names()}

    assert {f for f in families if f not in dashboard} == set()


@pytest.mark.parametrize("alert, threshold", [
    ("LlmSuccessRateLow", "< 0.95"), ("LlmLatencyHigh", "> 120"),
    ("OutboxBacklogHigh", "> 100"), ("ConsumerBacklogHigh", "> 100"),
    ("CheckStuckInProcessing", "visa_checks_stuck"), ("ServerErrorRateHigh", "> 0.01"),
])
def test_the_alert_rules_carry_the_thresholds_of_the_issue(alert, threshold):
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    by_name = {r["alert"]: r for g in rules["groups"] for r in g["rules"]}

    assert threshold in by_name[alert]["expr"]


def test_the_gunicorn_config_file_sets_only_real_gunicorn_settings():
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    names = {k for k in settings if not k.startswith("__")}

    assert names <= set(Config().settings)
    assert {"graceful_timeout", "child_exit", "workers"} <= names
