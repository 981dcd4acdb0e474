"""The Redis Streams bus: per-domain streams, consumer groups, recovery and dead letters.

**Publishing.** :class:`RedisStreamsBus` is an :class:`~astratrade_shell.bus.port.EventBus`:
``publish(records)`` ``XADD``\\ s each stored record (global position, stream, type, canonical
bytes, hash) to the stream of its domain, ``<prefix>:events:<domain>`` (the core module that
defines the event type: ``trading``, ``gamification``, ``revenue``, ``social``; Redis has no
wildcard stream names, so consumers name every stream they read), and raises the high-water
mark ``<prefix>:published`` to the newest position, in one ``MULTI``.  When Redis is down the
publish fails quietly (the records are already stored: appends never depend on Redis) and the
bus is *behind*; the next ``publish`` -- or :meth:`RedisStreamsBus.catch_up` -- republishes
from the store after the high-water mark.

**Consuming.** A :class:`StreamWorker` feeds one projection from a consumer group named after
it.  Delivery is at least once; the projection applies each global position exactly once and
in order, **and always the store's record**: an entry is only a notification (it carries the
record's position and hash, and the rest of the record), so the worker

* acknowledges entries at or below the projection's position as duplicates;
* reads the store from the projection's position up to the entry's, applies those records
  (filling a gap: another domain's event, a publish lost while Redis was down, a restart with
  an empty projection) and acknowledges the entries that match their record exactly;
* never applies an entry that differs from the store's record at its position, names a
  position the store does not hold, or does not parse (a forged or corrupted entry, a stray
  ``XADD``): after ``max_deliveries`` deliveries it goes to ``<prefix>:dead-letter`` with the
  reason and a warning log line, and the worker goes on;
* re-reads its own pending entries first, then claims entries another consumer left pending
  longer than ``min_idle_ms`` (``XAUTOCLAIM``: a worker that died before ``XACK``), then
  reads new ones;
* moves a record whose projection raised ``max_deliveries`` times (``XPENDING`` delivery
  count) to the dead-letter stream with the reason, acknowledges it and skips its position.

>>> domain_of("XPGained"), domain_of("NoSuchEvent")
('gamification', 'other')
>>> stream_key("astratrade", "trading")
'astratrade:events:trading'
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final, cast

import attrs
import redis
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.events import PLATFORM_EVENTS, EventRegistry
from astratrade_shell.bus.port import Handler
from astratrade_shell.projections import Fed
from astratrade_shell.store.port import EventStore
from astratrade_shell.store.records import StoredEvent

__all__ = [
    "RedisStreamsBus",
    "StreamWorker",
    "WorkerStats",
    "all_domains",
    "dead_letter_key",
    "decode_entry",
    "domain_of",
    "encode_entry",
    "stream_key",
]

_LOG = logging.getLogger(__name__)

_RAISE_MARK = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
return 0
"""


def domain_of(event_type: str, registry: EventRegistry = PLATFORM_EVENTS) -> str:
    """The domain (defining core module) of an event type; ``other`` if ``registry`` lacks
    it."""
    cls = registry.get(event_type)
    return "other" if cls is None else cls.__module__.rsplit(".", 1)[-1]


def all_domains(registry: EventRegistry = PLATFORM_EVENTS) -> tuple[str, ...]:
    """Every domain with an event type in ``registry``, plus ``other``, sorted."""
    return tuple(sorted({*(domain_of(name, registry) for name in registry.names()), "other"}))


def stream_key(prefix: str, domain: str) -> str:
    """The Redis stream a domain's events are published to."""
    return f"{prefix}:events:{domain}"


def dead_letter_key(prefix: str) -> str:
    """The stream poison records are moved to."""
    return f"{prefix}:dead-letter"


def encode_entry(record: StoredEvent, sent_at_ns: int) -> dict[str, bytes | int | str]:
    """A stored record as stream-entry fields (``sent_at`` feeds the latency figures)."""
    return {"position": record.position, "stream": record.stream_id,
            "version": record.version, "event_id": record.event_id,
            "type": record.event_type, "schema": record.schema_version, "data": record.data,
            "hash": record.hash, "command_id": record.command_id or "",
            "has_command": int(record.command_id is not None), "sent_at": sent_at_ns}


_NUMBER: Final = re.compile(rb"[0-9]{1,19}")


def decode_entry(fields: Mapping[bytes, bytes]) -> Result[tuple[StoredEvent, int],
                                                           DomainError]:
    """The stored record an entry claims to carry and its ``sent_at`` (inverse of
    :func:`encode_entry`), or ``bus.malformed_entry`` naming what is wrong: a missing field,
    a number that is not 1-19 ASCII digits, text that is not UTF-8.  Never raises.

    >>> record = StoredEvent(position=3, stream_id="s", version=1, event_id="e",
    ...                      event_type="T", schema_version=1, data=b"{}", hash=bytes(32),
    ...                      command_id=None)
    >>> wire = {k.encode(): v if isinstance(v, bytes) else str(v).encode()
    ...         for k, v in encode_entry(record, 0).items()}
    >>> decode_entry(wire).unwrap() == (record, 0)
    True
    >>> decode_entry({**wire, b"position": b"abc"}).failure().message
    "field 'position' is not a number: b'abc'"
    """
    def number(name: bytes) -> int:
        raw = fields[name]
        if _NUMBER.fullmatch(raw) is None:
            raise ValueError(f"field {name.decode()!r} is not a number: {raw[:20]!r}")
        return int(raw)

    try:
        command = fields[b"command_id"].decode()
        has_command = fields[b"has_command"]
        if has_command not in (b"0", b"1"):
            raise ValueError(f"field 'has_command' is not 0 or 1: {has_command[:20]!r}")
        record = StoredEvent(
            position=number(b"position"), stream_id=fields[b"stream"].decode(),
            version=number(b"version"), event_id=fields[b"event_id"].decode(),
            event_type=fields[b"type"].decode(), schema_version=number(b"schema"),
            data=fields[b"data"], hash=fields[b"hash"],
            command_id=command if has_command == b"1" else None)
        return Success((record, number(b"sent_at")))
    except KeyError as exc:
        return Failure(DomainError.invalid("bus.malformed_entry",
                                           f"field {exc.args[0].decode()!r} is missing"))
    except UnicodeDecodeError:
        return Failure(DomainError.invalid("bus.malformed_entry", "a text field is not UTF-8"))
    except ValueError as exc:
        return Failure(DomainError.invalid("bus.malformed_entry", str(exc)))


class RedisStreamsBus:
    """Publishes stored records to per-domain Redis streams (see the module docstring).

    Local ``subscribe``\\ rs are called in-process first, like :class:`InProcessBus`; remote
    ones are :class:`StreamWorker`\\ s.  With a ``store``, a bus that fell behind (Redis down)
    catches up from it on the next publish.  ``registry`` says which domain (stream) each
    event type belongs to.
    """

    def __init__(self, client: redis.Redis, *, prefix: str = "astratrade",
                 store: EventStore | None = None, maxlen: int | None = None,
                 registry: EventRegistry = PLATFORM_EVENTS) -> None:
        self.client = client
        self.registry = registry
        self.prefix = prefix
        self.store = store
        self.maxlen = maxlen
        self.behind = False
        self.failed_publishes = 0
        self._handlers: list[Handler] = []
        self._raise_mark = client.register_script(_RAISE_MARK)

    @property
    def mark_key(self) -> str:
        """The key holding the newest published position."""
        return f"{self.prefix}:published"

    def subscribe(self, handler: Handler) -> None:
        """Add an in-process subscriber."""
        self._handlers.append(handler)

    def publish(self, records: Sequence[StoredEvent]) -> None:
        """Call local subscribers, then publish to Redis (never raises on Redis errors)."""
        for record in records:
            for handler in self._handlers:
                handler(record)
        if self.behind and self.store is not None:
            self.catch_up()
            return
        if not self._send(records):
            self.behind = True

    def published_position(self) -> int:
        """The high-water mark: the newest position published (``0`` if none)."""
        raw = self.client.get(self.mark_key)
        return 0 if raw is None else int(cast(bytes, raw))

    def catch_up(self, page: int = 500) -> int:
        """Republish every stored record after the high-water mark; the count published.

        Records below the mark that a failed publish missed need nothing: workers fill such
        gaps from the store.  Returns ``0`` and stays behind while Redis is unreachable.
        """
        if self.store is None:
            raise ValueError("catch_up needs the bus to know the store")
        try:
            start = self.published_position() + 1
        except redis.RedisError:
            self.behind = True
            return 0
        batch: list[StoredEvent] = []
        count = 0
        for record in self.store.read_all(start):
            batch.append(record)
            if len(batch) >= page:
                if not self._send(batch):
                    self.behind = True
                    return count
                count += len(batch)
                batch = []
        if batch and not self._send(batch):
            self.behind = True
            return count
        self.behind = False
        return count + len(batch)

    def _send(self, records: Sequence[StoredEvent]) -> bool:
        if not records:
            return True
        now = time.time_ns()
        try:
            pipe = self.client.pipeline(transaction=True)
            for record in records:
                key = stream_key(self.prefix, domain_of(record.event_type, self.registry))
                pipe.xadd(key, encode_entry(record, now),  # type: ignore[arg-type]
                          maxlen=self.maxlen, approximate=True)
            self._raise_mark(keys=[self.mark_key],
                             args=[max(r.position for r in records)], client=pipe)
            pipe.execute()
        except redis.RedisError:
            self.failed_publishes += len(records)
            return False
        return True


@attrs.define
class WorkerStats:
    """What a worker did: records applied (with a matching entry from Redis, and from the
    store alone), duplicates acknowledged, entries claimed from dead consumers, records and
    entries dead-lettered, of which ``rejected`` entries (forged, corrupted or malformed:
    never applied), and the publish-to-applied latencies (ms) of records applied with an
    entry."""

    applied: int = 0
    filled: int = 0
    duplicates: int = 0
    claimed: int = 0
    dead_lettered: int = 0
    rejected: int = 0
    handled: int = 0
    latencies_ms: list[float] = attrs.field(factory=list)


@attrs.frozen
class _Entry:
    """A delivered entry: its stream, id, and what it claims (or why it cannot be read)."""

    key: str
    entry_id: bytes
    fields: Mapping[bytes, bytes]
    claim: StoredEvent | None
    sent_at: int
    problem: str = ""


class StreamWorker:
    """Feeds one projection from the consumer group ``group`` (default: its name), reading
    the streams of ``domains`` (default: every domain of ``registry``).

    **Entries are notifications, the store is the truth.**  An entry says "position ``p`` is
    stored, with this hash"; the worker reads positions up to ``p`` from the store and
    applies the store's records, in order.  An entry whose fields differ in anything from
    the store's record at its position (a forged or corrupted entry), that names a position
    the store does not hold, or that does not parse, is never applied: it stays pending, and
    after ``max_deliveries`` deliveries goes to ``<prefix>:dead-letter`` with the reason, a
    warning on the ``astratrade_shell.bus`` logger and the ``rejected`` counter.  A record
    the projection itself fails on ``max_deliveries`` times is dead-lettered and skipped.
    No entry ever stops the worker.  The projection's ``commit`` runs after each batch,
    before the batch is acknowledged.
    """

    def __init__(self, client: redis.Redis, projection: Fed, store: EventStore,
                 *, prefix: str = "astratrade", consumer: str = "worker-1",
                 group: str | None = None, domains: Iterable[str] | None = None,
                 min_idle_ms: int = 5_000, max_deliveries: int = 5, batch: int = 500,
                 block_ms: int = 100, registry: EventRegistry = PLATFORM_EVENTS) -> None:
        if max_deliveries < 1 or batch < 1 or min_idle_ms < 0:
            raise ValueError("max_deliveries and batch must be >= 1, min_idle_ms >= 0")
        self.client = client
        self.projection = projection
        self.store = store
        self.prefix = prefix
        self.consumer = consumer
        self.group = group or projection.name
        self.keys = [stream_key(prefix, d) for d in (domains or all_domains(registry))]
        self.min_idle_ms = min_idle_ms
        self.max_deliveries = max_deliveries
        self.batch = batch
        self.block_ms = block_ms
        self.stats = WorkerStats()
        self._fill_failures: Counter[int] = Counter()
        # entries found not to match the store, pending until dead-lettered (by entry id):
        # a forged entry stays rejected even once its position has been applied
        self._suspects: dict[tuple[str, bytes], str] = {}
        self._last_claim = 0.0
        self._holding = True  # unacknowledged entries of this consumer may be pending
        self._ensure_groups()

    def __repr__(self) -> str:
        return (f"StreamWorker(projection={self.projection.name!r}, group={self.group!r}, "
                f"consumer={self.consumer!r}, prefix={self.prefix!r})")

    def _ensure_groups(self) -> None:
        for key in self.keys:
            try:
                self.client.xgroup_create(key, self.group, id="0", mkstream=True)
            except redis.ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    def run(self, *, max_events: int | None = None, idle_timeout: float | None = None,
            should_stop: Callable[[], bool] = lambda: False) -> WorkerStats:
        """Step until ``max_events`` entries were handled, nothing arrived for
        ``idle_timeout`` seconds, or ``should_stop()`` (e.g. set by a signal handler)."""
        idle_since = time.monotonic()
        while not should_stop():
            if self.step():
                idle_since = time.monotonic()
            elif idle_timeout is not None and time.monotonic() - idle_since >= idle_timeout:
                break
            if max_events is not None and self.stats.handled >= max_events:
                break
        return self.stats

    def step(self) -> int:
        """Handle one batch: own pending entries, else stale claimed ones, else new ones.

        The batch's records come from one store read, its acknowledgements go out as one
        ``XACK`` per stream in one pipeline (with any dead letters), after the commit.  The
        own-pending read is skipped while this worker holds no unacknowledged entry (every
        entry of the previous batch was acknowledged)."""
        entries: list[_Entry] = []
        if self._holding:
            entries = self._read("0", block=None)
        if not entries and time.monotonic() - self._last_claim >= self.min_idle_ms / 2_000:
            self._last_claim = time.monotonic()
            entries = self._claim()
        if not entries:
            entries = self._read(">", block=self.block_ms)
        pipe = self.client.pipeline(transaction=False)
        acks: dict[str, list[bytes]] = {}
        waiting: dict[int, list[_Entry]] = {}
        for entry in entries:
            suspect = self._suspects.get((entry.key, entry.entry_id))
            if entry.claim is None or suspect is not None:
                self._reject(pipe, acks, entry, suspect or entry.problem)
            elif entry.claim.position <= self.projection.position:
                self.stats.duplicates += 1
                acks.setdefault(entry.key, []).append(entry.entry_id)
            else:
                waiting.setdefault(entry.claim.position, []).append(entry)
        if waiting:
            self._apply_from_store(pipe, acks, waiting)
        self.projection.commit()  # durable before acknowledged: a crash redelivers the batch
        for key, ids in acks.items():
            pipe.xack(key, self.group, *ids)
        pipe.execute()
        # still holding entries: some were left pending, or a full page of own/claimed
        # entries may have more behind it
        self._holding = (sum(map(len, acks.values())) < len(entries)
                         or len(entries) >= self.batch)
        self.stats.handled += len(entries)
        return len(entries)

    def _read(self, start: str, block: int | None) -> list[_Entry]:
        reply = self.client.xreadgroup(self.group, self.consumer,
                                       dict.fromkeys(self.keys, start),
                                       count=self.batch, block=block)
        entries: list[_Entry] = []
        for raw_key, messages in cast(list[Any], reply or []):
            key = raw_key.decode()
            for entry_id, fields in messages:
                entries.extend(self._entry(key, entry_id, fields))
        return entries

    def _claim(self) -> list[_Entry]:
        pipe = self.client.pipeline(transaction=False)
        for key in self.keys:
            pipe.xautoclaim(key, self.group, self.consumer, self.min_idle_ms, count=self.batch)
        entries: list[_Entry] = []
        for key, reply in zip(self.keys, pipe.execute(), strict=True):
            for entry_id, fields in reply[1]:
                entries.extend(self._entry(key, entry_id, fields))
        self.stats.claimed += len(entries)
        return entries

    def _entry(self, key: str, entry_id: bytes, fields: Mapping[bytes, bytes] | None,
               ) -> list[_Entry]:
        if not fields:  # trimmed or deleted while pending: nothing left to deliver
            self.client.xack(key, self.group, entry_id)
            return []
        decoded = decode_entry(fields)
        if isinstance(decoded, Failure):
            return [_Entry(key, entry_id, fields, None, 0, decoded.failure().message)]
        record, sent_at = decoded.unwrap()
        return [_Entry(key, entry_id, fields, record, sent_at)]

    def _apply_from_store(self, pipe: Any, acks: dict[str, list[bytes]],
                          waiting: dict[int, list[_Entry]]) -> None:
        """Apply the store's records up to the newest waiting position, each checked against
        the entries that claim it; stop (leaving later entries pending) at a record the
        projection fails on, until it is dead-lettered."""
        upto = max(waiting)
        projection = self.projection
        for record in self.store.read_all(projection.position + 1, upto):
            claims = waiting.pop(record.position, [])
            matching = [entry for entry in claims if entry.claim == record]
            for entry in claims:
                if entry.claim != record:
                    self._reject(pipe, acks, entry, f"does not match the store's record at "
                                              f"position {record.position}")
            if not self._apply(pipe, acks, record, matching):
                return
        for position, claims in waiting.items():  # the store ends before these positions
            for entry in claims:
                self._reject(pipe, acks, entry, f"the store holds no record at position {position}")

    def _apply(self, pipe: Any, acks: dict[str, list[bytes]], record: StoredEvent,
               matching: list[_Entry]) -> bool:
        try:
            self.projection(record)
        except Exception as exc:
            deliveries = (self._deliveries(matching[0]) if matching else
                          self._count_fill_failure(record.position))
            if deliveries < self.max_deliveries:
                return False
            self._fill_failures.pop(record.position, None)
            self._dead_letter(pipe, encode_entry(record, time.time_ns()), str(exc),
                              deliveries, f"record at position {record.position}")
            self.projection.position = record.position
            self._ack(acks, matching)
            return True
        if matching:
            self.stats.applied += 1
            self.stats.duplicates += len(matching) - 1
            self.stats.latencies_ms.append((time.time_ns() - matching[0].sent_at) / 1e6)
            self._ack(acks, matching)
        else:
            self.stats.filled += 1
        return True

    @staticmethod
    def _ack(acks: dict[str, list[bytes]], entries: list[_Entry]) -> None:
        for entry in entries:
            acks.setdefault(entry.key, []).append(entry.entry_id)

    def _count_fill_failure(self, position: int) -> int:
        self._fill_failures[position] += 1
        return self._fill_failures[position]

    def _deliveries(self, entry: _Entry) -> int:
        pending = cast(list[dict[str, Any]], self.client.xpending_range(
            entry.key, self.group, min=entry.entry_id, max=entry.entry_id, count=1))
        return int(pending[0]["times_delivered"]) if pending else self.max_deliveries

    def _reject(self, pipe: Any, acks: dict[str, list[bytes]], entry: _Entry,
                reason: str) -> None:
        """An entry that is never applied: dead-lettered once delivered ``max_deliveries``
        times, pending until then."""
        deliveries = self._deliveries(entry)
        if deliveries < self.max_deliveries:
            self._suspects[entry.key, entry.entry_id] = reason
            return
        self._suspects.pop((entry.key, entry.entry_id), None)
        self.stats.rejected += 1
        self._dead_letter(pipe, {**entry.fields, "source": entry.key,
                                 "entry_id": entry.entry_id}, f"entry {reason}", deliveries,
                          f"entry {entry.entry_id.decode()} of {entry.key}")
        self._ack(acks, [entry])

    def _dead_letter(self, pipe: Any, fields: Mapping[Any, Any], reason: str,
                     deliveries: int, what: str) -> None:
        pipe.xadd(dead_letter_key(self.prefix),
                  {**fields, "projection": self.projection.name, "reason": reason[:500],
                   "deliveries": deliveries})
        self.stats.dead_lettered += 1
        _LOG.warning("dead-lettered %s for projection %s after %d deliveries: %s", what,
                     self.projection.name, deliveries, reason[:500])
