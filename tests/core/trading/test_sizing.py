"""Fixed-fractional sizing and Kelly: worked examples, the risk-budget bound, lot rounding,
every rule enforced, and immunity to the caller's decimal context."""

from __future__ import annotations

import decimal
import math
from decimal import Decimal
from fractions import Fraction

from hypothesis import assume, given
from hypothesis import strategies as st

from astratrade_core.instrument import Instrument, margin_tiers
from astratrade_core.money import BTC, ETH, USD
from astratrade_core.testing import decimals, hostile_contexts, instruments, positive_decimals
from astratrade_core.trading.pnl import calculate_position_size
from astratrade_core.trading.sizing import (
    PositionSize,
    fixed_fractional_size,
    kelly_fraction,
    round_size_down,
)

D = Decimal

ETHUSD = Instrument.of("ETHUSDT", ETH, USD, tick_size="0.01", lot_size="0.001",
                       min_quantity="0.01", min_notional="20", max_leverage="50").unwrap()
BTCUSD = Instrument.of(
    "BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001", min_quantity="0.001",
    min_notional="5", max_leverage="125",
    tiers=margin_tiers([("0", "50000", "125", "0.004"), ("50000", "250000", "100", "0.005"),
                        ("250000", None, "50", "0.01")]).unwrap(),
).unwrap()


def test_long_with_fees() -> None:
    # budget 20000 * 0.5 % = 100; per unit |3000 - 2940| + 0.0004 * (3000 + 2940)
    # = 60 + 2.376 = 62.376; 100 / 62.376 = 1.6031.. -> 1.603 (lot 0.001, down)
    size = fixed_fractional_size(ETHUSD, "20000", "0.005", "3000", "2940",
                                 fee_rate="0.0004").unwrap()
    assert size == PositionSize(
        quantity=D("1.603"), is_long=True, notional=D("4809"),      # 1.603 * 3000
        worst_case_loss=D("99.988728"),                              # 1.603 * 62.376
        margin=D("4809"), risk_budget=D("100"), capped_by_balance=False,
    )


def test_short_and_leverage() -> None:
    # short: stop above entry. budget 100000 * 0.02 % = 20; per unit 50 -> 0.4 BTC at 5x
    size = fixed_fractional_size(BTCUSD, "100000", "0.0002", "30000", "30050",
                                 leverage="5").unwrap()
    assert (size.quantity, size.is_long, size.notional, size.margin) == (
        D("0.4"), False, D("12000"), D("2400"))  # 0.4 * 30000; 12000 / 5
    assert size.worst_case_loss == D("20")  # 0.4 * 50


def test_available_balance_caps_the_quantity() -> None:
    # budget 1000 * 2 % = 20 / 50 = 0.4 BTC, but 1000 available at 5x margins
    # 1000 / (30000 / 5) = 0.1666.. -> 0.166
    size = fixed_fractional_size(BTCUSD, "1000", "0.02", "30000", "30050", leverage="5",
                                 available_balance="1000").unwrap()
    assert (size.quantity, size.capped_by_balance) == (D("0.166"), True)
    # with a fee, the entry fee also comes out of the balance: per unit 6000 + 30000 * 0.001
    # = 6030; 1000 / 6030 = 0.16583.. -> 0.165
    size = fixed_fractional_size(BTCUSD, "1000", "0.02", "30000", "30050", leverage="5",
                                 available_balance="1000", fee_rate="0.001").unwrap()
    assert size.quantity == D("0.165")


def test_rules_are_all_reported() -> None:
    # 10 * 1 % = 0.1 / 60 -> 0.001 ETH: below min quantity 0.01 and min notional 20 (3)
    err = fixed_fractional_size(ETHUSD, "10", "0.01", "3000", "2940").failure()
    assert err.code == "sizing.rejected"
    assert err.codes() == ("sizing.min_quantity", "sizing.min_notional")
    # a 60x request exceeds ETH's 50x maximum (and its single bracket's 50x)
    assert fixed_fractional_size(ETHUSD, "100000", "0.01", "3000", "2940", leverage="60"
                                 ).failure().codes() == ("sizing.max_leverage",
                                                         "sizing.tier_leverage")
    # 2,000,000 * 1 % / 100 = 200 BTC = 6,000,000 notional: the 50x bracket forbids 100x
    err = fixed_fractional_size(BTCUSD, "2000000", "0.01", "30000", "29900",
                                leverage="100").failure()
    assert err.codes() == ("sizing.tier_leverage",)
    assert err.fields["limit"] == "50"


def test_invalid_inputs_are_all_reported() -> None:
    err = fixed_fractional_size(ETHUSD, "-1", "1.5", 0.5, "abc", fee_rate="1",  # type: ignore[arg-type]  # a float, to be refused
                                leverage="0.5").failure()
    assert err.code == "sizing.invalid"
    assert err.codes() == ("numeric.not_positive", "sizing.risk_fraction",
                           "numeric.float_rejected", "numeric.syntax", "sizing.fee_rate",
                           "sizing.leverage")
    assert fixed_fractional_size(ETHUSD, "1", "0.1", "5", "5").failure().codes() == (
        "sizing.stop_at_entry",)


def test_kelly_worked_examples() -> None:
    # p = 0.5, b = 2: 0.5 - 0.5 / 2 = 0.25 (Thorp 2006, the classic even-odds-plus example)
    assert kelly_fraction("0.5", "2").unwrap() == D("0.25")
    # quarter Kelly of that
    assert kelly_fraction("0.5", "2", "0.25").unwrap() == D("0.0625")
    # p = 1 stakes everything; p = 0 stakes nothing
    assert kelly_fraction("1", "3").unwrap() == 1
    assert kelly_fraction("0", "3").unwrap() == 0
    # no edge: 0.4 - 0.6 / 1.5 = 0
    assert kelly_fraction("0.4", "1.5").unwrap() == 0
    assert kelly_fraction("0.5", "1", "0").failure().codes() == ("sizing.multiplier",)


@st.composite
def _trades(draw: st.DrawFn) -> tuple[Instrument, Decimal, Decimal, Decimal, Decimal,
                                       Decimal, Decimal, Decimal]:
    instrument = draw(instruments())
    balance = draw(positive_decimals(10**7, 2))
    risk = draw(decimals(Decimal("0.0001"), 1, 4))
    entry = draw(positive_decimals(10**5, 4))
    stop = draw(positive_decimals(10**5, 4).filter(lambda s: s != entry))
    fee = draw(decimals(0, Decimal("0.002"), 6))
    leverage = D(draw(st.integers(1, int(instrument.max_leverage))))
    available = draw(positive_decimals(10**7, 2))
    return instrument, balance, risk, entry, stop, fee, leverage, available


@given(_trades())
def test_never_risks_more_than_the_budget(trade: tuple[Instrument, Decimal, Decimal, Decimal,
                                                       Decimal, Decimal, Decimal, Decimal]
                                          ) -> None:
    instrument, balance, risk, entry, stop, fee, leverage, available = trade
    result = fixed_fractional_size(instrument, balance, risk, entry, stop, fee_rate=fee,
                                   leverage=leverage, available_balance=available)
    assume(result.value_or(None) is not None)
    size = result.unwrap()
    q, e, s, f = (Fraction(x) for x in (size.quantity, entry, stop, fee))
    per_unit = abs(e - s) + f * (e + s)
    budget = Fraction(balance) * Fraction(risk)
    # the law: stopped out with both fees paid, the loss stays within the budget
    assert q * per_unit <= budget
    assert Fraction(size.worst_case_loss) == q * per_unit
    # margin plus entry fee fits the available balance
    assert q * e / Fraction(leverage) + f * q * e <= Fraction(available)
    # lot-aligned, and maximal: one more lot breaks the budget or the balance
    lot = Fraction(instrument.lot_size)
    assert (q / lot).denominator == 1
    more = q + lot
    assert more * per_unit > budget or more * e / Fraction(leverage) + f * more * e > Fraction(
        available)
    assert size.quantity >= instrument.min_quantity
    assert size.notional >= instrument.min_notional
    assert size.is_long == (stop < entry)


@given(decimals(0, 1, 4), positive_decimals(20, 2))
def test_kelly_maximises_expected_log_growth(p: Decimal, b: Decimal) -> None:
    f = kelly_fraction(p, b).unwrap()
    assert 0 <= f <= p  # never stake more than the win probability
    pf, bf = float(p), float(b)

    def growth(stake: float) -> float:
        if stake >= 1:
            return -math.inf if pf < 1 else math.log1p(bf * stake)
        return (pf * math.log1p(bf * stake) if pf else 0.0) + (
            (1 - pf) * math.log1p(-stake) if pf < 1 else 0.0)

    best = growth(float(f))
    for nearby in (float(f) - 0.01, float(f) + 0.01):
        if 0 <= nearby < 1:
            assert growth(nearby) <= best + 1e-12


@given(decimals(0, 1, 4), positive_decimals(20, 2), decimals(Decimal("0.01"), 1, 2))
def test_fractional_kelly_scales_linearly(p: Decimal, b: Decimal, m: Decimal) -> None:
    full = Fraction(kelly_fraction(p, b).unwrap())
    scaled = Fraction(kelly_fraction(p, b, m).unwrap())
    assert abs(scaled - full * Fraction(m)) <= Fraction(1, 10**115)


@given(hostile_contexts(), _trades(), decimals(0, 1, 4), positive_decimals(20, 2))
def test_results_ignore_the_callers_context(
    ctx: decimal.Context,
    trade: tuple[Instrument, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal],
    p: Decimal, b: Decimal,
) -> None:
    instrument, balance, risk, entry, stop, fee, leverage, available = trade

    def run() -> tuple[object, ...]:
        return (
            fixed_fractional_size(instrument, balance, risk, entry, stop, fee_rate=fee,
                                  leverage=leverage, available_balance=available),
            fixed_fractional_size(instrument, str(balance), str(risk), str(entry), str(stop)),
            kelly_fraction(p, b, "0.5"),
        )

    expected = run()
    with decimal.localcontext(ctx):
        got = run()
    assert got == expected
    assert repr(got) == repr(expected)


def test_size_display_rounds_toward_zero() -> None:
    # 100 / 3 = 33.33.. units shows as 33.3333: never more than the exact size
    exact = calculate_position_size("10000", "0.01", "3").unwrap()
    assert round_size_down(exact, 4) == D("33.3333")
    assert round_size_down(D("0.99999"), 4) == D("0.9999")
    assert round_size_down(D("-1.23456"), 2) == D("-1.23")  # a short: toward zero as well
    assert round_size_down(D("2.50"), 1) == D("2.5")


@given(positive_decimals(10**6, 12), st.integers(0, 8))
def test_size_display_never_exceeds_the_exact_size(size: Decimal, places: int) -> None:
    shown = round_size_down(size, places)
    assert shown <= size < shown + D(1).scaleb(-places)
