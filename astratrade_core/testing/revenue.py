"""Hypothesis strategies for the revenue and DeFi types: weights, fee schedules, marketplace
terms, interest-rate models and staking operation sequences.

>>> from hypothesis import given
>>> @given(fee_schedules())
... def check(schedule): assert schedule.tiers[0].min_volume == 0
>>> check()
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from astratrade_core.defi.lending import InterestRateModel
from astratrade_core.money import Rate
from astratrade_core.numeric import RAY
from astratrade_core.revenue.fees import Favour, FeeSchedule, FeeTier

__all__ = [
    "allocation_weights",
    "fee_schedules",
    "interest_rate_models",
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
