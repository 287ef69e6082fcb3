"""The LLM's answer is kept grounded and below the law: verdicts never move."""

import time
from datetime import date

import pytest
from marshmallow import ValidationError

from catalogue.loader import load_catalogue
from eligibility_engine.adapters.anthropic_analyst import _wait_within
from eligibility_engine.domain.evaluation import evaluate_profile
from eligibility_engine.domain.guardrails import bounded_analysis, is_quoted, fact_index
from eligibility_engine.domain.scoring import SCORE_BANDS, rescore, verdict_for_score
from eligibility_engine.domain.llm_analysis import (
    MAX_SCORE_MOVE,
    criterion_ids,
    output_schema,
    validate_analysis,
)
from tests.engine_support.profiles import RESEARCHER
from tests.fakes.fake_messages_api import refusal_of

SHOWN = {"citations_count": 1200, "original_contributions": ["a widely adopted training method"]}


def rules_result(facts: dict = RESEARCHER) -> dict:
    return evaluate_profile(facts, load_catalogue(), today=date(2026, 11, 27))


def by_type(result: dict, code: str) -> dict:
    return next(t for t in result["types"] if t["visa_type"] == code)


def claim(ids: list[str], quotes: list[str] = ("citations_count: 1200",)) -> dict:
    return {"text": "t", "criterion_ids": ids, "profile_quotes": list(quotes)}


def answer(code: str, move: int = 0, ids: tuple = ("judging",), **parts) -> dict:
    return {"visa_type": code, "summary": claim(list(ids)), "criterion_opinions": [],
            "strengths": [claim(list(ids))], "weaknesses": [], "rfe_risks": [],
            "suggested_evidence": [], "score_adjustment": move, **parts}


def bounded(result: dict, *answers: dict) -> dict:
    return bounded_analysis(result, {"analyses": list(answers)}, SHOWN)


def test_a_type_whose_hard_gate_failed_keeps_its_score_and_verdict():
    result = rules_result()
    tn = next(r for r in result["recommendations"] if r["visa_type"] == "TN")

    analysis = bounded(result, answer("TN", MAX_SCORE_MOVE, ids=("tn_profession",)))

    assert tn["verdict"] == "not_eligible"
    assert by_type(analysis, "TN")["score"]["applied_move"] == 0
    assert by_type(analysis, "TN")["verdict"] == "not_eligible"


def test_a_score_move_never_crosses_the_verdicts_boundary():
    result = rules_result()
    rec = next(r for r in result["recommendations"] if r["verdict"] in ("strong", "viable"))
    top = SCORE_BANDS[rec["verdict"]][1]
    rescore(rec, top - 2)  # two points below the next verdict's line

    cited = ((rec["criteria"] or rec["gates"])[0]["id"],)
    moved = by_type(bounded(result, answer(rec["visa_type"], MAX_SCORE_MOVE, ids=cited)),
                    rec["visa_type"])

    assert moved["score"]["rules"] == top - 2 and moved["score"]["applied_move"] == 2
    assert moved["score"]["with_analysis"] == top
    assert verdict_for_score(moved["score"]["with_analysis"]) == rec["verdict"] == moved["verdict"]


def test_an_allowed_move_recomputes_the_probability_at_the_moved_score():
    result = rules_result()
    o1 = next(r for r in result["recommendations"] if r["visa_type"] == "O-1A")

    moved = by_type(bounded(result, answer("O-1A", -3, ids=("judging",))), "O-1A")

    assert moved["score"]["with_analysis"] == o1["eligibility_score"] - 3
    assert moved["success_probability"]["rules"] == o1["success_probability"]
    assert moved["success_probability"]["with_analysis"] < o1["success_probability"]
    assert o1["eligibility_score"] == moved["score"]["rules"]  # the rules' figures stay


def test_claims_that_cite_another_types_criteria_or_quote_unseen_facts_are_dropped():
    result = rules_result()
    invented = claim(["tn_profession"], ["Nobel laureate"])
    unquoted = claim(["judging"], ["Nobel laureate"])

    analysis = bounded(result, answer("O-1A", strengths=[invented, unquoted, claim(["judging"])]))

    o1 = by_type(analysis, "O-1A")
    assert o1["strengths"] == [claim(["judging"])]
    assert analysis["dropped_claims"] == 2


def test_an_analysis_with_no_grounded_claim_moves_no_score():
    result = rules_result()
    nothing = {"text": "great", "criterion_ids": ["tn_profession"], "profile_quotes": []}

    analysis = bounded(result, answer("O-1A", 4, summary=nothing, strengths=[]))

    assert by_type(analysis, "O-1A")["score"]["applied_move"] == 0


def test_an_analysis_of_a_type_the_check_does_not_have_is_ignored():
    result = rules_result()
    result["recommendations"] = [r for r in result["recommendations"] if r["visa_type"] != "E-2"]

    analysis = bounded(result, answer("E-2"))

    assert analysis["types"] == []
    assert "not a type of this check" in analysis["guardrail_notes"][0]


def test_a_quote_is_a_string_value_or_a_field_and_value_the_model_was_shown():
    facts = fact_index(SHOWN)

    assert is_quoted("citations_count: 1200", facts)
    assert is_quoted("widely adopted", facts)
    assert not is_quoted("citations_count: 9000", facts)


def test_the_answer_schema_uses_enums_and_no_bounds_structured_outputs_refuse():
    schema = output_schema(load_catalogue())

    per_type = schema["properties"]["analyses"]["items"]["properties"]
    assert per_type["score_adjustment"]["enum"] == list(range(-MAX_SCORE_MOVE, MAX_SCORE_MOVE + 1))
    assert "judging" in criterion_ids(load_catalogue())
    assert refusal_of({"model": "claude-sonnet-5-5", "messages": [{"role": "user"}],
                       "output_config": {"format": {"type": "json_schema",
                                                    "schema": schema}}}) is None


def test_a_score_adjustment_outside_the_bound_fails_validation():
    with pytest.raises(ValidationError) as error:
        validate_analysis({"analyses": [answer("O-1A", 60)]})

    assert "score_adjustment" in error.value.messages["analyses"][0]


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

    assert _wait_within(time.monotonic() + 30)(State()) == 1.5
