"""Hypothesis properties of the numeric helpers, including the bridge from the Z3 models to
the implementation: ``mul_div`` and ``to_fixed`` must return exactly what the proven Z3 terms
evaluate to, on inputs biased to the boundaries (exact halves, zero and ``d - 1``
remainders, u256 extremes, overflow)."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

import z3
from crosshair import realize
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

from astratrade_core.numeric import (
    CONTEXT,
    FixedRounding,
    Rounding,
    from_fixed,
    mul_div,
    quantize,
    round_to_increment,
    to_fixed,
)
from proofs.engines import z3_value
from proofs.registry import hypothesis_property
from proofs.z3_numeric import MODES, RAY, U256_MAX, WAD, mul_div_term, to_fixed_term

__all__ = ["mul_div_inputs", "non_negative_decimals"]

_A, _B, _D = _SYMBOLS = z3.Ints("a b d")


@functools.cache
def _mul_div_model(mode: str) -> Any:
    return mul_div_term(_A, _B, _D, mode)


def _model(a: int, b: int, d: int, mode: str) -> int:
    return z3_value(_mul_div_model(mode), dict(zip(_SYMBOLS, (a, b, d), strict=True)))


@st.composite
def mul_div_inputs(draw: st.DrawFn) -> tuple[int, int, int]:
    """``(a, b, d)`` in u256 with ``d > 0``; most of the time the remainder of ``a * b / d`` is
    forced to an edge (0, 1, ``d - 1``, an exact half) or the quotient to the u256 limit."""
    d = draw(st.one_of(st.integers(1, U256_MAX), st.sampled_from([1, 2, 3, WAD, RAY, U256_MAX]),
                       st.integers(1, 10**6).map(lambda k: 2 * k)))
    edge = draw(st.sampled_from(["none", "zero", "one", "last", "half", "overflow"]))
    if edge == "none":
        return draw(st.integers(0, U256_MAX)), draw(st.integers(0, U256_MAX)), d
    if edge == "overflow":  # quotients just around 2**256: U256_MAX * (d + k) / d
        d = draw(st.integers(2**200, U256_MAX - 8))
        return U256_MAX - draw(st.integers(0, 3)), d + draw(st.integers(0, 8)), d
    remainder = {"zero": 0, "one": 1 % d, "last": d - 1, "half": d // 2}[edge]
    quotient = draw(st.integers(0, (U256_MAX - remainder) // d))
    a = quotient * d + remainder
    return (a, 1, d) if draw(st.booleans()) else (1, a, d)


@hypothesis_property("numeric.mul_div.conforms",
                     "mul_div returns exactly the Z3-proven model in every mode, and fails "
                     "with numeric.overflow exactly when the model exceeds u256",
                     targets=["astratrade_core.numeric.mul_div"],
                     bounds="a, b, d in u256, d > 0; remainders forced to 0, 1, d-1, d/2")
@given(mul_div_inputs(), st.sampled_from(MODES))
def mul_div_conforms(inputs: tuple[int, int, int], mode: str) -> None:
    a, b, d = inputs
    expected = _model(a, b, d, mode)
    result = mul_div(a, b, d, FixedRounding(mode))
    if expected > U256_MAX:
        assert isinstance(result, Failure), (inputs, mode, result)
        assert result.failure().code == "numeric.overflow"
    else:
        assert result == Success(expected), (inputs, mode, expected, result)


def non_negative_decimals(max_places: int = 28) -> st.SearchStrategy[Decimal]:
    """Decimals ``units / 10**k`` within the parse bounds (``< 10**24``, ``k <= 28``)."""
    return st.integers(0, max_places).flatmap(
        lambda k: st.integers(0, 10**24 * 10**k - 1).map(
            lambda units: Decimal(units).scaleb(-k, CONTEXT)))


_TO_FIXED_MODES = {Rounding.DOWN: "floor", Rounding.FLOOR: "floor", Rounding.UP: "ceil",
                   Rounding.CEILING: "ceil"}
_UNITS, _POW10 = z3.Ints("units pow10")


@hypothesis_property("numeric.to_fixed.conforms",
                     "to_fixed returns exactly the Z3-proven model for DOWN, FLOOR, UP and "
                     "CEILING at WAD and RAY scale",
                     targets=["astratrade_core.numeric.to_fixed"],
                     bounds="0 <= x < 10**24 with at most 28 places")
@given(non_negative_decimals(), st.sampled_from(sorted(_TO_FIXED_MODES, key=str)),
       st.sampled_from([WAD, RAY]))
def to_fixed_conforms(value: Decimal, rounding: Rounding, scale: int) -> None:
    sign, digits, exponent = value.as_tuple()
    assert sign == 0 and isinstance(exponent, int)
    units = int("".join(map(str, digits)))
    places = max(0, -exponent)
    units *= 10 ** max(0, exponent)
    term = to_fixed_term(_UNITS, _POW10, scale, _TO_FIXED_MODES[rounding])
    expected = z3_value(term, {_UNITS: units, _POW10: 10**places})
    assert to_fixed(value, scale, rounding) == Success(expected), (value, rounding, scale)


@hypothesis_property("numeric.fixed.round_trip",
                     "from_fixed is exact: to_fixed(from_fixed(raw, s), s) == raw for WAD and "
                     "RAY, and WAD -> RAY -> WAD is the identity",
                     targets=["astratrade_core.numeric.to_fixed",
                              "astratrade_core.numeric.from_fixed"],
                     bounds="raw in [0, 2**256)")
@given(st.integers(0, U256_MAX), st.sampled_from([WAD, RAY]))
def fixed_round_trip(raw: int, scale: int) -> None:
    assert to_fixed(from_fixed(raw, scale), scale, Rounding.DOWN) == Success(raw)
    as_ray = to_fixed(from_fixed(raw, WAD), RAY, Rounding.DOWN)
    if raw * 10**9 <= U256_MAX:
        assert as_ray == Success(raw * 10**9)
        back = to_fixed(from_fixed(as_ray.unwrap(), RAY), WAD, Rounding.DOWN)
        assert back == Success(raw)
    else:
        assert isinstance(as_ray, Failure)


_INCREMENTS = st.sampled_from(["0.00000001", "0.001", "0.01", "0.05", "0.25", "1", "5", "100"])


@hypothesis_property("numeric.quantize.down_never_exceeds",
                     "quantize and round_to_increment with DOWN/FLOOR never exceed the input "
                     "and land on the grid less than one step below it; UP/CEILING never fall "
                     "below it",
                     targets=["astratrade_core.numeric.quantize",
                              "astratrade_core.numeric.round_to_increment"],
                     bounds="0 <= x < 10**24, <= 28 places; places 0..18; common increments")
@given(non_negative_decimals(), st.integers(0, 18), _INCREMENTS.map(Decimal))
def quantize_down_never_exceeds(value: Decimal, places: int, increment: Decimal) -> None:
    step = Decimal(1).scaleb(-places, CONTEXT)
    for mode in (Rounding.DOWN, Rounding.FLOOR):
        down = quantize(value, places, mode)
        assert down <= value and CONTEXT.subtract(value, down) < step
        assert down.as_tuple().exponent == -places
        lot = round_to_increment(value, increment, mode)
        assert lot <= value and CONTEXT.subtract(value, lot) < increment
        assert CONTEXT.remainder(lot, increment) == 0
    for mode in (Rounding.UP, Rounding.CEILING):
        assert quantize(value, places, mode) >= value
        up = round_to_increment(value, increment, mode)
        assert up >= value and CONTEXT.subtract(up, value) < increment


@hypothesis_property("numeric.quantize.down_never_exceeds_symbolic",
                     "quantize(x, p, DOWN) <= x, x - result < 10**-p, and the result has "
                     "exactly p places, with symbolic x",
                     targets=["astratrade_core.numeric.quantize"],
                     bounds="x = units/10**k, 0 <= units < 10**30, k in 0..12, p in 0..8",
                     backend="crosshair", quick=False)
@given(st.integers(0, 10**30 - 1), st.integers(0, 12), st.integers(0, 8))
def quantize_down_symbolic(units: int, scale: int, places: int) -> None:
    # ``places`` feeds C decimal's scaleb, which cannot take a symbolic int: fix it per path.
    places = realize(places)
    value = Decimal(units).scaleb(-scale, CONTEXT)
    down = quantize(value, places, Rounding.DOWN)
    assert down <= value
    assert CONTEXT.subtract(value, down) < Decimal(1).scaleb(-places, CONTEXT)
    assert down.as_tuple().exponent == -places
