"""Worked examples of the portfolio's rules, every number computed by hand in the comments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TypedDict

from returns.result import Failure

from astratrade_core.events import (
    PLATFORM_EVENTS,
    Event,
    FeeCharged,
    FundingApplied,
    FundsDeposited,
    FundsWithdrawn,
    PositionClosed,
    PositionLiquidated,
    PriceMarked,
    TradeExecuted,
    decode,
)
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
    Withdraw,
    decide,
    replay,
)
from astratrade_core.risk import RiskPolicy
from astratrade_core.trading import Liquidity, PositionSide

D = Decimal
T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
LOOSE = RiskPolicy(max_leverage=D("10"))
_ids = iter(range(1_000_000))


class Meta(TypedDict):
    command_id: str
    account_id: str
    issued_at: datetime


def _at(minutes: int = 0) -> Meta:
    return {"command_id": f"c{next(_ids)}", "account_id": "acct",
            "issued_at": T0 + timedelta(minutes=minutes)}


def _apply(state: PortfolioState, command: Command) -> tuple[PortfolioState, Sequence[Event]]:
    events = decide(state, command).unwrap()
    return replay(events, state), events


def test_a_trading_day_end_to_end() -> None:
    s = PortfolioState.EMPTY
    s, _ = _apply(s, Deposit(**_at(), currency="USD", amount=D("10000")))
    # Buy 2 @ 30000, fee 12 (2 bps of 60000): 60000 / 9988 = 6.007x <= 10x.
    s, ev = _apply(s, ExecuteTrade(**_at(1), symbol="BTCUSD", quote_currency="USD",
                                   quantity=D("2"), price=D("30000"), fee=D("12"),
                                   policy=LOOSE))
    assert [type(e) for e in ev] == [TradeExecuted]
    assert s.cash_of("USD") == D("9988")
    # Mark 31000: unrealized 2 * (31000 - 30000) = 2000; equity 11988.
    s, _ = _apply(s, MarkPrice(**_at(2), symbol="BTCUSD", price=D("31000")))
    assert (s.unrealized_pnl("USD"), s.equity("USD")) == (D("2000"), D("11988"))
    # Sell 0.5 @ 32000, fee 3.2, maker: realizes 0.5 * (32000 - 30000) = 1000;
    # cash 9988 + 1000 - 3.2 = 10984.8; 1.5 left at average 30000.
    s, ev = _apply(s, ExecuteTrade(**_at(3), symbol="BTCUSD", quote_currency="USD",
                                   quantity=D("-0.5"), price=D("32000"), fee=D("3.2"),
                                   liquidity=Liquidity.MAKER, policy=LOOSE))
    trade = ev[0]
    assert isinstance(trade, TradeExecuted)
    assert (trade.realized_pnl, trade.liquidity) == (D("1000"), "maker")
    assert s.cash_of("USD") == D("10984.8")
    assert s.position("BTCUSD").average_entry_price == D("30000")
    # Funding at +1 bp on mark 32000: 1.5 * 32000 * 0.0001 = 4.8 paid; cash 10980.0.
    s, ev = _apply(s, ApplyFunding(**_at(4), symbol="BTCUSD", rate=D("0.0001"),
                                   mark_price=D("32000")))
    assert isinstance(ev[0], FundingApplied)
    assert ev[0].payment == D("4.8")
    assert s.cash_of("USD") == D("10980.0")
    # Sell 2.5 @ 29000: closes 1.5 (1.5 * (29000 - 30000) = -1500), opens 1 short @ 29000.
    s, ev = _apply(s, ExecuteTrade(**_at(5), symbol="BTCUSD", quote_currency="USD",
                                   quantity=D("-2.5"), price=D("29000"), policy=LOOSE))
    assert [type(e) for e in ev] == [TradeExecuted]
    assert s.cash_of("USD") == D("9480.0")
    assert (s.position("BTCUSD").quantity, s.position("BTCUSD").average_entry_price) == (
        D("-1"), D("29000"))
    # Close @ 28000, fee 2.8: the short gains 1 * (29000 - 28000) = 1000; cash 10477.2.
    s, ev = _apply(s, ClosePosition(**_at(6), symbol="BTCUSD", price=D("28000"),
                                    fee=D("2.8")))
    close, closed = ev
    assert isinstance(close, TradeExecuted)
    assert isinstance(closed, PositionClosed)
    assert (close.quantity, close.realized_pnl) == (D("1"), D("1000"))
    # Lifetime: realized 1000 - 1500 + 1000 = 500; fees 12 + 3.2 + 0 + 2.8 = 18; funding 4.8.
    assert (closed.realized_pnl, closed.fees_paid, closed.funding_paid) == (
        D("500"), D("18.0"), D("4.8"))
    assert s.cash_of("USD") == D("10477.2")
    assert s.open_positions() == 0
    assert ("BTCUSD", PositionSide.BOTH) not in s.positions
    # Ledger: 10000 + 500 - 18 - 4.8 = 10477.2, the cash exactly.
    ledger = s.ledger("USD")
    assert (ledger.deposited, ledger.realized_pnl, ledger.fees_paid, ledger.funding_paid) == (
        D("10000"), D("500"), D("18.0"), D("4.8"))
    assert ledger.expected_cash == s.cash_of("USD")
    # Withdrawing one cent more than the cash is refused; the exact cash is not.
    too_much = decide(s, Withdraw(**_at(7), currency="USD", amount=D("10477.21")))
    assert too_much.failure().code == "portfolio.insufficient_funds"
    s, ev = _apply(s, Withdraw(**_at(8), currency="USD", amount=D("10477.2")))
    assert isinstance(ev[0], FundsWithdrawn)
    assert s.cash_of("USD") == 0


def test_event_identity_comes_from_the_command() -> None:
    command = Deposit(**_at(), currency="EUR", amount=D("5"))
    (event,) = decide(PortfolioState.EMPTY, command).unwrap()
    assert isinstance(event, FundsDeposited)
    assert (event.event_id, event.stream_id, event.occurred_at) == (
        f"{command.command_id}:0", "acct", T0)


def test_a_liquidation_closes_everything_and_charges_its_fee() -> None:
    s, _ = _apply(PortfolioState.EMPTY, Deposit(**_at(), currency="USD", amount=D("1000")))
    s, _ = _apply(s, ExecuteTrade(**_at(), symbol="ETHUSD", quote_currency="USD",
                                  quantity=D("4"), price=D("2000"), policy=LOOSE))
    # 4 * (1760 - 2000) = -960 realized, fee 10: cash 1000 - 960 - 10 = 30.
    s, ev = _apply(s, LiquidatePosition(**_at(), symbol="ETHUSD", price=D("1760"),
                                        fee=D("10")))
    liquidated, closed = ev
    assert isinstance(liquidated, PositionLiquidated)
    assert isinstance(closed, PositionClosed)
    assert (liquidated.quantity, liquidated.realized_pnl) == (D("-4"), D("-960"))
    assert (closed.quantity, closed.cost_basis, closed.exit_price) == (D("4"), D("8000"),
                                                                       D("1760"))
    assert s.cash_of("USD") == D("30")
    assert s.open_positions() == 0


def test_a_fill_that_ends_flat_also_closes_the_position() -> None:
    s, _ = _apply(PortfolioState.EMPTY, Deposit(**_at(), currency="USD", amount=D("100")))
    s, _ = _apply(s, ExecuteTrade(**_at(), symbol="X", quote_currency="USD", quantity=D("1"),
                                  price=D("50"), policy=LOOSE))
    s, ev = _apply(s, ExecuteTrade(**_at(), symbol="X", quote_currency="USD",
                                   quantity=D("-1"), price=D("55"), policy=LOOSE))
    assert [type(e) for e in ev] == [TradeExecuted, PositionClosed]
    assert s.cash_of("USD") == D("105")  # 100 + 1 * (55 - 50)
    closed = ev[1]
    assert isinstance(closed, PositionClosed)
    # What the position was when the closing fill came: long 1 bought for 50, sold at 55.
    assert (closed.quantity, closed.cost_basis, closed.exit_price) == (D("1"), D("50"), D("55"))


def test_version_one_position_closed_records_upcast_without_the_position() -> None:
    v1 = (b'{"event_id":"c:1","occurred_at":"2026-05-01T09:00:00.000000Z","payload":'
          b'{"fees_paid":"1","funding_paid":"0","quote_currency":"USD","realized_pnl":"5",'
          b'"symbol":"X"},"stream_id":"acct","type":"PositionClosed","version":1}')
    closed = decode(v1, PLATFORM_EVENTS).unwrap()
    assert isinstance(closed, PositionClosed) and closed.schema_version == 4
    assert (closed.realized_pnl, closed.quantity, closed.cost_basis, closed.exit_price,
            closed.position_side) == (D("5"), None, None, None, "both")


def test_fees_outside_fills_need_cash() -> None:
    s, _ = _apply(PortfolioState.EMPTY, Deposit(**_at(), currency="USD", amount=D("3")))
    s, ev = _apply(s, ChargeFee(**_at(), currency="USD", amount=D("2.5"), reason="withdrawal"))
    assert isinstance(ev[0], FeeCharged)
    assert (s.cash_of("USD"), s.ledger("USD").fees_paid) == (D("0.5"), D("2.5"))
    refused = decide(s, ChargeFee(**_at(), currency="USD", amount=D("0.51"), reason="x"))
    assert refused.failure().fields["available"] == "0.5"


def test_commands_on_missing_positions_fail() -> None:
    for command in (ClosePosition(**_at(), symbol="NOPE", price=D("1")),
                    LiquidatePosition(**_at(), symbol="NOPE", price=D("1")),
                    ApplyFunding(**_at(), symbol="NOPE", rate=D("0.01"), mark_price=D("1"))):
        assert decide(PortfolioState.EMPTY, command).failure().code == "portfolio.no_position"


def test_a_symbol_keeps_its_quote_currency() -> None:
    s, _ = _apply(PortfolioState.EMPTY, Deposit(**_at(), currency="USD", amount=D("100")))
    s, _ = _apply(s, ExecuteTrade(**_at(), symbol="X", quote_currency="USD", quantity=D("1"),
                                  price=D("50"), policy=LOOSE))
    other = ExecuteTrade(**_at(), symbol="X", quote_currency="EUR", quantity=D("1"),
                         price=D("50"), policy=LOOSE)
    assert decide(s, other).failure().code == "portfolio.currency_mismatch"


def test_every_malformed_value_is_reported_at_once() -> None:
    bad = ExecuteTrade(command_id="c", account_id="a", issued_at=datetime(2026, 1, 1),
                       symbol=" ", quote_currency="USD", quantity=D("0"), price=D("-1"),
                       fee=D("NaN"), policy=LOOSE)
    result = decide(PortfolioState.EMPTY, bad)
    assert isinstance(result, Failure)
    assert result.failure().code == "portfolio.invalid_command"
    assert result.failure().codes() == ("portfolio.empty_name", "portfolio.zero_quantity",
                                        "numeric.not_positive", "numeric.not_finite",
                                        "portfolio.naive_time")
    assert decide(PortfolioState.EMPTY, Deposit(**_at(), currency="USD",
                                                amount=D("1E+30"))).failure().codes() == (
        "numeric.out_of_bounds",)


def test_marks_are_recorded() -> None:
    s, ev = _apply(PortfolioState.EMPTY, MarkPrice(**_at(), symbol="X", price=D("1.5")))
    assert isinstance(ev[0], PriceMarked)
    assert s.mark("X") == D("1.5")
    assert decide(s, MarkPrice(**_at(), symbol="X", price=D("0"))).failure().codes() == (
        "numeric.not_positive",)
