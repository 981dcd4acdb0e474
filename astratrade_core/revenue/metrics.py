"""Subscription revenue metrics over a sequence of subscription events.

The events (:class:`SubscriptionStarted`, :class:`SubscriptionChanged`,
:class:`SubscriptionCancelled`; any other event is ignored) are applied in the order given,
each only once its own date (``starts_on`` / ``effective_on``) is on or before the day asked
about.  A subscriber is **active** on a day after a start and before a cancellation takes
effect, and **paying** when active and not in a trial (``trial_ends_on`` absent or reached).

Definitions (all sums exact; every money figure rounded once, ``HALF_EVEN``, to the minor
unit; every ratio ``HALF_EVEN`` to ``places`` decimals, as a fraction: ``0.05`` is 5 %):

* **MRR** on a day: the sum over paying subscribers of the monthly price, or the yearly
  price / 12.  Trials contribute nothing.
* **ARR** = 12 x MRR (from the exact MRR).
* **ARPU** = MRR / number of paying subscribers (per month; 0 when nobody pays).
* **Churn rate** over ``[start, end]``: of the subscribers paying on ``start`` (the cohort),
  the share no longer active on ``end``.  Downgrades are not churn.
* **Net revenue retention** over ``[start, end]``: the cohort's MRR on ``end`` (0 for those who
  left; new subscribers excluded) divided by its MRR on ``start``.  Above 1 means expansion
  outweighed contraction and churn.

Churn and NRR fail with ``revenue.empty_cohort`` when nobody paid on ``start``.  Money metrics
fail with ``money.currency_mismatch`` if a counted subscription bills in another currency.

>>> from datetime import UTC, date, datetime
>>> from decimal import Decimal
>>> t = datetime(2026, 1, 1, tzinfo=UTC)
>>> events = [SubscriptionStarted(
...     event_id="1", stream_id="sub-a", occurred_at=t, subscriber_id="a", plan_id="navigator",
...     tier_rank=1, cycle="yearly", currency="USD", minor_unit=2, price=Decimal("99.50"),
...     starts_on=date(2026, 1, 1), trial_ends_on=None)]
>>> str(revenue_metrics(events, date(2026, 2, 1), USD).unwrap().mrr.amount)  # 99.50 / 12
'8.29'
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import attrs
from pyrsistent import pmap
from pyrsistent.typing import PMap
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.events.envelope import Event
from astratrade_core.events.revenue import (
    SubscriptionCancelled,
    SubscriptionChanged,
    SubscriptionStarted,
)
from astratrade_core.money import USD, Currency, Money
from astratrade_core.numeric import CONTEXT, ZERO, Rounding, quantize
from astratrade_core.revenue.subscriptions import BillingCycle

__all__ = [
    "ActiveSubscription",
    "RevenueMetrics",
    "active_subscriptions",
    "churn_rate",
    "net_revenue_retention",
    "revenue_metrics",
]

_TWELVE = Decimal(12)
_CYCLES = {c.value: c for c in BillingCycle}


@attrs.frozen
class ActiveSubscription:
    """What a subscriber has on a given day, as the events tell it."""

    subscriber_id: str
    plan_id: str
    tier_rank: int
    cycle: BillingCycle
    currency: str
    price: Decimal
    trial_ends_on: date | None

    def paying(self, on: date) -> bool:
        """Active and out of any trial on ``on``."""
        return self.trial_ends_on is None or on >= self.trial_ends_on

    def monthly_value(self) -> Decimal:
        """The monthly price, or the yearly price / 12 (exact to CONTEXT precision)."""
        if self.cycle is BillingCycle.MONTHLY:
            return self.price
        return CONTEXT.divide(self.price, _TWELVE)


def _cycle(name: str, event_id: str) -> Result[BillingCycle, DomainError]:
    cycle = _CYCLES.get(name)
    if cycle is None:
        return Failure(DomainError.invalid(
            "revenue.unknown_cycle", f"unknown billing cycle {name!r}",
                                      event_id=event_id, cycle=name))
    return Success(cycle)


def active_subscriptions(events: Iterable[Event],
                         on: date) -> Result[PMap[str, ActiveSubscription], DomainError]:
    """Every subscriber active on ``on``, by subscriber id.

    >>> active_subscriptions([], date(2026, 1, 1)).unwrap()
    pmap({})
    """
    active: dict[str, ActiveSubscription] = {}
    for event in events:
        if isinstance(event, SubscriptionStarted) and event.starts_on <= on:
            match _cycle(event.cycle, event.event_id):
                case Success(cycle):
                    active[event.subscriber_id] = ActiveSubscription(
                        event.subscriber_id, event.plan_id, event.tier_rank, cycle,
                        event.currency, event.price, event.trial_ends_on)
                case Failure(_) as failed:
                    return failed
        elif (isinstance(event, SubscriptionChanged) and event.effective_on <= on
              and event.subscriber_id in active):
            match _cycle(event.cycle, event.event_id):
                case Success(cycle):
                    active[event.subscriber_id] = attrs.evolve(
                        active[event.subscriber_id], plan_id=event.plan_id,
                        tier_rank=event.tier_rank, cycle=cycle, currency=event.currency,
                        price=event.price)
                case Failure(_) as failed:
                    return failed
        elif isinstance(event, SubscriptionCancelled) and event.effective_on <= on:
            active.pop(event.subscriber_id, None)
    return Success(pmap(active))


@attrs.frozen
class RevenueMetrics:
    """MRR, ARR and ARPU on one day, with the subscriber counts behind them."""

    on: date
    mrr: Money
    arr: Money
    arpu: Money
    paying_subscribers: int
    trialing_subscribers: int


def _mrr(subs: Iterable[ActiveSubscription], on: date,
         currency: Currency) -> Result[tuple[Decimal, int], DomainError]:
    total, count = ZERO, 0
    for sub in subs:
        if not sub.paying(on):
            continue
        if sub.currency != currency.code:
            return Failure(DomainError.invalid("money.currency_mismatch",
                                          f"{sub.subscriber_id} pays in {sub.currency}",
                                          left=currency.code, right=sub.currency))
        total = CONTEXT.add(total, sub.monthly_value())
        count += 1
    return Success((total, count))


def _money(amount: Decimal, currency: Currency) -> Money:
    return Money(quantize(amount, currency.minor_unit, Rounding.HALF_EVEN), currency)


def revenue_metrics(events: Iterable[Event], on: date,
                    currency: Currency = USD) -> Result[RevenueMetrics, DomainError]:
    """MRR, ARR and ARPU on ``on`` (see the module docstring for the definitions).

    >>> revenue_metrics([], date(2026, 1, 1)).unwrap().paying_subscribers
    0
    """
    def build(active: PMap[str, ActiveSubscription]) -> Result[RevenueMetrics, DomainError]:
        trialing = sum(1 for s in active.values() if not s.paying(on))

        def finish(mrr_count: tuple[Decimal, int]) -> RevenueMetrics:
            mrr, count = mrr_count
            arpu = CONTEXT.divide(mrr, Decimal(count)) if count else ZERO
            return RevenueMetrics(on, _money(mrr, currency),
                                  _money(CONTEXT.multiply(mrr, _TWELVE), currency),
                                  _money(arpu, currency), count, trialing)

        return _mrr(active.values(), on, currency).map(finish)

    return active_subscriptions(events, on).bind(build)


def _cohort(events: Iterable[Event], start: date, end: date) -> Result[
        tuple[list[ActiveSubscription], PMap[str, ActiveSubscription]], DomainError]:
    history = tuple(events)
    if end < start:
        return Failure(DomainError.invalid(
            "revenue.period", "end before start", start=start, end=end))

    def split(first: PMap[str, ActiveSubscription]) -> Result[
            tuple[list[ActiveSubscription], PMap[str, ActiveSubscription]], DomainError]:
        cohort = [s for s in first.values() if s.paying(start)]
        if not cohort:
            return Failure(DomainError.rejected("revenue.empty_cohort",
                                          "nobody was paying at the start", start=start))
        return active_subscriptions(history, end).map(lambda last: (cohort, last))

    return active_subscriptions(history, start).bind(split)


def churn_rate(events: Iterable[Event], start: date, end: date,
               places: int = 4) -> Result[Decimal, DomainError]:
    """The share of the subscribers paying on ``start`` who are gone on ``end``.

    >>> churn_rate([], date(2026, 1, 1), date(2026, 2, 1)).failure().code
    'revenue.empty_cohort'
    """
    def rate(found: tuple[list[ActiveSubscription], PMap[str, ActiveSubscription]]) -> Decimal:
        cohort, last = found
        gone = sum(1 for s in cohort if s.subscriber_id not in last)
        return quantize(CONTEXT.divide(Decimal(gone), Decimal(len(cohort))), places,
                        Rounding.HALF_EVEN)

    return _cohort(events, start, end).map(rate)


def net_revenue_retention(events: Iterable[Event], start: date, end: date,
                          currency: Currency = USD,
                          places: int = 4) -> Result[Decimal, DomainError]:
    """The start cohort's MRR on ``end`` over its MRR on ``start``."""
    def ratio(found: tuple[list[ActiveSubscription], PMap[str, ActiveSubscription]]) -> Result[
            Decimal, DomainError]:
        cohort, last = found
        stayed = [last[s.subscriber_id] for s in cohort if s.subscriber_id in last]
        def divide(before: Decimal, after: Decimal) -> Result[Decimal, DomainError]:
            if before == 0:
                return Failure(DomainError.rejected("revenue.empty_cohort",
                                              "the cohort had no revenue at the start",
                                              start=start))
            return Success(quantize(CONTEXT.divide(after, before), places, Rounding.HALF_EVEN))

        return _mrr(cohort, start, currency).bind(
            lambda before: _mrr(stayed, end, currency).bind(
                lambda after: divide(before[0], after[0])))

    return _cohort(events, start, end).bind(ratio)
