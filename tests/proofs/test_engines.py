"""The engines turn every way a check can prove nothing into a failure: a false claim, vacuous
premises, an unmet precondition, an exception, a test that never runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import z3
from hypothesis import assume, given
from hypothesis import strategies as st

from proofs.engines import check, z3_value
from proofs.registry import TIERS, Method, Obligation, Property, Status, Tier

TINY = Tier("tiny", crosshair_seconds=2.0, crosshair_path_seconds=1.0, hypothesis_examples=30,
            crosshair_backend_examples=5, z3_seconds=10.0, hard_timeout=60.0)


def _prop(method: Method, function: Callable[..., Any]) -> Property:
    return Property("test.engine", "engine self-test", method, ("test",), "none", True,
                    function)


def test_z3_proves_a_true_claim() -> None:
    x = z3.Int("x")
    outcome = check(_prop(Method.Z3, lambda: Obligation([x >= 1], x * x >= x)), TINY)
    assert outcome.status is Status.PROVEN


def test_z3_reports_the_counterexample_of_a_false_claim() -> None:
    x = z3.Int("x")
    outcome = check(_prop(Method.Z3, lambda: Obligation([x >= 0], x * x > x)), TINY)
    assert outcome.status is Status.COUNTEREXAMPLE and "x" in outcome.detail


def test_z3_refuses_a_proof_from_impossible_premises() -> None:
    x = z3.Int("x")
    outcome = check(_prop(Method.Z3, lambda: Obligation([x > 1, x < 0], x == 42)), TINY)
    assert outcome.status is Status.VACUOUS


def test_z3_value_evaluates_a_model_term() -> None:
    a, b = z3.Ints("a b")
    assert z3_value(a * b / 3, {a: 10, b: 10}) == 33


def wrong_contract(x: int) -> int:
    """
    pre: 0 <= x <= 100
    post: __return__ < 100
    """
    return x * 2


def unreachable_contract(x: int) -> int:
    """
    pre: x > 10
    pre: x < 5
    post: __return__ == x
    """
    return x


def raising_contract(x: int) -> int:
    """
    pre: 0 <= x <= 10
    post: True
    """
    return 10 // (x - 3)


def no_conditions(x: int) -> int:
    return x


def sound_contract(x: int) -> int:
    """
    pre: 0 <= x <= 100
    post: __return__ <= 200
    """
    return x * 2


@pytest.mark.parametrize(("function", "status"), [
    (wrong_contract, Status.COUNTEREXAMPLE),
    (unreachable_contract, Status.VACUOUS),
    (raising_contract, Status.ERROR),
    (no_conditions, Status.VACUOUS),
    (sound_contract, Status.CHECKED),
])
def test_crosshair_outcomes(function: Callable[[int], int], status: Status) -> None:
    assert check(_prop(Method.CROSSHAIR, function), TINY).status is status


@given(st.integers(0, 1000))
def failing_property(x: int) -> None:
    assert x < 500


@given(st.integers(0, 1000))
def never_satisfied(x: int) -> None:
    assume(x < 0)


@given(st.integers(0, 1000))
def passing_property(x: int) -> None:
    assert x * 2 >= x


@pytest.mark.parametrize(("function", "status"), [
    (failing_property, Status.COUNTEREXAMPLE),
    (never_satisfied, Status.VACUOUS),
    (passing_property, Status.CHECKED),
])
def test_hypothesis_outcomes(function: Callable[[], None], status: Status) -> None:
    outcome = check(_prop(Method.HYPOTHESIS, function), TINY)
    assert outcome.status is status, outcome


def test_tiers_are_ordered() -> None:
    quick, full = TIERS["quick"], TIERS["full"]
    assert quick.crosshair_seconds < full.crosshair_seconds
    assert quick.hypothesis_examples < full.hypothesis_examples == 400  # the ci profile's
