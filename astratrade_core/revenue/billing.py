"""The subscription aggregate: one stream per subscriber (``subscription-<subscriber>``).

The rules are those of :mod:`astratrade_core.revenue.subscriptions` (periods, trials,
proration, refunds); this module gives them a stream.  There is no clock: every command
carries the billing date it means (``starts_on`` / ``on``), and ``issued_at`` only stamps the
events.

=======================  ===================================================================
command                  events (or failure)
=======================  ===================================================================
``StartSubscription``    ``SubscriptionStarted`` (+ ``SubscriptionCharged`` for the first
                         period unless it is a free trial); ``revenue.already_subscribed``
                         (conflict) while a subscription is active on ``starts_on``
``RenewSubscription``    ``SubscriptionCharged`` for the next period, which starts where the
                         current one ends; ``revenue.renewal_not_due`` (rejected) before
                         the current period's end date -- on that date it renews.  One
                         command renews one period: a service catching up sends one per
                         period due
``ChangePlan``           ``SubscriptionChanged`` with the prorated net amount (rounded
                         toward +infinity, so at most one minor unit in the platform's
                         favour); ``revenue.plan_unchanged`` for the same plan and cycle,
                         ``revenue.outside_period`` for a date outside the current period
``CancelSubscription``   ``SubscriptionCancelled`` effective at the period end, or on ``on``
                         with a prorated refund (rounded down) when ``immediately``;
                         ``revenue.already_cancelled`` (conflict) the second time
=======================  ===================================================================

Renewals, changes and cancellations of a stream without a subscription fail with
``revenue.no_subscription`` (not found); after a cancellation they fail with
``revenue.subscription_cancelled`` (rejected), and a new ``StartSubscription`` from the day
the old one ended begins again.  Malformed values (a naive ``issued_at``, a blank subscriber
id, a plan whose prices are not positive whole minor units or differ in currency, a trial
beyond 366 days, a date whose period would leave the calendar) fail with
``revenue.invalid_command`` listing every problem.

>>> from datetime import UTC, date, datetime
>>> from astratrade_core.aggregate import Stream, handle
>>> from astratrade_core.revenue.subscriptions import CAPTAIN, NAVIGATOR, BillingCycle
>>> t = datetime(2026, 1, 1, tzinfo=UTC)
>>> begin = StartSubscription(command_id="s-1", issued_at=t, subscriber_id="ann",
...                           plan=NAVIGATOR, cycle=BillingCycle.MONTHLY,
...                           starts_on=date(2026, 1, 1))
>>> stream, events = handle(SUBSCRIPTION, Stream.empty(SUBSCRIPTION), begin).unwrap()
>>> [(e.event_type, e.event_id) for e in events]
[('SubscriptionStarted', 's-1:0'), ('SubscriptionCharged', 's-1:1')]
>>> early = RenewSubscription(command_id="r-1", issued_at=t, subscriber_id="ann",
...                           on=date(2026, 1, 31))
>>> handle(SUBSCRIPTION, stream, early).failure().code
'revenue.renewal_not_due'
>>> due = RenewSubscription(command_id="r-1", issued_at=t, subscriber_id="ann",
...                         on=date(2026, 2, 1))
>>> stream, (charged,) = handle(SUBSCRIPTION, stream, due).unwrap()
>>> charged.period_start, charged.period_end, charged.amount
(datetime.date(2026, 2, 1), datetime.date(2026, 3, 1), Decimal('9.95'))
>>> up = ChangePlan(command_id="c-1", issued_at=t, subscriber_id="ann", plan=CAPTAIN,
...                 cycle=BillingCycle.MONTHLY, on=date(2026, 2, 28))  # the last day
>>> handle(SUBSCRIPTION, stream, up).unwrap()[1][0].proration  # 1000 * 1/28 = 35.7 -> 36
Decimal('0.36')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, ClassVar, Final, TypeVar

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.aggregate import Aggregate, Decision
from astratrade_core.errors import DomainError, collect
from astratrade_core.events.envelope import Event
from astratrade_core.events.revenue import (
    SubscriptionCancelled,
    SubscriptionChanged,
    SubscriptionCharged,
    SubscriptionStarted,
)
from astratrade_core.money import Currency, Money
from astratrade_core.revenue.commands import (
    RevenueCommand,
    aware,
    bundled,
    name,
    whole_units,
)
from astratrade_core.revenue.daycount import DayCount
from astratrade_core.revenue.subscriptions import (
    BillingCycle,
    Plan,
    Subscription,
    cancel,
    change_plan,
    renew,
    start,
)

__all__ = [
    "SUBSCRIPTION",
    "SUBSCRIPTION_EVENTS",
    "CancelSubscription",
    "ChangePlan",
    "RenewSubscription",
    "StartSubscription",
    "SubscriptionCommand",
    "SubscriptionState",
    "decide_subscription",
    "evolve_subscription",
    "subscription_stream",
]


def subscription_stream(subscriber_id: str) -> str:
    """The stream of a subscriber's subscription.

    >>> subscription_stream("ann")
    'subscription-ann'
    """
    return f"subscription-{subscriber_id}"


@attrs.frozen(kw_only=True)
class StartSubscription(RevenueCommand):
    """Subscribe ``subscriber_id`` to ``plan`` billed every ``cycle`` from ``starts_on``,
    after a free trial of ``trial_days`` (0 = none)."""

    subscriber_id: str
    plan: Plan
    cycle: BillingCycle
    starts_on: date
    trial_days: int = 0


@attrs.frozen(kw_only=True)
class RenewSubscription(RevenueCommand):
    """Renew the subscription for one more period, as of the billing date ``on``."""

    subscriber_id: str
    on: date


@attrs.frozen(kw_only=True)
class ChangePlan(RevenueCommand):
    """Move to ``plan`` billed every ``cycle`` on ``on``, prorated under ``convention``."""

    subscriber_id: str
    plan: Plan
    cycle: BillingCycle
    on: date
    convention: DayCount = DayCount.ACT_365_FIXED


@attrs.frozen(kw_only=True)
class CancelSubscription(RevenueCommand):
    """Cancel at the end of the current period, or on ``on`` with a prorated refund when
    ``immediately``."""

    subscriber_id: str
    on: date
    immediately: bool = False
    convention: DayCount = DayCount.ACT_365_FIXED


#: Every command the subscription aggregate decides.
SubscriptionCommand = StartSubscription | RenewSubscription | ChangePlan | CancelSubscription


@attrs.frozen
class SubscriptionState:
    """A subscriber's stream folded: who, since when, the current subscription (``None``
    before the first start) and, once cancelled, the day it stops being active."""

    EMPTY: ClassVar[SubscriptionState]

    subscriber_id: str = ""
    started_on: date | None = None
    subscription: Subscription | None = None
    ends_on: date | None = None

    def active_on(self, day: date) -> bool:
        """Whether the subscription is active on ``day`` (started, not yet ended).

        >>> SubscriptionState.EMPTY.active_on(date(2026, 1, 1))
        False
        """
        return (self.started_on is not None and self.started_on <= day
                and (self.ends_on is None or day < self.ends_on))


SubscriptionState.EMPTY = SubscriptionState()

_CYCLES: Final = {cycle.value: cycle for cycle in BillingCycle}

T = TypeVar("T")


def _checked(state: SubscriptionState, c: SubscriptionCommand,
             fields: Result[T, DomainError]) -> Result[T, DomainError]:
    """``fields`` (a command's own checks) once the common ones pass, or every problem of
    all of them at once; then whether the command is addressed to this stream."""
    def this_stream(who: str) -> Result[str, DomainError]:
        if not state.subscriber_id or who == state.subscriber_id:
            return Success(who)
        return Failure(DomainError.invalid(
            "revenue.wrong_subscriber", f"this stream belongs to {state.subscriber_id}",
            subscriber_id=who, stream_subscriber=state.subscriber_id))

    return collect("revenue.invalid_command", aware(c),
                   name(c.subscriber_id, "subscriber_id").bind(this_stream), fields,
                   ).alt(lambda error: bundled("revenue.invalid_command", error)).map(
        lambda values: values[2])


def _current(state: SubscriptionState) -> Result[Subscription, DomainError]:
    """The subscription a renewal, change or cancellation applies to."""
    sub = state.subscription
    if sub is None:
        return Failure(DomainError.not_found("revenue.no_subscription",
                                             "no subscription on this stream",
                                             subscriber_id=state.subscriber_id))
    if state.ends_on is not None:
        return Failure(DomainError.rejected("revenue.subscription_cancelled",
                                            f"the subscription is cancelled from "
                                            f"{state.ends_on}", ends_on=state.ends_on))
    return Success(sub)


def _price(price: Money) -> Result[Money, DomainError]:
    return whole_units(price, "price", minimum=1).map(
        lambda units: Money.from_minor_units(units, price.currency))


def _plan(plan: Plan) -> Result[Plan, DomainError]:
    """A valid plan with both prices at exactly their currency's minor unit (the events'
    representation: ``10`` USD is written ``10.00``)."""
    return plan.checked().bind(lambda ok: collect(
        "revenue.plan", _price(ok.monthly), _price(ok.yearly)).map(
        lambda prices: attrs.evolve(ok, monthly=prices[0], yearly=prices[1])))


def _charge(c: RevenueCommand, subscriber_id: str, n: int, sub: Subscription,
            due: Money) -> SubscriptionCharged:
    return SubscriptionCharged(
        **c.envelope(subscription_stream(subscriber_id), n), subscriber_id=subscriber_id,
        plan_id=sub.plan_id, currency=due.currency.code, amount=due.amount,
        period_start=sub.period_start, period_end=sub.period_end)


def _start(state: SubscriptionState, c: StartSubscription) -> Decision:
    def events(opened: tuple[Subscription, Money]) -> Decision:
        if state.subscription is not None and (state.ends_on is None
                                               or c.starts_on < state.ends_on):
            return Failure(DomainError.conflict(
                "revenue.already_subscribed", "the subscriber already has a subscription",
                subscriber_id=c.subscriber_id, ends_on=state.ends_on))
        sub, due = opened
        started = SubscriptionStarted(
            **c.envelope(subscription_stream(c.subscriber_id), 0),
            subscriber_id=c.subscriber_id, plan_id=sub.plan_id, tier_rank=sub.tier_rank,
            cycle=sub.cycle.value, currency=sub.price.currency.code,
            minor_unit=sub.price.currency.minor_unit, price=sub.price.amount,
            starts_on=c.starts_on, trial_ends_on=sub.trial_ends_on)
        if due.amount == 0:
            return Success((started,))
        return Success((started, _charge(c, c.subscriber_id, 1, sub, due)))

    return _checked(state, c, _plan(c.plan).bind(
        lambda plan: start(plan, c.cycle, c.starts_on, c.trial_days))).bind(events)


def _renew(state: SubscriptionState, c: RenewSubscription) -> Decision:
    def due(sub: Subscription) -> Decision:
        if c.on < sub.period_end:
            return Failure(DomainError.rejected(
                "revenue.renewal_not_due", f"the period runs until {sub.period_end}",
                on=c.on, period_end=sub.period_end))
        return renew(sub).map(lambda renewed: (
            _charge(c, c.subscriber_id, 0, renewed[0], renewed[1]),))

    return _checked(state, c, Success(None)).bind(lambda _: _current(state)).bind(due)


def _change(state: SubscriptionState, c: ChangePlan) -> Decision:
    def changed(sub: Subscription, plan: Plan) -> Decision:
        if plan.plan_id == sub.plan_id and c.cycle is sub.cycle:
            return Failure(DomainError.rejected("revenue.plan_unchanged",
                                                f"already on {plan.plan_id} {c.cycle.value}",
                                                plan_id=plan.plan_id, cycle=c.cycle.value))
        return change_plan(sub, plan, c.cycle, c.on, c.convention).map(lambda change: (
            SubscriptionChanged(
                **c.envelope(subscription_stream(c.subscriber_id), 0),
                subscriber_id=c.subscriber_id, plan_id=plan.plan_id, tier_rank=plan.rank,
                cycle=c.cycle.value, currency=change.net.currency.code,
                price=change.subscription.price.amount, effective_on=c.on,
                proration=change.net.amount),))

    return _checked(state, c, _plan(c.plan)).bind(
        lambda plan: _current(state).bind(lambda sub: changed(sub, plan)))


def _cancel(state: SubscriptionState, c: CancelSubscription) -> Decision:
    def cancelled(sub: Subscription) -> Decision:
        return cancel(sub, c.on, c.convention, immediately=c.immediately).map(lambda done: (
            SubscriptionCancelled(
                **c.envelope(subscription_stream(c.subscriber_id), 0),
                subscriber_id=c.subscriber_id, currency=done.refund.currency.code,
                effective_on=done.effective_on, refund=done.refund.amount),))

    def current() -> Result[Subscription, DomainError]:
        if state.subscription is not None and state.ends_on is not None:
            return Failure(DomainError.conflict(
                "revenue.already_cancelled", f"already cancelled from {state.ends_on}",
                ends_on=state.ends_on))
        return _current(state)

    return _checked(state, c, Success(None)).bind(lambda _: current()).bind(cancelled)


_RULES: Final[dict[type[Any], Callable[[SubscriptionState, Any], Decision]]] = {
    StartSubscription: _start,
    RenewSubscription: _renew,
    ChangePlan: _change,
    CancelSubscription: _cancel,
}


def decide_subscription(state: SubscriptionState, command: SubscriptionCommand) -> Decision:
    """The events ``command`` produces against a subscriber's ``state``, or why not (see the
    module docstring)."""
    return _RULES[type(command)](state, command)


def evolve_subscription(state: SubscriptionState,
                        events: Iterable[Event]) -> SubscriptionState:
    """Fold a subscriber's events into its state (other events change nothing).

    ``SubscriptionStarted`` opens a subscription as :meth:`Subscription.opened` does;
    ``SubscriptionCharged`` sets the current period to the one paid for;
    ``SubscriptionChanged`` moves plan, price and cycle as :meth:`Subscription.switched`
    does; ``SubscriptionCancelled`` records the day it stops.
    """
    subscriber, started, sub, ends_on = (state.subscriber_id, state.started_on,
                                         state.subscription, state.ends_on)
    for event in events:
        if isinstance(event, SubscriptionStarted):
            cycle = _CYCLES.get(event.cycle, BillingCycle.MONTHLY)
            price = Money(event.price, Currency(event.currency, event.minor_unit))
            sub = Subscription.opened(event.plan_id, event.tier_rank, cycle, price,
                                      starts_on=event.starts_on,
                                      trial_ends_on=event.trial_ends_on).value_or(sub)
            subscriber, started, ends_on = event.subscriber_id, event.starts_on, None
        elif isinstance(event, SubscriptionCharged) and sub is not None:
            sub = attrs.evolve(sub, period_start=event.period_start,
                               period_end=event.period_end)
        elif isinstance(event, SubscriptionChanged) and sub is not None:
            cycle = _CYCLES.get(event.cycle, sub.cycle)
            price = Money(event.price, sub.price.currency)
            sub = sub.switched(event.plan_id, event.tier_rank, cycle, price,
                               event.effective_on).value_or(sub)
        elif isinstance(event, SubscriptionCancelled):
            ends_on = event.effective_on
    return SubscriptionState(subscriber, started, sub, ends_on)


#: The subscription events, the ones this aggregate produces and folds.
SUBSCRIPTION_EVENTS: Final[tuple[type[Event], ...]] = (
    SubscriptionStarted, SubscriptionCharged, SubscriptionChanged, SubscriptionCancelled)

#: The subscription as an :class:`~astratrade_core.aggregate.Aggregate`: one stream per
#: subscriber, :func:`subscription_stream`.
SUBSCRIPTION: Final[Aggregate[SubscriptionState, SubscriptionCommand]] = Aggregate(
    "subscription", SubscriptionState.EMPTY, decide_subscription, evolve_subscription,
    SUBSCRIPTION_EVENTS)
