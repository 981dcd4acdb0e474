"""Positions, price P&L and the seed position-size formula, plus their on-chain integer forms.

The two functions the architecture names:

* :func:`calculate_pnl` - ``quantity * (current_price - entry_price)`` for a :class:`Position`
  with a *signed* quantity (negative = short).  Exact: a product and a difference of bounded
  decimals never round under :data:`~astratrade_core.numeric.CONTEXT`.
* :func:`calculate_position_size` - ``account_balance * risk_fraction / stop_loss_distance``,
  with ``risk_fraction`` a *fraction* in ``(0, 1]`` (``0.01`` = 1 %).  Inputs may be ``str``,
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
from returns.maybe import Maybe
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect
from astratrade_core.numeric import (
    CONTEXT,
    ONE,
    WAD,
    DecimalInput,
    FixedRounding,
    is_u256,
    mul_div,
    parse_decimal,
    parse_positive,
)
from astratrade_core.trading.fills import PositionState

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
    """A position as a trader states it: ``asset`` symbol, signed ``quantity`` (negative =
    short), the average ``entry_price`` and the ``current_price`` (mark) in quote currency.

    The calculators' value (P&L, ROI, the other positions of a cross-margin account).  A
    position *folded from fills* is a :class:`~astratrade_core.trading.fills.PositionState`,
    and a portfolio's position in one symbol a
    :class:`~astratrade_core.portfolio.state.Holding`.  The raw constructor trusts its
    inputs; use :meth:`of` for untrusted ones."""

    asset: str
    quantity: Decimal
    entry_price: Decimal
    current_price: Decimal

    @classmethod
    def of(cls, asset: str, quantity: DecimalInput, entry_price: DecimalInput,
           current_price: DecimalInput) -> Result[Position, DomainError]:
        """Parse a position; prices must be positive.  Reports every problem at once.

        >>> Position.of("ETH", "-2", "1800.5", "1700").unwrap().quantity
        Decimal('-2')
        >>> Position.of("", 0.5, "0", "1").failure().codes()
        ('position.asset', 'numeric.float_rejected', 'numeric.not_positive')
        """
        name: Result[str, DomainError] = (
            Success(asset) if isinstance(asset, str) and 0 < len(asset) <= 32
            else Failure(DomainError.invalid("position.asset", "asset must be 1-32 characters")))
        return collect("position.invalid", name, parse_decimal(quantity, "quantity"),
                       parse_positive(entry_price, "entry_price"),
                       parse_positive(current_price, "current_price")).map(lambda v: cls(*v))

    @property
    def is_long(self) -> bool:
        """Positive quantity."""
        return self.quantity > 0

    @property
    def notional(self) -> Decimal:
        """``|quantity| * current_price``."""
        return _mul(CONTEXT.abs(self.quantity), self.current_price)

    @property
    def state(self) -> PositionState:
        """The same position as a fill state: ``quantity`` bought or sold at the entry.

        >>> from decimal import Decimal as D
        >>> Position("X", D("-2"), D("150.5"), D("140")).state.cost_basis
        Decimal('-301.0')
        """
        return PositionState(self.quantity, _mul(self.quantity, self.entry_price))

    def roi_percent(self, leverage: Decimal = ONE) -> Maybe[Decimal]:
        """Return on the initial margin ``|quantity| * entry / leverage``, in percent
        (Binance's ROI); ``Nothing`` when flat.  Exact to CONTEXT's 120 digits; ``leverage``
        is a validated value of at least 1.

        >>> from decimal import Decimal as D
        >>> # short 0.5 from 30000 to 29000 gains 500 on a margin of 0.5 * 30000 / 6 = 2500
        >>> Position("BTC", D("-0.5"), D("30000"), D("29000")).roi_percent(D("6")).unwrap()
        Decimal('20.0')
        """
        return self.state.roi_percent(self.current_price, leverage)


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
    account_balance: DecimalInput, risk_fraction: DecimalInput, stop_loss_distance: DecimalInput,
) -> Result[Decimal, DomainError]:
    """Units to trade so that hitting the stop loses ``balance * risk``: that budget divided by
    the per-unit ``stop_loss_distance`` (in quote currency).  ``risk_fraction`` is a fraction
    in ``(0, 1]`` (``0.01`` = 1 %).  Reports every invalid input at once.  The quotient is
    exact to CONTEXT's 120 digits; round it for display with
    :func:`~astratrade_core.trading.sizing.round_size_down`.

    >>> calculate_position_size("25000", "0.02", "125").unwrap()  # 25000 * 0.02 / 125
    Decimal('4.00')
    >>> calculate_position_size("0", "1.5", "-1").failure().codes()
    ('numeric.not_positive', 'sizing.risk_range', 'numeric.not_positive')
    """
    return collect("sizing.invalid", parse_positive(account_balance, "account_balance"),
                   parse_decimal(risk_fraction, "risk_fraction").bind(_risk_in_range),
                   parse_positive(stop_loss_distance, "stop_loss_distance"),
                   ).map(lambda v: CONTEXT.divide(_mul(v[0], v[1]), v[2]))


def _risk_in_range(risk: Decimal) -> Result[Decimal, DomainError]:
    if 0 < risk <= 1:
        return Success(risk)
    return Failure(DomainError.invalid("sizing.risk_range",
                                       "risk_fraction: must be a fraction in (0, 1]",
                                       risk_fraction=risk))


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
    if not (is_u256(entry_price) and is_u256(current_price)):
        return Failure(DomainError.invalid("numeric.fixed_range", "prices must be u256 integers"))
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
