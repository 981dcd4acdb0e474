"""Named wad, ray and percentage helpers: the integer maths of on-chain fixed point.

On-chain values are unsigned integers: a *wad* is scaled by 10**18, a *ray* by 10**27 and a
*percentage* is in basis points (``10000`` is 100 %, Aave's ``PERCENTAGE_FACTOR``).  Every
helper takes a :class:`~astratrade_core.numeric.FixedRounding` (``FLOOR``, ``CEIL`` or
``HALF_UP``, where a remainder of exactly half rounds up) and is built on
:func:`~astratrade_core.numeric.mul_div`, the primitive the Cairo contracts share bit for bit.

=======================  ==================================  =================================
helper                   exact value, then rounded           Aave v3 name (``HALF_UP``)
=======================  ==================================  =================================
``wad_mul(a, b)``        ``a * b / 10**18``                  ``WadRayMath.wadMul``
``wad_div(a, b)``        ``a * 10**18 / b``                  ``WadRayMath.wadDiv``
``ray_mul(a, b)``        ``a * b / 10**27``                  ``WadRayMath.rayMul``
``ray_div(a, b)``        ``a * 10**27 / b``                  ``WadRayMath.rayDiv``
``percent_mul(v, p)``    ``v * p / 10**4``                   ``PercentageMath.percentMul``
``percent_div(v, p)``    ``v * 10**4 / p``                   ``PercentageMath.percentDiv``
``wad_to_ray(a)``        ``a * 10**9`` (exact)               ``WadRayMath.wadToRay``
``ray_to_wad(a)``        ``a / 10**9``                       ``WadRayMath.rayToWad``
=======================  ==================================  =================================

**Overflow** (:class:`Overflow`).  ``WIDE`` (the default) computes the product at double
width, as :func:`~astratrade_core.numeric.mul_div` and the Cairo contracts (u512) do: only the
*result* must fit in u256.  ``AAVE`` reverts like Aave's assembly (aave-v3-origin,
``WadRayMath.sol`` and ``PercentageMath.sol``) whenever the intermediate numerator does not
fit in u256: ``a * b + HALF`` for a half-up multiplication (``a * b`` for floor and ceil),
``a * SCALE + b // 2`` for a half-up division (``a * SCALE`` for floor and ceil).  A "revert"
is a ``Failure`` with code ``numeric.overflow``.  Use ``AAVE`` to predict exactly which
transactions an Aave-style contract would refuse; every result that does not revert is the
same under both modes.

Operands must be integers (not ``bool``, not ``float``: ``numeric.type``) in ``[0, 2**256)``
and divisors be positive; anything else is a ``Failure`` (``numeric.fixed_range``,
``numeric.division_by_zero``), never an exception, whatever the overflow mode.

Worked examples (Aave's own rounding rule: a half rounds up):

>>> from astratrade_core.numeric import WAD, RAY, U256_MAX
>>> wad_mul(WAD // 2, 3).unwrap()                         # 0.5 * 3e-18 = 1.5e-18 -> 2e-18
2
>>> wad_mul(WAD // 2, 3, FixedRounding.FLOOR).unwrap()
1
>>> ray_div(2 * RAY, 3 * RAY).unwrap()                    # 0.666...67 in ray, half up
666666666666666666666666667
>>> percent_mul(10_005, 5_000).unwrap()                   # 50 % of 10005 = 5002.5 -> 5003
5003
>>> ray_to_wad(1_500_000_000).unwrap(), ray_to_wad(1_499_999_999).unwrap()
(2, 1)
>>> ray_mul(U256_MAX, RAY).unwrap() == U256_MAX           # double width: the result fits
True
>>> ray_mul(U256_MAX, RAY, overflow=Overflow.AAVE).failure().code   # Aave reverts
'numeric.overflow'
"""

from __future__ import annotations

import enum
from typing import Final

from returns.result import Failure, Result

from astratrade_core.errors import DomainError
from astratrade_core.numeric import RAY, U256_MAX, WAD, FixedRounding, is_u256, mul_div

__all__ = [
    "HALF_PERCENT",
    "PERCENTAGE_FACTOR",
    "WAD_RAY_RATIO",
    "Overflow",
    "percent_div",
    "percent_mul",
    "ray_div",
    "ray_mul",
    "ray_to_wad",
    "wad_div",
    "wad_mul",
    "wad_to_ray",
]

#: 100 % in basis points (Aave's ``PERCENTAGE_FACTOR``).
PERCENTAGE_FACTOR: Final = 10_000
#: 50 % in basis points (Aave's ``HALF_PERCENTAGE_FACTOR``).
HALF_PERCENT: Final = PERCENTAGE_FACTOR // 2
#: A ray has nine more decimal places than a wad.
WAD_RAY_RATIO: Final = RAY // WAD

_HALF_UP: Final = FixedRounding.HALF_UP


class Overflow(enum.Enum):
    """What happens when an intermediate product exceeds u256 (see the module docstring)."""

    WIDE = "wide"
    AAVE = "aave"


def _overflow(a: int, b: int, denominator: int) -> Failure[DomainError]:
    return Failure(DomainError.invalid(
        "numeric.overflow", "an intermediate product exceeds u256 (Aave would revert)",
        a=_short(a), b=_short(b), denominator=denominator))


def _short(value: int) -> str:
    return str(value) if value.bit_length() <= 128 else f"<int of {value.bit_length()} bits>"


def _scaled(a: int, b: int, denominator: int, rounding: FixedRounding, *, overflow: Overflow,
            half: int) -> Result[int, DomainError]:
    """``a * b / denominator``; with ``AAVE``, ``a * b + half`` (half-up) or ``a * b`` must
    fit in u256 first.  ``half`` is what Aave adds before dividing when rounding half up."""
    if (overflow is Overflow.AAVE and is_u256(a) and is_u256(b) and is_u256(half)
            and a * b + (half if rounding is _HALF_UP else 0) > U256_MAX):
        return _overflow(a, b, denominator)
    return mul_div(a, b, denominator, rounding)


def wad_mul(a: int, b: int, rounding: FixedRounding = _HALF_UP,
            overflow: Overflow = Overflow.WIDE) -> Result[int, DomainError]:
    """``a * b`` of two wads, in wad.

    >>> wad_mul(3 * WAD // 2, 2 * WAD).unwrap() == 3 * WAD    # 1.5 * 2 = 3
    True
    """
    return _scaled(a, b, WAD, rounding, overflow=overflow, half=WAD // 2)


def wad_div(a: int, b: int, rounding: FixedRounding = _HALF_UP,
            overflow: Overflow = Overflow.WIDE) -> Result[int, DomainError]:
    """``a / b`` of two wads, in wad.

    >>> wad_div(1, 3 * WAD).unwrap(), wad_div(2, 3 * WAD).unwrap()   # 1/3 -> 0, 2/3 -> 1
    (0, 1)
    >>> wad_div(WAD, 0).failure().code
    'numeric.division_by_zero'
    """
    return _scaled(a, WAD, b, rounding, overflow=overflow, half=b // 2)


def ray_mul(a: int, b: int, rounding: FixedRounding = _HALF_UP,
            overflow: Overflow = Overflow.WIDE) -> Result[int, DomainError]:
    """``a * b`` of two rays, in ray.

    >>> ray_mul(1, RAY // 2).unwrap(), ray_mul(1, RAY // 2 - 1).unwrap()   # half rounds up
    (1, 0)
    >>> ray_mul(1, 1, FixedRounding.CEIL).unwrap()
    1
    """
    return _scaled(a, b, RAY, rounding, overflow=overflow, half=RAY // 2)


def ray_div(a: int, b: int, rounding: FixedRounding = _HALF_UP,
            overflow: Overflow = Overflow.WIDE) -> Result[int, DomainError]:
    """``a / b`` of two rays, in ray.

    >>> ray_div(RAY, 3 * RAY, FixedRounding.FLOOR).unwrap()
    333333333333333333333333333
    >>> ray_div(RAY, 3 * RAY, FixedRounding.CEIL).unwrap()
    333333333333333333333333334
    """
    return _scaled(a, RAY, b, rounding, overflow=overflow, half=b // 2)


def percent_mul(value: int, bps: int, rounding: FixedRounding = _HALF_UP,
                overflow: Overflow = Overflow.WIDE) -> Result[int, DomainError]:
    """``value * bps / 10000``: ``bps`` basis points of ``value``.

    >>> percent_mul(1_000, 25).unwrap(), percent_mul(1_000, 25, FixedRounding.FLOOR).unwrap()
    (3, 2)
    """
    return _scaled(value, bps, PERCENTAGE_FACTOR, rounding, overflow=overflow, half=HALF_PERCENT)


def percent_div(value: int, bps: int, rounding: FixedRounding = _HALF_UP,
                overflow: Overflow = Overflow.WIDE) -> Result[int, DomainError]:
    """``value * 10000 / bps``: the amount of which ``value`` is ``bps`` basis points.

    >>> percent_div(50, 5_000).unwrap()     # 50 is 50 % of 100
    100
    >>> percent_div(1, 30_000).unwrap(), percent_div(2, 30_000).unwrap()   # 1/3 -> 0, 2/3 -> 1
    (0, 1)
    """
    return _scaled(value, PERCENTAGE_FACTOR, bps, rounding, overflow=overflow, half=bps // 2)


def wad_to_ray(value: int) -> Result[int, DomainError]:
    """A wad as a ray, exactly (``* 10**9``); a result beyond u256 fails, as Aave reverts.

    >>> wad_to_ray(WAD).unwrap() == RAY
    True
    >>> wad_to_ray(U256_MAX).failure().code
    'numeric.overflow'
    """
    return mul_div(value, WAD_RAY_RATIO, 1, FixedRounding.FLOOR)


def ray_to_wad(value: int, rounding: FixedRounding = _HALF_UP) -> Result[int, DomainError]:
    """A ray as a wad (``/ 10**9``), half up by default as Aave's ``rayToWad``.

    >>> ray_to_wad(RAY).unwrap() == WAD
    True
    >>> ray_to_wad(1, FixedRounding.CEIL).unwrap()
    1
    """
    return mul_div(value, 1, WAD_RAY_RATIO, rounding)

