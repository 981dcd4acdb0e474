"""The one abstract conformance suite for :class:`astratrade_shell.store.EventStore`.

Every adapter's test module subclasses :class:`EventStoreConformance` and implements
``open_store`` (and ``reopen`` for a durable store); pytest then runs every test below against
it.  A PostgreSQL adapter does the same (``class TestPostgresStore(EventStoreConformance)``).
"""

from __future__ import annotations

import abc
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from returns.maybe import Nothing, Some
from returns.result import Failure, Success

from astratrade_core.events.audit import link_hash, record_content
from astratrade_shell.store import (
    ANY_VERSION,
    GENESIS_HASH,
    Appended,
    AppendRequest,
    EventStore,
    ExpectedVersion,
    PendingEvent,
    Snapshot,
    StoredEvent,
    VersionConflict,
    verify_store,
)

__all__ = ["EventStoreConformance", "pending"]


def pending(tag: str, data: bytes | None = None) -> PendingEvent:
    """A small encoded event whose bytes identify it."""
    return PendingEvent(f"evt-{tag}", "Tested", 1, data if data is not None else
                        f'{{"tag":"{tag}"}}'.encode())


def _ids(records: Iterable[StoredEvent]) -> list[str]:
    return [r.event_id for r in records]


class EventStoreConformance(abc.ABC):
    """Behaviour every event store adapter must show."""

    @abc.abstractmethod
    def open_store(self, location: Path) -> EventStore:
        """A new, empty store kept at ``location`` (a fresh empty directory)."""

    @abc.abstractmethod
    def reopen(self, store: EventStore, location: Path) -> EventStore:
        """The same store seen again (a durable adapter closes and reopens it)."""

    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[EventStore]:
        opened = self.open_store(tmp_path)
        yield opened
        opened.close()

    # --- append and versions -------------------------------------------------------------

    def test_append_to_a_new_stream_numbers_versions_and_positions_from_one(
        self, store: EventStore
    ) -> None:
        appended = store.append("s-1", [pending("a"), pending("b")], 0).unwrap()
        assert [(r.version, r.position) for r in appended.records] == [(1, 1), (2, 2)]
        assert [r.stream_id for r in appended.records] == ["s-1", "s-1"]
        assert appended.duplicate is False
        assert store.stream_version("s-1") == 2
        assert store.stream_version("unknown") == 0
        assert store.last_position() == 2

    def test_stale_expected_version_is_a_conflict_value_and_writes_nothing(
        self, store: EventStore
    ) -> None:
        store.append("s-1", [pending("a")], 0).unwrap()
        result = store.append("s-1", [pending("b"), pending("c")], 0)
        assert result == Failure(VersionConflict("s-1", expected=0, actual=1))
        assert store.append("s-1", [pending("b")], 5).failure() == VersionConflict("s-1", 5, 1)
        assert _ids(store.read_all()) == ["evt-a"]
        assert store.last_position() == 1

    def test_two_writers_deciding_on_the_same_version_one_wins(self, store: EventStore) -> None:
        store.append("s-1", [pending("a")], 0).unwrap()
        first = store.append("s-1", [pending("x")], 1)
        second = store.append("s-1", [pending("y")], 1)
        assert isinstance(first, Success)
        assert second.failure() == VersionConflict("s-1", 1, 2)
        assert [(r.version, r.event_id) for r in store.read_stream("s-1")] == [
            (1, "evt-a"), (2, "evt-x")]

    def test_any_version_appends_whatever_the_stream_holds(self, store: EventStore) -> None:
        store.append("s-1", [pending("a")], ANY_VERSION).unwrap()
        appended = store.append("s-1", [pending("b")], ExpectedVersion.ANY).unwrap()
        assert [r.version for r in appended.records] == [2]

    def test_negative_expected_version_is_a_programming_error(self, store: EventStore) -> None:
        with pytest.raises(ValueError, match="expected_version"):
            store.append("s-1", [pending("a")], -1)

    def test_empty_append_checks_the_version_and_writes_nothing(self, store: EventStore) -> None:
        assert store.append("s-1", [], 0).unwrap().records == ()
        assert isinstance(store.append("s-1", [], 3), Failure)
        assert store.last_position() == 0

    # --- reading --------------------------------------------------------------------------

    def test_global_positions_interleave_streams_in_commit_order_without_gaps(
        self, store: EventStore
    ) -> None:
        store.append("a", [pending("a1")], 0).unwrap()
        store.append("b", [pending("b1"), pending("b2")], 0).unwrap()
        store.append("a", [pending("zz")], 0)  # conflict: must not consume a position
        store.append("a", [pending("a2")], 1).unwrap()
        records = list(store.read_all())
        assert [r.position for r in records] == [1, 2, 3, 4]
        assert _ids(records) == ["evt-a1", "evt-b1", "evt-b2", "evt-a2"]
        assert _ids(store.read_all(3)) == ["evt-b2", "evt-a2"]
        assert _ids(store.read_stream("a")) == ["evt-a1", "evt-a2"]
        assert _ids(store.read_stream("b", from_version=2)) == ["evt-b2"]
        assert list(store.read_stream("nobody")) == []
        assert list(store.read_all(5)) == []
        assert _ids(store.read_all(2, 3)) == ["evt-b1", "evt-b2"]
        assert _ids(store.read_all(4, 9)) == ["evt-a2"]
        assert list(store.read_all(3, 2)) == []

    def test_records_keep_every_field_and_arbitrary_bytes(self, store: EventStore) -> None:
        raw = bytes(range(256))
        event = PendingEvent("id-7", "Weird", 3, raw)
        stored = store.append("s", [event], 0, command_id="cmd-1").unwrap().records[0]
        (read,) = list(store.read_all())
        assert read == stored
        assert (read.event_id, read.event_type, read.schema_version, read.data,
                read.command_id) == ("id-7", "Weird", 3, raw, "cmd-1")

    def test_reading_a_long_stream_pages_through_everything(self, store: EventStore) -> None:
        batch = [pending(str(i)) for i in range(4_500)]
        store.append("big", batch, 0).unwrap()
        assert [r.version for r in store.read_stream("big", 2)] == list(range(2, 4_501))
        assert [r.position for r in store.read_all(10)] == list(range(10, 4_501))
        assert [r.position for r in store.read_all(10, 4_200)] == list(range(10, 4_201))

    # --- idempotent commands --------------------------------------------------------------

    def test_a_command_id_appended_twice_is_stored_once(self, store: EventStore) -> None:
        first = store.append("s", [pending("a"), pending("b")], 0, command_id="c-1").unwrap()
        again = store.append("s", [pending("a"), pending("b")], 0, command_id="c-1").unwrap()
        assert again.duplicate is True
        assert again.records == first.records
        assert store.last_position() == 2
        elsewhere = store.append("t", [pending("q")], ANY_VERSION, command_id="c-1").unwrap()
        assert elsewhere.duplicate is True and elsewhere.stream_id == "s"
        assert store.last_position() == 2

    def test_a_command_that_stored_no_events_is_still_remembered(self, store: EventStore) -> None:
        assert store.append("s", [], 0, command_id="c-empty").unwrap().records == ()
        again = store.append("s", [pending("late")], 0, command_id="c-empty").unwrap()
        assert (again.duplicate, again.stream_id, again.records) == (True, "s", ())
        assert store.last_position() == 0 and store.stream_version("s") == 0
        store.append("s", [pending("a")], 0).unwrap()
        assert store.find_command("c-empty") == Some(Appended("s", (), True))

    def test_find_command_answers_what_an_earlier_append_stored(self, store: EventStore) -> None:
        assert store.find_command("c-1") == Nothing
        first = store.append("s", [pending("a"), pending("b")], 0, command_id="c-1").unwrap()
        store.append("t", [pending("c")], 0, command_id="c-2").unwrap()
        assert store.find_command("c-1") == Some(Appended("s", first.records, True))
        assert store.find_command("c-1") == Some(
            store.append("x", [pending("z")], ANY_VERSION, command_id="c-1").unwrap())
        assert isinstance(store.append("s", [pending("q")], 0, command_id="c-3"), Failure)
        assert store.find_command("c-3") == Nothing  # a conflict stores no command

    def test_a_conflicting_append_does_not_burn_its_command_id(self, store: EventStore) -> None:
        store.append("s", [pending("a")], 0).unwrap()
        assert isinstance(store.append("s", [pending("b")], 0, command_id="c-2"), Failure)
        retried = store.append("s", [pending("b")], 1, command_id="c-2").unwrap()
        assert retried.duplicate is False
        assert _ids(store.read_stream("s")) == ["evt-a", "evt-b"]

    # --- batches of appends in one transaction (group commit) -----------------------------

    def test_a_batch_stores_exactly_what_the_same_appends_one_by_one_store(
        self, store: EventStore, tmp_path: Path
    ) -> None:
        store.append("a", [pending("0")], 0, command_id="c-0").unwrap()
        requests = [AppendRequest("a", (pending("1"), pending("2")), 1, "c-1"),
                    AppendRequest("b", (pending("3"),), 0, "c-2"),
                    AppendRequest("a", (pending("4"),), 3, "c-3"),   # sees the earlier ones
                    AppendRequest("c", (), 0, "c-4"),
                    AppendRequest("b", (pending("5"),), ANY_VERSION)]
        batched = store.append_batch(requests).unwrap()
        (tmp_path / "serial").mkdir()
        serial = self.open_store(tmp_path / "serial")
        try:
            serial.append("a", [pending("0")], 0, command_id="c-0").unwrap()
            one_by_one = tuple(serial.append(r.stream_id, r.events, r.expected_version,
                                             command_id=r.command_id).unwrap()
                               for r in requests)
            assert batched == one_by_one
            assert list(store.read_all()) == list(serial.read_all())
        finally:
            serial.close()
        assert [r.duplicate for r in batched] == [False] * 5
        assert store.find_command("c-4") == Some(Appended("c", (), True))
        assert verify_store(store) == Success(6)

    def test_a_command_id_seen_before_or_earlier_in_the_batch_is_a_duplicate(
        self, store: EventStore
    ) -> None:
        first = store.append("s", [pending("a")], 0, command_id="c-1").unwrap()
        done = store.append_batch([
            AppendRequest("s", (pending("x"),), 0, "c-1"),         # stored before the batch
            AppendRequest("t", (pending("b"),), 0, "c-2"),
            AppendRequest("u", (pending("y"),), 7, "c-2"),         # earlier in this batch
        ]).unwrap()
        assert done[0] == Appended("s", first.records, True)
        assert done[2] == Appended("t", done[1].records, True)
        assert _ids(store.read_all()) == ["evt-a", "evt-b"]

    def test_a_conflict_anywhere_in_a_batch_writes_nothing_and_burns_nothing(
        self, store: EventStore
    ) -> None:
        store.append("s", [pending("a")], 0).unwrap()
        refused = store.append_batch([AppendRequest("t", (pending("b"),), 0, "c-1"),
                                      AppendRequest("s", (pending("c"),), 0, "c-2")])
        assert refused == Failure(VersionConflict("s", 0, 1))
        assert _ids(store.read_all()) == ["evt-a"]
        assert store.stream_version("t") == 0 and store.find_command("c-1") == Nothing
        retried = store.append_batch([AppendRequest("t", (pending("b"),), 0, "c-1")]).unwrap()
        assert [r.position for r in retried[0].records] == [2]

    def test_a_batch_that_fails_midway_leaves_nothing(self, store: EventStore) -> None:
        store.append("s", [pending("a")], 0).unwrap()
        broken = PendingEvent("evt-bad", "Tested", 1, None)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            store.append_batch([AppendRequest("t", (pending("b"),), 0, "c-1"),
                                AppendRequest("u", (broken,), 0, "c-2")])
        assert _ids(store.read_all()) == ["evt-a"] and store.find_command("c-1") == Nothing
        assert store.append("t", [pending("b")], 0).unwrap().records[0].position == 2
        assert verify_store(store) == Success(2)

    # --- audit chain ----------------------------------------------------------------------

    def test_every_record_links_to_its_predecessor_and_the_chain_verifies(
        self, store: EventStore
    ) -> None:
        store.append("a", [pending("1"), pending("2")], 0, command_id="c-1").unwrap()
        store.append("b", [pending("3")], 0).unwrap()
        records = list(store.read_all())
        previous = GENESIS_HASH
        for record in records:  # the core's definition: the link covers the whole record
            assert record.hash == link_hash(previous, record_content(
                position=record.position, stream_id=record.stream_id, version=record.version,
                event_id=record.event_id, event_type=record.event_type,
                schema_version=record.schema_version, command_id=record.command_id,
                data=record.data))
            previous = record.hash
        assert verify_store(store) == Success(3)

    def test_an_empty_store_verifies(self, store: EventStore) -> None:
        assert verify_store(store) == Success(0)

    # --- snapshots ------------------------------------------------------------------------

    def test_snapshots_are_absent_until_saved_and_replaced_by_newer_ones(
        self, store: EventStore
    ) -> None:
        assert store.load_snapshot("s") == Nothing
        store.save_snapshot(Snapshot("s", 3, "portfolio/1", b"state-3"))
        store.save_snapshot(Snapshot("t", 1, "portfolio/1", b"other"))
        store.save_snapshot(Snapshot("s", 7, "portfolio/1", b"state-7"))
        assert store.load_snapshot("s") == Some(Snapshot("s", 7, "portfolio/1", b"state-7"))
        assert store.load_snapshot("t") == Some(Snapshot("t", 1, "portfolio/1", b"other"))

    # --- durability -----------------------------------------------------------------------

    def test_reopening_keeps_records_commands_snapshots_and_the_chain(
        self, tmp_path: Path
    ) -> None:
        store = self.open_store(tmp_path)
        store.append("s", [pending("a")], 0, command_id="c-1").unwrap()
        store.save_snapshot(Snapshot("s", 1, "portfolio/1", b"x"))
        store = self.reopen(store, tmp_path)
        assert _ids(store.read_all()) == ["evt-a"]
        assert store.append("s", [pending("a")], 0, command_id="c-1").unwrap().duplicate
        assert store.find_command("c-1").unwrap().records[0].event_id == "evt-a"
        assert store.append("s", [pending("b")], 1).unwrap().records[0].position == 2
        assert store.load_snapshot("s") == Some(Snapshot("s", 1, "portfolio/1", b"x"))
        assert verify_store(store) == Success(2)
        store.close()

    # --- a model-based property -----------------------------------------------------------

    # Each adapter's subclass is its own executor of this inherited test, by design.
    @settings(max_examples=40, suppress_health_check=[HealthCheck.differing_executors])
    @given(st.lists(st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.integers(0, 3),
        st.one_of(st.none(), st.integers(0, 4)),
        st.one_of(st.none(), st.sampled_from(["k1", "k2", "k3"])),
    ), max_size=25))
    def test_any_sequence_of_appends_matches_a_simple_model(
        self, operations: list[tuple[str, int, int | None, str | None]]
    ) -> None:
        model: list[tuple[str, int, str]] = []
        commands: set[str] = set()
        with tempfile.TemporaryDirectory() as location:
            store = self.open_store(Path(location))
            for index, (stream, count, expected, command) in enumerate(operations):
                events = [pending(f"{index}-{i}") for i in range(count)]
                current = sum(1 for s, _, _ in model if s == stream)
                result = store.append(stream, events,
                                      ANY_VERSION if expected is None else expected,
                                      command_id=command)
                if command is not None and command in commands:
                    assert result.unwrap().duplicate
                elif expected is not None and expected != current:
                    assert result.failure() == VersionConflict(stream, expected, current)
                else:
                    assert not result.unwrap().duplicate
                    model += [(stream, current + i + 1, e.event_id)
                              for i, e in enumerate(events)]
                    if command is not None:  # remembered even when it stored nothing
                        commands.add(command)
            records = list(store.read_all())
            assert [(r.stream_id, r.version, r.event_id) for r in records] == model
            assert [r.position for r in records] == list(range(1, len(model) + 1))
            assert verify_store(store) == Success(len(model))
            store.close()
