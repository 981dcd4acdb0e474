"""Use cases: load -> decide -> append -> publish, retries, duplicates, snapshots."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.events import Event, encode
from astratrade_core.events.revenue import RewardClaimed
from astratrade_shell.app import (
    Aggregate,
    Application,
    SequentialIds,
    SimulatedClock,
    SnapshotCodec,
)
from astratrade_shell.bus import InProcessBus
from astratrade_shell.projections import Projection
from astratrade_shell.store import ANY_VERSION, InMemoryEventStore, PendingEvent, Snapshot

START = datetime(2026, 3, 1, tzinfo=UTC)


class Pool:
    """A toy aggregate: claims from a reward pool that holds at most 10 STRK in total."""

    def __init__(self, app: Application) -> None:
        self.app = app

    def decide(self, claimed: Decimal, amount: Decimal) -> Result[tuple[Event, ...],
                                                                  DomainError]:
        if claimed + amount > 10:
            return Failure(DomainError.rejected("pool.exhausted", "not enough left"))
        return Success((RewardClaimed(event_id=self.app.new_id(), stream_id="pool",
                                      occurred_at=self.app.now(), pool_id="p",
                                      account_id="a", currency="STRK", amount=amount),))


def evolve(claimed: Decimal, event: Event) -> Decimal:
    assert isinstance(event, RewardClaimed)
    return claimed + event.amount


CODEC = SnapshotCodec("pool/1", lambda s: json.dumps(str(s)).encode(),
                      lambda b: Decimal(json.loads(b)))


def make(snapshot_every: int = 100) -> tuple[Application, Aggregate[Decimal, Decimal],
                                             Projection[Decimal]]:
    app = Application(InMemoryEventStore(), InProcessBus(), clock=SimulatedClock(START),
                      ids=SequentialIds("evt"))
    aggregate = Aggregate("pool", Decimal(0), Pool(app).decide, evolve, CODEC, snapshot_every)
    total = Projection("total", Decimal(0), evolve)
    app.bus.subscribe(total)
    return app, aggregate, total


def test_execute_appends_publishes_and_stamps_with_the_injected_clock_and_ids() -> None:
    app, pool, total = make()
    done = app.execute(pool, "pool", Decimal("2.5"), command_id="c-1").unwrap()
    assert (done.state, done.version, done.duplicate) == (Decimal("2.5"), 1, False)
    assert [r.event_id for r in done.records] == ["evt-1"]
    assert total.state == Decimal("2.5") and total.position == 1
    stored = list(app.store.read_all())
    assert b'"occurred_at":"2026-03-01T00:00:00.000000Z"' in stored[0].data


def test_a_retried_command_id_stores_nothing_new() -> None:
    app, pool, total = make()
    app.execute(pool, "pool", Decimal("2"), command_id="c-1").unwrap()
    again = app.execute(pool, "pool", Decimal("2"), command_id="c-1").unwrap()
    assert again.duplicate and again.records == () and again.state == Decimal("2")
    assert app.store.last_position() == 1 and total.state == Decimal("2")


def test_a_rejected_command_stores_nothing() -> None:
    app, pool, _ = make()
    assert app.execute(pool, "pool", Decimal("11")).failure().code == "pool.exhausted"
    assert app.store.last_position() == 0


def test_a_concurrent_writer_makes_the_command_decide_again() -> None:
    app, _, _ = make()
    sneaky = {"done": False, "stream": "pool"}

    def racing_decide(claimed: Decimal, amount: Decimal) -> Result[tuple[Event, ...],
                                                                   DomainError]:
        if not sneaky["done"]:  # another writer appends between our load and our append
            sneaky["done"] = True
            other = Pool(app).decide(claimed, Decimal("9")).unwrap()
            app.store.append(str(sneaky["stream"]), [
                PendingEvent(e.event_id, e.event_type, e.schema_version, encode(e))
                for e in other], ANY_VERSION).unwrap()
        return Pool(app).decide(claimed, amount)

    racing = Aggregate("pool", Decimal(0), racing_decide, evolve)
    # first attempt conflicts; the second sees 9 claimed and rejects 2 more
    assert app.execute(racing, "pool", Decimal("2")).failure().code == "pool.exhausted"
    sneaky.update(done=False, stream="pool2")
    only_once = app.execute(racing, "pool2", Decimal("1"), max_attempts=1)
    assert only_once.failure().code == "store.version_conflict"


def test_snapshot_plus_tail_equals_full_replay() -> None:
    app, pool, _ = make(snapshot_every=2)
    clock = SimulatedClock(START)
    for amount in ("1", "2", "0.5", "1.25", "3"):
        clock.advance(timedelta(hours=1))
        app.execute(pool, "pool", Decimal(amount)).unwrap()
    snapshot = app.store.load_snapshot("pool").unwrap()
    assert (snapshot.version, snapshot.state_type) == (4, "pool/1")
    assert app.load(pool, "pool").state == Decimal("7.75")  # 1 + 2 + 0.5 + 1.25 + 3
    plain = Aggregate("pool", Decimal(0), pool.decide, evolve)  # no snapshots: full replay
    assert app.load(plain, "pool") == app.load(pool, "pool")
    app.store.save_snapshot(Snapshot("pool", 5, "pool/0", b"garbage"))  # unknown format
    assert app.load(pool, "pool").state == Decimal("7.75")


def test_record_appends_decided_events_once_and_publishes_them() -> None:
    app, _, total = make()
    claim = Pool(app).decide(Decimal(0), Decimal("4")).unwrap()
    stored = app.record("pool", claim, command_id="award-1")
    assert [r.version for r in stored] == [1] and total.state == Decimal("4")
    assert app.record("pool", claim, command_id="award-1") == ()
    assert app.store.last_position() == 1


def test_the_state_cache_still_sees_other_writers() -> None:
    app, pool, _ = make()
    app.execute(pool, "pool", Decimal("1")).unwrap()
    other = Application(app.store, InProcessBus(), clock=SimulatedClock(START),
                        ids=SequentialIds("other"))
    other.execute(Aggregate("pool", Decimal(0), Pool(other).decide, evolve), "pool",
                  Decimal("2")).unwrap()
    assert app.load(pool, "pool").state == Decimal("3")
