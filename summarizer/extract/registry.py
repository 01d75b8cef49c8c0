"""The extraction strategies by name: where a new one is registered."""

from __future__ import annotations

from summarizer.extract import scored, single
from summarizer.extract.strategy import Strategy

STRATEGIES: dict[str, Strategy] = {s.name: s for s in (scored.STRATEGY, single.STRATEGY)}


def strategy(name: str) -> Strategy:
    """The strategy called ``name`` (config.resolve has refused any other name)."""
    return STRATEGIES[name]
