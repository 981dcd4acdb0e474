"""Real-time channels: stored records fanned out to WebSocket subscribers.

A :class:`Hub` receives every stored record once, in position order, and hands each
subscriber the records of the channels it subscribed to:

==================  ===========================================================  ==========
channel             records                                                      scope
==================  ===========================================================  ==========
``leaderboard``     ``XPGained``, ``AchievementUnlocked`` (season board changes)  ``read``
``account:<id>``    the account's portfolio events: fills, positions, risk        ``read`` +
                    refusals and liquidations, cash                               owner
``battles``         clan battles scheduled and resolved, rating changes          ``read``
``revenue``         the platform ledger's fees and revenue, subscriptions        ``operate``
==================  ===========================================================  ==========

**Where records come from.** Embedded, the hub subscribes to the in-process bus (it is
called inside ``publish``, after the read models are fed).  Scale-out, a
:class:`RedisNotifications` thread blocks on ``XREAD`` over the bus's domain streams and,
for each notification, reads the *store* up to the notified position: records written by
any API process reach every process's subscribers, in position order, verified by the store.

**Back-pressure.** Each subscriber has a bounded queue (``capacity`` records).  A record
that finds it full empties it and marks the subscriber *overflowed*: memory never grows
past ``capacity`` records per client; the socket is then closed with code
:data:`SLOW_CONSUMER` and the last position delivered, from which the client resumes.

**Resume.** ``?from=P`` replays matching records with positions above ``P`` from the store,
then goes live without a gap or a repeat: the subscriber is registered *before* the replay,
so whatever is appended meanwhile is queued (or, if the queue overflowed during the replay,
read from the store by another replay round), and queued records at or below the replayed
position are skipped.

>>> parse_channel("account:ann.savings").unwrap()
Channel(name='account:ann.savings', account='ann.savings')
>>> parse_channel("weather").failure().code
'stream.channel'
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.events import PLATFORM_EVENTS, EventRegistry
from astratrade_core.revenue.platform_ledger import PLATFORM_LEDGER_STREAM
from astratrade_shell.projections import decode_record
from astratrade_shell.readmodels.memory import PORTFOLIO_EVENTS
from astratrade_shell.readmodels.views import payload
from astratrade_shell.store.port import EventStore
from astratrade_shell.store.records import StoredEvent

__all__ = ["SLOW_CONSUMER", "Channel", "Hub", "RedisNotifications", "Subscriber",
           "parse_channel"]

_log = logging.getLogger("astratrade.service.realtime")

#: The close code of a client dropped for not reading fast enough (resume with ``from``).
SLOW_CONSUMER: Final = 4008
_LEADERBOARD: Final = frozenset({"XPGained", "AchievementUnlocked"})
_BATTLES: Final = frozenset({"ClanBattleScheduled", "ClanBattleResolved", "ClanRatingChanged"})
_LEDGER: Final = frozenset({"TradingFeeCollected", "RevenueBooked"})
_SUBSCRIPTIONS: Final = frozenset({"SubscriptionStarted", "SubscriptionChanged",
                                   "SubscriptionCancelled"})
_FIXED: Final = ("leaderboard", "battles", "revenue")
#: A user's account ids, and the demo's simulated ``trader-NN`` (as the dashboard reads them).
_ACCOUNT: Final = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}(\.[a-z0-9][a-z0-9_-]{0,31})?")


@attrs.frozen
class Channel:
    """A channel a client may subscribe to (``account`` set for ``account:<id>``)."""

    name: str
    account: str | None = None

    def matches(self, record: StoredEvent) -> bool:
        """Whether ``record`` belongs to this channel."""
        kind = record.event_type
        if self.account is not None:
            return record.stream_id == self.account and kind in PORTFOLIO_EVENTS
        if self.name == "leaderboard":
            return kind in _LEADERBOARD
        if self.name == "battles":
            return kind in _BATTLES
        return kind in _SUBSCRIPTIONS or (
            kind in _LEDGER and record.stream_id == PLATFORM_LEDGER_STREAM)


def parse_channel(text: str) -> Result[Channel, DomainError]:
    """The channel ``text`` names, or ``stream.channel``."""
    if text in _FIXED:
        return Success(Channel(text))
    prefix, _, account = text.partition(":")
    if prefix == "account" and _ACCOUNT.fullmatch(account):
        return Success(Channel(text, account))
    return Failure(DomainError.invalid(
        "stream.channel", "a channel is leaderboard, battles, revenue or account:<id>",
        channel=text[:80]))


#: One record's messages for one subscriber: its position and the JSON texts to send.
Delivery = tuple[int, tuple[str, ...]]


def message(channel: str, record: StoredEvent, event: dict[str, Any]) -> str:
    """The JSON text sent for ``record`` on ``channel``."""
    return json.dumps({"type": "event", "channel": channel, "position": record.position,
                       "event": event}, separators=(",", ":"))


class Subscriber:
    """One client's channels and bounded queue (touched only on the hub's event loop)."""

    def __init__(self, channels: Sequence[Channel], capacity: int) -> None:
        self.channels = tuple(channels)
        self.capacity = capacity
        self.queue: deque[Delivery] = deque()
        self.overflowed = False
        self.closed = False
        self.wakeup = asyncio.Event()

    def offer(self, delivery: Delivery) -> None:
        """Queue a delivery; a full queue is emptied and the subscriber marked overflowed."""
        if self.overflowed or self.closed:
            return
        if len(self.queue) >= self.capacity:
            self.queue.clear()
            self.overflowed = True
        else:
            self.queue.append(delivery)
        self.wakeup.set()

    def reset(self) -> None:
        """Forget an overflow (the caller re-reads what was dropped from the store)."""
        self.queue.clear()
        self.overflowed = False

    def close(self) -> None:
        """Stop queueing and wake the sender."""
        self.closed = True
        self.queue.clear()
        self.wakeup.set()


class Hub:
    """Fans stored records out to subscribers (see the module docstring)."""

    def __init__(self, *, capacity: int = 1024,
                 registry: EventRegistry = PLATFORM_EVENTS) -> None:
        self.capacity = capacity
        self.registry = registry
        self.position = 0
        self._subscribers: tuple[Subscriber, ...] = ()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self.on_drop: Callable[[], None] = lambda: None

    @property
    def clients(self) -> int:
        """How many subscribers are connected."""
        return len(self._subscribers)

    def subscribe(self, channels: Sequence[Channel]) -> Subscriber:
        """Register a subscriber (call on the event loop that serves it)."""
        subscriber = Subscriber(channels, self.capacity)
        with self._lock:
            self._loop = asyncio.get_running_loop()
            self._subscribers = (*self._subscribers, subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        """Forget a subscriber."""
        subscriber.close()
        with self._lock:
            self._subscribers = tuple(s for s in self._subscribers if s is not subscriber)

    def deliveries(self, subscriber: Subscriber,
                   records: Iterable[StoredEvent]) -> list[Delivery]:
        """What ``subscriber`` receives of ``records`` (a replay uses it too)."""
        found: list[Delivery] = []
        for record in records:
            names = [c.name for c in subscriber.channels if c.matches(record)]
            if names:
                event = payload(decode_record(record, self.registry))
                found.append((record.position,
                              tuple(message(n, record, event) for n in names)))
        return found

    def publish(self, record: StoredEvent) -> None:
        """Hand ``record`` to the subscribers whose channels match (a bus handler: any
        thread; records at or below the last one published are ignored)."""
        with self._lock:
            if record.position <= self.position:
                return
            self.position = record.position
            subscribers, loop = self._subscribers, self._loop
        if loop is None or not subscribers:
            return
        targets: list[tuple[Subscriber, Delivery]] = []
        event: dict[str, Any] | None = None
        for subscriber in subscribers:
            names = [c.name for c in subscriber.channels if c.matches(record)]
            if names:
                if event is None:
                    event = payload(decode_record(record, self.registry))
                targets.append((subscriber, (record.position, tuple(
                    message(n, record, event) for n in names))))
        if targets:
            with contextlib.suppress(RuntimeError):   # a closed loop: nobody listens any more
                loop.call_soon_threadsafe(self._deliver, targets)

    def _deliver(self, targets: list[tuple[Subscriber, Delivery]]) -> None:
        for subscriber, delivery in targets:
            was = subscriber.overflowed
            subscriber.offer(delivery)
            if subscriber.overflowed and not was:
                self.on_drop()


class RedisNotifications:
    """A thread that turns the Redis bus's entries into :meth:`Hub.publish` calls, reading
    the records themselves from the store (see the module docstring)."""

    def __init__(self, hub: Hub, client: Any, keys: Sequence[str], store: EventStore,
                 lock: Any, *, block_ms: int = 500) -> None:
        self.hub = hub
        self.client = client
        self.keys = tuple(keys)
        self.store = store
        self.lock = lock
        self.block_ms = block_ms
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="astratrade-ws-redis",
                                        daemon=True)

    def start(self) -> None:
        """Start from the store's newest position."""
        with self.lock:
            self.hub.position = max(self.hub.position, self.store.last_position())
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread (within one block timeout)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        ids = dict.fromkeys(self.keys, "$")
        while not self._stop.is_set():
            try:
                answer = self.client.xread(ids, block=self.block_ms, count=1000)
            except Exception as exc:   # redis-py's errors; keep trying while serving
                _log.warning("redis notifications failed", extra={"error": str(exc)[:200]})
                self._stop.wait(1.0)
                continue
            newest = 0
            for key, entries in answer or ():
                name = key.decode() if isinstance(key, bytes) else str(key)
                for entry_id, fields in entries:
                    ids[name] = entry_id
                    raw = fields.get(b"position", b"0")
                    newest = max(newest, int(raw) if raw.isdigit() else 0)
            if newest > self.hub.position:
                self._catch_up(newest)

    def _catch_up(self, newest: int) -> None:
        with self.lock:
            for record in self.store.read_all(self.hub.position + 1):
                if record.position > newest:
                    break
                self.hub.publish(record)
