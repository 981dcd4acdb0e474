"""``decide(state, command) -> Result[tuple[Event, ...], DomainError]``: the portfolio's rules.

=====================  ==========================================================================
command                events (or failure)
=====================  ==========================================================================
``Deposit``            ``FundsDeposited``
``Withdraw``           ``FundsWithdrawn``; ``portfolio.insufficient_funds`` if cash or equity
                       would go below zero
``ChargeFee``          ``FeeCharged``; ``portfolio.insufficient_funds`` if cash would go below zero
``ExecuteTrade``       ``TradeExecuted`` (+ ``PositionClosed`` when it ends flat); when the fill
                       adds exposure (opens, grows or reverses a position) and breaks any limit of
                       the command's :class:`~astratrade_core.risk.limits.RiskPolicy` (or would
                       leave cash or equity negative), **only** ``RiskLimitHit`` listing every
                       breach -- a ``Success``: the refusal is recorded, the trade is not
``ClosePosition``      ``TradeExecuted`` + ``PositionClosed``; ``portfolio.no_position`` if flat
``LiquidatePosition``  ``PositionLiquidated`` + ``PositionClosed``; ``portfolio.no_position``
``ApplyFunding``       one ``FundingApplied`` per open leg of the symbol;
                       ``portfolio.no_position`` if none
``MarkPrice``          ``PriceMarked``
``SetPositionMode``    ``PositionModeChanged``; nothing when already in that mode;
                       ``portfolio.positions_open`` while any position is open
=====================  ==========================================================================

**Inverse contracts.**  An ``ExecuteTrade`` with a ``contract_size`` books an inverse fill in
its coin (contracts, harmonic average entry, P&L, fee and funding in coin; risk limits in
quote at the fill price): :mod:`astratrade_core.portfolio.inverse`.  ``ClosePosition``,
``LiquidatePosition`` and ``ApplyFunding`` act on a symbol's inverse legs as on linear ones.
A symbol is held either linear or inverse (``portfolio.contract_kind``) and with one contract
size (``portfolio.contract_size``).

**Hedge mode.**  Commands that touch a position name its leg (``position_side``): ``BOTH``
in one-way mode, ``LONG`` or ``SHORT`` in hedge mode; the other way round is refused with
``portfolio.position_side`` (Binance -4061).  A hedge leg never crosses zero: a sell larger
than the ``LONG`` leg (or a buy larger than the ``SHORT`` leg, or any closing fill on a flat
leg) is refused with ``portfolio.exceeds_leg``.  Risk limits see both legs: the exposure of a
fill values every leg of the symbol at the fill price (which becomes the symbol's mark), and
the symbol's notional is the sum of its legs'.

Malformed values (non-positive price or amount, zero quantity, unbounded or non-finite
numbers, a ``str`` or ``float`` where a ``Decimal`` belongs (``numeric.type``: commands hold
validated Decimals, so every event they produce encodes and replays), empty symbol, currency,
command or account id, a naive ``issued_at`` or one outside ``[EARLIEST_ISSUED_AT,
LATEST_ISSUED_AT)``) fail with ``portfolio.invalid_command`` whose causes list every
problem; a command of no known type fails with ``portfolio.unknown_command``.  ``decide``
never raises.  Fills reducing a position are
never blocked by limits, so they (and funding and liquidations) are the only way cash can go
below zero: realized losses of a position the margin rules let the account hold.

>>> import attrs
>>> from datetime import UTC, datetime
>>> from decimal import Decimal as D
>>> from astratrade_core.portfolio.evolve import replay
>>> t = datetime(2026, 1, 1, tzinfo=UTC)
>>> policy = RiskPolicy(max_leverage=D("5"))
>>> s = replay(decide(PortfolioState.EMPTY, Deposit(command_id="c1", account_id="a",
...     issued_at=t, currency="USD", amount=D("1000"))).unwrap())
>>> buy = ExecuteTrade(command_id="c2", account_id="a", issued_at=t, symbol="BTCUSD",
...                    quote_currency="USD", quantity=D("0.2"), price=D("30000"), policy=policy)
>>> [e.event_type for e in decide(s, buy).unwrap()]  # 6000 notional / 1000 equity = 6x > 5x
['RiskLimitHit']
>>> [e.event_type for e in decide(s, attrs.evolve(buy, quantity=D("0.1"))).unwrap()]
['TradeExecuted']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, TypeVar

from returns.result import Failure, Result, Success

from astratrade_core.aggregate import Aggregate
from astratrade_core.errors import DomainError, collect_all
from astratrade_core.events.envelope import Event
from astratrade_core.events.trading import (
    TRADING_EVENTS,
    FeeCharged,
    FundingApplied,
    FundsDeposited,
    FundsWithdrawn,
    PositionClosed,
    PositionLiquidated,
    PositionModeChanged,
    PriceMarked,
    RiskLimitHit,
    TradeExecuted,
)
from astratrade_core.numeric import CONTEXT, ZERO, check_decimal
from astratrade_core.portfolio.commands import (
    EARLIEST_ISSUED_AT,
    LATEST_ISSUED_AT,
    ApplyFunding,
    ChargeFee,
    ClosePosition,
    Command,
    Deposit,
    ExecuteTrade,
    LiquidatePosition,
    MarkPrice,
    SetPositionMode,
    Withdraw,
)
from astratrade_core.portfolio.evolve import book, replay, utc_day
from astratrade_core.portfolio.inverse import close_inverse, execute_inverse, inverse_funding
from astratrade_core.portfolio.state import Holding, PortfolioState
from astratrade_core.risk.limits import Exposure, RiskPolicy, adds_exposure, evaluate
from astratrade_core.trading.fills import (
    Fill,
    Liquidity,
    PositionState,
    apply_fill,
    funding_payment,
)
from astratrade_core.trading.orders import PositionMode, PositionSide

__all__ = ["PORTFOLIO", "Decision", "decide", "exposure_after"]

T = TypeVar("T")

#: What ``decide`` returns.
Decision = Result[tuple[Event, ...], DomainError]

_add = CONTEXT.add
_sub = CONTEXT.subtract
_mul = CONTEXT.multiply
_abs = CONTEXT.abs


_INVALID: Final = "portfolio.invalid_command"


def _number(value: Decimal, field: str) -> Result[Decimal, DomainError]:
    return check_decimal(value, field)


def _positive(value: Decimal, field: str) -> Result[Decimal, DomainError]:
    return check_decimal(value, field).bind(
        lambda d: Success(d) if d > 0 else Failure(DomainError.invalid(
            "numeric.not_positive", f"{field}: must be greater than zero", field=field)))


def _nonzero(value: Decimal, field: str) -> Result[Decimal, DomainError]:
    return check_decimal(value, field).bind(
        lambda d: Success(d) if d != 0 else Failure(DomainError.invalid(
            "portfolio.zero_quantity", f"{field}: must not be zero", field=field)))


def _optional_positive(value: Decimal | None, field: str,
                       ) -> Result[Decimal | None, DomainError]:
    return Success(None) if value is None else _positive(value, field)


def _name(value: str, field: str) -> Result[str, DomainError]:
    if isinstance(value, str) and value.strip():
        return Success(value)
    return Failure(DomainError.invalid("portfolio.empty_name",
                                       f"{field}: must be a non-empty string", field=field))


def _typed(value: object, kind: type[T], field: str, expected: str) -> Result[T, DomainError]:
    if isinstance(value, kind):
        return Success(value)
    return Failure(DomainError.invalid("portfolio.type", f"{field}: must be {expected}",
                                       field=field))


def _moment(value: datetime) -> Result[datetime, DomainError]:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        return Failure(DomainError.invalid("portfolio.naive_time",
                                           "issued_at: must be a timezone-aware datetime"))
    if not EARLIEST_ISSUED_AT <= value < LATEST_ISSUED_AT:
        return Failure(DomainError.invalid(
            "portfolio.time_range",
            f"issued_at: must lie in [{EARLIEST_ISSUED_AT}, {LATEST_ISSUED_AT})"))
    return Success(value)


def _checked(command: Command, *checks: Result[Any, DomainError],
             ) -> Result[tuple[Any, ...], DomainError]:
    """Every problem of ``command`` at once: ``checks`` (its fields), then its identity and
    time."""
    return collect_all(_INVALID, (*checks, _name(command.command_id, "command_id"),
                                  _name(command.account_id, "account_id"),
                                  _moment(command.issued_at)))


def _insufficient(currency: str, needed: Decimal, available: Decimal) -> Failure[DomainError]:
    return Failure(DomainError.rejected(
        "portfolio.insufficient_funds", f"needs {needed} {currency}, {available} available",
        currency=currency, needed=needed, available=available))


def _no_position(symbol: str, side: PositionSide = PositionSide.BOTH) -> Failure[DomainError]:
    leg = "" if side is PositionSide.BOTH else f" ({side.value} leg)"
    return Failure(DomainError.not_found("portfolio.no_position",
                                         f"no open position in {symbol}{leg}", symbol=symbol,
                                         position_side=side.value))


def _leg_of(state: PortfolioState, side: PositionSide) -> Result[PositionSide, DomainError]:
    """``side`` if it suits the account's mode: ``BOTH`` in one-way, ``LONG``/``SHORT`` in
    hedge mode."""
    if (side is PositionSide.BOTH) == (state.mode is PositionMode.ONE_WAY):
        return Success(side)
    return Failure(DomainError.rejected(
        "portfolio.position_side", f"position side {side.value} does not match the account's "
        f"{state.mode.value} mode", position_side=side.value, mode=state.mode.value))


def _deposit(state: PortfolioState, c: Deposit) -> Decision:
    return _checked(c, _name(c.currency, "currency"), _positive(c.amount, "amount")).map(
        lambda _: (FundsDeposited(**c.envelope(0), currency=c.currency, amount=c.amount),))


def _withdraw(state: PortfolioState, c: Withdraw) -> Decision:
    return _checked(c, _name(c.currency, "currency"), _positive(c.amount, "amount")).bind(
        lambda _: _withdraw_checked(state, c))


def _withdraw_checked(state: PortfolioState, c: Withdraw) -> Decision:
    available = min(state.cash_of(c.currency), state.equity(c.currency))
    if c.amount > available:
        return _insufficient(c.currency, c.amount, available)
    return Success((FundsWithdrawn(**c.envelope(0), currency=c.currency, amount=c.amount),))


def _charge_fee(state: PortfolioState, c: ChargeFee) -> Decision:
    return _checked(c, _name(c.currency, "currency"), _positive(c.amount, "amount"),
                    _typed(c.reason, str, "reason", "a string"),
                    ).bind(lambda _: _charge_fee_checked(state, c))


def _charge_fee_checked(state: PortfolioState, c: ChargeFee) -> Decision:
    if c.amount > state.cash_of(c.currency):
        return _insufficient(c.currency, c.amount, state.cash_of(c.currency))
    return Success((FeeCharged(**c.envelope(0), currency=c.currency, amount=c.amount,
                               reason=c.reason),))


def exposure_after(state: PortfolioState, *, symbol: str, quote_currency: str,
                   after: PositionState, price: Decimal, cash_delta: Decimal,
                   command: Command, policy: RiskPolicy,
                   side: PositionSide = PositionSide.BOTH) -> Exposure:
    """The :class:`~astratrade_core.risk.limits.Exposure` if ``symbol``'s leg ``side`` became
    ``after`` at ``price`` and cash moved by ``cash_delta`` (realized P&L minus fee).

    Other symbols' positions in ``quote_currency`` count at their marks; every leg of
    ``symbol`` at ``price`` (the fill price becomes the symbol's mark), and the symbol's
    notional adds up its legs.  Every open leg counts as an open position.

    >>> from datetime import UTC, datetime
    >>> from decimal import Decimal as D
    >>> buy = ExecuteTrade(command_id="c", account_id="a", symbol="X", quote_currency="USD",
    ...                    issued_at=datetime(2026, 1, 1, tzinfo=UTC), quantity=D("2"),
    ...                    price=D("10"), policy=RiskPolicy(max_leverage=D("2")))
    >>> x = exposure_after(PortfolioState.EMPTY, symbol="X", quote_currency="USD",
    ...                    after=PositionState(D("2"), D("20")), price=D("10"),
    ...                    cash_delta=D("-0.5"), command=buy, policy=buy.policy)
    >>> x.cash, x.equity, x.gross_notional, x.open_positions, x.trades_in_window
    (Decimal('-0.5'), Decimal('-0.5'), Decimal('20'), 1, 1)
    """
    unrealized = after.unrealized_pnl(price)
    symbol_notional = _mul(_abs(after.quantity), price)
    open_count = 1 if after.quantity != 0 else 0
    gross = ZERO
    for other in state.positions.values():
        if other.fills.quantity == 0 or (other.symbol == symbol and other.side is side):
            continue
        open_count += 1
        if other.symbol == symbol:  # the symbol's other hedge leg, at the fill price
            unrealized = _add(unrealized, other.fills.unrealized_pnl(price))
            symbol_notional = _add(symbol_notional, _mul(_abs(other.fills.quantity), price))
        elif other.quote_currency == quote_currency:
            mark = state.marks[other.symbol]
            unrealized = _add(unrealized, other.fills.unrealized_pnl(mark))
            gross = _add(gross, _mul(_abs(other.fills.quantity), mark))
    open_count += sum(1 for held in state.inverse.values() if held.fills.contracts != 0)
    gross = _add(gross, symbol_notional)
    cash = _add(state.cash_of(quote_currency), cash_delta)
    today = state.day == utc_day(command.issued_at)
    day_pnl = state.day_pnl.get(quote_currency, ZERO) if today else ZERO
    since = command.issued_at - policy.trade_window
    return Exposure(
        cash=cash, equity=_add(cash, unrealized), gross_notional=gross,
        symbol_notional=symbol_notional, open_positions=open_count,
        day_loss=CONTEXT.minus(day_pnl) if day_pnl < 0 else ZERO,
        trades_in_window=1 + state.recent_trades.count_after(since))


def _execute(state: PortfolioState, c: ExecuteTrade) -> Decision:
    return _checked(c, _name(c.symbol, "symbol"), _name(c.quote_currency, "quote_currency"),
                    _nonzero(c.quantity, "quantity"), _positive(c.price, "price"),
                    _number(c.fee, "fee"),
                    _typed(c.liquidity, Liquidity, "liquidity", "maker or taker"),
                    _typed(c.policy, RiskPolicy, "policy", "a RiskPolicy"),
                    _typed(c.position_side, PositionSide, "position_side",
                           "both, long or short"),
                    _optional_positive(c.contract_size, "contract_size"),
                    ).bind(lambda _: _leg_of(state, c.position_side)).bind(
                        lambda side: _execute_checked(state, c, side))


def _quoted_elsewhere(state: PortfolioState, symbol: str, quote: str) -> Holding | None:
    """A leg of ``symbol`` held in a quote currency other than ``quote``, if any."""
    return next((h for h in state.legs(symbol) if h.quote_currency != quote), None)


def _execute_checked(state: PortfolioState, c: ExecuteTrade, side: PositionSide) -> Decision:
    if c.contract_size is not None:
        return execute_inverse(state, c, side, c.contract_size)
    if state.inverse_legs(c.symbol):
        return Failure(DomainError.invalid(
            "portfolio.contract_kind", f"{c.symbol} is held as an inverse contract",
            symbol=c.symbol))
    held = _quoted_elsewhere(state, c.symbol, c.quote_currency)
    if held is not None:
        return Failure(DomainError.invalid(
            "portfolio.currency_mismatch",
            f"{c.symbol} is quoted in {held.quote_currency}, not {c.quote_currency}",
            symbol=c.symbol, held=held.quote_currency, given=c.quote_currency))
    before = state.position(c.symbol, side)
    after, realized = apply_fill(before, Fill(c.quantity, c.price, c.fee, c.liquidity))
    if (side is PositionSide.LONG and after.quantity < 0) or (
            side is PositionSide.SHORT and after.quantity > 0):
        return Failure(DomainError.rejected(
            "portfolio.exceeds_leg", f"a fill of {c.quantity} would take the {side.value} leg "
            f"of {c.symbol} ({before.quantity}) through zero", symbol=c.symbol,
            position_side=side.value, held=before.quantity, quantity=c.quantity))
    realized = book(realized)
    if adds_exposure(before.quantity, after.quantity):
        exposure = exposure_after(state, symbol=c.symbol, quote_currency=c.quote_currency,
                                  after=after, price=c.price, cash_delta=_sub(realized, c.fee),
                                  command=c, policy=c.policy, side=side)
        breaches = evaluate(c.policy, exposure)
        if breaches:
            return Success((RiskLimitHit(**c.envelope(0), symbol=c.symbol,
                                         quantity=c.quantity, price=c.price,
                                         breaches=breaches, position_side=side.value),))
    trade = TradeExecuted(**c.envelope(0), symbol=c.symbol, quote_currency=c.quote_currency,
                          quantity=c.quantity, price=c.price, fee=c.fee,
                          liquidity=c.liquidity.value, realized_pnl=realized,
                          position_side=side.value)
    if after.quantity != 0:
        return Success((trade,))
    return Success((trade, _closed(c, c.quote_currency, before, after, side)))


def _closed(c: ExecuteTrade | ClosePosition | LiquidatePosition, quote: str,
            held: PositionState, final: PositionState, side: PositionSide) -> PositionClosed:
    """The second event of a fill that ends flat: ``held`` was the position before it."""
    return PositionClosed(**c.envelope(1), symbol=c.symbol, quote_currency=quote,
                          realized_pnl=final.realized_pnl, fees_paid=final.fees_paid,
                          funding_paid=final.funding_paid, quantity=held.quantity,
                          cost_basis=held.cost_basis, exit_price=c.price,
                          position_side=side.value)


def _close(state: PortfolioState, c: ClosePosition | LiquidatePosition) -> Decision:
    liquidity = (_typed(c.liquidity, Liquidity, "liquidity", "maker or taker")
                 if isinstance(c, ClosePosition) else Success(None))
    return _checked(c, _name(c.symbol, "symbol"), _positive(c.price, "price"),
                    _number(c.fee, "fee"), liquidity,
                    _typed(c.position_side, PositionSide, "position_side",
                           "both, long or short"),
                    ).bind(lambda _: _leg_of(state, c.position_side)).bind(
                        lambda side: _close_checked(state, c, side))


def _close_checked(state: PortfolioState, c: ClosePosition | LiquidatePosition,
                   side: PositionSide) -> Decision:
    held = state.positions.get((c.symbol, side))
    if held is None or held.fills.quantity == 0:
        coin = state.inverse.get((c.symbol, side))
        if coin is not None and coin.fills.contracts != 0:
            return close_inverse(c, coin, side)
        return _no_position(c.symbol, side)
    quantity = CONTEXT.minus(held.fills.quantity)
    after, realized = apply_fill(held.fills, Fill(quantity, c.price, c.fee))
    realized = book(realized)
    first: Event
    if isinstance(c, ClosePosition):
        first = TradeExecuted(**c.envelope(0), symbol=c.symbol,
                              quote_currency=held.quote_currency, quantity=quantity,
                              price=c.price, fee=c.fee, liquidity=c.liquidity.value,
                              realized_pnl=realized, position_side=side.value)
    else:
        first = PositionLiquidated(**c.envelope(0), symbol=c.symbol,
                                   quote_currency=held.quote_currency, quantity=quantity,
                                   price=c.price, fee=c.fee, realized_pnl=realized,
                                   position_side=side.value)
    return Success((first, _closed(c, held.quote_currency, held.fills, after, side)))


def _funding(state: PortfolioState, c: ApplyFunding) -> Decision:
    return _checked(c, _name(c.symbol, "symbol"), _number(c.rate, "rate"),
                    _positive(c.mark_price, "mark_price"),
                    ).bind(lambda _: _funding_checked(state, c))


def _funding_checked(state: PortfolioState, c: ApplyFunding) -> Decision:
    legs = state.legs(c.symbol)
    coin = inverse_funding(state, c, len(legs))
    if not legs and not coin:
        return _no_position(c.symbol)
    return Success((*(
        FundingApplied(**c.envelope(n), symbol=c.symbol, quote_currency=held.quote_currency,
                       rate=c.rate, mark_price=c.mark_price,
                       payment=book(funding_payment(held.fills.quantity, c.mark_price, c.rate)),
                       position_side=held.side.value)
        for n, held in enumerate(legs)), *coin))


def _set_mode(state: PortfolioState, c: SetPositionMode) -> Decision:
    return _checked(c, _typed(c.mode, PositionMode, "mode", "one_way or hedge")).bind(
        lambda _: _set_mode_checked(state, c))


def _set_mode_checked(state: PortfolioState, c: SetPositionMode) -> Decision:
    if c.mode is state.mode:
        return Success(())
    held = state.open_positions()
    if held:
        return Failure(DomainError.rejected(
            "portfolio.positions_open", f"cannot switch to {c.mode.value} mode with {held} "
            "open position(s)", mode=c.mode.value, open_positions=held))
    return Success((PositionModeChanged(**c.envelope(0), mode=c.mode.value),))


def _mark(state: PortfolioState, c: MarkPrice) -> Decision:
    return _checked(c, _name(c.symbol, "symbol"), _positive(c.price, "price")).map(
        lambda _: (PriceMarked(**c.envelope(0), symbol=c.symbol, price=c.price),))


_RULES: Final[dict[type[Command], Callable[[PortfolioState, Any], Decision]]] = {
    Deposit: _deposit,
    Withdraw: _withdraw,
    ChargeFee: _charge_fee,
    ExecuteTrade: _execute,
    ClosePosition: _close,
    LiquidatePosition: _close,
    ApplyFunding: _funding,
    MarkPrice: _mark,
    SetPositionMode: _set_mode,
}


def decide(state: PortfolioState, command: Command) -> Decision:
    """The events ``command`` produces against ``state``, or why it is refused.

    >>> from datetime import UTC, datetime
    >>> from decimal import Decimal as D
    >>> w = Withdraw(command_id="c", account_id="a", issued_at=datetime(2026, 1, 1, tzinfo=UTC),
    ...              currency="USD", amount=D("5"))
    >>> decide(PortfolioState.EMPTY, w).failure().code
    'portfolio.insufficient_funds'
    """
    rule = _RULES.get(type(command))
    if rule is None:
        return Failure(DomainError.invalid(
            "portfolio.unknown_command", f"no rule for {type(command).__qualname__}",
            command=type(command).__qualname__))
    return rule(state, command)



def _fold(state: PortfolioState, events: Iterable[Event]) -> PortfolioState:
    return replay(events, state)


#: The portfolio as an :class:`~astratrade_core.aggregate.Aggregate`: one stream per account.
PORTFOLIO: Final[Aggregate[PortfolioState, Command]] = Aggregate(
    "portfolio", PortfolioState.EMPTY, decide, _fold, TRADING_EVENTS)
