"""Replay throughput: fold trade events into portfolio state.

Candidate: :func:`astratrade_core.portfolio.replay` (the exact integer fold,
``portfolio/fold.py``) over 1,000,000 ``TradeExecuted`` events (20 symbols, buys and sells,
so opens, increases, partial closes and reversals all occur).  Before timing, its result is
checked against the reference ``Decimal`` fold (``replay_decimal``, what ``replay`` was before
the integer fold) on the same million events, every value's ``as_tuple()`` included; a
difference fails the run.
Baselines timed in the same run: the reference fold (``replay_decimal``), a plain-dict
accumulation of the same events (net quantity per symbol with the same Decimal context calls:
the floor any ``Decimal`` fold pays to touch each event), the same events through
``trading.fills.apply_fill`` alone (the exact average-cost accounting every ``Decimal`` fill
needs), and the per-event ``evolve`` fold over persistent state (``functools.reduce``) on a
slice.
Target: >= 1M events/s for the pure fold.

Out-of-order history: the same trades with their times reversed (every trade earlier than the
one before it, the worst case for the fold's hour-grouped ``recent_trades``) against the
trades in time order, in the same run.  Target: at most 2x slower.

The canonical codec is timed on the same events in ``bench_codec``.
"""

from __future__ import annotations

import functools
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import attrs

from astratrade_core.events.trading import TradeExecuted
from astratrade_core.numeric import CONTEXT, ZERO
from astratrade_core.portfolio import PortfolioState, evolve, replay
from astratrade_core.portfolio.evolve import replay_decimal
from astratrade_core.trading.fills import Fill, PositionState, apply_fill
from benchmarks.harness import Comparison, compare

__all__ = ["reversed_in_time", "run", "trade_events"]

_SYMBOLS = tuple(f"SYM{i}USD" for i in range(20))


def trade_events(count: int, seed: int = 7) -> list[TradeExecuted]:
    """``count`` deterministic fills over 20 symbols, one second apart."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    second = timedelta(seconds=1)
    quantities = [Decimal(n).scaleb(-3) for n in range(-50, 51) if n]
    prices = [Decimal(100 + n).scaleb(0) + Decimal(n).scaleb(-2) for n in range(50)]
    fees = [Decimal(n).scaleb(-2) for n in range(5)]
    return [
        TradeExecuted(event_id=str(i), stream_id="acct", occurred_at=start + i * second,
                      symbol=rng.choice(_SYMBOLS), quote_currency="USD",
                      quantity=rng.choice(quantities), price=rng.choice(prices),
                      fee=rng.choice(fees), liquidity="taker", realized_pnl=ZERO)
        for i in range(count)
    ]


def reversed_in_time(events: list[TradeExecuted]) -> list[TradeExecuted]:
    """The same fills in the same order, each carrying the time of its mirror image: the
    first gets the latest time, the last the earliest."""
    return [attrs.evolve(e, occurred_at=events[-1 - i].occurred_at)
            for i, e in enumerate(events)]


def _plain_dict(events: list[TradeExecuted]) -> dict[str, Decimal]:
    add = CONTEXT.add
    net: dict[str, Decimal] = {}
    for e in events:
        net[e.symbol] = add(net.get(e.symbol, ZERO), e.quantity)
    return net


def _fills_only(events: list[TradeExecuted]) -> dict[str, PositionState]:
    flat = PositionState.FLAT
    positions: dict[str, PositionState] = {}
    for e in events:
        positions[e.symbol] = apply_fill(positions.get(e.symbol, flat),
                                         Fill(e.quantity, e.price, e.fee))[0]
    return positions


def exact(state: PortfolioState) -> object:
    """Every value of ``state``, each Decimal as its ``as_tuple()`` (sign, digits, exponent)."""
    def d(value: Decimal) -> object:
        return value.as_tuple()
    return (sorted((c, d(v)) for c, v in state.cash.items()),
            sorted((c, [d(x) for x in attrs.astuple(g)]) for c, g in state.ledgers.items()),
            sorted((k[0], k[1].value, h.quote_currency, [d(x) for x in attrs.astuple(h.fills)])
                   for k, h in state.positions.items()),
            sorted((s, d(v)) for s, v in state.marks.items()), state.day,
            sorted((c, d(v)) for c, v in state.day_pnl.items()), state.recent_trades, state.mode)


def run(quick: bool) -> list[Comparison]:
    count = 2_000 if quick else 1_000_000
    events = trade_events(count)
    repeats = 2 if quick else 3
    if exact(replay(events)) != exact(replay_decimal(events)):
        raise AssertionError(f"replay differs from replay_decimal on {count} events")
    rows = [compare("portfolio replay (trade events)", lambda: replay(events),
                    "plain dict accumulation", lambda: _plain_dict(events),
                    repeats=repeats, per=count, unit="event", target=">= 1M events/s")]
    rows.append(compare("portfolio replay (trade events)", lambda: replay(events),
                        "reference Decimal fold (replay_decimal)",
                        lambda: replay_decimal(events), repeats=repeats, per=count,
                        unit="event", target="< 1x (the integer fold faster)"))
    rows.append(compare("portfolio replay (trade events)", lambda: replay(events),
                        "apply_fill fold only", lambda: _fills_only(events),
                        repeats=repeats, per=count, unit="event",
                        target="(the accounting floor)"))
    ordered = events[: count // 10]
    backwards = reversed_in_time(ordered)
    rows.append(compare("portfolio replay (times reversed)", lambda: replay(backwards),
                        "the same trades in time order", lambda: replay(ordered),
                        repeats=repeats, per=len(ordered), unit="event", target="<= 2x"))
    tail = events[: count // 20]
    rows.append(compare(
        "portfolio replay (trade events)", lambda: replay(tail),
        "reduce(evolve) per event", lambda: functools.reduce(evolve, tail,
                                                            PortfolioState.EMPTY),
        repeats=repeats, per=len(tail), unit="event", target="< 1x (replay faster)"))
    return rows
