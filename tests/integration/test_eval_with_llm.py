"""`visa eval --llm` over the labelled profiles with a fake that tries to promote every type."""

import json

import pytest

from cli.main import main
from tests.fakes.fake_messages_api import FakeMessagesAPI


@pytest.fixture
def overreaching(monkeypatch):
    fake = FakeMessagesAPI(default="overreach").start()
    monkeypatch.setenv("ANTHROPIC_API_KEY", "eval-key")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
    yield fake
    fake.stop()


def test_an_overreaching_analysis_changes_no_verdict_over_the_labelled_profiles(overreaching,
                                                                              capsys):
    status = main(["eval", "tests/data/eval", "--llm", "--json"])

    report = json.loads(capsys.readouterr().out)
    assert status == 0
    assert report["analysed"] == report["cases"] == overreaching.request_count() >= 70
    assert report["score_moves"]["requested"] > 0
    assert report["verdict_changes"] == 0 and report["changes"] == []
    assert report["dropped_claims"] > 0


def test_eval_with_llm_says_what_is_missing_without_a_key(monkeypatch, capsys):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)

    assert main(["eval", "tests/data/eval", "--llm"]) == 2
    assert "ANTHROPIC_API_KEY" in capsys.readouterr().err
