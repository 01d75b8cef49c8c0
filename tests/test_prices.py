"""The price table: defaults, overrides, and refusals of prices that are not prices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer import prices
from summarizer.errors import ConfigError


@pytest.mark.parametrize(
    "entry",
    [[-1, 2], [1, -0.5], ["1", 2], [True, 1], [1], [1, 2, 3], None, [1e309, 1], [1e308, 1]],
)
def test_a_table_with_negative_or_non_numeric_prices_is_refused(
    tmp_path: Path, entry: object
) -> None:
    table = tmp_path / "prices.json"
    table.write_text(json.dumps({"my-model": entry}).replace("Infinity", "1e309"))
    with pytest.raises(ConfigError, match="price table"):
        prices.load(table)


def test_a_valid_table_overrides_the_defaults(tmp_path: Path) -> None:
    table = tmp_path / "prices.json"
    table.write_text(json.dumps({"my-model": [0.5, 1.5], "gpt-4o": [0, 0]}))
    loaded = prices.load(table)
    assert loaded["my-model"] == (0.5, 1.5) and loaded["gpt-4o"] == (0.0, 0.0)
    assert prices.cost(loaded, "my-model", 1_000_000, 0, local=False) == 0.5


def test_a_price_table_that_is_no_plain_file_is_refused_without_reading_it(
    tmp_path: Path,
) -> None:
    table = tmp_path / "prices.json"
    table.symlink_to("/dev/zero")  # read whole, it never ends
    with pytest.raises(ConfigError, match="not a plain file"):
        prices.load(table)


def test_the_highest_price_taken_gives_a_finite_cost() -> None:
    table = {"m": (prices.MAX_PRICE, prices.MAX_PRICE)}
    assert prices.cost(table, "m", 10**9, 10**9, local=False) == 2e9
