"""Rate conversions and streak bonuses at their edges: periods and places at their bounds and
one past, a rate at exactly -periods (APR) or -1 (APY), results rounded half-even exactly at a
tie, a streak of exactly each rule's days, table rows equal or decreasing.  Found by
`make mutate` (defi)."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

from astratrade_core.defi.rates import (
    STREAK_YIELD_BONUSES,
    StreakBonusTable,
    apr_from_apy,
    apy_from_apr,
)
from astratrade_core.errors import DomainError
from astratrade_core.numeric import CONTEXT
from astratrade_core.testing import around, around_ints

D = Decimal


@given(around_ints(1) | around_ints(10**9))
def test_periods_run_from_1_to_a_billion(periods: int) -> None:
    for convert in (apy_from_apr, apr_from_apy):
        got = convert("0.05", periods)
        if 1 <= periods <= 10**9:
            assert isinstance(got, Success)
        else:
            assert got == Failure(DomainError.invalid(
                "defi.periods", "periods must be an integer in 1..1000000000", periods=periods))


@given(around_ints(0) | around_ints(28))
def test_places_run_from_0_to_28(places: int) -> None:
    for convert in (apy_from_apr, apr_from_apy):
        got = convert("0.05", 12, places)
        if 0 <= places <= 28:
            assert got.unwrap() == got.unwrap().quantize(D(1).scaleb(-places))
        else:
            assert got == Failure(DomainError.invalid(
                "defi.places", "places must be an integer in 0..28", places=places))


@given(around(-4, places=2))
def test_an_apr_must_stay_above_minus_periods(apr: Decimal) -> None:
    got = apy_from_apr(apr, 4)
    if apr > -4:
        assert isinstance(got, Success)
    else:
        assert got == Failure(DomainError.invalid("defi.rate_range",
                                                  "APR must be above -periods",
                                                  apr=apr, periods=4))


@given(around(-1, places=2))
def test_an_apy_must_stay_above_minus_one(apy: Decimal) -> None:
    got = apr_from_apy(apy, 12)
    if apy > -1:
        assert isinstance(got, Success)
    else:
        assert got == Failure(DomainError.invalid("defi.rate_range", "APY must be above -1",
                                                  apy=apy))


def test_conversions_round_half_even_at_a_tie() -> None:
    # (1 + 0.05/1)^1 - 1 = 0.05 exactly: at 1 place a tie between 0.0 and 0.1 -> 0.0
    assert apy_from_apr("0.05", 1, 1) == Success(D("0.0"))
    assert apy_from_apr("0.15", 1, 1) == Success(D("0.2"))
    # APR of an APY compounded once is the APY itself: the same ties
    assert apr_from_apy("0.25", 1, 1) == Success(D("0.2"))
    assert apr_from_apy("0.35", 1, 1) == Success(D("0.4"))


@given(st.integers(1, 400), st.sampled_from(["0.05", "0.12", "-0.5", "3"]))
def test_apy_is_the_compounded_apr(periods: int, apr: str) -> None:
    exact = CONTEXT.subtract(CONTEXT.power(CONTEXT.add(1, CONTEXT.divide(D(apr), periods)),
                                           periods), 1)
    expected = exact.quantize(D(1).scaleb(-18), ROUND_HALF_EVEN)
    assert apy_from_apr(apr, periods) == Success(expected)


@given(st.sampled_from([(7, 500), (30, 1_000), (90, 2_000), (365, 5_000)]),
       st.integers(-1, 1))
def test_a_streak_earns_a_rule_from_exactly_its_days(rule: tuple[int, int],
                                                     offset: int) -> None:
    days, bonus = rule
    below = {7: 0, 30: 500, 90: 1_000, 365: 2_000}[days]
    assert STREAK_YIELD_BONUSES.bonus_bps(days + offset) == (bonus if offset >= 0 else below)
    factor = D(10_000 + STREAK_YIELD_BONUSES.bonus_bps(days + offset)) / D(10_000)
    assert STREAK_YIELD_BONUSES.boosted_apr(D("0.10"), days + offset) == D("0.10") * factor


@given(st.sampled_from([((7, 500), (7, 500)), ((7, 500), (8, 499)), ((7, 500), (6, 600)),
                        ((7, 500), (8, 500)), ((0, 0), (1, 0))]))
def test_streak_rows_must_increase_in_days_and_not_decrease_in_bonus(
        rows: tuple[tuple[int, int], tuple[int, int]]) -> None:
    (d0, b0), (d1, b1) = rows
    got = StreakBonusTable.of(list(rows))
    if d1 > d0 and b1 >= b0:
        assert isinstance(got, Success)
    else:
        assert [(c.code, c.fields["index"]) for c in got.failure().causes] == [
            ("defi.streak_order", "1")]


@given(around_ints(0) | around_ints(100_000))
def test_streak_values_run_from_0_to_100000(value: int) -> None:
    got = StreakBonusTable.of([(value, 0)])
    if 0 <= value <= 100_000:
        assert isinstance(got, Success)
    else:
        assert [(c.code, c.fields["index"]) for c in got.failure().causes] == [
            ("defi.streak_value", "0")]


def test_an_apy_too_large_to_compute_names_the_apr_and_periods() -> None:
    # 365 * log10(1 + 1000/365) = 209 digits, past the 48 the core computes
    assert apy_from_apr("1000", 365) == Failure(DomainError.invalid(
        "defi.rate_range", "the APY would reach 1E+48", apr=D(1000), periods=365))


@given(st.sampled_from([(1, 48), (2, 24), (3, 16), (4, 12), (6, 8), (8, 6), (12, 4)]))
def test_an_apy_of_exactly_1e48_is_refused(power_periods: tuple[int, int]) -> None:
    # base = 1 + apr/periods = 10**k, so the APY's digits, log10(base) * periods, are exactly
    # 48: the limit itself is refused; a cent less APR is computed.
    k, periods = power_periods
    apr = periods * (10**k - 1)
    assert apy_from_apr(apr, periods) == Failure(DomainError.invalid(
        "defi.rate_range", "the APY would reach 1E+48", apr=D(apr), periods=periods))
    assert isinstance(apy_from_apr(D(apr) - D("0.01"), periods), Success)


@given(st.sampled_from([True, False, 2.0, D(2)]))
def test_places_must_be_a_plain_integer(places: object) -> None:
    for convert in (apy_from_apr, apr_from_apy):
        assert convert("0.05", 12, places) == Failure(DomainError.invalid(  # type: ignore[arg-type]
            "defi.places", "places must be an integer in 0..28", places=places))


def test_conversions_default_to_18_places_and_name_their_input() -> None:
    for convert, name in ((apy_from_apr, "apr"), (apr_from_apy, "apy")):
        got = convert("0.1268250301", 12).unwrap()
        assert got.as_tuple().exponent == -18
        assert got == convert("0.1268250301", 12, 18).unwrap()
        assert convert("x", 12) == Failure(DomainError.invalid(
            "numeric.syntax", f"{name}: not a decimal number", field=name, value="'x'"))


@given(st.sampled_from([(True, 0), (7, False), (7.0, 0), (7, 500.0), (D(7), 0)]))
def test_streak_rows_must_be_plain_integers(row: tuple[object, object]) -> None:
    # A bool or a whole float is in 0..100000 by value, but not an integer row.
    assert StreakBonusTable.of([row]) == Failure(DomainError.all_of(  # type: ignore[list-item]
        "defi.streak_table", [DomainError.invalid(
            "defi.streak_value", "days and bonus must be integers in 0..100000", index=0)]))
