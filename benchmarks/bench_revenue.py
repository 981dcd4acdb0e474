"""Revenue and DeFi maths against the obvious baselines, timed in the same run.

* ``allocate_units`` (12 weights) vs a textbook largest-remainder split over ``Fraction``
  shares (target: faster than the Fraction version);
* ``allocate`` on Money (3 parts) vs rounding each share half-even on its own, which is what
  the old platform did and does *not* conserve the total (target: <= 10x of that);
* ``project_ledger`` over a mixed stream of revenue events vs a bare ``dict`` sum of each
  event's amount, without dispatch or bucketing (target: <= 4x of it, >= 1M events/s);
* a persistent :class:`StakingPool` (stake, notify, claim) vs the same integer algorithm on a
  mutable ``dict`` (the price of immutability and Result values; target: <= 10x);
* the staking pool's load path, ``evolve_pool`` over the same operations as events (the batch
  integer fold, ``fold_pool``) vs ``evolve_pool_reference`` (one method call per event) and vs
  the dict version (for the record).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

from astratrade_core.defi.pool import PoolState, evolve_pool, evolve_pool_reference
from astratrade_core.defi.staking import StakingPool
from astratrade_core.events.envelope import Event
from astratrade_core.events.revenue import (
    MarketplaceSale,
    RewardClaimed,
    RewardDistributed,
    Staked,
    TradingFeeCollected,
)
from astratrade_core.money import USD, Money
from astratrade_core.numeric import CONTEXT, WAD
from astratrade_core.revenue.allocation import allocate, allocate_units
from astratrade_core.revenue.ledger import Period, project_ledger
from benchmarks.harness import Comparison, compare

__all__ = ["run"]

_T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _fraction_split(total: int, weights: list[int]) -> list[int]:
    weight_sum = sum(weights)
    shares = [Fraction(total * w, weight_sum) for w in weights]
    parts = [s.numerator // s.denominator for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _events(n: int, rng: random.Random) -> list[Event]:
    events: list[Event] = []
    for i in range(n):
        at = _T0 + timedelta(minutes=rng.randrange(525_600))
        cents = Decimal(rng.randrange(1, 10**6)).scaleb(-2)
        if i % 4:
            events.append(TradingFeeCollected(
                event_id=str(i), stream_id="a", occurred_at=at, account_id="a",
                liquidity="taker", currency="USD", notional=cents, fee=cents))
        else:
            events.append(MarketplaceSale(
                event_id=str(i), stream_id="n", occurred_at=at, token_id="t", collection_id="c",
                seller_id="s", buyer_id="b", creator_id="c", currency="USD", price=cents,
                platform_fee=cents, creator_royalty=cents, fixed_fee=cents,
                seller_proceeds=cents))
    return events


def _dict_pool(ops: list[tuple[str, str, int]]) -> int:
    total, index, carry = 0, 0, 0
    staked: dict[str, int] = {}
    paid: dict[str, int] = {}
    owed: dict[str, int] = {}
    claimed = 0
    for op, who, amount in ops:
        if op == "notify":
            n = amount * WAD + carry
            if total:
                delta, carry = divmod(n, total)
                index += delta
            else:
                carry = n
            continue
        owed[who] = owed.get(who, 0) + staked.get(who, 0) * (index - paid.get(who, 0)) // WAD
        paid[who] = index
        if op == "stake":
            staked[who] = staked.get(who, 0) + amount
            total += amount
        else:
            claimed += owed[who]
            owed[who] = 0
    return claimed


def _pool(ops: list[tuple[str, str, int]]) -> int:
    pool = StakingPool()
    for op, who, amount in ops:
        if op == "notify":
            pool = pool.notify_reward(amount).unwrap()
        elif op == "stake":
            pool = pool.stake(who, amount).unwrap()
        else:
            pool = pool.claim(who).unwrap().pool
    return pool.claimed


def _pool_events(ops: list[tuple[str, str, int]]) -> list[Event]:
    """The operations as the pool stream's events (claims carry a nominal amount: folding
    ignores it)."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    events: list[Event] = []
    for n, (op, who, amount) in enumerate(ops):
        meta: dict[str, Any] = {"event_id": f"e{n}", "stream_id": "pool-p", "occurred_at": at,
                                "pool_id": "p"}
        if op == "notify":
            events.append(RewardDistributed(**meta, amount=amount))
        elif op == "stake":
            events.append(Staked(**meta, account_id=who, amount=amount))
        else:
            events.append(RewardClaimed(**meta, account_id=who, currency="USD",
                                        amount=Decimal(1)))
    return events


def run(quick: bool) -> list[Comparison]:
    """Time allocation, the ledger projection and the staking pool against baselines."""
    rng = random.Random(20261124)
    weights = [rng.randrange(1, 10**6) for _ in range(12)]
    totals = [rng.randrange(10**12) for _ in range(200)]
    n_events = 2_000 if quick else 200_000
    events = _events(n_events, rng)
    ops = [(rng.choice(("stake", "notify", "claim")), f"u{rng.randrange(50)}",
            rng.randrange(1, 10**21)) for _ in range(500 if quick else 20_000)]
    money = [Money.from_minor_units(t, USD) for t in totals]
    pool_events = _pool_events(ops)
    start = PoolState.EMPTY
    if evolve_pool(start, pool_events) != evolve_pool_reference(start, pool_events):
        raise SystemExit("evolve_pool differs from evolve_pool_reference")
    repeats = 2 if quick else 5

    def naive_money() -> None:
        third = Decimal(1) / Decimal(3)
        for m in money:
            for _ in range(3):
                CONTEXT.multiply(m.amount, third).quantize(Decimal("0.01"), ROUND_HALF_EVEN)

    def dict_ledger() -> None:
        sums: dict[str, Decimal] = {}
        for e in events:
            if isinstance(e, TradingFeeCollected):
                amount = e.fee
            elif isinstance(e, MarketplaceSale):
                amount = CONTEXT.add(e.platform_fee, e.fixed_fee)
            else:
                continue
            sums["USD"] = CONTEXT.add(sums.get("USD", Decimal(0)), amount)

    return [
        compare("allocate_units, 12 weights", lambda: [allocate_units(t, weights) for t in totals],
                "Fraction largest remainder", lambda: [_fraction_split(t, weights) for t in totals],
                repeats=repeats, per=len(totals), unit="split", target="< 1x"),
        compare("allocate Money, 3 parts", lambda: [allocate(m, (1, 1, 1)) for m in money],
                "round each share (loses cents)", naive_money,
                repeats=repeats, per=len(money), unit="split", target="<= 10x"),
        compare(f"project_ledger, {n_events:,} events",
                lambda: project_ledger(events, Period.MONTH),
                "dict sum of amounts", dict_ledger,
                repeats=repeats, per=n_events, unit="event", target="<= 4x, >= 1M events/s"),
        compare(f"StakingPool, {len(ops):,} ops", lambda: _pool(ops),
                "same algorithm on dicts", lambda: _dict_pool(ops),
                repeats=repeats, per=len(ops), unit="op", target="<= 10x"),
        compare(f"evolve_pool (batch integer fold), {len(ops):,} events",
                lambda: evolve_pool(start, pool_events),
                "evolve_pool_reference (one call per event)",
                lambda: evolve_pool_reference(start, pool_events),
                repeats=repeats, per=len(ops), unit="event", target="< 1x"),
        compare(f"evolve_pool (batch integer fold), {len(ops):,} events",
                lambda: evolve_pool(start, pool_events),
                "same algorithm on dicts", lambda: _dict_pool(ops),
                repeats=repeats, per=len(ops), unit="event", target="(for the record)"),
    ]
