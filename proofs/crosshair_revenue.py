"""CrossHair contracts on revenue: allocation and NFT sale settlement conserve the total; a
trading fee never exceeds its notional."""

from __future__ import annotations

from decimal import Decimal

from returns.result import Success

from astratrade_core.money import USD, Money
from astratrade_core.numeric import CONTEXT
from astratrade_core.revenue.allocation import allocate_units
from astratrade_core.revenue.fees import STANDARD_TRADING_FEES, Liquidity
from astratrade_core.revenue.marketplace import settle_units
from proofs.registry import crosshair_contract

__all__ = ["allocation_three_parts", "sale_settlement", "standard_fee"]

_FAILED = (-1, -1, -1, -1)  # stands for a Failure in the postconditions


def _near_shares(parts: tuple[int, ...], weights: tuple[int, ...], total: int) -> bool:
    weight_sum = sum(weights)
    return all(abs(p * weight_sum - total * w) < weight_sum
               for p, w in zip(parts, weights, strict=True))


def _costs(price: int, platform_bps: int, royalty_bps: int, fixed: int) -> int:
    # ceil for the platform fee, floor for the royalty, written independently of the core
    return -(-price * platform_bps // 10_000) + price * royalty_bps // 10_000 + fixed


@crosshair_contract("revenue.allocate_units.contract",
                    "three-way largest-remainder split: parts sum to the total and each is "
                    "within one unit of its exact share",
                    targets=["astratrade_core.revenue.allocation.allocate_units"],
                    bounds="total < 10**30, weights < 10**20, sum of weights > 0", quick=True)
def allocation_three_parts(total: int, w0: int, w1: int, w2: int) -> tuple[int, ...]:
    """
    pre: 0 <= total < 10**30
    pre: 0 <= w0 < 10**20 and 0 <= w1 < 10**20 and 0 <= w2 < 10**20
    pre: w0 + w1 + w2 > 0
    post: sum(__return__) == total
    post: _near_shares(__return__, (w0, w1, w2), total)
    """
    return allocate_units(total, (w0, w1, w2)).unwrap()


@crosshair_contract("revenue.settle_units.contract",
                    "sale settlement: parts sum to the price, fee and royalty never exceed it, "
                    "and it fails only when the fixed fee does not fit",
                    targets=["astratrade_core.revenue.marketplace.settle_units"],
                    bounds="price < 10**30; platform + royalty bps <= 10000; fixed < 10**6")
def sale_settlement(price: int, platform_bps: int, royalty_bps: int,
                    fixed: int) -> tuple[int, int, int, int]:
    """
    pre: 0 <= price < 10**30 and 0 <= fixed < 10**6
    pre: 0 <= platform_bps and 0 <= royalty_bps and platform_bps + royalty_bps <= 10000
    post: __return__ == _FAILED or sum(__return__) == price
    post: __return__ == _FAILED or __return__[0] + __return__[1] <= price
    post: (__return__ == _FAILED) == (_costs(price, platform_bps, royalty_bps, fixed) > price)
    """
    result = settle_units(price, platform_bps, royalty_bps, fixed)
    return result.unwrap() if isinstance(result, Success) else _FAILED


@crosshair_contract("revenue.fee_schedule.fee_within_notional_contract",
                    "the standard maker/taker schedule never charges (or rebates) more than "
                    "the notional, at any 30-day volume",
                    targets=["astratrade_core.revenue.fees.FeeSchedule.fee"],
                    bounds="notional = n/100 USD, n < 10**14; volume = v USD, v < 10**9")
def standard_fee(notional_cents: int, volume: int, taker: bool) -> Decimal:
    """
    pre: 0 <= notional_cents < 10**14 and 0 <= volume < 10**9
    post: abs(__return__) <= Decimal(notional_cents).scaleb(-2)
    """
    notional = Money(Decimal(notional_cents).scaleb(-2, CONTEXT), USD)
    liquidity = Liquidity.TAKER if taker else Liquidity.MAKER
    return STANDARD_TRADING_FEES.fee(notional, Decimal(volume), liquidity).unwrap().amount
