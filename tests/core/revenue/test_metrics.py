"""MRR, ARR, ARPU, churn and net revenue retention over subscription events."""

from __future__ import annotations

import decimal
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.events.envelope import Event
from astratrade_core.events.revenue import (
    SubscriptionCancelled,
    SubscriptionChanged,
    SubscriptionStarted,
)
from astratrade_core.money import EUR, USD, Money
from astratrade_core.revenue.metrics import (
    active_subscriptions,
    churn_rate,
    net_revenue_retention,
    revenue_metrics,
)
from astratrade_core.revenue.subscriptions import ADMIRAL, CAPTAIN, NAVIGATOR, Plan
from astratrade_core.testing import hostile_contexts

D = Decimal
T = datetime(2026, 1, 1, tzinfo=UTC)


def started(who: str, plan: Plan, cycle: str, on: date, *, trial_ends_on: date | None = None,
            currency: str = "USD") -> SubscriptionStarted:
    price = plan.yearly if cycle == "yearly" else plan.monthly
    return SubscriptionStarted(event_id=f"start-{who}", stream_id=f"sub-{who}", occurred_at=T,
                               subscriber_id=who, plan_id=plan.plan_id, tier_rank=plan.rank,
                               cycle=cycle, currency=currency, minor_unit=2,
                               price=price.amount,
                               starts_on=on, trial_ends_on=trial_ends_on)


def flat(cents: int) -> Plan:
    price = Money.from_minor_units(cents, USD)
    return Plan("flat", "Flat", 1, price, price)


HISTORY: list[Event] = [
    started("a", NAVIGATOR, "monthly", date(2026, 1, 1)),
    started("b", CAPTAIN, "yearly", date(2026, 1, 10)),
    started("c", ADMIRAL, "monthly", date(2026, 1, 5), trial_ends_on=date(2026, 1, 19)),
    started("d", NAVIGATOR, "yearly", date(2026, 2, 1)),
    SubscriptionChanged(event_id="up-a", stream_id="sub-a", occurred_at=T, subscriber_id="a",
                        plan_id="captain", tier_rank=2, cycle="monthly", currency="USD",
                        price=D("19.95"), effective_on=date(2026, 2, 15), proration=D("5.00")),
    SubscriptionCancelled(event_id="x-b", stream_id="sub-b", occurred_at=T, subscriber_id="b",
                          currency="USD", effective_on=date(2026, 3, 1), refund=D("0")),
]


def test_metrics_worked_example() -> None:
    # Jan 15: a 9.95 + b 199.50 / 12 (= 16.625) = 26.575 -> 26.58 (half-even); c is trialing.
    # ARR = 12 * 26.575 = 318.90; ARPU = 26.575 / 2 = 13.2875 -> 13.29.
    m = revenue_metrics(HISTORY, date(2026, 1, 15), USD).unwrap()
    assert (m.mrr, m.arr, m.arpu) == (Money(D("26.58"), USD), Money(D("318.90"), USD),
                                      Money(D("13.29"), USD))
    assert (m.paying_subscribers, m.trialing_subscribers) == (2, 1)
    # Mar 1: a 19.95 (upgraded) + c 39.95 + d 99.50 / 12 (= 8.291666...) = 68.191666... ->
    # 68.19; ARR = 239.40 + 479.40 + 99.50 = 818.30; ARPU = 68.191666... / 3 = 22.7305... -> 22.73.
    m = revenue_metrics(HISTORY, date(2026, 3, 1), USD).unwrap()
    assert (m.mrr.amount, m.arr.amount, m.arpu.amount) == (D("68.19"), D("818.30"), D("22.73"))
    assert set(active_subscriptions(HISTORY, date(2026, 3, 1)).unwrap()) == {"a", "c", "d"}
    empty = revenue_metrics([], date(2026, 1, 1), USD).unwrap()
    assert (empty.mrr.amount, empty.arpu.amount, empty.paying_subscribers) == (D(0), D(0), 0)


def test_churn_and_retention_worked_example() -> None:
    # Cohort paying on Jan 20: a, b, c (c's trial ended Jan 19). On Mar 1 b is gone: 1/3.
    assert churn_rate(HISTORY, date(2026, 1, 20), date(2026, 3, 1)).unwrap() == D("0.3333")
    # Cohort MRR: 9.95 + 16.625 + 39.95 = 66.525 -> on Mar 1 19.95 + 39.95 = 59.90 (d is new
    # and excluded); 59.90 / 66.525 = 0.90041... -> 0.9004.
    nrr = net_revenue_retention(HISTORY, date(2026, 1, 20), date(2026, 3, 1), USD).unwrap()
    assert nrr == D("0.9004")
    # Over Jan 20 - Feb 20 a's upgrade is expansion: (19.95 + 16.625 + 39.95) / 66.525 =
    # 76.525 / 66.525 = 1.15032... -> 1.1503; nobody churned.
    assert net_revenue_retention(HISTORY, date(2026, 1, 20), date(2026, 2, 20)).unwrap() == (
        D("1.1503"))
    assert churn_rate(HISTORY, date(2026, 1, 20), date(2026, 2, 20)).unwrap() == D("0.0000")


def test_failures() -> None:
    assert churn_rate(HISTORY, date(2025, 12, 1), date(2026, 3, 1)).failure().code == (
        "revenue.empty_cohort")
    assert churn_rate(HISTORY, date(2026, 3, 1), date(2026, 1, 1)).failure().code == (
        "revenue.period")
    euro = [*HISTORY, started("e", CAPTAIN, "monthly", date(2026, 1, 2), currency="EUR")]
    assert revenue_metrics(euro, date(2026, 1, 15), USD).failure().code == (
        "money.currency_mismatch")
    assert revenue_metrics(euro, date(2026, 1, 15), EUR).failure().code == (
        "money.currency_mismatch")
    weekly = [started("w", NAVIGATOR, "weekly", date(2026, 1, 1))]
    assert revenue_metrics(weekly, date(2026, 1, 2)).failure().code == "revenue.unknown_cycle"
    free = [started("f", flat(0), "monthly", date(2026, 1, 1))]
    assert net_revenue_retention(free, date(2026, 1, 2), date(2026, 1, 3)).failure().code == (
        "revenue.empty_cohort")


subscribers = st.lists(
    st.tuples(st.sampled_from(["monthly", "yearly"]), st.integers(1, 10**6),
              st.integers(0, 60)),
    min_size=1, max_size=15)


@given(subscribers)
def test_without_changes_nothing_churns_and_retention_is_one(
        subs: list[tuple[str, int, int]]) -> None:
    events: list[Event] = [
        started(str(i), flat(cents), cycle, date(2026, 1, 1 + day % 28))
        for i, (cycle, cents, day) in enumerate(subs)]
    start, end = date(2026, 2, 1), date(2026, 12, 31)
    assert churn_rate(events, start, end).unwrap() == 0
    assert net_revenue_retention(events, start, end).unwrap() == 1
    m = revenue_metrics(events, start).unwrap()
    assert m.paying_subscribers == len(subs)
    # MRR is the exact sum rounded once: within half a cent of the sum of the monthly values.
    exact = sum(Fraction(c, 100 if cyc == "monthly" else 1200) for cyc, c, _ in subs)
    assert abs(Fraction(m.mrr.amount) - exact) <= Fraction(1, 200)


@given(st.sampled_from([date(2026, 1, 15), date(2026, 2, 20), date(2026, 3, 1)]),
       hostile_contexts())
def test_independent_of_caller_context(on: date, ctx: decimal.Context) -> None:
    def run() -> object:
        return (revenue_metrics(HISTORY, on), active_subscriptions(HISTORY, on),
                churn_rate(HISTORY, date(2026, 1, 20), on),
                net_revenue_retention(HISTORY, date(2026, 1, 20), on))

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected
