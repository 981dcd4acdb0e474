"""Laws of the portfolio, property-tested: replay equivalences, exact equity reconciliation,
cash discipline, and a state machine driving random command sequences."""

from __future__ import annotations

import decimal
import functools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TypedDict

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from returns.result import Success

from astratrade_core.events import PLATFORM_EVENTS, Event, RiskLimitHit, decode, encode
from astratrade_core.numeric import CONTEXT
from astratrade_core.portfolio import (
    ApplyFunding,
    ChargeFee,
    ClosePosition,
    Command,
    Deposit,
    ExecuteTrade,
    LiquidatePosition,
    MarkPrice,
    PortfolioState,
    TradeTimes,
    Withdraw,
    decide,
    evolve,
    replay,
)
from astratrade_core.risk import RiskPolicy
from astratrade_core.testing import decimals, hostile_contexts, positive_decimals
from astratrade_core.trading import Liquidity

T0 = datetime(2026, 5, 1, tzinfo=UTC)
SYMBOLS = {"BTCUSD": "USD", "ETHUSD": "USD", "BTCEUR": "EUR"}
MAX_OPEN = 2
POLICY = RiskPolicy(max_leverage=Decimal("20"), max_open_positions=MAX_OPEN,
                    max_trades_per_window=40, daily_loss_limit=Decimal("5000"))

prices = positive_decimals(max_value=1000, places=2)
quantities = decimals(-5, 5, places=3).filter(lambda q: q != 0)
fees = decimals(-1, 5, places=2)


class Meta(TypedDict):
    command_id: str
    account_id: str
    issued_at: datetime


@st.composite
def commands(draw: st.DrawFn, n: int = 0) -> Command:
    """Any portfolio command, valid or not for the state it will meet."""
    minutes = draw(st.integers(0, 3 * 24 * 60))
    meta: Meta = {"command_id": f"c{n}", "account_id": "acct",
            "issued_at": T0 + timedelta(minutes=minutes)}
    symbol = draw(st.sampled_from(sorted(SYMBOLS)))
    currency = draw(st.sampled_from(["USD", "EUR"]))
    kind = draw(st.sampled_from(["deposit", "withdraw", "fee", "trade", "trade", "trade",
                                 "close", "liquidate", "funding", "mark"]))
    command: Command
    if kind == "deposit":
        command = Deposit(**meta, currency=currency,
                          amount=draw(positive_decimals(100_000, 2)))
    elif kind == "withdraw":
        command = Withdraw(**meta, currency=currency,
                           amount=draw(positive_decimals(50_000, 2)))
    elif kind == "fee":
        command = ChargeFee(**meta, currency=currency,
                            amount=draw(positive_decimals(100, 2)), reason="platform")
    elif kind == "trade":
        command = ExecuteTrade(**meta, symbol=symbol,
                               quote_currency=SYMBOLS[symbol], quantity=draw(quantities),
                               price=draw(prices), fee=draw(fees), policy=POLICY,
                               liquidity=draw(st.sampled_from(Liquidity)))
    elif kind == "close":
        command = ClosePosition(**meta, symbol=symbol,
                                price=draw(prices), fee=draw(fees))
    elif kind == "liquidate":
        command = LiquidatePosition(**meta, symbol=symbol,
                                    price=draw(prices), fee=draw(decimals(0, 5, 2)))
    elif kind == "funding":
        command = ApplyFunding(**meta, symbol=symbol,
                               rate=draw(decimals(Decimal("-0.001"), Decimal("0.001"), 6)),
                               mark_price=draw(prices))
    else:
        command = MarkPrice(**meta, symbol=symbol, price=draw(prices))
    return command


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
                    abs(after.position(command.symbol).quantity)
                    < abs(before.position(command.symbol).quantity))
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
