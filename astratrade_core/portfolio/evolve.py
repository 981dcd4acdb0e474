"""State as a left fold over events: ``evolve(state, event)`` and the fast ``replay``.

There is one implementation: :func:`replay` thaws the state into local dicts, applies every
event with in-place updates (no per-event persistent-map copies), and freezes the result
once; :func:`evolve` is ``replay`` of a single event.  Hence replaying everything equals
replaying a snapshot plus the tail, and equals ``functools.reduce(evolve, events, state)``
(all three are property-tested).

Per event (``cur`` = the event's currency or quote currency):

* ``FundsDeposited`` / ``FundsWithdrawn``: cash and ``deposited`` / ``withdrawn``.
* ``FeeCharged``: cash down, ``fees_paid`` up (not part of the day's trading P&L).
* ``TradeExecuted`` / ``PositionLiquidated``: the fill goes through
  :func:`~astratrade_core.trading.fills.apply_fill`; cash moves by ``realized - fee``
  (realized P&L :func:`booked <book>` at 28 fractional digits); the
  price becomes the symbol's mark; the time joins ``recent_trades`` (times within 24 h of
  the latest, grouped by UTC hour so a trade copies only its own hour; a trade earlier than
  the latest waits and is merged into its hour once, when the fold freezes its result, so
  out-of-order history folds as fast as ordered history).
* ``PositionClosed``: the (flat) position is dropped; its totals stay in the ledger.
* ``FundingApplied``: :func:`~astratrade_core.trading.fills.apply_funding`; cash down by
  the payment; its ``mark_price`` becomes the symbol's mark.
* ``PriceMarked``: the symbol's mark.
* ``PositionModeChanged``: the account's position mode.

Inverse (coin-margined) events -- those with a ``contract_size`` -- act on the inverse leg
instead (:attr:`~astratrade_core.portfolio.state.PortfolioState.inverse`), in the coin the event
names: a fill goes through :func:`book_inverse_fill` (harmonic average entry; realized P&L in
coin booked like a linear one) in :func:`_inverse_fill`, funding adds to the leg's
``funding_paid``, ``PositionClosed`` drops the inverse leg; cash, ledger, mark, today's P&L and
``recent_trades`` move exactly as for a linear event, in the coin.  (A fast fold may hand every
event with a ``contract_size`` to this reference path.)

Events that touch a position act on the leg ``(symbol, position_side)``: ``"both"`` in
one-way mode, ``"long"`` or ``"short"`` in hedge mode; both legs share the symbol's mark.
* ``RiskLimitHit`` and events of other domains leave the portfolio unchanged.

>>> from datetime import UTC, datetime
>>> from decimal import Decimal as D
>>> from astratrade_core.events.trading import FundsDeposited, TradeExecuted
>>> t = datetime(2026, 1, 1, tzinfo=UTC)
>>> s = replay([
...     FundsDeposited(event_id="1", stream_id="a", occurred_at=t, currency="USD",
...                    amount=D("1000")),
...     TradeExecuted(event_id="2", stream_id="a", occurred_at=t, symbol="BTCUSD",
...                   quote_currency="USD", quantity=D("0.1"), price=D("30000"), fee=D("1.5"),
...                   liquidity="taker", realized_pnl=D("0"))])
>>> s.cash_of("USD"), s.position("BTCUSD").quantity, s.equity("USD")
(Decimal('998.5'), Decimal('0.1'), Decimal('998.5'))
"""

from __future__ import annotations

from collections.abc import Iterable, Sized
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Final

import attrs
from pyrsistent import pmap
from pyrsistent.typing import PMap

from astratrade_core.events.envelope import Event
from astratrade_core.events.trading import (
    FeeCharged,
    FundingApplied,
    FundsDeposited,
    FundsWithdrawn,
    PositionClosed,
    PositionLiquidated,
    PositionModeChanged,
    PriceMarked,
    TradeExecuted,
)
from astratrade_core.numeric import CONTEXT, MAX_FRACTION_DIGITS, ONE, ZERO
from astratrade_core.portfolio.clock import (
    NEVER,
    TRADE_MEMORY,
    day_bounds,
    open_hours,
    place_time,
    recent_times,
    utc_day,
)
from astratrade_core.portfolio.fold import fold_exact
from astratrade_core.portfolio.state import (
    Holding,
    InverseHolding,
    Ledger,
    PortfolioState,
    PositionKey,
)
from astratrade_core.trading.fills import Fill, PositionState, apply_fill, apply_funding
from astratrade_core.trading.inverse import InverseState, apply_inverse_fill
from astratrade_core.trading.orders import PositionMode, PositionSide

__all__ = ["BOOKING_PLACES", "SHORT_FOLD", "TRADE_MEMORY", "book", "book_inverse_fill",
           "evolve", "replay", "replay_decimal", "utc_day"]

#: Amounts are booked with at most this many fractional digits (the parse bound), so every
#: sum of booked amounts is exact under CONTEXT and cash reconciles with the ledger exactly.
BOOKING_PLACES: Final = MAX_FRACTION_DIGITS
_BOOKING_UNIT: Final = ONE.scaleb(-BOOKING_PLACES, CONTEXT)
#: Sequences shorter than this are folded by :func:`replay_decimal` directly.
SHORT_FOLD: Final = 32

_add = CONTEXT.add
_sub = CONTEXT.subtract
_FLAT = PositionState.FLAT
_UNSEEN = PositionState(quantity=ONE)  # a sentinel, compared by identity
# Ledger slots in the mutable form used inside the fold.
_DEP, _WDR, _PNL, _FEE, _FUND = range(5)
# An event's position_side (a str) as the PositionSide keying the positions.
_SIDE: Final = {side.value: side for side in PositionSide}


def book(amount: Decimal) -> Decimal:
    """``amount`` as booked: rounded half-even to :data:`BOOKING_PLACES` fractional digits
    when it has more (a partial close's P&L is a division; funding is a triple product),
    otherwise unchanged (its exponent included).

    >>> book(Decimal("12.50"))
    Decimal('12.50')
    >>> book(CONTEXT.divide(Decimal(1), Decimal(3)))
    Decimal('0.3333333333333333333333333333')
    """
    rounded = amount.quantize(_BOOKING_UNIT, ROUND_HALF_EVEN, CONTEXT)
    return amount if rounded == amount else rounded


def book_inverse_fill(state: InverseState, fill: Fill) -> tuple[InverseState, Decimal]:
    """:func:`~astratrade_core.trading.inverse.apply_inverse_fill` with the realized P&L
    :func:`booked <book>` (a division by two prices: usually 120 digits), the state's
    ``realized_pnl`` accumulating the booked amount so the leg's totals reconcile with the
    ledger exactly.

    >>> s = InverseState(Decimal("100"), Decimal("3"), Decimal("30000"))
    >>> s, r = book_inverse_fill(s, Fill(Decimal("-3"), Decimal("70000")))  # 300 * 4 / 2100000
    >>> r, s.realized_pnl == r, s.contracts
    (Decimal('0.0057142857142857142857142857'), True, Decimal('0'))
    """
    after, realized = apply_inverse_fill(state, fill)
    booked = book(realized)
    if booked is realized:
        return after, realized
    return attrs.evolve(after, realized_pnl=_add(state.realized_pnl, booked)), booked


_Ledgers = dict[str, list[Decimal]]


class _Positions:
    """Positions touched by a fold, over the untouched persistent map (so folding one event
    costs O(1) map updates, not a copy of every position).  Keyed by ``(symbol, leg)``."""

    __slots__ = ("base", "quotes", "touched")

    def __init__(self, base: PMap[PositionKey, Holding]) -> None:
        self.base = base
        self.touched: dict[PositionKey, PositionState | None] = {}  # None = closed
        self.quotes: dict[PositionKey, str] = {}

    def get(self, key: PositionKey, quote: str) -> PositionState:
        """The current fills of leg ``key`` (flat if none; then quoted in ``quote``)."""
        found = self.touched.get(key, _UNSEEN)
        if found is _UNSEEN:
            held = self.base.get(key)
            if held is not None:
                self.quotes[key] = held.quote_currency
                return held.fills
            found = None
        if found is None:
            self.quotes[key] = quote
            return _FLAT
        return found

    def freeze(self) -> PMap[PositionKey, Holding]:
        if not self.touched:
            return self.base
        changed = self.base.evolver()
        for key, fills in self.touched.items():
            if fills is not None:
                changed[key] = Holding(key[0], self.quotes[key], fills, key[1])
            elif key in self.base:
                changed.remove(key)
        return changed.persistent()


_Inverse = dict[PositionKey, InverseHolding]


def _inverse_fill(event: TradeExecuted | PositionLiquidated, size: Decimal, *,
                  inverse: _Inverse, cash: dict[str, Decimal], ledgers: _Ledgers,
                  marks: dict[str, Decimal]) -> tuple[str, Decimal]:
    """Fold an inverse fill (``size`` its contract size) into its leg, the coin's cash and
    ledger and the mark; returns the coin and the fill's net cash move (realized - fee)."""
    coin, fee, symbol = event.quote_currency, event.fee, event.symbol
    key = (symbol, _SIDE[event.position_side])
    held = inverse.get(key)
    before = InverseState(size) if held is None else held.fills
    after, realized = book_inverse_fill(before, Fill(event.quantity, event.price, fee))
    inverse[key] = InverseHolding(symbol, coin, after, key[1])
    marks[symbol] = event.price
    net = _sub(realized, fee)
    cash[coin] = _add(cash.get(coin, ZERO), net)
    ledger = ledgers.setdefault(coin, [ZERO] * 5)
    ledger[_PNL] = _add(ledger[_PNL], realized)
    ledger[_FEE] = _add(ledger[_FEE], fee)
    return coin, net


def _inverse_funding(event: FundingApplied, size: Decimal, inverse: _Inverse) -> None:
    key = (event.symbol, _SIDE[event.position_side])
    held = inverse.get(key)
    fills = InverseState(size) if held is None else held.fills
    inverse[key] = InverseHolding(event.symbol, event.quote_currency, attrs.evolve(
        fills, funding_paid=_add(fills.funding_paid, event.payment)), key[1])


def _funding(event: FundingApplied, *, positions: _Positions, inverse: _Inverse | None,
             marks: dict[str, Decimal], cash: dict[str, Decimal], ledgers: _Ledgers,
             day: date | None,
             day_pnl: dict[str, Decimal]) -> tuple[date, dict[str, Decimal]]:
    cur, payment, symbol = event.quote_currency, event.payment, event.symbol
    if event.contract_size is not None and inverse is not None:
        _inverse_funding(event, event.contract_size, inverse)
    else:
        key = (symbol, _SIDE[event.position_side])
        positions.touched[key] = apply_funding(positions.get(key, cur), payment)
    marks[symbol] = event.mark_price
    cash[cur] = _sub(cash.get(cur, ZERO), payment)
    ledger = ledgers.setdefault(cur, [ZERO] * 5)
    ledger[_FUND] = _add(ledger[_FUND], payment)
    today = utc_day(event.occurred_at)
    if today != day:
        day_pnl = {}  # the fold recomputes its day bounds from the returned day
    day_pnl[cur] = _sub(day_pnl.get(cur, ZERO), payment)
    return today, day_pnl


def _money(event: FundsDeposited | FundsWithdrawn | FeeCharged, cash: dict[str, Decimal],
           ledgers: _Ledgers) -> None:
    cur, amount = event.currency, event.amount
    ledger = ledgers.setdefault(cur, [ZERO] * 5)
    if isinstance(event, FundsDeposited):
        cash[cur] = _add(cash.get(cur, ZERO), amount)
        ledger[_DEP] = _add(ledger[_DEP], amount)
    else:
        cash[cur] = _sub(cash.get(cur, ZERO), amount)
        slot = _WDR if isinstance(event, FundsWithdrawn) else _FEE
        ledger[slot] = _add(ledger[slot], amount)


_book = book
_FILLS: Final = (TradeExecuted, PositionLiquidated)


def evolve(state: PortfolioState, event: Event) -> PortfolioState:
    """The state after one event (see the module docstring for what each event does).

    >>> from datetime import UTC
    >>> from astratrade_core.events.trading import PriceMarked
    >>> e = PriceMarked(event_id="1", stream_id="a", symbol="ETHUSD", price=Decimal("2000"),
    ...                 occurred_at=datetime(2026, 1, 1, tzinfo=UTC))
    >>> evolve(PortfolioState.EMPTY, e).mark("ETHUSD")
    Decimal('2000')
    """
    return replay((event,), state)


def replay(events: Iterable[Event],
           state: PortfolioState = PortfolioState.EMPTY) -> PortfolioState:
    """Fold ``events`` into ``state`` (default: empty), in order.

    Exactly :func:`replay_decimal`'s result, every ``Decimal``'s digits and exponent
    included, computed by the integer fold (:func:`~astratrade_core.portfolio.fold.fold_exact`)
    for every event it can prove exact and by :func:`replay_decimal` for the others.  A
    sequence of fewer than :data:`SHORT_FOLD` events goes straight to :func:`replay_decimal`
    (thawing into integers and freezing back costs more than it saves there).

    >>> from astratrade_core.events.trading import FundsDeposited, FundsWithdrawn
    >>> from datetime import UTC
    >>> t = datetime(2026, 1, 1, tzinfo=UTC)
    >>> s = replay([FundsDeposited(event_id="1", stream_id="a", occurred_at=t, currency="EUR",
    ...                            amount=Decimal("50")),
    ...             FundsWithdrawn(event_id="2", stream_id="a", occurred_at=t, currency="EUR",
    ...                            amount=Decimal("20.5"))])
    >>> s.cash_of("EUR"), s.ledger("EUR").withdrawn
    (Decimal('29.5'), Decimal('20.5'))
    """
    if isinstance(events, Sized) and len(events) < SHORT_FOLD:
        return replay_decimal(events, state)
    remaining = iter(events)
    while True:
        state, pending = fold_exact(remaining, state)
        if pending is None:
            return state
        state = replay_decimal((pending,), state)


def replay_decimal(events: Iterable[Event],  # noqa: PLR0915 - one loop, every kind inline
                   state: PortfolioState = PortfolioState.EMPTY) -> PortfolioState:
    """The reference fold: ``events`` folded into ``state`` in ``Decimal`` arithmetic, one
    event at a time (see the module docstring for what each event does).

    >>> from astratrade_core.events.trading import FundsDeposited
    >>> from datetime import UTC
    >>> t = datetime(2026, 1, 1, tzinfo=UTC)
    >>> replay_decimal([FundsDeposited(event_id="1", stream_id="a", occurred_at=t,
    ...                                currency="EUR", amount=Decimal("50"))]).cash_of("EUR")
    Decimal('50')
    """
    cash = dict(state.cash)
    ledgers = {c: [g.deposited, g.withdrawn, g.realized_pnl, g.fees_paid, g.funding_paid]
               for c, g in state.ledgers.items()}
    positions = _Positions(state.positions)
    touched = positions.touched  # bound once: the hot loop reads it per event
    marks: dict[str, Decimal] = {}  # changed marks only
    day, day_pnl, (day_start, day_end) = state.day, dict(state.day_pnl), day_bounds(state.day)
    # Recent trade times, thawed on the first trade: older hours, the latest hour (mutable;
    # None while untouched) and its end; times earlier than the latest wait in `late` and
    # are merged once, when the state is frozen.
    hours: list[tuple[datetime, ...]] = []
    current: list[datetime] | None = None
    hour_end = NEVER
    late: list[datetime] = []
    # Hot-loop locals (LOAD_FAST instead of global lookups).
    add, sub, booked, fold_fill, new_fill, fills_types = _add, _sub, _book, apply_fill, Fill, _FILLS
    sides, mode = _SIDE, state.mode
    inverse: _Inverse | None = None  # the inverse legs, thawed on the first inverse event

    for event in events:
        if isinstance(event, fills_types):
            if event.contract_size is not None:
                if inverse is None:
                    inverse = dict(state.inverse)
                cur, net = _inverse_fill(event, event.contract_size, inverse=inverse,
                                         cash=cash, ledgers=ledgers, marks=marks)
            else:
                symbol, cur, fee = event.symbol, event.quote_currency, event.fee
                key = (symbol, sides[event.position_side])
                before = touched.get(key)
                if before is None:
                    before = positions.get(key, cur)
                after, realized = fold_fill(before, new_fill(event.quantity, event.price, fee))
                if realized:
                    realized = booked(realized)
                touched[key] = after
                marks[symbol] = event.price
                net = sub(realized, fee)
                cash[cur] = add(cash.get(cur, ZERO), net)
                ledger = ledgers.get(cur)
                if ledger is None:
                    ledger = ledgers[cur] = [ZERO] * 5
                ledger[_PNL] = add(ledger[_PNL], realized)
                ledger[_FEE] = add(ledger[_FEE], fee)
            moment = event.occurred_at
            if not day_start <= moment < day_end:  # a new UTC day: today's P&L restarts
                day, day_pnl = utc_day(moment), {}
                day_start, day_end = day_bounds(day)
            day_pnl[cur] = add(day_pnl.get(cur, ZERO), net)
            if current is None:
                hours, current, hour_end = open_hours(state.recent_trades)
            if current and hour_end > moment >= current[-1]:
                current.append(moment)
            else:  # a new UTC hour, or a trade out of time order
                current, hour_end = place_time(hours, current, late, moment, hour_end)
        elif isinstance(event, PriceMarked):
            marks[event.symbol] = event.price
        elif isinstance(event, FundingApplied):
            if event.contract_size is not None and inverse is None:
                inverse = dict(state.inverse)
            day, day_pnl = _funding(event, positions=positions, inverse=inverse, marks=marks,
                                    cash=cash, ledgers=ledgers, day=day, day_pnl=day_pnl)
            day_start, day_end = day_bounds(day)
        elif isinstance(event, PositionClosed):
            key = (event.symbol, sides[event.position_side])
            if event.contract_size is not None:
                if inverse is None:
                    inverse = dict(state.inverse)
                inverse.pop(key, None)
            else:
                touched[key] = None
                positions.quotes.pop(key, None)
        elif isinstance(event, FundsDeposited | FundsWithdrawn | FeeCharged):
            _money(event, cash, ledgers)
        elif isinstance(event, PositionModeChanged):
            mode = PositionMode(event.mode)

    recent = state.recent_trades if current is None else recent_times(hours, current, late)
    return PortfolioState(
        cash=pmap(cash),
        ledgers=pmap({c: Ledger(*g) for c, g in ledgers.items()}),
        positions=positions.freeze(),
        marks=state.marks.update(marks) if marks else state.marks,
        day=day,
        day_pnl=pmap(day_pnl),
        recent_trades=recent,
        mode=mode,
        inverse=state.inverse if inverse is None else pmap(inverse),
    )
