"""Fills and realized P&L with average-cost accounting.

A position is a left fold of fills.  :class:`PositionState` holds the signed ``quantity``
(negative = short), the signed ``cost_basis`` (``quantity * average entry price``; negative for
a short), the realized *price* P&L, and, kept apart from it, the fees and the funding paid.
:func:`apply_fill` is the pure step::

    new_state, realized = apply_fill(state, fill)

* A fill in the position's direction (or from flat) opens/increases: ``quantity`` and
  ``cost_basis`` grow by the fill's signed quantity and notional; nothing is realized.
* A fill against the position reduces it: only the *closed* quantity realizes P&L,
  ``closed * (fill price - average entry)``; the average entry of the rest is unchanged.
* A fill that crosses zero is split into a full close (realizing P&L) and an open of the
  remainder **at the fill price** — no stale entry price survives a reversal.
* ``fill.fee`` (quote currency, positive = paid, negative = maker rebate) accumulates in
  ``fees_paid``; :func:`apply_funding` accumulates funding in ``funding_paid``.  Neither ever
  touches ``realized_pnl``; :attr:`PositionState.net_realized_pnl` combines them.

Conventions: buy fills have positive quantity, sells negative; prices are strictly positive
quote-per-base; every amount is in the quote currency.  All arithmetic goes through
:data:`~astratrade_core.numeric.CONTEXT`.  Increases and full closes are exact.  A *partial*
close must divide (``cost_basis * closed / quantity``); that share is rounded half-even to
:data:`COST_PLACES` (28) decimal places and subtracted exactly from the cost basis, so no
value is ever created or lost: ``realized + unrealized`` equals the fills' cash flows plus the
held quantity at the mark, *exactly*, for any sequence.  Rounding only moves less than
``1e-28`` between realized and unrealized P&L, and keeps numbers short (fast) through long
folds.  Averages are derived on read (:attr:`PositionState.average_entry_price`, exact to
CONTEXT's 120 digits), so same-direction fills give identical states in any order.

:func:`apply_fill` is the hot path (a portfolio fold calls it millions of times): it takes
validated values (build fills with :meth:`Fill.of` or :meth:`FeeSchedule.fill`), returns a
plain tuple and never allocates a ``Result``.

>>> from decimal import Decimal as D
>>> s, r = apply_fill(PositionState.FLAT, Fill(D("2"), D("100"), D("0.2")))
>>> s.quantity, s.average_entry_price, r
(Decimal('2'), Decimal('100'), Decimal('0'))
>>> s, r = apply_fill(s, Fill(D("-3"), D("110"), D("0.33")))  # close 2 (+20), open 1 short
>>> r, s.quantity, s.average_entry_price, s.fees_paid, s.net_realized_pnl
(Decimal('20'), Decimal('-1'), Decimal('110'), Decimal('0.53'), Decimal('19.47'))
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal
from typing import ClassVar, Final

import attrs
from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect
from astratrade_core.numeric import (
    CONTEXT,
    ONE,
    ZERO,
    DecimalInput,
    Rounding,
    canonical,
    parse_decimal,
    parse_positive,
    round_to_increment,
)

__all__ = [
    "COST_PLACES",
    "FeeSchedule",
    "Fill",
    "Liquidity",
    "PositionState",
    "apply_fill",
    "apply_funding",
    "funding_payment",
    "position_from_fills",
]

_add = CONTEXT.add
_sub = CONTEXT.subtract
_mul = CONTEXT.multiply
_div = CONTEXT.divide
_abs = CONTEXT.abs
_HUNDRED: Final = Decimal(100)

#: Decimal places of the cost-basis share removed by a partial close (half-even).
COST_PLACES: Final = 28
_COST_QUANTUM: Final = Decimal(1).scaleb(-COST_PLACES, CONTEXT)


class Liquidity(enum.Enum):
    """Whether a fill added liquidity (maker) or took it (taker)."""

    MAKER = "maker"
    TAKER = "taker"


@attrs.frozen
class Fill:
    """One execution: signed ``quantity`` (buy > 0, sell < 0), ``price`` > 0, ``fee`` in quote
    currency (positive = paid, negative = rebate).  The raw constructor trusts its inputs."""

    quantity: Decimal
    price: Decimal
    fee: Decimal = ZERO
    liquidity: Liquidity = Liquidity.TAKER

    @classmethod
    def of(
        cls, quantity: DecimalInput, price: DecimalInput, fee: DecimalInput = "0",
        liquidity: Liquidity = Liquidity.TAKER,
    ) -> Result[Fill, DomainError]:
        """Parse and validate a fill, reporting every problem at once.

        >>> Fill.of("-0.5", "30000", "1.5").unwrap().quantity
        Decimal('-0.5')
        >>> Fill.of("0", "-1").failure().codes()
        ('fill.zero_quantity', 'numeric.not_positive')
        """
        q = parse_decimal(quantity, "quantity").bind(
            lambda d: Success(d) if d != 0 else Failure(DomainError.invalid(
                "fill.zero_quantity", "quantity: a fill must trade something")))
        side: Result[Liquidity, DomainError] = (
            Success(liquidity) if isinstance(liquidity, Liquidity) else Failure(
                DomainError.invalid("fill.liquidity", "liquidity: expected maker or taker")))
        return collect("fill.invalid", q, parse_positive(price, "price"),
                       parse_decimal(fee, "fee"), side).map(lambda v: cls(*v))

    @property
    def notional(self) -> Decimal:
        """``|quantity| * price`` in quote currency.

        >>> Fill(Decimal("-2"), Decimal("5")).notional
        Decimal('10')
        """
        return _mul(_abs(self.quantity), self.price)


@attrs.frozen
class FeeSchedule:
    """Maker and taker fee rates as fractions of notional (``0.0002`` = 2 bps).  A negative
    maker rate is a rebate."""

    maker_rate: Decimal
    taker_rate: Decimal

    @classmethod
    def of(cls, maker_rate: DecimalInput,
           taker_rate: DecimalInput) -> Result[FeeSchedule, DomainError]:
        """Parse rates; the maker rate must lie in ``(-1, 1)`` (negative: a rebate) and the
        taker rate in ``[0, 1)``.

        >>> FeeSchedule.of("0.0002", "0.0004").unwrap().taker_rate
        Decimal('0.0004')
        >>> FeeSchedule.of("0.0002", "-1").failure().code
        'fill.invalid_fee_schedule'
        """
        maker = parse_decimal(maker_rate, "maker_rate").bind(
            lambda d: Success(d) if -1 < d < 1 else Failure(DomainError.invalid(
                "fill.fee_rate", "maker_rate must be in (-1, 1)")))
        taker = parse_decimal(taker_rate, "taker_rate").bind(
            lambda d: Success(d) if 0 <= d < 1 else Failure(DomainError.invalid(
                "fill.fee_rate", "taker_rate must be in [0, 1)")))
        return collect("fill.invalid_fee_schedule", maker, taker).map(lambda v: cls(*v))

    def rate(self, liquidity: Liquidity) -> Decimal:
        """The rate that applies to ``liquidity``."""
        return self.maker_rate if liquidity is Liquidity.MAKER else self.taker_rate

    def fee(self, quantity: Decimal, price: Decimal, liquidity: Liquidity,
            increment: Decimal | None = None) -> Decimal:
        """``|quantity| * price * rate``; with ``increment`` (the quote currency's minor unit)
        rounded toward +infinity — up for a fee, toward zero for a rebate: the exchange's
        favour either way.

        >>> s = FeeSchedule(Decimal("-0.0001"), Decimal("0.0004"))
        >>> s.fee(Decimal("0.123"), Decimal("30000.1"), Liquidity.TAKER, Decimal("0.01"))
        Decimal('1.48')
        >>> s.fee(Decimal("0.123"), Decimal("30000.1"), Liquidity.MAKER, Decimal("0.01"))
        Decimal('-0.36')
        """
        amount = _mul(_mul(_abs(quantity), price), self.rate(liquidity))
        if increment is None:
            return amount
        return round_to_increment(amount, increment, Rounding.CEILING)

    def fill(self, quantity: Decimal, price: Decimal, liquidity: Liquidity,
             increment: Decimal | None = None) -> Fill:
        """A :class:`Fill` whose fee follows this schedule (see :meth:`fee`).

        >>> FeeSchedule(Decimal("0.0002"), Decimal("0.0004")).fill(
        ...     Decimal("1"), Decimal("100"), Liquidity.MAKER).fee
        Decimal('0.0200')
        """
        return Fill(quantity, price, self.fee(quantity, price, liquidity, increment), liquidity)


@attrs.frozen
class PositionState:
    """A position folded from fills.  ``cost_basis`` is ``quantity * average entry price``
    (same sign as ``quantity``; zero when flat).  ``fees_paid`` and ``funding_paid`` are
    positive when paid and negative when received; ``realized_pnl`` is price P&L only."""

    quantity: Decimal = ZERO
    cost_basis: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    fees_paid: Decimal = ZERO
    funding_paid: Decimal = ZERO

    FLAT: ClassVar[PositionState]

    @property
    def is_flat(self) -> bool:
        """No open quantity."""
        return self.quantity == 0

    @property
    def average_entry_price(self) -> Decimal:
        """``cost_basis / quantity`` without trailing zeros; ``0`` when flat.

        >>> PositionState(Decimal("-2"), Decimal("-301")).average_entry_price
        Decimal('150.5')
        """
        if self.quantity == 0:
            return ZERO
        return canonical(_div(self.cost_basis, self.quantity))

    @property
    def net_realized_pnl(self) -> Decimal:
        """Realized price P&L minus fees and funding paid."""
        return _sub(_sub(self.realized_pnl, self.fees_paid), self.funding_paid)

    def unrealized_pnl(self, mark_price: Decimal) -> Decimal:
        """``quantity * mark - cost_basis`` = ``quantity * (mark - average entry)``.

        >>> PositionState(Decimal("-2"), Decimal("-200")).unrealized_pnl(Decimal("90"))
        Decimal('20')
        """
        return _sub(_mul(self.quantity, mark_price), self.cost_basis)

    def total_pnl(self, mark_price: Decimal) -> Decimal:
        """Net realized plus unrealized P&L at ``mark_price`` (fees and funding deducted)."""
        return _add(self.net_realized_pnl, self.unrealized_pnl(mark_price))

    def roi_percent(self, mark_price: Decimal, leverage: Decimal = ONE) -> Maybe[Decimal]:
        """Return on the open position's initial margin, in percent (Binance's "ROI"):
        ``unrealized P&L / (|cost_basis| / leverage) * 100``.  ``Nothing`` when flat.

        >>> s = PositionState(Decimal("2"), Decimal("200"))
        >>> s.roi_percent(Decimal("105"), Decimal("10")).unwrap()  # 10 / (200 / 10) * 100
        Decimal('50.0')
        >>> PositionState.FLAT.roi_percent(Decimal("1"))
        <Nothing>
        """
        if self.quantity == 0:
            return Nothing
        margin = _div(_abs(self.cost_basis), leverage)
        return Some(_mul(_div(self.unrealized_pnl(mark_price), margin), _HUNDRED))

    def net_roi_percent(self, mark_price: Decimal, leverage: Decimal = ONE) -> Maybe[Decimal]:
        """Return on the open position's initial margin after every cost, in percent:
        :meth:`total_pnl` (realized, fees and funding included) ``/ (|cost_basis| / leverage)
        * 100``.  ``Nothing`` when flat.  Funding received raises it, funding paid lowers it.

        >>> s = PositionState(Decimal("2"), Decimal("200"), funding_paid=Decimal("1"))
        >>> s.net_roi_percent(Decimal("105"), Decimal("10")).unwrap()  # (10 - 1) / 20 * 100
        Decimal('45.00')
        """
        if self.quantity == 0:
            return Nothing
        margin = _div(_abs(self.cost_basis), leverage)
        return Some(_mul(_div(self.total_pnl(mark_price), margin), _HUNDRED))

    def break_even_price(self, exit_fee_rate: Decimal = ZERO) -> Maybe[Decimal]:
        """The mark at which closing everything, paying ``exit_fee_rate`` on the exit notional,
        leaves the state's total P&L (realized - fees - funding + close P&L - exit fee) at zero.

        Solves ``q*P - |q|*P*r = cost_basis - net_realized_pnl`` for ``P``.  ``Nothing`` when
        flat, or when no positive price breaks even (past profits already cover any exit).

        >>> s = PositionState(Decimal("2"), Decimal("200"), fees_paid=Decimal("0.0999"))
        >>> s.break_even_price(Decimal("0.0005")).unwrap()  # 200.0999 / (2 - 2 * 0.0005)
        Decimal('100.1')
        """
        if self.quantity == 0:
            return Nothing
        factor = _sub(self.quantity, _mul(_abs(self.quantity), exit_fee_rate))
        if factor == 0:
            return Nothing
        price = _div(_sub(self.cost_basis, self.net_realized_pnl), factor)
        return Some(price) if price > 0 else Nothing


PositionState.FLAT = PositionState()


def apply_fill(state: PositionState, fill: Fill) -> tuple[PositionState, Decimal]:
    """Fold one fill into ``state``: ``(new_state, realized price P&L of this fill)``.

    >>> from decimal import Decimal as D
    >>> s = PositionState(D("-2"), D("-200"))           # short 2 @ 100
    >>> s2, r = apply_fill(s, Fill(D("0.5"), D("90")))  # buy back 0.5: 0.5 * (100 - 90)
    >>> s2.quantity, s2.average_entry_price
    (Decimal('-1.5'), Decimal('100'))
    >>> r  # partial closes carry COST_PLACES decimal places
    Decimal('5.0000000000000000000000000000')
    """
    q = state.quantity
    fq = fill.quantity
    price = fill.price
    # `not x` and `is_signed()` are the cheap forms of `x == 0` and `x < 0` on this hot path
    fees = _add(state.fees_paid, fill.fee) if fill.fee else state.fees_paid
    if not q or q.is_signed() == fq.is_signed():
        cost = _add(state.cost_basis, _mul(fq, price))
        return (PositionState(_add(q, fq), cost, state.realized_pnl, fees, state.funding_paid),
                ZERO)
    remaining = _add(q, fq)
    if not remaining or remaining.is_signed() != q.is_signed():
        # Full close of q, and possibly an open of `remaining` at the fill price.
        realized = _sub(_mul(q, price), state.cost_basis)
        cost = _mul(remaining, price)
    else:
        # Partial close of -fq units (same sign as q).  `share` = cost_basis * fq / q is minus
        # the cost removed; half-even rounding is symmetric, so this equals rounding +removed.
        share = _div(_mul(state.cost_basis, fq), q).quantize(
            _COST_QUANTUM, rounding=ROUND_HALF_EVEN, context=CONTEXT)
        realized = _sub(share, _mul(fq, price))  # (-fq) * price - removed
        cost = _add(state.cost_basis, share)
    return (PositionState(remaining, cost, _add(state.realized_pnl, realized), fees,
                          state.funding_paid), realized)


def funding_payment(quantity: Decimal, mark_price: Decimal, funding_rate: Decimal) -> Decimal:
    """Funding the holder pays (positive) or receives (negative): ``quantity * mark * rate``.

    With a positive rate longs pay shorts (Binance USDⓈ-M: "funding amount = position
    notional * funding rate").

    >>> funding_payment(Decimal("2"), Decimal("100"), Decimal("0.0001"))
    Decimal('0.0200')
    >>> funding_payment(Decimal("-2"), Decimal("100"), Decimal("0.0001"))
    Decimal('-0.0200')
    """
    return _mul(_mul(quantity, mark_price), funding_rate)


def apply_funding(state: PositionState, payment: Decimal) -> PositionState:
    """Record a funding payment (positive = paid); price P&L is untouched.

    >>> apply_funding(PositionState.FLAT, Decimal("0.5")).funding_paid
    Decimal('0.5')
    """
    return PositionState(state.quantity, state.cost_basis, state.realized_pnl, state.fees_paid,
                         _add(state.funding_paid, payment))


def position_from_fills(fills: Iterable[Fill],
                        start: PositionState = PositionState.FLAT) -> PositionState:
    """Left-fold ``fills`` into a state with :func:`apply_fill`.

    >>> from decimal import Decimal as D
    >>> s = position_from_fills([Fill(D("1"), D("100")), Fill(D("1"), D("110"))])
    >>> s.quantity, s.average_entry_price
    (Decimal('2'), Decimal('105'))
    """
    state = start
    for fill in fills:
        state = apply_fill(state, fill)[0]
    return state
