"""Measure a check's time to `completed` and to analysis-ready with the fake Messages API
answering after N seconds (default 30), on the embedded product; print one request body and
the prompt-cache share of the second call.

    .venv/bin/python scripts/measure_llm_analysis.py [--answer-seconds 30]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.engine_support.product import sign_in, start_product  # noqa: E402
from tests.engine_support.profiles import RESEARCHER  # noqa: E402
from tests.fakes.fake_messages_api import FakeMessagesAPI  # noqa: E402

CLIENT = {**RESEARCHER, "first_name": "Zanele", "last_name": "Mokoena",
          "email": "zanele.mokoena@example.test", "phone": "+1 415 555 0199",
          "date_of_birth": "1988-04-12",
          "media_coverage": [{"outlet": "Wired", "about_client": True,
                              "title": "Zanele Mokoena (zanele.mokoena@example.test) rethinks AI"}],
          "original_contributions": ["Mokoena's loss function, adopted by 40 labs; she lives "
                                     "at 12 Elm Street, Springfield"]}


def timed_check(attorney, client_id: str) -> tuple[float, float, dict]:
    started = time.monotonic()
    check_id = attorney.request_check(client_id)
    attorney.wait_for_check(check_id, timeout=60)
    completed = time.monotonic() - started
    while True:
        check = attorney.get(f"/v1/eligibility-checks/{check_id}").json
        if check["analysis"]["status"] != "pending":
            return completed, time.monotonic() - started, check
        time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answer-seconds", type=float, default=30.0)
    args = parser.parse_args()
    fake = FakeMessagesAPI(default="slow", slow_seconds=args.answer_seconds,
                           ping_seconds=5).start()
    env = {"ANTHROPIC_API_KEY": "measure", "ANTHROPIC_BASE_URL": fake.base_url}
    with tempfile.TemporaryDirectory() as data_dir:
        product = start_product(Path(data_dir), llm_env=env)
        try:
            attorney = sign_in(product)
            first = timed_check(attorney, attorney.create_client(CLIENT))
            second = timed_check(attorney, attorney.create_client({**CLIENT, "h_index": 18}))
        finally:
            product.close()
            fake.stop()
    body = fake.requests[0]
    text = json.dumps(body)
    usage = second[2]["analysis"]["usage"]
    prompt = usage["input_tokens"] + usage["cache_read_tokens"] + usage["cache_write_tokens"]
    report = {
        "answer_seconds": args.answer_seconds,
        "first_check": {"seconds_to_completed": round(first[0], 3),
                        "seconds_to_analysis_ready": round(first[1], 3),
                        "analysis_status": first[2]["analysis"]["status"]},
        "second_check": {"seconds_to_completed": round(second[0], 3),
                         "seconds_to_analysis_ready": round(second[1], 3),
                         "usage": {k: usage[k] for k in ("input_tokens", "output_tokens",
                                                         "cache_read_tokens",
                                                         "cache_write_tokens", "cost_usd")},
                         "cached_share_of_prompt": round(usage["cache_read_tokens"] / prompt, 3)},
        "identifiers_in_request_body": [i for i in ("Zanele", "Mokoena", "zanele.mokoena",
                                                    "555 0199", "1988-04-12", "Elm Street")
                                        if i in text],
    }
    print(json.dumps(report, indent=2))
    print("\n--- request body of the first call (the cached catalogue block shortened) ---")
    shown = json.loads(text)
    shown["system"][-1]["text"] = shown["system"][-1]["text"][:300] + " [...]"
    shown["output_config"]["format"]["schema"] = "[the answer's JSON schema]"
    print(json.dumps(shown, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
