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

from astratrade_core.errors import DomainError
from astratrade_core.money import USD, Money
from astratrade_core.numeric import CONTEXT, Rounding, quantize
from astratrade_core.revenue.daycount import DayCount, add_months, year_fraction

__all__ = [
    "ADMIRAL",
    "CAPTAIN",
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
    "renew",
    "start",
]

_HUNDRED = Decimal(100)


class BillingCycle(enum.Enum):
    """How often a subscription bills."""

    MONTHLY = "monthly"
    YEARLY = "yearly"

    @property
    def months(self) -> int:
        """Calendar months per billing period."""
        return 1 if self is BillingCycle.MONTHLY else 12


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
        problems: list[DomainError] = []
        if isinstance(rank, bool) or not isinstance(rank, int) or rank < 0:
            problems.append(DomainError.invalid("revenue.plan_rank", "rank must be an integer >= 0",
                                           rank=rank))
        for price, field in ((monthly, "monthly"), (yearly, "yearly")):
            if price.amount <= 0 or price.rounded(Rounding.DOWN) != price:
                problems.append(DomainError.invalid("revenue.plan_price",
                                               f"{field} price must be positive whole minor "
                                               f"units", field=field, price=price.amount))
        if monthly.currency != yearly.currency:
            problems.append(DomainError.invalid("money.currency_mismatch",
                                           "monthly and yearly prices differ in currency",
                                           left=monthly.currency.code,
                                           right=yearly.currency.code))
        if problems:
            return Failure(DomainError.all_of("revenue.plan", problems))
        return Success(cls(plan_id, name, rank, monthly, yearly))

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


@attrs.frozen
class Subscription:
    """One subscriber's plan, cycle, billing anchor and current period ``[start, end)``."""

    plan: Plan
    cycle: BillingCycle
    anchor: date
    period_start: date
    period_end: date
    trial_ends_on: date | None = None

    def in_trial(self, on: date) -> bool:
        """Whether ``on`` falls in the free trial."""
        return self.trial_ends_on is not None and on < self.trial_ends_on

    def unused_share(self, on: date, convention: DayCount) -> Fraction:
        """The share of the current period left from ``on`` (exact)."""
        whole = year_fraction(self.period_start, self.period_end, convention)
        if whole == 0:
            return Fraction(0)
        return year_fraction(on, self.period_end, convention) / whole


def start(plan: Plan, cycle: BillingCycle, on: date,
          trial_days: int = 0) -> Result[tuple[Subscription, Money], DomainError]:
    """Start a subscription on ``on``; returns it and what is charged now (0 in a trial).

    >>> sub, due = start(CAPTAIN, BillingCycle.YEARLY, date(2026, 3, 1), trial_days=14).unwrap()
    >>> sub.period_end, str(due.amount)
    (datetime.date(2026, 3, 15), '0.00')
    """
    if isinstance(trial_days, bool) or not isinstance(trial_days, int) or not (
        0 <= trial_days <= 366
    ):
        return Failure(DomainError.invalid("revenue.trial_days", "trial must be 0..366 days",
                                      trial_days=trial_days))
    price = plan.price(cycle)
    if trial_days:
        trial_end = on + timedelta(days=trial_days)
        return Success((Subscription(plan, cycle, trial_end, on, trial_end, trial_end),
                        Money.from_minor_units(0, price.currency)))
    return Success((Subscription(plan, cycle, on, on, add_months(on, cycle.months)), price))


def renew(subscription: Subscription) -> tuple[Subscription, Money]:
    """Roll into the next period; returns the new state and the charge for it.

    >>> sub, _ = start(NAVIGATOR, BillingCycle.MONTHLY, date(2026, 1, 31)).unwrap()
    >>> sub, due = renew(sub)
    >>> sub.period_start, sub.period_end, str(due.amount)
    (datetime.date(2026, 2, 28), datetime.date(2026, 3, 31), '9.95')
    """
    months = subscription.cycle.months
    elapsed = 0
    while add_months(subscription.anchor, elapsed) <= subscription.period_end:
        elapsed += months
    renewed = attrs.evolve(subscription, period_start=subscription.period_end,
                           period_end=add_months(subscription.anchor, elapsed))
    return renewed, subscription.plan.price(subscription.cycle)


@attrs.frozen
class PlanChange:
    """The subscription after a change and the net prorated amount (negative = credit)."""

    subscription: Subscription
    net: Money


def _check_within(subscription: Subscription, on: date) -> DomainError | None:
    if not subscription.period_start <= on < subscription.period_end:
        return DomainError.invalid("revenue.outside_period", "date outside the current period",
                              on=on, period_start=subscription.period_start,
                              period_end=subscription.period_end)
    return None


def change_plan(subscription: Subscription, plan: Plan, cycle: BillingCycle, on: date,
                convention: DayCount) -> Result[PlanChange, DomainError]:
    """Move to ``plan``/``cycle`` on ``on`` with proration (see the module docstring).

    >>> sub, _ = start(ADMIRAL, BillingCycle.MONTHLY, date(2026, 4, 1)).unwrap()
    >>> c = change_plan(sub, NAVIGATOR, BillingCycle.MONTHLY, date(2026, 4, 11),
    ...                 DayCount.THIRTY_360).unwrap()
    >>> str(c.net.amount)   # (9.95 - 39.95) * 20/30 = -20.00
    '-20.00'
    """
    problem = _check_within(subscription, on)
    if problem is not None:
        return Failure(problem)
    old_price, new_price = subscription.plan.price(subscription.cycle), plan.price(cycle)
    if old_price.currency != new_price.currency:
        return Failure(DomainError.invalid(
            "money.currency_mismatch", "plans in different currencies",
                                      left=old_price.currency.code,
                                      right=new_price.currency.code))
    currency = new_price.currency
    if subscription.in_trial(on):
        switched = attrs.evolve(subscription, plan=plan, cycle=cycle)
        return Success(PlanChange(switched, Money.from_minor_units(0, currency)))
    share = subscription.unused_share(on, convention)
    if cycle is subscription.cycle:
        net_units = math.ceil((new_price.minor_units - old_price.minor_units) * share)
        changed = attrs.evolve(subscription, plan=plan)
    else:
        net_units = math.ceil(new_price.minor_units - old_price.minor_units * share)
        changed = Subscription(plan, cycle, on, on, add_months(on, cycle.months))
    return Success(PlanChange(changed, Money.from_minor_units(net_units, currency)))


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
    problem = _check_within(subscription, on)
    if problem is not None:
        return Failure(problem)
    price = subscription.plan.price(subscription.cycle)
    if not immediately:
        return Success(Cancellation(subscription.period_end,
                                    Money.from_minor_units(0, price.currency)))
    if subscription.in_trial(on):
        return Success(Cancellation(on, Money.from_minor_units(0, price.currency)))
    share = subscription.unused_share(on, convention)
    refund = math.floor(price.minor_units * share)
    return Success(Cancellation(on, Money.from_minor_units(refund, price.currency)))
