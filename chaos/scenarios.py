"""The fault scenarios: each injects one kind of fault while commands arrive, then counts.

Every scenario works in a firm of its own, waits until every accepted command has
reached the store and the read tables (or a generous bound passes), and returns a
Tally that fails on any loss or duplicate.
"""

from __future__ import annotations

import random
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from chaos.accounting import Ledger, Tally
from chaos.deployment import Deployment
from chaos.llm_storm import llm_storm, storm_env, storm_fake
from chaos.workload import CHECKS, MIXED, Workload
from tests.support.databases import fresh_database

SETTLE_SECONDS = 120


@dataclass(frozen=True)
class Size:
    commands: int
    kills: int
    pause: float


SMALL = Size(commands=24, kills=2, pause=0.05)
FULL = Size(commands=300, kills=8, pause=0.02)


def engine_killed_mid_check(deployment: Deployment, size: Size) -> Tally:
    """SIGKILL the engine repeatedly while checks are requested: each concludes exactly once."""
    tally = Tally("engine SIGKILLed mid-check")
    firm_id, api = deployment.create_firm("Chaos: engine kills")
    ledger = Ledger(deployment.env, firm_id)
    workloads = [Workload(api, seed=seed, mix=CHECKS) for seed in (1, 11)]
    # Two attorneys send until the last kill, so the engine always has work when killed.
    stop = threading.Event()
    senders = [w.run_in_background(size.commands * 4, size.pause * 4, stop) for w in workloads]
    left_processing = _kill_repeatedly(deployment, "engine", size, tally, senders[0],
                                       after_kill=ledger.processing_checks,
                                       when=ledger.processing_checks)
    stop.set()
    for sender in senders:
        sender.join()
    outcomes = workloads[0].outcomes.merged(workloads[1].outcomes)
    ledger.settle(tally, outcomes, SETTLE_SECONDS)
    tally.details["checks_left_processing_by_kills"] = left_processing
    tally.details["checks"] = len(outcomes.checks())
    ledger.close()
    return tally


def broker_down_while_commands_arrive(deployment: Deployment, size: Size) -> Tally:
    """Take the broker away twice while commands arrive: all accepted, all delivered after.

    First the broker hangs (SIGSTOP: connections open, nothing answers), then it dies
    (SIGKILL) and a new one starts on the same port. The test broker keeps its log in
    memory, so the new one starts empty and reuses offsets, which a durable Kafka never
    does; the consumers are restarted with it, as they would be against a replaced cluster.
    """
    tally = Tally("Kafka broker down while commands arrive")
    firm_id, api = deployment.create_firm("Chaos: broker down")
    ledger = Ledger(deployment.env, firm_id)
    workload = Workload(api, seed=2, mix=MIXED)
    workload.run(4)
    refused_while_down = 0
    for outage in ("hung", "killed"):
        ledger.settle(tally, workload.outcomes, SETTLE_SECONDS)
        accepted_before = len(workload.outcomes.accepted)
        _take_broker_down(deployment, outage)
        workload.run(size.commands, size.pause)
        accepted = len(workload.outcomes.accepted) - accepted_before
        tally.details[f"accepted_while_broker_{outage}"] = f"{accepted}/{size.commands}"
        refused_while_down += size.commands - accepted
        _bring_broker_back(deployment, outage)
        tally.did(f"broker {outage}: sent {size.commands} commands, {accepted} accepted; "
                  "brought the broker back")
    ledger.settle(tally, workload.outcomes, SETTLE_SECONDS)
    tally.lost += refused_while_down
    ledger.close()
    return tally


def _take_broker_down(deployment: Deployment, outage: str) -> None:
    if outage == "hung":
        deployment.freeze("broker")
    else:
        deployment.kill("broker")


def _bring_broker_back(deployment: Deployment, outage: str) -> None:
    if outage == "hung":
        deployment.thaw("broker")
        return
    deployment.start_broker()
    for consumer in ("engine", "projector"):
        deployment.restart(consumer)


def projector_killed_mid_batch(deployment: Deployment, size: Size, replay_url: str) -> Tally:
    """SIGKILL the projector repeatedly under load: read tables equal a fresh replay after."""
    tally = Tally("projector SIGKILLed mid-batch")
    firm_id, api = deployment.create_firm("Chaos: projector kills")
    ledger = Ledger(deployment.env, firm_id)
    workload = Workload(api, seed=3, mix=MIXED)
    sender = workload.run_in_background(size.commands, size.pause)
    backlog = _kill_repeatedly(deployment, "projector", size, tally, sender,
                               after_kill=ledger.projector_backlog)
    sender.join()
    ledger.settle(tally, workload.outcomes, SETTLE_SECONDS)
    differences = ledger.replay_differences(replay_url)
    tally.did("replayed the firm's whole event store into an empty database and compared")
    tally.details["events_unprojected_at_kills"] = backlog
    tally.details["read_tables_vs_fresh_replay"] = differences
    tally.duplicated += sum(d["extra"] for d in differences.values())
    tally.lost += sum(d["missing"] for d in differences.values())
    ledger.close()
    return tally


def postgres_restarted_under_load(deployment: Deployment, size: Size) -> Tally:
    """Restart the machine's PostgreSQL mid-stream: services recover, no accepted command lost."""
    tally = Tally("PostgreSQL restarted under load")
    firm_id, api = deployment.create_firm("Chaos: PostgreSQL restart")
    ledger = Ledger(deployment.env, firm_id)
    workload = Workload(api, seed=4, mix=MIXED)
    sender = workload.run_in_background(size.commands, max(size.pause, 0.05))
    _wait_for(lambda: len(workload.outcomes.accepted) >= size.commands // 4, 60)
    restart_postgres()
    accepted_at_restart = len(workload.outcomes.accepted)
    tally.did(f"restarted PostgreSQL after {accepted_at_restart} accepted commands")
    sender.join()
    tally.details["accepted_after_restart"] = len(workload.outcomes.accepted) - accepted_at_restart
    ledger.settle(tally, workload.outcomes, SETTLE_SECONDS)
    if tally.details["accepted_after_restart"] == 0:
        tally.lost += 1
        tally.did("no command was accepted after the restart: the services did not recover")
    ledger.close()
    return tally


def restart_postgres() -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
                   check=True, timeout=120)


def _kill_repeatedly(deployment: Deployment, name: str, size: Size, tally: Tally, sender,
                     after_kill=None, when=None) -> int:
    """Kill and restart a process `size.kills` times while the sender runs.

    With `when`, each kill waits (a few seconds at most) for the moment it names,
    such as the engine holding a started check, so the kill lands mid-work.
    """
    chance, noticed = random.Random(len(name)), 0
    for number in range(size.kills):
        time.sleep(chance.uniform(0.4, 1.2))
        if not sender.is_alive() and number:
            break
        if when is not None:
            _wait_for(when, 5, interval=0.005)
        deployment.kill(name)
        noticed += after_kill() if after_kill else 0
        deployment.start_process(name)
        tally.did(f"SIGKILLed and restarted the {name} (kill {number + 1})")
        if when is not None:
            # Let the new process pick up what the dead one left before the next kill.
            _wait_for(lambda: not when(), 30, interval=0.05)
    return noticed


def _wait_for(condition, timeout: float, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(interval)


def run_all(workdir: Path, size: Size, with_postgres_restart: bool) -> list[Tally]:
    """Start a fresh deployment and run every scenario against it, in turn."""
    with fresh_database() as database_url, fresh_database("visa_replay") as replay_url:
        deployment = Deployment(workdir, database_url).start()
        try:
            tallies = [engine_killed_mid_check(deployment, size),
                       projector_killed_mid_batch(deployment, size, replay_url),
                       broker_down_while_commands_arrive(deployment, size)]
            if with_postgres_restart:
                tallies.append(postgres_restarted_under_load(deployment, size))
        finally:
            deployment.stop()
    with fresh_database() as database_url:
        tallies.append(llm_storm_on_own_deployment(workdir / "llm-storm", database_url, size))
    return tallies


def llm_storm_on_own_deployment(workdir: Path, database_url: str, size: Size,
                                service_workers: int = 2) -> Tally:
    """Start a deployment whose engine talks to a storming fake LLM, and run the storm."""
    workdir.mkdir(parents=True, exist_ok=True)
    fake = storm_fake()
    deployment = Deployment(workdir, database_url, extra_env=storm_env(fake),
                            service_workers=service_workers)
    try:
        deployment.start()
        return llm_storm(deployment, fake, size.commands)
    finally:
        deployment.stop()
        fake.stop()
