"""The public ``FixedPointMath`` contract, one real call per case: the same integers as the core,
and a panic carrying the corresponding message exactly where the core returns a Failure.

(The batched differential tests cover thousands of cases through the same Cairo functions; this
file checks the panicking entry points themselves, including how their errors decode.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from returns.result import Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.numeric import RAY, U256_MAX, WAD, FixedRounding, mul_div
from astratrade_core.revenue import allocate_units
from astratrade_core.trading import isolated_liquidation_price_wad, pnl_wad, position_size_wad
from astratrade_shell.starknet.backend import ContractReverted
from astratrade_shell.starknet.clients import FixedPointMathClient
from tests.contracts.test_differential import ERRORS, amounts

FEW = settings(max_examples=8, database=None)


def same(call: Callable[[], Any], python: Result[Any, DomainError]) -> None:
    if isinstance(python, Success):
        assert call() == python.unwrap()
        return
    with pytest.raises(ContractReverted) as panicked:
        call()
    code = python.failure().code
    assert panicked.value.message == ERRORS.get(code, code)


@FEW
@given(amounts(), amounts(), amounts(), st.sampled_from(list(FixedRounding)))
@example(U256_MAX, U256_MAX, U256_MAX, FixedRounding.CEIL)
@example(U256_MAX, 2, 2, FixedRounding.CEIL)
@example(U256_MAX, 3, 2, FixedRounding.FLOOR)
@example(7, 3, 0, FixedRounding.HALF_UP)
@example(7, 3, 2, FixedRounding.HALF_UP)
def test_mul_div_entry_point(math_contract: FixedPointMathClient, a: int, b: int, d: int,
                             rounding: FixedRounding) -> None:
    same(lambda: math_contract.mul_div(a, b, d, rounding), mul_div(a, b, d, rounding))


@pytest.mark.parametrize(("function", "python"), [
    ("wad_mul", lambda a, b, r: mul_div(a, b, WAD, r)),
    ("wad_div", lambda a, b, r: mul_div(a, WAD, b, r)),
    ("ray_mul", lambda a, b, r: mul_div(a, b, RAY, r)),
    ("ray_div", lambda a, b, r: mul_div(a, RAY, b, r)),
])
@pytest.mark.parametrize(("a", "b"), [(3 * WAD, WAD // 3), (U256_MAX, 2 * RAY), (5, 0)])
def test_scaled_entry_points(math_contract: FixedPointMathClient, function: str,
                             python: Callable[[int, int, FixedRounding],
                                              Result[int, DomainError]], a: int, b: int) -> None:
    same(lambda: math_contract.scaled(function, a, b, FixedRounding.HALF_UP),
         python(a, b, FixedRounding.HALF_UP))


@FEW
@given(amounts(2**200), amounts(2**200), amounts(2**200), st.booleans())
@example(2**200, 0, 2**200, True)
def test_pnl_entry_point(math_contract: FixedPointMathClient, quantity: int, entry: int,
                         current: int, is_long: bool) -> None:
    same(lambda: math_contract.pnl(quantity, entry, current, is_long),
         pnl_wad(quantity, entry, current, is_long))


@FEW
@given(amounts(), amounts(), amounts())
def test_position_size_entry_point(math_contract: FixedPointMathClient, balance: int, risk: int,
                                   stop: int) -> None:
    same(lambda: math_contract.position_size(balance, risk, stop),
         position_size_wad(balance, risk, stop))


@pytest.mark.parametrize("case", [
    (WAD, 50_000 * WAD, 5_000 * WAD, WAD // 200, True),   # the core's doctest: 45226.13...
    (WAD, 50_000 * WAD, 5_000 * WAD, WAD // 200, False),
    (0, WAD, WAD, 0, True),                                 # trading: bad input
    (2**200, 2**60, 0, 0, False),                           # overflow
])
def test_liquidation_price_entry_point(math_contract: FixedPointMathClient,
                                       case: tuple[int, int, int, int, bool]) -> None:
    quantity, entry, margin, rate, is_long = case
    same(lambda: math_contract.liquidation_price(quantity, entry, margin, maintenance_rate=rate,
                                                 maintenance_amount=0, is_long=is_long),
         isolated_liquidation_price_wad(quantity, entry, margin, rate, 0, is_long=is_long))


@pytest.mark.parametrize(("total", "weights"), [
    (100, (1, 1, 1)), (10, (1, 1, 1)), (7, (0, 2, 1)), (1, (0, 0)), (5, ()),
    (U256_MAX, (U256_MAX, 1)), (U256_MAX, (3, 7, 11, 13)),
])
def test_allocate_entry_point(math_contract: FixedPointMathClient, total: int,
                              weights: tuple[int, ...]) -> None:
    same(lambda: math_contract.allocate(total, weights), allocate_units(total, weights))
