"""The chaos ledger's arithmetic: what counts as delivered, duplicated and lost."""

from __future__ import annotations

import json

from benchmarks.stats import percentiles, ratio
from chaos.accounting import Tally, _differences, _parsed


def test_a_tally_passes_only_when_every_accepted_command_was_delivered_once():
    clean = Tally("s", sent=5, accepted=4, delivered=4)
    duplicated = Tally("s", sent=5, accepted=4, delivered=4, duplicated=1)
    lost = Tally("s", sent=5, accepted=4, delivered=3, lost=1)

    assert clean.passed and "PASS" in clean.summary()
    assert not duplicated.passed and not lost.passed and "FAIL" in lost.summary()


def test_a_live_row_that_differs_from_the_replay_counts_as_extra_and_missing():
    fresh = [{"client_id": "a", "version": 2}, {"client_id": "b", "version": 1}]
    live = [{"client_id": "a", "version": 3}, {"client_id": "b", "version": 1},
            {"client_id": "b", "version": 1}]

    assert _differences(live, fresh) == {"extra": 2, "missing": 1, "rows": 2}
    assert _differences(fresh, fresh) == {"extra": 0, "missing": 0, "rows": 2}


def test_json_columns_are_compared_as_values_not_as_text():
    live = _parsed({"client_id": "a", "profile": json.dumps({"b": 1, "a": 2})})
    fresh = _parsed({"client_id": "a", "profile": json.dumps({"a": 2, "b": 1})})

    assert _differences([live], [fresh])["extra"] == 0


def test_percentiles_and_ratios_summarise_samples():
    summary = percentiles([float(n) for n in range(1, 101)])

    assert (summary["p50_ms"], summary["p95_ms"], summary["p99_ms"]) == (51.0, 96.0, 100.0)
    assert percentiles([])["p50_ms"] is None
    assert ratio(3.0, 1.5) == 2.0 and ratio(None, 1.0) is None
