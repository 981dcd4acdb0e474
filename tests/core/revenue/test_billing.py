"""The subscription aggregate: worked examples at every rule's edge (computed by hand in the
comments) and the aggregate laws over random subscriber histories."""

from __future__ import annotations

import decimal
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from astratrade_core.aggregate import Stream, handle
from astratrade_core.errors import ErrorKind
from astratrade_core.events.revenue import (
    SubscriptionCancelled,
    SubscriptionChanged,
    SubscriptionCharged,
    SubscriptionStarted,
)
from astratrade_core.money import EUR, USD, Currency, Money
from astratrade_core.revenue.billing import (
    SUBSCRIPTION,
    CancelSubscription,
    ChangePlan,
    RenewSubscription,
    StartSubscription,
    SubscriptionState,
)
from astratrade_core.revenue.daycount import DayCount
from astratrade_core.revenue.subscriptions import (
    CAPTAIN,
    NAVIGATOR,
    BillingCycle,
    Plan,
)
from astratrade_core.testing import hostile_contexts
from astratrade_core.testing.revenue import handled, hostile_commands, subscription_commands
from tests.core.revenue import laws

T = datetime(2026, 1, 1, 12, tzinfo=UTC)
D = Decimal
MONTHLY, YEARLY = BillingCycle.MONTHLY, BillingCycle.YEARLY


def usd(text: str) -> Money:
    return Money(D(text), USD)


def begin(plan: Plan = NAVIGATOR, cycle: BillingCycle = MONTHLY,
          on: date = date(2026, 1, 1), trial: int = 0, cid: str = "start") -> StartSubscription:
    return StartSubscription(command_id=cid, issued_at=T, subscriber_id="ann", plan=plan,
                             cycle=cycle, starts_on=on, trial_days=trial)


def renewal(on: date, cid: str = "renew") -> RenewSubscription:
    return RenewSubscription(command_id=cid, issued_at=T, subscriber_id="ann", on=on)


def change(plan: Plan, on: date, cycle: BillingCycle = MONTHLY, cid: str = "change",
           ) -> ChangePlan:
    return ChangePlan(command_id=cid, issued_at=T, subscriber_id="ann", plan=plan, cycle=cycle,
                      on=on, convention=DayCount.ACT_365_FIXED)


def cancellation(on: date, immediately: bool = False, cid: str = "cancel",
                 ) -> CancelSubscription:
    return CancelSubscription(command_id=cid, issued_at=T, subscriber_id="ann", on=on,
                              immediately=immediately)


def run(*commands: Any) -> Stream[SubscriptionState]:
    stream, _ = handled(SUBSCRIPTION, [])
    for command in commands:
        stream = handle(SUBSCRIPTION, stream, command).unwrap()[0]
    return stream


def test_a_start_charges_the_first_period_and_records_the_minor_unit() -> None:
    # Jan 31 + 1 month clamps to Feb 28: the first period is [Jan 31, Feb 28).
    plan = Plan("flat", "Flat", 1, usd("10"), usd("100"))  # "10" is written "10.00"
    stream, (started, charged) = handle(SUBSCRIPTION, Stream.empty(SUBSCRIPTION),
                                        begin(plan, on=date(2026, 1, 31))).unwrap()
    assert isinstance(started, SubscriptionStarted) and isinstance(charged, SubscriptionCharged)
    assert (started.stream_id, started.event_id, charged.event_id) == (
        "subscription-ann", "start:0", "start:1")
    assert (started.currency, started.minor_unit, str(started.price)) == ("USD", 2, "10.00")
    assert (charged.period_start, charged.period_end, str(charged.amount)) == (
        date(2026, 1, 31), date(2026, 2, 28), "10.00")
    assert stream.state.active_on(date(2026, 1, 31))
    assert not stream.state.active_on(date(2026, 1, 30))


def test_a_renewal_exactly_on_the_period_end_date_renews() -> None:
    stream = run(begin(on=date(2026, 1, 31)))
    early = handle(SUBSCRIPTION, stream, renewal(date(2026, 2, 27))).failure()
    assert (early.code, early.kind) == ("revenue.renewal_not_due", ErrorKind.REJECTED)
    stream, (charged,) = handle(SUBSCRIPTION, stream, renewal(date(2026, 2, 28))).unwrap()
    # Anchored on Jan 31: Feb 28 -> Mar 31, not Mar 28.
    assert isinstance(charged, SubscriptionCharged)
    assert (charged.period_start, charged.period_end, charged.amount) == (
        date(2026, 2, 28), date(2026, 3, 31), D("9.95"))
    # One command renews one period: a late renewal catches up one period at a time.
    stream, (again,) = handle(SUBSCRIPTION, stream, renewal(date(2026, 6, 1), "r2")).unwrap()
    assert isinstance(again, SubscriptionCharged)
    assert (again.period_start, again.period_end) == (date(2026, 3, 31), date(2026, 4, 30))


def test_a_trial_is_free_and_renews_into_the_first_paid_year() -> None:
    stream, events = handle(SUBSCRIPTION, Stream.empty(SUBSCRIPTION),
                            begin(CAPTAIN, YEARLY, date(2026, 3, 1), trial=14)).unwrap()
    assert [e.event_type for e in events] == ["SubscriptionStarted"]
    assert handle(SUBSCRIPTION, stream, renewal(date(2026, 3, 14))).failure().code == (
        "revenue.renewal_not_due")
    _, (charged,) = handle(SUBSCRIPTION, stream, renewal(date(2026, 3, 15))).unwrap()
    assert isinstance(charged, SubscriptionCharged)
    assert (charged.period_start, charged.period_end, charged.amount) == (
        date(2026, 3, 15), date(2027, 3, 15), D("199.50"))


def test_an_upgrade_on_the_last_day_of_the_period() -> None:
    stream = run(begin())  # [Jan 1, Feb 1)
    # Jan 31 is the last day: 1 of 31 days unused; (1995 - 995) * 1/31 = 32.26 cents -> 33.
    stream, (up,) = handle(SUBSCRIPTION, stream, change(CAPTAIN, date(2026, 1, 31))).unwrap()
    assert isinstance(up, SubscriptionChanged)
    assert (up.proration, up.price, up.tier_rank) == (D("0.33"), D("19.95"), 2)
    # Straight back: -32.26 -> -32 (a credit rounds toward zero): net one cent paid.
    _, (down,) = handle(SUBSCRIPTION, stream,
                        change(NAVIGATOR, date(2026, 1, 31), cid="back")).unwrap()
    assert isinstance(down, SubscriptionChanged)
    assert down.proration == D("-0.32")
    # Feb 1 is the next period: renew first.
    late = handle(SUBSCRIPTION, stream, change(NAVIGATOR, date(2026, 2, 1), cid="x")).failure()
    assert (late.code, late.kind) == ("revenue.outside_period", ErrorKind.REJECTED)
    same = handle(SUBSCRIPTION, stream, change(CAPTAIN, date(2026, 1, 31), cid="y")).failure()
    assert (same.code, same.kind) == ("revenue.plan_unchanged", ErrorKind.REJECTED)


def test_a_cycle_switch_restarts_the_period_and_replays() -> None:
    # Monthly -> yearly on Jan 16: 9950 - 995 * 16/31 = 9436.45 cents -> 9437.
    stream = run(begin(), change(NAVIGATOR, date(2026, 1, 16), YEARLY))
    sub = stream.state.subscription
    assert sub is not None
    assert (sub.cycle, sub.period_start, sub.period_end, sub.price) == (
        YEARLY, date(2026, 1, 16), date(2027, 1, 16), usd("99.50"))
    (charged,) = handle(SUBSCRIPTION, stream, renewal(date(2027, 1, 16))).unwrap()[1]
    assert isinstance(charged, SubscriptionCharged) and charged.amount == D("99.50")


def test_cancellations() -> None:
    # At period end: effective Feb 1, nothing refunded; no renewal, no second cancellation.
    stream, (ended,) = handle(SUBSCRIPTION, run(begin()),
                              cancellation(date(2026, 1, 10))).unwrap()
    assert isinstance(ended, SubscriptionCancelled)
    assert (ended.effective_on, ended.refund) == (date(2026, 2, 1), D("0.00"))
    assert stream.state.active_on(date(2026, 1, 31))
    assert not stream.state.active_on(date(2026, 2, 1))
    refused = handle(SUBSCRIPTION, stream, renewal(date(2026, 2, 1))).failure()
    assert (refused.code, refused.kind) == ("revenue.subscription_cancelled",
                                            ErrorKind.REJECTED)
    twice = handle(SUBSCRIPTION, stream, cancellation(date(2026, 1, 11), cid="c2")).failure()
    assert (twice.code, twice.kind) == ("revenue.already_cancelled", ErrorKind.CONFLICT)
    # A new subscription may start on the day the old one ends, not before.
    busy = handle(SUBSCRIPTION, stream, begin(on=date(2026, 1, 31), cid="s2")).failure()
    assert (busy.code, busy.kind) == ("revenue.already_subscribed", ErrorKind.CONFLICT)
    again = run(begin(), cancellation(date(2026, 1, 10)), begin(CAPTAIN, on=date(2026, 2, 1),
                                                                cid="s2"))
    assert again.state.ends_on is None and again.state.active_on(date(2026, 2, 1))
    # Immediately: Captain yearly from Jan 1, cancelled Jul 2 (Act/365F): 19950 * 183/365
    # = 10002.33 cents -> 10002 (down, the platform's favour).
    _, (now,) = handle(SUBSCRIPTION, run(begin(CAPTAIN, YEARLY)),
                       cancellation(date(2026, 7, 2), immediately=True)).unwrap()
    assert isinstance(now, SubscriptionCancelled)
    assert (now.effective_on, now.refund) == (date(2026, 7, 2), D("100.02"))


def test_refusals_have_kinds() -> None:
    empty = Stream.empty(SUBSCRIPTION)
    missing = handle(SUBSCRIPTION, empty, renewal(date(2026, 1, 1))).failure()
    assert (missing.code, missing.kind) == ("revenue.no_subscription", ErrorKind.NOT_FOUND)
    bad_plan = Plan("p", "P", -1, Money(D("1.005"), USD), Money(D("10"), EUR))
    bad = StartSubscription(command_id="s", issued_at=datetime(2026, 1, 1), subscriber_id=" ",
                            plan=bad_plan, cycle=MONTHLY, starts_on=date(2026, 1, 1),
                            trial_days=400)
    error = handle(SUBSCRIPTION, empty, bad).failure()
    assert (error.code, error.kind) == ("revenue.invalid_command", ErrorKind.INVALID)
    assert error.codes() == ("revenue.naive_time", "revenue.empty_name", "revenue.plan_rank",
                             "revenue.plan_price", "money.currency_mismatch")
    # The calendar ends on 9999-12-31: a monthly period from Dec 15, 9999 cannot end.
    edge = handle(SUBSCRIPTION, empty, begin(on=date(9999, 12, 15))).failure()
    assert edge.codes() == ("revenue.date_range",)
    other = StartSubscription(command_id="x", issued_at=T, subscriber_id="bob",
                              plan=NAVIGATOR, cycle=MONTHLY, starts_on=date(2026, 3, 1))
    wrong = handle(SUBSCRIPTION, run(begin()), other).failure()
    assert wrong.codes() == ("revenue.wrong_subscriber",)
    euro = Plan("e", "E", 5, Money(D("1.00"), EUR), Money(D("10.00"), EUR))
    mixed = handle(SUBSCRIPTION, run(begin()), change(euro, date(2026, 1, 5))).failure()
    assert (mixed.code, mixed.kind) == ("money.currency_mismatch", ErrorKind.INVALID)
    odd = Plan("j", "J", 5, Money(D("100"), Currency("JPY", 0)),
               Money(D("1000"), Currency("JPY", 0)))
    yen = run(begin(odd)).state.subscription
    assert yen is not None and yen.price == Money(D("100"), Currency("JPY", 0))


@settings(max_examples=60)
@given(subscription_commands(), st.data())
def test_snapshot_plus_tail_equals_full_replay(commands: list[Any], data: st.DataObject,
                                               ) -> None:
    laws.snapshot_plus_tail_is_full_replay(SUBSCRIPTION, commands, data)


@settings(max_examples=60)
@given(subscription_commands(), st.data())
def test_a_command_id_twice_changes_nothing(commands: list[Any], data: st.DataObject) -> None:
    laws.a_command_seen_before_changes_nothing(SUBSCRIPTION, commands, data)


@given(subscription_commands(max_size=6),
       hostile_commands(StartSubscription, RenewSubscription, ChangePlan, CancelSubscription))
def test_decide_never_raises(commands: list[Any], hostile: Any) -> None:
    laws.decide_answers(SUBSCRIPTION, commands, hostile)


@settings(max_examples=60)
@given(subscription_commands())
def test_decided_events_survive_the_codec(commands: list[Any]) -> None:
    laws.events_survive_the_codec(SUBSCRIPTION, commands)


@settings(max_examples=30)
@given(subscription_commands(), hostile_contexts())
def test_independent_of_the_callers_context(commands: list[Any],
                                            context: decimal.Context) -> None:
    laws.independent_of_the_callers_context(SUBSCRIPTION, commands, context)


@settings(max_examples=60)
@given(subscription_commands())
def test_every_charge_covers_the_period_after_the_last(commands: list[Any]) -> None:
    # Periods never overlap or leave gaps: each renewal starts where the previous one ended.
    _, events = handled(SUBSCRIPTION, commands)
    last_end: date | None = None
    cycle = ""
    for event in events:
        if isinstance(event, SubscriptionStarted):
            last_end, cycle = None, event.cycle
        elif isinstance(event, SubscriptionChanged) and event.cycle != cycle:
            last_end, cycle = None, event.cycle  # a cycle switch restarts the period
        elif isinstance(event, SubscriptionCharged):
            assert event.period_start < event.period_end
            assert last_end is None or event.period_start == last_end
            last_end = event.period_end
