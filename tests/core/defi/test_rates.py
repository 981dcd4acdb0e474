"""APR <-> APY and streak bonuses: worked values, APY >= APR, round trips, monotone bonuses."""

from __future__ import annotations

import decimal
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.defi.rates import (
    STREAK_YIELD_BONUSES,
    StreakBonusTable,
    apr_from_apy,
    apy_from_apr,
)
from astratrade_core.numeric import MAX_COMPUTED_INTEGER_DIGITS
from astratrade_core.testing import decimals, hostile_contexts

D = Decimal


def test_worked_values() -> None:
    # 12 % monthly: 1.01**12 - 1 = 0.126825030131969720661201 (exact, 24 digits) -> 18 places
    # 0.126825030131969721 (next digit 6 rounds the 0 up).
    assert apy_from_apr("0.12", 12).unwrap() == D("0.126825030131969721")
    # 10 % semi-annual: 1.05**2 - 1 = 0.1025 exactly.
    assert apy_from_apr("0.10", 2).unwrap() == D("0.102500000000000000")
    assert apr_from_apy("0.1025", 2).unwrap() == D("0.100000000000000000")
    # 10 % APY compounded quarterly: APR = 4 * (1.1**0.25 - 1) = 0.09645475633778...
    # -> 0.09645476 at 8 places; compounding that back gives 0.10000000 at 8 places.
    apr = apr_from_apy("0.1", 4, places=8).unwrap()
    assert apr == D("0.09645476")
    assert apy_from_apr(apr, 4, places=8).unwrap() == D("0.10000000")
    # n = 1: APY == APR.
    assert apy_from_apr("0.37", 1, places=2).unwrap() == D("0.37")


def test_failures() -> None:
    assert apy_from_apr("0.1", 0).failure().code == "defi.periods"
    assert apy_from_apr("0.1", True).failure().code == "defi.periods"
    assert apy_from_apr("0.1", 12, places=29).failure().code == "defi.places"
    # A float is refused at run time as well as by the type checker.
    assert apy_from_apr(0.1, 12).failure().code == (  # type: ignore[arg-type]
        "numeric.float_rejected")
    assert apy_from_apr("-12", 12).failure().code == "defi.rate_range"
    assert apr_from_apy("-1.5", 12).failure().code == "defi.rate_range"
    assert apr_from_apy("x", 12).failure().code == "numeric.syntax"
    assert apr_from_apy("0.1", 10**10).failure().code == "defi.periods"


@given(decimals(D("0.000001"), 5, 6), st.integers(1, 1000), st.integers(1, 1000))
def test_apy_at_least_apr_and_grows_with_periods(apr: Decimal, n1: int, n2: int) -> None:
    low, high = sorted((n1, n2))
    apy_low = apy_from_apr(apr, low).unwrap()
    assert apy_low >= apr
    assert apy_from_apr(apr, high).unwrap() >= apy_low


@given(decimals(0, 10, 18), st.sampled_from([1, 2, 4, 12, 52, 365, 8760]))
def test_round_trip_within_one_unit_in_the_last_place(apr: Decimal, n: int) -> None:
    back = apr_from_apy(apy_from_apr(apr, n).unwrap(), n).unwrap()
    assert abs(back - apr) <= D("1e-18")


def test_streak_table() -> None:
    t = STREAK_YIELD_BONUSES
    assert [t.bonus_bps(d) for d in (0, 6, 7, 29, 30, 90, 364, 365, 10_000)] == [
        0, 0, 500, 500, 1000, 2000, 2000, 5000, 5000]
    # 8 % APR with a 45-day streak (+10 %): 0.08 * 11000 / 10000 = 0.088.
    assert t.boosted_apr(D("0.08"), 45) == D("0.088")
    assert StreakBonusTable.of([(1, 100), (5, 300)]).unwrap().bonus_bps(4) == 100
    err = StreakBonusTable.of([(7, 500), (7, 400), (-1, 0)]).failure()
    assert err.codes() == ("defi.streak_value", "defi.streak_order", "defi.streak_order")


@given(st.integers(0, 2000), st.integers(0, 2000), decimals(0, 2, 6))
def test_longer_streaks_never_earn_less(d1: int, d2: int, apr: Decimal) -> None:
    short, long = sorted((d1, d2))
    t = STREAK_YIELD_BONUSES
    assert t.bonus_bps(short) <= t.bonus_bps(long)
    assert t.boosted_apr(apr, short) <= t.boosted_apr(apr, long)


@given(decimals(D("-0.5"), 3, 8), st.integers(1, 400), st.integers(0, 400), hostile_contexts())
def test_independent_of_caller_context(rate: Decimal, n: int, days: int,
                                       ctx: decimal.Context) -> None:
    expected = (apy_from_apr(rate, n), apr_from_apy(rate, n),
                STREAK_YIELD_BONUSES.boosted_apr(rate, days),
                StreakBonusTable.of([(1, 100), (5, 300)]))
    with decimal.localcontext(ctx):
        assert (apy_from_apr(rate, n), apr_from_apy(rate, n),
                STREAK_YIELD_BONUSES.boosted_apr(rate, days),
                StreakBonusTable.of([(1, 100), (5, 300)])) == expected


def test_an_apy_beyond_ten_to_the_48_is_refused_not_raised() -> None:
    # Totality (tests/test_totality.py): apy_from_apr("1000", 365) raised InvalidOperation (the
    # result, ~1e209, has more digits than the context keeps), and a higher rate overflowed
    for apr, periods in (("1000", 365), ("1E23", 10**9), ("200", 10**6)):
        assert apy_from_apr(apr, periods).failure().code == "defi.rate_range"
    # below the bound: (1 + 1E+23 / 2) ** 2 - 1, a number of 46 digits, exactly
    assert apy_from_apr("1E23", 2, places=0).unwrap() == (5 * 10**22 + 1) ** 2 - 1
    assert MAX_COMPUTED_INTEGER_DIGITS == 48
    assert apr_from_apy("1E23", 10**9, 2).unwrap() > 0
