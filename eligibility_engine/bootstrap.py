"""The engine's composition root: the check handler, the analysis worker and their sweepers."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from catalogue.loader import load_catalogue
from eligibility_engine.adapters.analysis_store import KernelAnalysisStore
from eligibility_engine.adapters.check_leases import CheckLeases
from eligibility_engine.adapters.check_store import KernelCheckStore
from eligibility_engine.adapters.engine_memory import FirmEngineMemory, migrate_engine_memory
from eligibility_engine.adapters.llm_settings import LLMSettings, llm_settings
from eligibility_engine.analysis_worker import AnalysisWorker
from eligibility_engine.application.analyse_check import AnalyseCheck
from eligibility_engine.batch_analyses import BatchAnalyses
from eligibility_engine.check_handler import CheckHandler, SystemClock
from eligibility_engine.stuck_checks import StuckCheckSweeper
from event_store import FirmStores, open_keyring
from shared.config import ConfigurationError, Settings
from shared.migrations import Migration
from shared.positions import PositionTable
from shared.quarantine import Quarantine
from shared.sql import Database, database_for

ENGINE_POSITIONS = "engine_positions"
ENGINE_QUARANTINE = "engine_quarantine"


def engine_quarantine(db: Database) -> Quarantine:
    return Quarantine(db, "engine", ENGINE_QUARANTINE)
ANALYSIS_LEASES = "analysis_leases"


@dataclass
class Engine:
    """The eligibility engine's parts: the check handler, the analyses and their sweepers."""

    handler: CheckHandler
    sweeper: StuckCheckSweeper
    leases: CheckLeases
    db: Database
    analysis_sweeper: StuckCheckSweeper | None = None

    def run_sweepers(self, stop: threading.Event) -> None:
        """Sweep stuck checks and abandoned analyses until stop is set."""
        analyses = None
        if self.analysis_sweeper is not None:
            analyses = threading.Thread(target=self.analysis_sweeper.run, args=(stop,),
                                        name="stuck-analyses", daemon=True)
            analyses.start()
        self.sweeper.run(stop)
        if analyses is not None:
            analyses.join(10)


def engine(settings: Settings, stores: FirmStores | None = None,
           track_positions: bool = False, llm_env: dict | None = None) -> Engine:
    """The engine on the kernel's stores (it appends check conclusions only).

    With the keyring: the free text it judges is sealed, and so are its quotes of it."""
    stores = stores or FirmStores(settings, keyring=open_keyring(settings))
    llm = llm_settings(llm_env)
    db = database_for(settings, "engine", pool_size=min(16, llm.concurrency))
    leases = CheckLeases(db)
    positions = PositionTable(db, "engine", ENGINE_POSITIONS) if track_positions else None
    analyses = analysis_worker(llm, stores, db) if llm.enabled else None
    handler = CheckHandler(stores, positions, leases, memory_db=db, workers=llm.concurrency,
                           analyses=analyses, quarantine=engine_quarantine(db))
    sweeper = StuckCheckSweeper(leases, handler, settings.stuck_check_seconds,
                                settings.check_lease_seconds)
    if analyses is None:
        return Engine(handler, sweeper, leases, db)
    # An analysis may take its whole deadline: only after that is it stuck.
    analysis_sweeper = StuckCheckSweeper(
        CheckLeases(db, ANALYSIS_LEASES), analyses,
        max(settings.stuck_check_seconds, llm.deadline_seconds + 60),
        settings.check_lease_seconds)
    return Engine(handler, sweeper, leases, db, analysis_sweeper)


def analysis_worker(llm: LLMSettings, stores: FirmStores, db: Database) -> AnalysisWorker:
    """The LLM analysis of concluded checks, on a pool of its own."""
    # Imported here: the anthropic client costs seconds to import, and only an engine with
    # a key needs it (every other `visa` command and process starts without it).
    from eligibility_engine.adapters.anthropic_analyst import AnthropicAnalyst

    analyses = KernelAnalysisStore(stores)
    analyse = AnalyseCheck(analyses, KernelCheckStore(stores),
                           AnthropicAnalyst(llm, load_catalogue()),
                           lambda firm_id: FirmEngineMemory(db, firm_id), SystemClock(),
                           llm.deadline_seconds)
    return AnalysisWorker(analyse, analyses, CheckLeases(db, ANALYSIS_LEASES),
                          workers=llm.concurrency)


def batch_analyses(settings: Settings, stores: FirmStores | None = None,
                   llm_env: dict | None = None) -> BatchAnalyses:
    """The Message Batches path for re-run checks (`visa recheck --batch`)."""
    from eligibility_engine.adapters.anthropic_analyst import AnthropicAnalyst

    llm = llm_settings(llm_env)
    if not llm.enabled:
        raise ConfigurationError("ANTHROPIC_API_KEY is not set: there is no LLM to batch")
    stores = stores or FirmStores(settings, keyring=open_keyring(settings))
    db = database_for(settings, "engine")
    analyst, checks = AnthropicAnalyst(llm, load_catalogue()), KernelCheckStore(stores)
    analyse = AnalyseCheck(KernelAnalysisStore(stores), checks, analyst,
                           lambda firm_id: FirmEngineMemory(db, firm_id), SystemClock(),
                           llm.deadline_seconds)
    return BatchAnalyses(analyse, checks, analyst)


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
        Migration("engine", 5, "analysis leases: one paid LLM analysis per check",
                  lambda db: CheckLeases(db, ANALYSIS_LEASES).migrate()),
    ])]


def _own_positions(positions: PositionTable) -> None:
    positions.migrate()
    positions.adopt()
