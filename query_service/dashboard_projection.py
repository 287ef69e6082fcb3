"""The per-firm dashboard: counters kept up to date by each event.

Counters are additive, so each event adds or moves one unit; the projector's
position check makes sure no event is ever counted twice.
"""

from __future__ import annotations

from query_service.adapters.read_batch import ReadBatch
from contracts import EventEnvelope

CLIENTS_BY_STATUS = "clients_by_status"
CHECKS_BY_STATUS = "checks_by_status"
CHECKS_PER_DAY = "checks_per_day"
TOP_RECOMMENDATION = "top_recommendation"
SCORE_BY_TYPE = "score_by_type"


class DashboardProjection:
    """Clients by status, checks by status and per day, top types, average score by type."""

    def client_profile_created(self, b: ReadBatch, e: EventEnvelope) -> None:
        b.count(CLIENTS_BY_STATUS, "active")

    def client_profile_archived(self, b: ReadBatch, e: EventEnvelope) -> None:
        b.count(CLIENTS_BY_STATUS, "active", -1)
        b.count(CLIENTS_BY_STATUS, "archived")

    def check_requested(self, b: ReadBatch, e: EventEnvelope) -> None:
        b.count(CHECKS_BY_STATUS, "pending")
        b.count(CHECKS_PER_DAY, e.occurred_at[:10])

    def check_started(self, b: ReadBatch, e: EventEnvelope) -> None:
        self._move_check(b, e, "processing")

    def recommendations_produced(self, b: ReadBatch, e: EventEnvelope) -> None:
        self._move_check(b, e, "completed")
        recommendations = e.data["result"]["recommendations"]
        if recommendations:
            b.count(TOP_RECOMMENDATION, recommendations[0]["visa_type"])
        for rec in recommendations:
            b.count(SCORE_BY_TYPE, rec["visa_type"], 1, rec["eligibility_score"])

    def check_failed(self, b: ReadBatch, e: EventEnvelope) -> None:
        self._move_check(b, e, "failed")

    def _move_check(self, b: ReadBatch, e: EventEnvelope, status: str) -> None:
        row = b.checks.get(e.aggregate_id)
        if row and row["status"] != status:
            b.count(CHECKS_BY_STATUS, row["status"], -1)
            b.count(CHECKS_BY_STATUS, status)


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
