"""Z3 proofs of the trading formulas in their on-chain integer (wad) form: P&L, position size
and the isolated liquidation price (:mod:`astratrade_core.trading.pnl`,
:mod:`astratrade_core.trading.margin`).  All values are wad-scaled (``10**18``) unsigned
integers; the terms mirror the Python algorithms line by line and
:mod:`proofs.hypothesis_trading` checks the implementation against them.
"""

from __future__ import annotations

from typing import Any

import z3

from proofs.registry import Obligation, z3_proof
from proofs.z3_numeric import U128_MAX, U256_MAX, WAD, mul_div_term

__all__ = ["liquidation_term", "pnl_wad_term", "position_size_term"]

_PNL = "astratrade_core.trading.pnl.pnl_wad"
_SIZE = "astratrade_core.trading.pnl.position_size_wad"
_LIQ = "astratrade_core.trading.margin.isolated_liquidation_price_wad"
_W = z3.IntVal(WAD)


def pnl_wad_term(quantity: Any, entry: Any, current: Any, is_long: Any) -> Any:
    """``pnl_wad``: a gain is ``mul_div(q, |c - e|, WAD, FLOOR)``, a loss
    ``-mul_div(q, |c - e|, WAD, CEIL)``; the trader gains when the move is in its direction."""
    gains = (current >= entry) == is_long
    move = z3.If(current >= entry, current - entry, entry - current)
    return z3.If(gains, mul_div_term(quantity, move, _W, "floor"),
                 -mul_div_term(quantity, move, _W, "ceil"))


def position_size_term(balance: Any, risk: Any, distance: Any) -> Any:
    """``position_size_wad``: ``mul_div(balance, risk, distance, FLOOR)``."""
    return mul_div_term(balance, risk, distance, "floor")


def liquidation_term(quantity: Any, entry: Any, margin: Any, rate: Any, amount: Any, *,
                     is_long: bool) -> Any:
    """``isolated_liquidation_price_wad`` (0 = no liquidation price for a long)."""
    base = quantity * entry
    cover = (margin + amount) * WAD
    if is_long:
        price = mul_div_term(base - cover, _W, quantity * (WAD - rate), "ceil")
        return z3.If(base <= cover, 0, price)
    return mul_div_term(base + cover, _W, quantity * (WAD + rate), "floor")


def _pnl_inputs() -> tuple[Any, Any, Any, list[Any]]:
    q, e, c = z3.Ints("quantity entry current")
    return q, e, c, [q >= 0, q <= U256_MAX, e >= 0, e <= U256_MAX, c >= 0, c <= U256_MAX]


@z3_proof("trading.pnl_wad.floor_of_exact",
          "on-chain P&L is floor(exact P&L) in wad units for longs and shorts: profits round "
          "down, losses round up (the protocol's favour)",
          targets=[_PNL], bounds="quantity, prices in [0, 2**256) wad")
def pnl_floor() -> list[Obligation]:
    q, e, c, premises = _pnl_inputs()
    obligations = []
    for is_long in (True, False):
        exact = q * (c - e) if is_long else q * (e - c)  # wad**2
        pnl = pnl_wad_term(q, e, c, z3.BoolVal(is_long))
        obligations.append(Obligation(premises, z3.And(pnl * WAD <= exact,
                                                       exact < (pnl + 1) * WAD)))
    return obligations


@z3_proof("trading.pnl_wad.antisymmetric",
          "long and short P&L on the same move cancel (sum 0, or -1 unit when the exact value "
          "is not a whole wad unit: never in the trader's favour); zero at entry",
          targets=[_PNL], bounds="quantity, prices in [0, 2**256) wad")
def pnl_antisymmetric() -> Obligation:
    q, e, c, premises = _pnl_inputs()
    long = pnl_wad_term(q, e, c, z3.BoolVal(True))
    short = pnl_wad_term(q, e, c, z3.BoolVal(False))
    whole = (q * (c - e)) % WAD == 0
    return Obligation(premises, z3.And(
        z3.If(whole, long + short == 0, long + short == -1),
        z3.Implies(c == e, z3.And(long == 0, short == 0))))


@z3_proof("trading.position_size_wad.within_budget",
          "on-chain size never risks more than the budget: size * distance <= balance * risk, "
          "and one more unit would exceed it",
          targets=[_SIZE], bounds="balance, risk in [0, 2**256); distance in [1, 2**256) wad")
def size_within_budget() -> Obligation:
    balance, risk, distance = z3.Ints("balance risk distance")
    premises = [balance >= 0, balance <= U256_MAX, risk >= 0, risk <= U256_MAX,
                distance >= 1, distance <= U256_MAX]
    size = position_size_term(balance, risk, distance)
    return Obligation(premises, z3.And(size * distance <= balance * risk,
                                       (size + 1) * distance > balance * risk))


def _liquidation_inputs() -> tuple[list[Any], list[Any]]:
    q, e, m, c, r = z3.Ints("quantity entry margin amount rate")
    premises = [q >= 1, q <= U128_MAX, e >= 1, e <= U128_MAX, m >= 0, m <= U128_MAX,
                c >= 0, c <= U128_MAX, r >= 0, r < WAD]
    return [q, e, m, c, r], premises


def _equity_minus_maintenance(inputs: list[Any], price: Any, *, is_long: bool) -> Any:
    """``(equity - maintenance) * WAD**2`` at ``price``: equity ``m + q (P - e)`` (long) or
    ``m + q (e - P)`` (short); maintenance ``q P mmr - cum`` (Binance)."""
    q, e, m, c, r = inputs
    move = price - e if is_long else e - price
    return m * WAD * WAD + q * move * WAD - (q * price * r - c * WAD * WAD)


@z3_proof("trading.liquidation_wad.identity",
          "at the on-chain liquidation price equity >= maintenance margin, and one wad unit "
          "further (below for a long, above for a short) equity < maintenance: the price is the "
          "exact root rounded toward the entry; a long with no price (0) never reaches "
          "maintenance at any price",
          targets=[_LIQ],
          bounds="quantity, entry in [1, 2**128); margin, maintenance amount in [0, 2**128); "
                 "mmr in [0, 1) wad")
def liquidation_identity() -> list[Obligation]:
    inputs, premises = _liquidation_inputs()
    q, e, m, c, r = inputs
    long = liquidation_term(q, e, m, r, c, is_long=True)
    short = liquidation_term(q, e, m, r, c, is_long=False)
    liquidable = q * e > (m + c) * WAD
    any_price = z3.Int("any_price")
    return [
        Obligation([*premises, liquidable], z3.And(
            _equity_minus_maintenance(inputs, long, is_long=True) >= 0,
            _equity_minus_maintenance(inputs, long - 1, is_long=True) < 0)),
        Obligation([*premises, z3.Not(liquidable), any_price >= 0],
                   z3.And(long == 0,
                          _equity_minus_maintenance(inputs, any_price, is_long=True) >= 0)),
        Obligation(premises, z3.And(
            _equity_minus_maintenance(inputs, short, is_long=False) >= 0,
            _equity_minus_maintenance(inputs, short + 1, is_long=False) < 0)),
    ]
