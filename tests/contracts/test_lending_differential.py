"""Differential tests of the lending maths: Cairo (``math/lending.cairo``, through the
``MathHarness``'s ``lending_batch``) and the Python core (``astratrade_core.defi.lending``)
compute identical integers -- utilization, the kinked borrow rate, the supply rate, linear and
compound (Aave v3.0) growth factors -- or fail together with corresponding errors.

Every half-up rounding the functions do is drawn at an **exact half** on purpose (a ``>=`` ->
``>`` mutant of the tie must fail here): utilization ``debt * RAY / total`` with ``total = o *
2**28`` and ``debt = o * j`` (``o``, ``j`` odd); a slope term at ``U = kink / 2`` (and half way
up the steep slope) with an odd slope; the supply rate's ``ray_mul`` at ``U = RAY / 2`` with an
odd borrow rate and its ``percent_mul`` at a 50 % reserve factor.  Also drawn: u256 edges (a
rate whose square overflows, ``debt + available`` beyond u256, sums of rates beyond u256 --
where the core's rate is an integer above u256, the contract reverts ``'math: overflow'``), bad
models, utilization above RAY and accrual periods around the 2**40-second limit.  Cases per
test: ``$ASTRATRADE_DIFFERENTIAL_CASES`` if set, else 250 under ``CI`` (the edge categories
are required from 200 on; 1,000 took 13 min on a loaded 2-core machine, the compound factor's
four wide products per case) and 50 otherwise; each test asserts it compared that many.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from returns.result import Result, Success

from astratrade_core.defi.lending import (
    InterestRateModel,
    borrow_rate,
    compound_interest,
    linear_interest,
    supply_rate,
    utilization,
)
from astratrade_core.errors import DomainError
from astratrade_core.numeric import RAY, U256_MAX
from astratrade_shell.starknet.backend import short_string
from tests.contracts.conftest import MathHarnessClient
from tests.contracts.test_differential import BATCH, ERRORS, amounts, run_batch

CASES = int(os.environ.get("ASTRATRADE_DIFFERENTIAL_CASES",
                           "250" if os.environ.get("CI") else "50"))

LENDING_ERRORS = {**ERRORS, "numeric.fixed_range": "math: overflow",
                  "defi.utilization": "lending: bad utilization",
                  "defi.accrual": "lending: bad accrual"}
BAD_MODEL = "lending: bad model"
Outcome = tuple[bool, Any, str]
Harnesses = tuple[MathHarnessClient, MathHarnessClient]
Model = tuple[int, int, int, int, int]
UTILIZATION, BORROW, SUPPLY, LINEAR, COMPOUND = range(5)
SECONDS_LIMIT = 2**40


def expected(result: Result[int, DomainError]) -> Outcome:
    if isinstance(result, Success):
        value = result.unwrap()
        # The core's rates are unbounded sums; the contract's are u256.
        return (True, value, "") if value <= U256_MAX else (False, None, "math: overflow")
    code = result.failure().code
    return (False, None, LENDING_ERRORS.get(code, code))


def actual(raw: dict[str, Any]) -> Outcome:
    if raw["ok"]:
        return (True, int(raw["value"]), "")
    return (False, None, short_string(int(raw["error"])))


def valid(model: Model) -> bool:
    """What ``InterestRateModel.of`` accepts (a kink strictly inside (0, RAY), <= 10000 bps)."""
    return 0 < model[3] < RAY and model[4] <= 10_000


def python(op: int, a: int, b: int, model: Model) -> Outcome:
    if op in (BORROW, SUPPLY) and not valid(model):
        return (False, None, BAD_MODEL)
    rates = InterestRateModel(*model)
    result = (utilization(a, b) if op == UTILIZATION
              else borrow_rate(rates, a) if op == BORROW
              else supply_rate(rates, a) if op == SUPPLY
              else linear_interest(a, b) if op == LINEAR
              else compound_interest(a, b))
    return expected(result)


def payload(op: int, a: int, b: int, model: Model) -> dict[str, Any]:
    names = ("base_rate", "slope1", "slope2", "optimal_utilization", "reserve_factor_bps")
    return {"op": op, "a": a, "b": b, "model": dict(zip(names, model, strict=True))}


RATES = st.one_of(st.integers(0, 10 * RAY), st.sampled_from([0, 1, RAY // 2, RAY, 2**128]),
                  amounts())
KINKS = st.one_of(st.integers(1, RAY - 1), st.sampled_from([1, 2, RAY // 2, RAY - 2, RAY - 1]))
MODELS = st.one_of(
    st.tuples(RATES, RATES, RATES, KINKS, st.integers(0, 10_000)),
    st.tuples(RATES, RATES, RATES, st.sampled_from([0, RAY, RAY + 1, U256_MAX]),
              st.integers(0, 10_000)),                                     # bad kink
    st.tuples(RATES, RATES, RATES, KINKS, st.integers(10_001, 2**64)),     # bad reserve
)
ODD = st.integers(0, 2**60).map(lambda n: 2 * n + 1)


@st.composite
def utilization_tie(draw: st.DrawFn) -> tuple[int, int, int, Model, str]:
    o, j = draw(ODD), draw(st.integers(0, 2**27 - 1).map(lambda n: 2 * n + 1))
    total, debt = o * 2**28, o * j
    return (UTILIZATION, debt, total - debt, (0, 0, 0, 1, 0), "tie")


@st.composite
def slope_tie(draw: st.DrawFn) -> tuple[int, int, int, Model, str]:
    kink = draw(st.integers(1, RAY // 2 - 1)) * 2
    base, odd = draw(RATES), draw(ODD)
    if draw(st.booleans()):
        return (BORROW, kink // 2, 0, (base, odd, draw(RATES), kink, 0), "tie")
    return (BORROW, kink + (RAY - kink) // 2, 0, (base, draw(RATES), odd, kink, 0), "tie")


@st.composite
def supply_tie(draw: st.DrawFn) -> tuple[int, int, int, Model, str]:
    odd, kink = draw(ODD), draw(KINKS)
    if draw(st.booleans()):  # ray_mul(borrow, RAY / 2) with an odd borrow rate
        return (SUPPLY, RAY // 2, 0, (odd, 0, 0, kink, draw(st.integers(0, 10_000))), "tie")
    return (SUPPLY, RAY, 0, (odd, 0, 0, kink, 5000), "tie")  # percent_mul(odd, 5000)


SECONDS = st.one_of(st.integers(0, 10 * 365 * 86_400), st.sampled_from(
    [0, 1, 2, 3, SECONDS_LIMIT - 1, SECONDS_LIMIT, SECONDS_LIMIT + 1]), st.integers(0, 2**41))
NO_MODEL: Model = (0, 0, 0, 1, 0)
RATE_CASES = st.one_of(
    st.tuples(st.just(UTILIZATION), amounts(), amounts(), st.just(NO_MODEL), st.just("")),
    st.tuples(st.just(UTILIZATION), st.integers(0, 10**30), st.integers(0, 10**30),
              st.just(NO_MODEL), st.just("")),
    # Pools whose debt + liquidity leaves u256 (the core's integer is above u256, the contract
    # reverts): drawn on purpose, so every run at the CI depth sees the overflow edge.
    st.tuples(st.just(UTILIZATION), st.integers(U256_MAX // 2 + 1, U256_MAX),
              st.integers(U256_MAX // 2 + 1, U256_MAX), st.just(NO_MODEL), st.just("")),
    st.tuples(st.sampled_from([BORROW, SUPPLY]),
              st.one_of(st.integers(0, RAY), st.sampled_from([0, RAY, RAY + 1, U256_MAX])),
              st.just(0), MODELS, st.just("")),
    utilization_tie(), slope_tie(), supply_tie(),
)
ACCRUAL_CASES = st.tuples(st.sampled_from([LINEAR, COMPOUND]), RATES, SECONDS,
                          st.just(NO_MODEL), st.just(""))


def differential(name: str, case: st.SearchStrategy[Any],
                 check: Callable[[list[Any]], int]) -> None:
    """Batches of ``BATCH`` draws until ``CASES`` cases were compared."""
    counted = [0]

    @settings(max_examples=math.ceil(CASES / BATCH), database=None)
    @given(st.lists(case, min_size=BATCH, max_size=BATCH))
    def run(cases: list[Any]) -> None:
        counted[0] += check(cases)

    run()
    assert counted[0] >= CASES, f"{name}: only {counted[0]} cases compared"


def compare(harnesses: Harnesses, cases: list[Any], seen: Counter[str]) -> int:
    answers = run_batch(harnesses, "lending_batch", [payload(*case[:4]) for case in cases])
    for case, raw in zip(cases, answers, strict=True):
        want = python(*case[:4])
        assert actual(raw) == want, case
        seen[f"{case[0]}:{'ok' if want[0] else want[2]}"] += 1
        seen[case[4]] += 1
    return len(cases)


def test_rates_match_python(harnesses: Harnesses) -> None:
    seen: Counter[str] = Counter()
    differential("lending rates", RATE_CASES, lambda cases: compare(harnesses, cases, seen))
    assert seen["tie"] > 0 and seen[f"{BORROW}:ok"] > 0 and seen[f"{UTILIZATION}:ok"] > 0
    if CASES >= 200:
        for edge in (f"{BORROW}:{BAD_MODEL}", f"{SUPPLY}:ok", f"{UTILIZATION}:math: overflow"):
            assert seen[edge] > 0, (edge, seen)
        assert seen[f"{BORROW}:lending: bad utilization"] + seen[
            f"{SUPPLY}:lending: bad utilization"] > 0, seen


def test_accrual_matches_python(harnesses: Harnesses) -> None:
    seen: Counter[str] = Counter()
    differential("lending accrual", ACCRUAL_CASES, lambda cases: compare(harnesses, cases, seen))
    assert seen[f"{LINEAR}:ok"] > 0 and seen[f"{COMPOUND}:ok"] > 0
    if CASES >= 200:
        for edge in (f"{COMPOUND}:lending: bad accrual", f"{COMPOUND}:math: overflow"):
            assert seen[edge] > 0, (edge, seen)


def test_worked_examples_and_ties(harnesses: Harnesses) -> None:
    # Hand-computed: the core's doctests, and exact halves both ways of the tie.
    model = (0, 4 * RAY // 100, 75 * RAY // 100, 8 * RAY // 10, 1000)
    cases = [
        (UTILIZATION, 80 * RAY, 20 * RAY, NO_MODEL, 8 * RAY // 10),
        (UTILIZATION, 1, 2, NO_MODEL, RAY // 3),
        (UTILIZATION, 1, 2**28 - 1, NO_MODEL, RAY // 2**28 + 1),   # 3725290298461914062.5 up
        (BORROW, 8 * RAY // 10, 0, model, 4 * RAY // 100),
        (BORROW, RAY, 0, model, 79 * RAY // 100),
        (SUPPLY, 8 * RAY // 10, 0, model, 288 * RAY // 10_000),
        (SUPPLY, RAY, 0, (1, 0, 0, RAY // 2, 5000), 1),            # 0.5 rounds up to 1
        (BORROW, 1, 0, (0, 1, 0, 2, 0), 1),                         # 1 * 1 / 2 = 0.5 -> 1
        (BORROW, 1, 0, (0, 1, 0, 3, 0), 0),                         # 1 / 3 -> 0
        (LINEAR, RAY // 10, 365 * 86_400 // 2, NO_MODEL, RAY + RAY // 20),
        (COMPOUND, RAY // 10, 0, NO_MODEL, RAY),
    ]
    answers = run_batch(harnesses, "lending_batch", [payload(*c[:4]) for c in cases])
    for case, raw in zip(cases, answers, strict=True):
        assert actual(raw) == (True, case[4], ""), case
        assert python(*case[:4]) == (True, case[4], ""), case
