"""Feeding persisted read models: exactly once, resumable, in-process or from a worker.

A :class:`ViewFeed` is a bus handler for one or more read models
(:mod:`~astratrade_shell.readmodels.views`) stored in a :class:`~.database.ViewDatabase`.
Calling it with a record applies the record to every model whose checkpoint is below the
record's position, inside an open transaction; :meth:`ViewFeed.commit` writes the
checkpoints and commits -- rows and checkpoints together.  So:

* a record at or below a model's checkpoint changes nothing (a redelivery, a replay);
* a crash before the commit loses the whole batch *and* its checkpoint: the feeder starts
  again from the checkpoint and applies each position exactly once;
* a record the model cannot apply (it raises) is rolled back to a savepoint; the exception
  reaches the caller (the Redis worker retries it and dead-letters it after N deliveries,
  then sets :attr:`ViewFeed.position` past it).

It has the shape of :class:`~astratrade_shell.projections.Projection` (``name``,
``position``, ``duplicates``, ``__call__``, ``commit``), so the Redis
:class:`~astratrade_shell.bus.redis_streams.StreamWorker` feeds it unchanged, committing
once per batch before it acknowledges.  In-process, :meth:`ViewFeed.handler` commits after
each record.  :func:`rebuild` recomputes one model from the store in one transaction.

Each model has a ``version`` (for ``accounts``, the shape of the core's portfolio state), stored
with its checkpoint: a feed opened on rows another version wrote rebuilds them from the store
first (or refuses, :class:`StaleReadModelError`, without a store), so rows are never misread after
an upgrade.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from astratrade_core.events import PLATFORM_EVENTS, EventRegistry
from astratrade_shell.projections import decode_record
from astratrade_shell.readmodels.database import ViewDatabase, ViewTransaction
from astratrade_shell.readmodels.views import ReadModel
from astratrade_shell.store.port import EventStore
from astratrade_shell.store.records import StoredEvent

__all__ = ["StaleReadModelError", "ViewFeed", "rebuild", "replay_into"]


class StaleReadModelError(RuntimeError):
    """A model's rows were written by another version of its code and no store was given to
    rebuild them from."""


class ViewFeed:
    """Feeds ``models`` stored in ``database`` (see the module docstring)."""

    def __init__(self, database: ViewDatabase, models: Sequence[ReadModel], *,
                 name: str | None = None, registry: EventRegistry = PLATFORM_EVENTS,
                 store: EventStore | None = None) -> None:
        if not models:
            raise ValueError("a feed needs at least one read model")
        self.database = database
        self.models = tuple(models)
        self.name = name or "+".join(m.name for m in self.models)
        self.registry = registry
        self.store = store
        self.duplicates = 0
        self.applied = 0
        self._tx: ViewTransaction | None = None
        self._refresh_stale()
        self._checkpoints = self._read_checkpoints()

    def _refresh_stale(self) -> None:
        """Rebuild the models whose rows another version of their code wrote (from the
        ``store``; without one, refuse to feed them)."""
        versions = self.database.versions()
        stale = [m for m in self.models if versions.get(m.name, "") not in ("", m.version)]
        if not stale:
            return
        names = ", ".join(m.name for m in stale)
        if self.store is None:
            raise StaleReadModelError(f"read model(s) {names} were written by another version: "
                                 "run `astratrade projections rebuild` for each")
        rebuild(self.database, self.store, stale, registry=self.registry)

    def _read_checkpoints(self) -> dict[str, int]:
        found = self.database.checkpoints()
        return {m.name: found.get(m.name, 0) for m in self.models}

    @property
    def position(self) -> int:
        """The last position every model has applied (the lowest checkpoint)."""
        return min(self._checkpoints.values())

    @position.setter
    def position(self, value: int) -> None:
        """Skip up to ``value`` (a dead-lettered record): the checkpoints move at commit."""
        self._begin()
        for name, checkpoint in self._checkpoints.items():
            self._checkpoints[name] = max(checkpoint, value)

    def _begin(self) -> ViewTransaction:
        if self._tx is None:
            self._tx = self.database.begin()
            try:
                self._checkpoints = {m.name: self._tx.checkpoint(m.name) for m in self.models}
            except BaseException:
                self._tx = None
                self.database.end(commit=False)
                raise
        return self._tx

    def __call__(self, record: StoredEvent) -> None:
        """Apply ``record`` to every model that has not applied it yet (uncommitted)."""
        tx = self._begin()
        due = [m for m in self.models if self._checkpoints[m.name] < record.position]
        if not due:
            self.duplicates += 1
            return
        wanted = [m for m in due if record.event_type in m.accepts]
        if wanted:
            event = decode_record(record, self.registry)
            with tx.savepoint():
                for model in wanted:
                    model.apply(tx, event, record)
        for model in due:
            self._checkpoints[model.name] = record.position
        self.applied += 1

    def commit(self) -> None:
        """Write the checkpoints and commit what was applied since the last commit."""
        tx = self._tx
        if tx is None:
            return
        self._tx = None
        try:
            for model in self.models:
                tx.set_checkpoint(model.name, self._checkpoints[model.name], model.version)
        except BaseException:
            self.database.end(commit=False)
            self._checkpoints = self._read_checkpoints()
            raise
        self.database.end(commit=True)

    def rollback(self, *, reload: bool = True) -> None:
        """Forget what was applied since the last commit (and, with ``reload``, read the
        committed checkpoints again)."""
        if self._tx is not None:
            self._tx = None
            self.database.end(commit=False)
        if reload:
            self._checkpoints = self._read_checkpoints()

    def handler(self, record: StoredEvent) -> None:
        """Apply and commit one record (the in-process bus's subscriber).  Records before it
        that the feed has not applied (another process appended them, or an earlier
        commit failed) are read from the ``store`` first, in the same transaction."""
        try:
            self._begin()
            if self.store is not None and record.position > self.position + 1:
                for missing in self.store.read_all(self.position + 1):
                    if missing.position >= record.position:
                        break
                    self(missing)
            self(record)
        except BaseException:
            self.rollback()
            raise
        self.commit()


def replay_into(feed: ViewFeed, store: EventStore, *, batch: int = 1_000,
                on_batch: Callable[[int], None] | None = None) -> int:
    """Feed every stored record after the feed's position, committing every ``batch``
    records; the count fed."""
    count = 0
    for record in store.read_all(feed.position + 1):
        feed(record)
        count += 1
        if count % batch == 0:
            feed.commit()
            if on_batch is not None:
                on_batch(record.position)
    feed.commit()
    return count


def rebuild(database: ViewDatabase, store: EventStore, models: Iterable[ReadModel], *,
            registry: EventRegistry = PLATFORM_EVENTS) -> int:
    """Recompute ``models`` from the whole store in ONE transaction (readers see the old rows
    until it commits; a feeder of the same model waits for it, then goes on from the new
    checkpoint); the number of records read."""
    chosen = tuple(models)
    count = 0
    with database.transaction() as tx:
        for model in chosen:
            tx.clear(model.name)
        checkpoints = dict.fromkeys((m.name for m in chosen), 0)
        for record in store.read_all(1):
            wanted = [m for m in chosen if record.event_type in m.accepts]
            if wanted:
                event = decode_record(record, registry)
                for model in wanted:
                    model.apply(tx, event, record)
            for name in checkpoints:
                checkpoints[name] = record.position
            count += 1
        for model in chosen:
            tx.set_checkpoint(model.name, checkpoints[model.name], model.version)
    return count
