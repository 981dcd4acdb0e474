"""The portfolio's state: cash and cumulative ledger per currency, open positions, marks,
today's P&L, the last day of trade times and the position mode.  Built only by
:func:`~astratrade_core.portfolio.evolve.evolve` / :func:`~astratrade_core.portfolio.evolve.replay`.

Positions are keyed by ``(symbol, leg)``: the leg is
:attr:`~astratrade_core.trading.orders.PositionSide.BOTH` in one-way mode (one net position
per symbol) and ``LONG`` or ``SHORT`` in hedge mode, where a symbol may hold both legs at once.
Both legs share the symbol's mark; unrealized P&L, equity, gross notional and the count of open
positions add them up leg by leg.

Inverse (coin-margined) positions live apart, in ``inverse``, keyed the same way: an
:class:`InverseHolding` folds its fills with
:func:`~astratrade_core.trading.inverse.apply_inverse_fill` (contracts, harmonic average entry,
amounts in the base coin) and settles in that coin.  Per-currency views count them in the coin:
unrealized P&L ``contracts * size * (1/entry - 1/mark)`` and value ``|contracts| * size /
mark``.  Coin and quote amounts are never added together (each currency's equity is its own).

The account is margined: positions settle in their quote currency, so cash moves only by
deposits, withdrawals, realized P&L, fees and funding.  Hence, per currency, exactly::

    cash == deposited - withdrawn + realized_pnl - fees_paid - funding_paid
    equity == cash + unrealized_pnl          (unrealized at the last mark of each symbol)

>>> PortfolioState.EMPTY.equity("USD"), PortfolioState.EMPTY.open_positions()
(Decimal('0'), 0)
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import chain, groupby
from typing import ClassVar

import attrs
from pyrsistent import pmap
from pyrsistent.typing import PMap

from astratrade_core.numeric import CONTEXT, ZERO
from astratrade_core.trading.fills import PositionState
from astratrade_core.trading.inverse import InverseState
from astratrade_core.trading.orders import PositionMode, PositionSide

__all__ = ["Holding", "InverseHolding", "Ledger", "PortfolioState", "PositionKey", "TradeTimes",
           "hour_start"]

#: How positions are keyed: ``(symbol, leg)``.
PositionKey = tuple[str, PositionSide]

_add = CONTEXT.add
_sub = CONTEXT.subtract
_mul = CONTEXT.multiply
_abs = CONTEXT.abs
_div = CONTEXT.divide


@attrs.frozen
class Ledger:
    """Cumulative flows of one currency since the account opened (fees and funding
    positive when paid)."""

    deposited: Decimal = ZERO
    withdrawn: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    fees_paid: Decimal = ZERO
    funding_paid: Decimal = ZERO

    EMPTY: ClassVar[Ledger]

    @property
    def expected_cash(self) -> Decimal:
        """``deposited - withdrawn + realized_pnl - fees_paid - funding_paid``.

        >>> from decimal import Decimal as D
        >>> Ledger(D("100"), D("10"), D("5"), D("1"), D("0.5")).expected_cash
        Decimal('93.5')
        """
        return _sub(_sub(_add(_sub(self.deposited, self.withdrawn), self.realized_pnl),
                         self.fees_paid), self.funding_paid)


Ledger.EMPTY = Ledger()


def hour_start(moment: datetime) -> datetime:
    """The start of ``moment``'s UTC hour (an aware datetime in UTC).

    >>> from datetime import timedelta, timezone
    >>> hour_start(datetime(2026, 1, 1, 9, 45, tzinfo=timezone(timedelta(hours=5, minutes=30))))
    datetime.datetime(2026, 1, 1, 4, 0, tzinfo=datetime.timezone.utc)
    """
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


@attrs.frozen
class TradeTimes:
    """Execution times, sorted, grouped into one non-empty tuple per UTC hour.

    The grouping is canonical (equal sets of times give equal values) and lets a fold add a
    trade by copying only the current hour.

    >>> t = datetime(2026, 1, 1, 9, 59, tzinfo=UTC)
    >>> times = TradeTimes.of([t, t.replace(hour=10), t.replace(hour=10, minute=30)])
    >>> len(times.hours), len(times), times.count_after(t)
    (2, 3, 2)
    """

    hours: tuple[tuple[datetime, ...], ...] = ()

    EMPTY: ClassVar[TradeTimes]

    @classmethod
    def of(cls, times: Iterable[datetime]) -> TradeTimes:
        """Sort and group any times."""
        return cls(tuple(tuple(group) for _, group in groupby(sorted(times), key=hour_start)))

    def __len__(self) -> int:
        return sum(len(hour) for hour in self.hours)

    def __iter__(self) -> Iterator[datetime]:
        return chain.from_iterable(self.hours)

    def count_after(self, since: datetime) -> int:
        """How many times are strictly after ``since``."""
        total = 0
        for hour in reversed(self.hours):
            if hour[0] > since:
                total += len(hour)
                continue
            return total + len(hour) - bisect_right(hour, since)
        return total


TradeTimes.EMPTY = TradeTimes()


@attrs.frozen
class Holding:
    """The portfolio's open (or just-flattened, until its ``PositionClosed``) position in
    ``symbol`` on leg ``side``: its quote currency and its ``fills``, the
    :class:`~astratrade_core.trading.fills.PositionState` folded with
    :func:`~astratrade_core.trading.fills.apply_fill`.  (A position as a trader states it to
    a calculator - quantity, entry and mark - is :class:`astratrade_core.trading.Position`.)"""

    symbol: str
    quote_currency: str
    fills: PositionState
    side: PositionSide = PositionSide.BOTH

    @property
    def key(self) -> PositionKey:
        """``(symbol, side)``, the key of :attr:`PortfolioState.positions`."""
        return (self.symbol, self.side)


@attrs.frozen
class InverseHolding:
    """An open inverse (coin-margined) position in ``symbol`` on leg ``side``: the ``coin`` it
    settles in (its P&L, fees and funding) and its ``fills``, the
    :class:`~astratrade_core.trading.inverse.InverseState` folded with
    :func:`~astratrade_core.trading.inverse.apply_inverse_fill` (signed contracts, harmonic
    average entry, the instrument's contract size)."""

    symbol: str
    coin: str
    fills: InverseState
    side: PositionSide = PositionSide.BOTH

    @property
    def key(self) -> PositionKey:
        """``(symbol, side)``, the key of :attr:`PortfolioState.inverse`."""
        return (self.symbol, self.side)

    def value(self, mark: Decimal) -> Decimal:
        """``|contracts| * contract_size / mark`` in coin (``0`` flat).

        >>> from decimal import Decimal as D
        >>> InverseHolding("BTCUSD_PERP", "BTC", InverseState(D("100"), D("-3"), D("1"))).value(
        ...     D("40000"))
        Decimal('0.0075')
        """
        fills = self.fills
        return _div(_mul(_abs(fills.contracts), fills.contract_size), mark)


@attrs.frozen(kw_only=True)
class PortfolioState:
    """Everything ``decide`` needs, as pyrsistent maps of frozen values.

    ``positions`` are keyed by ``(symbol, leg)`` (:data:`PositionKey`); ``day`` is the UTC
    date of the latest P&L event and ``day_pnl`` the net realized P&L (realized - trade fees -
    funding) per currency on that day; ``recent_trades`` holds the execution times within 24
    hours of the latest one, sorted; ``mode`` is one-way or hedge; ``inverse`` holds the
    inverse (coin-margined) legs, keyed like ``positions``."""

    cash: PMap[str, Decimal] = attrs.field(factory=pmap)
    ledgers: PMap[str, Ledger] = attrs.field(factory=pmap)
    positions: PMap[PositionKey, Holding] = attrs.field(factory=pmap)
    marks: PMap[str, Decimal] = attrs.field(factory=pmap)
    day: date | None = None
    day_pnl: PMap[str, Decimal] = attrs.field(factory=pmap)
    recent_trades: TradeTimes = TradeTimes.EMPTY
    mode: PositionMode = PositionMode.ONE_WAY
    inverse: PMap[PositionKey, InverseHolding] = attrs.field(factory=pmap)

    EMPTY: ClassVar[PortfolioState]

    def cash_of(self, currency: str) -> Decimal:
        """Cash in ``currency`` (``0`` if never touched)."""
        return self.cash.get(currency, ZERO)

    def ledger(self, currency: str) -> Ledger:
        """The cumulative ledger of ``currency``."""
        return self.ledgers.get(currency, Ledger.EMPTY)

    def position(self, symbol: str, side: PositionSide = PositionSide.BOTH) -> PositionState:
        """The fill state of ``symbol``'s leg ``side`` (flat when there is none)."""
        found = self.positions.get((symbol, side))
        return PositionState.FLAT if found is None else found.fills

    def legs(self, symbol: str) -> tuple[Holding, ...]:
        """The open legs of ``symbol``: one in one-way mode, up to two in hedge mode (long
        first).

        >>> from decimal import Decimal as D
        >>> long = Holding("X", "USD", PositionState(D("1"), D("10")), PositionSide.LONG)
        >>> short = Holding("X", "USD", PositionState(D("-2"), D("-22")), PositionSide.SHORT)
        >>> s = PortfolioState(positions=pmap({h.key: h for h in (short, long)}),
        ...                    marks=pmap({"X": D("11")}), mode=PositionMode.HEDGE)
        >>> [h.side.value for h in s.legs("X")], s.open_positions(), s.gross_notional("USD")
        (['long', 'short'], 2, Decimal('33'))
        >>> s.unrealized_pnl("USD")          # the long gains 1, the short 0: both legs count
        Decimal('1')
        """
        return tuple(held for side in _LEG_ORDER
                     if (held := self.positions.get((symbol, side))) is not None
                     and held.fills.quantity != 0)

    def inverse_position(self, symbol: str,
                         side: PositionSide = PositionSide.BOTH) -> InverseState | None:
        """The fill state of ``symbol``'s inverse leg ``side`` (``None`` when there is none).

        >>> PortfolioState.EMPTY.inverse_position("BTCUSD_PERP") is None
        True
        """
        found = self.inverse.get((symbol, side))
        return None if found is None else found.fills

    def inverse_legs(self, symbol: str) -> tuple[InverseHolding, ...]:
        """The open inverse legs of ``symbol`` (long first, as :meth:`legs`)."""
        return tuple(held for side in _LEG_ORDER
                     if (held := self.inverse.get((symbol, side))) is not None
                     and held.fills.contracts != 0)

    def mark(self, symbol: str) -> Decimal | None:
        """The last mark (or trade price) of ``symbol``, if any."""
        return self.marks.get(symbol)

    def unrealized_pnl(self, currency: str) -> Decimal:
        """Unrealized P&L at the marks of all positions quoted in ``currency`` and of the
        inverse positions settled in it (their coin).

        >>> from decimal import Decimal as D
        >>> held = InverseHolding("BTCUSD_PERP", "BTC", InverseState(D("100"), D("2"),
        ...                                                          D("40000")))
        >>> s = PortfolioState(inverse=pmap({held.key: held}),
        ...                    marks=pmap({"BTCUSD_PERP": D("50000")}))
        >>> s.unrealized_pnl("BTC"), s.unrealized_pnl("USD"), s.gross_notional("BTC")
        (Decimal('0.001'), Decimal('0'), Decimal('0.004'))
        """
        total = ZERO
        for p in self.positions.values():
            if p.quote_currency == currency and p.fills.quantity != 0:
                total = _add(total, p.fills.unrealized_pnl(self.marks[p.symbol]))
        for q in self.inverse.values():
            if q.coin == currency and q.fills.contracts != 0:
                total = _add(total, q.fills.unrealized_pnl(self.marks[q.symbol]))
        return total

    def equity(self, currency: str) -> Decimal:
        """``cash + unrealized P&L`` in ``currency``.

        >>> from decimal import Decimal as D
        >>> s = PortfolioState(cash=pmap({"USD": D("100")}), marks=pmap({"X": D("12")}),
        ...                    positions=pmap({("X", PositionSide.BOTH): Holding("X", "USD",
        ...                                                  PositionState(D("2"), D("20")))}))
        >>> s.equity("USD"), s.unrealized_pnl("USD"), s.gross_notional("USD")  # 2 * (12 - 10)
        (Decimal('104'), Decimal('4'), Decimal('24'))
        """
        return _add(self.cash_of(currency), self.unrealized_pnl(currency))

    def gross_notional(self, currency: str) -> Decimal:
        """``sum |quantity| * mark`` over positions quoted in ``currency``, plus
        ``|contracts| * size / mark`` over inverse positions settled in it."""
        total = ZERO
        for p in self.positions.values():
            if p.quote_currency == currency:
                total = _add(total, _mul(_abs(p.fills.quantity), self.marks[p.symbol]))
        for q in self.inverse.values():
            if q.coin == currency:
                total = _add(total, q.value(self.marks[q.symbol]))
        return total

    def open_positions(self) -> int:
        """How many positions (legs, linear and inverse) are not flat, across currencies."""
        return sum(1 for p in self.positions.values() if p.fills.quantity != 0) + sum(
            1 for q in self.inverse.values() if q.fills.contracts != 0)

    def currencies(self) -> frozenset[str]:
        """Every currency with cash, a ledger or a position."""
        return frozenset(self.cash) | frozenset(self.ledgers) | frozenset(
            p.quote_currency for p in self.positions.values()) | frozenset(
            q.coin for q in self.inverse.values())


PortfolioState.EMPTY = PortfolioState()
_LEG_ORDER = (PositionSide.BOTH, PositionSide.LONG, PositionSide.SHORT)
