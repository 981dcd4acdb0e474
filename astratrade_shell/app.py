"""Use cases: load -> decide -> append -> publish, with the clock and ids injected.

An :class:`Aggregate` binds a kind of stream to the core's pure functions: ``decide(state,
command) -> Result[events, DomainError]`` and ``evolve(state, event) -> state``, plus an
optional :class:`SnapshotCodec`.  :class:`Application` runs a command against a stream:

1. **load**: the latest snapshot (when the aggregate has a codec and one is stored) plus the
   stream's tail, folded with ``evolve`` -- the same state as a full replay;
2. **decide**: the core's pure decision;
3. **append**: the events, encoded canonically, with ``expected_version`` = the version the
   decision saw and the caller's ``command_id`` (a retried command stores nothing twice);
4. **publish**: the stored records to the bus (projections update).

A concurrent writer makes the append fail with a version conflict; the command is then
decided again on the fresh state, up to ``max_attempts`` times.  Commands get their ids and
timestamps from :meth:`Application.new_id` and :meth:`Application.now`, the injected id
generator and clock, so a simulation is reproducible.

>>> from datetime import UTC, datetime
>>> from decimal import Decimal
>>> from returns.result import Success
>>> from astratrade_core.events.revenue import RewardClaimed
>>> from astratrade_shell.bus import InProcessBus
>>> from astratrade_shell.store import InMemoryEventStore
>>> def decide(total: Decimal, amount: Decimal):
...     return Success((RewardClaimed(event_id="r", stream_id="pool", pool_id="p",
...                     account_id="a", occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
...                     currency="STRK", amount=amount),))
>>> claims = Aggregate("claims", Decimal(0), decide, lambda s, e: s + e.amount)
>>> app = Application(InMemoryEventStore(), InProcessBus(), clock=SimulatedClock(
...     datetime(2026, 1, 1, tzinfo=UTC)), ids=SequentialIds("id"))
>>> app.execute(claims, "pool", Decimal("2.5"), command_id=app.new_id()).unwrap().state
Decimal('2.5')
>>> app.execute(claims, "pool", Decimal("1"), command_id="id-1").unwrap().duplicate
True
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.events import Event, encode
from astratrade_shell.bus.port import EventBus
from astratrade_shell.projections import decode_record
from astratrade_shell.store.port import EventStore
from astratrade_shell.store.records import (
    ANY_VERSION,
    PendingEvent,
    Snapshot,
    StoredEvent,
    VersionConflict,
)

__all__ = [
    "Aggregate",
    "Application",
    "Clock",
    "Executed",
    "IdGenerator",
    "Loaded",
    "SequentialIds",
    "SimulatedClock",
    "SnapshotCodec",
    "system_clock",
    "uuid_ids",
]

S = TypeVar("S")
C = TypeVar("C")

#: Where "now" comes from (a real clock in services, a simulated one in the demo and tests).
Clock = Callable[[], datetime]
#: Where fresh ids come from.
IdGenerator = Callable[[], str]

def system_clock() -> datetime:
    """The wall clock, in UTC."""
    return datetime.now(UTC)


def uuid_ids() -> str:
    """A random UUID4 as text."""
    return str(uuid.uuid4())


class SimulatedClock:
    """A clock that only moves when told to (:meth:`advance`)."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` and return the new time."""
        self.current += delta
        return self.current


class SequentialIds:
    """``prefix-1``, ``prefix-2``, ...: reproducible ids for simulations and tests."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._counter: Iterator[int] = itertools.count(1)

    def __call__(self) -> str:
        return f"{self._prefix}-{next(self._counter)}"


@attrs.frozen
class SnapshotCodec(Generic[S]):
    """How an aggregate's state is saved: a ``state_type`` tag (bump it when the format
    changes; snapshots with another tag are ignored) and the two conversions."""

    state_type: str
    encode: Callable[[S], bytes]
    decode: Callable[[bytes], S]


@attrs.frozen
class Aggregate(Generic[S, C]):
    """A kind of stream: its initial state and the core's ``decide``/``evolve``."""

    name: str
    initial: S
    decide: Callable[[S, C], Result[tuple[Event, ...], DomainError]]
    evolve: Callable[[S, Event], S]
    snapshots: SnapshotCodec[S] | None = None
    snapshot_every: int = 100


@attrs.frozen
class Loaded(Generic[S]):
    """A stream's state and the version it reflects."""

    state: S
    version: int


@attrs.frozen
class Executed(Generic[S]):
    """A command's outcome: the new state and the records stored (none for a duplicate)."""

    state: S
    version: int
    records: tuple[StoredEvent, ...]
    duplicate: bool = False


class Application:
    """The use-case runner over one store and one bus."""

    def __init__(self, store: EventStore, bus: EventBus, *, clock: Clock = system_clock,
                 ids: IdGenerator = uuid_ids, cache_states: bool = True) -> None:
        self.store = store
        self.bus = bus
        self._clock = clock
        self._ids = ids
        # The last state this process loaded per (aggregate, stream): an in-memory snapshot.
        # Loading still reads the stream's tail from the store, so other writers are seen.
        self._cache: dict[tuple[str, str], Loaded[Any]] | None = {} if cache_states else None

    def now(self) -> datetime:
        """The injected clock's time."""
        return self._clock()

    def new_id(self) -> str:
        """A fresh id from the injected generator."""
        return self._ids()

    def load(self, aggregate: Aggregate[S, C], stream_id: str) -> Loaded[S]:
        """Cached or snapshot state (if any) plus the tail, folded with ``evolve``."""
        state, version = aggregate.initial, 0
        cached = None if self._cache is None else self._cache.get((aggregate.name, stream_id))
        codec = aggregate.snapshots
        if cached is not None:
            state, version = cached.state, cached.version
        elif codec is not None:
            snapshot = self.store.load_snapshot(stream_id).value_or(None)
            if snapshot is not None and snapshot.state_type == codec.state_type:
                state, version = codec.decode(snapshot.data), snapshot.version
        for record in self.store.read_stream(stream_id, version + 1):
            state = aggregate.evolve(state, decode_record(record))
            version = record.version
        loaded = Loaded(state, version)
        if self._cache is not None:
            self._cache[(aggregate.name, stream_id)] = loaded
        return loaded

    def record(self, stream_id: str, events: Sequence[Event], *,
               command_id: str | None = None) -> tuple[StoredEvent, ...]:
        """Append events a process already decided (e.g. gamification awards computed by the
        core from a closed trade) at the stream's end, then publish them.  Their ids are
        derived from their source, and ``command_id`` makes a re-run store nothing twice
        (the empty tuple is returned then)."""
        pending = [PendingEvent(e.event_id, e.event_type, e.schema_version, encode(e))
                   for e in events]
        outcome = self.store.append(stream_id, pending, ANY_VERSION,
                                    command_id=command_id).unwrap()  # ANY never conflicts
        if outcome.duplicate:
            return ()
        self.bus.publish(outcome.records)
        return outcome.records

    def execute(self, aggregate: Aggregate[S, C], stream_id: str, command: C, *,
                command_id: str | None = None,
                max_attempts: int = 3) -> Result[Executed[S], DomainError]:
        """Run ``command`` against ``stream_id`` (see the module docstring).

        A rejected command is the core's ``Failure``; running out of attempts under
        contention is ``Failure(store.version_conflict)``.
        """
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        conflict: VersionConflict | None = None
        for _ in range(max_attempts):
            loaded = self.load(aggregate, stream_id)
            decided = aggregate.decide(loaded.state, command)
            if isinstance(decided, Failure):
                return Failure(decided.failure())
            events = decided.unwrap()
            pending = [PendingEvent(e.event_id, e.event_type, e.schema_version, encode(e))
                       for e in events]
            appended = self.store.append(stream_id, pending, loaded.version,
                                         command_id=command_id)
            if isinstance(appended, Failure):
                conflict = appended.failure()
                continue
            outcome = appended.unwrap()
            if outcome.duplicate:
                again = self.load(aggregate, stream_id)
                return Success(Executed(again.state, again.version, (), duplicate=True))
            state = loaded.state
            for event in events:
                state = aggregate.evolve(state, event)
            version = loaded.version + len(events)
            if self._cache is not None:
                self._cache[(aggregate.name, stream_id)] = Loaded(state, version)
            self._maybe_snapshot(aggregate, stream_id, loaded.version, version, state)
            self.bus.publish(outcome.records)
            return Success(Executed(state, version, outcome.records))
        if conflict is None:  # unreachable: every attempt either returned or conflicted
            raise RuntimeError("no attempt was made")
        return Failure(DomainError.conflict(conflict.code, str(conflict), stream_id=stream_id,
                                      expected=conflict.expected, actual=conflict.actual))

    def _maybe_snapshot(self, aggregate: Aggregate[S, C], stream_id: str, before: int,
                        after: int, state: S) -> None:
        codec = aggregate.snapshots
        every = aggregate.snapshot_every
        if codec is not None and after // every > before // every:
            self.store.save_snapshot(Snapshot(stream_id, after, codec.state_type,
                                              codec.encode(state)))
