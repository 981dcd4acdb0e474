"""Hypothesis properties of inverse (coin-margined) contracts: the wad forms against their
Z3-proven terms, and the Decimal laws - long/short antisymmetry in coin, the linear equivalent
at the exit price, harmonic additivity, conservation over fills, the liquidation identity and
the risk budget of the exact sizing.  ``tests/core/trading/test_inverse.py`` runs every one of
them under the test profiles, so only the cheapest are in the runner's quick tier as well."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import z3
from hypothesis import assume, given
from hypothesis import strategies as st
from returns.maybe import Nothing
from returns.result import Failure, Success

from astratrade_core.instrument import Instrument
from astratrade_core.numeric import CONTEXT, U256_MAX
from astratrade_core.testing import (
    contract_counts,
    decimals,
    inverse_fills,
    inverse_instruments,
    inverse_positions,
    positive_decimals,
)
from astratrade_core.trading.fills import Fill
from astratrade_core.trading.inverse import (
    InversePosition,
    InverseState,
    inverse_average_entry_wad,
    inverse_pnl,
    inverse_pnl_wad,
    inverse_state_from_fills,
)
from astratrade_core.trading.inverse_margin import (
    inverse_fixed_fractional_size,
    inverse_isolated_liquidation_price,
    inverse_isolated_liquidation_price_wad,
)
from astratrade_core.trading.pnl import Position, calculate_pnl
from proofs.engines import z3_value
from proofs.hypothesis_trading import wads
from proofs.registry import hypothesis_property
from proofs.z3_inverse import inverse_entry_term, inverse_liquidation_term, inverse_pnl_term
from proofs.z3_numeric import U128_MAX, WAD

__all__ = ["balance_minus_maintenance"]

_INVERSE = "astratrade_core.trading.inverse."
_MARGIN = "astratrade_core.trading.inverse_margin."
_EXACT = Fraction(1, 10**100)


@hypothesis_property("inverse.pnl_wad.conforms",
                     "inverse_pnl_wad returns exactly the Z3-proven term, or fails exactly when "
                     "an intermediate leaves u256 or a price is zero",
                     targets=[_INVERSE + "inverse_pnl_wad"],
                     bounds="contracts, size, prices: wad integers up to 2**256")
@given(wads(), wads(), wads(), wads(), st.booleans())
def pnl_wad_conforms(contracts: int, size: int, entry: int, exit_price: int,
                     is_long: bool) -> None:
    n, s, e, p = z3.Ints("contracts size entry exit")
    result = inverse_pnl_wad(contracts, size, entry, exit_price, is_long)
    if contracts * size > U256_MAX or entry * exit_price > U256_MAX:
        assert result.failure().code == "numeric.overflow"
    elif entry * exit_price == 0:
        assert result.failure().code == "numeric.division_by_zero"
    else:
        term = inverse_pnl_term(n, s, e, p, z3.BoolVal(is_long))
        expected = z3_value(term, {n: contracts, s: size, e: entry, p: exit_price})
        assert result == Success(expected), (contracts, size, entry, exit_price, is_long)


@hypothesis_property("inverse.average_entry_wad.conforms",
                     "inverse_average_entry_wad returns exactly the Z3-proven harmonic term "
                     "whenever its intermediates fit u256",
                     targets=[_INVERSE + "inverse_average_entry_wad"],
                     bounds="contracts, added, prices: wad integers below 2**128")
@given(wads(U128_MAX), wads(U128_MAX).map(lambda e: max(e, 1)), wads(U128_MAX),
       wads(U128_MAX).map(lambda p: max(p, 1)), st.booleans())
def average_entry_wad_conforms(contracts: int, entry: int, added: int, price: int,
                               is_long: bool) -> None:
    n, e, a, p = z3.Ints("contracts entry added price")
    term = inverse_entry_term(n, e, a, p, is_long=is_long)
    expected = z3_value(term, {n: contracts, e: entry, a: added, p: price})
    result = inverse_average_entry_wad(contracts, entry, added, price, is_long)
    if isinstance(result, Failure):
        assert result.failure().code == "numeric.overflow"
    else:
        assert result == Success(expected), (contracts, entry, added, price, is_long)


@hypothesis_property("inverse.liquidation_wad.conforms",
                     "inverse_isolated_liquidation_price_wad returns exactly the Z3-proven term "
                     "whenever its intermediates fit u256",
                     targets=[_MARGIN + "inverse_isolated_liquidation_price_wad"],
                     bounds="contracts, size, entry in [1, 2**128); margin, amount < 2**128; "
                            "mmr < 1 wad")
@given(wads(U128_MAX).map(lambda q: max(q, 1)), wads(U128_MAX).map(lambda s: max(s, 1)),
       wads(U128_MAX).map(lambda e: max(e, 1)), wads(U128_MAX), st.integers(0, WAD - 1),
       wads(U128_MAX), st.booleans())
def liquidation_wad_conforms(  # noqa: PLR0917 - one parameter per drawn input
        contracts: int, size: int, entry: int, margin: int, rate: int, amount: int,
        is_long: bool) -> None:
    n, s, e, m, r, c = z3.Ints("contracts size entry margin rate amount")
    term = inverse_liquidation_term(n, s, e, m, rate=r, amount=c, is_long=is_long)
    expected = z3_value(term, {n: contracts, s: size, e: entry, m: margin, r: rate,
                               c: amount})
    result = inverse_isolated_liquidation_price_wad(
        contracts, size, entry, margin, maintenance_rate=rate, maintenance_amount=amount,
        is_long=is_long)
    if isinstance(result, Failure):
        assert result.failure().code == "numeric.overflow"
    else:
        assert result == Success(expected), (contracts, size, entry, margin, rate, amount)


@hypothesis_property("inverse.pnl.antisymmetric",
                     "inverse P&L in coin of a short is exactly minus the same long's; zero at "
                     "the entry; positive exactly when the price moved the position's way",
                     targets=[_INVERSE + "inverse_pnl"],
                     bounds="|contracts| <= 10**6, prices <= 10**6 (4 places), sizes 1/10/100 "
                            "and odd")
@given(inverse_positions())
def pnl_antisymmetric(position: InversePosition) -> None:
    pnl = inverse_pnl(position)
    mirrored = InversePosition(CONTEXT.minus(position.contracts), position.contract_size,
                               position.entry_price, position.mark_price)
    assert inverse_pnl(mirrored) == CONTEXT.minus(pnl)
    at_entry = InversePosition(position.contracts, position.contract_size,
                               position.entry_price, position.entry_price)
    assert inverse_pnl(at_entry) == 0
    moved_its_way = (position.mark_price > position.entry_price) == position.is_long
    assert (pnl > 0) == (moved_its_way and position.mark_price != position.entry_price)


@hypothesis_property("inverse.pnl.linear_equivalent",
                     "coin P&L times the exit price equals the quote P&L of the linear "
                     "position holding the coins the contracts were worth at the entry: "
                     "n S (1/e - 1/P) * P = (n S / e) (P - e) exactly over the rationals; the "
                     "Decimal forms agree to 1e-115 relative",
                     targets=[_INVERSE + "inverse_pnl",
                              "astratrade_core.trading.pnl.calculate_pnl"],
                     bounds="as inverse.pnl.antisymmetric",
                     quick=False)
@given(inverse_positions())
def pnl_linear_equivalent(position: InversePosition) -> None:
    n, s, e, p = (Fraction(position.contracts), Fraction(position.contract_size),
                  Fraction(position.entry_price), Fraction(position.mark_price))
    exact = n * s * (1 / e - 1 / p)
    assert exact * p == (n * s / e) * (p - e)
    pnl = Fraction(inverse_pnl(position))
    assert abs(pnl - exact) <= abs(exact) * Fraction(1, 10**119)
    coins = CONTEXT.divide(CONTEXT.multiply(position.contracts, position.contract_size),
                           position.entry_price)
    linear = Fraction(calculate_pnl(Position("COIN", coins, position.entry_price,
                                             position.mark_price)))
    assert abs(pnl * p - linear) <= (abs(linear) + 1) * Fraction(1, 10**115)


@hypothesis_property("inverse.average_entry.additive",
                     "fills on one side fold to the harmonic mean entry, the one average that "
                     "makes the position's coin P&L the sum of its fills' P&L at every exit "
                     "price (to 1e-105 relative)",
                     targets=[_INVERSE + "apply_inverse_fill"],
                     bounds="1-6 fills of up to 10**4 contracts, prices <= 10**6 (2 places)",
                     quick=False)
@given(st.lists(st.tuples(st.integers(1, 10**4), positive_decimals(10**6, 2)), min_size=1,
                max_size=6), st.booleans(), positive_decimals(10**6, 2))
def average_entry_additive(fills: list[tuple[int, Decimal]], long: bool,
                           exit_price: Decimal) -> None:
    sign = 1 if long else -1
    state = inverse_state_from_fills([Fill(Decimal(sign * n), p) for n, p in fills],
                                     InverseState(Decimal(100)))
    total = sum(n for n, _ in fills)
    harmonic = Fraction(total) / sum(Fraction(n) / Fraction(p) for n, p in fills)
    assert abs(Fraction(state.entry_price) - harmonic) <= harmonic * Fraction(1, 10**110)
    parts = sum((sign * n * 100 * (1 / Fraction(p) - 1 / Fraction(exit_price))
                 for n, p in fills), Fraction(0))
    whole = Fraction(state.unrealized_pnl(exit_price))
    assert abs(whole - parts) <= (abs(parts) + 1) * Fraction(1, 10**105)


@hypothesis_property("inverse.fills.conservation",
                     "realized plus unrealized coin P&L equals the fills' coin flows "
                     "sum(q S / p) minus the open contracts' value n S / mark, for any order of "
                     "opens, partial closes and reversals (to 1e-110 per fill)",
                     targets=[_INVERSE + "apply_inverse_fill"],
                     bounds="1-8 fills of up to 10**4 contracts, prices <= 10**6",
                     quick=False)
@given(st.lists(inverse_fills(), min_size=1, max_size=8), positive_decimals(10**6, 2),
       st.sampled_from([Decimal(1), Decimal(10), Decimal(100)]))
def fills_conserve(fills: list[Fill], mark: Decimal, size: Decimal) -> None:
    state = inverse_state_from_fills(fills, InverseState(size))
    flows = sum((Fraction(f.quantity) * Fraction(size) / Fraction(f.price) for f in fills),
                Fraction(0))
    held = Fraction(sum((f.quantity for f in fills), Decimal(0)))
    assert state.contracts == held
    exact = flows - held * Fraction(size) / Fraction(mark)
    got = Fraction(state.realized_pnl) + Fraction(state.unrealized_pnl(mark))
    scale = sum((abs(Fraction(f.quantity)) * Fraction(size) / Fraction(f.price) for f in fills),
                Fraction(0))
    assert abs(got - exact) <= (scale + 1) * Fraction(1, 10**110) * len(fills)


def balance_minus_maintenance(instrument: Instrument, contracts: Decimal, entry: Decimal,
                              collateral: Decimal, price: Fraction) -> Fraction:
    """Exact margin balance minus maintenance margin (coin) at ``price``: ``C + n S (1/e -
    1/P) - (|n| S / P * mmr - cum)`` with the bracket of the value at ``price``."""
    size = Fraction(instrument.contract_size)
    value = abs(Fraction(contracts)) * size / price
    bracket = instrument.tier_for(Decimal(value.numerator) / Decimal(value.denominator))
    balance = Fraction(collateral) + Fraction(contracts) * size * (
        1 / Fraction(entry) - 1 / price)
    return balance - (value * Fraction(bracket.maintenance_margin_rate)
                      - Fraction(bracket.maintenance_amount))


@hypothesis_property("inverse.liquidation.identity",
                     "at the exact inverse liquidation price the margin balance equals the "
                     "maintenance margin (to 1e-100 relative); at the tick-rounded price it is "
                     "still >= maintenance; a refused position is at or below maintenance at "
                     "its entry; Nothing only for a short backed by its value",
                     targets=[_MARGIN + "inverse_isolated_liquidation_price"],
                     bounds="|contracts| <= 10**5, entry <= 10**5, margin <= 10**3 coin; "
                            "random brackets, ticks and contract sizes",
                     quick=False)
@given(inverse_instruments(), contract_counts(10**5), positive_decimals(10**5, 2),
       decimals(0, 10**3, 6))
def liquidation_identity(instrument: Instrument, contracts: Decimal, entry: Decimal,
                         margin: Decimal) -> None:
    exact = inverse_isolated_liquidation_price(instrument, contracts, entry, margin,
                                               to_tick=False)
    rounded = inverse_isolated_liquidation_price(instrument, contracts, entry, margin)
    if isinstance(exact, Failure):
        assert exact.failure().code == "inverse.liquidated_on_open" and rounded == exact
        assert balance_minus_maintenance(instrument, contracts, entry, margin,
                                         Fraction(entry)) <= 0
        return
    if exact.unwrap() == Nothing:
        face = CONTEXT.multiply(CONTEXT.abs(contracts), instrument.contract_size)
        assert contracts < 0 and margin >= CONTEXT.divide(face, entry)
        assert rounded == Success(Nothing)
        return
    root = Fraction(exact.unwrap().unwrap())
    scale = abs(Fraction(contracts)) * Fraction(instrument.contract_size) / root + Fraction(
        margin)
    gap = balance_minus_maintenance(instrument, contracts, entry, margin, root)
    assert abs(gap) <= scale * _EXACT
    assert (root < Fraction(entry)) == (contracts > 0)
    price = rounded.unwrap().unwrap()
    if price > 0:
        assert balance_minus_maintenance(instrument, contracts, entry, margin,
                                         Fraction(price)) >= -scale * _EXACT
        assert abs(Fraction(price) - root) < Fraction(instrument.tick_size)


@hypothesis_property("inverse.sizing.within_risk_budget",
                     "an inverse size (whole lots of contracts) never loses more than balance * "
                     "risk in coin at the stop, fees included, never needs more margin and entry "
                     "fee than the balance, and one more lot would break one of the two",
                     targets=[_MARGIN + "inverse_fixed_fractional_size"],
                     bounds="balance 0.01-1000 coin, risk 0.001-1, entry <= 10**5, stop 0.1-50 "
                            "% away, fee <= 0.1 %, leverage 1-125, random lots and brackets",
                     quick=False)
@given(inverse_instruments(), decimals(Decimal("0.01"), 10**3, 4),
       decimals(Decimal("0.001"), 1, 3), positive_decimals(10**5, 1),
       decimals(Decimal("0.001"), Decimal("0.5"), 3), st.booleans(),
       decimals(0, Decimal("0.001"), 5), st.sampled_from([1, 2, 5, 20, 125]))
def sizing_within_budget(  # noqa: PLR0917 - one parameter per drawn input
        instrument: Instrument, balance: Decimal, risk: Decimal, entry: Decimal,
        stop_fraction: Decimal, long: bool, fee: Decimal, leverage: int) -> None:
    lev = min(Decimal(leverage), instrument.max_leverage)
    offset = CONTEXT.multiply(entry, stop_fraction)
    stop = CONTEXT.subtract(entry, offset) if long else CONTEXT.add(entry, offset)
    assume(stop > 0 and stop != entry)
    result = inverse_fixed_fractional_size(instrument, balance, risk, entry, stop,
                                           fee_rate=fee, leverage=lev)
    size, e, s, f = (Fraction(instrument.contract_size), Fraction(entry), Fraction(stop),
                     Fraction(fee))
    per_contract = size * (abs(e - s) + f * (e + s)) / (e * s)
    per_margin = size / e / Fraction(lev) + f * size / e
    budget = Fraction(balance) * Fraction(risk)

    def fits(contracts: Fraction) -> bool:
        return (contracts * per_contract <= budget
                and contracts * per_margin <= Fraction(balance))

    if isinstance(result, Failure):
        assert result.failure().kind.value == "rejected"
        return
    sized = result.unwrap()
    contracts = Fraction(sized.quantity)
    assert fits(contracts) and contracts % Fraction(instrument.lot_size) == 0
    assert not fits(contracts + Fraction(instrument.lot_size))
    assert sized.is_long == long
    assert abs(Fraction(sized.worst_case_loss) - contracts * per_contract) < _EXACT
