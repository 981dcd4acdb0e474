"""The application: one write path, :meth:`Application.execute`, for every stream.

An :class:`Application` is configured with the core's aggregates (by name), the pure policies
that connect them, the codec registry it decodes stored records with, optional snapshotting per
aggregate name, a store, a bus, a clock and an id source.  ``execute(aggregate, stream_id,
command)`` runs a command against one stream:

1. **load**: the latest snapshot (when the aggregate is snapshotted and a snapshot of its
   current format is stored; or the state this process last saw) plus the stream's tail,
   decoded lazily and folded by ONE call of the aggregate's batch ``evolve``;
2. **decide**: the core's pure ``decide(state, command)``; a refusal is returned as the
   ``Failure`` it is (unless the command id was already applied: then it is a duplicate);
3. **append** the events, encoded canonically, at the version the decision saw, under
   ``command.command_id``.  A version conflict (another writer got there first) decides again
   on fresh state, up to ``max_attempts`` times -- safe, because a command id is stored at
   most once; a command id stored before is a duplicate and stores nothing;
4. **publish** the stored records to the bus (read models update);
5. **policies**: every new event goes through each policy; each :class:`Dispatch
   <astratrade_core.policies.Dispatch>` it answers is executed the same way (steps 1-4) on the
   named aggregate, and the events *those* store go through the policies in turn, breadth
   first, at most ``max_depth`` levels and ``max_reactions`` commands deep (a policy cycle is
   a bug: :class:`PolicyLoopError`).  A policy's command that the domain refuses is
   recorded in :attr:`Executed.reactions`, not raised.  A duplicate command runs the policies
   again over the events it stored the first time: they are idempotent (their command ids
   derive from the event ids), so a crash between the append and the policies is repaired
   by retrying the command.

Nothing here holds a rule: every number comes from ``decide``/``evolve``/policies in the core.

>>> from datetime import UTC, datetime
>>> from decimal import Decimal
>>> from astratrade_core.portfolio import PORTFOLIO, Deposit, Withdraw
>>> from astratrade_shell.bus import InProcessBus
>>> from astratrade_shell.store import InMemoryEventStore
>>> app = Application(InMemoryEventStore(), InProcessBus(), aggregates=[PORTFOLIO])
>>> at = datetime(2026, 1, 1, tzinfo=UTC)
>>> deposit = Deposit(command_id="c-1", account_id="acct", issued_at=at, currency="USD",
...                   amount=Decimal("10"))
>>> done = app.execute(PORTFOLIO, "acct", deposit).unwrap()
>>> done.version, done.state.cash_of("USD"), [r.event_type for r in done.records]
(1, Decimal('10'), ['FundsDeposited'])
>>> app.execute(PORTFOLIO, "acct", deposit).unwrap().duplicate    # the same command id again
True
>>> app.execute(PORTFOLIO, "acct", Withdraw(command_id="c-2", account_id="acct", issued_at=at,
...                                         currency="USD", amount=Decimal("11"))
...             ).failure().code
'portfolio.insufficient_funds'
"""

from __future__ import annotations

import itertools
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

import attrs
from returns.maybe import Some
from returns.result import Failure, Result, Success

from astratrade_core.aggregate import Aggregate, Command
from astratrade_core.errors import DomainError
from astratrade_core.events import PLATFORM_EVENTS, Event, EventRegistry, encode
from astratrade_core.policies import Dispatch, Policy
from astratrade_shell.bus.port import EventBus
from astratrade_shell.projections import decode_record
from astratrade_shell.snapshots import Snapshotting
from astratrade_shell.store.port import EventStore
from astratrade_shell.store.records import (
    Appended,
    AppendRequest,
    PendingEvent,
    Snapshot,
    StoredEvent,
    VersionConflict,
)

__all__ = [
    "Application",
    "Clock",
    "Executed",
    "IdGenerator",
    "Loaded",
    "PolicyLoopError",
    "Reaction",
    "SequentialIds",
    "SimulatedClock",
    "system_clock",
    "uuid_ids",
]

S = TypeVar("S")
C = TypeVar("C", bound=Command)

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
class Loaded(Generic[S]):
    """A stream's state and the version it reflects."""

    state: S
    version: int


@attrs.frozen
class Reaction:
    """One command a policy caused: the id of the event it reacted to, the dispatch, how deep
    in the cascade it ran (1 = caused by the executed command's own events) and its outcome
    (a refusal is a ``Failure`` here, not an exception)."""

    cause: str
    dispatch: Dispatch
    depth: int
    outcome: Result[Executed[Any], DomainError]


@attrs.frozen
class Executed(Generic[S]):
    """A command's outcome: the stream's new state and version, the records the command
    stored (for a ``duplicate``, those it stored the first time; nothing new was written),
    and the reactions its events caused through the policies, in the order they ran."""

    stream_id: str
    state: S
    version: int
    records: tuple[StoredEvent, ...]
    duplicate: bool = False
    reactions: tuple[Reaction, ...] = ()


class PolicyLoopError(RuntimeError):
    """The policies kept causing commands beyond the configured depth or count: a cycle among
    policies (a bug).  The commands executed so far are stored; nothing is undone."""


class _Tail:
    """A stream's records decoded one at a time (lazily, for one batch ``evolve``), remembering
    the version of the last one folded."""

    def __init__(self, records: Iterator[StoredEvent], registry: EventRegistry,
                 version: int) -> None:
        self._records = records
        self._registry = registry
        self.version = version

    def __iter__(self) -> Iterator[Event]:
        registry = self._registry
        for record in self._records:
            self.version = record.version
            yield decode_record(record, registry)


@attrs.frozen
class _Planned:
    """A decided command of a batch: its stream before and after, its events, and the index
    of its append request."""

    aggregate: Aggregate[Any, Any]
    stream_id: str
    loaded: Loaded[Any]
    after: Loaded[Any]
    events: tuple[Event, ...]
    index: int


@attrs.frozen
class _Repeat:
    """A command whose id an earlier command of the same batch carries (request ``index``),
    and its stream as the batch has it then."""

    aggregate: Aggregate[Any, Any]
    stream_id: str
    loaded: Loaded[Any]
    index: int


#: A batch command's outcome and the events its policies run over.
_Outcome = Result[tuple[Executed[Any], tuple[Event, ...]], DomainError]


def _pending(events: Sequence[Event]) -> list[PendingEvent]:
    return [PendingEvent(e.event_id, e.event_type, e.schema_version, encode(e)) for e in events]


class Application:
    """The use-case runner over one store and one bus (see the module docstring).

    ``aggregates`` are the core aggregates this application executes, by their unique names
    (every one of their ``event_types`` must be in ``registry``, which decodes stored
    records); ``policies`` run after every stored event; ``snapshots`` maps aggregate names to
    their :class:`~astratrade_shell.snapshots.Snapshotting`.  With ``cache_states`` the last
    state loaded per stream is kept in memory (loading still reads the tail, so other writers
    are seen).
    """

    def __init__(self, store: EventStore, bus: EventBus, *,
                 aggregates: Iterable[Aggregate[Any, Any]] = (),
                 policies: Iterable[Policy] = (),
                 snapshots: Mapping[str, Snapshotting[Any]] | None = None,
                 registry: EventRegistry = PLATFORM_EVENTS,
                 clock: Clock = system_clock, ids: IdGenerator = uuid_ids,
                 cache_states: bool = True, max_attempts: int = 3, max_depth: int = 16,
                 max_reactions: int = 10_000) -> None:
        if max_attempts < 1 or max_depth < 1 or max_reactions < 1:
            raise ValueError("max_attempts, max_depth and max_reactions must be at least 1")
        self.store = store
        self.bus = bus
        self.registry = registry
        self._aggregates: dict[str, Aggregate[Any, Any]] = {}
        for aggregate in aggregates:
            if aggregate.name in self._aggregates:
                raise ValueError(f"two aggregates are named {aggregate.name!r}")
            unknown = [t.__qualname__ for t in aggregate.event_types
                       if registry.get(t.event_type) is not t]
            if unknown:
                raise ValueError(f"the registry cannot decode {', '.join(unknown)} of "
                                 f"aggregate {aggregate.name!r}: add them to their module's "
                                 "events tuple")
            self._aggregates[aggregate.name] = aggregate
        self._policies = tuple(policies)
        self._snapshots = dict(snapshots or {})
        missing = sorted(set(self._snapshots) - set(self._aggregates))
        if missing:
            raise ValueError(f"snapshots for unknown aggregates: {', '.join(missing)}")
        self._clock = clock
        self._ids = ids
        self._max_attempts = max_attempts
        self._max_depth = max_depth
        self._max_reactions = max_reactions
        self._cache: dict[tuple[str, str], Loaded[Any]] | None = {} if cache_states else None

    def now(self) -> datetime:
        """The injected clock's time."""
        return self._clock()

    def new_id(self) -> str:
        """A fresh id from the injected generator."""
        return self._ids()

    def aggregate(self, name: str) -> Aggregate[Any, Any]:
        """The configured aggregate called ``name`` (``LookupError`` if there is none)."""
        found = self._aggregates.get(name)
        if found is None:
            raise LookupError(f"no aggregate named {name!r} is configured "
                              f"(known: {', '.join(sorted(self._aggregates)) or 'none'})")
        return found

    def _configured(self, aggregate: Aggregate[S, C]) -> None:
        if self._aggregates.get(aggregate.name) is not aggregate:
            raise ValueError(f"aggregate {aggregate.name!r} is not the one configured under "
                             "that name: pass it in Application(aggregates=...)")

    # -- reading ------------------------------------------------------------------------------

    def load(self, aggregate: Aggregate[S, C], stream_id: str) -> Loaded[S]:
        """The stream's current state: cached or snapshot state (if any) plus the tail, folded
        by one call of ``aggregate.evolve``."""
        self._configured(aggregate)
        start = self._start(aggregate, stream_id)
        records = self.store.read_stream(stream_id, start.version + 1)
        first = next(records, None)
        if first is None:
            loaded = start
        else:
            tail = _Tail(itertools.chain((first,), records), self.registry, start.version)
            state = aggregate.evolve(start.state, tail)
            if next(records, None) is not None:  # the version would not match the state
                raise RuntimeError(f"{aggregate.name}.evolve did not fold every event it was "
                                   "given")
            loaded = Loaded(state, tail.version)
        self._remember(aggregate, stream_id, loaded)
        return loaded

    def _start(self, aggregate: Aggregate[S, C], stream_id: str) -> Loaded[S]:
        if self._cache is not None:
            cached: Loaded[S] | None = self._cache.get((aggregate.name, stream_id))
            if cached is not None:
                return cached
        snapshotting = self._snapshots.get(aggregate.name)
        if snapshotting is not None:
            snapshot = self.store.load_snapshot(stream_id)
            if isinstance(snapshot, Some):
                found = snapshot.unwrap()
                if found.state_type == snapshotting.codec.state_type:
                    state: S = snapshotting.codec.decode(found.data)
                    return Loaded(state, found.version)
        return Loaded(aggregate.initial, 0)

    def _remember(self, aggregate: Aggregate[S, C], stream_id: str, loaded: Loaded[S]) -> None:
        if self._cache is not None:
            self._cache[(aggregate.name, stream_id)] = loaded

    # -- the write path -----------------------------------------------------------------------

    def execute(self, aggregate: Aggregate[S, C], stream_id: str,
                command: C) -> Result[Executed[S], DomainError]:
        """Run ``command`` against ``stream_id``, then the policies (see the module docstring).

        A refused command is the core's ``Failure``; running out of attempts under contention
        is ``Failure(store.version_conflict)`` (kind ``conflict``).  ``ValueError`` if the
        aggregate is not the configured one of its name or ``decide`` made an event for
        another stream; :class:`PolicyLoopError` on a policy cycle.
        """
        self._configured(aggregate)
        ran = self._run(aggregate, stream_id, command)
        if isinstance(ran, Failure):
            return Failure(ran.failure())
        executed, events = ran.unwrap()
        if not self._policies:
            return Success(executed)
        return Success(attrs.evolve(executed, reactions=self._react(events)))

    def _run(self, aggregate: Aggregate[S, C], stream_id: str, command: C,
             ) -> Result[tuple[Executed[S], tuple[Event, ...]], DomainError]:
        """Steps 1-4 for one command: the outcome and the events to run the policies over."""
        conflict: VersionConflict | None = None
        for _ in range(self._max_attempts):
            loaded = self.load(aggregate, stream_id)
            decided = aggregate.decide(loaded.state, command)
            if isinstance(decided, Failure):
                seen = self.store.find_command(command.command_id)
                if isinstance(seen, Some):  # a retry the state has moved past: a duplicate
                    return Success(self._duplicate(aggregate, stream_id, seen.unwrap()))
                return Failure(decided.failure())
            events: tuple[Event, ...] = decided.unwrap()
            strays = sorted({e.stream_id for e in events} - {stream_id})
            if strays:
                raise ValueError(f"{aggregate.name} decided events for stream(s) "
                                 f"{', '.join(strays)} while executing against {stream_id}")
            appended = self.store.append(stream_id, _pending(events), loaded.version,
                                         command_id=command.command_id)
            if isinstance(appended, Failure):
                conflict = appended.failure()
                continue
            outcome = appended.unwrap()
            if outcome.duplicate:
                return Success(self._duplicate(aggregate, stream_id, outcome))
            state = aggregate.evolve(loaded.state, events) if events else loaded.state
            version = loaded.version + len(events)
            self._remember(aggregate, stream_id, Loaded(state, version))
            snapshotting = self._snapshots.get(aggregate.name)
            if snapshotting is not None and snapshotting.due(loaded.version, version):
                self.store.save_snapshot(Snapshot(stream_id, version,
                                                  snapshotting.codec.state_type,
                                                  snapshotting.codec.encode(state)))
            self.bus.publish(outcome.records)
            return Success((Executed(stream_id, state, version, outcome.records), events))
        if conflict is None:  # unreachable: max_attempts >= 1 and every attempt conflicted
            raise RuntimeError("no attempt was made")
        return Failure(DomainError.conflict(conflict.code, str(conflict), stream_id=stream_id,
                                            expected=conflict.expected, actual=conflict.actual))

    def execute_batch(self, commands: Sequence[tuple[Aggregate[Any, Any], str, Command]],
                      ) -> list[Result[Executed[Any], DomainError]]:
        """Run ``commands`` as one group commit: each is loaded and decided in order (a later
        one sees the earlier ones' events on its stream), every decision's events are appended
        in ONE store transaction (:meth:`EventStore.append_batch
        <astratrade_shell.store.port.EventStore.append_batch>`), then published, then each
        command's policies run.  The outcomes are what ``execute`` would answer for each, run
        one after the other in the same order: a refusal affects no other command, a command id
        stored before or earlier in the batch is a duplicate.  When the batch append conflicts
        (another process wrote one of the streams) nothing was written and every command runs
        through ``execute`` instead, one by one."""
        for aggregate, _, _ in commands:
            self._configured(aggregate)
        seen: dict[tuple[str, str], Loaded[Any]] = {}
        planned: list[_Planned | _Repeat | _Outcome] = []
        requests: list[AppendRequest] = []
        stored_by: dict[str, int] = {}
        for aggregate, stream_id, command in commands:
            key = (aggregate.name, stream_id)
            loaded = seen.get(key) or self.load(aggregate, stream_id)
            earlier = stored_by.get(command.command_id)
            if earlier is not None:  # the same command id earlier in this batch
                planned.append(_Repeat(aggregate, stream_id, loaded, earlier))
                continue
            found = self.store.find_command(command.command_id)
            if isinstance(found, Some):  # stored before the batch: a retry
                planned.append(Success(self._repeated(stream_id, loaded, found.unwrap())))
                continue
            decided = aggregate.decide(loaded.state, command)
            if isinstance(decided, Failure):
                planned.append(Failure(decided.failure()))
                continue
            events: tuple[Event, ...] = decided.unwrap()
            strays = sorted({e.stream_id for e in events} - {stream_id})
            if strays:
                raise ValueError(f"{aggregate.name} decided events for stream(s) "
                                 f"{', '.join(strays)} while executing against {stream_id}")
            after = Loaded(aggregate.evolve(loaded.state, events) if events else loaded.state,
                           loaded.version + len(events))
            seen[key] = after
            stored_by[command.command_id] = len(requests)
            planned.append(_Planned(aggregate, stream_id, loaded, after, events, len(requests)))
            requests.append(AppendRequest(stream_id, tuple(_pending(events)), loaded.version,
                                          command.command_id))
        appended = self.store.append_batch(requests)
        if isinstance(appended, Failure):
            return [self.execute(aggregate, stream_id, command)
                    for aggregate, stream_id, command in commands]
        return self._conclude(commands, planned, appended.unwrap())

    def _conclude(self, commands: Sequence[tuple[Aggregate[Any, Any], str, Command]],
                  planned: Sequence[_Planned | _Repeat | _Outcome],
                  outcomes: Sequence[Appended]) -> list[Result[Executed[Any], DomainError]]:
        """After a batch append: remember, snapshot and publish what was stored, then run
        each command's policies, in the commands' order.

        A command id another process stored between the batch's check and its append makes
        that append a duplicate: what the batch decided after it on the same stream assumed
        events that were not stored, so those commands are answered by ``execute`` afresh
        (what they stored, if anything, is a duplicate then)."""
        stale: dict[str, int] = {}
        for n, item in enumerate(planned):
            if isinstance(item, _Planned) and outcomes[item.index].duplicate:
                stale.setdefault(item.stream_id, n)
        records: list[StoredEvent] = []
        for step in planned:
            if not isinstance(step, _Planned):
                continue
            if not outcomes[step.index].duplicate:
                records.extend(outcomes[step.index].records)
            key = (step.aggregate.name, step.stream_id)
            if step.stream_id in stale:  # load it afresh next time
                if self._cache is not None:
                    self._cache.pop(key, None)
                continue
            self._remember(step.aggregate, step.stream_id, step.after)
            snapshotting = self._snapshots.get(step.aggregate.name)
            if snapshotting is not None and snapshotting.due(step.loaded.version,
                                                             step.after.version):
                self.store.save_snapshot(Snapshot(step.stream_id, step.after.version,
                                                  snapshotting.codec.state_type,
                                                  snapshotting.codec.encode(step.after.state)))
        if records:
            self.bus.publish(records)
        results: list[Result[Executed[Any], DomainError]] = []
        for n, item in enumerate(planned):
            if stale.get(commands[n][1], n + 1) <= n:
                results.append(self.execute(*commands[n]))
                continue
            if isinstance(item, _Repeat):
                ran: _Outcome = Success(self._repeated(item.stream_id, item.loaded,
                                                       outcomes[item.index]))
            elif isinstance(item, _Planned):
                ran = Success((Executed(item.stream_id, item.after.state, item.after.version,
                                        outcomes[item.index].records), item.events))
            else:
                ran = item
            if isinstance(ran, Failure):
                results.append(Failure(ran.failure()))
                continue
            done, events = ran.unwrap()
            results.append(Success(attrs.evolve(done, reactions=self._react(events))
                                   if self._policies else done))
        return results

    def _repeated(self, stream_id: str, now: Loaded[Any], earlier: Appended,
                  ) -> tuple[Executed[Any], tuple[Event, ...]]:
        """A batch's command whose id was stored before (``earlier``), answered with the
        stream as the batch has it at that command (``now``), as ``execute`` would then."""
        events = tuple(decode_record(r, self.registry) for r in earlier.records)
        return Executed(stream_id, now.state, now.version, earlier.records, True), events

    def _duplicate(self, aggregate: Aggregate[S, C], stream_id: str, earlier: Appended,
                   ) -> tuple[Executed[S], tuple[Event, ...]]:
        now = self.load(aggregate, stream_id)
        events = tuple(decode_record(r, self.registry) for r in earlier.records)
        return Executed(stream_id, now.state, now.version, earlier.records, True), events

    def _react(self, events: Iterable[Event]) -> tuple[Reaction, ...]:
        """Run the policies over ``events`` and, breadth first, over what they cause."""
        queue: deque[tuple[Event, int]] = deque((event, 1) for event in events)
        reactions: list[Reaction] = []
        while queue:
            event, depth = queue.popleft()
            for policy in self._policies:
                for dispatch in policy(event):
                    if depth > self._max_depth or len(reactions) >= self._max_reactions:
                        raise PolicyLoopError(
                            f"event {event.event_id} ({event.event_type}) caused "
                            f"{type(dispatch.command).__name__} {dispatch.command.command_id} "
                            f"at depth {depth} after {len(reactions)} reactions (limits: "
                            f"depth {self._max_depth}, {self._max_reactions} reactions)")
                    ran = self._run(self.aggregate(dispatch.aggregate), dispatch.stream_id,
                                    dispatch.command)
                    if isinstance(ran, Success):
                        executed, caused = ran.unwrap()
                        reactions.append(Reaction(event.event_id, dispatch, depth,
                                                  Success(executed)))
                        queue.extend((e, depth + 1) for e in caused)
                    else:
                        reactions.append(Reaction(event.event_id, dispatch, depth,
                                                  Failure(ran.failure())))
        return tuple(reactions)
