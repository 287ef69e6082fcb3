"""Pure pieces of the query side: search words, audit diffs and the dashboard document."""

from __future__ import annotations

from query_service.audit_projection import changes_of
from query_service.dashboard_projection import dashboard_from_counters
from query_service.projections import search_terms, search_text
import contracts
from contracts import EventEnvelope


def _envelope(event_type: str, data: dict) -> EventEnvelope:
    return EventEnvelope(event_type, "firm", 7, "aggregate", 2, "2026-01-02T03:04:05+00:00", data)


def test_search_text_holds_name_employers_and_field_as_lower_case_words_never_the_email():
    fields = {"first_name": "José", "last_name": "O'Neil", "email": "j.oneil@Lab.example",
              "current_employer": "Acme AI", "job_offer": {"employer": "Globex"},
              "field_of_study": "Machine learning", "notes": "private"}

    words = search_text(fields).split()

    assert words == ["josé", "o", "neil", "acme", "ai", "globex", "machine", "learning"]
    assert search_terms("  Acme-AI  ") == ["acme", "ai"]


def test_edits_are_audited_as_their_old_and_new_values():
    edited = _envelope(contracts.CLIENT_PROFILE_EDITED,
                       {"changes": {"h_index": {"old": 3, "new": 9}}})
    failed = _envelope(contracts.CHECK_FAILED, {"error_message": "boom", "retry_allowed": True})

    assert changes_of(edited) == {"h_index": {"old": 3, "new": 9}}
    assert changes_of(failed, {"status": "processing"}) == {
        "status": {"old": "processing", "new": "failed"},
        "error_message": {"old": None, "new": "boom"}}
    assert changes_of(_envelope("SomethingNew", {})) == {}


def test_the_dashboard_fills_missing_buckets_and_averages_scores():
    rows = [{"metric": "clients_by_status", "bucket": "active", "count": 3, "total": 0},
            {"metric": "checks_by_status", "bucket": "failed", "count": 1, "total": 0},
            {"metric": "checks_by_status", "bucket": "processing", "count": 2, "total": 0},
            {"metric": "checks_per_day", "bucket": "2026-01-02", "count": 2, "total": 0},
            {"metric": "checks_per_day", "bucket": "2026-01-01", "count": 1, "total": 0},
            {"metric": "top_recommendation", "bucket": "TN", "count": 1, "total": 0},
            {"metric": "top_recommendation", "bucket": "O-1A", "count": 4, "total": 0},
            {"metric": "score_by_type", "bucket": "O-1A", "count": 3, "total": 200.0}]

    dashboard = dashboard_from_counters(rows)

    assert dashboard["clients_by_status"] == {"active": 3, "archived": 0}
    assert dashboard["pending_checks"] == 2 and dashboard["failed_checks"] == 1
    assert [d["day"] for d in dashboard["checks_per_day"]] == ["2026-01-01", "2026-01-02"]
    assert [t["visa_type"] for t in dashboard["top_recommended_types"]] == ["O-1A", "TN"]
    assert dashboard["average_score_by_type"] == {"O-1A": 66.7}
