"""The persisted read models: each folds events into rows with the core's functions and
answers the service's queries from those rows.

=============  ===================================================  ===========================
model          rows                                                 folded with
=============  ===================================================  ===========================
``accounts``   per account: the portfolio state (document), trades,   the core's portfolio
               equity points and risk events (entries)                ``evolve``
``progress``   per player: XP, level, achievements, best streak       ``fold_players``
``standings``  per board and user: score and the position at which   plain sums of awarded XP
               it was reached (ties: who got there first ranks higher)
``clans``      per clan: name, leader, roles, rating, status; each    event fields
               member's clan; the battles each clan fought (entries)
``books``      per (stream, month, currency): the booked amount; the  ``platform_entry``;
               subscription events (for MRR and ARR)                  ``revenue_metrics``
=============  ===================================================  ===========================

Each model names the event types it ``accepts``; :class:`~.feed.ViewFeed` applies a record to
a model inside the transaction that also moves the model's checkpoint.  The query methods
read the tables; numbers stay exact (decimals are strings in the rows and in the answers).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any, Final, Protocol

import attrs
from pyrsistent import pmap
from returns.maybe import Some
from returns.result import Result

from astratrade_core.errors import DomainError
from astratrade_core.events import PLATFORM_EVENTS, Event, EventRegistry, decode, encode
from astratrade_core.events.gamification import AchievementUnlocked, XPGained
from astratrade_core.events.revenue import RevenueBooked, TradingFeeCollected
from astratrade_core.events.social import (
    ClanBattleResolved,
    ClanDisbanded,
    ClanFounded,
    ClanJoined,
    ClanLeft,
    ClanRatingChanged,
    ClanRoleChanged,
)
from astratrade_core.events.trading import RiskLimitHit
from astratrade_core.money import Currency
from astratrade_core.numeric import CONTEXT, ZERO
from astratrade_core.portfolio import PortfolioState, evolve
from astratrade_core.revenue.ledger import Period, platform_entry
from astratrade_core.revenue.metrics import RevenueMetrics, revenue_metrics
from astratrade_core.revenue.platform_ledger import PLATFORM_LEDGER_STREAM
from astratrade_shell.readmodels.database import ViewDatabase, ViewTransaction
from astratrade_shell.readmodels.memory import (
    _PLAYER_EVENTS,
    PORTFOLIO_EVENTS,
    PlayerView,
    fold_players,
)
from astratrade_shell.snapshots import PORTFOLIO_SNAPSHOTS
from astratrade_shell.store.records import StoredEvent

__all__ = [
    "ACCOUNTS",
    "BOOKS",
    "CLANS",
    "PROGRESS",
    "READ_MODELS",
    "STANDINGS",
    "XP_BOARD",
    "Accounts",
    "Books",
    "Clans",
    "Progress",
    "ReadModel",
    "Standing",
    "Standings",
    "payload",
]

#: The all-time XP board the ``standings`` model keeps.
XP_BOARD: Final = "xp-all-time"


class ReadModel(Protocol):
    """A persisted read model: a name, the event types it folds, and the fold."""

    @property
    def name(self) -> str:
        """Stable: it keys the rows, the checkpoint and a worker's consumer group."""
        ...

    @property
    def accepts(self) -> frozenset[str]:
        """The event types :meth:`apply` is called with."""
        ...

    @property
    def version(self) -> str:
        """Changes whenever the rows' meaning or format changes: rows written by another
        version are rebuilt, never read."""
        ...

    def apply(self, tx: ViewTransaction, event: Event, record: StoredEvent) -> None:
        """Fold one event into the rows (inside ``tx``)."""
        ...


def payload(event: Event) -> dict[str, Any]:
    """An event as JSON-ready values at its current schema: type, id, time, and the payload
    with decimals as exact strings."""
    wire = json.loads(encode(event))
    return {"type": event.event_type, "event_id": event.event_id,
            "occurred_at": wire["occurred_at"], **wire["payload"]}


# --- accounts --------------------------------------------------------------------------

_TRADE_EVENTS: Final = frozenset({"TradeExecuted", "PositionClosed", "PositionLiquidated"})
_RISK_EVENTS: Final = frozenset({"RiskLimitHit", "PositionLiquidated"})


def _money(values: dict[str, Decimal]) -> dict[str, str]:
    return {k: format(v, "f") for k, v in sorted(values.items())}


class Accounts:
    """Portfolios per trading account (see the module docstring)."""

    name = "accounts"
    accepts = PORTFOLIO_EVENTS
    #: The portfolio state's shape is part of the rows: a core change rebuilds them.
    version = f"1/{PORTFOLIO_SNAPSHOTS.state_type}"

    def apply(self, tx: ViewTransaction, event: Event, record: StoredEvent) -> None:
        """Fold a portfolio event into its account's state and lists."""
        account = event.stream_id
        state = evolve(self._state(tx.get(self.name, account)), event)
        tx.put(self.name, account, {"state": PORTFOLIO_SNAPSHOTS.encode(state).decode()})
        if event.event_type in _TRADE_EVENTS:
            tx.add_entry(self.name, f"trades/{account}", record.position, payload(event))
        if event.event_type in _RISK_EVENTS:
            tx.add_entry(self.name, f"risk/{account}", record.position, payload(event))
        if not isinstance(event, RiskLimitHit):
            currencies = sorted(state.currencies())
            tx.add_entry(self.name, f"equity/{account}", record.position, {
                "at": payload(event)["occurred_at"],
                "cash": _money({c: state.cash_of(c) for c in currencies}),
                "equity": _money({c: state.equity(c) for c in currencies})})

    @staticmethod
    def _state(doc: dict[str, Any] | None) -> PortfolioState:
        if doc is None:
            return PortfolioState.EMPTY
        return PORTFOLIO_SNAPSHOTS.decode(doc["state"].encode())

    def state(self, db: ViewDatabase, account_id: str) -> PortfolioState | None:
        """The account's portfolio as folded so far (None: no event yet)."""
        doc = db.document(self.name, account_id)
        return None if doc is None else self._state(doc)

    def summary(self, db: ViewDatabase, account_id: str) -> dict[str, Any] | None:
        """Cash, equity, realized and unrealized P&L per currency, and open positions."""
        state = self.state(db, account_id)
        if state is None:
            return None
        currencies = sorted(state.currencies())
        positions = []
        for (symbol, side), held in sorted(state.positions.items()):
            fills = held.fills
            if fills.quantity == 0:
                continue
            mark = state.mark(symbol)
            positions.append({
                "symbol": symbol, "position_side": side.value,
                "quote_currency": held.quote_currency,
                "quantity": fills.quantity, "average_entry_price": fills.average_entry_price,
                "mark_price": mark,
                "unrealized_pnl": None if mark is None else fills.unrealized_pnl(mark),
                "realized_pnl": fills.realized_pnl})
        return {
            "account_id": account_id,
            "cash": {c: state.cash_of(c) for c in currencies},
            "equity": {c: state.equity(c) for c in currencies},
            "realized_pnl": {c: state.ledger(c).realized_pnl for c in currencies},
            "unrealized_pnl": {c: state.unrealized_pnl(c) for c in currencies},
            "fees_paid": {c: state.ledger(c).fees_paid for c in currencies},
            "positions": positions,
        }

    def listing(self, db: ViewDatabase, kind: str, account_id: str, *, after: int = 0,
                limit: int = 100) -> list[dict[str, Any]]:
        """The account's ``trades``, ``equity`` points or ``risk`` events after a position."""
        return [{"position": p, **body}
                for p, body in db.entries(self.name, f"{kind}/{account_id}", after=after,
                                          limit=limit)]


# --- progress --------------------------------------------------------------------------

class Progress:
    """XP, level, achievements and best streak per player."""

    name = "progress"
    version = "1"
    accepts = _PLAYER_EVENTS

    def apply(self, tx: ViewTransaction, event: Event, record: StoredEvent) -> None:
        """Fold a game event into its player's view."""
        user = str(getattr(event, "user_id", event.stream_id))
        doc = tx.get(self.name, user)
        view = PlayerView() if doc is None else _player(doc)
        folded = fold_players(pmap({user: view}), event)[user]
        tx.put(self.name, user, attrs.asdict(folded))

    def player(self, db: ViewDatabase, user_id: str) -> PlayerView | None:
        """The player's progress (None: no game event yet)."""
        doc = db.document(self.name, user_id)
        return None if doc is None else _player(doc)


def _player(doc: dict[str, Any]) -> PlayerView:
    return PlayerView(xp=int(doc["xp"]), level=int(doc["level"]),
                      achievements=tuple(doc["achievements"]),
                      best_streak=int(doc["best_streak"]))


# --- standings -------------------------------------------------------------------------

@attrs.frozen
class Standing:
    """One row of a board: competition rank ("1224"), user, score."""

    rank: int
    user_id: str
    score: Decimal


class Standings:
    """Leaderboards: per board, each user's score and the global position at which it was
    reached.  Order: score descending, then who reached the score first (the core
    leaderboard's tie rule); ranks are competition ranks (equal scores share a rank)."""

    name = "standings"
    version = "1"
    accepts = frozenset({"XPGained", "AchievementUnlocked"})

    def apply(self, tx: ViewTransaction, event: Event, record: StoredEvent) -> None:
        """Add an award's XP to the player's all-time score."""
        if isinstance(event, XPGained):
            user, amount = event.user_id, event.amount
        elif isinstance(event, AchievementUnlocked):
            user, amount = event.user_id, event.xp_reward
        else:
            return
        if amount == 0:
            return
        score = CONTEXT.add(tx.score(self.name, XP_BOARD, user) or ZERO, Decimal(amount))
        tx.set_score(self.name, XP_BOARD, user, score, record.position)

    def ordered(self, db: ViewDatabase, board: str) -> list[Standing]:
        """The whole board in order, with competition ranks."""
        rows = sorted(db.scores(self.name, board), key=lambda r: (-r[1], r[2]))
        standings: list[Standing] = []
        for index, (user, score, _) in enumerate(rows):
            tied = standings and standings[-1].score == score
            standings.append(Standing(standings[-1].rank if tied else index + 1, user, score))
        return standings

    def top(self, db: ViewDatabase, board: str, n: int) -> list[Standing]:
        """The first ``n`` rows."""
        return self.ordered(db, board)[:n]

    def around(self, db: ViewDatabase, board: str, user_id: str,
               radius: int) -> tuple[Standing | None, list[Standing]]:
        """The user's row and up to ``radius`` rows either side (None: not on the board)."""
        rows = self.ordered(db, board)
        index = next((i for i, s in enumerate(rows) if s.user_id == user_id), None)
        if index is None:
            return None, []
        return rows[index], rows[max(0, index - radius):index + radius + 1]


# --- clans -----------------------------------------------------------------------------

class Clans:
    """Clans (name, leader, members and roles, rating, status) and their battles."""

    name = "clans"
    version = "1"
    accepts = frozenset({"ClanFounded", "ClanJoined", "ClanLeft", "ClanRoleChanged",
                         "ClanDisbanded", "ClanRatingChanged", "ClanBattleResolved"})

    def apply(self, tx: ViewTransaction, event: Event, record: StoredEvent) -> None:
        """Fold a clan event into its clan, or a battle into both clans' lists."""
        if isinstance(event, ClanBattleResolved):
            for clan in (event.clan_a, event.clan_b):
                tx.add_entry(self.name, f"battles/{clan}", record.position, payload(event))
            tx.add_entry(self.name, "battles", record.position, payload(event))
            return
        clan_id = str(getattr(event, "clan_id", event.stream_id))
        doc = tx.get(self.name, clan_id) or {"clan_id": clan_id, "name": "", "leader": None,
                                              "members": {}, "rating": None,
                                              "status": "active"}
        members: dict[str, str] = dict(doc["members"])
        match event:
            case ClanFounded():
                doc.update(name=event.name, leader=event.leader_id)
            case ClanJoined():
                members[event.user_id] = event.role
                tx.put(self.name, f"member/{event.user_id}", {"clan_id": clan_id})
            case ClanRoleChanged():
                members[event.user_id] = event.role
                if event.role == "leader":
                    doc["leader"] = event.user_id
            case ClanLeft():
                members.pop(event.user_id, None)
                tx.delete(self.name, f"member/{event.user_id}")
            case ClanDisbanded():
                doc["status"] = "disbanded"
            case ClanRatingChanged():
                doc["rating"] = event.rating
        doc["members"] = dict(sorted(members.items()))
        tx.put(self.name, clan_id, doc)

    def clan(self, db: ViewDatabase, clan_id: str) -> dict[str, Any] | None:
        """One clan."""
        return db.document(self.name, clan_id)

    def clan_of(self, db: ViewDatabase, user_id: str) -> str | None:
        """The clan ``user_id`` belongs to, if any."""
        doc = db.document(self.name, f"member/{user_id}")
        return None if doc is None else str(doc["clan_id"])

    def battles(self, db: ViewDatabase, clan_id: str | None, *, after: int = 0,
                limit: int = 100) -> list[dict[str, Any]]:
        """The battles a clan fought (every battle when ``clan_id`` is None)."""
        key = "battles" if clan_id is None else f"battles/{clan_id}"
        return [{"position": p, **body}
                for p, body in db.entries(self.name, key, after=after, limit=limit)]


# --- revenue ---------------------------------------------------------------------------

class Books:
    """The platform's books by stream, month and currency, and the subscription events
    behind MRR and ARR."""

    name = "books"
    version = "1"
    accepts = frozenset({"TradingFeeCollected", "RevenueBooked", "SubscriptionStarted",
                         "SubscriptionChanged", "SubscriptionCancelled"})

    def apply(self, tx: ViewTransaction, event: Event, record: StoredEvent) -> None:
        """Book a platform-ledger entry, or keep a subscription event."""
        if isinstance(event, TradingFeeCollected | RevenueBooked):
            if event.stream_id != PLATFORM_LEDGER_STREAM:
                return  # revenue recorded elsewhere reaches the books through the ledger
            match platform_entry(event):
                case Some(entry):
                    key = f"{entry.stream.value}/{Period.MONTH.key(entry.on)}/{entry.currency}"
                    doc = tx.get(self.name, key)
                    before = ZERO if doc is None else Decimal(doc["amount"])
                    tx.put(self.name, key, {"amount": CONTEXT.add(before, entry.amount)})
            return
        tx.add_entry(self.name, "subscriptions", record.position,
                     {"data": encode(event).decode()})

    def books(self, db: ViewDatabase) -> list[dict[str, Any]]:
        """Every ``(stream, month, currency, amount)`` cell, in key order."""
        cells = []
        for key, doc in db.documents(self.name):
            stream, month, currency = key.split("/")
            cells.append({"stream": stream, "month": month, "currency": currency,
                          "amount": Decimal(doc["amount"])})
        return cells

    def metrics(self, db: ViewDatabase, on: date, currency: Currency,
                registry: EventRegistry = PLATFORM_EVENTS,
                ) -> Result[RevenueMetrics, DomainError]:
        """MRR, ARR and ARPU on ``on`` (the core's :func:`revenue_metrics`)."""
        events = [decode(body["data"].encode(), registry).unwrap()
                  for _, body in db.entries(self.name, "subscriptions", limit=10**9)]
        return revenue_metrics(events, on, currency)


ACCOUNTS: Final = Accounts()
PROGRESS: Final = Progress()
STANDINGS: Final = Standings()
CLANS: Final = Clans()
BOOKS: Final = Books()

#: Every persisted read model, by name.
READ_MODELS: Final[dict[str, ReadModel]] = {
    m.name: m for m in (ACCOUNTS, PROGRESS, STANDINGS, CLANS, BOOKS)}

