"""Positions, price P&L and the seed position-size formula, plus their on-chain integer forms.

The two functions the architecture names:

* :func:`calculate_pnl` - ``quantity * (current_price - entry_price)`` for a :class:`Position`
  with a *signed* quantity (negative = short).  Exact: a product and a difference of bounded
  decimals never round under :data:`~astratrade_core.numeric.CONTEXT`.
* :func:`calculate_position_size` - ``account_balance * risk_percentage / stop_loss_distance``,
  with ``risk_percentage`` a *fraction* in ``(0, 1]`` (``0.01`` = 1 %).  Inputs may be ``str``,
  ``int`` or ``Decimal`` (parsed and bounded); anything invalid is a ``Failure``.  The quotient
  is exact to CONTEXT's 120 significant digits; round it to a lot with
  :func:`astratrade_core.trading.sizing.fixed_fractional_size` when trading.

:func:`pnl_wad` and :func:`position_size_wad` are the integer algorithms the Cairo contracts
run on wad-scaled (``10**18``) unsigned integers, built only from
:func:`~astratrade_core.numeric.mul_div`.  They round in the protocol's favour and agree with
the Decimal versions to the last wad unit: ``pnl_wad`` is ``floor(pnl * WAD)`` (profits round
down, losses round up) and ``position_size_wad`` is ``floor(size * WAD)``.

>>> from decimal import Decimal as D
>>> calculate_pnl(Position("BTC", D("-0.5"), D("30000"), D("29000")))
Decimal('500.0')
>>> calculate_position_size("10000", "0.01", "50").unwrap()  # 10000 * 0.01 / 50
Decimal('2.00')
"""

from __future__ import annotations

from decimal import Decimal

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.numeric import (
    CONTEXT,
    WAD,
    FixedRounding,
    mul_div,
    parse_decimal,
    parse_positive,
)

__all__ = [
    "Position",
    "calculate_pnl",
    "calculate_position_size",
    "pnl_wad",
    "position_size_wad",
]

_mul = CONTEXT.multiply
_sub = CONTEXT.subtract


@attrs.frozen
class Position:
    """An open position: ``asset`` symbol, signed ``quantity`` (negative = short), and the
    entry and current prices in quote currency.  The raw constructor trusts its inputs; use
    :meth:`of` for untrusted ones."""

    asset: str
    quantity: Decimal
    entry_price: Decimal
    current_price: Decimal

    @classmethod
    def of(cls, asset: str, quantity: object, entry_price: object,
           current_price: object) -> Result[Position, DomainError]:
        """Parse a position; prices must be positive.  Reports every problem at once.

        >>> Position.of("ETH", "-2", "1800.5", "1700").unwrap().quantity
        Decimal('-2')
        >>> Position.of("", 0.5, "0", "1").failure().codes()
        ('position.asset', 'numeric.float_rejected', 'numeric.not_positive')
        """
        q = parse_decimal(quantity, "quantity")
        e = parse_positive(entry_price, "entry_price")
        c = parse_positive(current_price, "current_price")
        problems = [r.failure() for r in (q, e, c) if isinstance(r, Failure)]
        if not isinstance(asset, str) or not 0 < len(asset) <= 32:
            problems.insert(0, DomainError.invalid(
                "position.asset", "asset must be 1-32 characters"))
        if problems:
            return Failure(DomainError.all_of("position.invalid", problems))
        return Success(cls(asset, q.unwrap(), e.unwrap(), c.unwrap()))

    @property
    def is_long(self) -> bool:
        """Positive quantity."""
        return self.quantity > 0

    @property
    def notional(self) -> Decimal:
        """``|quantity| * current_price``."""
        return _mul(CONTEXT.abs(self.quantity), self.current_price)


def calculate_pnl(position: Position) -> Decimal:
    """Unrealized price P&L: ``quantity * (current_price - entry_price)``, exact.

    Takes a validated :class:`Position` (Decimal fields); build one from strings with
    :meth:`Position.of`.

    >>> from decimal import Decimal as D
    >>> calculate_pnl(Position("BTC", D("0.25"), D("40000"), D("42000.10")))  # 0.25 * 2000.10
    Decimal('500.0250')
    """
    return _mul(position.quantity, _sub(position.current_price, position.entry_price))


def calculate_position_size(
    account_balance: object, risk_percentage: object, stop_loss_distance: object
) -> Result[Decimal, DomainError]:
    """Units to trade so that hitting the stop loses ``balance * risk``: that budget divided by
    the per-unit ``stop_loss_distance`` (in quote currency).  ``risk_percentage`` is a fraction
    in ``(0, 1]``.  Reports every invalid input at once.

    >>> calculate_position_size("25000", "0.02", "125").unwrap()  # 25000 * 0.02 / 125
    Decimal('4.00')
    >>> calculate_position_size("0", "1.5", "-1").failure().codes()
    ('numeric.not_positive', 'sizing.risk_range', 'numeric.not_positive')
    """
    balance = parse_positive(account_balance, "account_balance")
    risk = parse_decimal(risk_percentage, "risk_percentage").bind(_risk_in_range)
    distance = parse_positive(stop_loss_distance, "stop_loss_distance")
    problems = [r.failure() for r in (balance, risk, distance) if isinstance(r, Failure)]
    if problems:
        return Failure(DomainError.all_of("sizing.invalid", problems))
    budget = _mul(balance.unwrap(), risk.unwrap())
    return Success(CONTEXT.divide(budget, distance.unwrap()))


def _risk_in_range(risk: Decimal) -> Result[Decimal, DomainError]:
    if 0 < risk <= 1:
        return Success(risk)
    return Failure(DomainError.invalid("sizing.risk_range",
                                  "risk_percentage: must be a fraction in (0, 1]",
                                  risk_percentage=risk))


def pnl_wad(quantity: int, entry_price: int, current_price: int,
            is_long: bool) -> Result[int, DomainError]:
    """The on-chain P&L: wad ``quantity`` (unsigned size) and prices -> signed wad P&L.

    Algorithm (Cairo mirror): ``move = |current - entry|``; the trader gains when the move is
    in the position's direction.  A gain is ``mul_div(quantity, move, WAD, FLOOR)``, a loss is
    ``-mul_div(quantity, move, WAD, CEIL)``: always ``floor(exact * WAD)``, in the protocol's
    favour.

    >>> pnl_wad(2 * 10**18, 100 * 10**18, 101 * 10**18, True).unwrap() == 2 * 10**18
    True
    >>> pnl_wad(1, 10**18, 2 * 10**18, False).unwrap()  # loss of 1e-18 quote: -1 wad unit
    -1
    >>> pnl_wad(1, 3, 4, True).unwrap()  # gain of 1e-36 quote rounds down to zero
    0
    """
    gains = (current_price >= entry_price) == is_long
    move = current_price - entry_price if current_price >= entry_price else (
        entry_price - current_price)
    if gains:
        return mul_div(quantity, move, WAD, FixedRounding.FLOOR)
    return mul_div(quantity, move, WAD, FixedRounding.CEIL).map(lambda loss: -loss)


def position_size_wad(balance: int, risk: int, stop_distance: int) -> Result[int, DomainError]:
    """The on-chain :func:`calculate_position_size`: ``mul_div(balance, risk, distance, FLOOR)``
    on wad values (sizes round down).  Range checks are the caller's (the Decimal version's).

    >>> position_size_wad(10_000 * 10**18, 10**16, 3 * 10**18).unwrap()  # 100 / 3 units
    33333333333333333333
    """
    return mul_div(balance, risk, stop_distance, FixedRounding.FLOOR)
