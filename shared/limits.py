"""Fixed-window counters kept in the database, shared by every worker of every service.

They back the per-attorney eligibility-check limit, the per-firm request budget
and the sign-in throttle.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

from shared.sql import Database, apply_schema

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS rate_counters (
        bucket TEXT NOT NULL,
        window_start BIGINT NOT NULL,
        hits INTEGER NOT NULL,
        PRIMARY KEY (bucket, window_start))""",
]


@dataclass(frozen=True)
class Quota:
    limit: int
    window_seconds: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    hits: int
    retry_after: int


class RateCounters:
    """Count hits per bucket per window; the count lives in one row per window."""

    def __init__(self, db: Database, clock=time.time, table: str = "rate_counters"):
        self._db = db
        self._clock = clock
        self._table = table

    def migrate(self) -> None:
        apply_schema(self._db, [statement.replace("rate_counters", self._table)
                                for statement in SCHEMA])

    def hit(self, bucket: str, quota: Quota) -> Verdict:
        """Record one hit; say whether it is within the quota and when the window resets.

        One round trip that does not wait for its WAL flush: a crash may forget the last
        few hits of a window, which only a limit's exactness depends on, never a record.
        """
        return self.hit_beside(bucket, quota, [])[0]

    def hit_beside(self, bucket: str, quota: Quota,
                   reads: Sequence[tuple[str, Sequence]]) -> tuple[Verdict, list[list[dict]]]:
        """Record one hit and run reads of the same database in its round trip; return both."""
        now = int(self._clock())
        start = now - now % quota.window_seconds
        counted, _, *read = self._db.script([
            (f"INSERT INTO {self._table} (bucket, window_start, hits) VALUES (?, ?, 1)"
             " ON CONFLICT (bucket, window_start) DO UPDATE"
             f" SET hits = {self._table}.hits + 1 RETURNING hits", (bucket, start)),
            (f"DELETE FROM {self._table} WHERE bucket = ? AND window_start < ?",
             (bucket, start)), *reads], write=True, wait_for_flush=False)
        hits = counted[0]["hits"]
        return Verdict(hits <= quota.limit, hits, start + quota.window_seconds - now), read

    def refund(self, bucket: str, quota: Quota) -> None:
        """Take back one hit of the current window (an attempt that turned out not to count)."""
        now = int(self._clock())
        start = now - now % quota.window_seconds
        with self._db.transaction() as tx:
            tx.execute(f"UPDATE {self._table} SET hits = hits - 1 WHERE bucket = ?"
                       " AND window_start = ? AND hits > 0", (bucket, start))

    def reset(self, bucket: str) -> None:
        with self._db.transaction() as tx:
            tx.execute(f"DELETE FROM {self._table} WHERE bucket = ?", (bucket,))
