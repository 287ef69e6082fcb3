from pathlib import Path

import pytest

from cli.main import main
from catalogue.loader import load_catalogue
from eligibility_engine.evaluation_report import evaluate_directory, load_cases

EVAL_DIR = Path(__file__).resolve().parent.parent / "data" / "eval"


@pytest.fixture(scope="module")
def report():
    return evaluate_directory(EVAL_DIR)


def test_the_labelled_set_has_at_least_sixty_profiles_covering_every_type():
    cases = load_cases(EVAL_DIR)

    labelled = {load_catalogue().visa_type(code)["code"] for c in cases for code in c["viable"]}

    assert len(cases) >= 60
    assert labelled == {t["code"] for t in load_catalogue().types}
    assert all(c["why"] for c in cases)


def test_every_type_keeps_precision_and_recall_above_the_floors(report):
    for code, rates in report["per_type"].items():
        assert rates["precision"] >= 0.8, (code, rates)
        assert rates["recall"] >= 0.75, (code, rates)


def test_overall_precision_and_recall_stay_high(report):
    assert report["micro"]["precision"] >= 0.9
    assert report["micro"]["recall"] >= 0.9
    assert report["agreement"] >= 0.97


def test_no_profile_in_the_eval_sets_has_a_coherence_violation(report):
    assert report["coherence_violations"] == []


def test_external_cases_cite_their_decisions_and_are_scored_per_criterion(report):
    external = [c for c in load_cases(EVAL_DIR) if (c.get("source") or {}).get("kind")
                in ("aao_decision", "approved_case")]

    assert report["external_cases"] == len(external) >= 16
    assert all(c["source"]["citation"].startswith(("In re: ", "Matter of ", "AAO "))
               for c in external)
    assert report["per_criterion"]["awards (EB-1A)"]["labelled"] >= 5
    assert all(r["agreement"] >= 0.75 for r in report["per_criterion"].values())


def test_visa_eval_prints_precision_and_recall_per_type(capsys):
    exit_code = main(["eval", str(EVAL_DIR)])

    printed = capsys.readouterr().out
    assert exit_code == 0
    assert "precision" in printed and "EB-2 NIW" in printed


def test_visa_eval_on_an_empty_directory_is_a_clear_error(tmp_path, capsys):
    exit_code = main(["eval", str(tmp_path)])

    assert exit_code == 1
    assert "no labelled profiles" in capsys.readouterr().err
