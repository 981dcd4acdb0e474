"""Funding schedules and payments: conservation on a balanced book, funding times at their
edges (exactly at a funding time, across midnight), the cap and floor, histories as step
functions, and Binance's formula worked by hand."""

from __future__ import annotations

import decimal
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.maybe import Nothing, Some

from astratrade_core.numeric import CONTEXT
from astratrade_core.portfolio import book
from astratrade_core.testing import decimals, hostile_contexts, positive_decimals
from astratrade_core.trading import (
    FundingHistory,
    FundingSchedule,
    PositionState,
    apply_funding,
    funding_payments,
)

D = Decimal
T0 = datetime(2026, 1, 1, tzinfo=UTC)
quantities = decimals(-1000, 1000, 3)
rates = decimals(D("-0.003"), D("0.003"), 8)


@st.composite
def balanced_books(draw: st.DrawFn) -> list[Decimal]:
    """Signed positions that sum to zero: every long matched by shorts."""
    some = draw(st.lists(quantities, min_size=1, max_size=12))
    return [*some, CONTEXT.minus(sum(some, D(0)))]


@given(balanced_books(), positive_decimals(10**6, 2), rates)
def test_funding_conserves_between_longs_and_shorts_on_a_balanced_book(
        book_: list[Decimal], mark: Decimal, rate: Decimal) -> None:
    payments = funding_payments(book_, mark, rate)
    assert sum(payments, D(0)) == 0  # exactly: funding only moves money between the sides
    # and as the portfolio books it (these products have at most 13 fractional digits, so
    # booking at 28 places changes nothing)
    assert sum((book(p) for p in payments), D(0)) == 0
    # longs pay shorts at a positive rate
    for quantity, payment in zip(book_, payments, strict=True):
        assert payment == 0 or (payment > 0) == ((quantity > 0) == (rate > 0))


@given(st.lists(quantities, min_size=1, max_size=8), positive_decimals(10**6, 2), rates,
       hostile_contexts())
def test_payments_ignore_the_callers_decimal_context(book_: list[Decimal], mark: Decimal,
                                                     rate: Decimal,
                                                     ctx: decimal.Context) -> None:
    expected = funding_payments(book_, mark, rate)
    with decimal.localcontext(ctx):
        assert funding_payments(book_, mark, rate) == expected


def test_binances_formula_worked_by_hand() -> None:
    # "Funding Amount = Nominal Value of Positions x Funding Rate", nominal = mark x size.
    # A 0.5 BTC long at a mark of 60,000 USDT and 0.01 %: 0.5 * 60000 * 0.0001 = 3 USDT paid;
    # at -0.0125 % the long receives 3.75 and a 0.5 BTC short pays it.
    assert funding_payments([D("0.5")], D("60000"), D("0.0001")) == (D("3.00000"),)
    assert funding_payments([D("0.5"), D("-0.5")], D("60000"), D("-0.000125")) == (
        D("-3.7500000"), D("3.7500000"))


def test_funding_enters_pnl_roi_and_break_even() -> None:
    # long 2 @ 100 at 10x; mark 105: unrealized 10.  2 paid in funding: total P&L 8, net ROI
    # 8 / 20 = 40 % (gross ROI stays 50 %), break-even (200 + 2) / 2 = 101.
    state = apply_funding(PositionState(D("2"), D("200")), D("2"))
    assert state.total_pnl(D("105")) == D("8")
    assert state.net_roi_percent(D("105"), D("10")) == Some(D("40.0"))
    assert state.roi_percent(D("105"), D("10")) == Some(D("50.0"))
    assert state.break_even_price() == Some(D("101"))
    received = apply_funding(PositionState(D("2"), D("200")), D("-2"))
    assert received.break_even_price() == Some(D("99"))


@pytest.mark.parametrize(("hours", "after", "until", "expected"), [
    # exactly at a funding time: excluded as `after`, included as `until`
    (8, T0, T0, []),
    (8, T0 - timedelta(microseconds=1), T0, [T0]),
    (8, T0, T0 + timedelta(hours=8), [T0 + timedelta(hours=8)]),
    # across midnight, every 4 hours
    (4, T0 - timedelta(hours=5), T0 + timedelta(hours=4),
     [T0 - timedelta(hours=4), T0, T0 + timedelta(hours=4)]),
    # an aware time in another zone: 07:59 at UTC-1 is 08:59 UTC, after the 08:00 funding
    (8, datetime(2026, 1, 1, 7, 59, tzinfo=timezone(timedelta(hours=-1))),
     T0 + timedelta(hours=16), [T0 + timedelta(hours=16)]),
])
def test_funding_times_at_their_edges(hours: int, after: datetime, until: datetime,
                                      expected: list[datetime]) -> None:
    schedule = FundingSchedule.of(hours=hours, cap="0.01", floor="-0.01").unwrap()
    assert list(schedule.times(after, until)) == expected


@given(st.sampled_from([1, 2, 3, 4, 6, 8, 12, 24]), st.integers(0, 10**7),
       st.integers(0, 10**6))
def test_funding_times_are_the_aligned_instants_of_the_period(hours: int, start: int,
                                                               length: int) -> None:
    schedule = FundingSchedule.of(hours=hours, cap="0", floor="0").unwrap()
    after = T0 + timedelta(seconds=start)
    until = after + timedelta(seconds=length)
    found = list(schedule.times(after, until))
    step = hours * 3600
    expected = [T0 + timedelta(seconds=s) for s in range(0, start + length + 1, step)
                if start < s <= start + length]
    assert found == expected


def test_a_schedule_clamps_its_rate_between_floor_and_cap() -> None:
    schedule = FundingSchedule.of(hours=8, cap="0.0075", floor="-0.0075").unwrap()
    assert [schedule.clamp(D(r)) for r in ("0.0075", "0.00750001", "-0.02", "0")] == [
        D("0.0075"), D("0.0075"), D("-0.0075"), D("0")]
    assert FundingSchedule.of(hours=0, cap="0", floor="0").failure().codes() == (
        "funding.interval",)
    assert FundingSchedule.of(hours=8, cap="NaN", floor="0").failure().codes() == (
        "numeric.not_finite",)


@given(st.dictionaries(st.integers(0, 1000), rates, max_size=10), st.integers(-10, 1010))
def test_a_history_is_the_step_function_of_its_rates(points: dict[int, Decimal],
                                                     at: int) -> None:
    history = FundingHistory.of([(T0 + timedelta(hours=h), r) for h, r in points.items()]
                                ).unwrap()
    earlier = [h for h in points if h <= at]
    expected = Some(points[max(earlier)]) if earlier else Nothing
    assert history.rate_at(T0 + timedelta(hours=at)) == expected


def test_two_rates_for_one_time_conflict_and_a_repeat_is_harmless() -> None:
    twice = FundingHistory.of([(T0, "0.0001"), (T0, "0.0001")]).unwrap()
    assert twice.times == (T0,)
    assert FundingHistory.of([(T0, "0.0001"), (T0, "0.0002")]).failure().code == (
        "funding.duplicate_time")


def test_publication_times_at_the_ends_of_the_calendar_are_refused() -> None:
    # Totality (tests/test_totality.py): a time at datetime.max in a negative offset raised
    # OverflowError on its way to UTC
    late = datetime.max.replace(tzinfo=timezone(timedelta(hours=-23)))
    early = datetime.min.replace(tzinfo=timezone(timedelta(hours=23)))
    for moment in (late, early):
        assert FundingHistory.of([(moment, "0.0001")]).failure().codes() == (
            "funding.time_range",)
