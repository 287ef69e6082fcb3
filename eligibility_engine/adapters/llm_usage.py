"""What LLM calls cost: tokens of every attempt (failed ones and repairs too), priced per model."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from shared.metrics import record_llm_usage


@lru_cache(maxsize=1)
def price_table() -> dict:
    with open(Path(__file__).with_name("llm_pricing.yaml")) as handle:
        return yaml.safe_load(handle)


def cost_usd(model: str, tokens: dict, batch: bool = False) -> float:
    """Price one call's tokens: input, output, cache reads and cache writes."""
    table = price_table()
    price = table["models"].get(model, table["models"]["default"])
    discount = table["batch_discount"] if batch else 1.0
    dollars = (tokens["input_tokens"] * price["input"] * discount
               + tokens["output_tokens"] * price["output"] * discount
               + tokens["cache_read_tokens"] * price["cache_read"]
               + tokens["cache_write_tokens"] * price["cache_write"])
    return round(dollars / 1_000_000, 6)


def tokens_of(usage) -> dict:
    """Read a Messages API usage object (or None, for an attempt that got no answer)."""
    return {"input_tokens": getattr(usage, "input_tokens", 0) or 0,
            "output_tokens": getattr(usage, "output_tokens", 0) or 0,
            "cache_read_tokens": getattr(usage, "cache_read_input_tokens", 0) or 0,
            "cache_write_tokens": getattr(usage, "cache_creation_input_tokens", 0) or 0}


@dataclass
class UsageLedger:
    """Every call made for one analysis, each with its request id, outcome, tokens and cost."""

    model: str
    calls: list[dict] = field(default_factory=list)

    def record(self, outcome: str, usage, request_id: str | None, seconds: float,
               batch: bool = False) -> None:
        tokens = tokens_of(usage)
        cost = cost_usd(self.model, tokens, batch)
        self.calls.append({"outcome": outcome, "request_id": request_id, **tokens,
                           "cost_usd": cost, "seconds": round(seconds, 3)})
        record_llm_usage(self.model, tokens["input_tokens"], tokens["output_tokens"], cost,
                         tokens["cache_read_tokens"], tokens["cache_write_tokens"])

    def summary(self) -> dict:
        totals = {k: sum(c[k] for c in self.calls) for k in (
            "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")}
        return {"model": self.model, "calls": len(self.calls), **totals,
                "cost_usd": round(sum(c["cost_usd"] for c in self.calls), 6),
                "request_ids": [c["request_id"] for c in self.calls if c["request_id"]],
                "attempts": self.calls, "prices_as_of": price_table()["as_of"]}
