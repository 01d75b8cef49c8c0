"""Estimated cost: a price table of model -> USD per million input and output tokens."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .config import ENV_PRICES
from .errors import ConfigError

# Public list prices (USD per million tokens: input, output) at the time of writing; override
# them with --prices FILE or SUMMARIZER_PRICES (a JSON object of the same shape).
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-nano": (0.10, 0.40),
}


def load(path: Path | None = None) -> dict[str, tuple[float, float]]:
    """The default table updated from ``path`` (or $SUMMARIZER_PRICES)."""
    table = dict(DEFAULT_PRICES)
    raw = path or (Path(p) if (p := os.environ.get(ENV_PRICES, "").strip()) else None)
    if raw is None:
        return table
    try:
        data = json.loads(raw.read_text(encoding="utf-8"))
        table.update({str(k): (float(v[0]), float(v[1])) for k, v in data.items()})
    except (OSError, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise ConfigError(
            f"price table {raw} is unusable ({type(exc).__name__})",
            hint='write JSON like {"my-model": [0.5, 1.5]} (USD per million in, out)',
        ) from None
    return table


def cost(
    table: dict[str, tuple[float, float]], model: str, prompt: int, completion: int, *, local: bool
) -> float | None:
    """USD for the tokens, 0 for the embedded model, None when the model has no price."""
    if local:
        return 0.0
    price = table.get(model)
    if price is None:
        return None
    return round((prompt * price[0] + completion * price[1]) / 1_000_000, 6)
