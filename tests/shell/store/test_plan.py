"""Laws of the pure append plan every store adapter runs (``astratrade_shell.store.plan``)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Success

from astratrade_shell.store import ANY_VERSION, ExpectedVersion, PendingEvent, StoredEvent
from astratrade_shell.store.chain import GENESIS_HASH, hashed_content, verify_chain
from astratrade_shell.store.plan import (
    ROW_COLUMNS,
    CommandRecord,
    Duplicate,
    StoreHead,
    Write,
    plan_append,
)
from astratrade_shell.store.records import VersionConflict


@st.composite
def heads(draw: st.DrawFn, command: bool | None = None) -> StoreHead:
    version = draw(st.integers(0, 10_000))
    position = draw(st.integers(version, 10**12))
    seen = st.builds(CommandRecord, st.text(max_size=5), st.text(max_size=5),
                     st.integers(1, 100), st.integers(0, 100))
    found = (draw(st.none() | seen) if command is None else
             draw(seen) if command else None)
    return StoreHead(version, position,
                     GENESIS_HASH if position == 0 else draw(st.binary(min_size=32, max_size=32)),
                     found)


pendings = st.lists(st.builds(PendingEvent, st.text(max_size=8), st.text(max_size=8),
                              st.integers(1, 5), st.binary(max_size=40)), max_size=8)
expectations = st.one_of(st.just(ANY_VERSION), st.integers(0, 10_001))
command_ids = st.none() | st.text(max_size=6)


def _write(head: StoreHead, stream: str, events: list[PendingEvent],
           command_id: str | None) -> Write:
    plan = plan_append(head, stream, events, ANY_VERSION, command_id)
    assert isinstance(plan, Write)
    return plan


@given(heads(command=False), st.text(max_size=6), pendings, command_ids)
def test_rows_continue_the_store_and_the_stream_without_gaps(
        head: StoreHead, stream: str, events: list[PendingEvent], command_id: str | None) -> None:
    plan = _write(head, stream, events, command_id)
    n = len(events)
    assert [r.position for r in plan.records] == list(
        range(head.last_position + 1, head.last_position + n + 1))
    assert [r.version for r in plan.records] == list(
        range(head.stream_version + 1, head.stream_version + n + 1))
    assert all(r.stream_id == stream and r.command_id == command_id for r in plan.records)
    assert [(r.event_id, r.event_type, r.schema_version, r.data) for r in plan.records] == [
        (e.event_id, e.event_type, e.schema_version, e.data) for e in events]
    # The SQL rows are the same records, column by column.
    assert plan.rows == tuple(tuple(getattr(r, c) for c in ROW_COLUMNS) for r in plan.records)


@given(heads(command=False), pendings, command_ids)
def test_each_hash_links_the_record_to_its_predecessor(
        head: StoreHead, events: list[PendingEvent], command_id: str | None) -> None:
    previous = head.last_hash
    for record in _write(head, "s", events, command_id).records:
        # The definition, spelled out: SHA-256(previous hash || the hashed content).
        assert record.hash == hashlib.sha256(previous + hashed_content(record)).digest()
        previous = record.hash


@given(heads(command=False), command_ids, pendings)
def test_the_command_record_spans_exactly_the_rows(
        head: StoreHead, command_id: str | None, events: list[PendingEvent]) -> None:
    plan = _write(head, "s", events, command_id)
    if command_id is None:
        assert plan.command is None
        return
    assert plan.command == CommandRecord(command_id, "s", head.last_position + 1,
                                         head.last_position + len(events))


@given(heads(command=True), st.text(max_size=6), pendings, expectations, st.text(max_size=6))
def test_a_stored_command_id_is_a_duplicate_whatever_else_is_asked(
        head: StoreHead, stream: str, events: list[PendingEvent],
        expected: int | ExpectedVersion, command_id: str) -> None:
    assert head.command is not None
    assert plan_append(head, stream, events, expected, command_id) == Duplicate(head.command)


@given(heads(command=False), pendings, st.integers(0, 10_001), command_ids)
def test_a_conflict_exactly_when_the_expected_version_is_not_the_head(
        head: StoreHead, events: list[PendingEvent], expected: int,
        command_id: str | None) -> None:
    plan = plan_append(head, "s", events, expected, command_id)
    if expected == head.stream_version:
        assert isinstance(plan, Write)
        assert plan == plan_append(head, "s", events, ANY_VERSION, command_id)
    else:
        assert plan == VersionConflict("s", expected, head.stream_version)


@given(heads(command=False), pendings, pendings)
def test_splitting_a_batch_plans_the_same_rows(
        head: StoreHead, first: list[PendingEvent], second: list[PendingEvent]) -> None:
    whole = _write(head, "s", first + second, None).records
    one = _write(head, "s", first, None).records
    after = StoreHead(head.stream_version + len(first), head.last_position + len(first),
                      one[-1].hash if one else head.last_hash)
    assert whole == one + _write(after, "s", second, None).records


@given(st.lists(st.tuples(st.sampled_from("abc"), pendings), max_size=12))
def test_any_sequence_of_planned_writes_is_a_chain_that_verifies(
        batches: list[tuple[str, list[PendingEvent]]]) -> None:
    log: list[StoredEvent] = []
    versions: dict[str, int] = {}
    for stream, events in batches:
        head = StoreHead(versions.get(stream, 0), len(log),
                         log[-1].hash if log else GENESIS_HASH)
        plan = plan_append(head, stream, events, versions.get(stream, 0), None)
        assert isinstance(plan, Write)
        log += plan.records
        versions[stream] = versions.get(stream, 0) + len(events)
    assert verify_chain(log) == Success(len(log))


def test_worked_example_first_record_of_an_empty_store() -> None:
    # The first record links to 32 zero bytes: sha256(bytes(32) + content), the content laid
    # out by hand from the chain format (tag, then each field as kind + 8-byte length +
    # bytes), computed with hashlib, equals the plan's hash.
    plan = plan_append(StoreHead(0, 0, GENESIS_HASH), "acct",
                       [PendingEvent("e-1", "Deposited", 1, b"{}")], 0, "cmd-1")
    assert isinstance(plan, Write)
    (record,) = plan.records
    content = (b"astratrade.record.2\n"
               b"i\0\0\0\0\0\0\0\x011"          # position 1
               b"s\0\0\0\0\0\0\0\x04acct"       # stream
               b"i\0\0\0\0\0\0\0\x011"          # version 1
               b"s\0\0\0\0\0\0\0\x03e-1"        # event id
               b"s\0\0\0\0\0\0\0\x09Deposited"  # event type
               b"i\0\0\0\0\0\0\0\x011"          # schema version 1
               b"s\0\0\0\0\0\0\0\x05cmd-1"      # command id
               b"b\0\0\0\0\0\0\0\x02{}")        # the event's canonical bytes
    assert record == StoredEvent(position=1, stream_id="acct", version=1, event_id="e-1",
                                 event_type="Deposited", schema_version=1, data=b"{}",
                                 hash=hashlib.sha256(bytes(32) + content).digest(),
                                 command_id="cmd-1")
    assert plan.command == CommandRecord("cmd-1", "acct", 1, 1)


def test_an_empty_append_with_a_command_id_records_an_empty_range() -> None:
    plan = plan_append(StoreHead(3, 9, b"h" * 32), "s", [], 3, "c")
    assert plan == Write("s", (), (), CommandRecord("c", "s", 10, 9))


@pytest.mark.parametrize("bad", [-1, True])
def test_an_impossible_expected_version_is_a_programming_error(bad: int) -> None:
    with pytest.raises(ValueError, match="expected_version"):
        plan_append(StoreHead(0, 0, GENESIS_HASH), "s", [], bad, None)
