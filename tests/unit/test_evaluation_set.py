import shutil
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


EXTERNAL_KINDS = {"aao_decision": ("In re: ", "Matter of ", "AAO "),
                  "adopted_decision": ("Matter of ",), "precedent": ("Matter of ",),
                  "court": ("Kazarian v. USCIS",), "approved_case": ("AAO ",),
                  "policy_manual": ("USCIS Policy Manual",),
                  "agency_guidance": ("USCIS, ", "U.S. Department of State")}


def test_external_cases_cite_their_decisions_and_are_scored_per_criterion(report):
    external = [c for c in load_cases(EVAL_DIR) if c.get("source", {}).get("kind",
                                                                           "regulation")
                != "regulation"]

    assert report["external_cases"] == len(external) >= 60
    assert all(c["source"]["citation"].startswith(EXTERNAL_KINDS[c["source"]["kind"]])
               for c in external)
    assert report["per_criterion"]["awards (EB-1A)"]["labelled"] >= 5
    assert all(r["agreement"] >= 0.75 for r in report["per_criterion"].values())


def test_external_labels_reach_every_type_and_agree_with_the_engine(report):
    external = report["agreement_by_origin"]["external"]

    assert all(external[code]["calls"] >= 1 for code in external)
    assert external["ALL"]["agreement"] >= 0.97
    assert external["ALL"]["fp"] == 0


def test_no_type_is_recommended_with_a_hard_gate_not_met(report):
    assert report["hard_gate_false_positives"] == []


def test_visa_eval_prints_precision_and_recall_per_type(capsys, tmp_path):
    # One file is enough to check the printout; the fixture measures the whole set.
    shutil.copy(EVAL_DIR / "aao_niw.json", tmp_path)

    exit_code = main(["eval", str(tmp_path)])

    printed = capsys.readouterr().out
    assert exit_code == 0
    assert "precision" in printed and "EB-2 NIW" in printed
    assert "hard-gate false positives" in printed and "agreement per type" in printed


def test_visa_eval_on_an_empty_directory_is_a_clear_error(tmp_path, capsys):
    exit_code = main(["eval", str(tmp_path)])

    assert exit_code == 1
    assert "no labelled profiles" in capsys.readouterr().err
