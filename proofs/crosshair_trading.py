"""CrossHair contracts on trading: P&L antisymmetry and zero at entry, the on-chain size within
its budget, the on-chain P&L as the floor of the exact value, the lot-rounded size within the
risk budget, and the on-chain liquidation-price identity."""

from __future__ import annotations

from decimal import Decimal

from crosshair import realize
from returns.result import Success

from astratrade_core.instrument import Instrument
from astratrade_core.money import BTC, USD
from astratrade_core.numeric import CONTEXT, WAD
from astratrade_core.trading.margin import isolated_liquidation_price_wad
from astratrade_core.trading.pnl import Position, calculate_pnl, pnl_wad, position_size_wad
from astratrade_core.trading.sizing import fixed_fractional_size
from proofs.registry import crosshair_contract

__all__ = ["liquidation_wad", "lot_rounded_size", "pnl_pair", "pnl_wad_long", "pnl_wad_short",
           "size_wad"]

_BTC = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001",
                     min_quantity="0.001", min_notional="0", max_leverage="20").unwrap()


def _decimal(units: int, scale: int) -> Decimal:
    return Decimal(units).scaleb(-scale, CONTEXT)


@crosshair_contract("trading.pnl.antisymmetric_contract",
                    "calculate_pnl: a short's P&L is minus the long's, and zero at entry",
                    targets=["astratrade_core.trading.pnl.calculate_pnl"],
                    bounds="quantity = n/10**8, |n| < 10**14; prices = p/10**2 in (0, 10**9)",
                    quick=True)
def pnl_pair(quantity: int, entry: int, current: int) -> tuple[Decimal, Decimal, Decimal]:
    """
    pre: -10**14 < quantity < 10**14
    pre: 0 < entry < 10**11 and 0 < current < 10**11
    post: __return__[1] == -__return__[0]
    post: __return__[2] == 0
    """
    q, e, c = _decimal(quantity, 8), _decimal(entry, 2), _decimal(current, 2)
    return (calculate_pnl(Position("BTC", q, e, c)),
            calculate_pnl(Position("BTC", CONTEXT.minus(q), e, c)),
            calculate_pnl(Position("BTC", q, e, e)))


@crosshair_contract("trading.position_size_wad.contract",
                    "on-chain size * distance never exceeds balance * risk",
                    targets=["astratrade_core.trading.pnl.position_size_wad"],
                    bounds="balance, risk < 10**38; distance in [1, 10**40)")
def size_wad(balance: int, risk: int, distance: int) -> int:
    """
    pre: 0 <= balance < 10**38 and 0 <= risk < 10**38 and 0 < distance < 10**40
    post: __return__ * distance <= balance * risk < (__return__ + 1) * distance
    """
    return position_size_wad(balance, risk, distance).unwrap()


def _pnl_wad(quantity: int, entry: int, current: int, is_long: bool) -> int:
    result = pnl_wad(quantity, entry, current, is_long)
    return result.unwrap() if isinstance(result, Success) else -(2**512)


@crosshair_contract("trading.pnl_wad.long_contract",
                    "on-chain long P&L is floor(q * (current - entry) / WAD)",
                    targets=["astratrade_core.trading.pnl.pnl_wad"],
                    bounds="quantity, prices < 10**40 wad")
def pnl_wad_long(quantity: int, entry: int, current: int) -> int:
    """
    pre: 0 <= quantity < 10**40 and 0 <= entry < 10**40 and 0 <= current < 10**40
    post: __return__ * WAD <= quantity * (current - entry) < (__return__ + 1) * WAD
    """
    return _pnl_wad(quantity, entry, current, True)


@crosshair_contract("trading.pnl_wad.short_contract",
                    "on-chain short P&L is floor(q * (entry - current) / WAD)",
                    targets=["astratrade_core.trading.pnl.pnl_wad"],
                    bounds="quantity, prices < 10**40 wad")
def pnl_wad_short(quantity: int, entry: int, current: int) -> int:
    """
    pre: 0 <= quantity < 10**40 and 0 <= entry < 10**40 and 0 <= current < 10**40
    post: __return__ * WAD <= quantity * (entry - current) < (__return__ + 1) * WAD
    """
    return _pnl_wad(quantity, entry, current, False)


@crosshair_contract("trading.sizing.within_budget_contract",
                    "BTC (lot 0.001): the fixed-fractional size, rounded down to the lot, "
                    "loses at most balance * risk at the stop, fees included",
                    targets=["astratrade_core.trading.sizing.fixed_fractional_size",
                             "astratrade_core.numeric.round_to_increment"],
                    bounds="balance = b/100 < 10**8; risk = r/1000 in (0, 1]; prices = p/10 "
                           "< 10**6; fee = f/10**5 < 1 % (inputs concretised per path)")
def lot_rounded_size(balance: int, risk: int, entry: int, stop: int, fee: int) -> Decimal:
    """
    pre: 0 < balance < 10**10 and 0 < risk <= 1000
    pre: 0 < entry < 10**7 and 0 < stop < 10**7 and entry != stop
    pre: 0 <= fee < 1000
    post: __return__ <= _decimal(balance, 2) * _decimal(risk, 3)
    """
    # Symbolic Decimal division explodes into digit-by-digit paths: concretise per path.
    result = fixed_fractional_size(_BTC, _decimal(realize(balance), 2),
                                   _decimal(realize(risk), 3), _decimal(realize(entry), 1),
                                   _decimal(realize(stop), 1), fee_rate=_decimal(realize(fee), 5))
    return result.unwrap().worst_case_loss if isinstance(result, Success) else Decimal(0)


def _is_tight_root(inputs: tuple[int, int, int, int, int], price: int, is_long: bool) -> bool:
    """Equity >= maintenance at ``price`` and < one wad unit further from the entry, in
    ``WAD**2`` units (written independently of the core); 0 means no price for a long."""
    quantity, entry, margin, rate, amount = inputs

    def gap(at: int) -> int:  # (equity - maintenance) * WAD**2
        move = at - entry if is_long else entry - at
        return (margin * WAD * WAD + quantity * move * WAD
                - (quantity * at * rate - amount * WAD * WAD))

    if is_long and price == 0:
        return gap(0) >= 0
    return gap(price) >= 0 > gap(price - 1 if is_long else price + 1)


@crosshair_contract("trading.liquidation_wad.identity_contract",
                    "the on-chain liquidation price is where equity meets maintenance: "
                    "equity >= maintenance there, < one wad unit further from the entry",
                    targets=["astratrade_core.trading.margin.isolated_liquidation_price_wad"],
                    bounds="quantity, entry in [1, 10**30); margin, amount < 10**30; mmr < 1 wad")
def liquidation_wad(  # noqa: PLR0917 - the core function's own parameters
        quantity: int, entry: int, margin: int, rate: int, amount: int, is_long: bool) -> int:
    """
    pre: 0 < quantity < 10**30 and 0 < entry < 10**30
    pre: 0 <= margin < 10**30 and 0 <= amount < 10**30 and 0 <= rate < WAD
    post: _is_tight_root((quantity, entry, margin, rate, amount), __return__, is_long)
    """
    return isolated_liquidation_price_wad(quantity, entry, margin, rate, amount,
                                          is_long=is_long).unwrap()
