"""Trade statistics: win rate, profit factor, expectancy, SQN, payoff ratio, streaks, holding.

A :class:`ClosedTrade` is one round trip: its net P&L (after fees) and, when known, how long it
was held.  Trades are taken in the order given, which should be the order they closed in
(streaks depend on it).  :func:`round_trips` builds them from dated fills.  With ``N`` trades,
``W`` winners (P&L > 0), ``L`` losers (P&L < 0) and the rest draws, following freqtrade's
``calculate_expectancy``, ``calculate_sqn`` and ``calc_streak`` (``freqtrade/data/metrics.py``):

* win rate ``W / N``; loss rate ``L / N``;
* gross profit ``G`` (sum of wins), gross loss ``Q`` (minus the sum of losses, positive);
  **profit factor** ``G / Q`` (``Nothing`` without a loss; freqtrade reports 0);
* average win ``G / W`` and average loss ``Q / L``; **payoff ratio** (freqtrade's
  risk/reward ratio, quantstats' ``payoff_ratio``) ``average win / average loss``, where the
  average win counts as 0 with no winner (``Nothing`` without a loss);
* **expectancy** ``win rate * average win - loss rate * average loss``, which is the mean P&L
  per trade; **expectancy ratio** ``(1 + payoff ratio) * win rate - 1`` (``Nothing`` without a
  loss; freqtrade reports 100);
* **SQN** (Van Tharp's System Quality Number, freqtrade's ``calculate_sqn``)
  ``sqrt(N) * mean(pnl) / std(pnl)`` with the sample standard deviation (``ddof = 1``);
  ``Nothing`` below two trades or when every P&L is equal (freqtrade reports -100);
* **max consecutive wins / losses**: the longest runs; a draw ends both;
* **average holding time**: the mean of the holding times, ``Nothing`` unless every trade has
  one (rounded to the microsecond, half-even, as ``timedelta`` division does).

>>> from datetime import timedelta
>>> trades = [ClosedTrade(Decimal(p), Some(timedelta(hours=h)))
...           for p, h in (("30", 2), ("-10", 1), ("-10", 3), ("20", 6))]
>>> s = trade_statistics(trades, places=4).unwrap()
>>> s.win_rate, s.profit_factor.unwrap(), s.expectancy, s.max_consecutive_losses
(Decimal('0.5000'), Decimal('2.5000'), Decimal('7.5000'), 2)
>>> s.average_holding.unwrap()
datetime.timedelta(seconds=10800)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

import attrs
from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.numeric import CONTEXT, ONE, ZERO, Rounding, parse_decimal, quantize
from astratrade_core.risk.calendar import instants_of
from astratrade_core.risk.series import DEFAULT_PLACES, Inputs, rounded
from astratrade_core.risk.stats import mean, variance
from astratrade_core.trading.fills import Fill, PositionState, apply_fill

__all__ = ["ClosedTrade", "DatedFill", "TradeStatistics", "round_trips", "trade_statistics"]

_MAX_CAUSES: Final = 10
#: Fee shares of a fill that closes one trade and opens the next keep this many places.
_FEE_PLACES: Final = 28


@attrs.frozen
class ClosedTrade:
    """One round trip: net P&L (quote currency, after fees) and its holding time if known."""

    pnl: Decimal
    holding: Maybe[timedelta] = Nothing


@attrs.frozen
class DatedFill:
    """A fill of ``symbol`` executed at ``at`` (dates of one kind, as the series' dates)."""

    symbol: str
    at: date
    fill: Fill


@attrs.frozen(kw_only=True)
class TradeStatistics:
    """The statistics of a list of closed trades (see the module docstring)."""

    trades: int
    wins: int
    losses: int
    draws: int
    win_rate: Decimal
    gross_profit: Decimal
    gross_loss: Decimal
    net_profit: Decimal
    profit_factor: Maybe[Decimal]
    average_win: Maybe[Decimal]
    average_loss: Maybe[Decimal]
    payoff_ratio: Maybe[Decimal]
    expectancy: Decimal
    expectancy_ratio: Maybe[Decimal]
    sqn: Maybe[Decimal]
    max_consecutive_wins: int
    max_consecutive_losses: int
    largest_win: Maybe[Decimal]
    largest_loss: Maybe[Decimal]
    average_holding: Maybe[timedelta]


def _validated(trades: Iterable[ClosedTrade]) -> Result[tuple[ClosedTrade, ...], DomainError]:
    good: list[ClosedTrade] = []
    bad: list[DomainError] = []
    for index, trade in enumerate(trades):
        match parse_decimal(trade.pnl, f"trades[{index}].pnl"):
            case Success(pnl):
                good.append(ClosedTrade(pnl, trade.holding))
            case Failure(problem):
                bad.append(problem)
        match trade.holding:
            case Some(held) if not isinstance(held, timedelta) or held < timedelta(0):
                bad.append(DomainError.invalid(
                    "risk.trades.holding", "a holding time must be a non-negative timedelta",
                    field=f"trades[{index}].holding"))
            case _:
                pass
    if bad:
        return Failure(DomainError.all_of("risk.trades.invalid", bad[:_MAX_CAUSES]))
    if not good:
        return Failure(DomainError.invalid("risk.trades.empty", "there are no closed trades"))
    return Success(tuple(good))


def trade_statistics(trades: Iterable[ClosedTrade], *, places: int = DEFAULT_PLACES,
                     rounding: Rounding = Rounding.HALF_EVEN,
                     ) -> Result[TradeStatistics, DomainError]:
    """Every statistic of at least one closed trade, rounded once to ``places``.

    >>> trade_statistics([]).failure().code
    'risk.trades.empty'
    """
    check = Inputs()
    digits = check.places(places)
    return check.then(lambda: _validated(trades).map(
        lambda valid: statistics_of(valid, digits, rounding)))


def _longest_runs(pnls: tuple[Decimal, ...]) -> tuple[int, int]:
    best_wins = best_losses = wins = losses = 0
    for pnl in pnls:
        wins = wins + 1 if pnl > 0 else 0
        losses = losses + 1 if pnl < 0 else 0
        best_wins, best_losses = max(best_wins, wins), max(best_losses, losses)
    return best_wins, best_losses


def statistics_of(trades: tuple[ClosedTrade, ...], places: int,
                  rounding: Rounding) -> TradeStatistics:
    """The statistics of validated trades (at least one)."""
    def out(value: Decimal) -> Decimal:
        return rounded(value, places, rounding)

    div, add, mul, sub = CONTEXT.divide, CONTEXT.add, CONTEXT.multiply, CONTEXT.subtract
    pnls = tuple(t.pnl for t in trades)
    winners = [p for p in pnls if p > 0]
    losers = [p for p in pnls if p < 0]
    n = Decimal(len(pnls))
    gross_profit = sum(winners, ZERO)
    gross_loss = CONTEXT.minus(sum(losers, ZERO))
    average_win = div(gross_profit, Decimal(len(winners))) if winners else ZERO
    average_loss = div(gross_loss, Decimal(len(losers))) if losers else None
    win_rate = div(Decimal(len(winners)), n)
    payoff = None if average_loss is None else div(average_win, average_loss)
    spread = variance(pnls, 1) if len(pnls) > 1 else ZERO
    sqn = (None if spread.is_zero()
           else mul(CONTEXT.sqrt(n), div(mean(pnls), CONTEXT.sqrt(spread))))
    runs = _longest_runs(pnls)
    holdings = [t.holding.value_or(None) for t in trades]
    known = [h for h in holdings if h is not None]
    held: Maybe[timedelta] = (Some(sum(known, timedelta(0)) / len(known))
                              if len(known) == len(holdings) else Nothing)

    def maybe(value: Decimal | None) -> Maybe[Decimal]:
        return Nothing if value is None else Some(out(value))

    return TradeStatistics(
        trades=len(pnls), wins=len(winners), losses=len(losers),
        draws=len(pnls) - len(winners) - len(losers),
        win_rate=out(win_rate),
        gross_profit=out(gross_profit), gross_loss=out(gross_loss),
        net_profit=out(sub(gross_profit, gross_loss)),
        profit_factor=maybe(None if not losers else div(gross_profit, gross_loss)),
        average_win=maybe(average_win if winners else None),
        average_loss=maybe(average_loss),
        payoff_ratio=maybe(payoff),
        expectancy=out(mean(pnls)),
        expectancy_ratio=maybe(None if payoff is None
                               else sub(mul(add(ONE, payoff), win_rate), ONE)),
        sqn=maybe(sqn),
        max_consecutive_wins=runs[0], max_consecutive_losses=runs[1],
        largest_win=maybe(max(winners) if winners else None),
        largest_loss=maybe(CONTEXT.minus(min(losers)) if losers else None),
        average_holding=held,
    )


def round_trips(fills: Iterable[DatedFill]) -> Result[tuple[ClosedTrade, ...], DomainError]:
    """Closed trades from fills, per symbol, in closing order (average-cost accounting).

    A trade opens when a symbol's position leaves zero and closes when it returns to zero; a
    fill that reverses the position closes one trade and opens the next, its fee shared by
    quantity (the closing share rounded half-even to 28 places, the rest to the new trade).
    A trade's P&L is its realized price P&L minus its fees; its holding time runs from its
    first fill to its last.  A position still open at the end is not a trade yet.

    >>> from datetime import datetime
    >>> fills = [DatedFill("BTC", datetime(2026, 1, 1, 9), Fill(Decimal("1"), Decimal("100"),
    ...                                                         Decimal("1"))),
    ...          DatedFill("BTC", datetime(2026, 1, 1, 15), Fill(Decimal("-1"), Decimal("110"),
    ...                                                          Decimal("1")))]
    >>> [(t.pnl, t.holding.value_or(None)) for t in round_trips(fills).unwrap()]
    [(Decimal('8'), datetime.timedelta(seconds=21600))]
    """
    given = list(fills)
    return instants_of([f.at for f in given]).map(lambda instants: _fold(
        [fill for _, _, fill in sorted(zip(instants, range(len(given)), given, strict=True),
                                       key=lambda item: (item[0], item[1]))]))


def _fold(fills: list[DatedFill]) -> tuple[ClosedTrade, ...]:
    states: dict[str, PositionState] = {}
    opened: dict[str, tuple[date, Decimal]] = {}   # symbol -> (opened at, P&L so far)
    closed: list[tuple[date, int, ClosedTrade]] = []
    for order, dated in enumerate(fills):
        state = states.get(dated.symbol, PositionState.FLAT)
        fill = dated.fill
        before = state.quantity
        state, realized = apply_fill(state, fill)
        states[dated.symbol] = state
        start, running = opened.get(dated.symbol, (dated.at, ZERO))
        if before.is_zero():
            opened[dated.symbol] = (dated.at, CONTEXT.minus(fill.fee))
            continue
        crosses = (before > 0) != (state.quantity > 0) and not state.quantity.is_zero()
        closing_fee = fill.fee
        if crosses:
            share = CONTEXT.divide(CONTEXT.abs(before), CONTEXT.abs(fill.quantity))
            closing_fee = quantize(CONTEXT.multiply(fill.fee, share), _FEE_PLACES,
                                   Rounding.HALF_EVEN)
        running = CONTEXT.subtract(CONTEXT.add(running, realized), closing_fee)
        if state.quantity.is_zero() or crosses:
            closed.append((dated.at, order, ClosedTrade(running, Some(dated.at - start))))
            opened.pop(dated.symbol)
            if crosses:
                opened[dated.symbol] = (dated.at,
                                        CONTEXT.minus(CONTEXT.subtract(fill.fee, closing_fee)))
        else:
            opened[dated.symbol] = (start, running)
    return tuple(trade for _, _, trade in closed)
