"""Z3 proofs of the inverse (coin-margined) formulas in their on-chain integer (wad) form
(:mod:`astratrade_core.trading.inverse`, :mod:`astratrade_core.trading.inverse_margin`): the
coin P&L, the harmonic average entry and the isolated liquidation price.  The terms mirror the
Python algorithms line by line; :mod:`proofs.hypothesis_inverse` checks the implementation
against them.

The liquidation identity is stated from the definitions, not from the algorithm: the margin
balance ``margin + Side |n| S (1/e - 1/P)`` and the maintenance margin ``|n| S / P * mmr - cum``
(Binance COIN-M), both multiplied by the positive ``WAD**2 * e * P`` so that they are integers.
"""

from __future__ import annotations

from typing import Any

import z3

from proofs.registry import Obligation, z3_proof
from proofs.z3_numeric import U128_MAX, U256_MAX, WAD, mul_div_term

__all__ = ["inverse_entry_term", "inverse_liquidation_term", "inverse_pnl_term"]

_PNL = "astratrade_core.trading.inverse.inverse_pnl_wad"
_ENTRY = "astratrade_core.trading.inverse.inverse_average_entry_wad"
_LIQ = "astratrade_core.trading.inverse_margin.inverse_isolated_liquidation_price_wad"
_W = z3.IntVal(WAD)


def inverse_pnl_term(contracts: Any, size: Any, entry: Any, exit_price: Any,
                     is_long: Any) -> Any:
    """``inverse_pnl_wad``: ``face = contracts * size``, ``span = entry * exit``; a gain is
    ``mul_div(face, |exit - entry|, span, FLOOR)``, a loss minus the ``CEIL`` of the same."""
    face = contracts * size
    span = entry * exit_price
    gains = (exit_price >= entry) == is_long
    move = z3.If(exit_price >= entry, exit_price - entry, entry - exit_price)
    return z3.If(gains, mul_div_term(face, move, span, "floor"),
                 -mul_div_term(face, move, span, "ceil"))


def inverse_entry_term(contracts: Any, entry: Any, added: Any, price: Any, *,
                       is_long: bool) -> Any:
    """``inverse_average_entry_wad``: ``price`` from flat, else
    ``mul_div(contracts + added, entry * price, contracts * price + added * entry)`` rounded up
    for a long, down for a short."""
    denominator = contracts * price + added * entry
    merged = mul_div_term(contracts + added, entry * price, denominator,
                          "ceil" if is_long else "floor")
    return z3.If(contracts == 0, price, merged)


def inverse_liquidation_term(contracts: Any, size: Any, entry: Any, margin: Any, *, rate: Any,
                             amount: Any, is_long: bool) -> Any:
    """``inverse_isolated_liquidation_price_wad`` (0 = none, for a covered short)."""
    face = contracts * size
    cover = entry * (margin + amount)
    if is_long:
        return mul_div_term(face, entry * (WAD + rate), WAD * (cover + face), "ceil")
    price = mul_div_term(face, entry * (WAD - rate), WAD * (face - cover), "floor")
    return z3.If(face <= cover, 0, price)


def _pnl_inputs() -> tuple[list[Any], list[Any]]:
    n, s, e, p = z3.Ints("contracts size entry exit")
    return [n, s, e, p], [n >= 0, n <= U128_MAX, s >= 0, s <= U128_MAX, e >= 1,
                          e <= U128_MAX, p >= 1, p <= U128_MAX]


@z3_proof("inverse.pnl_wad.floor_of_exact",
          "on-chain inverse P&L is floor(exact coin P&L) in wad units for longs and shorts: "
          "contracts * size * (1/entry - 1/exit), profits rounded down, losses up (the "
          "protocol's favour)",
          targets=[_PNL], bounds="contracts, size in [0, 2**128); prices in [1, 2**128) wad")
def pnl_floor() -> list[Obligation]:
    (n, s, e, p), premises = _pnl_inputs()
    obligations = []
    for is_long in (True, False):
        # exact P&L * WAD = n s (p - e) / (e p) (long); pnl = floor(exact) <=> the bounds
        numerator = n * s * (p - e) if is_long else n * s * (e - p)
        pnl = inverse_pnl_term(n, s, e, p, z3.BoolVal(is_long))
        obligations.append(Obligation(premises, z3.And(pnl * e * p <= numerator,
                                                       numerator < (pnl + 1) * e * p)))
    return obligations


@z3_proof("inverse.average_entry_wad.harmonic",
          "the on-chain average entry is the harmonic mean (n1 + n2) / (n1/e + n2/p) rounded "
          "against the trader: up for a long, down for a short, by less than one wad unit",
          targets=[_ENTRY], bounds="contracts in [1, 2**128), added in [0, 2**128), prices in "
                                   "[1, 2**128) wad")
def average_entry_harmonic() -> list[Obligation]:
    n, e, a, p = z3.Ints("contracts entry added price")
    premises = [n >= 1, n <= U128_MAX, a >= 0, a <= U128_MAX, e >= 1, e <= U128_MAX, p >= 1,
                p <= U128_MAX]
    # harmonic mean h: (n + a) / h = n / e + a / p  <=>  h * (n p + a e) = (n + a) e p
    weight = n * p + a * e
    exact = (n + a) * e * p
    up = inverse_entry_term(n, e, a, p, is_long=True)
    down = inverse_entry_term(n, e, a, p, is_long=False)
    return [
        Obligation(premises, z3.And(up * weight >= exact, (up - 1) * weight < exact)),
        Obligation(premises, z3.And(down * weight <= exact, (down + 1) * weight > exact)),
    ]


def _liquidation_inputs() -> tuple[list[Any], list[Any]]:
    n, s, e, m, c, r = z3.Ints("contracts size entry margin amount rate")
    premises = [n >= 1, n <= U128_MAX, s >= 1, s <= U128_MAX, e >= 1, e <= U128_MAX,
                m >= 0, m <= U128_MAX, c >= 0, c <= U128_MAX, r >= 0, r < WAD]
    return [n, s, e, m, c, r], premises


def _balance_minus_maintenance(inputs: list[Any], price: Any, *, is_long: bool) -> Any:
    """``(margin balance - maintenance margin) * WAD**2 * e * P`` at ``price`` (wad), from the
    definitions: balance ``m + Side F (1/e - 1/P)``, maintenance ``F / P * mmr - cum`` with
    ``F = n s / WAD**2`` the face in quote, ``e = entry / WAD``, ``P = price / WAD``,
    ``m = margin / WAD``, ``cum = amount / WAD``, ``mmr = rate / WAD``."""
    n, s, e, m, c, r = inputs
    face = n * s
    side = 1 if is_long else -1
    balance = m * WAD * e * price + side * face * WAD * (price - e)
    maintenance = face * r * e - c * WAD * e * price
    return balance - maintenance


@z3_proof("inverse.liquidation_wad.identity",
          "at the on-chain inverse liquidation price the margin balance is at least the "
          "maintenance margin (Binance COIN-M: margin + Side |n| S (1/e - 1/P) vs |n| S/P mmr - "
          "cum), and one wad unit further (below for a long, above for a short) it is less: the "
          "price is the exact root rounded toward the entry; a short with no price (0) never "
          "reaches maintenance at any price",
          targets=[_LIQ],
          bounds="contracts, size, entry in [1, 2**128); margin, maintenance amount in "
                 "[0, 2**128); mmr in [0, 1) wad")
def liquidation_identity() -> list[Obligation]:
    inputs, premises = _liquidation_inputs()
    n, s, e, m, c, r = inputs
    long = inverse_liquidation_term(n, s, e, m, rate=r, amount=c, is_long=True)
    short = inverse_liquidation_term(n, s, e, m, rate=r, amount=c, is_long=False)
    covered = n * s <= e * (m + c)
    any_price = z3.Int("any_price")
    return [
        Obligation(premises, z3.And(
            long >= 1, _balance_minus_maintenance(inputs, long, is_long=True) >= 0,
            z3.Or(long == 1, _balance_minus_maintenance(inputs, long - 1, is_long=True) < 0))),
        Obligation([*premises, z3.Not(covered)], z3.And(
            z3.Or(short == 0, _balance_minus_maintenance(inputs, short, is_long=False) >= 0),
            _balance_minus_maintenance(inputs, short + 1, is_long=False) < 0)),
        Obligation([*premises, covered, any_price >= 1],
                   z3.And(short == 0,
                          _balance_minus_maintenance(inputs, any_price, is_long=False) >= 0)),
    ]


@z3_proof("inverse.liquidation_wad.in_range",
          "the on-chain inverse liquidation price needs no more than u256 for its quotient "
          "when its checked products fit: a long's price is at most entry * (1 + mmr), a "
          "short's at least entry * (1 - mmr) (floored), so only the checked products can "
          "overflow",
          targets=[_LIQ], bounds="as inverse.liquidation_wad.identity")
def liquidation_in_range() -> list[Obligation]:
    inputs, premises = _liquidation_inputs()
    n, s, e, m, c, r = inputs
    long = inverse_liquidation_term(n, s, e, m, rate=r, amount=c, is_long=True)
    short = inverse_liquidation_term(n, s, e, m, rate=r, amount=c, is_long=False)
    covered = n * s <= e * (m + c)
    return [
        Obligation(premises, z3.And(long * WAD <= e * (WAD + r) + WAD, long <= U256_MAX)),
        Obligation([*premises, z3.Not(covered)], short * WAD >= e * (WAD - r) - WAD),
    ]
