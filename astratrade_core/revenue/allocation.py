"""Lossless allocation: split a total into parts by weights with the largest-remainder method.

Every split in the revenue and DeFi code (fee shares, royalties, reward distributions) goes
through :func:`allocate_units`, an integer algorithm the Cairo contracts mirror bit for bit.

**The algorithm** (``T`` = total units, ``w_0..w_{n-1}`` non-negative integer weights,
``W = sum(w)`` > 0):

1. ``q_i = floor(T * w_i / W)`` and ``r_i = (T * w_i) mod W`` for every ``i``.
2. ``L = T - sum(q_i)`` units are left over; ``0 <= L < n`` (in fact ``L * W = sum(r_i)``).
3. Part ``i`` receives ``q_i + 1`` when its *rank* is below ``L``, else ``q_i``, where
   ``rank_i = #{j : r_j > r_i  or  (r_j == r_i and j < i)}``: larger remainder first, ties to
   the lower index.  (This is the same as sorting by ``(-r_i, i)`` and giving one unit to each
   of the first ``L`` entries; the rank form needs no sort, which suits a contract.)

**Laws** (property-tested): the parts sum to ``T`` exactly; ``|part_i - T*w_i/W| < 1`` for
every part; a zero weight always gets zero; equal weights get parts that differ by at most one
unit, the extra units going to the lowest indices.

**Bounds** (the contract's): ``0 <= T``, every ``w_i`` and ``W`` fit in u256; the products
``T * w_i`` are formed at double width (u512), as :func:`astratrade_core.numeric.mul_div` does.

:func:`allocate` is the :class:`~astratrade_core.money.Money` API on top: the total must be a
whole number of minor units; weights may be ``int``, ``Decimal`` or ``str`` (ratios such as
``"0.25"``), scaled exactly to integers by a common power of ten.  A negative total is split
as the negation of the split of its absolute value, so refunds mirror charges.

>>> allocate_units(100, (1, 1, 1)).unwrap()
(34, 33, 33)
>>> allocate_units(5, (3, 7)).unwrap()
(2, 3)
>>> from astratrade_core.money import USD, Money
>>> [str(p) for p in allocate(Money.of("0.05", USD).unwrap(), (3, 7)).unwrap()]
['0.02 USD', '0.03 USD']
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect_all
from astratrade_core.money import Money
from astratrade_core.numeric import CONTEXT, U256_MAX, parse_non_negative

__all__ = ["WeightInput", "allocate", "allocate_units", "integer_weights", "split_evenly"]

#: What :func:`allocate` accepts as one weight: an integer or an exact decimal ratio.
WeightInput = int | Decimal | str

#: At most this many parts in one split (a contract loops over them; keep it bounded).
MAX_PARTS = 10_000


def allocate_units(total_units: int, weights: Sequence[int]) -> Result[tuple[int, ...],
                                                                       DomainError]:
    """Split ``total_units`` into ``len(weights)`` integer parts by largest remainder.

    Fails (``revenue.allocation_*``) on an empty weight list, more than 10,000 parts, a
    negative or out-of-range total or weight, or weights that sum to zero.

    >>> allocate_units(10, (1, 1, 1)).unwrap()
    (4, 3, 3)
    >>> allocate_units(7, (0, 2, 1)).unwrap()
    (0, 5, 2)
    >>> allocate_units(1, (1, 1)).unwrap()
    (1, 0)
    >>> allocate_units(1, (0, 0)).failure().code
    'revenue.allocation_zero_weights'
    """
    problem = _check_units(total_units, weights)
    if problem is not None:
        return Failure(problem)
    return Success(_largest_remainder(total_units, weights))


def _check_units(total_units: int, weights: Sequence[int]) -> DomainError | None:
    if isinstance(total_units, bool) or not isinstance(total_units, int) or not (
        0 <= total_units <= U256_MAX
    ):
        return DomainError.invalid("revenue.allocation_total", "total must be an integer in u256",
                              total=total_units)
    if not weights or len(weights) > MAX_PARTS:
        return DomainError.invalid("revenue.allocation_parts",
                              f"need between 1 and {MAX_PARTS} weights", parts=len(weights))
    for index, weight in enumerate(weights):
        if isinstance(weight, bool) or not isinstance(weight, int) or not (
            0 <= weight <= U256_MAX
        ):
            return DomainError.invalid("revenue.allocation_weight",
                                  "weights must be integers in u256", index=index, weight=weight)
    weight_sum = sum(weights)
    if weight_sum == 0:
        return DomainError.invalid("revenue.allocation_zero_weights", "weights sum to zero")
    if weight_sum > U256_MAX:
        return DomainError.invalid("revenue.allocation_weight", "sum of weights exceeds u256")
    return None


def _largest_remainder(total: int, weights: Sequence[int]) -> tuple[int, ...]:
    weight_sum = sum(weights)
    quotients: list[int] = []
    remainders: list[int] = []
    for weight in weights:
        q, r = divmod(total * weight, weight_sum)
        quotients.append(q)
        remainders.append(r)
    leftover = total - sum(quotients)
    if leftover:
        order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
        for index in order[:leftover]:
            quotients[index] += 1
    return tuple(quotients)


def integer_weights(weights: Sequence[WeightInput]) -> Result[tuple[int, ...], DomainError]:
    """Scale non-negative decimal weights exactly to integers by one common power of ten.

    The ratios between the weights are preserved exactly, so splitting by the result is the
    same as splitting by the decimals.  Every invalid weight is reported (``all_of``).

    >>> integer_weights(("0.25", "0.5", 1)).unwrap()
    (25, 50, 100)
    >>> integer_weights(("1", "-2", "x")).failure().codes()
    ('numeric.negative', 'numeric.syntax')
    """
    plain = tuple(w for w in weights if isinstance(w, int) and not isinstance(w, bool) and w >= 0)
    if len(plain) == len(weights):
        return Success(plain)  # already non-negative integers: nothing to scale
    def scaled(parsed: tuple[Decimal, ...]) -> tuple[int, ...]:
        places = max((_places(d) for d in parsed), default=0)
        return tuple(int(d.scaleb(places, CONTEXT)) for d in parsed)

    return collect_all("revenue.allocation_weights", [
        parse_non_negative(weight, f"weights[{index}]") for index, weight in enumerate(weights)
    ]).map(scaled)


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def allocate(total: Money, weights: Sequence[WeightInput]) -> Result[tuple[Money, ...],
                                                                      DomainError]:
    """Split a Money total into parts in its minor unit, proportional to ``weights``.

    The total must be a whole number of minor units (round it first, with the mode you mean).

    >>> from astratrade_core.money import USD, Money
    >>> parts = allocate(Money.of("100.00", USD).unwrap(), ("0.5", "0.3", "0.2")).unwrap()
    >>> [str(p.amount) for p in parts]
    ['50.00', '30.00', '20.00']
    >>> [str(p.amount) for p in allocate(Money.of("-0.10", USD).unwrap(), (1, 1, 1)).unwrap()]
    ['-0.04', '-0.03', '-0.03']
    >>> allocate(Money.of("1.005", USD).unwrap(), (1, 1)).failure().code
    'revenue.allocation_not_minor_units'
    """
    scaled = total.amount.scaleb(total.currency.minor_unit, CONTEXT)
    if scaled != scaled.to_integral_value(context=CONTEXT):
        return Failure(DomainError.invalid(
            "revenue.allocation_not_minor_units",
            f"total {total.amount} is not a whole number of {total.currency.code} minor units",
            total=total.amount, currency=total.currency.code))
    units = int(scaled)
    sign = -1 if units < 0 else 1
    currency = total.currency
    return integer_weights(weights).bind(
        lambda ints: allocate_units(abs(units), ints)
    ).map(lambda parts: tuple(Money.from_minor_units(sign * p, currency) for p in parts))


def split_evenly(total: Money, count: int) -> Result[tuple[Money, ...], DomainError]:
    """Split a Money total into ``count`` parts that differ by at most one minor unit.

    >>> from astratrade_core.money import USD, Money
    >>> [str(p.amount) for p in split_evenly(Money.of("1.00", USD).unwrap(), 3).unwrap()]
    ['0.34', '0.33', '0.33']
    """
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_PARTS:
        return Failure(DomainError.invalid("revenue.allocation_parts",
                                      f"need between 1 and {MAX_PARTS} parts", parts=count))
    return allocate(total, (1,) * count)
