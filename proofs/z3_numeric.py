"""Z3 proofs of the fixed-point primitives the Cairo contracts share with the core.

The models below are the integer algorithms of :func:`astratrade_core.numeric.mul_div` and
:func:`astratrade_core.numeric.to_fixed` written as Z3 terms (``/`` and ``%`` on Z3 integers
are floor division and remainder for a positive divisor, as Python's ``divmod``).  The proofs
hold over mathematical integers restricted to the stated bounds, so they cover every u256
input; :mod:`proofs.hypothesis_numeric` checks the Python implementation against these very
terms (evaluated with :func:`proofs.engines.z3_value`).
"""

from __future__ import annotations

from typing import Any

import z3

from proofs.registry import Obligation, z3_proof

__all__ = [
    "FIXED_DIGITS",
    "MODES",
    "RAY",
    "U128_MAX",
    "U256_MAX",
    "WAD",
    "mul_div_term",
    "pow10_premise",
    "to_fixed_term",
]

U256_MAX = 2**256 - 1
U128_MAX = 2**128 - 1
WAD = 10**18
RAY = 10**27
#: Documented parse bounds (astratrade_core.numeric): |x| < 10**24, at most 28 places.
FIXED_DIGITS = (24, 28)
MODES = ("floor", "ceil", "half_up")

_MUL_DIV = "astratrade_core.numeric.mul_div"
_TO_FIXED = "astratrade_core.numeric.to_fixed"
_U256 = "a, b in [0, 2**256); d in [1, 2**256)"


def mul_div_term(a: Any, b: Any, d: Any, mode: str) -> Any:
    """``mul_div(a, b, d, mode)`` before the u256 result check, as a Z3 term.

    Python: ``quotient, remainder = divmod(a * b, d)``; CEIL adds one for any remainder,
    HALF_UP when ``remainder >= d - remainder``.
    """
    product = a * b
    quotient, remainder = product / d, product % d
    if mode == "floor":
        return quotient
    if mode == "ceil":
        return z3.If(remainder > 0, quotient + 1, quotient)
    if mode == "half_up":
        return z3.If(z3.And(remainder > 0, remainder >= d - remainder), quotient + 1, quotient)
    raise ValueError(mode)


def to_fixed_term(units: Any, pow10: Any, scale: int, mode: str) -> Any:
    """``to_fixed(Decimal(units) / pow10, scale, mode)`` for ``units >= 0``: the exact value
    ``units * scale / pow10`` rounded to an integer (``floor`` = DOWN/FLOOR, ``ceil`` =
    UP/CEILING for non-negative values)."""
    return mul_div_term(units, z3.IntVal(scale), pow10, mode)


def pow10_premise(pow10: Any, max_places: int) -> Any:
    """``pow10`` is one of ``10**0 .. 10**max_places`` (a Decimal's scale)."""
    return z3.Or(*[pow10 == 10**k for k in range(max_places + 1)])


def _u256_inputs() -> tuple[Any, Any, Any, list[Any]]:
    a, b, d = z3.Ints("a b d")
    return a, b, d, [a >= 0, a <= U256_MAX, b >= 0, b <= U256_MAX, d >= 1, d <= U256_MAX]


@z3_proof("numeric.mul_div.floor_bound",
          "FLOOR: q*d <= a*b < (q+1)*d (the exact quotient, rounded down)",
          targets=[_MUL_DIV], bounds=_U256)
def floor_bound() -> Obligation:
    a, b, d, premises = _u256_inputs()
    q = mul_div_term(a, b, d, "floor")
    return Obligation(premises, z3.And(q * d <= a * b, a * b < (q + 1) * d))


@z3_proof("numeric.mul_div.ceil_bound",
          "CEIL: (q-1)*d < a*b <= q*d (the exact quotient, rounded up)",
          targets=[_MUL_DIV], bounds=_U256)
def ceil_bound() -> Obligation:
    a, b, d, premises = _u256_inputs()
    q = mul_div_term(a, b, d, "ceil")
    return Obligation(premises, z3.And((q - 1) * d < a * b, a * b <= q * d))


@z3_proof("numeric.mul_div.half_up_bound",
          "HALF_UP: |q - a*b/d| <= 1/2 with an exact half rounded up: 2qd - d <= 2ab < 2qd + d",
          targets=[_MUL_DIV], bounds=_U256)
def half_up_bound() -> Obligation:
    a, b, d, premises = _u256_inputs()
    q = mul_div_term(a, b, d, "half_up")
    return Obligation(premises, z3.And(2 * q * d - d <= 2 * a * b, 2 * a * b < 2 * q * d + d))


@z3_proof("numeric.mul_div.mode_order",
          "floor <= half_up <= ceil <= floor + 1, and ceil == floor exactly when d divides a*b",
          targets=[_MUL_DIV], bounds=_U256)
def mode_order() -> Obligation:
    a, b, d, premises = _u256_inputs()
    floor, ceil, half = (mul_div_term(a, b, d, m) for m in ("floor", "ceil", "half_up"))
    return Obligation(premises, z3.And(
        floor <= half, half <= ceil, ceil <= floor + 1,
        (ceil == floor) == ((a * b) % d == 0)))


@z3_proof("numeric.mul_div.fraction_never_grows",
          "a <= d (a rate of at most one, e.g. a fee) gives a result <= b in every mode, so "
          "it can never overflow u256",
          targets=[_MUL_DIV], bounds=_U256 + "; a <= d")
def fraction_never_grows() -> list[Obligation]:
    a, b, d, premises = _u256_inputs()
    return [Obligation([*premises, a <= d], mul_div_term(a, b, d, m) <= b) for m in MODES]


@z3_proof("numeric.mul_div.wad_product_fits_u256",
          "operands below 2**128 and a divisor of at least one WAD (wad/ray multiply) never "
          "overflow u256 in any mode",
          targets=[_MUL_DIV], bounds="a, b in [0, 2**128); d in [10**18, 2**256)")
def wad_product_fits() -> list[Obligation]:
    a, b, d = z3.Ints("a b d")
    premises = [a >= 0, a <= U128_MAX, b >= 0, b <= U128_MAX, d >= WAD, d <= U256_MAX]
    return [Obligation(premises, mul_div_term(a, b, d, m) <= U256_MAX) for m in MODES]


def _decimal_inputs() -> tuple[Any, Any, list[Any]]:
    integer_digits, places = FIXED_DIGITS
    units, pow10 = z3.Ints("units pow10")
    return units, pow10, [units >= 0, pow10_premise(pow10, places),
                          units < 10**integer_digits * pow10]


@z3_proof("numeric.to_fixed.rounding_bounds",
          "to_fixed(x, scale, DOWN) <= x*scale < DOWN+1 and CEILING-1 < x*scale <= CEILING, "
          "for WAD and RAY",
          targets=[_TO_FIXED],
          bounds="x = units/10**k >= 0, k <= 28, x < 10**24 (the parse bounds)")
def to_fixed_bounds() -> list[Obligation]:
    units, pow10, premises = _decimal_inputs()
    obligations = []
    for scale in (WAD, RAY):
        down = to_fixed_term(units, pow10, scale, "floor")
        up = to_fixed_term(units, pow10, scale, "ceil")
        exact = units * scale
        obligations.append(Obligation(premises, z3.And(
            down * pow10 <= exact, exact < (down + 1) * pow10,
            (up - 1) * pow10 < exact, exact <= up * pow10)))
    return obligations


@z3_proof("numeric.to_fixed.parse_bounds_fit_u256",
          "every parsable non-negative Decimal converts to WAD or RAY without leaving u256, "
          "even rounded up",
          targets=[_TO_FIXED],
          bounds="x = units/10**k >= 0, k <= 28, x < 10**24 (the parse bounds)")
def to_fixed_fits() -> list[Obligation]:
    units, pow10, premises = _decimal_inputs()
    return [Obligation(premises, to_fixed_term(units, pow10, scale, "ceil") <= U256_MAX)
            for scale in (WAD, RAY)]


@z3_proof("numeric.fixed.wad_ray_round_trip",
          "from_fixed then to_fixed: WAD -> RAY multiplies by 10**9 exactly and RAY -> WAD "
          "(DOWN) is floor(raw / 10**9); WAD -> RAY -> WAD is the identity",
          targets=[_TO_FIXED, "astratrade_core.numeric.from_fixed"],
          bounds="raw in [0, 2**256)")
def wad_ray_round_trip() -> Obligation:
    raw = z3.Int("raw")
    premises = [raw >= 0, raw <= U256_MAX]
    wad_to_ray = to_fixed_term(raw, z3.IntVal(WAD), RAY, "floor")
    ray_to_wad = to_fixed_term(raw, z3.IntVal(RAY), WAD, "floor")
    back = to_fixed_term(wad_to_ray, z3.IntVal(RAY), WAD, "floor")
    return Obligation(premises, z3.And(
        wad_to_ray == raw * 10**9, ray_to_wad * 10**9 <= raw, raw < (ray_to_wad + 1) * 10**9,
        back == raw))
