"""Projections are idempotent: duplicated deliveries change nothing; replay rebuilds them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.events import Event, encode
from astratrade_core.events.revenue import RewardClaimed
from astratrade_shell.projections import Projection, replay
from astratrade_shell.store import InMemoryEventStore, PendingEvent, StoredEvent


def stored(amounts: list[int]) -> tuple[InMemoryEventStore, tuple[StoredEvent, ...]]:
    store = InMemoryEventStore()
    events = [RewardClaimed(event_id=f"e-{i}", stream_id="s", pool_id="p", account_id="a",
                            occurred_at=datetime(2026, 1, 1, tzinfo=UTC), currency="STRK",
                            amount=Decimal(a)) for i, a in enumerate(amounts)]
    records = store.append("s", [PendingEvent(e.event_id, e.event_type, e.schema_version,
                                              encode(e)) for e in events], 0).unwrap().records
    return store, records


def total(state: Decimal, event: Event) -> Decimal:
    assert isinstance(event, RewardClaimed)
    return state + event.amount


@given(st.lists(st.integers(1, 100), min_size=1, max_size=20), st.data())
def test_duplicate_deliveries_give_the_state_of_a_single_delivery(
    amounts: list[int], data: st.DataObject
) -> None:
    _, records = stored(amounts)
    once = Projection("once", Decimal(0), total)
    for record in records:
        once(record)
    noisy = Projection("noisy", Decimal(0), total)
    delivered: list[StoredEvent] = []
    for record in records:  # at-least-once: each record followed by random re-deliveries
        delivered.append(record)
        delivered += data.draw(st.lists(st.sampled_from(delivered), max_size=3))
    for record in delivered:
        noisy(record)
    assert noisy.state == once.state == Decimal(sum(amounts))
    assert noisy.position == once.position == len(amounts)
    assert noisy.duplicates == len(delivered) - len(records)


def test_replay_rebuilds_and_filters_by_event_type() -> None:
    store, _ = stored([5, 7])
    seen: list[int] = []
    rebuilt = Projection("sum", Decimal(0), total, accepts={"RewardClaimed"})
    ignored = Projection("other", 0, lambda n, e: n + 1, accepts={"NFTMinted"})
    count = replay(store, [rebuilt, ignored], on_record=lambda r: seen.append(r.position))
    assert (count, rebuilt.state, ignored.state, ignored.position) == (2, Decimal(12), 0, 2)
    assert seen == [1, 2]
    assert replay(store, [rebuilt], from_position=2) == 1 and rebuilt.duplicates == 1
