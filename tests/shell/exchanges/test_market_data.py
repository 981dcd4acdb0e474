"""Market data: the seeded random walk is reproducible and on the tick; CSV prices replay;
funding rates load exactly from a CSV history."""

from __future__ import annotations

import decimal
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from astratrade_core.testing import hostile_contexts
from astratrade_shell.exchanges import RandomWalk, load_csv_prices, load_funding_rates


def walk(seed: int) -> RandomWalk:
    return RandomWalk(seed=seed, start={"BTC": Decimal("30000"), "ETH": Decimal("2000")},
                      tick={"BTC": Decimal("0.1"), "ETH": Decimal("0.01")}, drift=Decimal("0.0001"),
                      volatility=Decimal("0.02"))


@given(st.integers(0, 2**32))
def test_a_seed_fixes_the_path_and_prices_stay_on_the_tick(seed: int) -> None:
    first, second = walk(seed), walk(seed)
    for _ in range(20):
        a, b = first.advance(), second.advance()
        assert a == b
        assert a["BTC"] % Decimal("0.1") == 0 and a["ETH"] % Decimal("0.01") == 0
        assert a["BTC"] > 0 and a["ETH"] > 0


def test_different_seeds_give_different_paths() -> None:
    assert [walk(1).advance() for _ in range(3)] != [walk(2).advance() for _ in range(3)]


def test_csv_prices_replay_in_steps_and_hold_the_last_price(tmp_path: Path) -> None:
    path = tmp_path / "prices.csv"
    path.write_text("step,symbol,price\n1,BTC,100\n1,ETH,10\n2,BTC,101\n")
    prices = load_csv_prices(path).unwrap()
    assert prices.symbols() == ("BTC", "ETH")
    assert prices.advance() == {"BTC": Decimal("100"), "ETH": Decimal("10")}
    assert prices.advance() == {"BTC": Decimal("101"), "ETH": Decimal("10")}
    assert prices.advance() == {"BTC": Decimal("101"), "ETH": Decimal("10")}


def test_a_bad_csv_row_is_named(tmp_path: Path) -> None:
    path = tmp_path / "prices.csv"
    path.write_text("step,symbol,price\n1,BTC,100\n2,BTC,-5\n")
    assert load_csv_prices(path).failure().fields["line"] == "3"
    assert load_csv_prices(tmp_path / "none.csv").failure().code == "prices.unreadable"


@settings(max_examples=25)
@given(hostile_contexts(), st.integers(0, 2**32))
def test_the_walk_ignores_the_callers_decimal_context(context: decimal.Context,
                                                      seed: int) -> None:
    expected = [walk(seed).advance() for _ in range(5)]
    with decimal.localcontext(context):
        assert [walk(seed).advance() for _ in range(5)] == expected


def test_funding_rates_load_exactly_from_csv(tmp_path: Path) -> None:
    history = tmp_path / "funding.csv"
    # epoch milliseconds as Binance's fundingTime, or ISO 8601 with an offset; rates verbatim
    history.write_text("symbol,time,rate\n"
                       "BTCUSDT,1570608000000,0.00010000\n"
                       "BTCUSDT,2019-10-09T18:00:00+02:00,-0.00003750\n"
                       "ETHUSDT,2019-10-09T08:00:00Z,0.0001\n")
    rates = load_funding_rates(history).unwrap()
    btc = rates["BTCUSDT"]
    assert btc.times == (datetime(2019, 10, 9, 8, tzinfo=UTC),
                         datetime(2019, 10, 9, 16, tzinfo=UTC))
    assert btc.rates == (Decimal("0.00010000"), Decimal("-0.00003750"))
    assert sorted(rates) == ["BTCUSDT", "ETHUSDT"]


@pytest.mark.parametrize(("body", "code"), [
    ("symbol,rate\nBTCUSDT,0.1\n", "funding.header"),
    ("symbol,time,rate\nBTCUSDT,2019-10-09T08:00:00,0.1\n", "funding.row"),  # naive
    ("symbol,time,rate\nBTCUSDT,yesterday,0.1\n", "funding.row"),
    ("symbol,time,rate\nBTCUSDT,1570608000000,NaN\n", "funding.history"),
    ("symbol,time,rate\nX,1570608000000,0.1\nX,1570608000000,0.2\n",
     "funding.duplicate_time"),
])
def test_a_bad_funding_file_is_a_failure(tmp_path: Path, body: str, code: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(body)
    assert load_funding_rates(path).failure().code == code
    assert load_funding_rates(tmp_path / "absent.csv").failure().code == "funding.unreadable"
