"""Hedge mode: a long and a short leg per symbol.  Worked examples (numbers by hand), the
mode switch, each refusal's code, funding on both legs, limits that see both legs, and the
law that the legs are independent (each is the fold of its own fills, whatever the other leg
does in between)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TypedDict

from hypothesis import given
from hypothesis import strategies as st
from returns.result import Success

from astratrade_core.events import (
    Event,
    FundingApplied,
    PositionClosed,
    PositionModeChanged,
    RiskLimitHit,
    TradeExecuted,
)
from astratrade_core.portfolio import (
    ApplyFunding,
    ClosePosition,
    Command,
    Deposit,
    ExecuteTrade,
    LiquidatePosition,
    PortfolioState,
    SetPositionMode,
    decide,
    replay,
)
from astratrade_core.risk import RiskPolicy
from astratrade_core.trading import (
    Fill,
    PositionMode,
    PositionSide,
    PositionState,
    apply_fill,
)

D = Decimal
T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
LOOSE = RiskPolicy(max_leverage=D("1000"))
LONG, SHORT, BOTH = PositionSide.LONG, PositionSide.SHORT, PositionSide.BOTH
_ids = iter(range(1_000_000))


class Meta(TypedDict):
    command_id: str
    account_id: str
    issued_at: datetime


def _at(minutes: int = 0) -> Meta:
    return {"command_id": f"h{next(_ids)}", "account_id": "acct",
            "issued_at": T0 + timedelta(minutes=minutes)}


def _apply(state: PortfolioState, command: Command) -> tuple[PortfolioState, Sequence[Event]]:
    events = decide(state, command).unwrap()
    return replay(events, state), events


def _trade(quantity: str, price: str, side: PositionSide, symbol: str = "X",
           policy: RiskPolicy = LOOSE) -> ExecuteTrade:
    return ExecuteTrade(**_at(), symbol=symbol, quote_currency="USD", quantity=D(quantity),
                        price=D(price), policy=policy, position_side=side)


def _hedged(cash: str = "10000") -> PortfolioState:
    s, _ = _apply(PortfolioState.EMPTY, Deposit(**_at(), currency="USD", amount=D(cash)))
    s, events = _apply(s, SetPositionMode(**_at(), mode=PositionMode.HEDGE))
    assert [type(e) for e in events] == [PositionModeChanged]
    assert s.mode is PositionMode.HEDGE
    return s


def test_a_long_and_a_short_leg_held_at_once() -> None:
    s = _hedged()
    s, _ = _apply(s, _trade("1", "100", LONG))          # long 1 @ 100
    s, _ = _apply(s, _trade("-2", "110", SHORT))        # short 2 @ 110; mark now 110
    assert (s.position("X", LONG).quantity, s.position("X", SHORT).quantity) == (D(1), D(-2))
    # mark 110: the long gains 1 * 10 = 10, the short 0; gross 3 * 110 = 330; two positions
    assert (s.unrealized_pnl("USD"), s.gross_notional("USD"), s.open_positions()) == (
        D("10"), D("330"), 2)
    assert s.equity("USD") == D("10010")
    # close the long at 120: +20 realized; the short (-2 * (120 - 110) = -20) is untouched
    s, events = _apply(s, ClosePosition(**_at(), symbol="X", price=D("120"), position_side=LONG))
    trade, closed = events
    assert isinstance(trade, TradeExecuted) and isinstance(closed, PositionClosed)
    assert (trade.quantity, trade.realized_pnl, trade.position_side) == (D(-1), D(20), "long")
    assert (closed.position_side, closed.quantity, closed.cost_basis) == ("long", D(1), D(100))
    assert [h.side for h in s.legs("X")] == [SHORT]
    assert (s.cash_of("USD"), s.unrealized_pnl("USD")) == (D("10020"), D("-20"))


def test_switching_modes_needs_no_open_position() -> None:
    s = _hedged()
    assert decide(s, SetPositionMode(**_at(), mode=PositionMode.HEDGE)) == Success(())
    s, _ = _apply(s, _trade("-1", "100", SHORT))
    refused = decide(s, SetPositionMode(**_at(), mode=PositionMode.ONE_WAY)).failure()
    assert (refused.code, refused.fields["open_positions"]) == ("portfolio.positions_open", "1")
    s, _ = _apply(s, ClosePosition(**_at(), symbol="X", price=D("90"), position_side=SHORT))
    s, _ = _apply(s, SetPositionMode(**_at(), mode=PositionMode.ONE_WAY))
    assert s.mode is PositionMode.ONE_WAY and s.ledger("USD").realized_pnl == D("10")


def test_each_refusal_has_its_own_code() -> None:
    one_way, _ = _apply(PortfolioState.EMPTY, Deposit(**_at(), currency="USD", amount=D("1000")))
    assert decide(one_way, _trade("1", "100", LONG)).failure().code == "portfolio.position_side"
    s = _hedged()
    assert decide(s, _trade("1", "100", BOTH)).failure().code == "portfolio.position_side"
    # a sell on a flat long leg, or more than the leg holds, would take it through zero
    assert decide(s, _trade("-1", "100", LONG)).failure().code == "portfolio.exceeds_leg"
    s, _ = _apply(s, _trade("1", "100", LONG))
    assert decide(s, _trade("-1.5", "100", LONG)).failure().code == "portfolio.exceeds_leg"
    assert decide(s, _trade("0.5", "100", SHORT)).failure().code == "portfolio.exceeds_leg"
    assert decide(s, ClosePosition(**_at(), symbol="X", price=D("1"),
                                   position_side=SHORT)).failure().code == (
        "portfolio.no_position")
    assert decide(s, ClosePosition(**_at(), symbol="X", price=D("1"))).failure().code == (
        "portfolio.position_side")
    # exactly the leg's size closes it
    s, events = _apply(s, _trade("-1", "105", LONG))
    assert [type(e) for e in events] == [TradeExecuted, PositionClosed]


def test_funding_settles_each_leg() -> None:
    # long 3 and short 1 at a mark of 200, rate +0.01 %: the long pays 3 * 200 * 0.0001 =
    # 0.06, the short receives 0.02; the account pays 0.04 net
    s = _hedged()
    s, _ = _apply(s, _trade("3", "200", LONG))
    s, _ = _apply(s, _trade("-1", "200", SHORT))
    s, events = _apply(s, ApplyFunding(**_at(), symbol="X", rate=D("0.0001"),
                                       mark_price=D("200")))
    assert [(e.position_side, e.payment) for e in events if isinstance(e, FundingApplied)] == [
        ("long", D("0.0600")), ("short", D("-0.0200"))]
    assert [e.event_id for e in events] == [f"{events[0].event_id[:-2]}:0",
                                            f"{events[0].event_id[:-2]}:1"]
    assert s.cash_of("USD") == D("10000") - D("0.04")
    assert (s.position("X", LONG).funding_paid, s.position("X", SHORT).funding_paid) == (
        D("0.0600"), D("-0.0200"))


def test_limits_count_both_legs() -> None:
    # equity 1000, max leverage 2: long 10 @ 100 (1000 gross) and short 10 @ 100 (2000) pass;
    # in one-way mode the short would have reduced, here it adds -- one more short unit is
    # 2100 > 2 * 1000 and is refused, naming the leg
    tight = RiskPolicy(max_leverage=D("2"), max_position_notional=D("2050"))
    s = _hedged("1000")
    s, _ = _apply(s, _trade("10", "100", LONG, policy=tight))
    s, _ = _apply(s, _trade("-10", "100", SHORT, policy=tight))
    assert s.gross_notional("USD") == D("2000")
    (hit,) = decide(s, _trade("-1", "100", SHORT, policy=tight)).unwrap()
    assert isinstance(hit, RiskLimitHit) and hit.position_side == "short"
    assert [b.code for b in hit.breaches] == ["risk.max_leverage", "risk.max_position_notional"]
    assert [b.actual for b in hit.breaches] == [D("2.1"), D("2100")]
    # closing part of a leg is never blocked
    s, events = _apply(s, _trade("-5", "100", LONG, policy=tight))
    assert [type(e) for e in events] == [TradeExecuted]


def test_a_hedge_leg_liquidates_alone() -> None:
    s = _hedged("1000")
    s, _ = _apply(s, _trade("4", "100", LONG))
    s, _ = _apply(s, _trade("-1", "100", SHORT))
    s, events = _apply(s, LiquidatePosition(**_at(), symbol="X", price=D("80"), fee=D("1"),
                                            position_side=LONG))
    assert [getattr(e, "position_side", None) for e in events] == ["long", "long"]
    # 4 * (80 - 100) = -80 realized, fee 1; the short stays
    assert (s.cash_of("USD"), [h.side for h in s.legs("X")]) == (D("919"), [SHORT])


# --- the law: legs are independent -------------------------------------------------------------

fills = st.lists(st.tuples(st.sampled_from([LONG, SHORT]),
                           st.integers(-5, 5).filter(lambda n: n != 0).map(Decimal),
                           st.integers(50, 150).map(Decimal)), max_size=25)


@given(fills)
def test_each_leg_is_the_fold_of_its_own_fills(sequence: list[tuple[PositionSide, Decimal,
                                                                     Decimal]]) -> None:
    s = _hedged("1000000")
    accepted: dict[PositionSide, list[Fill]] = {LONG: [], SHORT: []}
    for side, quantity, price in sequence:
        result = decide(s, _trade(str(quantity), str(price), side))
        if isinstance(result, Success):
            s = replay(result.unwrap(), s)
            accepted[side].append(Fill(quantity, price))
    for side in (LONG, SHORT):
        alone = PositionState.FLAT
        for fill in accepted[side]:
            alone = apply_fill(alone, fill)[0]
        assert s.position("X", side).quantity == alone.quantity
        assert s.position("X", side).cost_basis == alone.cost_basis
        # and the same leg fills, with the other leg's interleaved fills removed, give the
        # same leg state
        only = _hedged("1000000")
        for fill in accepted[side]:
            only = replay(decide(only, _trade(str(fill.quantity), str(fill.price), side)
                                 ).unwrap(), only)
        assert only.position("X", side) == s.position("X", side)
