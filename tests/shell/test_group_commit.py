"""Group commit: ``Application.execute_batch`` answers what executing the same commands one by
one answers, stores the same records with the same chain, isolates refusals, conflicts and
failures; the service's :class:`WriteQueue` batches concurrent requests into it."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from returns.result import Failure, Result, Success

from astratrade_core.aggregate import Aggregate, Command
from astratrade_core.errors import DomainError
from astratrade_core.events import encode
from astratrade_core.portfolio import PORTFOLIO, Deposit, Withdraw
from astratrade_shell.app import Application, Executed
from astratrade_shell.bus import InProcessBus
from astratrade_shell.service.writes import WriteQueue
from astratrade_shell.store import (
    ANY_VERSION,
    Appended,
    AppendRequest,
    InMemoryEventStore,
    PendingEvent,
    VersionConflict,
    open_sqlite_store,
    verify_store,
)
from tests.shell.test_app import (
    LEDGER,
    REGISTRY,
    START,
    Claim,
    Folds,
    claim,
    decide_claim,
    make,
    policed,
    pool,
    tally_claims,
)

Job = tuple[Aggregate[Any, Any], str, Command]


def _shown(outcome: Result[Executed[Any], DomainError]) -> tuple[object, ...]:
    """An outcome without its reactions' object identities: comparable across applications."""
    if isinstance(outcome, Failure):
        return ("refused", outcome.failure().code)
    done = outcome.unwrap()
    return (done.stream_id, done.state, done.version, done.records, done.duplicate,
            [(r.cause, r.dispatch, r.depth, _shown(r.outcome)) for r in done.reactions])


def _placeless(outcome: Result[Executed[Any], DomainError]) -> tuple[object, ...]:
    """An outcome's states, versions and event ids, without global positions and hashes."""
    if isinstance(outcome, Failure):
        return ("refused", outcome.failure().code)
    done = outcome.unwrap()
    return (done.stream_id, done.state, done.version, [r.event_id for r in done.records],
            done.duplicate, [(r.cause, r.depth, _placeless(r.outcome)) for r in done.reactions])


def _serially(app: Application, jobs: Sequence[Job]) -> list[object]:
    return [_shown(app.execute(*job)) for job in jobs]


claims = st.lists(st.tuples(st.sampled_from(["c-1", "c-2", "c-3", "c-4", "c-5", "c-6"]),
                            st.sampled_from(["a", "b"]),
                            st.integers(min_value=1, max_value=7)), max_size=12)


@settings(max_examples=60, deadline=None)
@given(before=claims, batch=claims)
def test_a_batch_answers_and_stores_what_one_by_one_execution_does(
    before: list[tuple[str, str, int]], batch: list[tuple[str, str, int]]
) -> None:
    batched, aggregate, total = make()
    serial, _, _ = make(aggregate)
    for cid, on, amount in before:  # some ids are stored before the batch: duplicates
        for app in (batched, serial):
            app.execute(aggregate, on, claim(cid, str(amount), on))
    jobs: list[Job] = [(aggregate, on, claim(cid, str(amount), on))
                       for cid, on, amount in batch]
    assert [_shown(o) for o in batched.execute_batch(jobs)] == _serially(serial, jobs)
    assert list(batched.store.read_all()) == list(serial.store.read_all())  # same chain
    assert verify_store(batched.store).unwrap() == serial.store.last_position()
    assert total.position == batched.store.last_position()  # everything was published
    for on in ("a", "b"):
        assert batched.load(aggregate, on) == serial.load(aggregate, on)


def test_a_later_command_sees_the_earlier_ones_and_a_refusal_affects_no_other() -> None:
    app, aggregate, total = make()
    outcomes = app.execute_batch([(aggregate, "a", claim("c-1", "6", "a")),
                                  (aggregate, "a", claim("c-2", "6", "a")),  # 12 > 10
                                  (aggregate, "b", claim("c-3", "6", "b")),
                                  (aggregate, "a", claim("c-4", "4", "a")),
                                  (aggregate, "a", claim("c-1", "6", "a"))]) # a retry
    assert [o.unwrap().version if isinstance(o, Success) else o.failure().code
            for o in outcomes] == [1, "pool.exhausted", 1, 2, 2]
    assert outcomes[4].unwrap().duplicate and \
        outcomes[4].unwrap().records == outcomes[0].unwrap().records
    assert app.store.find_command("c-2").value_or(None) is None
    assert total.state == Decimal(16) and app.load(aggregate, "a").state == Decimal(10)


def test_policies_run_after_the_batch_and_reach_the_same_states() -> None:
    batched, aggregate = policed(tally_claims)
    serial, alone = policed(tally_claims)
    commands = [("pool", claim("c-1", "2")),
                ("pool", claim("c-2", "6")),  # the tally refuses claims above 5
                ("bonus", claim("c-3", "1", "bonus"))]
    # Positions differ (the batch's claims are stored before their tallies), nothing else.
    assert [_placeless(o) for o in batched.execute_batch([(aggregate, *c) for c in commands])] \
        == [_placeless(serial.execute(alone, *c)) for c in commands]
    for stream in ("pool", "bonus", "ledger-pool", "ledger-bonus"):
        assert [r.event_id for r in batched.store.read_stream(stream)] == \
            [r.event_id for r in serial.store.read_stream(stream)]
    assert batched.load(LEDGER, "ledger-pool").state == 1


def test_a_conflict_with_another_writer_stores_nothing_of_the_batch_then_runs_one_by_one(
) -> None:
    raced: list[str] = []

    def racing(claimed: Decimal, command: Claim) -> Any:
        if command.command_id == "c-2" and not raced:  # another process appends to "a"
            raced.append(command.command_id)
            other = decide_claim(claimed, claim("other", "9", "a")).unwrap()
            app.store.append("a", [PendingEvent(e.event_id, e.event_type, e.schema_version,
                                                encode(e)) for e in other],
                             ANY_VERSION).unwrap()
        return decide_claim(claimed, command)

    aggregate = Aggregate("pool", Decimal(0), racing, Folds(), (pool().event_types[0],))
    app, _, total = make(aggregate)
    batch = app.store.append_batch
    tried: list[int] = []

    def counting(requests: Sequence[AppendRequest]) -> Result[tuple[Appended, ...],
                                                              VersionConflict]:
        tried.append(len(requests))
        return batch(requests)

    app.store.append_batch = counting  # type: ignore[method-assign]  # observed, not changed
    outcomes = app.execute_batch([(aggregate, "b", claim("c-1", "3", "b")),
                                  (aggregate, "a", claim("c-2", "2", "a")),
                                  (aggregate, "a", claim("c-3", "1", "a"))])
    assert tried == [3]  # the conflicting batch wrote nothing; then each ran alone
    # c-2 and c-3 decided on a = 0; alone, on a = 9: c-2 (9 + 2) is refused, c-3 fits.
    assert [_shown(o)[:3] for o in outcomes] == [("b", Decimal(3), 1),
                                                  ("refused", "pool.exhausted"),
                                                  ("a", Decimal(10), 2)]
    assert [r.command_id for r in app.store.read_all()] == [None, "c-1", "c-3"]
    assert total.state == Decimal(4)  # the other writer publishes its own event


class _Failing(InMemoryEventStore):
    """A store whose batch append dies (a crash inside the transaction) ``times`` times."""

    def __init__(self, times: int) -> None:
        super().__init__()
        self.times = times

    def append_batch(self, requests: Sequence[AppendRequest],
                     ) -> Result[tuple[Appended, ...], VersionConflict]:
        if self.times:
            self.times -= 1
            raise OSError("disk gone")
        return super().append_batch(requests)


def test_a_batch_whose_append_fails_leaves_nothing_and_no_remembered_state() -> None:
    aggregate = pool()
    app = Application(_Failing(times=1), InProcessBus(), aggregates=[aggregate],
                      registry=REGISTRY)
    app.execute(aggregate, "a", claim("c-0", "1", "a")).unwrap()
    with pytest.raises(OSError, match="disk gone"):
        app.execute_batch([(aggregate, "a", claim("c-1", "2", "a")),
                           (aggregate, "b", claim("c-2", "3", "b"))])
    assert app.store.last_position() == 1 and app.store.find_command("c-1").value_or(None) \
        is None
    assert app.load(aggregate, "a").state == Decimal(1)  # the batch's decisions were dropped
    again = app.execute_batch([(aggregate, "a", claim("c-1", "2", "a"))])
    assert again[0].unwrap().state == Decimal(3)


def test_the_write_queue_answers_each_caller_when_a_batch_dies() -> None:
    aggregate = pool()
    app = Application(_Failing(times=1), InProcessBus(), aggregates=[aggregate],
                      registry=REGISTRY)
    writes = WriteQueue(app, threading.Lock(), batch=8)
    try:
        assert writes.execute(aggregate, "a", claim("c-1", "2", "a")).unwrap().version == 1
        assert writes.execute(aggregate, "a", claim("c-2", "9", "a")).failure().code == \
            "pool.exhausted"
    finally:
        writes.close()


@pytest.mark.parametrize("batch", [1, 64])
def test_concurrent_requests_through_the_write_queue_are_stored_as_if_one_by_one(
    tmp_path: Path, batch: int
) -> None:
    store = open_sqlite_store(tmp_path / "events.db").unwrap()
    app = Application(store, InProcessBus(), aggregates=[PORTFOLIO])
    sizes: list[int] = []
    append_batch = store.append_batch

    def observed(requests: Sequence[AppendRequest]) -> Any:
        sizes.append(len(requests))
        return append_batch(requests)

    store.append_batch = observed  # type: ignore[method-assign]  # observed, not changed
    writes = WriteQueue(app, threading.Lock(), batch=batch)
    threads, per_thread, accounts = 16, 12, ("acct-0", "acct-1", "acct-2")
    outcomes: dict[str, Result[Executed[Any], DomainError]] = {}

    def client(n: int) -> None:
        for i in range(per_thread):
            account = accounts[(n + i) % len(accounts)]
            command: Command = (Withdraw if i % 3 == 2 else Deposit)(
                command_id=f"t{n}-{i}", account_id=account, issued_at=START, currency="USD",
                amount=Decimal(5 if i % 3 == 2 else 2))
            outcomes[command.command_id] = writes.execute(PORTFOLIO, account, command)

    running = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    writes.close()
    try:
        assert len(outcomes) == threads * per_thread
        stored = list(store.read_all())
        assert verify_store(store).unwrap() == len(stored)
        accepted = {c for c, o in outcomes.items() if isinstance(o, Success)}
        assert {r.command_id for r in stored} == accepted  # each accepted command once
        for account in accounts:  # the stored order, folded one by one, is the same state
            records = [r for r in stored if r.stream_id == account]
            assert [r.version for r in records] == list(range(1, len(records) + 1))
            cash = sum((Decimal(2) if r.event_type == "FundsDeposited" else Decimal(-5)
                        for r in records), Decimal(0))
            assert app.load(PORTFOLIO, account).state.cash_of("USD") == cash >= 0
        if batch == 1:
            assert sizes == [1] * len(sizes)
        else:
            assert max(sizes) > 1 and len(sizes) < threads * per_thread
    finally:
        store.close()

