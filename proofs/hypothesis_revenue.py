"""Hypothesis properties of revenue: allocation and sale settlement against their Z3 models,
Money-level conservation, and the trading fee bound."""

from __future__ import annotations

from decimal import Decimal

import z3
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

from astratrade_core.money import USD, Money
from astratrade_core.revenue.allocation import allocate, allocate_units
from astratrade_core.revenue.fees import FeeSchedule, Liquidity
from astratrade_core.revenue.marketplace import MarketplaceTerms, settle_sale, settle_units
from astratrade_core.testing import currencies, decimals
from astratrade_core.testing.revenue import allocation_weights, fee_schedules, royalty_bps
from proofs.engines import z3_value
from proofs.registry import hypothesis_property
from proofs.z3_numeric import U128_MAX, U256_MAX
from proofs.z3_revenue import allocation_terms, settlement_terms

__all__: list[str] = []

_ALLOCATE = "astratrade_core.revenue.allocation.allocate_units"
_SETTLE = "astratrade_core.revenue.marketplace.settle_units"


@hypothesis_property("revenue.allocate_units.conforms",
                     "allocate_units returns exactly the Z3-proven rank-form model",
                     targets=[_ALLOCATE],
                     bounds="1-12 parts, weights < 10**30 (or u256 extremes), total in u256")
@given(st.one_of(st.integers(0, 10**6), st.integers(0, U256_MAX)),
       st.one_of(allocation_weights(), st.lists(st.sampled_from([0, 1, U256_MAX // 16]),
                                                min_size=1, max_size=4).filter(any)))
def allocation_conforms(total: int, weights: list[int]) -> None:
    symbols = list(z3.Ints(" ".join(f"w{i}" for i in range(len(weights)))))
    total_symbol = z3.Int("total")
    parts, _, _ = allocation_terms(total_symbol, symbols)
    bindings = {total_symbol: total} | dict(zip(symbols, weights, strict=True))
    expected = tuple(z3_value(p, bindings) for p in parts)
    assert allocate_units(total, weights) == Success(expected), (total, weights, expected)


@hypothesis_property("revenue.allocate.conserves_money",
                     "allocate(Money) parts sum to the total exactly (refunds too) and differ "
                     "from the exact share by less than one minor unit",
                     targets=[_ALLOCATE, "astratrade_core.revenue.allocation.allocate"],
                     bounds="|total| < 10**9 in any minor unit 0..18; 1-12 parts")
@given(currencies().flatmap(lambda c: decimals(-10**9, 10**9, c.minor_unit).map(
    lambda d: Money(d, c))), allocation_weights(max_weight=10**6))
def allocate_conserves(total: Money, weights: list[int]) -> None:
    parts = allocate(total, weights).unwrap()
    assert Money.total(parts, total.currency).unwrap() == total
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = total.minor_units * weight
        assert abs(part.minor_units * weight_sum - exact) < weight_sum


@hypothesis_property("revenue.settle_units.conforms",
                     "settle_units returns exactly the Z3-proven settlement, or fails exactly "
                     "when fees, royalty and fixed fee exceed the price",
                     targets=[_SETTLE],
                     bounds="price in [0, 2**128); bps pairs summing below 10000; fixed fee")
@given(st.one_of(st.integers(0, 10**6), st.integers(0, U128_MAX)), royalty_bps(),
       st.integers(0, 10**4))
def settlement_conforms(price: int, bps: tuple[int, int], fixed: int) -> None:
    p, pl, ro, f = z3.Ints("price platform_bps royalty_bps fixed")
    bindings = {p: price, pl: bps[0], ro: bps[1], f: fixed}
    expected = tuple(z3_value(t, bindings) for t in settlement_terms(p, pl, ro, f))
    result = settle_units(price, bps[0], bps[1], fixed)
    if expected[3] < 0:
        assert isinstance(result, Failure), (price, bps, fixed, result)
    else:
        assert result == Success(expected), (price, bps, fixed, expected, result)


@hypothesis_property("revenue.settle_sale.conserves_price",
                     "an NFT sale's platform fee, royalty, fixed fee and seller proceeds sum to "
                     "the price exactly, none negative",
                     targets=[_SETTLE, "astratrade_core.revenue.marketplace.settle_sale"],
                     bounds="USD prices up to 10**9; bps pairs summing below 10000; fixed <= 100")
@given(decimals(0, 10**9, 2), royalty_bps(), decimals(0, 100, 2))
def settle_sale_conserves(price: Decimal, bps: tuple[int, int], fixed: Decimal) -> None:
    terms = MarketplaceTerms.of(bps[0], Money(fixed, USD)).unwrap()
    result = settle_sale(Money(price, USD), terms, bps[1])
    if isinstance(result, Failure):
        assert result.failure().code == "marketplace.price_below_costs"
        return
    sale = result.unwrap()
    parts = (sale.platform_fee, sale.creator_royalty, sale.fixed_fee, sale.seller_proceeds)
    assert Money.total(parts, USD).unwrap() == sale.price
    assert all(part.amount >= 0 for part in parts)


@hypothesis_property("revenue.fee_schedule.fee_within_notional",
                     "a trading fee (or maker rebate) never exceeds the notional it is charged on",
                     targets=["astratrade_core.revenue.fees.FeeSchedule.fee"],
                     bounds="valid schedules (rates in [-1 %, 1 %]); notionals < 10**9 in minor "
                            "units 0..18; any 30-day volume")
@given(fee_schedules(), currencies().flatmap(lambda c: decimals(0, 10**9, c.minor_unit).map(
    lambda d: Money(d, c))), decimals(0, 10**8, 2), st.sampled_from(Liquidity))
def fee_within_notional(schedule: FeeSchedule, notional: Money, volume: Decimal,
                        liquidity: Liquidity) -> None:
    fee = schedule.fee(notional, volume, liquidity).unwrap()
    assert abs(fee.amount) <= notional.amount
    assert fee.currency == notional.currency


@hypothesis_property("revenue.allocate_units.conserves_symbolic",
                     "allocate_units conserves the total, with symbolic total and weights",
                     targets=[_ALLOCATE], bounds="3 parts, weights < 10**20, total < 10**30",
                     backend="crosshair", quick=False)
@given(st.integers(0, 10**30), st.integers(0, 10**20), st.integers(0, 10**20),
       st.integers(1, 10**20))
def allocation_symbolic(total: int, w0: int, w1: int, w2: int) -> None:
    parts = allocate_units(total, (w0, w1, w2)).unwrap()
    assert sum(parts) == total


@hypothesis_property("revenue.settle_units.conserves_symbolic",
                     "sale settlement conserves the price and keeps every part non-negative, "
                     "with symbolic price, bps and fixed fee",
                     targets=[_SETTLE], bounds="price < 10**30; bps pairs summing <= 10000; "
                     "fixed fee < 10**6", backend="crosshair", quick=False)
@given(st.integers(0, 10**30), st.integers(0, 10_000), st.integers(0, 10_000),
       st.integers(0, 10**6))
def settlement_symbolic(price: int, platform_bps: int, royalty_bps: int, fixed: int) -> None:
    if platform_bps + royalty_bps > 10_000:
        return
    result = settle_units(price, platform_bps, royalty_bps, fixed)
    if isinstance(result, Success):
        parts = result.unwrap()
        assert sum(parts) == price
        assert min(parts) >= 0
