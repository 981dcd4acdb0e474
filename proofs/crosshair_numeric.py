"""CrossHair contracts on the numeric helpers (PEP 316 ``pre:``/``post:`` docstrings).

Each wrapper builds its Decimal inputs from symbolic integers (``units / 10**scale``) and
calls the core unchanged.  ``realize`` fixes an argument to one concrete value per path where
C decimal cannot take a symbolic int (``places`` of :func:`quantize`), and before Decimal
division, which CrossHair would otherwise explode into digit-by-digit paths; CrossHair's solver
still chooses a new value on each path (the catalogue says "concretised" for those contracts).
``-1`` stands for a ``Failure`` so postconditions can say which inputs must fail.
"""

from __future__ import annotations

from decimal import Decimal

from crosshair import realize
from returns.result import Success

from astratrade_core.numeric import (
    CONTEXT,
    U256_MAX,  # noqa: F401 - used by the PEP 316 conditions below
    FixedRounding,
    Rounding,
    mul_div,
    quantize,
    round_owed_by_protocol,
    round_owed_to_protocol,
    round_to_increment,
)
from proofs.registry import crosshair_contract

__all__ = [
    "mul_div_ceil",
    "mul_div_floor",
    "mul_div_half_up",
    "owed_rounding",
    "quantize_down",
    "quantize_floor_ceiling",
    "round_lot_down",
]


def _decimal(units: int, scale: int) -> Decimal:
    return Decimal(units).scaleb(-scale, CONTEXT)


@crosshair_contract("numeric.quantize.down_contract",
                    "quantize(x, p, DOWN) never exceeds x >= 0, is on the 10**-p grid and is "
                    "less than one step below x",
                    targets=["astratrade_core.numeric.quantize"],
                    bounds="x = units/10**k, 0 <= units < 10**30, k in 0..12, p in 0..8",
                    quick=True)
def quantize_down(units: int, scale: int, places: int) -> Decimal:
    """
    pre: 0 <= units < 10**30
    pre: 0 <= scale <= 12
    pre: 0 <= places <= 8
    post: __return__ <= _decimal(units, scale)
    post: _decimal(units, scale) - __return__ < Decimal(1).scaleb(-places)
    post: __return__.as_tuple().exponent == -places
    """
    return quantize(_decimal(units, scale), realize(places), Rounding.DOWN)


@crosshair_contract("numeric.quantize.floor_ceiling_contract",
                    "quantize FLOOR <= x <= quantize CEILING for signed x",
                    targets=["astratrade_core.numeric.quantize"],
                    bounds="x = units/10**k, |units| < 10**30, k in 0..12, p in 0..8")
def quantize_floor_ceiling(units: int, scale: int, places: int) -> tuple[Decimal, Decimal]:
    """
    pre: -10**30 < units < 10**30
    pre: 0 <= scale <= 12
    pre: 0 <= places <= 8
    post: __return__[0] <= _decimal(units, scale) <= __return__[1]
    """
    value, fixed = _decimal(units, scale), realize(places)
    return quantize(value, fixed, Rounding.FLOOR), quantize(value, fixed, Rounding.CEILING)


@crosshair_contract("numeric.round_to_increment.down_contract",
                    "rounding a size DOWN to a lot never exceeds it, is a whole number of lots "
                    "and is less than one lot below it",
                    targets=["astratrade_core.numeric.round_to_increment"],
                    bounds="x = units/10**8, 0 <= units < 10**20; lot = n/10**4, n in 1..10**4 "
                           "(inputs concretised per path)")
def round_lot_down(units: int, lot_units: int) -> Decimal:
    """
    pre: 0 <= units < 10**20
    pre: 1 <= lot_units <= 10**4
    post: __return__ <= _decimal(units, 8)
    post: _decimal(units, 8) - __return__ < _decimal(lot_units, 4)
    post: __return__ % _decimal(lot_units, 4) == 0
    """
    # Symbolic Decimal division explodes into digit-by-digit paths: concretise per path.
    return round_to_increment(_decimal(realize(units), 8), _decimal(realize(lot_units), 4),
                              Rounding.DOWN)


@crosshair_contract("numeric.round_owed.protocol_favour",
                    "amounts owed to the protocol round up, amounts it pays round down",
                    targets=["astratrade_core.numeric.round_owed_to_protocol",
                             "astratrade_core.numeric.round_owed_by_protocol",
                             "astratrade_core.numeric.round_to_increment"],
                    bounds="amount = units/10**6, |units| < 10**18; increment 0.01 (inputs "
                           "concretised per path)", quick=True)
def owed_rounding(units: int) -> tuple[Decimal, Decimal]:
    """
    pre: -10**18 < units < 10**18
    post: __return__[0] >= _decimal(units, 6) >= __return__[1]
    post: __return__[0] - __return__[1] <= Decimal("0.01")
    """
    # Symbolic Decimal division explodes into digit-by-digit paths: concretise per path.
    amount, cent = _decimal(realize(units), 6), Decimal("0.01")
    return round_owed_to_protocol(amount, cent), round_owed_by_protocol(amount, cent)


def _mul_div(a: int, b: int, d: int, rounding: FixedRounding) -> int:
    result = mul_div(a, b, d, rounding)
    return result.unwrap() if isinstance(result, Success) else -1


@crosshair_contract("numeric.mul_div.floor_contract",
                    "the implementation's FLOOR result brackets a*b/d and it fails only when "
                    "the quotient exceeds u256",
                    targets=["astratrade_core.numeric.mul_div"],
                    bounds="a, b, d in u256, d > 0")
def mul_div_floor(a: int, b: int, d: int) -> int:
    """
    pre: 0 <= a <= U256_MAX and 0 <= b <= U256_MAX and 0 < d <= U256_MAX
    post: (__return__ == -1) == (a * b // d > U256_MAX)
    post: __return__ == -1 or __return__ * d <= a * b < (__return__ + 1) * d
    """
    return _mul_div(a, b, d, FixedRounding.FLOOR)


@crosshair_contract("numeric.mul_div.ceil_contract",
                    "the implementation's CEIL result is the least q with a*b <= q*d",
                    targets=["astratrade_core.numeric.mul_div"],
                    bounds="a, b, d in u256, d > 0")
def mul_div_ceil(a: int, b: int, d: int) -> int:
    """
    pre: 0 <= a <= U256_MAX and 0 <= b <= U256_MAX and 0 < d <= U256_MAX
    post: __return__ == -1 or (__return__ - 1) * d < a * b <= __return__ * d
    """
    return _mul_div(a, b, d, FixedRounding.CEIL)


@crosshair_contract("numeric.mul_div.half_up_contract",
                    "the implementation's HALF_UP result is within half a unit, ties up",
                    targets=["astratrade_core.numeric.mul_div"],
                    bounds="a, b, d in u256, d > 0")
def mul_div_half_up(a: int, b: int, d: int) -> int:
    """
    pre: 0 <= a <= U256_MAX and 0 <= b <= U256_MAX and 0 < d <= U256_MAX
    post: __return__ == -1 or 2 * __return__ * d - d <= 2 * a * b < 2 * __return__ * d + d
    """
    return _mul_div(a, b, d, FixedRounding.HALF_UP)
