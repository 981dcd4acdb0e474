"""Stop-loss and take-profit levels: worked examples, safe rounding laws, failures, and
immunity to the caller's decimal context."""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction

from hypothesis import assume, given
from hypothesis import strategies as st

from astratrade_core.instrument import Instrument
from astratrade_core.money import BTC, USD, Currency
from astratrade_core.testing import decimals, hostile_contexts, instruments, positive_decimals
from astratrade_core.trading.stops import StopLevels, stop_levels

D = Decimal
BTCUSD = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.5", lot_size="0.001").unwrap()


def test_long_levels() -> None:
    # 1 % below 30000.3 = 29700.297 -> up to the 0.5 tick: 29700.5; risk 299.8;
    # take = 30000.3 + 3 * 299.8 = 30899.7 -> up: 30900.0; reward 30900.0 - 30000.3 = 899.7
    levels = stop_levels(BTCUSD, "30000.3", True, "0.01", "3").unwrap()
    assert levels == StopLevels(
        entry_price=D("30000.3"), is_long=True, stop_loss=D("29700.5"),
        take_profit=D("30900.0"), risk=D("299.8"), reward=D("899.7"),
    )
    # 899.7 >= 3 * 299.8 = 899.4, and the stop risks 299.8 <= 1 % of entry (300.003)


def test_short_levels_with_leverage() -> None:
    # 50 % of the margin at 25x = 2 % move: 40000 * 1.02 = 40800 (on tick); risk 800;
    # take 40000 - 1.5 * 800 = 38800
    levels = stop_levels(BTCUSD, 40000, False, D("0.5"), "1.5", leverage="25").unwrap()
    assert (levels.stop_loss, levels.take_profit, levels.risk, levels.reward) == (
        D("40800.0"), D("38800.0"), D("800.0"), D("1200.0"))


def test_failures() -> None:
    # 0.001 % of 100 is 0.001: the stop rounds back to 100.0 on a 0.5 tick
    assert stop_levels(BTCUSD, "100", False, "0.00001", "2").failure().code == "stops.too_tight"
    # short 100 with a 50 % stop (150) and 3:1 -> target 100 - 150 = -50
    assert stop_levels(BTCUSD, "100", False, "0.5", "3").failure().code == (
        "stops.target_not_positive")
    err = stop_levels(BTCUSD, "-1", True, 0.1, "0").failure()  # type: ignore[arg-type]  # a float, to be refused
    assert err.code == "stops.invalid"
    assert err.codes() == ("numeric.not_positive", "numeric.float_rejected",
                           "numeric.not_positive")
    assert stop_levels(BTCUSD, "100", True, "1", "2").failure().codes() == (
        "stops.risk_fraction",)
    assert stop_levels(BTCUSD, "100", True, "0.1", "2", leverage="0").failure().codes() == (
        "stops.leverage",)


@st.composite
def _cases(draw: st.DrawFn) -> tuple[Instrument, Decimal, bool, Decimal, Decimal, Decimal]:
    instrument = draw(instruments(tiered=False))
    leverage = D(draw(st.integers(1, 100)))
    return (instrument, draw(positive_decimals(10**6, 4)), draw(st.booleans()),
            draw(decimals(Decimal("0.0001"), Decimal("0.99"), 4)),
            draw(decimals(Decimal("0.1"), 10, 2)), leverage)


@given(_cases())
def test_levels_are_on_tick_and_rounded_safely(
        case: tuple[Instrument, Decimal, bool, Decimal, Decimal, Decimal]) -> None:
    instrument, entry, is_long, fraction, ratio, leverage = case
    result = stop_levels(instrument, entry, is_long, fraction, ratio, leverage=leverage)
    assume(result.value_or(None) is not None)
    levels = result.unwrap()
    tick = Fraction(instrument.tick_size)
    e = Fraction(entry)
    stop, take = Fraction(levels.stop_loss), Fraction(levels.take_profit)
    assert (stop / tick).denominator == 1
    assert (take / tick).denominator == 1
    risk = Fraction(levels.risk)
    reward = Fraction(levels.reward)
    assert risk == (e - stop if is_long else stop - e) > 0
    assert reward == (take - e if is_long else e - take)
    # the stop never risks more than the fraction, and is less than a tick tighter
    allowed = e * Fraction(fraction) / Fraction(leverage)
    assert allowed - tick < risk <= allowed
    # the target rewards at least ratio x the actual risk, by less than a tick more
    assert Fraction(ratio) * risk <= reward < Fraction(ratio) * risk + tick


@given(_cases())
def test_sides_mirror(case: tuple[Instrument, Decimal, bool, Decimal, Decimal, Decimal]) -> None:
    instrument, entry, _, fraction, ratio, leverage = case
    long = stop_levels(instrument, entry, True, fraction, ratio, leverage=leverage)
    short = stop_levels(instrument, entry, False, fraction, ratio, leverage=leverage)
    assume(long.value_or(None) is not None and short.value_or(None) is not None)
    # the long's stop sits below the entry and the short's above; targets the other way
    assert long.unwrap().stop_loss < entry < short.unwrap().stop_loss
    assert short.unwrap().take_profit < entry < long.unwrap().take_profit


@given(hostile_contexts(), _cases())
def test_results_ignore_the_callers_context(
        ctx: decimal.Context,
        case: tuple[Instrument, Decimal, bool, Decimal, Decimal, Decimal]) -> None:
    instrument, entry, is_long, fraction, ratio, leverage = case

    def run() -> tuple[object, ...]:
        return (stop_levels(instrument, entry, is_long, fraction, ratio, leverage=leverage),
                stop_levels(instrument, str(entry), is_long, str(fraction), str(ratio)))

    expected = run()
    with decimal.localcontext(ctx):
        got = run()
    assert got == expected
    assert repr(got) == repr(expected)


def test_a_stop_exactly_on_a_tick_is_not_a_tick_tighter() -> None:
    # 9.4926 * 0.05 / 6 = 0.079105 exactly (a whole number of 1e-6 ticks): the short's stop is
    # 9.571705, not 9.571704 (dividing 0.05 / 6 first rounds it down at 120 digits).
    instrument = Instrument.of("X", Currency("BASE", 8), Currency("QUOTE", 6),
                               tick_size="0.000001", lot_size="0.001").unwrap()
    levels = stop_levels(instrument, "9.4926", False, "0.05", "0.10", leverage="6").unwrap()
    assert (levels.stop_loss, levels.risk) == (Decimal("9.571705"), Decimal("0.079105"))
    long = stop_levels(instrument, "9.4926", True, "0.05", "0.10", leverage="6").unwrap()
    assert (long.stop_loss, long.risk) == (Decimal("9.413495"), Decimal("0.079105"))
