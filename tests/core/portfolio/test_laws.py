"""Laws of the portfolio, property-tested: replay equivalences, exact equity reconciliation,
cash discipline, and a state machine driving random command sequences."""

from __future__ import annotations

import decimal
import functools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from returns.result import Success

from astratrade_core.events import (
    PLATFORM_EVENTS,
    Event,
    RiskLimitHit,
    TradeExecuted,
    decode,
    encode,
)
from astratrade_core.numeric import CONTEXT
from astratrade_core.portfolio import (
    TRADE_MEMORY,
    ApplyFunding,
    ClosePosition,
    Command,
    Deposit,
    ExecuteTrade,
    LiquidatePosition,
    PortfolioState,
    TradeTimes,
    decide,
    evolve,
    replay,
)
from astratrade_core.risk import RiskPolicy
from astratrade_core.testing import hostile_contexts, portfolio_commands, positive_decimals
from astratrade_core.trading import PositionMode, PositionSide

T0 = datetime(2026, 5, 1, tzinfo=UTC)
MAX_OPEN = 2
POLICY = RiskPolicy(max_leverage=Decimal("20"), max_open_positions=MAX_OPEN,
                    max_trades_per_window=40, daily_loss_limit=Decimal("5000"))


def commands(n: int = 0) -> st.SearchStrategy[Command]:
    """Any portfolio command, valid or not for the state it will meet, under ``POLICY``."""
    return portfolio_commands(n, POLICY, T0)


def _run(command_list: Sequence[Command]) -> list[Event]:
    """Decide every command in turn against the evolving state; keep the accepted events."""
    state = PortfolioState.EMPTY
    events: list[Event] = []
    for command in command_list:
        result = decide(state, command)
        if isinstance(result, Success):
            decided = result.unwrap()
            events.extend(decided)
            state = replay(decided, state)
    return events


def _funded(currency: str, amount: Decimal) -> Command:
    return Deposit(command_id=f"seed-{currency}", account_id="acct", issued_at=T0,
                   currency=currency, amount=amount)


def _funding_of(currency: str) -> st.SearchStrategy[Command]:
    return positive_decimals(20_000, 2).map(lambda amount: _funded(currency, amount))


# Most sequences start funded, so trades get past the cash and leverage checks.
command_lists = st.tuples(
    st.lists(st.sampled_from(["USD", "EUR"]), unique=True).flatmap(
        lambda cs: st.tuples(*[_funding_of(c) for c in cs])),
    st.integers(1, 25).flatmap(lambda size: st.tuples(*[commands(n) for n in range(size)])),
).map(lambda parts: parts[0] + parts[1])


@settings(max_examples=60)
@given(command_lists, st.data())
def test_replay_from_any_snapshot_equals_replay_of_everything(cmds: tuple[Command, ...],
                                                              data: st.DataObject) -> None:
    events = _run(cmds)
    cut = data.draw(st.integers(0, len(events)))
    snapshot = replay(events[:cut])
    assert replay(events[cut:], snapshot) == replay(events)


@settings(max_examples=60)
@given(command_lists)
def test_the_fast_fold_equals_evolve_one_event_at_a_time(cmds: tuple[Command, ...]) -> None:
    events = _run(cmds)
    assert functools.reduce(evolve, events, PortfolioState.EMPTY) == replay(events)


@settings(max_examples=60)
@given(command_lists)
def test_equity_reconciles_exactly(cmds: tuple[Command, ...]) -> None:
    state = replay(_run(cmds))
    for currency in state.currencies():
        ledger = state.ledger(currency)
        unrealized = state.unrealized_pnl(currency)
        # Cash is exact (booked amounts); unrealized P&L may carry a partial close's
        # 120-digit cost basis, so equity is that one CONTEXT sum on both sides.
        assert state.cash_of(currency) == ledger.expected_cash
        assert state.equity(currency) == CONTEXT.add(ledger.expected_cash, unrealized)


@settings(max_examples=60)
@given(command_lists)
def test_decided_events_survive_the_codec(cmds: tuple[Command, ...]) -> None:
    for event in _run(cmds):
        assert decode(encode(event), PLATFORM_EVENTS) == Success(event)


@settings(max_examples=50)
@given(command_lists, hostile_contexts())
def test_results_do_not_depend_on_the_callers_context(cmds: tuple[Command, ...],
                                                       ctx: decimal.Context) -> None:
    expected = _run(cmds)
    final = replay(expected)
    views = [(final.equity(c), final.unrealized_pnl(c), final.gross_notional(c),
              final.ledger(c).expected_cash) for c in sorted(final.currencies())]
    with decimal.localcontext(ctx):
        events = _run(cmds)
        state = replay(events)
        stepped = functools.reduce(evolve, events, PortfolioState.EMPTY)
        hostile_views = [(state.equity(c), state.unrealized_pnl(c), state.gross_notional(c),
                          state.ledger(c).expected_cash) for c in sorted(state.currencies())]
        encoded = [encode(e) for e in events]
    assert events == expected
    assert state == stepped == final
    assert hostile_views == views
    assert encoded == [encode(e) for e in expected]


# Commands that may move cash below zero: realized losses and funding of open positions.
RISK_REDUCING = (ClosePosition, LiquidatePosition, ApplyFunding)


class PortfolioMachine(RuleBasedStateMachine):
    """Random command sequences; every step keeps the invariants below."""

    def __init__(self) -> None:
        super().__init__()
        self.state = PortfolioState.EMPTY
        self.events: list[Event] = []
        self.n = 0

    def _submit(self, command: Command) -> None:
        before = self.state
        result = decide(before, command)
        if not isinstance(result, Success):
            return
        decided = result.unwrap()
        after = replay(decided, before)
        if any(isinstance(e, RiskLimitHit) for e in decided):
            assert len(decided) == 1
            assert isinstance(command, ExecuteTrade)
            assert after == before  # the refusal is recorded; nothing else changes
        for currency in after.currencies():
            went_down = after.cash_of(currency) < before.cash_of(currency)
            if after.cash_of(currency) < 0 and went_down:
                reduced = isinstance(command, ExecuteTrade) and (
                    abs(after.position(command.symbol, command.position_side).quantity)
                    < abs(before.position(command.symbol, command.position_side).quantity))
                assert isinstance(command, RISK_REDUCING) or reduced, command
        self.events.extend(decided)
        self.state = after

    @rule(data=st.data())
    def any_command(self, data: st.DataObject) -> None:
        self.n += 1
        self._submit(data.draw(commands(self.n)))

    @rule(amount=positive_decimals(10_000, 2))
    def deposit(self, amount: Decimal) -> None:
        self.n += 1
        self._submit(Deposit(command_id=f"d{self.n}", account_id="acct", issued_at=T0,
                             currency="USD", amount=amount))

    @invariant()
    def replays_to_the_same_state(self) -> None:
        assert replay(self.events) == self.state

    @invariant()
    def reconciles(self) -> None:
        for currency in self.state.currencies():
            assert self.state.cash_of(currency) == self.state.ledger(currency).expected_cash

    @invariant()
    def only_open_positions_are_held(self) -> None:
        assert all(p.fills.quantity != 0 for p in self.state.positions.values())
        assert self.state.open_positions() <= MAX_OPEN

    @invariant()
    def legs_suit_the_mode_and_never_cross_zero(self) -> None:
        for (symbol, side), held in self.state.positions.items():
            assert (symbol, side) == held.key
            assert (side is PositionSide.BOTH) == (self.state.mode is PositionMode.ONE_WAY)
            assert side is not PositionSide.LONG or held.fills.quantity > 0
            assert side is not PositionSide.SHORT or held.fills.quantity < 0

    @invariant()
    def recent_trades_are_sorted_and_within_a_day(self) -> None:
        times = tuple(self.state.recent_trades)
        assert self.state.recent_trades == TradeTimes.of(times)  # sorted, canonically grouped
        assert list(times) == sorted(times)
        assert all(times[-1] - t < timedelta(hours=24) for t in times)


PortfolioMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=30)
TestPortfolioMachine = PortfolioMachine.TestCase


moments = st.integers(0, 3 * 24 * 3600).map(lambda s: T0 + timedelta(seconds=s))


@given(st.lists(moments, max_size=30), moments)
def test_trade_times_count_and_group_like_a_sorted_list(times: list[datetime],
                                                        since: datetime) -> None:
    grouped = TradeTimes.of(times)
    assert list(grouped) == sorted(times)
    assert grouped.count_after(since) == sum(1 for t in times if t > since)
    assert all(len({(t.date(), t.hour) for t in hour}) == 1 for hour in grouped.hours)


# Trade times in any order: a pool of instants (so ties occur), shown in any UTC offset.
_instants = st.lists(st.integers(0, 3 * 24 * 3600), min_size=1, max_size=12, unique=True)
_offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


def _trades(times: Sequence[datetime], prefix: str) -> list[Event]:
    return [TradeExecuted(event_id=f"{prefix}{i}", stream_id="acct", occurred_at=t,
                          symbol="BTCUSD", quote_currency="USD", quantity=Decimal(1),
                          price=Decimal(100), fee=Decimal(0), liquidity="taker",
                          realized_pnl=Decimal(0))
            for i, t in enumerate(times)]


@st.composite
def _times(draw: st.DrawFn, pool: list[int]) -> list[datetime]:
    picks = draw(st.lists(st.sampled_from(pool), max_size=40))
    return [(T0 + timedelta(seconds=s)).astimezone(draw(_offsets)) for s in picks]


@settings(max_examples=200)
@given(_instants.flatmap(lambda pool: st.tuples(_times(pool), _times(pool))))
def test_trades_out_of_time_order_fold_to_the_reference_times(
        parts: tuple[list[datetime], list[datetime]]) -> None:
    # the reference semantics: every trade time within TRADE_MEMORY of the latest one,
    # sorted and grouped by UTC hour, whatever order the trades arrived in
    first, second = parts
    snapshot = replay(_trades(first, "a"))
    after = replay(_trades(second, "b"), snapshot)
    everything = [*first, *second]
    if not everything:
        assert after.recent_trades == TradeTimes.EMPTY
        return
    latest = max(everything)
    assert after.recent_trades == TradeTimes.of(
        t for t in everything if t > latest - TRADE_MEMORY)
    assert after == replay(_trades(first, "a") + _trades(second, "b"))
    assert after == functools.reduce(evolve, _trades(second, "b"), snapshot)


def test_a_late_trade_joins_its_own_hour() -> None:
    # 09:59 and 10:30 are held; a late 10:10 joins the 10:00 hour, a late 08:00 opens one
    # before it, and 07:00 on the previous day falls outside the 24 hours kept
    held = [T0.replace(hour=9, minute=59), T0.replace(hour=10, minute=30)]
    late = [T0.replace(hour=10, minute=10), T0.replace(hour=8),
            T0.replace(hour=10, minute=30) - TRADE_MEMORY]
    state = replay(_trades(late, "b"), replay(_trades(held, "a")))
    assert state.recent_trades.hours == (
        (T0.replace(hour=8),), (T0.replace(hour=9, minute=59),),
        (T0.replace(hour=10, minute=10), T0.replace(hour=10, minute=30)))
