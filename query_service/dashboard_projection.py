"""The per-firm dashboard: counters kept up to date by each event.

Counters are additive, so each event adds or moves one unit; the projector's
position check makes sure no event is ever counted twice.
"""

from __future__ import annotations

from query_service.adapters.read_tables import ReadTables
from contracts import EventEnvelope
from shared.sql import Transaction

CLIENTS_BY_STATUS = "clients_by_status"
CHECKS_BY_STATUS = "checks_by_status"
CHECKS_PER_DAY = "checks_per_day"
TOP_RECOMMENDATION = "top_recommendation"
SCORE_BY_TYPE = "score_by_type"


class DashboardProjection:
    """Clients by status, checks by status and per day, top types, average score by type."""

    def __init__(self, tables: ReadTables):
        self.t = tables

    def client_profile_created(self, tx: Transaction, e: EventEnvelope) -> None:
        self._add(tx, e.firm_id, CLIENTS_BY_STATUS, "active")

    def client_profile_archived(self, tx: Transaction, e: EventEnvelope) -> None:
        self._add(tx, e.firm_id, CLIENTS_BY_STATUS, "active", -1)
        self._add(tx, e.firm_id, CLIENTS_BY_STATUS, "archived")

    def check_requested(self, tx: Transaction, e: EventEnvelope) -> None:
        self._add(tx, e.firm_id, CHECKS_BY_STATUS, "pending")
        self._add(tx, e.firm_id, CHECKS_PER_DAY, e.occurred_at[:10])

    def check_started(self, tx: Transaction, e: EventEnvelope) -> None:
        self._move_check(tx, e, "processing")

    def recommendations_produced(self, tx: Transaction, e: EventEnvelope) -> None:
        self._move_check(tx, e, "completed")
        recommendations = e.data["result"]["recommendations"]
        if recommendations:
            self._add(tx, e.firm_id, TOP_RECOMMENDATION, recommendations[0]["visa_type"])
        for rec in recommendations:
            self._add(tx, e.firm_id, SCORE_BY_TYPE, rec["visa_type"], 1,
                      rec["eligibility_score"])

    def check_failed(self, tx: Transaction, e: EventEnvelope) -> None:
        self._move_check(tx, e, "failed")

    def _move_check(self, tx: Transaction, e: EventEnvelope, status: str) -> None:
        row = tx.fetch_one(f"SELECT status FROM {self.t.checks} WHERE firm_id = ? AND check_id = ?",
                           (e.firm_id, e.aggregate_id))
        if row and row["status"] != status:
            self._add(tx, e.firm_id, CHECKS_BY_STATUS, row["status"], -1)
            self._add(tx, e.firm_id, CHECKS_BY_STATUS, status)

    def _add(self, tx: Transaction, firm_id: str, metric: str, bucket: str, count: int = 1,
             total: float = 0) -> None:
        tx.execute(
            f"INSERT INTO {self.t.dashboard_counters} (firm_id, metric, bucket, count, total)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (firm_id, metric, bucket) DO UPDATE SET"
            f" count = {self.t.dashboard_counters}.count + excluded.count,"
            f" total = {self.t.dashboard_counters}.total + excluded.total",
            (firm_id, metric, bucket, count, total))


def dashboard_from_counters(rows: list[dict]) -> dict:
    """Shape the counter rows of one firm into the dashboard document."""
    by_metric: dict[str, dict[str, dict]] = {}
    for row in rows:
        by_metric.setdefault(row["metric"], {})[row["bucket"]] = row

    def count(metric: str) -> dict[str, int]:
        return {k: int(r["count"]) for k, r in by_metric.get(metric, {}).items()}

    checks = {"pending": 0, "processing": 0, "completed": 0, "failed": 0, **count(CHECKS_BY_STATUS)}
    top = sorted(count(TOP_RECOMMENDATION).items(), key=lambda kv: (-kv[1], kv[0]))
    scores = by_metric.get(SCORE_BY_TYPE, {})
    return {
        "clients_by_status": {"active": 0, "archived": 0, **count(CLIENTS_BY_STATUS)},
        "checks_by_status": checks,
        "pending_checks": checks["pending"] + checks["processing"],
        "failed_checks": checks["failed"],
        "checks_per_day": [{"day": day, "count": n}
                           for day, n in sorted(count(CHECKS_PER_DAY).items())],
        "top_recommended_types": [{"visa_type": t, "count": n} for t, n in top],
        "average_score_by_type": {
            t: round(float(r["total"]) / int(r["count"]), 1)
            for t, r in sorted(scores.items()) if int(r["count"])},
    }
