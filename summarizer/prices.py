"""Estimated cost: a price table of model -> USD per million input and output tokens."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from summarizer.errors import ConfigError
from summarizer.files import plain_file

# Public list prices (USD per million tokens: input, output) at the time of writing; override
# them with --prices FILE or SUMMARIZER_PRICES=FILE (a JSON object of the same shape).
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-nano": (0.10, 0.40),
}
# The highest price taken (USD per million tokens): any higher is a typo, and 1e308 would
# make every cost infinite, which JSON cannot hold.
MAX_PRICE = 1_000_000.0
# The largest price table read: a table of thousands of models is far smaller.
MAX_TABLE_BYTES = 1024 * 1024


def load(path: Path | None = None) -> dict[str, tuple[float, float]]:
    """The default table updated from the JSON file ``path``, if any (``config.resolve``
    finds it: --prices, else $SUMMARIZER_PRICES)."""
    table = dict(DEFAULT_PRICES)
    raw = path
    if raw is None:
        return table
    hint = 'write JSON like {"my-model": [0.5, 1.5]} (USD per million in, out)'
    try:
        if not plain_file(raw, MAX_TABLE_BYTES):  # /dev/zero, a FIFO
            raise ConfigError(
                f"price table {raw} is not a plain file of at most {MAX_TABLE_BYTES:,} bytes",
                hint=hint,
            )
        data = json.loads(raw.read_text(encoding="utf-8"))
        entries = {str(k): _pair(v) for k, v in data.items()}
    except (OSError, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise ConfigError(
            f"price table {raw} is unusable ({type(exc).__name__})", hint=hint
        ) from None
    for name, pair in entries.items():
        if not all(0 <= x <= MAX_PRICE for x in pair):  # NaN fails too
            raise ConfigError(
                f"price table {raw}: {name} has prices {list(pair)}; each must be a number "
                f"from 0 to {MAX_PRICE:,.0f}",
                hint=hint,
            )
    table.update(entries)
    return table


def _pair(value: Any) -> tuple[float, float]:
    # Strings, booleans and a third number are mistakes, not prices.
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError("not a pair")
    if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in value):
        raise TypeError("not numbers")
    return float(value[0]), float(value[1])


def or_default(table: dict[str, tuple[float, float]] | None) -> dict[str, tuple[float, float]]:
    """``table``, else the defaults (:func:`load`)."""
    return table if table is not None else load()


# The Batch API bills its requests at half the price of live ones (OpenAI's terms).
BATCH_DISCOUNT = 0.5


def cost(
    table: dict[str, tuple[float, float]],
    model: str,
    prompt: int,
    completion: int,
    *,
    local: bool,
    batch: bool = False,
) -> float | None:
    """USD for the tokens (at the Batch API's price for ``batch``), 0 for the embedded
    model, None when the model has no price."""
    if local:
        return 0.0
    price = table.get(model)
    if price is None:
        return None
    factor = BATCH_DISCOUNT if batch else 1.0
    return round((prompt * price[0] + completion * price[1]) * factor / 1_000_000, 6)
