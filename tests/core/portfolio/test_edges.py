"""The portfolio's rules at their edges: a withdrawal or fee of exactly the cash (or the
equity, when a loss is unrealized), one cent more; which fills add exposure (opening, growing,
a reversal to a smaller opposite position) and so meet the risk limits, and which reduce it; a
negative fee (a maker rebate); the day's loss only on its own UTC day.  Found by
`make mutate` (portfolio): the worked examples sit in the middle of these ranges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TypedDict

import attrs
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

from astratrade_core.errors import DomainError
from astratrade_core.events import (
    Event,
    FeeCharged,
    FundingApplied,
    FundsDeposited,
    FundsWithdrawn,
    RiskLimitHit,
    TradeExecuted,
)
from astratrade_core.numeric import CONTEXT
from astratrade_core.portfolio import (
    EARLIEST_ISSUED_AT,
    ApplyFunding,
    ChargeFee,
    ClosePosition,
    Command,
    Deposit,
    ExecuteTrade,
    MarkPrice,
    PortfolioState,
    SetPositionMode,
    Withdraw,
    decide,
    replay,
)
from astratrade_core.portfolio.decide import exposure_after
from astratrade_core.portfolio.evolve import book, replay_decimal
from astratrade_core.risk import RiskPolicy
from astratrade_core.testing import around, utc_midnights
from astratrade_core.trading import Liquidity, PositionMode, PositionSide, PositionState

D = Decimal
T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
LOOSE = RiskPolicy(max_leverage=D("100"))
ONE_POSITION = RiskPolicy(max_leverage=D("100"), max_open_positions=0)


class Meta(TypedDict):
    command_id: str
    account_id: str
    issued_at: datetime


def _meta(n: int, at: datetime = T0) -> Meta:
    return {"command_id": f"c{n}", "account_id": "acct", "issued_at": at}


def _state(cash: str = "1000", *trades: tuple[str, str]) -> PortfolioState:
    events = list(decide(PortfolioState.EMPTY, Deposit(**_meta(0), currency="USD",
                                                       amount=D(cash))).unwrap())
    state = replay(events)
    for n, (quantity, price) in enumerate(trades, 1):
        state = replay(decide(state, _trade(n, quantity, price)).unwrap(), state)
    return state


def _trade(n: int, quantity: str, price: str, policy: RiskPolicy = LOOSE,
           fee: str = "0") -> ExecuteTrade:
    return ExecuteTrade(**_meta(n), symbol="BTCUSD", quote_currency="USD",
                        quantity=D(quantity), price=D(price), fee=D(fee), policy=policy)


@given(around(1000, places=2))
def test_withdraw_exactly_the_cash(amount: Decimal) -> None:
    got = decide(_state(), Withdraw(**_meta(9), currency="USD", amount=amount))
    if amount <= 1000:
        assert [type(e) for e in got.unwrap()] == [FundsWithdrawn]
    else:
        assert got == Failure(DomainError.rejected(
            "portfolio.insufficient_funds", f"needs {amount} USD, 1000 available",
            currency="USD", needed=amount, available=D("1000")))


@given(around(900, places=2))
def test_an_unrealized_loss_limits_a_withdrawal_to_the_equity(amount: Decimal) -> None:
    # long 10 at 100, marked at 90: unrealized -100, so cash 1000 but equity 900
    state = _state("1000", ("10", "100"))
    state = replay(decide(state, MarkPrice(**_meta(5), symbol="BTCUSD",
                                           price=D("90"))).unwrap(), state)
    assert (state.cash_of("USD"), state.equity("USD")) == (D("1000"), D("900"))
    got = decide(state, Withdraw(**_meta(9), currency="USD", amount=amount))
    if amount <= 900:
        assert isinstance(got, Success)
    else:
        assert got.failure().fields["available"] == "900"


@given(around(1000, places=2))
def test_a_fee_of_exactly_the_cash(amount: Decimal) -> None:
    got = decide(_state(), ChargeFee(**_meta(9), currency="USD", amount=amount,
                                     reason="listing"))
    if amount <= 1000:
        (event,) = got.unwrap()
        assert isinstance(event, FeeCharged) and event.amount == amount
    else:
        assert got == Failure(DomainError.rejected(
            "portfolio.insufficient_funds", f"needs {amount} USD, 1000 available",
            currency="USD", needed=amount, available=D("1000")))


@given(st.sampled_from([
    # (held, fill, adds exposure)
    ("0", "1", True), ("2", "1", True), ("2", "-1", False), ("2", "-2", False),
    ("2", "-3", True),   # reversal to a smaller opposite position (-1)
    ("2", "-5", True),   # reversal to a larger one (-3)
    ("-2", "1", False), ("-2", "-1", True), ("-2", "3", True),
]))
def test_only_fills_that_add_exposure_meet_the_limits(case: tuple[str, str, bool]) -> None:
    """With no open position allowed, a fill that opens, grows or reverses is refused
    (RiskLimitHit); a fill that reduces or closes goes through."""
    held, fill, adds = case
    state = _state("100000", (held, "100")) if held != "0" else _state("100000")
    (first, *_) = decide(state, _trade(7, fill, "100", ONE_POSITION)).unwrap()
    assert isinstance(first, RiskLimitHit if adds else TradeExecuted)


@given(around(0, places=2))
def test_a_negative_fee_is_a_rebate(fee: Decimal) -> None:
    state = _state("1000")
    events = decide(state, _trade(3, "1", "100", fee=str(fee))).unwrap()
    after = replay(events, state)
    assert after.cash_of("USD") == D("1000") - fee
    assert after.ledger("USD").fees_paid == fee


def _with_time(command: ExecuteTrade, at: datetime) -> ExecuteTrade:
    return attrs.evolve(command, issued_at=at)


@given(utc_midnights(start=datetime(2026, 5, 1).date(), span_days=3))
def test_the_day_turns_at_utc_midnight(at: datetime) -> None:
    state = _state("100000", ("1", "100"), ("-1", "90"))  # loss of 10 on 2026-05-01
    exposure = exposure_after(
        state, symbol="BTCUSD", quote_currency="USD", after=PositionState(D("1"), D("100")),
        price=D("100"), cash_delta=D("0"), command=_with_time(_trade(8, "1", "100"), at),
        policy=LOOSE)
    same_day = at.date() == T0.date()
    assert exposure.day_loss == (D("10") if same_day else D("0"))


def test_liquidity_is_recorded() -> None:
    events = decide(_state(), ExecuteTrade(**_meta(4), symbol="BTCUSD",
                                           quote_currency="USD", quantity=D("1"),
                                           price=D("100"), liquidity=Liquidity.MAKER,
                                           policy=LOOSE)).unwrap()
    assert events[0].liquidity == "maker"  # type: ignore[attr-defined]


_OFFSETS = (0, 1, 3599, 3600, 3601, 7199, 7200, 86399, 86400, 86401, 90000, 172800)


@given(st.lists(st.sampled_from(_OFFSETS), min_size=1, max_size=8))
def test_recent_trades_keep_the_last_day_whatever_the_order(offsets: list[int]) -> None:
    """Trades folded in any order (hour boundaries, the 24 h cutoff exactly) leave the sorted
    times later than the latest minus 24 h."""
    times = [T0 + timedelta(seconds=s) for s in offsets]
    events = [TradeExecuted(event_id=f"e{n}", stream_id="acct", occurred_at=t, symbol="BTCUSD",
                            quote_currency="USD", quantity=D("1") if n % 2 else D("-1"),
                            price=D("100"), fee=D("0"), liquidity="taker", realized_pnl=D("0"))
              for n, t in enumerate(times)]
    state = replay(events)
    cutoff = max(times) - timedelta(hours=24)
    assert list(state.recent_trades) == sorted(t for t in times if t > cutoff)


def test_booking_rounds_only_what_has_too_many_digits() -> None:
    third = D(1) / D(3)
    assert book(third) == D("0.3333333333333333333333333333")
    assert str(book(D("12.50"))) == "12.50"


def test_a_mark_is_the_commands_first_event() -> None:
    command = MarkPrice(**_meta(5), symbol="BTCUSD", price=D("90"))
    (event,) = decide(_state(), command).unwrap()
    assert event.event_id == command.event_id(0)


def test_other_positions_count_at_their_marks() -> None:
    state = _state("100000", ("1", "100"))
    state = replay(decide(state, ExecuteTrade(**_meta(6), symbol="ETHUSD", quote_currency="USD",
                                              quantity=D("-2"), price=D("50"),
                                              policy=LOOSE)).unwrap(), state)
    state = replay(decide(state, MarkPrice(**_meta(7), symbol="ETHUSD",
                                           price=D("40"))).unwrap(), state)
    exposure = exposure_after(
        state, symbol="BTCUSD", quote_currency="USD", after=PositionState(D("3"), D("300")),
        price=D("110"), cash_delta=D("-1"), command=_trade(8, "2", "110"), policy=LOOSE)
    # BTC: 3 held at avg 100, at 110: +30; ETH short 2 from 50, marked 40: +20
    assert exposure.cash == state.cash_of("USD") - 1
    assert exposure.equity == exposure.cash + 50
    assert exposure.gross_notional == D("330") + D("80")
    assert exposure.symbol_notional == D("330")
    assert exposure.open_positions == 2
    assert exposure.day_loss == 0
    flat = exposure_after(
        state, symbol="BTCUSD", quote_currency="USD", after=PositionState(D("0"), D("0")),
        price=D("110"), cash_delta=D("0"), command=_trade(9, "-1", "110"), policy=LOOSE)
    assert flat.open_positions == 1


def test_bad_commands_report_every_field() -> None:
    bad = attrs.evolve(_trade(1, "1", "100"), price=D("0"), fee=D("NaN"),
                       policy="loose", position_side="up")  # type: ignore[arg-type]
    error = decide(_state(), bad).failure()
    assert error.code == "portfolio.invalid_command"
    assert [(c.code, c.fields.get("field")) for c in error.causes] == [
        ("numeric.not_positive", "price"), ("numeric.not_finite", "fee"),
        ("portfolio.type", "policy"), ("portfolio.type", "position_side")]
    close = ClosePosition(**_meta(2), symbol="BTCUSD", price=D("-1"),
                          position_side="up")  # type: ignore[arg-type]
    error = decide(_state(), close).failure()
    assert [(c.code, c.fields.get("field")) for c in error.causes] == [
        ("numeric.not_positive", "price"), ("portfolio.type", "position_side")]


def test_unknown_commands_are_named() -> None:
    error = decide(_state(), "withdraw everything").failure()  # type: ignore[arg-type]
    assert (error.code, error.message, error.fields["command"]) == (
        "portfolio.unknown_command", "no rule for str", "str")


def test_a_flat_hedge_leg_names_its_side() -> None:
    state = replay(decide(_state(), SetPositionMode(**_meta(2), mode=PositionMode.HEDGE)
                          ).unwrap(), _state())
    close = ClosePosition(**_meta(3), symbol="BTCUSD", price=D("100"),
                          position_side=PositionSide.LONG)
    error = decide(state, close).failure()
    assert (error.code, error.message, dict(error.fields)) == (
        "portfolio.no_position", "no open position in BTCUSD (long leg)",
        {"symbol": "BTCUSD", "position_side": "long"})


def test_funding_records_its_mark_price() -> None:
    state = _state("1000", ("1", "100"))
    (event,) = decide(state, ApplyFunding(**_meta(4), symbol="BTCUSD", rate=D("0.0001"),
                                          mark_price=D("105"))).unwrap()
    assert (event.mark_price, event.rate) == (D("105"), D("0.0001"))  # type: ignore[attr-defined]


def test_a_refusal_records_the_refused_fill() -> None:
    (event,) = decide(_state(), _trade(5, "3", "100", ONE_POSITION)).unwrap()
    assert isinstance(event, RiskLimitHit)
    assert (event.quantity, event.price, event.symbol) == (D("3"), D("100"), "BTCUSD")


def test_a_snapshot_plus_the_tail_equals_the_full_replay() -> None:
    """Two currencies, three UTC days, trades out of order: every split point folds alike."""
    events: list[Event] = []
    state = PortfolioState.EMPTY
    commands: list[Command] = [
        Deposit(**_meta(1), currency="USD", amount=D("5000")),
        Deposit(**_meta(2), currency="EUR", amount=D("700")),
        _trade(3, "2", "100"),
        _with_time(_trade(4, "-3", "110", fee="-0.5"), T0 + timedelta(days=1)),
        ExecuteTrade(**_meta(5, T0 + timedelta(hours=30)), symbol="ETHEUR",
                     quote_currency="EUR", quantity=D("1"), price=D("50"), policy=LOOSE),
        _with_time(_trade(6, "1", "105"), T0 + timedelta(hours=2)),
        _with_time(_trade(7, "1", "90"), T0 + timedelta(days=2)),
        ChargeFee(**_meta(8, T0 + timedelta(days=2)), currency="EUR", amount=D("1"),
                  reason="listing"),
    ]
    for command in commands:
        new = decide(state, command).unwrap()
        events += new
        state = replay(new, state)
    assert replay(events) == state
    for split in range(len(events) + 1):
        assert replay(events[split:], replay(events[:split])) == state


# Edges found by `make mutate` (portfolio, second round): refusals with their messages and
# fields, the trade window's open start, a day's profit that is no loss, the events' numbers.


def _causes(error: DomainError) -> list[tuple[str, str, dict[str, str]]]:
    return [(c.code, c.message, dict(c.fields)) for c in error.causes]


@given(st.sampled_from([timedelta(0), timedelta(microseconds=-1)]))
def test_a_command_is_issued_from_1900_on(offset: timedelta) -> None:
    got = decide(_state(), attrs.evolve(_trade(1, "1", "100"),
                                        issued_at=EARLIEST_ISSUED_AT + offset))
    if offset >= timedelta(0):
        assert isinstance(got, Success)
    else:
        assert _causes(got.failure()) == [(
            "portfolio.time_range",
            "issued_at: must lie in [1900-01-01 00:00:00+00:00, 9999-01-01 00:00:00+00:00)", {})]


def test_a_blank_quote_currency_and_a_zero_contract_size_are_named() -> None:
    bad = attrs.evolve(_trade(1, "1", "100"), quote_currency=" ", contract_size=D("0"))
    assert [(c.code, c.fields["field"]) for c in decide(_state(), bad).failure().causes] == [
        ("portfolio.empty_name", "quote_currency"), ("numeric.not_positive", "contract_size")]


def test_fill_refusals_carry_their_messages_and_fields() -> None:
    held = _state("1000", ("1", "100"))
    assert decide(held, attrs.evolve(_trade(2, "1", "100"), quote_currency="EUR")) == Failure(
        DomainError.invalid("portfolio.currency_mismatch", "BTCUSD is quoted in USD, not EUR",
                            symbol="BTCUSD", held="USD", given="EUR"))
    hedge = replay(decide(_state(), SetPositionMode(**_meta(2), mode=PositionMode.HEDGE)
                          ).unwrap(), _state())
    long = attrs.evolve(_trade(3, "1", "100"), position_side=PositionSide.LONG)
    hedge = replay(decide(hedge, long).unwrap(), hedge)
    through = attrs.evolve(_trade(4, "-2", "100"), position_side=PositionSide.LONG)
    assert decide(hedge, through) == Failure(DomainError.rejected(
        "portfolio.exceeds_leg", "a fill of -2 would take the long leg of BTCUSD (1) through "
        "zero", symbol="BTCUSD", position_side="long", held=D("1"), quantity=D("-2")))


@given(st.sampled_from([timedelta(hours=24) - timedelta(microseconds=1), timedelta(hours=24)]))
def test_the_trade_window_counts_trades_after_its_start(since_last: timedelta) -> None:
    """A trade exactly one window before the command has left it; one microsecond later it
    has not (the window is 24 h by default)."""
    state = _state("1000", ("1", "100"))
    command = attrs.evolve(_trade(8, "2", "110"), issued_at=T0 + since_last)
    exposure = exposure_after(
        state, symbol="BTCUSD", quote_currency="USD", after=PositionState(D("3"), D("300")),
        price=D("110"), cash_delta=D("0"), command=command, policy=LOOSE)
    assert exposure.trades_in_window == (1 if since_last == timedelta(hours=24) else 2)


def test_a_days_profit_is_no_loss() -> None:
    state = _state("1000", ("1", "100"), ("-1", "110"))  # +10 realized today
    exposure = exposure_after(
        state, symbol="BTCUSD", quote_currency="USD", after=PositionState(D("1"), D("110")),
        price=D("110"), cash_delta=D("0"), command=_trade(9, "1", "110"), policy=LOOSE)
    assert exposure.day_loss == 0


def test_a_refusal_and_a_close_number_their_events_from_zero() -> None:
    command = _trade(5, "3", "100", ONE_POSITION)
    assert [e.event_id for e in decide(_state(), command).unwrap()] == [command.event_id(0)]
    close = ClosePosition(**_meta(6), symbol="BTCUSD", price=D("110"))
    assert [e.event_id for e in decide(_state("1000", ("1", "100")), close).unwrap()] == [
        close.event_id(0), close.event_id(1)]


def test_a_long_replay_hands_an_inexact_event_to_the_reference_fold_and_goes_on() -> None:
    """40 deposits (past SHORT_FOLD, so the integer fold runs) with one of 1E-60 in the
    middle, which the integer fold cannot hold: the state carries through it."""
    def deposit(n: int, amount: str) -> Event:
        return FundsDeposited(event_id=str(n), stream_id="acct", occurred_at=T0,
                              currency="USD", amount=D(amount))
    events = [deposit(n, "1E-60" if n == 20 else "1.00") for n in range(40)]
    state = replay(events)
    assert state.cash_of("USD") == CONTEXT.add(D("39.00"), D("1E-60"))
    assert state == replay_decimal(events)


def test_a_fold_books_a_first_fee_or_funding_in_a_currency_never_deposited() -> None:
    """A recorded stream may start with an inverse fill (its fee in the coin) or a funding
    payment: each currency starts at zero cash and an empty ledger."""
    fill = TradeExecuted(event_id="1", stream_id="acct", occurred_at=T0, symbol="BTCUSD_PERP",
                         quote_currency="BTC", quantity=D("100"), price=D("50000"),
                         fee=D("0.0001"), liquidity="taker", realized_pnl=D("0"),
                         contract_size=D("100"))
    state = replay([fill])
    assert (state.cash_of("BTC"), state.ledger("BTC").fees_paid) == (D("-0.0001"), D("0.0001"))
    funding = FundingApplied(event_id="2", stream_id="acct", occurred_at=T0, symbol="ETHUSD",
                             quote_currency="USD", rate=D("0.0001"), mark_price=D("100"),
                             payment=D("0.01"))
    state = replay([funding])
    assert (state.cash_of("USD"), state.ledger("USD").funding_paid) == (D("-0.01"), D("0.01"))
