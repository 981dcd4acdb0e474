"""Subscription plans, billing periods, trials, plan changes with proration, cancellation.

**Plans** have a tier ``rank`` (higher is richer) and a monthly and a yearly price.  Tiers are
compared by rank, never by name: :func:`is_upgrade`.  The yearly saving is
``(12 * monthly - yearly) / (12 * monthly)`` as a percentage, rounded ``HALF_EVEN`` to 2 places
(all shipped presets charge 10 months for a year: 16.67 %).

**Billing periods** run ``[period_start, period_end)``; a period ends ``cycle.months`` calendar
months after the *billing anchor* (the first paid day), clamped to month ends, so a plan
anchored on Jan 31 renews on Feb 28/29, Mar 31, Apr 30...  A trial of ``n`` days is free and
its paid period starts (and anchors) on its last day + 1.  Dates are passed in; there is no
clock.

**Proration** on a change on day ``d`` of the period ``[s, e)``: the unused share is
``f = year_fraction(d, e) / year_fraction(s, e)`` under a :class:`DayCount` passed in.

* Same cycle: ``net = (new_price - old_price) * f``.
* Cycle switch (monthly <-> yearly): the period restarts on ``d`` at the new price:
  ``net = new_price - old_price * f``.
* During a trial nothing is prorated (``net = 0``) and the trial continues on the new plan.

``net`` (positive = the subscriber pays, negative = a credit) is rounded once to the minor unit
toward +infinity, in the platform's favour: charges round up, credits round toward zero.  Hence
the **proration law**: an upgrade and an immediate downgrade back (same day, same cycle) net
to between 0 and one minor unit paid by the subscriber (``ceil(x) - floor(x)``), never a loss
to the platform.

**Cancellation** at period end refunds nothing; an immediate cancellation refunds
``floor(price * f)`` (the platform's favour again; nothing during a trial).

A :class:`Subscription` holds what a subscriber's stream records: the plan's id, tier rank and
price per billing cycle (not the whole :class:`Plan`).  Every function here returns a
``Result`` for any value of its declared types: a date whose next period would fall beyond
the calendar (``revenue.date_range``) or a price that is not a whole number of minor units is
a ``Failure``, never an exception.  A change or cancellation dated outside the current period
is refused (``revenue.outside_period``, a rule: the period must be renewed first).

>>> from datetime import date
>>> sub, charge = start(NAVIGATOR, BillingCycle.MONTHLY, date(2026, 1, 1)).unwrap()
>>> str(charge.amount), sub.period_end
('9.95', datetime.date(2026, 2, 1))
>>> change = change_plan(sub, CAPTAIN, BillingCycle.MONTHLY, date(2026, 1, 16),
...                      DayCount.ACT_365_FIXED).unwrap()
>>> str(change.net.amount)   # (19.95 - 9.95) * 16/31 = 5.1612... -> 5.17
'5.17'
"""

from __future__ import annotations

import enum
import math
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect
from astratrade_core.money import USD, Money
from astratrade_core.numeric import CONTEXT, Rounding, quantize
from astratrade_core.revenue.commands import flattened, whole_units
from astratrade_core.revenue.daycount import DayCount, add_months, year_fraction

__all__ = [
    "ADMIRAL",
    "CAPTAIN",
    "MAX_TRIAL_DAYS",
    "NAVIGATOR",
    "PRESET_PLANS",
    "BillingCycle",
    "Cancellation",
    "Plan",
    "PlanChange",
    "Subscription",
    "cancel",
    "change_plan",
    "is_upgrade",
    "months_after",
    "renew",
    "start",
]

_HUNDRED = Decimal(100)
#: The longest free trial.
MAX_TRIAL_DAYS = 366
# Month indices (year * 12 + month - 1) that ``datetime.date`` can represent.
_FIRST_MONTH, _LAST_MONTH = 12, 9999 * 12 + 11


class BillingCycle(enum.Enum):
    """How often a subscription bills."""

    MONTHLY = "monthly"
    YEARLY = "yearly"

    @property
    def months(self) -> int:
        """Calendar months per billing period."""
        return 1 if self is BillingCycle.MONTHLY else 12


def _rank(rank: int) -> Result[int, DomainError]:
    if type(rank) is not int or rank < 0:
        return Failure(DomainError.invalid("revenue.plan_rank", "rank must be an integer >= 0",
                                           rank=rank))
    return Success(rank)


def _plan_price(price: Money, field: str) -> Result[int, DomainError]:
    return whole_units(price, field, minimum=1).alt(
        lambda cause: DomainError.invalid("revenue.plan_price",
                                          f"{field} price must be positive whole minor units "
                                          f"({cause.message})", field=field,
                                          price=price.amount))


def _same_currency(monthly: Money, yearly: Money) -> Result[None, DomainError]:
    if monthly.currency != yearly.currency:
        return Failure(DomainError.invalid("money.currency_mismatch",
                                           "monthly and yearly prices differ in currency",
                                           left=monthly.currency.code,
                                           right=yearly.currency.code))
    return Success(None)


@attrs.frozen
class Plan:
    """A subscription tier: id, display name, rank (higher is richer) and its two prices."""

    plan_id: str
    name: str
    rank: int
    monthly: Money
    yearly: Money

    @classmethod
    def of(cls, plan_id: str, name: str, rank: int, monthly: Money,
           yearly: Money) -> Result[Plan, DomainError]:
        """Validate a plan, reporting every problem.

        >>> from astratrade_core.money import EUR
        >>> Plan.of("x", "X", -1, Money.of("0", USD).unwrap(),
        ...         Money.of("1", EUR).unwrap()).failure().codes()
        ('revenue.plan_rank', 'revenue.plan_price', 'money.currency_mismatch')
        """
        return collect("revenue.plan", _rank(rank), _plan_price(monthly, "monthly"),
                       _plan_price(yearly, "yearly"), _same_currency(monthly, yearly),
                       ).map(lambda _: cls(plan_id, name, rank, monthly, yearly))

    def checked(self) -> Result[Plan, DomainError]:
        """This plan if :meth:`of` accepts its fields (a plan built with the raw constructor
        may hold anything).

        >>> NAVIGATOR.checked().unwrap() is NAVIGATOR
        True
        """
        return Plan.of(self.plan_id, self.name, self.rank, self.monthly, self.yearly).map(
            lambda _: self)

    def price(self, cycle: BillingCycle) -> Money:
        """The price per billing period of ``cycle``."""
        return self.monthly if cycle is BillingCycle.MONTHLY else self.yearly

    def yearly_saving_percent(self) -> Decimal:
        """What paying yearly saves against twelve monthly payments, in percent (2 places).

        >>> NAVIGATOR.yearly_saving_percent()
        Decimal('16.67')
        """
        twelve = CONTEXT.multiply(self.monthly.amount, Decimal(12))
        saving = CONTEXT.divide(CONTEXT.subtract(twelve, self.yearly.amount), twelve)
        return quantize(CONTEXT.multiply(saving, _HUNDRED), 2, Rounding.HALF_EVEN)


def _usd(text: str) -> Money:
    return Money(Decimal(text), USD)


NAVIGATOR = Plan("navigator", "Navigator", 1, _usd("9.95"), _usd("99.50"))
CAPTAIN = Plan("captain", "Captain", 2, _usd("19.95"), _usd("199.50"))
ADMIRAL = Plan("admiral", "Admiral", 3, _usd("39.95"), _usd("399.50"))
#: The shipped tiers, cheapest first.
PRESET_PLANS = (NAVIGATOR, CAPTAIN, ADMIRAL)


def is_upgrade(current: Plan, target: Plan) -> bool:
    """Whether moving from ``current`` to ``target`` goes up a tier (by rank, not name).

    >>> is_upgrade(NAVIGATOR, ADMIRAL), is_upgrade(ADMIRAL, CAPTAIN)
    (True, False)
    """
    return target.rank > current.rank


def months_after(day: date, months: int) -> Result[date, DomainError]:
    """:func:`~astratrade_core.revenue.daycount.add_months`, or ``revenue.date_range`` when
    the result falls outside the calendar ``datetime.date`` can represent.

    >>> months_after(date(2026, 1, 31), 1).unwrap()
    datetime.date(2026, 2, 28)
    >>> months_after(date(9999, 12, 1), 1).failure().code
    'revenue.date_range'
    >>> months_after(date(2026, 1, 1), 0.5).failure().code   # whole months only
    'revenue.months'
    """
    if type(months) is not int:
        return Failure(DomainError.invalid("revenue.months", "months must be an integer",
                                           months=months))
    if _FIRST_MONTH <= day.year * 12 + day.month - 1 + months <= _LAST_MONTH:
        return Success(add_months(day, months))
    return Failure(DomainError.invalid("revenue.date_range",
                                       f"that many months after {day} is beyond the calendar",
                                       day=day, months=months))


def _days_after(day: date, days: int) -> Result[date, DomainError]:
    if (date.max - day).days < days:
        return Failure(DomainError.invalid("revenue.date_range",
                                           f"{days} days after {day} is beyond the calendar",
                                           day=day, days=days))
    return Success(day + timedelta(days=days))


@attrs.frozen
class Subscription:
    """One subscriber's plan (id, tier rank, price per cycle), cycle, billing anchor and current
    period ``[period_start, period_end)``."""

    plan_id: str
    tier_rank: int
    cycle: BillingCycle
    price: Money
    anchor: date
    period_start: date
    period_end: date
    trial_ends_on: date | None = None

    @classmethod
    def opened(cls, plan_id: str, tier_rank: int, cycle: BillingCycle, price: Money, *,
               starts_on: date, trial_ends_on: date | None) -> Result[Subscription,
                                                                      DomainError]:
        """A subscription starting on ``starts_on``: a free trial until ``trial_ends_on`` (its
        paid periods anchor there), or a first paid period of one cycle.

        >>> Subscription.opened("navigator", 1, BillingCycle.MONTHLY, NAVIGATOR.monthly,
        ...                     starts_on=date(2026, 1, 31), trial_ends_on=None
        ...                     ).unwrap().period_end
        datetime.date(2026, 2, 28)

        ``tier_rank`` is an integer ``>= 0`` (``revenue.plan_rank``).
        """
        rank = _rank(tier_rank)
        if isinstance(rank, Failure):
            return rank
        if trial_ends_on is not None:
            return Success(cls(plan_id, tier_rank, cycle, price, trial_ends_on, starts_on,
                               trial_ends_on, trial_ends_on))
        return months_after(starts_on, cycle.months).map(
            lambda end: cls(plan_id, tier_rank, cycle, price, starts_on, starts_on, end))

    def in_trial(self, on: date) -> bool:
        """Whether ``on`` falls in the free trial."""
        return self.trial_ends_on is not None and on < self.trial_ends_on

    def unused_share(self, on: date, convention: DayCount) -> Fraction:
        """The share of the current period left from ``on`` (exact)."""
        whole = year_fraction(self.period_start, self.period_end, convention)
        if whole == 0:
            return Fraction(0)
        return year_fraction(on, self.period_end, convention) / whole

    def switched(self, plan_id: str, tier_rank: int, cycle: BillingCycle, price: Money,
                 on: date) -> Result[Subscription, DomainError]:
        """The subscription after moving to another plan or cycle on ``on``: a cycle switch
        outside a trial restarts the period (and the anchor) on ``on``; otherwise the period
        and any trial carry on.

        >>> sub = start(NAVIGATOR, BillingCycle.MONTHLY, date(2026, 1, 1)).unwrap()[0]
        >>> sub.switched("navigator", 1, BillingCycle.YEARLY, NAVIGATOR.yearly,
        ...              date(2026, 1, 16)).unwrap().period_end
        datetime.date(2027, 1, 16)
        """
        rank = _rank(tier_rank)
        if isinstance(rank, Failure):
            return rank
        if cycle is self.cycle or self.in_trial(on):
            return Success(attrs.evolve(self, plan_id=plan_id, tier_rank=tier_rank,
                                        cycle=cycle, price=price))
        return months_after(on, cycle.months).map(
            lambda end: Subscription(plan_id, tier_rank, cycle, price, on, on, end))


def start(plan: Plan, cycle: BillingCycle, on: date,
          trial_days: int = 0) -> Result[tuple[Subscription, Money], DomainError]:
    """Start a subscription on ``on``; returns it and what is charged now (0 in a trial).

    >>> sub, due = start(CAPTAIN, BillingCycle.YEARLY, date(2026, 3, 1), trial_days=14).unwrap()
    >>> sub.period_end, str(due.amount)
    (datetime.date(2026, 3, 15), '0.00')
    """
    if isinstance(trial_days, bool) or not 0 <= trial_days <= MAX_TRIAL_DAYS:
        return Failure(DomainError.invalid("revenue.trial_days",
                                           f"trial must be 0..{MAX_TRIAL_DAYS} days",
                                           trial_days=trial_days))
    price = plan.price(cycle)
    if trial_days:
        return _days_after(on, trial_days).bind(lambda end: Subscription.opened(
            plan.plan_id, plan.rank, cycle, price, starts_on=on, trial_ends_on=end)).map(
            lambda sub: (sub, Money.from_minor_units(0, price.currency)))
    return Subscription.opened(plan.plan_id, plan.rank, cycle, price, starts_on=on,
                               trial_ends_on=None).map(
        lambda sub: (sub, price))


def renew(subscription: Subscription) -> Result[tuple[Subscription, Money], DomainError]:
    """Roll into the next period; returns the new state and the charge for it.

    The next period ends at the first whole number of cycles after the anchor that lies
    beyond the current end (so Jan 31 renews on Feb 28, then Mar 31).

    >>> sub, _ = start(NAVIGATOR, BillingCycle.MONTHLY, date(2026, 1, 31)).unwrap()
    >>> sub, due = renew(sub).unwrap()
    >>> sub.period_start, sub.period_end, str(due.amount)
    (datetime.date(2026, 2, 28), datetime.date(2026, 3, 31), '9.95')
    """
    months = subscription.cycle.months
    anchor, end = subscription.anchor, subscription.period_end
    between = (end.year - anchor.year) * 12 + end.month - anchor.month
    elapsed = max(between // months, 0) * months
    for _ in range(3):  # the estimate is at most one cycle short
        following = months_after(anchor, elapsed)
        match following:
            case Success(day) if day <= end:
                elapsed += months
            case _:
                break
    return following.map(lambda next_end: (
        attrs.evolve(subscription, period_start=end, period_end=next_end),
        subscription.price))


@attrs.frozen
class PlanChange:
    """The subscription after a change and the net prorated amount (negative = credit)."""

    subscription: Subscription
    net: Money


def _check_within(subscription: Subscription, on: date) -> Result[date, DomainError]:
    if not subscription.period_start <= on < subscription.period_end:
        return Failure(DomainError.rejected("revenue.outside_period",
                                            "date outside the current period", on=on,
                                            period_start=subscription.period_start,
                                            period_end=subscription.period_end))
    return Success(on)


def _prices(old: Money, new: Money) -> Result[tuple[int, int], DomainError]:
    if old.currency != new.currency:
        return Failure(DomainError.invalid(
            "money.currency_mismatch", "plans in different currencies",
            left=old.currency.code, right=new.currency.code))
    return collect("revenue.prices", whole_units(old, "current price"),
                   whole_units(new, "new price")).alt(flattened)


def change_plan(subscription: Subscription, plan: Plan, cycle: BillingCycle, on: date,
                convention: DayCount) -> Result[PlanChange, DomainError]:
    """Move to ``plan``/``cycle`` on ``on`` with proration (see the module docstring).

    >>> sub, _ = start(ADMIRAL, BillingCycle.MONTHLY, date(2026, 4, 1)).unwrap()
    >>> c = change_plan(sub, NAVIGATOR, BillingCycle.MONTHLY, date(2026, 4, 11),
    ...                 DayCount.THIRTY_360).unwrap()
    >>> str(c.net.amount)   # (9.95 - 39.95) * 20/30 = -20.00
    '-20.00'
    """
    new_price = plan.price(cycle)
    currency = new_price.currency

    def prorate(units: tuple[int, int]) -> Result[PlanChange, DomainError]:
        old_units, new_units = units
        if subscription.in_trial(on):
            net_units = 0
        elif cycle is subscription.cycle:
            net_units = math.ceil((new_units - old_units)
                                  * subscription.unused_share(on, convention))
        else:
            net_units = math.ceil(new_units - old_units
                                  * subscription.unused_share(on, convention))
        return subscription.switched(plan.plan_id, plan.rank, cycle, new_price, on).map(
            lambda changed: PlanChange(changed, Money.from_minor_units(net_units, currency)))

    return _check_within(subscription, on).bind(
        lambda _: _prices(subscription.price, new_price)).bind(prorate)


@attrs.frozen
class Cancellation:
    """When the subscription stops (no longer active from ``effective_on``) and the refund."""

    effective_on: date
    refund: Money


def cancel(subscription: Subscription, on: date, convention: DayCount, *,
           immediately: bool = False) -> Result[Cancellation, DomainError]:
    """Cancel at the end of the period (default) or immediately with a prorated refund.

    >>> sub, _ = start(CAPTAIN, BillingCycle.YEARLY, date(2026, 1, 1)).unwrap()
    >>> c = cancel(sub, date(2026, 7, 2), DayCount.ACT_365_FIXED, immediately=True).unwrap()
    >>> str(c.refund.amount)   # 199.50 * 183/365 = 100.0232... -> 100.02
    '100.02'
    """
    price = subscription.price

    def refund(units: int) -> Cancellation:
        if not immediately:
            return Cancellation(subscription.period_end,
                                Money.from_minor_units(0, price.currency))
        if subscription.in_trial(on):
            return Cancellation(on, Money.from_minor_units(0, price.currency))
        share = subscription.unused_share(on, convention)
        return Cancellation(on, Money.from_minor_units(math.floor(units * share),
                                                       price.currency))

    return _check_within(subscription, on).bind(
        lambda _: whole_units(price, "price")).map(refund)
