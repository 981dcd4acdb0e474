"""The portfolio's rules for inverse (coin-margined) contracts, called by
:func:`~astratrade_core.portfolio.decide.decide` for an ``ExecuteTrade`` with a
``contract_size`` and for commands on an inverse leg.

An inverse fill's ``quantity`` counts signed contracts, its ``fee`` is in the coin the command
names in ``quote_currency`` (the currency the position *settles* in: Binance COIN-M's margin
asset), and its P&L is ``contracts * size * (1/entry - 1/exit)`` in that coin with the harmonic
average entry (:mod:`astratrade_core.trading.inverse`).  The events are the linear ones with
``contract_size`` set.

**Risk.**  Limits are checked per settlement currency and never mix coin with quote: an
inverse fill's :class:`~astratrade_core.risk.limits.Exposure` is the coin's cash, equity
(cash + the unrealized P&L of every position settled in the coin), gross value and today's loss,
each converted to the quote currency **at the fill price** (one multiplication: the coin's
value in quote at the price the trade is made).  Ratio limits (leverage, concentration) are
unchanged by the conversion; absolute ones (position notional, daily loss) read in quote units,
like the policy's.  The symbol's notional is ``|contracts| * contract_size`` quote units, exactly.
Every open leg, linear or inverse, counts as an open position.

>>> import attrs
>>> from datetime import UTC, datetime
>>> from decimal import Decimal as D
>>> from astratrade_core.portfolio.commands import Deposit, ExecuteTrade
>>> from astratrade_core.portfolio.decide import decide
>>> from astratrade_core.portfolio.evolve import replay
>>> from astratrade_core.risk.limits import RiskPolicy
>>> t = datetime(2026, 1, 1, tzinfo=UTC)
>>> s = replay(decide(PortfolioState.EMPTY, Deposit(command_id="c1", account_id="a",
...     issued_at=t, currency="BTC", amount=D("1"))).unwrap())
>>> buy = ExecuteTrade(command_id="c2", account_id="a", issued_at=t, symbol="BTCUSD_PERP",
...     quote_currency="BTC", quantity=D("10"), price=D("40000"), contract_size=D("100"),
...     fee=D("0.0000125"), policy=RiskPolicy(max_leverage=D("5")))
>>> s = replay(decide(s, buy).unwrap(), s)
>>> s = replay(decide(s, attrs.evolve(buy, command_id="c3", quantity=D("-10"),
...     price=D("50000"), fee=D("0.00001"))).unwrap(), s)
>>> s.cash_of("BTC"), s.ledger("BTC").realized_pnl  # 1000 * (1/40000 - 1/50000) = 0.005
(Decimal('1.0049775'), Decimal('0.005'))
"""

from __future__ import annotations

from decimal import Decimal

from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.events.envelope import Event
from astratrade_core.events.trading import (
    FundingApplied,
    PositionClosed,
    PositionLiquidated,
    RiskLimitHit,
    TradeExecuted,
)
from astratrade_core.numeric import CONTEXT, ZERO
from astratrade_core.portfolio.commands import (
    ApplyFunding,
    ClosePosition,
    Command,
    ExecuteTrade,
    LiquidatePosition,
)
from astratrade_core.portfolio.evolve import book, book_inverse_fill, utc_day
from astratrade_core.portfolio.state import InverseHolding, PortfolioState
from astratrade_core.risk.limits import Exposure, RiskPolicy, adds_exposure, evaluate
from astratrade_core.trading.fills import Fill
from astratrade_core.trading.inverse import InverseState
from astratrade_core.trading.orders import PositionSide

#: The rules ``decide`` calls (``execute_inverse``, ``close_inverse``, ``inverse_funding``) take
#: commands it has already validated, so they are not public API: call ``decide``.
__all__ = ["inverse_exposure_after"]

_add = CONTEXT.add
_sub = CONTEXT.subtract
_mul = CONTEXT.multiply
_div = CONTEXT.divide
_abs = CONTEXT.abs

InverseDecision = Result[tuple[Event, ...], DomainError]


def inverse_exposure_after(state: PortfolioState, *, symbol: str, coin: str,
                           after: InverseState, price: Decimal, cash_delta: Decimal,
                           command: Command, policy: RiskPolicy,
                           side: PositionSide = PositionSide.BOTH) -> Exposure:
    """The exposure if ``symbol``'s inverse leg ``side`` became ``after`` at ``price`` and the
    ``coin``'s cash moved by ``cash_delta``: coin amounts converted to quote at ``price`` (see
    the module docstring).  Every leg of ``symbol`` counts at ``price``, other positions
    settled in ``coin`` at their marks.

    >>> from datetime import UTC, datetime
    >>> from decimal import Decimal as D
    >>> buy = ExecuteTrade(command_id="c", account_id="a", symbol="X", quote_currency="BTC",
    ...     issued_at=datetime(2026, 1, 1, tzinfo=UTC), quantity=D("10"), price=D("50000"),
    ...     contract_size=D("100"), policy=RiskPolicy(max_leverage=D("2")))
    >>> x = inverse_exposure_after(PortfolioState.EMPTY, symbol="X", coin="BTC",
    ...     after=InverseState(D("100"), D("10"), D("50000")), price=D("50000"),
    ...     cash_delta=D("-0.00001"), command=buy, policy=buy.policy)
    >>> x.cash, x.equity, x.gross_notional, x.symbol_notional, x.open_positions
    (Decimal('-0.50000'), Decimal('-0.50000'), Decimal('1000'), Decimal('1000'), 1)
    """
    unrealized = after.unrealized_pnl(price)
    contracts = _abs(after.contracts)
    open_count = 1 if after.contracts != 0 else 0
    others = ZERO  # the coin value of the other positions settled in the coin
    for held in state.inverse.values():
        if held.fills.contracts == 0 or (held.symbol == symbol and held.side is side):
            continue
        open_count += 1
        if held.symbol == symbol:  # the symbol's other hedge leg, at the fill price
            unrealized = _add(unrealized, held.fills.unrealized_pnl(price))
            contracts = _add(contracts, _abs(held.fills.contracts))
        elif held.coin == coin:
            mark = state.marks[held.symbol]
            unrealized = _add(unrealized, held.fills.unrealized_pnl(mark))
            others = _add(others, held.value(mark))
    for linear in state.positions.values():
        if linear.fills.quantity == 0:
            continue
        open_count += 1
        if linear.quote_currency == coin:
            mark = state.marks[linear.symbol]
            unrealized = _add(unrealized, linear.fills.unrealized_pnl(mark))
            others = _add(others, _mul(_abs(linear.fills.quantity), mark))
    symbol_notional = _mul(contracts, after.contract_size)
    cash = _add(state.cash_of(coin), cash_delta)
    today = state.day == utc_day(command.issued_at)
    day_pnl = state.day_pnl.get(coin, ZERO) if today else ZERO
    since = command.issued_at - policy.trade_window
    return Exposure(
        cash=_mul(cash, price), equity=_mul(_add(cash, unrealized), price),
        gross_notional=_add(symbol_notional, _mul(others, price)),
        symbol_notional=symbol_notional, open_positions=open_count,
        day_loss=_mul(CONTEXT.minus(day_pnl), price) if day_pnl < 0 else ZERO,
        trades_in_window=1 + state.recent_trades.count_after(since))


def _size_mismatch(symbol: str, held: Decimal, given: Decimal) -> Failure[DomainError]:
    return Failure(DomainError.invalid(
        "portfolio.contract_size", f"{symbol} is held with contract size {held}, not {given}",
        symbol=symbol, held=held, given=given))


def execute_inverse(state: PortfolioState, c: ExecuteTrade, side: PositionSide,
                    size: Decimal) -> InverseDecision:
    """An inverse fill of ``size`` contracts' worth (the rules of ``ExecuteTrade``, in coin)."""
    if state.legs(c.symbol):
        return Failure(DomainError.invalid(
            "portfolio.contract_kind", f"{c.symbol} is held as a linear contract",
            symbol=c.symbol))
    held = state.inverse.get((c.symbol, side))
    other = next((h for h in state.inverse_legs(c.symbol) if h.coin != c.quote_currency), None)
    if other is not None:
        return Failure(DomainError.invalid(
            "portfolio.currency_mismatch",
            f"{c.symbol} settles in {other.coin}, not {c.quote_currency}",
            symbol=c.symbol, held=other.coin, given=c.quote_currency))
    before = InverseState(size) if held is None else held.fills
    if before.contract_size != size:
        return _size_mismatch(c.symbol, before.contract_size, size)
    after, realized = book_inverse_fill(before, Fill(c.quantity, c.price, c.fee, c.liquidity))
    if (side is PositionSide.LONG and after.contracts < 0) or (
            side is PositionSide.SHORT and after.contracts > 0):
        return Failure(DomainError.rejected(
            "portfolio.exceeds_leg", f"a fill of {c.quantity} would take the {side.value} leg "
            f"of {c.symbol} ({before.contracts}) through zero", symbol=c.symbol,
            position_side=side.value, held=before.contracts, quantity=c.quantity))
    if adds_exposure(before.contracts, after.contracts):
        exposure = inverse_exposure_after(
            state, symbol=c.symbol, coin=c.quote_currency, after=after, price=c.price,
            cash_delta=_sub(realized, c.fee), command=c, policy=c.policy, side=side)
        breaches = evaluate(c.policy, exposure)
        if breaches:
            return Success((RiskLimitHit(**c.envelope(0), symbol=c.symbol,
                                         quantity=c.quantity, price=c.price,
                                         breaches=breaches, position_side=side.value),))
    trade = TradeExecuted(**c.envelope(0), symbol=c.symbol, quote_currency=c.quote_currency,
                          quantity=c.quantity, price=c.price, fee=c.fee,
                          liquidity=c.liquidity.value, realized_pnl=realized,
                          position_side=side.value, contract_size=size)
    if after.contracts != 0:
        return Success((trade,))
    return Success((trade, _closed(c, c.quote_currency, before, after, side)))


def _closed(c: ExecuteTrade | ClosePosition | LiquidatePosition, coin: str,
            held: InverseState, final: InverseState, side: PositionSide) -> PositionClosed:
    """The second event of an inverse fill that ends flat: ``held`` was the leg before it;
    its ``cost_basis`` is the leg's signed value in coin at its average entry."""
    return PositionClosed(**c.envelope(1), symbol=c.symbol, quote_currency=coin,
                          realized_pnl=final.realized_pnl, fees_paid=final.fees_paid,
                          funding_paid=final.funding_paid, quantity=held.contracts,
                          cost_basis=held.entry_value, exit_price=c.price,
                          position_side=side.value, contract_size=held.contract_size)


def close_inverse(c: ClosePosition | LiquidatePosition, held: InverseHolding,
                  side: PositionSide) -> InverseDecision:
    """Close (or record the liquidation of) the whole inverse leg ``held``."""
    fills = held.fills
    quantity = CONTEXT.minus(fills.contracts)
    after, realized = book_inverse_fill(fills, Fill(quantity, c.price, c.fee))
    size = fills.contract_size
    first: Event
    if isinstance(c, ClosePosition):
        first = TradeExecuted(**c.envelope(0), symbol=c.symbol, quote_currency=held.coin,
                              quantity=quantity, price=c.price, fee=c.fee,
                              liquidity=c.liquidity.value, realized_pnl=realized,
                              position_side=side.value, contract_size=size)
    else:
        first = PositionLiquidated(**c.envelope(0), symbol=c.symbol, quote_currency=held.coin,
                                   quantity=quantity, price=c.price, fee=c.fee,
                                   realized_pnl=realized, position_side=side.value,
                                   contract_size=size)
    return Success((first, _closed(c, held.coin, fills, after, side)))


def inverse_funding(state: PortfolioState, c: ApplyFunding, first: int,
                    ) -> tuple[FundingApplied, ...]:
    """One ``FundingApplied`` per open inverse leg of the symbol (event numbers from
    ``first``): ``contracts * size / mark * rate`` in coin, booked."""
    return tuple(
        FundingApplied(**c.envelope(first + n), symbol=c.symbol, quote_currency=held.coin,
                       rate=c.rate, mark_price=c.mark_price,
                       payment=book(held.fills.position(c.mark_price).funding_payment(c.rate)),
                       position_side=held.side.value, contract_size=held.fills.contract_size)
        for n, held in enumerate(state.inverse_legs(c.symbol)))
