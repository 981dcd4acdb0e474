"""Persisted read models: each position applied exactly once whatever the delivery, a rebuild
equals the incremental feed, a failing record is rolled back alone, gaps are filled from the
store, and the queries answer from the rows."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from astratrade_core.events import PLATFORM_EVENTS, Event
from astratrade_core.gamification import Leaderboard
from astratrade_core.portfolio import PORTFOLIO
from astratrade_shell.bus import InProcessBus
from astratrade_shell.projections import decode_record
from astratrade_shell.readmodels.database import ViewTransaction, open_view_database
from astratrade_shell.readmodels.feed import StaleReadModelError, ViewFeed, rebuild, replay_into
from astratrade_shell.readmodels.memory import fold_leaderboard
from astratrade_shell.readmodels.views import ACCOUNTS, READ_MODELS, STANDINGS, XP_BOARD
from astratrade_shell.store import InMemoryEventStore
from astratrade_shell.store.records import StoredEvent
from tests.shell.readmodels.support import dump, fill_store, pure_replay


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> InMemoryEventStore:
    filled = InMemoryEventStore()
    fill_store(filled, InProcessBus(), accounts=4, rounds=20)
    work = tmp_path_factory.mktemp("rebuilt")
    REBUILT.update({name: pure_replay(filled, work, name) for name in READ_MODELS})
    return filled


#: Each model's rows after a pure rebuild of the module's store.
REBUILT: dict[str, object] = {}


@settings(max_examples=25, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_redelivery_and_commit_pattern_applies_each_position_once(
        store: InMemoryEventStore, tmp_path: Path, data: st.DataObject) -> None:
    """Law: whatever is delivered again (a bus retry, a restarted worker) and wherever the
    feeder commits, the rows equal one delivery of each record -- a pure rebuild."""
    records = list(store.read_all())
    delivered: list[StoredEvent] = []
    for record in records:   # every record, in order, with re-deliveries of earlier ones
        delivered.append(record)
        delivered.extend(data.draw(st.lists(st.sampled_from(delivered), max_size=2)))
    commits = data.draw(st.sets(st.integers(0, len(delivered) - 1), max_size=20))
    with tempfile.TemporaryDirectory(dir=tmp_path) as work:
        views = open_view_database(Path(work) / "v.db").unwrap()
        feed = ViewFeed(views, list(READ_MODELS.values()), store=store)
        for n, record in enumerate(delivered):
            feed(record)
            if n in commits:
                feed.commit()
        feed.commit()
        for name in READ_MODELS:
            assert dump(views, name) == REBUILT[name], name
        assert feed.applied == len(records)
        views.close()


def test_a_crash_before_commit_loses_the_batch_and_its_checkpoint_together(
        store: InMemoryEventStore, tmp_path: Path) -> None:
    views = open_view_database(tmp_path / "v.db").unwrap()
    feed = ViewFeed(views, [ACCOUNTS], store=store)
    records = list(store.read_all())
    for record in records[:50]:
        feed(record)
    feed.commit()
    for record in records[50:80]:
        feed(record)
    feed.rollback()            # what a crash does to an open transaction
    assert views.checkpoints()["accounts"] == 50
    resumed = ViewFeed(views, [ACCOUNTS], store=store)
    assert resumed.position == 50
    replay_into(resumed, store, batch=25)
    assert dump(views, "accounts") == pure_replay(store, tmp_path, "accounts")


def test_a_failing_record_is_rolled_back_alone(store: InMemoryEventStore,
                                               tmp_path: Path) -> None:
    views = open_view_database(tmp_path / "v.db").unwrap()

    class Fragile:
        name = "fragile"
        accepts = frozenset({"FundsDeposited"})
        version = "1"

        def apply(self, tx: ViewTransaction, event: Event, record: StoredEvent) -> None:
            tx.put("fragile", record.event_id, {"n": record.position})
            if record.position == 3:
                raise RuntimeError("poison")

    feed = ViewFeed(views, [Fragile()])
    records = list(store.read_all())
    feed(records[0])
    feed(records[1])
    with pytest.raises(RuntimeError):
        feed(records[2])
    feed.commit()
    assert [k for k, _ in views.documents("fragile")] == sorted(
        [records[0].event_id, records[1].event_id])
    assert views.checkpoints()["fragile"] == 2


def test_the_in_process_handler_fills_gaps_from_the_store(store: InMemoryEventStore,
                                                           tmp_path: Path) -> None:
    views = open_view_database(tmp_path / "v.db").unwrap()
    feed = ViewFeed(views, [ACCOUNTS], store=store)
    feed.handler(list(store.read_all())[-1])   # only the newest record is delivered
    assert dump(views, "accounts") == pure_replay(store, tmp_path, "accounts")


def test_rebuild_twice_is_the_same_and_resets_the_checkpoint(store: InMemoryEventStore,
                                                            tmp_path: Path) -> None:
    views = open_view_database(tmp_path / "v.db").unwrap()
    assert rebuild(views, store, [STANDINGS]) == store.last_position()
    first = dump(views, "standings")
    rebuild(views, store, [STANDINGS])
    assert dump(views, "standings") == first
    assert first["checkpoint"] == [(store.last_position(),)]


def test_standings_agree_with_the_core_leaderboard(store: InMemoryEventStore,
                                                   tmp_path: Path) -> None:
    views = open_view_database(tmp_path / "v.db").unwrap()
    rebuild(views, store, [STANDINGS])
    board = Leaderboard.empty(XP_BOARD)
    for record in store.read_all():
        if record.event_type in ("XPGained", "AchievementUnlocked"):
            board = fold_leaderboard(board, decode_record(record, PLATFORM_EVENTS))
    core = [(e.user_id, e.rank) for e in board.top(100)]
    ours = [(s.user_id, s.rank) for s in STANDINGS.ordered(views, XP_BOARD)]
    assert ours == core
    mine, around = STANDINGS.around(views, XP_BOARD, core[2][0], 1)
    assert mine is not None and [s.user_id for s in around] == [u for u, _ in core[1:4]]


def test_the_account_summary_is_the_core_state(store: InMemoryEventStore,
                                               tmp_path: Path) -> None:
    views = open_view_database(tmp_path / "v.db").unwrap()
    rebuild(views, store, [ACCOUNTS])
    expected = PORTFOLIO.replay(decode_record(r, PLATFORM_EVENTS)
                                for r in store.read_stream("u1"))
    assert ACCOUNTS.state(views, "u1") == expected
    summary = ACCOUNTS.summary(views, "u1")
    assert summary is not None and summary["cash"] == {"USD": expected.cash_of("USD")}



def test_rows_written_by_another_version_are_rebuilt_not_read(store: InMemoryEventStore,
                                                              tmp_path: Path) -> None:
    views = open_view_database(tmp_path / "v.db").unwrap()
    replay_into(ViewFeed(views, [ACCOUNTS], store=store), store)
    views.execute("UPDATE rm_documents SET body = ? WHERE model = 'accounts'",
                  ('{"state": "garbage"}',))
    views.execute("UPDATE rm_checkpoints SET version = 'old' WHERE model = 'accounts'")
    with pytest.raises(StaleReadModelError):
        ViewFeed(views, [ACCOUNTS])                 # no store: refuse to feed them
    ViewFeed(views, [ACCOUNTS], store=store)        # with one: rebuilt on opening
    assert dump(views, "accounts") == REBUILT["accounts"]
    assert views.versions()["accounts"] == ACCOUNTS.version
