"""Largest-remainder allocation: worked examples, the conservation and fairness laws, the
rank formulation a contract uses, and immunity to the caller's decimal context."""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.money import BTC, ETH, USD, Money
from astratrade_core.numeric import U256_MAX
from astratrade_core.revenue.allocation import (
    allocate,
    allocate_units,
    integer_weights,
    split_evenly,
)
from astratrade_core.testing import hostile_contexts, money

D = Decimal


def test_worked_examples() -> None:
    # 100 / 3 = 33 r 1 each; one leftover unit goes to the lowest index on a tie.
    assert allocate_units(100, (1, 1, 1)).unwrap() == (34, 33, 33)
    # W = 10: 15 // 10 = 1 r 5 and 35 // 10 = 3 r 5; leftover 5 - 4 = 1; tie -> lower index 0.
    assert allocate_units(5, (3, 7)).unwrap() == (2, 3)
    # 10 by (1, 2, 7): 1, 2, 7 exactly, nothing left over.
    assert allocate_units(10, (1, 2, 7)).unwrap() == (1, 2, 7)
    # 7 by (0, 2, 1): W=3; 14/3 = 4 r 2, 7/3 = 2 r 1; leftover 1 -> larger remainder (index 1).
    assert allocate_units(7, (0, 2, 1)).unwrap() == (0, 5, 2)
    # 1 by (1, 3): 1/4 -> 0 r 1, 3/4 -> 0 r 3; leftover 1 -> index 1 (remainder 3 > 1).
    assert allocate_units(1, (1, 3)).unwrap() == (0, 1)
    assert allocate_units(0, (1, 2)).unwrap() == (0, 0)


def test_money_splits() -> None:
    # $100.00 as 50/30/20 %.
    parts = allocate(Money(D("100.00"), USD), ("0.5", "0.3", "0.2")).unwrap()
    assert [p.amount for p in parts] == [D("50.00"), D("30.00"), D("20.00")]
    # $0.05 by 3:7 is 5 cents: 1.5 -> 1 r 5 and 3.5 -> 3 r 5 (W=10), tie -> index 0 gets it.
    parts = allocate(Money(D("0.05"), USD), (3, 7)).unwrap()
    assert [p.amount for p in parts] == [D("0.02"), D("0.03")]
    # 1 satoshi split three ways: the first part takes it.
    parts = split_evenly(Money(D("0.00000001"), BTC), 3).unwrap()
    assert [p.amount for p in parts] == [D("1E-8"), D("0E-8"), D("0E-8")]
    # Negative totals mirror positive ones.
    parts = allocate(Money(D("-1.00"), USD), (1, 1, 1)).unwrap()
    assert [p.amount for p in parts] == [D("-0.34"), D("-0.33"), D("-0.33")]
    assert all(p.currency == USD for p in parts)


def test_failures() -> None:
    assert allocate_units(-1, (1,)).failure().code == "revenue.allocation_total"
    assert allocate_units(U256_MAX + 1, (1,)).failure().code == "revenue.allocation_total"
    assert allocate_units(1, ()).failure().code == "revenue.allocation_parts"
    assert allocate_units(1, (1, -1)).failure().fields["index"] == "1"
    assert allocate_units(1, (True,)).failure().code == "revenue.allocation_weight"
    assert allocate_units(1, (U256_MAX, 1)).failure().code == "revenue.allocation_weight"
    assert allocate_units(1, (0, 0)).failure().code == "revenue.allocation_zero_weights"
    assert split_evenly(Money(D(1), USD), 0).failure().code == "revenue.allocation_parts"
    assert allocate(Money(D("1.001"), USD), (1,)).failure().code == (
        "revenue.allocation_not_minor_units")
    err = allocate(Money(D(1), USD), (0.5, "-1")).failure()  # type: ignore[arg-type]
    assert err.codes() == ("numeric.float_rejected", "numeric.negative")


def test_integer_weights_preserve_ratios() -> None:
    assert integer_weights(("0.025", "0.05", 1)).unwrap() == (25, 50, 1000)
    assert integer_weights((D("1E+2"), 3)).unwrap() == (100, 3)


weights_st = st.lists(st.integers(0, 10**30), min_size=1, max_size=12).filter(any)
totals_st = st.integers(0, 10**40)


@given(totals_st, weights_st)
def test_parts_sum_to_total_and_stay_within_one_unit(total: int, weights: list[int]) -> None:
    parts = allocate_units(total, weights).unwrap()
    assert sum(parts) == total
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = Fraction(total * weight, weight_sum)
        assert abs(part - exact) < 1
        assert part >= 0
        if weight == 0:
            assert part == 0


@given(totals_st, weights_st)
def test_rank_formulation_matches(total: int, weights: list[int]) -> None:
    # The contract form: part i gets q_i + 1 iff rank_i < leftover, with
    # rank_i = #{j : r_j > r_i or (r_j == r_i and j < i)}.
    weight_sum = sum(weights)
    q = [total * w // weight_sum for w in weights]
    r = [total * w % weight_sum for w in weights]
    leftover = total - sum(q)
    expected = tuple(
        q[i] + (1 if sum(1 for j in range(len(r)) if r[j] > r[i] or (r[j] == r[i] and j < i))
                < leftover else 0)
        for i in range(len(weights))
    )
    assert allocate_units(total, weights).unwrap() == expected


@given(totals_st, st.integers(1, 50))
def test_equal_weights_differ_by_at_most_one_lowest_first(total: int, n: int) -> None:
    parts = allocate_units(total, [7] * n).unwrap()
    assert max(parts) - min(parts) <= 1
    assert list(parts) == sorted(parts, reverse=True)


@given(money(max_value=10**12), st.lists(st.integers(0, 1000), min_size=1, max_size=8).filter(any))
def test_money_allocation_conserves(total: Money, weights: list[int]) -> None:
    parts = allocate(total, weights).unwrap()
    assert Money.total(parts, total.currency).unwrap().amount == total.amount
    negated = allocate(-total, weights).unwrap()
    assert tuple(-p for p in parts) == negated


@given(money(ETH, max_value=10**6),
       st.lists(st.decimals(0, 100, places=4), min_size=1, max_size=6).filter(any),
       hostile_contexts())
def test_independent_of_caller_context(total: Money, weights: list[Decimal],
                                       ctx: decimal.Context) -> None:
    expected = allocate(total, weights)
    even = split_evenly(total, len(weights))
    ints = integer_weights(weights)
    with decimal.localcontext(ctx):
        assert allocate(total, weights) == expected
        assert split_evenly(total, len(weights)) == even
        assert integer_weights(weights) == ints
        assert allocate_units(10**20, (1, 2, 3)) == allocate_units(10**20, (1, 2, 3))
