"""Inverse (coin-margined) contracts: worked examples from Binance COIN-M's documentation and
NautilusTrader's tests, the edges of every rule, the laws (antisymmetry in coin, the linear
equivalent, harmonic additivity, conservation, the liquidation identity, exact sizing), the wad
forms against exact fractions, totality and immunity to the caller's decimal context."""

from __future__ import annotations

import decimal
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from returns.maybe import Nothing, Some
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.instrument import Instrument, InstrumentKind, margin_tiers
from astratrade_core.money import BTC, ETH, USD
from astratrade_core.numeric import CONTEXT, WAD, FixedRounding, Rounding, quantize
from astratrade_core.testing import (
    awkward_inputs,
    contract_counts,
    decimals,
    hostile_contexts,
    inverse_fills,
    inverse_positions,
    positive_decimals,
)
from astratrade_core.trading import (
    Fill,
    InversePosition,
    InverseState,
    apply_inverse_fill,
    inverse_average_entry_wad,
    inverse_cross_liquidation_price,
    inverse_fee,
    inverse_fee_wad,
    inverse_fixed_fractional_size,
    inverse_initial_margin,
    inverse_isolated_liquidation_price,
    inverse_isolated_liquidation_price_wad,
    inverse_maintenance_margin,
    inverse_notional_wad,
    inverse_pnl,
    inverse_pnl_wad,
    inverse_state_from_fills,
)
from proofs import hypothesis_inverse as laws

D = Decimal
TINY = Fraction(1, 10**100)


def _inverse(symbol: str, size: str, tiers: Sequence[tuple[str, str | None, str, str]] | None
             = None, *, max_leverage: str = "125", tick: str = "0.1") -> Instrument:
    return Instrument.of(symbol, BTC, USD, tick_size=tick, lot_size="1",
                         max_leverage=max_leverage,
                         tiers=None if tiers is None else margin_tiers(tiers).unwrap(),
                         kind=InstrumentKind.INVERSE, contract_size=size).unwrap()


# Binance COIN-M BTCUSD brackets (coin values).  The FAQ "How to Calculate Liquidation Price of
# COIN-M Futures Contracts" (binance.com/en/support/faq/ceccfcfb4e3a45e3b48b0b1bb1a8ae46) quotes
# the bracket of a 300 BTC position: "the Maintenance Margin Rate would be 12.5%" and "the
# Maintenance Amount would be 11.605 BTC".  The other levels are the BTCUSD table as we
# reconstruct it (0-5-10-20-50-100-200-400-1000-1500 BTC); margin_tiers' continuity rule (the
# FAQ's "Maintenance Amount formula") turns them into exactly that 11.605 (tested below).
BTCUSD_TIERS = [("0", "5", "125", "0.004"), ("5", "10", "100", "0.005"),
                ("10", "20", "50", "0.01"), ("20", "50", "20", "0.025"),
                ("50", "100", "10", "0.05"), ("100", "200", "5", "0.1"),
                ("200", "400", "4", "0.125"), ("400", "1000", "3", "0.15"),
                ("1000", "1500", "2", "0.25"), ("1500", None, "1", "0.5")]
# The same FAQ's earlier text: "if the position of BTCUSD Contract is 300BTC, then the
# maintenance amount would be 11.81 BTC" and "the BTCUSD Maintenance Amount on Level 5 = 50 BTC
# * (5% - 2.5%) + 0.56 BTC = 1.81 BTC", with the brackets of "Leverage and Margin in
# Coin-Margined Futures Contracts" (binance.com/en/support/faq/be2c7d9d95b04a7e8044ed02dd7dfe5c:
# 125x up to 10 BTC, 100x to 20, 50x to 30, 20x to 50, 10x to 100, 5x to 200, 4x to 400, 3x to
# 1,000, 2x above).
BTCUSD_TIERS_2021 = [("0", "10", "125", "0.004"), ("10", "20", "100", "0.005"),
                     ("20", "30", "50", "0.01"), ("30", "50", "20", "0.025"),
                     ("50", "100", "10", "0.05"), ("100", "200", "5", "0.1"),
                     ("200", "400", "4", "0.125"), ("400", "1000", "3", "0.15"),
                     ("1000", None, "2", "0.25")]
BTCUSD = _inverse("BTCUSD_PERP", "100", BTCUSD_TIERS)
BTCUSD_2021 = _inverse("BTCUSD_PERP", "100", BTCUSD_TIERS_2021)
XBTUSD = _inverse("XBTUSD", "1", tick="0.5")  # BitMEX / NautilusTrader: 1 USD per contract


# ------------------------------------------------------------------------ worked examples


def test_binance_maintenance_amounts_follow_from_the_brackets() -> None:
    bracket = BTCUSD.tier_for(D("300"))
    assert (bracket.maintenance_margin_rate, bracket.maintenance_amount) == (D("0.125"),
                                                                              D("11.605"))
    assert BTCUSD_2021.tier_for(D("300")).maintenance_amount == D("11.81")
    assert BTCUSD_2021.tier_for(D("30")).maintenance_amount == D("0.56")   # level 4
    assert BTCUSD_2021.tier_for(D("50")).maintenance_amount == D("1.81")   # level 5


def test_binance_maintenance_margin_example() -> None:
    # FAQ (ceccfcfb...): "100 BTCUSD Perpetual contracts, latest Mark Price 25,000: notional
    # 100 * 100 / 25,000 = 0.4 BTC, margin level 1 ... Maintenance Margin = 0.4 * 0.4% - 0
    # = 0.0016 BTC".
    assert inverse_maintenance_margin(BTCUSD, "100", "25000") == Success(D("0.0016"))


def test_binance_coin_m_liquidation_price_worked_example() -> None:
    # dev.binance.vision/t/coin-margined-futures-liquidation-price-calculation-help-cm-variable/
    # 6292: wallet balance 101 BTC (cross, no other position), long 100,000 BTCUSD contracts
    # (10,000,000 USD) at 45,000.  "The Binance Calculator is calculating the Liquidation Price
    # as $33,599.40"; the poster's own evaluation of the FAQ formula gave 33,578.859744834.
    # Binance's formula, by hand: LP = |n| S (1 + mmr) / (WB + cum + |n| S / e); the value at
    # the root is 10,000,000 / 33,599 = 297.6 BTC, the 200-400 BTC bracket (12.5 %, 11.605):
    #   10,000,000 * 1.125 / (101 + 11.605 + 10,000,000 / 45,000) = 33,599.4186...
    # which the calculator shows on the 0.1 tick: 33,599.40.  With the 2021 brackets (11.81 BTC)
    # the same formula gives the poster's 33,578.8597448338...: the calculator had moved to the
    # new table.  We round a long's price UP to the tick (toward the entry, conservative).
    exact = inverse_cross_liquidation_price(BTCUSD, "100000", "45000", "101", to_tick=False)
    root = exact.unwrap().unwrap()
    expected = Fraction(10_000_000) * Fraction("1.125") / (
        Fraction("112.605") + Fraction(10_000_000, 45_000))
    assert abs(Fraction(root) - expected) < TINY
    assert root.quantize(D("0.1"), rounding=decimal.ROUND_DOWN) == D("33599.4")
    assert inverse_cross_liquidation_price(BTCUSD, "100000", "45000", "101") == Success(
        Some(D("33599.5")))
    old = inverse_cross_liquidation_price(BTCUSD_2021, "100000", "45000", "101", to_tick=False)
    assert str(old.unwrap().unwrap()).startswith("33578.859744833")
    # isolated with the same margin is the same position
    assert inverse_isolated_liquidation_price(BTCUSD, "100000", "45000", "101") == Success(
        Some(D("33599.5")))


def _ccxt_wallet_balance(contracts: Fraction, size: Fraction, entry: Fraction,
                         mmr: Fraction, liquidation: Fraction, *, long: bool) -> Fraction:
    """ccxt's Binance ``parsePositionRisk`` for COIN-M (js/binance.js, the inverse branch):
    ``walletBalance = contracts * contractSize * (±1/entryPrice - (±1 - mmp)/liquidationPrice)``
    with ``+`` for a short; ccxt leaves the maintenance amount out, so its wallet balance is
    Binance's ``WB + cum``."""
    sign = Fraction(-1) if long else Fraction(1)
    return contracts * size * (sign / entry - (sign - mmr) / liquidation)


@pytest.mark.parametrize(("contracts", "entry", "margin"), [
    ("100000", "45000", "101"), ("-100000", "45000", "101"), ("30", "61234.5", "0.01"),
    ("-7", "1999.9", "0.002")])
def test_cross_checks_with_ccxt_inverse_relation(contracts: str, entry: str,
                                                 margin: str) -> None:
    root = inverse_isolated_liquidation_price(BTCUSD, contracts, entry, margin,
                                              to_tick=False).unwrap().unwrap()
    value = abs(Fraction(contracts)) * 100 / Fraction(root)
    bracket = BTCUSD.tier_for(D(value.numerator) / D(value.denominator))
    balance = _ccxt_wallet_balance(abs(Fraction(contracts)), Fraction(100), Fraction(entry),
                                   Fraction(bracket.maintenance_margin_rate), Fraction(root),
                                   long=Fraction(contracts) > 0)
    assert abs(balance - Fraction(margin) - Fraction(bracket.maintenance_amount)) < TINY


def test_nautilus_trader_inverse_examples() -> None:
    # NautilusTrader tests/unit_tests/model/test_position.py, XBTUSD (1 USD per contract):
    # test_calculate_pnl_for_inverse1: short 100,000 @ 10,000, exit 11,000 -> -0.90909091 BTC,
    # notional at 11,000 = 9.09090909 BTC, commission (taker 0.075 %) 0.0075 BTC;
    # test_calculate_pnl_for_inverse_instrument: short 100,000 @ 10,500, exit 10,670.50
    # -> -0.15217745 BTC.  (Nautilus rounds Money to 8 places.)
    eight = D("1e-8")
    first = InversePosition.of(XBTUSD, "-100000", "10000", "11000").unwrap()
    assert inverse_pnl(first).quantize(eight) == D("-0.90909091")
    assert first.notional.quantize(eight) == D("9.09090909")
    assert inverse_fee(XBTUSD, "-100000", "10000", "0.00075") == Success(D("0.0075"))
    second = InversePosition.of(XBTUSD, "-100000", "10500", "10670.50").unwrap()
    assert inverse_pnl(second).quantize(eight) == D("-0.15217745")


# ------------------------------------------------------------------ instrument and inputs


def test_instrument_kind_rules() -> None:
    assert Instrument.of("X", BTC, USD, tick_size="1", lot_size="1",
                         contract_size="100").failure().codes() == ("instrument.contract_size",)
    assert Instrument.of("X", BTC, USD, tick_size="1", lot_size="0.5", contract_size="10",
                         kind=InstrumentKind.INVERSE).failure().codes() == (
        "instrument.inverse_lot",)
    assert Instrument.of("X", BTC, USD, tick_size="1", lot_size="1", contract_size="0",
                         kind=InstrumentKind.INVERSE).failure().codes() == (
        "numeric.not_positive",)
    linear = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001").unwrap()
    assert (linear.kind, linear.contract_size, linear.is_inverse) == (
        InstrumentKind.LINEAR, D(1), False)


def test_linear_instruments_are_refused() -> None:
    linear = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001").unwrap()
    results = [InversePosition.of(linear, "1", "1", "1"), inverse_fee(linear, "1", "1", "0"),
               inverse_initial_margin(linear, "1", "1", "1"),
               inverse_maintenance_margin(linear, "1", "1"),
               inverse_isolated_liquidation_price(linear, "1", "1", "1"),
               inverse_cross_liquidation_price(linear, "1", "1", "1"),
               inverse_fixed_fractional_size(linear, "1", "0.1", "2", "1")]
    for result in results:
        assert "inverse.not_inverse" in (*result.failure().codes(), result.failure().code)


def test_every_bad_input_is_reported_at_once() -> None:
    error = inverse_isolated_liquidation_price(BTCUSD, "0", "-1", "NaN").failure()
    assert error.codes() == ("inverse.zero_contracts", "numeric.not_positive",
                             "numeric.not_finite")
    sizing = inverse_fixed_fractional_size(BTCUSD, "0", "2", "1", "1", fee_rate="1",
                                           leverage="0.5").failure()
    assert sizing.codes() == ("numeric.not_positive", "sizing.risk_fraction",
                              "sizing.fee_rate", "sizing.leverage")
    assert inverse_fixed_fractional_size(BTCUSD, "1", "0.1", "5", "5").failure().codes() == (
        "sizing.stop_at_entry",)


def test_cross_refuses_other_coins_and_broken_positions() -> None:
    eth = Instrument.of("ETHUSD_PERP", ETH, USD, tick_size="0.01", lot_size="1",
                        kind=InstrumentKind.INVERSE, contract_size="10").unwrap()
    other = InversePosition(D("5"), D("10"), D("2000"), D("2000"))
    broken = InversePosition(D("5"), D("100"), D("NaN"), D("0"))   # raw, never validated
    error = inverse_cross_liquidation_price(BTCUSD, "10", "40000", "1",
                                            [(eth, other), (BTCUSD, broken)]).failure()
    assert error.codes() == ("inverse.invalid_others",)
    assert error.causes[0].codes() == ("inverse.margin_coin", "numeric.not_finite",
                                       "numeric.not_positive")


# ------------------------------------------------------------------------ average entry


def test_harmonic_average_and_partial_close() -> None:
    state = InverseState.flat(BTCUSD)
    state, _ = apply_inverse_fill(state, Fill(D("300"), D("30000")))
    state, _ = apply_inverse_fill(state, Fill(D("100"), D("60000")))
    # 400 / (300/30000 + 100/60000) = 400 / (1/100 + 1/600) = 34285.71..., not 37500
    assert abs(Fraction(state.entry_price) - Fraction(240000, 7)) < TINY
    state, realized = apply_inverse_fill(state, Fill(D("-150"), D("40000"), D("0.0001")))
    # 150 * 100 * (7/240000 - 1/40000) = 15000 * 1/240000 = 0.0625 BTC
    assert abs(Fraction(realized) - Fraction("0.0625")) < TINY
    assert state.contracts == 250 and abs(Fraction(state.entry_price) - Fraction(240000, 7)) < TINY
    assert state.fees_paid == D("0.0001")
    # reversal: close 250 at 20,000 and open 50 short at 20,000
    state, realized = apply_inverse_fill(state, Fill(D("-300"), D("20000")))
    assert abs(Fraction(realized) - 25000 * (Fraction(7, 240000) - Fraction(1, 20000))) < TINY
    assert (state.contracts, state.entry_price) == (D("-50"), D("20000"))
    state, realized = apply_inverse_fill(state, Fill(D("50"), D("25000")))
    assert state.is_flat and state.entry_price == 0
    assert realized == D("-0.05")   # 5000 * (1/25000 - 1/20000)


def test_arithmetic_average_would_break_additivity() -> None:
    # one position must reproduce the P&L of its two fills at every exit price: only the
    # harmonic mean does (at 50,000: 1/100 + 1/600 - 400/50000 vs the arithmetic 37,500)
    fills = [(Fraction(300), Fraction(30000)), (Fraction(100), Fraction(60000))]
    exit_price = Fraction(50000)
    parts = sum(n * 100 * (1 / p - 1 / exit_price) for n, p in fills)
    assert 400 * 100 * (1 / Fraction(37500) - 1 / exit_price) != parts
    assert 400 * 100 * (1 / Fraction(240000, 7) - 1 / exit_price) == parts


def test_state_views() -> None:
    state = InverseState(D("100"), D("-10"), D("50000"), D("0.01"), D("0.002"), D("-0.001"))
    assert state.entry_value == D("-0.02")
    assert state.net_realized_pnl == D("0.009")
    assert state.unrealized_pnl(D("40000")) == D("0.005")   # -1000 * (1/50000 - 1/40000)
    assert state.total_pnl(D("40000")) == D("0.014")
    assert state.roi_percent(D("40000"), D("4")) == Some(D("100"))  # 0.005 / (0.02 / 4)
    flat = InverseState.flat(BTCUSD)
    assert flat.roi_percent(D("1"), D("1")) == Nothing
    assert flat.break_even_price() == Nothing
    assert flat.unrealized_pnl(D("1")) == 0 and flat.entry_value == 0


def test_break_even_closes_at_zero_total() -> None:
    state = InverseState(D("100"), D("25"), D("40000"), fees_paid=D("0.00003"))
    price = state.break_even_price(D("0.0005")).unwrap()
    exit_fee = CONTEXT.multiply(CONTEXT.divide(D("2500"), price), D("0.0005"))
    total = state.total_pnl(price) - exit_fee
    assert abs(total) < D("1e-110")
    # past profits larger than the position's value: no positive price breaks even (short)
    assert InverseState(D("100"), D("-1"), D("100"), realized_pnl=D("5")).break_even_price(
    ) == Nothing


def test_funding_in_coin() -> None:
    long = InversePosition(D("1000"), D("100"), D("40000"), D("50000"))
    assert long.funding_payment(D("0.0001")) == D("0.0002")   # 2 BTC * 0.01 %: paid
    short = InversePosition(D("-1000"), D("100"), D("40000"), D("50000"))
    assert short.funding_payment(D("0.0001")) == D("-0.0002")  # received


def test_fee_rounding_favours_the_exchange() -> None:
    # 7 contracts of 1 USD at 30,000 at 5 bps = 1.1666..e-7 BTC
    assert inverse_fee(XBTUSD, "7", "30000", "0.0005", increment="0.00000001") == Success(
        D("1.2E-7"))
    assert inverse_fee(XBTUSD, "7", "30000", "-0.0005", increment="0.00000001") == Success(
        D("-1.1E-7"))   # a rebate rounds toward zero
    assert inverse_fee(XBTUSD, "6", "30000", "0.0005", increment="0.00000001") == Success(
        D("1.0E-7"))    # exact: no rounding
    assert inverse_fee(XBTUSD, "1", "1", "1").failure().codes() == ("inverse.fee_rate",)


# --------------------------------------------------------------- margin and liquidation


def test_initial_margin_and_leverage_rules() -> None:
    assert inverse_initial_margin(BTCUSD, "-1000", "50000", "20") == Success(D("0.1"))
    assert inverse_initial_margin(BTCUSD, "1000", "50000", "126").failure().code == (
        "margin.max_leverage")
    # 900 contracts at 10,000 = 9 BTC: the 5-10 BTC bracket allows 100x; 10 BTC is the next
    assert inverse_initial_margin(BTCUSD, "900", "10000", "101").failure().code == (
        "margin.tier_leverage")
    assert inverse_initial_margin(BTCUSD, "900", "10000", "100") == Success(D("0.09"))
    assert inverse_initial_margin(BTCUSD, "1000", "10000", "51").failure().code == (
        "margin.tier_leverage")


def test_liquidated_on_opening_is_refused_at_the_edge() -> None:
    # long 1,000 at 50,000 = 2 BTC, bracket 0.4 % (single tier default for 125x): MM 0.008
    single = _inverse("BTCUSD_PERP", "100")
    refused = inverse_isolated_liquidation_price(single, "1000", "50000", "0.008")
    assert refused.failure().code == "inverse.liquidated_on_open"
    assert refused.failure().kind.value == "rejected"
    above = inverse_isolated_liquidation_price(single, "1000", "50000", "0.00800001",
                                               to_tick=False).unwrap().unwrap()
    assert above < 50000 and 50000 - above < D("0.001")


def test_covered_short_edge() -> None:
    single = _inverse("BTCUSD_PERP", "100")
    # short 1,000 at 50,000 = 2 BTC: margin 2 covers it at every price, a hair less does not
    assert inverse_isolated_liquidation_price(single, "-1000", "50000", "2") == Success(Nothing)
    far = inverse_isolated_liquidation_price(single, "-1000", "50000", "1.99999999")
    assert far.unwrap().unwrap() > D("10") ** 12


def test_long_always_has_a_price_near_half_at_one_x() -> None:
    single = _inverse("BTCUSD_PERP", "100", max_leverage="100")  # mmr 0.5 %
    # 1x long: margin = value at entry; LP = e (1 + mmr) / 2
    root = inverse_isolated_liquidation_price(single, "500", "50000", "1", to_tick=False)
    assert root == Success(Some(D("25125")))


def test_bracket_is_taken_at_the_liquidation_price() -> None:
    # short 50,000 contracts at 50,000 = 100 BTC (the 100-200 bracket at the entry), margin
    # 30 BTC: at the root the value falls to ~77 BTC, the 50-100 bracket (5 %, 1.605):
    # 5,000,000 * 0.95 / (100 - 30 - 1.605) = 69449.52...
    exact = inverse_isolated_liquidation_price(BTCUSD, "-50000", "50000", "30", to_tick=False)
    expected = Fraction(5_000_000) * Fraction("0.95") / (100 - 30 - Fraction("1.605"))
    assert abs(Fraction(exact.unwrap().unwrap()) - expected) < TINY
    value = 5_000_000 / expected
    assert 50 <= value < 100


def test_cross_with_no_others_is_isolated_with_the_wallet() -> None:
    for contracts in ("2500", "-2500"):
        assert inverse_cross_liquidation_price(BTCUSD, contracts, "40000", "1") == (
            inverse_isolated_liquidation_price(BTCUSD, contracts, "40000", "1"))


@given(contract_counts(10**5), positive_decimals(10**5, 2), st.integers(2, 100))
def test_more_leverage_brings_the_price_closer(contracts: Decimal, entry: Decimal,
                                               leverage: int) -> None:
    single = _inverse("BTCUSD_PERP", "100", max_leverage="200")
    value = CONTEXT.divide(abs(contracts) * 100, entry)
    margins = [quantize(CONTEXT.divide(value, D(lev)), 8, Rounding.DOWN)
               for lev in (leverage - 1, leverage)]
    assume(margins[0] > margins[1])
    prices = [inverse_isolated_liquidation_price(single, contracts, entry, margin,
                                                 to_tick=False) for margin in margins]
    low, high = (p.unwrap() for p in prices)
    if contracts > 0:
        assert low.unwrap() < high.unwrap() < entry
    elif low != Nothing:
        assert entry < high.unwrap() < low.unwrap()


# -------------------------------------------------------------------------------- laws
# The registered laws (proofs/hypothesis_inverse.py, checked by `python -m proofs`) run here
# under the test profile too: antisymmetry in coin, the linear equivalent at the exit price,
# harmonic additivity, conservation over fills, the liquidation identity, the sizing budget and
# the wad forms against their Z3-proven terms.
test_long_short_antisymmetry_in_coin = laws.pnl_antisymmetric
test_coin_pnl_at_exit_is_the_linear_pnl_of_the_entry_value = laws.pnl_linear_equivalent
test_harmonic_entry_makes_pnl_additive = laws.average_entry_additive
test_realized_plus_unrealized_is_the_fills_cash_flow = laws.fills_conserve
test_liquidation_identity = laws.liquidation_identity
test_sizing_stays_within_the_budget_and_is_maximal = laws.sizing_within_budget
test_pnl_wad_conforms_to_its_proven_term = laws.pnl_wad_conforms
test_average_entry_wad_conforms_to_its_proven_term = laws.average_entry_wad_conforms
test_liquidation_wad_conforms_to_its_proven_term = laws.liquidation_wad_conforms


@given(st.lists(st.integers(-10**6, 10**6), min_size=1, max_size=10),
       st.sampled_from([D(1), D(10), D(100)]), positive_decimals(10**6, 2),
       decimals(D("-0.003"), D("0.003"), 8))
def test_inverse_funding_conserves_between_longs_and_shorts_on_a_balanced_book(
        lots: list[int], size: Decimal, mark: Decimal, rate: Decimal) -> None:
    # Binance COIN-M: each position pays its value in coin (contracts * size / mark) times the
    # rate.  On a balanced book (contracts sum to zero) the exact payments sum to zero; each
    # is one division rounded half-even at 120 significant digits, so their sum is zero up to
    # that rounding, and the rounding is symmetric: a short receives exactly what the same
    # long pays.
    book = [D(n) for n in lots] + [D(-sum(lots))]
    payments = [InversePosition(n, size, mark, mark).funding_payment(rate) for n in book]
    total = sum((Fraction(p) for p in payments), Fraction(0))
    assert abs(total) <= sum((abs(Fraction(p)) for p in payments), Fraction(0)) / 10**118
    for contracts, payment in zip(book, payments, strict=True):
        assert payment == 0 or (payment > 0) == ((contracts > 0) == (rate > 0))
    mirrored = [InversePosition(-n, size, mark, mark).funding_payment(rate) for n in book]
    assert [p.copy_negate() for p in payments] == mirrored  # shorts receive what longs pay


# --------------------------------------------------------------------------- wad forms


def _w(value: Decimal) -> int:
    return int(CONTEXT.multiply(value, D(WAD)))


@given(contract_counts(10**6), st.sampled_from([D(1), D(10), D(100)]),
       positive_decimals(10**6, 2), positive_decimals(10**6, 2))
@example(D(-3), D(1), D(3), D(4))
def test_pnl_wad_is_the_floor_of_the_decimal_pnl(contracts: Decimal, size: Decimal,
                                                 entry: Decimal, exit_price: Decimal) -> None:
    got = inverse_pnl_wad(_w(abs(contracts)), _w(size), _w(entry), _w(exit_price),
                          contracts > 0).unwrap()
    exact = Fraction(contracts) * Fraction(size) * (1 / Fraction(entry) - 1 / Fraction(
        exit_price)) * WAD
    assert got == exact.__floor__()


@given(st.integers(1, 10**6), positive_decimals(10**6, 2), st.integers(0, 10**6),
       positive_decimals(10**6, 2), st.booleans())
def test_average_entry_wad_rounds_the_harmonic_mean_against_the_trader(
        held: int, entry: Decimal, added: int, price: Decimal, long: bool) -> None:
    got = inverse_average_entry_wad(held * WAD, _w(entry), added * WAD, _w(price),
                                    long).unwrap()
    exact = Fraction(held + added) / (held / Fraction(entry) + added / Fraction(price)) * WAD
    assert got == (exact.__ceil__() if long else exact.__floor__())


@given(contract_counts(10**6), st.sampled_from([D(1), D(10), D(100)]),
       positive_decimals(10**6, 2), decimals(0, D("0.01"), 6),
       st.sampled_from(list(FixedRounding)))
def test_notional_and_fee_wad(contracts: Decimal, size: Decimal, price: Decimal,
                              rate: Decimal, rounding: FixedRounding) -> None:
    value = abs(Fraction(contracts)) * Fraction(size) / Fraction(price) * WAD
    got = inverse_notional_wad(_w(abs(contracts)), _w(size), _w(price), rounding).unwrap()
    rounded = {FixedRounding.FLOOR: value.__floor__(), FixedRounding.CEIL: value.__ceil__(),
               FixedRounding.HALF_UP: (value + Fraction(1, 2)).__floor__()}[rounding]
    assert got == rounded
    fee = inverse_fee_wad(_w(abs(contracts)), _w(size), _w(price), _w(rate)).unwrap()
    assert fee == (value * Fraction(rate)).__ceil__()
    decimal_fee = inverse_fee(_inverse("X", str(size)), contracts, price, rate).unwrap()
    assert fee == (Fraction(decimal_fee) * WAD).__ceil__()


@given(contract_counts(10**6), st.sampled_from([D(1), D(10), D(100)]),
       positive_decimals(10**5, 2), decimals(0, 10**3, 6), decimals(0, D("0.1"), 4),
       decimals(0, 10, 3))
def test_liquidation_wad_brackets_the_exact_root(  # noqa: PLR0917 - one per drawn input
        contracts: Decimal, size: Decimal, entry: Decimal, margin: Decimal, mmr: Decimal,
        amount: Decimal) -> None:
    long = contracts > 0
    got = inverse_isolated_liquidation_price_wad(
        _w(abs(contracts)), _w(size), _w(entry), _w(margin), maintenance_rate=_w(mmr),
        maintenance_amount=_w(amount), is_long=long).unwrap()
    face = abs(Fraction(contracts)) * Fraction(size)
    held = Fraction(margin) + Fraction(amount)
    sign = 1 if long else -1
    denominator = held + sign * face / Fraction(entry)
    if not long and denominator >= 0:
        assert got == 0
        return
    root = face * (sign + Fraction(mmr)) / denominator * WAD
    assert got == (root.__ceil__() if long else root.__floor__())


def test_wad_forms_fail_where_cairo_panics() -> None:
    big = 2**200
    assert inverse_pnl_wad(big, big, 1, 1, True).failure().code == "numeric.overflow"
    assert inverse_pnl_wad(1, 1, 0, 5, True).failure().code == "numeric.division_by_zero"
    assert inverse_pnl_wad(-1, 1, 1, 1, True).failure().code == "numeric.fixed_range"
    assert inverse_fee_wad(1, 1, 2**250, 1).failure().code == "numeric.overflow"
    assert inverse_fee_wad(1, 1, 0, 1).failure().code == "numeric.division_by_zero"
    assert inverse_notional_wad(1, 1, 0, FixedRounding.FLOOR).failure().code == (
        "numeric.division_by_zero")
    assert inverse_average_entry_wad(0, 0, 5, 7, True) == Success(7)
    assert inverse_average_entry_wad(1, 0, 1, 0, True).failure().code == (
        "numeric.division_by_zero")
    assert inverse_average_entry_wad(2**255, 1, 2**255, 1, True).failure().code == (
        "numeric.overflow")
    liquidation = inverse_isolated_liquidation_price_wad
    assert liquidation(0, 1, 1, 1, maintenance_rate=0, maintenance_amount=0,
                       is_long=True).failure().code == "inverse.wad_input"
    assert liquidation(1, 1, 1, 1, maintenance_rate=WAD, maintenance_amount=0,
                       is_long=True).failure().code == "inverse.wad_input"
    # a short covered by a margin whose cover overflows: both sides fail, none answers 0
    assert liquidation(1, 1, 2**200, 2**60, maintenance_rate=0, maintenance_amount=0,
                       is_long=False).failure().code == "numeric.overflow"


# ------------------------------------------------------------------ totality, contexts


@given(awkward_inputs(), awkward_inputs(), awkward_inputs(), awkward_inputs())
def test_result_functions_are_total(a: Any, b: Any, c: Any, d: Any) -> None:
    # Any: the point is to pass what the declared types forbid as well
    calls: list[Callable[[], Result[Any, DomainError]]] = [
        lambda: InversePosition.of(BTCUSD, a, b, c),
        lambda: inverse_fee(BTCUSD, a, b, c, increment=d),
        lambda: inverse_initial_margin(BTCUSD, a, b, c),
        lambda: inverse_maintenance_margin(BTCUSD, a, b),
        lambda: inverse_isolated_liquidation_price(BTCUSD, a, b, c),
        lambda: inverse_cross_liquidation_price(BTCUSD, a, b, c),
        lambda: inverse_fixed_fractional_size(BTCUSD, a, b, c, d),
        lambda: inverse_fixed_fractional_size(BTCUSD, "1", "0.5", a, b, fee_rate=c,
                                              leverage=d),
    ]
    for call in calls:
        assert isinstance(call(), Success | Failure)


@given(hostile_contexts(), inverse_positions(max_contracts=10**4, max_price=10**5),
       st.lists(inverse_fills(), max_size=4), decimals(0, 10, 4))
def test_results_ignore_the_callers_context(ctx: decimal.Context, position: InversePosition,
                                            fills: list[Fill], margin: Decimal) -> None:
    instrument = _inverse("BTCUSD_PERP", str(position.contract_size), BTCUSD_TIERS)
    n, e, p = position.contracts, position.entry_price, position.mark_price
    wads = (_w(abs(n)), _w(position.contract_size), _w(e), _w(p))

    def run() -> tuple[object, ...]:
        state = inverse_state_from_fills(fills, InverseState.flat(instrument))
        return (
            inverse_pnl(position), position.notional, position.funding_payment(D("0.0001")),
            InversePosition.of(instrument, str(n), str(e), str(p)),
            inverse_fee(instrument, n, p, "0.0004", increment="0.00000001"),
            inverse_initial_margin(instrument, n, p, "3"),
            inverse_maintenance_margin(instrument, n, p),
            inverse_isolated_liquidation_price(instrument, n, e, margin),
            inverse_isolated_liquidation_price(instrument, n, e, margin, to_tick=False),
            inverse_cross_liquidation_price(instrument, n, e, margin, [(instrument, position)]),
            inverse_fixed_fractional_size(instrument, "2", "0.01", e, CONTEXT.multiply(
                e, D("0.9")), fee_rate="0.0005", leverage="5"),
            state, state.unrealized_pnl(p), state.break_even_price(D("0.0004")),
            inverse_pnl_wad(*wads, n > 0),
            inverse_isolated_liquidation_price_wad(*wads[:3], _w(margin),
                                                   maintenance_rate=WAD // 200,
                                                   maintenance_amount=0, is_long=n > 0),
        )

    expected = run()
    with decimal.localcontext(ctx):
        got = run()
    assert got == expected
    assert repr(got) == repr(expected)


def test_wad_functions_refuse_floats_and_booleans_before_multiplying() -> None:
    # Totality (tests/test_totality.py): a float operand made inverse_pnl_wad and inverse_fee_wad
    # raise OverflowError (int too large to convert to float) and inverse_average_entry_wad
    # answer Success(float)
    huge = 2**300
    assert inverse_pnl_wad(-1 / 3, huge, 1, 1, True).failure().code == "numeric.fixed_range"  # type: ignore[arg-type]
    assert inverse_fee_wad(huge, 0.5, 1, 1).failure().code == "numeric.fixed_range"  # type: ignore[arg-type]
    assert inverse_average_entry_wad(False, False, 2**128, 1.7e16, False).failure().code == (  # type: ignore[arg-type]
        "numeric.fixed_range")
    assert inverse_average_entry_wad(0, WAD, WAD, 2 * WAD, True).unwrap() == 2 * WAD
