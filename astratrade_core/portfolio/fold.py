"""The portfolio's exact integer fold: :func:`~astratrade_core.portfolio.evolve.replay` on
scaled Python integers.

The reference fold (:func:`~astratrade_core.portfolio.evolve.replay_decimal`) computes in
``Decimal`` under :data:`~astratrade_core.numeric.CONTEXT`.  Every value it stores is a sum of
event amounts, of products of a quantity and a price, and of partial-close shares rounded to
28 places, so this fold keeps each value as an integer count of units plus the exponent the
``Decimal`` would carry, in mutable lists, and builds the frozen
:class:`~astratrade_core.portfolio.state.PortfolioState` once, at the end:

* quantities and prices count units of ``1e-14`` (``_QS``), money amounts (cost basis,
  realized P&L, fees, funding, cash, ledgers, today's P&L) units of ``1e-28`` (``_MS``), so a
  quantity times a price is a money amount with no rescaling, and booking realized P&L at 28
  places (:func:`~astratrade_core.portfolio.evolve.book`) never rounds;
* exponents follow ``Decimal``: a sum takes the smaller one, a product their sum, a quantized
  share ``-28``; a result is rebuilt as ``Decimal(coefficient).scaleb(exponent)``, the same
  sign, digits and exponent ``replay_decimal`` gives (``tests/core/portfolio/test_fold.py``
  compares ``as_tuple()`` of every value on generated streams: hedge legs, funding, closes,
  equal values with other exponents, zeros, out-of-order times, snapshots);
* cash is not summed per event: it is the opening cash plus the ledger's flows, and today's
  P&L the flows since the day began (integer sums are associative; the exponents are the
  minimum over the same contributions);
* the partial close's share ``cost_basis * closed / quantity`` is an integer division
  rounded half-even at ``1e-28``, as ``quantize`` rounds it.  ``Decimal`` first rounds the
  quotient to 120 digits, which can only matter when the exact remainder lies within
  ``1e-28`` of a unit of a tie (possible only for quantities above ``1e14``); that event is
  left to the reference fold.

The fold handles an event only when it can prove the result exact: every input finite, not a
negative zero, prices positive, at most 14 (quantities, prices) or 28 (money) fractional
digits, below ``1e24`` (values of the starting state: ``1e60``) in magnitude, and a partial
close's product within 120 digits.  Every stored value then stays within ``CONTEXT``'s 120
digits for any stream shorter than ``1e13`` events, so no ``Decimal`` operation of the
reference would have rounded.  At the first event it cannot prove, it freezes what it has and
returns that event; :func:`~astratrade_core.portfolio.evolve.replay` folds it with the
reference and resumes here (a left fold: the state so far, then the rest).

Conversions of event values are cached per value (``Decimal`` equality ignores the exponent
and the sign of zero, so a hit that is not the same object also checks ``same_quantum`` and
the sign): prices, quantities and fees repeat across a stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Final

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
from astratrade_core.numeric import CONTEXT, ZERO
from astratrade_core.portfolio.clock import (
    NEVER,
    day_bounds,
    open_hours,
    place_time,
    recent_times,
    utc_day,
)
from astratrade_core.portfolio.state import (
    Holding,
    Ledger,
    PortfolioState,
    TradeTimes,
)
from astratrade_core.trading.fills import COST_PLACES, PositionState
from astratrade_core.trading.orders import PositionMode, PositionSide

__all__ = ["fold_exact"]

_MS: Final = COST_PLACES  # money: units of 1e-28, the partial close's and booking's places
_QS: Final = _MS // 2  # quantities and prices: units of 1e-14 (their product: money)
_POW10: Final = tuple(10**n for n in range(400))
_INPUT_LIMIT: Final = 24  # event values: below 1e24
_STATE_LIMIT: Final = 60  # values of the starting state: below 1e60
_PRODUCT_DIGITS: Final = 120 + _MS + _QS  # bound of cost * closed, in units of 1e-42
_GUARD: Final = 10**_MS  # a 120-digit quotient is within 1e-56 of the exact one
_CACHE_SIZE: Final = 1 << 14
_SIDE: Final = {side.value: side for side in PositionSide}

# A position as a mutable list: the value and the exponent of each PositionState field.
_Q, _QE, _C, _CE, _R, _RE, _F, _FE, _U, _UE = range(10)
# A currency's flows since the fold began, as a mutable list: each slot's sum and the smallest
# exponent among its contributions (_NONE: none yet).  Realized P&L, trade fees and funding,
# whose net is today's P&L, keep today's smallest exponent apart (folded into the earlier
# one when a day begins) and their sums when today began.  Cash is derived when freezing.
(_PNL, _PNL_DAY, _TFEE, _TFEE_DAY, _FUND, _FUND_DAY, _DEP, _DEP_MIN, _WDR, _WDR_MIN, _CFEE,
 _CFEE_MIN, _PNL_MIN, _TFEE_MIN, _FUND_MIN, _PNL_START, _TFEE_START, _FUND_START) = range(18)
_NONE: Final = 1 << 30  # an exponent above any: no contribution
_FRESH: Final = (0, _NONE) * 6 + (_NONE,) * 3 + (0,) * 3

_Units = tuple[Decimal, int, int]  # the value, its count of units, its exponent
_Leg = tuple[str, str]  # (symbol, position_side as the event spells it): str keys hash fast


def units(value: object, scale: int, limit: int) -> _Units | None:
    """``value`` as ``(value, count of 10**-scale units, exponent)``, or ``None`` when it is
    not a finite ``Decimal`` with at most ``scale`` fractional digits below ``10**limit`` (a
    negative zero included: integers have no sign of zero).

    >>> units(Decimal("-1.50"), 28, 24)[1:]
    (-15000000000000000000000000000, -2)
    >>> units(Decimal("1E-29"), 28, 24) is None, units(Decimal("-0"), 28, 24) is None
    (True, True)
    """
    if type(value) is not Decimal or not value.is_finite():
        return None
    sign, _, exponent = value.as_tuple()
    if not isinstance(exponent, int) or exponent < -scale or (value and value.adjusted() >= limit):
        return None
    if sign and not value:
        return None
    return value, int(value.scaleb(scale, CONTEXT)), exponent


def _cached(cache: dict[Decimal, _Units], value: Decimal, scale: int) -> _Units | None:
    """:func:`units` of an event value through ``cache`` (emptied when full)."""
    found = units(value, scale, _INPUT_LIMIT)
    if found is not None:
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[value] = found
    return found


def _decimal(count: int, exponent: int, scale: int) -> Decimal:
    """The ``Decimal`` with ``count`` units of ``10**-scale`` and this exponent (exact)."""
    step = _POW10[scale + exponent] if exponent > -scale else 1
    return Decimal(count // step if count >= 0 else -(-count // step)).scaleb(exponent, CONTEXT)


def _position(fills: PositionState) -> list[int] | None:
    """A held position thawed into its mutable list (``None``: not provably exact)."""
    row: list[int] = []
    for amount, scale in ((fills.quantity, _QS), (fills.cost_basis, _MS),
                          (fills.realized_pnl, _MS), (fills.fees_paid, _MS),
                          (fills.funding_paid, _MS)):
        found = units(amount, scale, _STATE_LIMIT)
        if found is None:
            return None
        row += found[1:]
    return row


_Pair = tuple[int, int]  # a count of units and an exponent


class _Opening:
    """A currency's cash, ledger and today's P&L as the fold found them."""

    __slots__ = ("cash", "day_pnl", "ledger")

    def __init__(self, cash: _Pair, ledger: list[_Pair], day_pnl: _Pair | None) -> None:
        self.cash, self.ledger, self.day_pnl = cash, ledger, day_pnl


def _opening(state: PortfolioState, currency: str,
             day_base: PMap[str, Decimal] | None) -> _Opening | None:
    """``currency``'s opening amounts in money units (``None``: not provably exact)."""
    ledger = state.ledgers.get(currency, Ledger.EMPTY)
    pairs: list[_Pair] = []
    for amount in (state.cash.get(currency, ZERO), ledger.deposited, ledger.withdrawn,
                   ledger.realized_pnl, ledger.fees_paid, ledger.funding_paid):
        found = units(amount, _MS, _STATE_LIMIT)
        if found is None:
            return None
        pairs.append(found[1:])
    base = None if day_base is None else day_base.get(currency)
    today = None if base is None else units(base, _MS, _STATE_LIMIT)
    if base is not None and today is None:
        return None
    return _Opening(pairs[0], pairs[1:], None if today is None else today[1:])


class _Fold:
    """The thawed state: what the fold changed, over the untouched starting state."""

    __slots__ = ("accounts", "day", "day_base", "marks", "mode", "openings", "positions",
                 "quotes", "state")

    def __init__(self, state: PortfolioState) -> None:
        self.state = state
        self.positions: dict[_Leg, list[int] | None] = {}  # None: closed
        self.quotes: dict[_Leg, str] = {}
        self.accounts: dict[str, list[int]] = {}
        self.openings: dict[str, _Opening] = {}
        self.marks: dict[str, Decimal] = {}
        self.day: date | None = state.day
        self.day_base: PMap[str, Decimal] | None = state.day_pnl  # None: a new day began
        self.mode = state.mode

    def position(self, key: _Leg, quote: str) -> list[int] | None:
        """Leg ``key``, thawed on first touch (flat in ``quote`` when none is open);
        ``None`` when a held position is not provably exact.  Not recorded: the caller
        does, once the event is known to fold."""
        if key not in self.positions:
            held = self.state.positions.get((key[0], _SIDE[key[1]]))
            if held is not None:
                self.quotes[key] = held.quote_currency
                return _position(held.fills)
        self.quotes[key] = quote
        return [0] * 10

    def account(self, currency: str) -> list[int] | None:
        """``currency``'s flows, from its first touch (``None``: its opening amounts are not
        provably exact)."""
        found = self.accounts.get(currency)
        if found is None:
            opening = _opening(self.state, currency, self.day_base)
            if opening is None:
                return None
            self.openings[currency] = opening
            found = self.accounts[currency] = list(_FRESH)
        return found

    def new_day(self, day: date) -> None:
        """Today's P&L restarts: a new UTC day."""
        self.day, self.day_base = day, None
        for a in self.accounts.values():
            for slot, earlier, start in ((_PNL, _PNL_MIN, _PNL_START),
                                         (_TFEE, _TFEE_MIN, _TFEE_START),
                                         (_FUND, _FUND_MIN, _FUND_START)):
                a[earlier] = min(a[earlier], a[slot + 1])
                a[slot + 1] = _NONE
                a[start] = a[slot]
        for opening in self.openings.values():
            opening.day_pnl = None

    def _amounts(self) -> tuple[dict[str, Decimal], dict[str, Ledger], dict[str, Decimal]]:
        """Cash, ledger and (when touched today) today's P&L of every touched currency."""
        cash, ledgers, today = {}, {}, {}
        for currency, a in self.accounts.items():
            opening = self.openings[currency]
            (dep, dep_e), (wdr, wdr_e), (pnl, pnl_e), (fee, fee_e), (fund, fund_e) = (
                opening.ledger)
            exponents = (a[_DEP_MIN], a[_WDR_MIN], a[_PNL_MIN], a[_PNL_DAY], a[_TFEE_MIN],
                         a[_TFEE_DAY], a[_CFEE_MIN], a[_FUND_MIN], a[_FUND_DAY])
            if min(exponents) == _NONE:
                continue  # thawed by an event that did not fold
            ledgers[currency] = Ledger(
                _decimal(dep + a[_DEP], min(dep_e, a[_DEP_MIN]), _MS),
                _decimal(wdr + a[_WDR], min(wdr_e, a[_WDR_MIN]), _MS),
                _decimal(pnl + a[_PNL], min(pnl_e, a[_PNL_MIN], a[_PNL_DAY]), _MS),
                _decimal(fee + a[_TFEE] + a[_CFEE],
                         min(fee_e, a[_TFEE_MIN], a[_TFEE_DAY], a[_CFEE_MIN]), _MS),
                _decimal(fund + a[_FUND], min(fund_e, a[_FUND_MIN], a[_FUND_DAY]), _MS))
            flow = a[_DEP] - a[_WDR] + a[_PNL] - a[_TFEE] - a[_CFEE] - a[_FUND]
            cash[currency] = _decimal(opening.cash[0] + flow,
                                      min(opening.cash[1], *exponents), _MS)
            if min(a[_PNL_DAY], a[_FUND_DAY]) < _NONE:
                start, start_e = opening.day_pnl or (0, 0)
                net = (a[_PNL] - a[_PNL_START] - a[_TFEE] + a[_TFEE_START] - a[_FUND]
                       + a[_FUND_START])
                today[currency] = _decimal(
                    start + net, min(start_e, a[_PNL_DAY], a[_TFEE_DAY], a[_FUND_DAY]), _MS)
        return cash, ledgers, today

    def freeze(self, recent_trades: TradeTimes) -> PortfolioState:
        """The frozen state."""
        state = self.state
        positions = state.positions
        if self.positions:
            changed = positions.evolver()
            for (symbol, side), p in self.positions.items():
                key = (symbol, _SIDE[side])
                if p is not None:
                    fills = PositionState(_decimal(p[_Q], p[_QE], _QS),
                                          *(_decimal(p[i], p[i + 1], _MS)
                                            for i in range(_C, _UE, 2)))
                    changed[key] = Holding(symbol, self.quotes[symbol, side], fills, key[1])
                elif key in positions:
                    changed.remove(key)
            positions = changed.persistent()
        cash, ledgers, today = self._amounts()
        base = pmap() if self.day_base is None else self.day_base
        return PortfolioState(
            cash=state.cash.update(cash), ledgers=state.ledgers.update(ledgers),
            positions=positions,
            marks=state.marks.update(self.marks) if self.marks else state.marks,
            day=self.day, day_pnl=base.update(today), recent_trades=recent_trades,
            mode=self.mode, inverse=state.inverse)


_FILLS: Final = (TradeExecuted, PositionLiquidated)
_MONEY: Final = (FundsDeposited, FundsWithdrawn, FeeCharged)


def fold_exact(events: Iterator[Event],  # noqa: PLR0915 - one hot loop, every kind inline
               state: PortfolioState) -> tuple[PortfolioState, Event | None]:
    """Fold ``events`` into ``state`` on integers until one cannot be proved exact: the state
    so far and that event (``None`` when every event folded).  The caller folds the event and
    the rest of the iterator with the reference fold.

    >>> from datetime import UTC, datetime
    >>> from astratrade_core.events.trading import FundsDeposited
    >>> t = datetime(2026, 1, 1, tzinfo=UTC)
    >>> ok = FundsDeposited(event_id="1", stream_id="a", occurred_at=t, currency="USD",
    ...                     amount=Decimal("10.50"))
    >>> tiny = FundsDeposited(event_id="2", stream_id="a", occurred_at=t, currency="USD",
    ...                       amount=Decimal("1E-60"))
    >>> s, pending = fold_exact(iter([ok, tiny, ok]), PortfolioState.EMPTY)
    >>> s.cash_of("USD"), pending is tiny
    (Decimal('10.50'), True)
    """
    fold = _Fold(state)
    positions, quotes, accounts, marks = fold.positions, fold.quotes, fold.accounts, fold.marks
    day_start, day_end = day_bounds(fold.day)
    # Recent trade times: older hours, the latest hour (mutable) and its end; times earlier
    # than the latest wait in `late` and are merged once, when the state is frozen.
    hours, current, hour_end = open_hours(state.recent_trades)
    latest = current[-1] if current else NEVER
    if not current:
        hour_end = latest  # no hour is open: the first trade opens one
    late: list[datetime] = []
    traded = False
    quantities: dict[Decimal, _Units] = {}
    prices: dict[Decimal, _Units] = {}
    fees: dict[Decimal, _Units] = {}
    fills_types, pow10 = _FILLS, _POW10
    guard, product_digits, product_safe = _GUARD, _PRODUCT_DIGITS, _POW10[120]
    pending: Event | None = None

    for event in events:
        if isinstance(event, fills_types):
            # Everything that can refuse the event comes first: nothing changes until then.
            if event.contract_size is not None:  # an inverse leg: the reference fold's
                pending = event
                break
            value = event.quantity
            hit = quantities.get(value)
            if hit is None or (hit[0] is not value and (
                    not value.same_quantum(hit[0]) or (not value and value.is_signed()))):
                hit = _cached(quantities, value, _QS)
                if hit is None:
                    pending = event
                    break
            fqv, fqe = hit[1], hit[2]
            value = price = event.price
            hit = prices.get(value)
            if hit is None or (hit[0] is not value and (
                    not value.same_quantum(hit[0]) or (not value and value.is_signed()))):
                hit = _cached(prices, value, _QS) if value > 0 else None
                if hit is None:
                    pending = event
                    break
            pv, pe = hit[1], hit[2]
            value = event.fee
            hit = fees.get(value)
            if hit is None or (hit[0] is not value and (
                    not value.same_quantum(hit[0]) or (not value and value.is_signed()))):
                hit = _cached(fees, value, _MS)
                if hit is None:
                    pending = event
                    break
            fv, fe = hit[1], hit[2]
            cur = event.quote_currency
            key = (symbol := event.symbol, event.position_side)
            p = positions.get(key)
            fresh = p is None
            if p is None:
                p = fold.position(key, cur)
            a = accounts.get(cur)
            if a is None:
                a = fold.account(cur)
            if p is None or a is None:
                pending = event
                break
            qv, qe, cv, ce = p[0], p[1], p[2], p[3]
            nqv = qv + fqv
            nqe = fqe if fqe < qe else qe
            if not qv or (qv < 0) == (fqv < 0):  # open or increase
                ncv = cv + fqv * pv
                e = fqe + pe
                nce = e if e < ce else ce
                rv = re = 0
                closing = False
            elif not nqv or (nqv < 0) != (qv < 0):  # full close, maybe a reversal
                rv = qv * pv - cv
                e = qe + pe
                re = e if e < ce else ce
                ncv = nqv * pv
                nce = nqe + pe
                closing = True
            else:  # partial close: the share cost * fq / q, half-even at 1e-28
                num = cv * fqv
                size = -num if num < 0 else num
                if size >= product_safe and size >= pow10[product_digits + ce + fqe]:
                    pending = event  # Decimal would round the product to 120 digits
                    break
                b = -qv if qv < 0 else qv
                whole, rest = divmod(size, b)
                if rest:
                    gap = rest + rest - b
                    if gap and b >= guard and (gap if gap > 0 else -gap) * guard <= b:
                        pending = event  # the 120-digit quotient could decide this tie
                        break
                    if gap > 0 or (not gap and whole & 1):
                        whole += 1
                share = whole if (num < 0) == (qv < 0) else -whole
                rv = share - fqv * pv
                e = fqe + pe
                re = e if e < -COST_PLACES else -COST_PLACES
                ncv = cv + share
                nce = ce if ce < -COST_PLACES else -COST_PLACES
                closing = True
            # Commit.
            p[0], p[1], p[2], p[3] = nqv, nqe, ncv, nce
            if closing:
                p[4] += rv
                if re < p[5]:
                    p[5] = re
            if fv:
                p[6] += fv
                if fe < p[7]:
                    p[7] = fe
            if fresh:
                positions[key] = p
            marks[symbol] = price
            moment = event.occurred_at
            if not day_start <= moment < day_end:  # a new UTC day: today's P&L restarts
                fold.new_day(day := utc_day(moment))
                day_start, day_end = day_bounds(day)
            a[0] += rv  # realized P&L (booking is exact: every amount has <= 28 places)
            if re < a[1]:
                a[1] = re
            a[2] += fv  # the trade's fee
            if fe < a[3]:
                a[3] = fe
            traded = True
            if hour_end > moment >= latest:
                current.append(moment)
                latest = moment
            else:  # a new UTC hour, or a trade out of time order
                current, hour_end = place_time(hours, current, late, moment, hour_end)
                latest = current[-1]
        elif isinstance(event, PriceMarked):
            marks[event.symbol] = event.price
        elif isinstance(event, FundingApplied):
            if event.contract_size is not None or not _funding(fold, event):
                pending = event
                break
            day_start, day_end = day_bounds(fold.day)
        elif isinstance(event, PositionClosed):
            if event.contract_size is not None:
                pending = event
                break
            key = (event.symbol, event.position_side)
            _SIDE[event.position_side]
            positions[key] = None
            quotes.pop(key, None)
        elif isinstance(event, _MONEY):
            if not _money(fold, event):
                pending = event
                break
        elif isinstance(event, PositionModeChanged):
            fold.mode = PositionMode(event.mode)

    recent = recent_times(hours, current, late) if traded else state.recent_trades
    return fold.freeze(recent), pending


def _funding(fold: _Fold, event: FundingApplied) -> bool:
    """Fold a funding payment (``False``: not provably exact; nothing changed)."""
    cur = event.quote_currency
    payment = units(event.payment, _MS, _INPUT_LIMIT)
    key = (event.symbol, event.position_side)
    p = fold.positions.get(key)
    fresh = p is None
    if p is None:
        p = fold.position(key, cur)
    a = fold.account(cur)
    if payment is None or p is None or a is None:
        return False
    _, v, e = payment
    p[_U] += v
    p[_UE] = min(p[_UE], e)
    if fresh:
        fold.positions[key] = p
    fold.marks[event.symbol] = event.mark_price
    today = utc_day(event.occurred_at)
    if today != fold.day:
        fold.new_day(today)
    a[_FUND] += v
    a[_FUND_DAY] = min(a[_FUND_DAY], e)
    return True


def _money(fold: _Fold, event: FundsDeposited | FundsWithdrawn | FeeCharged) -> bool:
    """Fold a deposit, withdrawal or fee (``False``: not provably exact; nothing changed)."""
    amount = units(event.amount, _MS, _INPUT_LIMIT)
    a = fold.account(event.currency)
    if amount is None or a is None:
        return False
    _, v, e = amount
    slot = (_DEP if isinstance(event, FundsDeposited)
            else _WDR if isinstance(event, FundsWithdrawn) else _CFEE)
    a[slot] += v
    a[slot + 1] = min(a[slot + 1], e)
    return True
