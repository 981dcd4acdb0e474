"""Helpers for the read-model tests: a store with a realistic mix of events, and a canonical
dump of a model's rows to compare a fed read model with a pure replay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from astratrade_core.events import encode
from astratrade_core.events.gamification import XPGained
from astratrade_core.portfolio import PORTFOLIO, ClosePosition, Deposit, ExecuteTrade
from astratrade_core.risk.limits import RiskPolicy
from astratrade_shell.app import Application, SequentialIds, SimulatedClock
from astratrade_shell.bus.port import EventBus
from astratrade_shell.readmodels.database import ViewDatabase, open_view_database
from astratrade_shell.readmodels.feed import rebuild
from astratrade_shell.readmodels.views import READ_MODELS
from astratrade_shell.store import PendingEvent
from astratrade_shell.store.port import EventStore

POLICY = RiskPolicy.of(max_leverage="5").unwrap()


def fill_store(store: EventStore, bus: EventBus, *, accounts: int = 6, rounds: int = 40) -> int:
    """Deposits, opening and closing trades (some refused by the policy) and XP awards for
    ``accounts`` users; the store's last position."""
    clock = SimulatedClock(datetime(2026, 1, 1, tzinfo=UTC))
    app = Application(store, bus, aggregates=[PORTFOLIO], clock=clock,
                      ids=SequentialIds("cmd"))
    users = [f"u{i}" for i in range(accounts)]
    for user in users:
        app.execute(PORTFOLIO, user, Deposit(command_id=app.new_id(), account_id=user,
                                             issued_at=app.now(), currency="USD",
                                             amount=Decimal("1000"))).unwrap()
    for n in range(rounds):
        clock.advance(timedelta(minutes=7))
        for i, user in enumerate(users):
            price = Decimal(100 + (n * 7 + i * 3) % 23)
            size = Decimal("80") if (n + i) % 9 == 0 else Decimal(1 + (n + i) % 3)  # 80: refused
            app.execute(PORTFOLIO, user, ExecuteTrade(
                command_id=app.new_id(), account_id=user, issued_at=app.now(), symbol="XYZ",
                quote_currency="USD", quantity=size if n % 2 == 0 else -size, price=price,
                policy=POLICY, fee=Decimal("0.10"))).unwrap()
            if n % 5 == 4:
                app.execute(PORTFOLIO, user, ClosePosition(
                    command_id=app.new_id(), account_id=user, issued_at=app.now(),
                    symbol="XYZ", price=price))
            award = XPGained(event_id=f"xp-{n}-{user}", stream_id=f"player-{user}",
                             occurred_at=app.now(), user_id=user, amount=(n * i) % 17 + 1,
                             reason="trade", source_id=f"s-{n}", total_xp=0)
            appended = store.append(award.stream_id, [PendingEvent(
                award.event_id, award.event_type, award.schema_version, encode(award))],
                store.stream_version(award.stream_id),
                command_id=award.event_id).unwrap()
            bus.publish(appended.records)
    return store.last_position()


def dump(views: ViewDatabase, model: str) -> dict[str, Any]:
    """Every row of ``model``, canonically ordered."""
    def rows(sql: str) -> list[tuple[Any, ...]]:
        return sorted(tuple(r) for r in views.execute(sql, (model,)).fetchall())

    return {"documents": rows("SELECT key, body FROM rm_documents WHERE model = ?"),
            "entries": rows("SELECT key, position, seq, body FROM rm_entries WHERE model = ?"),
            "scores": rows("SELECT board, user_id, score, reached FROM rm_scores "
                           "WHERE model = ?"),
            "checkpoint": rows("SELECT position FROM rm_checkpoints WHERE model = ?")}


def pure_replay(store: EventStore, tmp: Path, model: str) -> dict[str, Any]:
    """The rows a fresh database gets from rebuilding ``model`` over the whole store."""
    fresh = open_view_database(tmp / f"replay-{model}.db").unwrap()
    try:
        rebuild(fresh, store, [READ_MODELS[model]])
        return dump(fresh, model)
    finally:
        fresh.close()
