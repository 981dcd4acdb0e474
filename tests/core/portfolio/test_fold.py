"""The exact integer fold equals the reference ``Decimal`` fold, every value's sign, digits
and exponent included, on generated event streams (and from generated snapshots)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from astratrade_core.events import Event
from astratrade_core.events.trading import FundsDeposited, TradeExecuted
from astratrade_core.numeric import CONTEXT
from astratrade_core.portfolio import PortfolioState, replay
from astratrade_core.portfolio.evolve import SHORT_FOLD, replay_decimal
from astratrade_core.portfolio.fold import fold_exact, units
from astratrade_core.testing import fold_amounts, portfolio_event_streams

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def exact(state: PortfolioState) -> object:
    """Everything in ``state``, with each Decimal as its ``as_tuple()``."""
    def d(value: Decimal) -> object:
        return value.as_tuple()

    return (
        sorted((c, d(v)) for c, v in state.cash.items()),
        sorted((c, tuple(d(getattr(g, f)) for f in ("deposited", "withdrawn", "realized_pnl",
                                                     "fees_paid", "funding_paid")))
               for c, g in state.ledgers.items()),
        sorted(((s, side.value), h.symbol, h.side, h.quote_currency,
                tuple(d(getattr(h.fills, f)) for f in ("quantity", "cost_basis", "realized_pnl",
                                                        "fees_paid", "funding_paid")))
               for (s, side), h in state.positions.items()),
        sorted((s, d(v)) for s, v in state.marks.items()),
        state.day, sorted((c, d(v)) for c, v in state.day_pnl.items()),
        state.recent_trades, state.mode)


def fold_then_reference(events: list[Event], state: PortfolioState) -> PortfolioState:
    """What ``replay`` does for a long stream: the integer fold, and the reference fold for
    each event it leaves."""
    remaining = iter(events)
    while True:
        state, pending = fold_exact(remaining, state)
        if pending is None:
            return state
        state = replay_decimal((pending,), state)


@settings(max_examples=80, deadline=None)
@given(portfolio_event_streams(), portfolio_event_streams(20))
def test_integer_fold_is_the_reference_fold(events: list[Event], prefix: list[Event]) -> None:
    start = replay_decimal(prefix)  # a snapshot to fold from
    # The integer fold alone: the reference's state up to the first event it cannot prove...
    folded, pending = fold_exact(iter(events), start)
    done = len(events) if pending is None else events.index(pending)
    assert exact(folded) == exact(replay_decimal(events[:done], start))
    # ...and with the reference folding each event it leaves, the reference's state.
    assert exact(fold_then_reference(events, start)) == exact(replay_decimal(events, start))


@settings(max_examples=25, deadline=None)
@given(portfolio_event_streams(80))
def test_replay_of_any_length_is_the_reference(events: list[Event]) -> None:
    assert exact(replay(events)) == exact(replay_decimal(events))


def _trades(n: int) -> list[Event]:
    quantities = [Decimal("0.5"), Decimal("-0.3"), Decimal("1.25"), Decimal("-2"),
                  Decimal("0.125")]
    return [FundsDeposited(event_id="d", stream_id="a", occurred_at=T0, currency="USD",
                           amount=Decimal("1000.00"))] + [
        TradeExecuted(event_id=str(i), stream_id="a", occurred_at=T0 + timedelta(minutes=7 * i),
                      symbol="BTCUSD", quote_currency="USD", quantity=quantities[i % 5],
                      price=Decimal(30000 + 7 * i).scaleb(-2), fee=Decimal("0.01"),
                      liquidity="taker", realized_pnl=Decimal(0))
        for i in range(n)]


def test_ordinary_streams_fold_on_integers_entirely() -> None:
    events = _trades(500)
    folded, pending = fold_exact(iter(events), PortfolioState.EMPTY)
    assert pending is None
    assert exact(folded) == exact(replay_decimal(events))
    assert folded.cash_of("USD") != Decimal(0)  # partial closes and reversals happened


def test_a_partial_close_share_on_a_half_unit_rounds_half_even() -> None:
    # cost 3e-28 over 2e-14: closing 1e-14 removes 1.5e-28 -> 2e-28 (even), leaving 1e-28
    events = [TradeExecuted(event_id=str(i), stream_id="a", occurred_at=T0, symbol="X",
                            quote_currency="USD", quantity=Decimal(q), price=Decimal(p),
                            fee=Decimal(0), liquidity="maker", realized_pnl=Decimal(0))
              for i, (q, p) in enumerate([("1E-14", "1E-14"), ("1E-14", "2E-14"),
                                          ("-1E-14", "1E-14")])]
    folded, pending = fold_exact(iter(events), PortfolioState.EMPTY)
    assert pending is None
    assert exact(folded) == exact(replay_decimal(events))
    assert folded.position("X").cost_basis == Decimal("1E-28")


def test_a_short_sequence_takes_the_reference_fold() -> None:
    events = _trades(SHORT_FOLD - 2)
    assert exact(replay(events)) == exact(replay_decimal(events))


@given(fold_amounts(places=40, digits=30), st.sampled_from([14, 28]))
def test_units_are_exact_or_refused(value: Decimal, scale: int) -> None:
    found = units(value, scale, 24)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if found is None:
        assert exponent < -scale or abs(value) >= Decimal("1E24") or (
            value.is_signed() and not value)
    else:
        assert found[0] is value and found[2] == exponent
        assert Decimal(found[1]).scaleb(-scale, CONTEXT) == value
