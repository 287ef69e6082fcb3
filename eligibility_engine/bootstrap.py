"""The engine's composition root: the check handler, its LLM step and the stuck-check sweeper."""

from __future__ import annotations

from dataclasses import dataclass

from eligibility_engine.adapters.anthropic_analyst import AnthropicAnalyst
from eligibility_engine.adapters.check_leases import CheckLeases
from eligibility_engine.adapters.engine_memory import migrate_engine_memory
from eligibility_engine.adapters.llm_settings import llm_settings
from eligibility_engine.check_handler import CheckHandler
from eligibility_engine.llm_step import LLMStep
from eligibility_engine.stuck_checks import StuckCheckSweeper
from event_store import FirmStores
from shared.config import Settings
from shared.migrations import Migration
from shared.positions import PositionTable
from shared.quarantine import Quarantine
from shared.sql import Database, database_for

ENGINE_POSITIONS = "engine_positions"
ENGINE_QUARANTINE = "engine_quarantine"


def engine_quarantine(db: Database) -> Quarantine:
    return Quarantine(db, "engine", ENGINE_QUARANTINE)


@dataclass
class Engine:
    """The eligibility engine's parts: the check handler and the stuck-check sweeper."""

    handler: CheckHandler
    sweeper: StuckCheckSweeper
    leases: CheckLeases
    db: Database


def engine(settings: Settings, stores: FirmStores | None = None,
           track_positions: bool = False, llm_env: dict | None = None) -> Engine:
    """The engine on the kernel's stores (it appends check conclusions only)."""
    stores = stores or FirmStores(settings)
    llm = llm_settings(llm_env)
    db = database_for(settings, "engine", pool_size=min(16, llm.concurrency))
    leases = CheckLeases(db)
    positions = PositionTable(db, "engine", ENGINE_POSITIONS) if track_positions else None
    analyst = AnthropicAnalyst(llm) if llm.enabled else None
    handler = CheckHandler(stores, positions, leases, memory_db=db, llm=LLMStep(analyst),
                           workers=llm.concurrency, deadline_seconds=llm.deadline_seconds,
                           quarantine=engine_quarantine(db))
    sweeper = StuckCheckSweeper(leases, handler, settings.stuck_check_seconds,
                                settings.check_lease_seconds)
    return Engine(handler, sweeper, leases, db)


def migrations(settings: Settings) -> list[tuple[Database, list[Migration]]]:
    return [(database_for(settings, "engine"), [
        Migration("engine", 1, "engine positions",
                  lambda db: PositionTable(db, "engine").migrate()),
        Migration("engine", 2, "check leases for stuck-check detection",
                  lambda db: CheckLeases(db).migrate()),
        Migration("engine", 3, "engine memory: case outcomes, stored analyses, checks",
                  migrate_engine_memory),
        Migration("engine", 4, "engine positions in the engine's own table",
                  lambda db: _own_positions(PositionTable(db, "engine", ENGINE_POSITIONS))),
        Migration("engine", 5, "dead letters: events the engine could not act on",
                  lambda db: engine_quarantine(db).migrate()),
    ])]


def _own_positions(positions: PositionTable) -> None:
    positions.migrate()
    positions.adopt()
