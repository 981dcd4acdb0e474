"""Hypothesis strategies for the revenue and DeFi types: weights, fee schedules, marketplace
terms, interest-rate models and staking operation sequences.

>>> from hypothesis import given
>>> @given(fee_schedules())
... def check(schedule): assert schedule.tiers[0].min_volume == 0
>>> check()
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from astratrade_core.defi.lending import InterestRateModel
from astratrade_core.events.envelope import Event
from astratrade_core.events.revenue import (
    MarketplaceSale,
    NFTMinted,
    PremiumPurchased,
    RewardClaimed,
    SubscriptionCancelled,
    SubscriptionChanged,
    SubscriptionCharged,
    TradingFeeCollected,
)
from astratrade_core.money import Rate
from astratrade_core.numeric import RAY
from astratrade_core.revenue.fees import Favour, FeeSchedule, FeeTier

__all__ = [
    "allocation_weights",
    "fee_schedules",
    "interest_rate_models",
    "revenue_events",
    "royalty_bps",
    "staking_operations",
]


def allocation_weights(max_parts: int = 12, max_weight: int = 10**30) -> st.SearchStrategy[
        list[int]]:
    """Non-empty lists of non-negative integer weights with at least one positive weight."""
    return st.lists(st.integers(0, max_weight), min_size=1, max_size=max_parts).filter(any)


def fee_schedules(max_tiers: int = 6) -> st.SearchStrategy[FeeSchedule]:
    """Valid maker/taker schedules: volumes increase, rates never increase, maker <= taker,
    and a maker rebate never exceeds its tier's taker fee."""

    @st.composite
    def build(draw: st.DrawFn) -> FeeSchedule:
        count = draw(st.integers(1, max_tiers))
        gaps = draw(st.lists(st.integers(1, 10**7), min_size=count - 1, max_size=count - 1))
        # Drawn from the top tier down: each lower tier may only cost the same or more.
        taker = draw(st.integers(0, 100))
        maker = draw(st.integers(-taker, taker))
        rates = [(maker, taker)]
        for _ in gaps:
            taker = draw(st.integers(taker, 100))
            maker = draw(st.integers(maker, taker))
            rates.append((maker, taker))
        volumes = [0]
        for gap in gaps:
            volumes.append(volumes[-1] + gap)
        tiers = tuple(FeeTier(Decimal(v), Rate.from_bps(m), Rate.from_bps(t))
                      for v, (m, t) in zip(volumes, reversed(rates), strict=True))
        return FeeSchedule(tiers, draw(st.sampled_from(Favour)))

    return build()


def royalty_bps() -> st.SearchStrategy[tuple[int, int]]:
    """``(platform_bps, creator_bps)`` pairs whose sum stays below 10,000."""
    return st.integers(0, 9_999).flatmap(
        lambda p: st.tuples(st.just(p), st.integers(0, 9_999 - p)))


def interest_rate_models() -> st.SearchStrategy[InterestRateModel]:
    """Kinked models with ray rates up to 300 % and a kink strictly inside (0, 1)."""
    rates = st.integers(0, 3 * RAY)
    return st.builds(InterestRateModel, rates, rates, rates, st.integers(1, RAY - 1),
                     st.integers(0, 10_000))


def staking_operations(accounts: int = 4, max_amount: int = 10**24) -> st.SearchStrategy[
        list[tuple[str, int, int]]]:
    """Sequences of ``(operation, account, amount)`` with operation one of ``stake``,
    ``unstake``, ``claim`` and ``notify`` (amounts are raw token units)."""
    op = st.tuples(st.sampled_from(("stake", "unstake", "claim", "notify")),
                   st.integers(0, accounts - 1), st.integers(0, max_amount))
    return st.lists(op, max_size=40)


_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def revenue_events(currencies: tuple[str, ...] = ("USD", "EUR")) -> st.SearchStrategy[Event]:
    """Events of every type the revenue ledger books (plus ``RewardClaimed``, which it does not),
    with cent amounts, spread over two years."""

    @st.composite
    def build(draw: st.DrawFn) -> Event:
        kind = draw(st.integers(0, 7))
        at = _EPOCH + timedelta(minutes=draw(st.integers(0, 2 * 525_600)))
        common: dict[str, Any] = {
            "event_id": f"e-{draw(st.integers(0, 10**9))}", "stream_id": "s", "occurred_at": at,
        }
        currency = draw(st.sampled_from(currencies))

        def cents(low: int = 0) -> Decimal:
            return Decimal(draw(st.integers(low, 10**8))).scaleb(-2)

        today = at.date()
        if kind == 0:
            return TradingFeeCollected(**common, account_id="a", liquidity="taker",
                                       currency=currency, notional=cents(), fee=cents(-10**6))
        if kind == 1:
            return SubscriptionCharged(**common, subscriber_id="u", plan_id="p",
                                       currency=currency, amount=cents(), period_start=today,
                                       period_end=today + timedelta(days=30))
        if kind == 2:
            return SubscriptionChanged(**common, subscriber_id="u", plan_id="p", tier_rank=1,
                                       cycle="monthly", currency=currency, price=cents(1),
                                       effective_on=today, proration=cents(-10**8))
        if kind == 3:
            return SubscriptionCancelled(**common, subscriber_id="u", currency=currency,
                                         effective_on=today, refund=cents())
        if kind == 4:
            return MarketplaceSale(**common, token_id="t", collection_id="c", seller_id="s",
                                   buyer_id="b", creator_id="c", currency=currency,
                                   price=cents(), platform_fee=cents(), creator_royalty=cents(),
                                   fixed_fee=cents(), seller_proceeds=cents())
        if kind == 5:
            return NFTMinted(**common, token_id="t", collection_id="c", creator_id="c",
                             owner_id="o", currency=currency, price=cents(),
                             platform_fee=cents(), creator_proceeds=cents())
        if kind == 6:
            return PremiumPurchased(**common, account_id="a", feature="f", currency=currency,
                                    amount=cents())
        return RewardClaimed(**common, pool_id="p", account_id="a", currency=currency,
                             amount=cents())

    return build()
