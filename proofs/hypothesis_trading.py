"""Hypothesis properties of trading: the wad forms against their Z3-proven terms, and the
Decimal laws (P&L antisymmetry, the risk budget after lot rounding, the liquidation identity)."""

from __future__ import annotations

from decimal import Decimal

import z3
from hypothesis import given
from hypothesis import strategies as st
from returns.maybe import Some
from returns.result import Failure, Success

from astratrade_core.instrument import Instrument
from astratrade_core.numeric import CONTEXT, U256_MAX
from astratrade_core.testing import decimals, positive_decimals
from astratrade_core.testing.trading import instruments, positions, signed_quantities
from astratrade_core.trading.margin import (
    equity_at,
    isolated_liquidation_price,
    isolated_liquidation_price_wad,
    maintenance_margin,
)
from astratrade_core.trading.pnl import Position, calculate_pnl, pnl_wad, position_size_wad
from astratrade_core.trading.sizing import fixed_fractional_size
from proofs.engines import z3_value
from proofs.registry import hypothesis_property
from proofs.z3_numeric import U128_MAX, WAD
from proofs.z3_trading import liquidation_term, pnl_wad_term, position_size_term

__all__ = ["wads"]

_Q, _E, _C = z3.Ints("quantity entry current")


def wads(max_value: int = U256_MAX) -> st.SearchStrategy[int]:
    """Wad integers: small, whole-unit, realistic (prices up to 10**7) and extreme."""
    return st.one_of(st.integers(0, 10**6), st.integers(0, 10**7).map(lambda n: n * WAD),
                     st.integers(0, 10**25), st.integers(0, max_value))


@hypothesis_property("trading.pnl_wad.conforms",
                     "pnl_wad returns exactly the Z3-proven term, or fails exactly when the "
                     "result leaves u256",
                     targets=["astratrade_core.trading.pnl.pnl_wad"],
                     bounds="quantity and prices: wad integers up to 2**256")
@given(wads(), wads(), wads(), st.booleans())
def pnl_wad_conforms(quantity: int, entry: int, current: int, is_long: bool) -> None:
    term = pnl_wad_term(_Q, _E, _C, z3.BoolVal(is_long))
    expected = z3_value(term, {_Q: quantity, _E: entry, _C: current})
    result = pnl_wad(quantity, entry, current, is_long)
    if abs(expected) > U256_MAX:
        assert isinstance(result, Failure)
    else:
        assert result == Success(expected), (quantity, entry, current, is_long, expected)


@hypothesis_property("trading.position_size_wad.conforms",
                     "position_size_wad returns exactly the Z3-proven floor(balance*risk/dist)",
                     targets=["astratrade_core.trading.pnl.position_size_wad"],
                     bounds="balance, risk: wad integers; distance >= 1")
@given(wads(), wads(), wads().map(lambda d: max(d, 1)))
def size_wad_conforms(balance: int, risk: int, distance: int) -> None:
    b, r, d = z3.Ints("balance risk distance")
    expected = z3_value(position_size_term(b, r, d), {b: balance, r: risk, d: distance})
    result = position_size_wad(balance, risk, distance)
    assert result == (Success(expected) if expected <= U256_MAX else result)
    assert expected <= U256_MAX or isinstance(result, Failure)


@hypothesis_property("trading.liquidation_wad.conforms",
                     "isolated_liquidation_price_wad returns exactly the Z3-proven term "
                     "whenever its intermediates fit u256",
                     targets=["astratrade_core.trading.margin.isolated_liquidation_price_wad"],
                     bounds="quantity, entry in [1, 2**128); margin, amount < 2**128; "
                            "mmr < 1 wad")
@given(wads(U128_MAX).map(lambda q: max(q, 1)), wads(U128_MAX).map(lambda e: max(e, 1)),
       wads(U128_MAX), st.integers(0, WAD - 1), wads(U128_MAX), st.booleans())
def liquidation_wad_conforms(  # noqa: PLR0917 - one parameter per drawn input
        quantity: int, entry: int, margin: int, rate: int, amount: int, is_long: bool) -> None:
    q, e, m, r, c = z3.Ints("quantity entry margin rate amount")
    term = liquidation_term(q, e, m, r, c, is_long=is_long)
    expected = z3_value(term, {q: quantity, e: entry, m: margin, r: rate, c: amount})
    result = isolated_liquidation_price_wad(quantity, entry, margin, rate, amount,
                                            is_long=is_long)
    if isinstance(result, Failure):
        assert result.failure().code == "numeric.overflow"
    else:
        assert result == Success(expected), (quantity, entry, margin, rate, amount, is_long)


@hypothesis_property("trading.pnl.antisymmetric",
                     "P&L of a short is minus the P&L of the same long; zero at entry; exact",
                     targets=["astratrade_core.trading.pnl.calculate_pnl"],
                     bounds="|quantity| <= 10**6, prices <= 10**7, 8 places")
@given(positions())
def pnl_antisymmetric(position: Position) -> None:
    pnl = calculate_pnl(position)
    mirrored = Position(position.asset, CONTEXT.minus(position.quantity),
                        position.entry_price, position.current_price)
    assert calculate_pnl(mirrored) == CONTEXT.minus(pnl)
    at_entry = Position(position.asset, position.quantity, position.entry_price,
                        position.entry_price)
    assert calculate_pnl(at_entry) == 0
    if position.quantity > 0:
        assert (pnl > 0) == (position.current_price > position.entry_price)


@hypothesis_property("trading.sizing.within_risk_budget",
                     "a fixed-fractional size never risks more than balance * risk (fees "
                     "included) after rounding down to the lot, and never needs more margin "
                     "than is available",
                     targets=["astratrade_core.trading.sizing.fixed_fractional_size",
                              "astratrade_core.numeric.round_to_increment"],
                     bounds="balance 10**3..10**7, risk 0.001..1, entry <= 10**4, stop 0.1-50 % "
                            "away, fee <= 1 %, leverage 1..125, random lots and brackets")
@given(instruments(), decimals(1000, 10**7, 2), decimals(Decimal("0.001"), 1, 3),
       positive_decimals(10**4, 2), decimals(Decimal("0.001"), Decimal("0.5"), 3),
       st.booleans(),
       decimals(0, Decimal("0.01"), 5), st.sampled_from([1, 1, 2, 5, 20, 125]))
def sizing_within_budget(  # noqa: PLR0917 - one parameter per drawn input
        instrument: Instrument, balance: Decimal, risk: Decimal, entry: Decimal,
        stop_fraction: Decimal, long: bool, fee: Decimal, leverage: int) -> None:
    lev = min(Decimal(leverage), instrument.max_leverage)
    offset = CONTEXT.multiply(entry, stop_fraction)
    stop = CONTEXT.subtract(entry, offset) if long else CONTEXT.add(entry, offset)
    result = fixed_fractional_size(instrument, balance, risk, entry, stop, fee_rate=fee,
                                   leverage=lev)
    if isinstance(result, Failure):
        return
    size = result.unwrap()
    per_unit = CONTEXT.add(CONTEXT.abs(CONTEXT.subtract(entry, stop)),
                           CONTEXT.multiply(fee, CONTEXT.add(entry, stop)))
    loss = CONTEXT.multiply(size.quantity, per_unit)
    assert loss <= CONTEXT.multiply(balance, risk), (size, loss)
    assert CONTEXT.remainder(size.quantity, instrument.lot_size) == 0
    margin_needed = CONTEXT.add(CONTEXT.divide(CONTEXT.multiply(size.quantity, entry), lev),
                                CONTEXT.multiply(fee, CONTEXT.multiply(size.quantity, entry)))
    assert margin_needed <= balance


@hypothesis_property("trading.liquidation.identity",
                     "at the exact liquidation price equity equals maintenance margin (to "
                     "1e-90 relative); at the tick-rounded price equity is still >= "
                     "maintenance (the protocol liquidates while solvent) and the price lies "
                     "strictly beyond the entry; a refusal is exactly a position liquidated "
                     "on opening or a tick coarser than the entry",
                     targets=["astratrade_core.trading.margin.isolated_liquidation_price"],
                     bounds="|quantity| <= 10**4, entry <= 10**6, margin <= 10**7; random "
                            "brackets and ticks")
@given(instruments(), signed_quantities(10**4, 4), positive_decimals(10**6, 2),
       decimals(0, 10**7, 2))
def liquidation_identity(instrument: Instrument, quantity: Decimal, entry: Decimal,
                         margin: Decimal) -> None:
    exact = isolated_liquidation_price(instrument, quantity, entry, margin, to_tick=False)
    rounded = isolated_liquidation_price(instrument, quantity, entry, margin)
    cover = CONTEXT.subtract(margin, maintenance_margin(instrument, quantity, entry))
    if isinstance(exact, Failure):
        assert exact.failure().code == "margin.liquidated_on_open" and cover <= 0, exact
        return
    assert cover > 0
    found = exact.unwrap()
    if not isinstance(found, Some):
        assert quantity > 0  # only a long can be safe at every price
        assert rounded == Success(found) or instrument.tick_size > entry
        return
    root = found.unwrap()
    assert root < entry if quantity > 0 else root > entry
    gap = CONTEXT.subtract(equity_at(quantity, entry, margin, root),
                           maintenance_margin(instrument, quantity, root))
    scale = CONTEXT.add(CONTEXT.multiply(CONTEXT.abs(quantity), root), margin)
    assert CONTEXT.abs(gap) <= CONTEXT.multiply(scale, Decimal("1e-90")), (root, gap)
    if isinstance(rounded, Failure):
        tick = instrument.tick_size
        code = rounded.failure().code
        if code == "margin.invalid":
            assert rounded.failure().codes() == ("margin.tick_too_coarse",) and tick > entry
        else:  # the rounded price reached the entry: the root lies within a tick of it
            assert code == "margin.liquidated_on_open"
            assert CONTEXT.abs(CONTEXT.subtract(entry, root)) < tick, (root, entry, tick)
        return
    price = rounded.unwrap().unwrap()
    assert price < entry if quantity > 0 else price > entry
    if price > 0:
        solvent = CONTEXT.subtract(equity_at(quantity, entry, margin, price),
                                   maintenance_margin(instrument, quantity, price))
        assert solvent >= CONTEXT.multiply(CONTEXT.minus(scale), Decimal("1e-90")), (price,
                                                                                      solvent)


@hypothesis_property("trading.position_size_wad.within_budget_symbolic",
                     "on-chain size * distance <= balance * risk < (size + 1) * distance, with "
                     "symbolic inputs",
                     targets=["astratrade_core.trading.pnl.position_size_wad"],
                     bounds="balance, risk < 10**38; distance in [1, 10**40)",
                     backend="crosshair", quick=False)
@given(st.integers(0, 10**38 - 1), st.integers(0, 10**38 - 1), st.integers(1, 10**40 - 1))
def size_wad_symbolic(balance: int, risk: int, distance: int) -> None:
    size = position_size_wad(balance, risk, distance).unwrap()
    assert size * distance <= balance * risk < (size + 1) * distance
