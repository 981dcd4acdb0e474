"""Differential tests: Cairo (executed in the VM) and the Python core compute identical integers.

Hypothesis draws batches of cases; each batch runs through the ``MathHarness`` contract (the
``Result``-returning Cairo functions the contracts use) split across two executor processes, and
through the Python function.  Outcomes must match exactly: the same integer, or a failure on
both sides with corresponding errors (``numeric.overflow`` <-> ``'math: overflow'``, ...).  The
strategies lean on the overflow boundary (quotients straddling 2**256 - 1, operands at 0, 1,
2**128 and 2**256 - 1) and draw exact-half ties (``astratrade_core.testing.mul_div_ties``) for
``mul_div`` and the wad/ray helpers, where a HalfUp ``>=`` -> ``>`` mutant differs.

Cases per function: ``$ASTRATRADE_DIFFERENTIAL_CASES`` if set (``make verify`` runs 1,000),
else 300 under ``CI`` and 50 otherwise.  Each test asserts it really ran that many.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from returns.result import Result, Success

from astratrade_core.defi import StakingPool
from astratrade_core.errors import DomainError
from astratrade_core.numeric import RAY, U256_MAX, WAD, FixedRounding, mul_div
from astratrade_core.revenue import allocate_units
from astratrade_core.testing import mul_div_ties
from astratrade_core.trading import isolated_liquidation_price_wad, pnl_wad, position_size_wad
from astratrade_shell.starknet.backend import short_string
from astratrade_shell.starknet.clients import from_signed, rounding_variant
from tests.contracts.conftest import MathHarnessClient

CASES = int(os.environ.get("ASTRATRADE_DIFFERENTIAL_CASES",
                           "300" if os.environ.get("CI") else "50"))
BATCH = 25

#: Python error code -> the Cairo panic/short string for the same failure.
ERRORS = {
    "numeric.division_by_zero": "math: division by zero",
    "numeric.overflow": "math: overflow",
    "margin.wad_input": "trading: bad input",
    "revenue.allocation_parts": "alloc: need 1..64 weights",
    "revenue.allocation_zero_weights": "alloc: weights sum to zero",
    "revenue.allocation_weight": "alloc: weight sum overflow",
    "defi.insufficient_stake": "staking: insufficient stake",
}

EDGES = (0, 1, 2, 3, WAD - 1, WAD, WAD + 1, RAY, 2**64, 2**128 - 1, 2**128, 2**128 + 1,
         2**255, U256_MAX - 1, U256_MAX)
ROUNDINGS = st.sampled_from(list(FixedRounding))
Outcome = tuple[bool, Any, str]


def amounts(limit: int = U256_MAX) -> st.SearchStrategy[int]:
    """u256 values leaning on the edges: anywhere, below 2**128, wad-sized, exact edges."""
    return st.one_of(st.integers(0, limit), st.integers(0, min(limit, 2**128)),
                     st.integers(0, min(limit, 10**30)),
                     st.sampled_from([e for e in EDGES if e <= limit]))


@st.composite
def near_overflow(draw: st.DrawFn) -> tuple[int, int, int]:
    """``(a, b, d)`` with ``a * b / d`` within a few units of 2**256 - 1."""
    d = draw(st.integers(1, U256_MAX))
    target = U256_MAX + draw(st.integers(-2, 2))
    product = target * d + draw(st.integers(0, d - 1))
    low = min(U256_MAX, max(1, -(-product // U256_MAX)))
    a = draw(st.integers(low, U256_MAX))
    return a, min(U256_MAX, product // a), d


MUL_DIV_CASES = st.tuples(st.one_of(st.tuples(amounts(), amounts(), amounts()), near_overflow(),
                                    mul_div_ties()),
                          ROUNDINGS)


def expected(result: Result[Any, DomainError]) -> Outcome:
    if isinstance(result, Success):
        return (True, result.unwrap(), "")
    code = result.failure().code
    return (False, None, ERRORS.get(code, code))


def actual(raw: dict[str, Any], convert: Callable[[Any], Any] = int) -> Outcome:
    if raw["ok"]:
        return (True, convert(raw["value"]), "")
    return (False, None, short_string(int(raw["error"])))


def run_batch(harnesses: tuple[MathHarnessClient, MathHarnessClient], function: str,
              cases: Sequence[Any]) -> list[dict[str, Any]]:
    """Run ``cases`` through ``function`` of the harness, half on each executor."""
    half = len(cases) // 2
    parts = [list(cases[:half]), list(cases[half:])]
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda pair: pair[0].view(function, cases=pair[1])[0] if pair[1]
                                else [], zip(harnesses, parts, strict=True)))
    return [*answers[0], *answers[1]]


def differential(name: str, case: st.SearchStrategy[Any],
                 check: Callable[[list[Any]], int], *, batch: int = BATCH,
                 per_example: int = BATCH) -> None:
    """Run ``check`` over Hypothesis batches of ``batch`` draws (``per_example`` cases at
    least) until ``CASES`` cases were compared."""
    counted = [0]

    @settings(max_examples=math.ceil(CASES / per_example), database=None)
    @given(st.lists(case, min_size=batch, max_size=batch))
    def run(cases: list[Any]) -> None:
        counted[0] += check(cases)

    run()
    assert counted[0] >= CASES, f"{name}: only {counted[0]} cases compared"


def test_mul_div_matches_python(harnesses: tuple[MathHarnessClient, MathHarnessClient]) -> None:
    def check(cases: list[Any]) -> int:
        payload = [{"a": a, "b": b, "d": d, "rounding": rounding_variant(r)}
                   for (a, b, d), r in cases]
        for ((a, b, d), r), raw in zip(cases, run_batch(harnesses, "mul_div_batch", payload),
                                       strict=True):
            assert actual(raw) == expected(mul_div(a, b, d, r)), (a, b, d, r)
        return len(cases)

    differential("mul_div", MUL_DIV_CASES, check)


# With each, exact-half ties of a * b / scale (or a * scale / b), where HalfUp's `>=` matters.
SCALED = (("wad_mul", 0, lambda a, b, r: mul_div(a, b, WAD, r), mul_div_ties(WAD)),
          ("wad_div", 1, lambda a, b, r: mul_div(a, WAD, b, r), mul_div_ties(WAD, True)),
          ("ray_mul", 2, lambda a, b, r: mul_div(a, b, RAY, r), mul_div_ties(RAY)),
          ("ray_div", 3, lambda a, b, r: mul_div(a, RAY, b, r), mul_div_ties(RAY, True)))


@pytest.mark.parametrize(("name", "op", "python", "ties"), SCALED, ids=[s[0] for s in SCALED])
def test_wad_and_ray_helpers_match_python(
        harnesses: tuple[MathHarnessClient, MathHarnessClient], name: str, op: int,
        python: Callable[[int, int, FixedRounding], Result[int, DomainError]],
        ties: st.SearchStrategy[tuple[int, int, int]]) -> None:
    def check(cases: list[Any]) -> int:
        payload = [{"op": op, "a": a, "b": b, "rounding": rounding_variant(r)}
                   for a, b, r in cases]
        for (a, b, r), raw in zip(cases, run_batch(harnesses, "scaled_batch", payload),
                                  strict=True):
            assert actual(raw) == expected(python(a, b, r)), (name, a, b, r)
        return len(cases)

    pairs = st.one_of(st.tuples(amounts(), amounts()), ties.map(lambda t: (t[0], t[1])))
    differential(name, st.tuples(pairs, ROUNDINGS).map(lambda p: (*p[0], p[1])), check)


def test_pnl_matches_python(harnesses: tuple[MathHarnessClient, MathHarnessClient]) -> None:
    def check(cases: list[Any]) -> int:
        payload = [{"quantity": q, "entry_price": e, "current_price": c, "is_long": long_}
                   for q, e, c, long_ in cases]
        for (q, e, c, long_), raw in zip(cases, run_batch(harnesses, "pnl_batch", payload),
                                         strict=True):
            assert actual(raw, from_signed) == expected(pnl_wad(q, e, c, long_)), (q, e, c)
        return len(cases)

    differential("pnl", st.tuples(amounts(), amounts(), amounts(), st.booleans()), check)


def test_position_size_matches_python(
        harnesses: tuple[MathHarnessClient, MathHarnessClient]) -> None:
    def check(cases: list[Any]) -> int:
        payload = [{"a": a, "b": b, "d": d, "rounding": rounding_variant(FixedRounding.FLOOR)}
                   for a, b, d in cases]
        for (a, b, d), raw in zip(cases, run_batch(harnesses, "position_size_batch", payload),
                                  strict=True):
            assert actual(raw) == expected(position_size_wad(a, b, d)), (a, b, d)
        return len(cases)

    differential("position_size", st.one_of(st.tuples(amounts(), amounts(), amounts()),
                                            near_overflow()), check)


def test_liquidation_price_matches_python(
        harnesses: tuple[MathHarnessClient, MathHarnessClient]) -> None:
    rates = st.one_of(st.integers(0, WAD - 1), st.sampled_from([0, WAD // 200, WAD - 1, WAD]),
                      st.integers(0, 2 * WAD))

    def check(cases: list[Any]) -> int:
        payload = [{"quantity": q, "entry_price": e, "margin": m, "maintenance_rate": r,
                    "maintenance_amount": a, "is_long": long_} for q, e, m, r, a, long_ in cases]
        for (q, e, m, r, a, long_), raw in zip(
                cases, run_batch(harnesses, "liquidation_price_batch", payload), strict=True):
            python = isolated_liquidation_price_wad(q, e, m, r, a, is_long=long_)
            assert actual(raw) == expected(python), (q, e, m, r, a, long_)
        return len(cases)

    sizes = amounts(2**160)
    # A long fully covered by a margin so large that its cover overflows: both sides must fail
    # (Python once answered 0 here before checking its intermediates).
    covered_overflow = st.tuples(st.integers(1, 10), st.integers(1, 10),
                                 st.integers(2**250, 2**255),
                                 rates, st.just(0), st.just(True))
    differential("liquidation_price",
                 st.one_of(st.tuples(sizes, sizes, sizes, rates, sizes, st.booleans()),
                           covered_overflow), check)


def test_allocation_matches_python(harnesses: tuple[MathHarnessClient, MathHarnessClient]) -> None:
    weights = st.lists(st.one_of(st.integers(0, 3), amounts()), min_size=0, max_size=6)

    def check(cases: list[Any]) -> int:
        payload = [{"total": total, "weights": ws} for total, ws in cases]
        for (total, ws), raw in zip(cases, run_batch(harnesses, "allocate_batch", payload),
                                    strict=True):
            assert actual(raw, lambda parts: tuple(int(p) for p in parts)) == expected(
                allocate_units(total, ws)), (total, ws)
        return len(cases)

    differential("allocate", st.tuples(amounts(), weights), check)


ACCOUNTS = 3
STAKE_OPS = st.tuples(st.integers(0, 3), st.integers(0, ACCOUNTS - 1),
                      st.one_of(st.integers(0, 10**6), st.integers(0, 10**24), amounts()))


def python_staking(ops: Sequence[tuple[int, int, int]]) -> list[Outcome]:
    """Replay ``ops`` on the core's StakingPool: each op's outcome, then final pendings."""
    pool = StakingPool()
    out: list[Outcome] = []
    for kind, account, amount in ops:
        name = f"a{account}"
        if kind == 2:
            claim = pool.claim(name)
            out.append(expected(claim.map(lambda c: c.amount)))
            pool = claim.map(lambda c: c.pool).value_or(pool)
            continue
        step = (pool.stake(name, amount) if kind == 0 else
                pool.unstake(name, amount) if kind == 1 else pool.notify_reward(amount))
        out.append(expected(step.map(lambda _: 0)))
        pool = step.value_or(pool)
    out += [(True, pool.pending(f"a{i}"), "") for i in range(ACCOUNTS)]
    return out


def test_staking_accumulator_matches_python(
        harnesses: tuple[MathHarnessClient, MathHarnessClient]) -> None:
    def check(sequences: list[Any]) -> int:
        half = len(sequences) // 2
        jobs = [(harnesses[0], sequences[:half]), (harnesses[1], sequences[half:])]

        def replay(job: tuple[MathHarnessClient, list[Any]]) -> list[list[dict[str, Any]]]:
            client, seqs = job
            return [client.view("staking_run", accounts=ACCOUNTS,
                                ops=[{"kind": k, "account": a, "amount": m} for k, a, m in ops]
                                )[0] for ops in seqs]

        with ThreadPoolExecutor(max_workers=2) as pool:
            results = [r for part in pool.map(replay, jobs) for r in part]
        for ops, raw in zip(sequences, results, strict=True):
            assert [actual(r) for r in raw] == python_staking(ops), ops
        return sum(len(ops) for ops in sequences)

    differential("staking", st.lists(STAKE_OPS, min_size=5, max_size=10), check, batch=4,
                 per_example=20)
