"""The append plan: the one algorithm every event store adapter runs inside its transaction.

An adapter opens its transaction (a lock, ``BEGIN IMMEDIATE``, ``LOCK TABLE``), reads a
:class:`StoreHead` -- the stream's version, the newest global position and its hash, and where
an earlier append with the same command id landed, if one did -- and hands it with the request
to :func:`plan_append`, a pure function.  The answer is one of

* :class:`Write` -- every row to insert, complete (positions, versions, chain hashes, every
  field; as SQL-ready tuples in :data:`ROW_COLUMNS` order and as the
  :class:`~astratrade_shell.store.records.StoredEvent` values the append answers), plus the
  command record to insert; the adapter writes them and commits;
* :class:`Duplicate` -- the command id was stored before: the adapter reads the records of
  that earlier append (positions ``first..last`` of :attr:`Duplicate.command`) and writes
  nothing, whatever the expected version (retries are safe);
* :class:`~astratrade_shell.store.records.VersionConflict` -- ``expected_version`` is not the
  stream's version: nothing is written.

So the command-id check, the version check, the numbering and the chain hashing are written
here once; the adapters only run SQL (or dict updates) around the plan.

Laws (tested in ``tests/shell/store/test_plan.py``): the rows' positions continue the store's
without a gap, their versions continue the stream's, each hash links to its predecessor; a
stored command id gives the same answer for any request; a stale expected version is a
conflict; the plan never depends on anything but its arguments.

**Command ids are remembered even when a command stored no events** (a decision that produced
nothing): the command record then spans the empty range ``last + 1 .. last``, and a retry is a
duplicate with no records, as the core's ``handle`` treats a command id it has seen.

>>> from astratrade_shell.store.chain import GENESIS_HASH
>>> from astratrade_shell.store.records import PendingEvent
>>> head = StoreHead(stream_version=0, last_position=7, last_hash=GENESIS_HASH)
>>> plan = plan_append(head, "s", [PendingEvent("e-1", "T", 1, b"{}")], 0, "c-1")
>>> [(r.position, r.version, r.command_id) for r in plan.records], plan.command
([(8, 1, 'c-1')], CommandRecord(command_id='c-1', stream_id='s', first_position=8, last_position=8))
>>> plan_append(head, "s", [], 3, None)
VersionConflict(stream_id='s', expected=3, actual=0)
>>> plan_append(attrs.evolve(head, command=plan.command), "t", [], 5, "c-1")
Duplicate(command=CommandRecord(command_id='c-1', stream_id='s', first_position=8, last_position=8))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import attrs

from astratrade_shell.store.chain import hashed_content, link_hash
from astratrade_shell.store.records import (
    ExpectedVersion,
    PendingEvent,
    StoredEvent,
    VersionConflict,
    check_expected_version,
)

__all__ = [
    "ROW_COLUMNS",
    "AppendPlan",
    "CommandRecord",
    "Duplicate",
    "StoreHead",
    "Unhashed",
    "Write",
    "plan_append",
]


@attrs.frozen
class CommandRecord:
    """Where the append made by command ``command_id`` landed: its stream and the global
    positions ``first_position..last_position`` (an empty range, ``last + 1 .. last``, when
    the command stored no events)."""

    command_id: str
    stream_id: str
    first_position: int
    last_position: int


@attrs.frozen
class StoreHead:
    """What an adapter reads inside its transaction before planning an append.

    ``stream_version``: events in the target stream (0 when it does not exist);
    ``last_position`` and ``last_hash``: the newest record's global position and chain hash
    (``0`` and ``GENESIS_HASH`` for an empty store); ``command``: the earlier append of the
    requested command id, if any.
    """

    stream_version: int
    last_position: int
    last_hash: bytes
    command: CommandRecord | None = None


#: A row to insert, in :data:`ROW_COLUMNS` order.
Row = tuple[int, str, int, str, str, int, bytes, str | None, bytes]

#: The column order of :attr:`Write.rows` (the SQL adapters' ``INSERT`` lists them so).
ROW_COLUMNS = ("position", "stream_id", "version", "event_id", "event_type", "schema_version",
               "data", "command_id", "hash")


@attrs.frozen
class Write:
    """Insert ``rows`` (complete, in position order; maybe none) and ``command`` (when the
    append has a command id), then commit; ``records`` are the same rows as the values the
    append answers."""

    stream_id: str
    rows: tuple[Row, ...]
    records: tuple[StoredEvent, ...]
    command: CommandRecord | None


@attrs.frozen
class Duplicate:
    """The command id was stored by ``command``: read its records, write nothing."""

    command: CommandRecord


#: What :func:`plan_append` answers.
AppendPlan = Write | Duplicate | VersionConflict


class Unhashed(NamedTuple):
    """A row before its chain hash: every field :func:`~astratrade_shell.store.chain.
    hashed_content` may cover (the same names as :class:`StoredEvent`'s), in
    :data:`ROW_COLUMNS` order."""

    position: int
    stream_id: str
    version: int
    event_id: str
    event_type: str
    schema_version: int
    data: bytes
    command_id: str | None


def plan_append(head: StoreHead, stream_id: str, events: Sequence[PendingEvent],
                expected_version: int | ExpectedVersion,
                command_id: str | None) -> AppendPlan:
    """Decide what appending ``events`` to ``stream_id`` does against ``head`` (see the module
    docstring).  An impossible ``expected_version`` (negative, not an int) is a programming
    error: ``ValueError``."""
    check_expected_version(expected_version)
    if head.command is not None:
        return Duplicate(head.command)
    current = head.stream_version
    if isinstance(expected_version, int) and expected_version != current:
        return VersionConflict(stream_id, expected_version, current)
    position = head.last_position
    previous = head.last_hash
    rows: list[Row] = []
    records: list[StoredEvent] = []
    for offset, event in enumerate(events, start=1):
        unhashed = Unhashed(position + offset, stream_id, current + offset, event.event_id,
                            event.event_type, event.schema_version, event.data, command_id)
        previous = link_hash(previous, hashed_content(unhashed))
        rows.append((*unhashed, previous))
        records.append(StoredEvent(
            position=unhashed.position, stream_id=stream_id, version=unhashed.version,
            event_id=event.event_id, event_type=event.event_type,
            schema_version=event.schema_version, data=event.data, hash=previous,
            command_id=command_id))
    command = None if command_id is None else CommandRecord(
        command_id, stream_id, position + 1, position + len(records))
    return Write(stream_id, tuple(rows), tuple(records), command)
