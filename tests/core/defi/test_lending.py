"""Ray lending maths: integer results pinned by hand, monotonicity in utilization and time."""

from __future__ import annotations

import decimal

from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.defi.lending import (
    SECONDS_PER_YEAR,
    InterestRateModel,
    accrue,
    borrow_rate,
    compound_interest,
    linear_interest,
    percent_mul,
    ray_div,
    ray_mul,
    supply_rate,
    utilization,
)
from astratrade_core.numeric import RAY, U256_MAX
from astratrade_core.testing import hostile_contexts, interest_rate_models

AAVE_LIKE = InterestRateModel(0, 4 * RAY // 100, 75 * RAY // 100, 80 * RAY // 100, 1000)


def test_model_parsing() -> None:
    assert InterestRateModel.of("0", "0.04", "0.75", "0.8", 1000).unwrap() == AAVE_LIKE
    # A float is refused at run time as well as by the type checker.
    err = InterestRateModel.of(0.1, "x", "0", "0", True).failure()  # type: ignore[arg-type]
    assert err.codes() == ("numeric.float_rejected", "numeric.syntax",
                           "defi.optimal_utilization", "defi.reserve_factor")


def test_rates_pinned_by_hand() -> None:
    # At the kink U = 0.8: ray_mul(0.8, 0.04) = 0.032 exactly, / 0.8 = 0.04.
    assert borrow_rate(AAVE_LIKE, 8 * RAY // 10).unwrap() == 4 * RAY // 100
    # Above: U = 0.9, excess = 0.1 / 0.2 = 0.5; 0.75 * 0.5 = 0.375; 0.04 + 0.375 = 0.415.
    assert borrow_rate(AAVE_LIKE, 9 * RAY // 10).unwrap() == 415 * RAY // 1000
    # Supply at 0.9: 0.415 * 0.9 = 0.3735; * 9000 / 10000 = 0.33615 (all exact in ray).
    assert supply_rate(AAVE_LIKE, 9 * RAY // 10).unwrap() == 33615 * RAY // 100_000
    # Below: U = ray_div(1, 3) = (1e27 + 1) // 3 = 333...333 (27 threes).
    third = utilization(1, 2).unwrap()
    assert third == int("3" * 27)
    # mul_div(4e25, 333...333, 8e26) = 333...333 * 5 / 100 = 1666...666.65 -> half up to
    # "1", 24 sixes, "7" (one rounding; Aave's two roundings would give ...666).
    assert ray_mul(third, 4 * RAY // 100).unwrap() == int("1" + "3" * 25)
    assert borrow_rate(AAVE_LIKE, third).unwrap() == int("1" + "6" * 24 + "7")
    # The tiny-kink case Hypothesis found against Aave's double rounding stays monotone:
    tiny = InterestRateModel(0, RAY // 2, 0, 1, 0)
    assert [borrow_rate(tiny, u).unwrap() for u in (0, 1, 2)] == [0, RAY // 2, RAY // 2]
    assert borrow_rate(AAVE_LIKE, 0).unwrap() == 0
    assert borrow_rate(AAVE_LIKE, RAY + 1).failure().code == "defi.utilization"
    # Utilization caps at 1 and fails on out-of-range amounts.
    assert utilization(5, 0).unwrap() == RAY
    assert utilization(-1, 0).failure().code == "defi.amount"


def test_primitives_round_half_up() -> None:
    assert ray_mul(3, RAY // 2).unwrap() == 2   # 1.5 -> 2
    assert ray_div(1, 2 * RAY).unwrap() == 1    # 0.5 -> 1
    assert percent_mul(1, 4999).unwrap() == 0 and percent_mul(1, 5000).unwrap() == 1
    assert ray_mul(U256_MAX, 2 * RAY).failure().code == "numeric.overflow"


def test_accrual_pinned_by_hand() -> None:
    rate, day, year = 5 * RAY // 100, 86_400, SECONDS_PER_YEAR
    # Linear: 5e25 * 86400 // 31536000 = 5e25 / 365 = 136986301369863013698630 (rest 4320000).
    assert linear_interest(rate, day).unwrap() == RAY + 136986301369863013698630
    # Compound, Aave v3 binomial terms:
    #   ray_mul(5e25, 5e25) = 2.5e24; p2 = 2.5e24 // 31536000**2 (= 994519296000000)
    #     = 2513777269;
    #   ray_mul(2513777269, 5e25) = 125688863.45 -> 125688863; p3 = 125688863 // 31536000 = 3;
    #   second = 86400 * 86399 * 2513777269 // 2 = 9382514785819099200;
    #   third = 86400 * 86399 * 86398 * 3 // 6 = 322475074646400;
    #   factor = 1e27 + 136986301369863013698630 + 9382514785819099200 + 322475074646400.
    assert year * year == 994519296000000
    factor = compound_interest(rate, day).unwrap()
    assert factor == 1000136995684207123907444230
    # 1,000,000 USDC (6 decimals) for a day: 1e12 * factor / 1e27 = 1000136995684.2 -> ...684.
    assert accrue(10**12, rate, day).unwrap() == 1000136995684
    assert accrue(10**12, rate, day, compound=False).unwrap() == 1000136986301
    assert compound_interest(rate, -1).failure().code == "defi.accrual"
    assert linear_interest(rate, 2**41).failure().code == "defi.accrual"


@given(interest_rate_models(), st.integers(0, RAY), st.integers(0, RAY))
def test_rates_monotone_in_utilization(model: InterestRateModel, a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert borrow_rate(model, low).unwrap() <= borrow_rate(model, high).unwrap()
    assert supply_rate(model, low).unwrap() <= supply_rate(model, high).unwrap()
    assert supply_rate(model, high).unwrap() <= borrow_rate(model, high).unwrap()


@given(st.integers(0, 10**30), st.integers(0, 10**30), st.integers(0, 10**30))
def test_utilization_grows_with_debt(debt: int, extra: int, available: int) -> None:
    u = utilization(debt, available).unwrap()
    assert 0 <= u <= RAY
    assert u <= utilization(debt + extra, available).unwrap()


@given(st.integers(0, 3 * RAY), st.integers(0, 10 * SECONDS_PER_YEAR),
       st.integers(0, 10 * SECONDS_PER_YEAR))
def test_accrual_monotone_and_compound_above_linear(rate: int, t1: int, t2: int) -> None:
    short, long = sorted((t1, t2))
    assert RAY <= linear_interest(rate, short).unwrap() <= compound_interest(rate, short).unwrap()
    assert compound_interest(rate, short).unwrap() <= compound_interest(rate, long).unwrap()
    assert linear_interest(rate, short).unwrap() <= linear_interest(rate, long).unwrap()


@given(interest_rate_models(), st.integers(0, RAY), hostile_contexts())
def test_independent_of_caller_context(model: InterestRateModel, u: int,
                                       ctx: decimal.Context) -> None:
    def run() -> object:
        return (borrow_rate(model, u), supply_rate(model, u), utilization(u, RAY),
                accrue(u, model.slope2, 86_400), accrue(u, model.slope1, 99, compound=False),
                InterestRateModel.of("0", "0.04", "1", "0.5", 0), ray_mul(u, model.slope1),
                ray_div(u, model.optimal_utilization), percent_mul(u, model.reserve_factor_bps),
                linear_interest(model.slope2, 12_345), compound_interest(model.slope2, 12_345))

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected


def test_accrual_refuses_floats_and_booleans() -> None:
    # Totality (tests/test_totality.py): linear_interest(0.0, 0) answered Success(1e+27), a float
    assert linear_interest(0.0, 0).failure().code == "defi.accrual"  # type: ignore[arg-type]
    assert linear_interest(RAY, 1.5).failure().code == "defi.accrual"  # type: ignore[arg-type]
    assert compound_interest(True, 10).failure().code == "defi.accrual"
    assert accrue(10**18, 0.5, 10, compound=False).failure().code == "defi.accrual"  # type: ignore[arg-type]
    assert linear_interest(0, 0).unwrap() == RAY
