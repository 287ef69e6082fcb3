from datetime import date

import pytest
from marshmallow import ValidationError

from eligibility_engine.adapters.anthropic_analyst import _wait_within
from catalogue.loader import load_catalogue
from eligibility_engine.domain.evaluation import evaluate_profile
from eligibility_engine.domain.guardrails import apply_analysis
from eligibility_engine.domain.llm_analysis import MAX_SCORE_MOVE, validate_analysis
from tests.engine_support.profiles import RESEARCHER


def rules_result() -> dict:
    return evaluate_profile(RESEARCHER, load_catalogue(), today=date(2026, 11, 27))


def by_type(result: dict, code: str) -> dict:
    return next(r for r in result["recommendations"] if r["visa_type"] == code)


def analysis_of(code: str, recommend: bool = True, move: int = 0) -> dict:
    return {"visa_type": code, "narrative": "n", "strengths": [], "weaknesses": [],
            "rfe_risks": [], "suggested_evidence": [], "recommend": recommend,
            "score_adjustment": move}


def test_the_model_cannot_recommend_a_type_whose_hard_gate_failed():
    result = apply_analysis(rules_result(), {"analyses": [analysis_of("TN", True, 10)]})

    tn = by_type(result, "TN")

    assert tn["verdict"] == "not_eligible"
    assert tn["llm_assessment"]["recommend"] is False
    assert tn["eligibility_score"] == tn["rules_score"]
    assert any("TN" in note for note in result["guardrail_notes"])


def test_the_model_cannot_invent_a_visa_type():
    result = apply_analysis(rules_result(), {"analyses": [analysis_of("EB-9 Moon")]})

    assert "EB-9 Moon" not in [r["visa_type"] for r in result["recommendations"]]
    assert "not a catalogue type" in result["guardrail_notes"][0]


@pytest.mark.parametrize("move", [-60, 60])
def test_a_score_moves_at_most_the_bound_from_the_rules_score(move):
    before = by_type(rules_result(), "EB-1B")["eligibility_score"]

    result = apply_analysis(rules_result(), {"analyses": [analysis_of("EB-1B", True, move)]})

    after = by_type(result, "EB-1B")
    assert abs(after["eligibility_score"] - before) <= MAX_SCORE_MOVE
    assert after["rules_score"] == before


def test_a_tool_input_without_a_narrative_is_rejected():
    with pytest.raises(ValidationError) as error:
        validate_analysis({"analyses": [{"visa_type": "O-1A", "recommend": True,
                                         "score_adjustment": 1}]})

    assert "narrative" in error.value.messages["analyses"][0]


def test_retry_wait_honours_the_vendors_retry_after_header():
    class Response:
        headers = {"retry-after": "1.5"}

    class Outcome:
        def exception(self):
            error = Exception("rate limited")
            error.response = Response()
            return error

    class State:
        outcome = Outcome()
        attempt_number = 1

    import time

    assert _wait_within(time.monotonic() + 30)(State()) == 1.5
