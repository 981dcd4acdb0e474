"""The platform ledger aggregate and the revenue policies that feed it: worked examples, the
aggregate laws, and reconciliation with a projection of every stream."""

from __future__ import annotations

import decimal
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from astratrade_core.aggregate import Stream, handle
from astratrade_core.errors import ErrorKind
from astratrade_core.events.envelope import Event
from astratrade_core.events.revenue import (
    MarketplaceSale,
    NFTMinted,
    RevenueBooked,
    SubscriptionCancelled,
    SubscriptionCharged,
    TradingFeeCollected,
)
from astratrade_core.events.trading import PositionLiquidated, PriceMarked, TradeExecuted
from astratrade_core.policies import platform_revenue, trading_fee_revenue
from astratrade_core.revenue.fees import Liquidity
from astratrade_core.revenue.ledger import Period, RevenueStream, project_ledger
from astratrade_core.revenue.platform_ledger import (
    PLATFORM_LEDGER,
    BookRevenue,
    RecordTradingFee,
)
from astratrade_core.testing import hostile_contexts, revenue_events
from astratrade_core.testing.revenue import handled, hostile_commands, ledger_commands
from tests.core.revenue import laws

T = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
D = Decimal


def fill(fee: str, liquidity: str = "taker", n: int = 1) -> TradeExecuted:
    return TradeExecuted(event_id=f"c-{n}:0", stream_id="ann", occurred_at=T, symbol="ETHUSD",
                         quote_currency="USD", quantity=D("-2"), price=D("3000.50"),
                         fee=D(fee), liquidity=liquidity, realized_pnl=D("0"))


def test_a_fill_records_its_fee_in_the_ledger() -> None:
    (dispatch,) = trading_fee_revenue(fill("-0.60", "maker"))
    command = dispatch.command
    assert isinstance(command, RecordTradingFee)
    assert (dispatch.aggregate, dispatch.stream_id) == ("platform-ledger", "platform-fees")
    # |-2| * 3000.50 = 6001.00; a maker rebate is negative revenue.
    assert (command.command_id, command.account_id, command.notional, command.fee,
            command.liquidity, command.currency) == (
        "fee:c-1:0", "ann", D("6001.00"), D("-0.60"), Liquidity.MAKER, "USD")
    stream, (collected,) = handle(PLATFORM_LEDGER, Stream.empty(PLATFORM_LEDGER),
                                  command).unwrap()
    assert isinstance(collected, TradingFeeCollected)
    assert (collected.event_id, collected.occurred_at, collected.liquidity) == (
        "fee:c-1:0:0", T, "maker")
    assert stream.state.by_period("USD") == {"2026-03": D("-0.60")}
    # The policy re-run (a restarted worker) makes the same command: the ledger ignores it.
    (again,) = trading_fee_revenue(fill("-0.60", "maker"))
    assert again.command == command
    assert handle(PLATFORM_LEDGER, stream, command).unwrap() == (stream, ())


def test_liquidation_fees_are_taker_fees_and_zero_fees_are_no_revenue() -> None:
    liquidated = PositionLiquidated(event_id="l-1:0", stream_id="bob", occurred_at=T,
                                    symbol="BTCUSD", quote_currency="USD", quantity=D("0.1"),
                                    price=D("25000"), fee=D("12.50"), realized_pnl=D("-500"))
    (dispatch,) = trading_fee_revenue(liquidated)
    assert isinstance(dispatch.command, RecordTradingFee)
    assert (dispatch.command.liquidity, dispatch.command.notional, dispatch.command.fee) == (
        Liquidity.TAKER, D("2500.0"), D("12.50"))
    assert trading_fee_revenue(fill("0")) == ()
    assert trading_fee_revenue(attrs.evolve(liquidated, fee=D("0"))) == ()
    marked = PriceMarked(event_id="m", stream_id="ann", occurred_at=T, symbol="X",
                         price=D("1"))
    assert trading_fee_revenue(marked) == () == platform_revenue(marked)


def test_other_streams_revenue_is_booked_citing_its_source() -> None:
    sale = MarketplaceSale(event_id="b:0", stream_id="collection-ships", occurred_at=T,
                           token_id="1", collection_id="ships", seller_id="ann",
                           buyer_id="bob", creator_id="studio", currency="USD",
                           price=D("50.00"), platform_fee=D("1.25"),
                           creator_royalty=D("2.50"), fixed_fee=D("0.50"),
                           seller_proceeds=D("45.75"))
    minted = NFTMinted(event_id="m:0", stream_id="collection-ships", occurred_at=T,
                       token_id="1", collection_id="ships", creator_id="studio",
                       owner_id="cat", currency="USD", price=D("10.00"),
                       platform_fee=D("0.50"), creator_proceeds=D("9.50"))
    charge = SubscriptionCharged(event_id="s:1", stream_id="subscription-ann",
                                 occurred_at=T + timedelta(hours=1), subscriber_id="ann",
                                 plan_id="navigator", currency="USD", amount=D("9.95"),
                                 period_start=date(2026, 4, 1), period_end=date(2026, 5, 1))
    refund = SubscriptionCancelled(event_id="x:0", stream_id="subscription-ann",
                                   occurred_at=T + timedelta(hours=1), subscriber_id="ann",
                                   currency="USD", effective_on=date(2026, 4, 10),
                                   refund=D("6.63"))
    commands: list[Any] = [d.command for e in (sale, minted, charge, refund)
                           for d in platform_revenue(e)]
    assert [(c.command_id, c.account_id, c.amount) for c in commands
            if isinstance(c, BookRevenue)] == [
        ("book:b:0", "bob", D("1.75")),     # platform fee + fixed fee, paid by the buyer
        ("book:m:0", "cat", D("0.50")),
        ("book:s:1", "ann", D("9.95")),
        ("book:x:0", "ann", D("-6.63"))]    # a refund is negative revenue
    stream, events = handled(PLATFORM_LEDGER, commands)
    assert all(isinstance(e, RevenueBooked) for e in events)
    assert [e.source_event_id for e in events if isinstance(e, RevenueBooked)] == [
        "b:0", "m:0", "s:1", "x:0"]
    # 23:30 UTC on Mar 31 is March; an hour later is April.
    assert dict(stream.state.by_stream("USD")) == {RevenueStream.MARKETPLACE: D("2.25"),
                                                  RevenueStream.SUBSCRIPTIONS: D("3.32")}
    assert dict(stream.state.by_period("USD")) == {"2026-03": D("2.25"), "2026-04": D("3.32")}
    fee = TradingFeeCollected(event_id="f", stream_id="platform-fees", occurred_at=T,
                              account_id="ann", liquidity="taker", currency="USD",
                              notional=D("1"), fee=D("1"))
    assert platform_revenue(fee) == ()  # the ledger's own events do not loop back


def test_refusals_are_invalid_input() -> None:
    trading = BookRevenue(command_id="b", issued_at=T, source_event_id="e",
                          stream=RevenueStream.TRADING_FEES, account_id="ann", currency="USD",
                          amount=D("1"))
    error = handle(PLATFORM_LEDGER, Stream.empty(PLATFORM_LEDGER), trading).failure()
    assert (error.code, error.kind, error.codes()) == (
        "revenue.invalid_command", ErrorKind.INVALID, ("revenue.book_stream",))
    bad = RecordTradingFee(command_id="f", issued_at=T, account_id="ann",
                           liquidity=Liquidity.TAKER, currency="USD", notional=D("-1"),
                           fee=D("NaN"))
    assert handle(PLATFORM_LEDGER, Stream.empty(PLATFORM_LEDGER), bad).failure().codes() == (
        "numeric.negative", "numeric.not_finite")


@settings(max_examples=60)
@given(ledger_commands(), st.data())
def test_snapshot_plus_tail_equals_full_replay(commands: list[Any], data: st.DataObject,
                                               ) -> None:
    laws.snapshot_plus_tail_is_full_replay(PLATFORM_LEDGER, commands, data)


@settings(max_examples=60)
@given(ledger_commands(), st.data())
def test_a_command_id_twice_changes_nothing(commands: list[Any], data: st.DataObject) -> None:
    laws.a_command_seen_before_changes_nothing(PLATFORM_LEDGER, commands, data)


@given(ledger_commands(max_size=5), hostile_commands(RecordTradingFee, BookRevenue))
def test_decide_never_raises(commands: list[Any], hostile: Any) -> None:
    laws.decide_answers(PLATFORM_LEDGER, commands, hostile)


@settings(max_examples=60)
@given(ledger_commands())
def test_decided_events_survive_the_codec(commands: list[Any]) -> None:
    laws.events_survive_the_codec(PLATFORM_LEDGER, commands)


@settings(max_examples=30)
@given(ledger_commands(), hostile_contexts())
def test_independent_of_the_callers_context(commands: list[Any],
                                            context: decimal.Context) -> None:
    laws.independent_of_the_callers_context(PLATFORM_LEDGER, commands, context)


cents = st.integers(-10**6, 10**8).map(lambda n: D(n).scaleb(-2))
fills = st.builds(
    lambda n, fee, liquidity, qty: TradeExecuted(
        event_id="", stream_id=f"acct-{n % 3}", occurred_at=T + timedelta(hours=n),
        symbol="BTCUSD", quote_currency="USD", quantity=D(qty).scaleb(-3),
        price=D("60000.5"), fee=fee, liquidity=liquidity, realized_pnl=D(0)),
    st.integers(0, 2_000), cents, st.sampled_from(("maker", "taker")),
    st.integers(-10**4, 10**4).filter(bool))


@given(st.lists(fills | revenue_events().filter(
    lambda e: not isinstance(e, TradingFeeCollected)), max_size=25))
def test_the_ledger_reconciles_with_a_projection_of_every_stream(events: list[Event]) -> None:
    sources = [attrs.evolve(e, event_id=f"e{i}") for i, e in enumerate(events)]
    commands: list[Any] = [d.command for e in sources
                for d in (*trading_fee_revenue(e), *platform_revenue(e))]
    stream, recorded = handled(PLATFORM_LEDGER, commands)
    assert len(recorded) == len(commands)  # revenue that happened is never refused
    fees = [e for e in recorded if isinstance(e, TradingFeeCollected)]
    assert stream.state == project_ledger([*sources, *fees], Period.MONTH)
    assert sum((f.fee for f in fees), D(0)) == sum(
        (e.fee for e in sources if isinstance(e, TradeExecuted)), D(0))
