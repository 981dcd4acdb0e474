"""Day counts, plans, billing periods, trials, proration and cancellation."""

from __future__ import annotations

import decimal
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.money import EUR, USD, Money
from astratrade_core.revenue.daycount import DayCount, add_months, day_count, year_fraction
from astratrade_core.revenue.subscriptions import (
    ADMIRAL,
    CAPTAIN,
    NAVIGATOR,
    PRESET_PLANS,
    BillingCycle,
    Plan,
    Subscription,
    cancel,
    change_plan,
    is_upgrade,
    months_after,
    renew,
    start,
)
from astratrade_core.testing import hostile_contexts

D = Decimal
ACT = DayCount.ACT_365_FIXED


def usd(text: str) -> Money:
    return Money(D(text), USD)


def test_isda_act_act_example() -> None:
    # ISDA, "EMU and market conventions" (1998), Act/Act ISDA example: 1 Nov 2003 - 1 May 2004
    # = 61/365 + 121/366 (= 0.16712 + 0.33060 = 0.49772).
    yf = year_fraction(date(2003, 11, 1), date(2004, 5, 1), DayCount.ACT_ACT_ISDA)
    assert yf == Fraction(61, 365) + Fraction(121, 366)
    assert round(yf, 5) == Fraction(49772, 100000)
    # Act/365F over the same period: 182 / 365.
    assert year_fraction(date(2003, 11, 1), date(2004, 5, 1), ACT) == Fraction(182, 365)


def test_thirty_360_variants() -> None:
    jan31, feb28, mar31 = date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)
    # Bond basis: D1 31 -> 30; D2 31 -> 30 because D1 is 30: 30*2 + 0 = 60.
    assert day_count(jan31, mar31, DayCount.THIRTY_360) == 60
    assert day_count(jan31, mar31, DayCount.THIRTY_E_360) == 60
    # D1 = 28: bond basis keeps D2 = 31 (30 + 3 = 33); 30E/360 cuts it to 30 (30 + 2 = 32).
    assert day_count(feb28, mar31, DayCount.THIRTY_360) == 33
    assert day_count(feb28, mar31, DayCount.THIRTY_E_360) == 32
    assert year_fraction(mar31, feb28, DayCount.THIRTY_E_360) == Fraction(-32, 360)
    assert day_count(feb28, mar31, ACT) == 31


def test_add_months_clamps() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 3, 15), -3) == date(2025, 12, 15)


dates = st.dates(date(2000, 1, 1), date(2100, 12, 31))


@given(dates, dates, dates, st.sampled_from([ACT, DayCount.ACT_ACT_ISDA]))
def test_actual_conventions_are_additive(a: date, b: date, c: date, dc: DayCount) -> None:
    assert year_fraction(a, b, dc) + year_fraction(b, c, dc) == year_fraction(a, c, dc)


@given(dates, dates, st.sampled_from(DayCount))
def test_year_fraction_is_antisymmetric(a: date, b: date, dc: DayCount) -> None:
    assert year_fraction(a, b, dc) == -year_fraction(b, a, dc)


def test_presets() -> None:
    assert [p.name for p in PRESET_PLANS] == ["Navigator", "Captain", "Admiral"]
    assert [(p.monthly, p.yearly) for p in PRESET_PLANS] == [
        (usd("9.95"), usd("99.50")), (usd("19.95"), usd("199.50")), (usd("39.95"), usd("399.50"))]
    # (12 * 9.95 - 99.50) / 119.40 = 19.90 / 119.40 = 1/6 = 16.666...% -> 16.67.
    assert {p.yearly_saving_percent() for p in PRESET_PLANS} == {D("16.67")}
    assert is_upgrade(NAVIGATOR, CAPTAIN) and not is_upgrade(CAPTAIN, CAPTAIN)
    # Rank decides, never the name: an "Admiral" ranked below a "Navigator" is a downgrade.
    odd = Plan.of("legacy", "Admiral", 0, usd("1"), usd("10")).unwrap()
    assert not is_upgrade(NAVIGATOR, odd) and is_upgrade(odd, NAVIGATOR)
    assert Plan.of("x", "X", True, usd("1.001"), usd("1")).failure().codes() == (
        "revenue.plan_rank", "revenue.plan_price")


def test_periods_and_trials() -> None:
    sub, due = start(NAVIGATOR, BillingCycle.MONTHLY, date(2026, 1, 31)).unwrap()
    assert (sub.period_end, due) == (date(2026, 2, 28), usd("9.95"))
    sub, due = renew(sub).unwrap()
    assert (sub.period_start, sub.period_end) == (date(2026, 2, 28), date(2026, 3, 31))
    sub, _ = renew(sub).unwrap()
    assert sub.period_end == date(2026, 4, 30)
    # 14-day trial from Mar 1: free until Mar 15, then the first yearly period Mar 15 - Mar 15.
    trial, due = start(CAPTAIN, BillingCycle.YEARLY, date(2026, 3, 1), trial_days=14).unwrap()
    assert due == usd("0.00") and trial.in_trial(date(2026, 3, 14))
    assert not trial.in_trial(date(2026, 3, 15))
    paid, due = renew(trial).unwrap()
    assert (paid.period_start, paid.period_end, due) == (
        date(2026, 3, 15), date(2027, 3, 15), usd("199.50"))
    assert start(CAPTAIN, BillingCycle.YEARLY, date(2026, 3, 1), -1).failure().code == (
        "revenue.trial_days")


def test_proration_worked_examples() -> None:
    sub, _ = start(NAVIGATOR, BillingCycle.MONTHLY, date(2026, 1, 1)).unwrap()
    # Upgrade on Jan 16, Act/365F: 16 of 31 days unused; 1000 cents * 16/31 = 516.13 -> 517.
    up = change_plan(sub, CAPTAIN, BillingCycle.MONTHLY, date(2026, 1, 16), ACT).unwrap()
    assert up.net == usd("5.17") and up.subscription.plan_id == CAPTAIN.plan_id
    # Straight back down the same day: -1000 * 16/31 = -516.13 -> -516 (credit toward zero).
    down = change_plan(up.subscription, NAVIGATOR, BillingCycle.MONTHLY, date(2026, 1, 16),
                       ACT).unwrap()
    assert down.net == usd("-5.16")
    # Switch to yearly on Jan 16: 9950 - 995 * 16/31 = 9950 - 513.55 = 9436.45 -> 9437.
    switch = change_plan(sub, NAVIGATOR, BillingCycle.YEARLY, date(2026, 1, 16), ACT).unwrap()
    assert switch.net == usd("94.37")
    assert (switch.subscription.period_start, switch.subscription.period_end) == (
        date(2026, 1, 16), date(2027, 1, 16))
    # 30/360 vs Act/365F differ across February: Feb 1 - Mar 1 is 30 "days" under 30/360,
    # 28 actual; change on Feb 15: 16/30 vs 14/28 unused; 2000 * 16/30 = 1066.67 -> 1067 and
    # 2000 * 1/2 = 1000.
    feb, _ = start(CAPTAIN, BillingCycle.MONTHLY, date(2026, 2, 1)).unwrap()
    assert change_plan(feb, ADMIRAL, BillingCycle.MONTHLY, date(2026, 2, 15),
                       DayCount.THIRTY_360).unwrap().net == usd("10.67")
    assert change_plan(feb, ADMIRAL, BillingCycle.MONTHLY, date(2026, 2, 15),
                       ACT).unwrap().net == usd("10.00")
    assert change_plan(feb, ADMIRAL, BillingCycle.MONTHLY, date(2026, 3, 1),
                       ACT).failure().code == "revenue.outside_period"
    euro = Plan("e", "E", 9, Money(D(1), EUR), Money(D(10), EUR))
    assert change_plan(feb, euro, BillingCycle.MONTHLY, date(2026, 2, 15),
                       ACT).failure().code == "money.currency_mismatch"


def test_trial_changes_and_cancellations() -> None:
    trial, _ = start(ADMIRAL, BillingCycle.MONTHLY, date(2026, 5, 1), trial_days=7).unwrap()
    moved = change_plan(trial, NAVIGATOR, BillingCycle.YEARLY, date(2026, 5, 3), ACT).unwrap()
    assert moved.net == usd("0.00") and moved.subscription.trial_ends_on == date(2026, 5, 8)
    gone = cancel(trial, date(2026, 5, 3), ACT, immediately=True).unwrap()
    assert (gone.effective_on, gone.refund) == (date(2026, 5, 3), usd("0.00"))
    sub, _ = start(CAPTAIN, BillingCycle.YEARLY, date(2026, 1, 1)).unwrap()
    at_end = cancel(sub, date(2026, 7, 2), ACT).unwrap()
    assert (at_end.effective_on, at_end.refund) == (date(2027, 1, 1), usd("0.00"))
    # 19950 * 183/365 = 10002.33 -> 10002 (down, the platform's favour).
    now = cancel(sub, date(2026, 7, 2), ACT, immediately=True).unwrap()
    assert now.refund == usd("100.02")
    assert cancel(sub, date(2027, 1, 1), ACT).failure().code == "revenue.outside_period"


prices_st = st.integers(1, 10**6).map(lambda c: Money.from_minor_units(c, USD))


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    return Plan("p", "P", draw(st.integers(0, 9)), draw(prices_st), draw(prices_st))


@given(a=plans(), b=plans(), cycle=st.sampled_from(BillingCycle), day=dates,
       offset=st.integers(0, 400), dc=st.sampled_from(DayCount))
def test_upgrade_then_downgrade_nets_at_most_one_minor_unit(
        *, a: Plan, b: Plan, cycle: BillingCycle, day: date, offset: int, dc: DayCount) -> None:
    sub, _ = start(a, cycle, day).unwrap()
    on = min(day + timedelta(days=offset), sub.period_end - timedelta(days=1))
    there = change_plan(sub, b, cycle, on, dc).unwrap()
    back = change_plan(there.subscription, a, cycle, on, dc).unwrap()
    assert back.subscription == sub
    assert 0 <= there.net.minor_units + back.net.minor_units <= 1


@given(plan=plans(), cycle=st.sampled_from(BillingCycle), day=dates, o1=st.integers(0, 400),
       o2=st.integers(0, 400), dc=st.sampled_from([ACT, DayCount.ACT_ACT_ISDA]))
def test_refund_bounded_and_shrinking(*, plan: Plan, cycle: BillingCycle, day: date, o1: int,
                                      o2: int, dc: DayCount) -> None:
    sub, price = start(plan, cycle, day).unwrap()
    last = sub.period_end - timedelta(days=1)
    early, late = sorted((min(day + timedelta(days=o1), last), min(day + timedelta(days=o2), last)))
    r_early = cancel(sub, early, dc, immediately=True).unwrap().refund.minor_units
    r_late = cancel(sub, late, dc, immediately=True).unwrap().refund.minor_units
    assert 0 <= r_late <= r_early <= price.minor_units


@given(plans(), plans(), st.sampled_from(BillingCycle), st.sampled_from(DayCount),
       hostile_contexts())
def test_independent_of_caller_context(a: Plan, b: Plan, cycle: BillingCycle, dc: DayCount,
                                       ctx: decimal.Context) -> None:
    def run() -> object:
        sub, due = start(a, cycle, date(2026, 1, 31), trial_days=0).unwrap()
        return (due, renew(sub), change_plan(sub, b, BillingCycle.YEARLY, date(2026, 2, 10), dc),
                cancel(sub, date(2026, 2, 3), dc, immediately=True), a.yearly_saving_percent(),
                Plan.of("p", "P", 1, a.monthly, b.yearly), is_upgrade(a, b),
                year_fraction(date(2024, 2, 29), date(2026, 1, 31), dc))

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected


def test_ranks_and_month_counts_of_the_wrong_type_are_refused() -> None:
    # Totality (tests/test_totality.py): Plan.of stored a float rank, Subscription.opened and
    # switched a bool one, months_after(day, 0.5) raised TypeError and a 5000-digit month
    # count raised ValueError while formatting its message
    price = Money(Decimal("10"), USD)
    assert "revenue.plan_rank" in Plan.of("p", "P", 1.5, price, price).failure().codes()  # type: ignore[arg-type]
    opened = Subscription.opened("p", True, BillingCycle.MONTHLY, price,
                                 starts_on=date(2026, 1, 1), trial_ends_on=None)
    assert opened.failure().code == "revenue.plan_rank"
    sub = Subscription.opened("p", 1, BillingCycle.MONTHLY, price, starts_on=date(2026, 1, 1),
                              trial_ends_on=None).unwrap()
    assert sub.switched("q", False, BillingCycle.YEARLY, price, date(2026, 1, 5)
                        ).failure().code == "revenue.plan_rank"
    assert months_after(date(2026, 1, 1), 0.5).failure().code == "revenue.months"  # type: ignore[arg-type]
    assert months_after(date(2026, 1, 1), 10**5000).failure().code == "revenue.date_range"
