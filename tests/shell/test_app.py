"""The one write path: load (snapshot + tail, one batch evolve) -> decide -> append with the
expected version -> publish -> policies; retries, duplicates, refusals, configuration errors."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from returns.result import Failure, Success

from astratrade_core.aggregate import Aggregate, Decision, Stream, handle
from astratrade_core.errors import DomainError
from astratrade_core.events import (
    PLATFORM_EVENTS,
    Event,
    EventRegistry,
    decode,
    encode,
    event_type,
)
from astratrade_core.policies import Dispatch, Policy
from astratrade_core.portfolio import (
    PORTFOLIO,
    ClosePosition,
    Command,
    Deposit,
    ExecuteTrade,
    MarkPrice,
    Withdraw,
)
from astratrade_core.risk import RiskPolicy
from astratrade_core.testing import decimals, positive_decimals
from astratrade_shell.app import (
    Application,
    PolicyLoopError,
    SequentialIds,
    SimulatedClock,
)
from astratrade_shell.bus import InProcessBus
from astratrade_shell.projections import Projection
from astratrade_shell.snapshots import PORTFOLIO_SNAPSHOTS, SnapshotCodec, Snapshotting
from astratrade_shell.store import ANY_VERSION, InMemoryEventStore, PendingEvent, Snapshot

START = datetime(2026, 3, 1, tzinfo=UTC)


@event_type("TestRewardClaimed", version=1)
@attrs.frozen(kw_only=True)
class RewardClaimed(Event):
    """Test-only: ``amount`` paid out of a pool."""

    amount: Decimal


@event_type("TestClaimTallied", version=1)
@attrs.frozen(kw_only=True)
class ClaimTallied(Event):
    """Test-only: a claim was counted in a ledger; ``count`` claims so far."""

    count: int
    amount: Decimal


#: The codec registry of this module's applications: the test-only events, explicitly.
REGISTRY = EventRegistry.of([RewardClaimed, ClaimTallied])


@attrs.frozen(kw_only=True)
class Claim:
    """Claim ``amount`` from the reward pool ``pool``."""

    command_id: str
    pool: str
    amount: Decimal
    issued_at: datetime = START


def decide_claim(claimed: Decimal, command: Claim) -> Decision:
    """A toy rule: a pool pays out at most 10 STRK in total."""
    if claimed + command.amount > 10:
        return Failure(DomainError.rejected("pool.exhausted", "not enough left"))
    return Success((RewardClaimed(event_id=f"{command.command_id}:0", stream_id=command.pool,
                                  occurred_at=command.issued_at, amount=command.amount),))


class Folds:
    """The pool's batch fold, counting its calls and what it was given."""

    def __init__(self) -> None:
        self.calls = 0
        self.lazy = True

    def __call__(self, claimed: Decimal, events: Iterable[Event]) -> Decimal:
        self.calls += 1
        self.lazy &= not isinstance(events, list | tuple)
        total = claimed
        for event in events:
            assert isinstance(event, RewardClaimed)
            total += event.amount
        return total


CODEC = SnapshotCodec("pool/1", lambda s: json.dumps(str(s)).encode(),
                      lambda b: Decimal(json.loads(b)))


def pool(folds: Folds | None = None) -> Aggregate[Decimal, Claim]:
    return Aggregate("pool", Decimal(0), decide_claim, folds or Folds(), (RewardClaimed,))


def make(aggregate: Aggregate[Decimal, Claim] | None = None, *, every: int | None = None,
         **options: object) -> tuple[Application, Aggregate[Decimal, Claim],
                                     Projection[Decimal]]:
    aggregate = aggregate or pool()
    app = Application(InMemoryEventStore(), InProcessBus(), aggregates=[aggregate],
                      snapshots=None if every is None else {"pool": Snapshotting(CODEC, every)},
                      registry=REGISTRY, clock=SimulatedClock(START), ids=SequentialIds("evt"),
                      **options)  # type: ignore[arg-type]  # the keyword options under test
    total = Projection("total", Decimal(0),
                       lambda s, e: s + e.amount if isinstance(e, RewardClaimed) else s,
                       registry=REGISTRY)
    app.bus.subscribe(total)
    return app, aggregate, total


def claim(cid: str, amount: str, on: str = "pool") -> Claim:
    return Claim(command_id=cid, pool=on, amount=Decimal(amount))


# -- the path ------------------------------------------------------------------------------


def test_execute_appends_at_the_version_it_decided_on_and_publishes() -> None:
    app, aggregate, total = make()
    done = app.execute(aggregate, "pool", claim("c-1", "2.5")).unwrap()
    assert (done.stream_id, done.state, done.version, done.duplicate) == (
        "pool", Decimal("2.5"), 1, False)
    assert [(r.event_id, r.command_id) for r in done.records] == [("c-1:0", "c-1")]
    assert total.state == Decimal("2.5") and total.position == 1
    again = app.execute(aggregate, "pool", claim("c-2", "1")).unwrap()
    assert (again.state, again.version, again.records[0].position) == (Decimal("3.5"), 2, 2)


def test_a_retried_command_id_stores_nothing_and_answers_the_first_records() -> None:
    app, aggregate, total = make()
    first = app.execute(aggregate, "pool", claim("c-1", "2")).unwrap()
    again = app.execute(aggregate, "pool", claim("c-1", "2")).unwrap()
    assert again.duplicate and again.records == first.records and again.state == Decimal("2")
    assert app.store.last_position() == 1 and total.state == Decimal("2")


def test_a_retry_the_state_has_moved_past_is_a_duplicate_not_a_refusal() -> None:
    app, aggregate, _ = make()
    first = app.execute(aggregate, "pool", claim("c-1", "6")).unwrap()
    app.execute(aggregate, "pool", claim("c-2", "4")).unwrap()  # the pool is now full
    # Deciding c-1 again would refuse it (6 + 10 > 10), but it was applied already.
    again = app.execute(aggregate, "pool", claim("c-1", "6")).unwrap()
    assert (again.duplicate, again.records, again.state) == (True, first.records, Decimal(10))
    assert app.execute(aggregate, "pool", claim("c-3", "1")).failure().code == "pool.exhausted"


def test_a_rejected_command_stores_nothing() -> None:
    app, aggregate, _ = make()
    assert app.execute(aggregate, "pool", claim("c-1", "11")).failure().code == \
        "pool.exhausted"
    assert app.store.last_position() == 0 and app.store.find_command("c-1").value_or(None) \
        is None


def test_a_concurrent_writer_makes_the_command_decide_again() -> None:
    writes: list[str] = []

    def racing(claimed: Decimal, command: Claim) -> Decision:
        if command.pool not in writes:  # another writer appends between our load and append
            writes.append(command.pool)
            other = decide_claim(claimed, claim(f"other-{command.pool}", "9", command.pool))
            app.store.append(command.pool, [
                PendingEvent(e.event_id, e.event_type, e.schema_version, encode(e))
                for e in other.unwrap()], ANY_VERSION).unwrap()
        return decide_claim(claimed, command)

    aggregate = Aggregate("pool", Decimal(0), racing, Folds(), (RewardClaimed,))
    app, _, _ = make(aggregate)
    # The first attempt conflicts; the second sees 9 claimed and refuses 2 more.
    assert app.execute(aggregate, "pool", claim("c-1", "2")).failure().code == "pool.exhausted"
    assert app.execute(aggregate, "pool", claim("c-2", "1")).unwrap().state == Decimal(10)
    once, _, _ = make(aggregate, max_attempts=1)
    app = once
    conflict = once.execute(aggregate, "pool2", claim("c-3", "1", "pool2")).failure()
    assert (conflict.code, conflict.kind.value) == ("store.version_conflict", "conflict")


def test_loading_folds_the_tail_in_one_lazy_batch_call() -> None:
    folds = Folds()
    app, aggregate, _ = make(pool(folds), cache_states=False)
    for n in range(5):
        app.execute(aggregate, "pool", claim(f"c-{n}", "1")).unwrap()
    folds.calls, folds.lazy = 0, True  # (execute folds its own decided tuple)
    assert app.load(aggregate, "pool").state == Decimal(5)
    assert folds.calls == 1 and folds.lazy  # five records, one evolve over an iterator
    folds.calls = 0
    assert app.load(aggregate, "empty").version == 0 and folds.calls == 0


def test_snapshot_plus_tail_equals_full_replay() -> None:
    app, aggregate, _ = make(every=2)
    for n, amount in enumerate(("1", "2", "0.5", "1.25", "3")):
        app.execute(aggregate, "pool", claim(f"c-{n}", amount)).unwrap()
    snapshot = app.store.load_snapshot("pool").unwrap()
    assert (snapshot.version, snapshot.state_type) == (4, "pool/1")
    assert CODEC.decode(snapshot.data) == Decimal("4.75")  # 1 + 2 + 0.5 + 1.25
    cold = Application(app.store, InProcessBus(), aggregates=[aggregate], cache_states=False,
                       snapshots={"pool": Snapshotting(CODEC, 2)}, registry=REGISTRY)
    plain = Application(app.store, InProcessBus(), aggregates=[aggregate], cache_states=False,
                        registry=REGISTRY)
    assert cold.load(aggregate, "pool") == plain.load(aggregate, "pool")
    assert cold.load(aggregate, "pool").state == Decimal("7.75")
    app.store.save_snapshot(Snapshot("pool", 5, "pool/0", b"garbage"))  # an unknown format
    assert cold.load(aggregate, "pool").state == Decimal("7.75")


def test_the_state_cache_still_sees_other_writers() -> None:
    app, aggregate, _ = make()
    app.execute(aggregate, "pool", claim("c-1", "1")).unwrap()
    other = Application(app.store, InProcessBus(), aggregates=[aggregate], registry=REGISTRY)
    other.execute(aggregate, "pool", claim("c-2", "2")).unwrap()
    assert app.load(aggregate, "pool").state == Decimal("3")


def test_a_command_that_decides_nothing_is_remembered() -> None:
    def nothing(claimed: Decimal, command: Claim) -> Decision:
        return Success(()) if command.amount == 0 else decide_claim(claimed, command)

    aggregate = Aggregate("pool", Decimal(0), nothing, Folds(), (RewardClaimed,))
    app, _, _ = make(aggregate)
    done = app.execute(aggregate, "pool", claim("c-0", "0")).unwrap()
    assert (done.version, done.records, done.duplicate) == (0, (), False)
    again = app.execute(aggregate, "pool", claim("c-0", "5")).unwrap()  # same id, new content
    assert again.duplicate and app.store.last_position() == 0


# -- configuration -------------------------------------------------------------------------


def test_the_application_only_runs_the_aggregates_it_was_configured_with() -> None:
    app, aggregate, _ = make()
    stranger = pool()  # same name, another value
    with pytest.raises(ValueError, match="not the one configured"):
        app.execute(stranger, "pool", claim("c-1", "1"))
    with pytest.raises(ValueError, match="two aggregates are named 'pool'"):
        Application(InMemoryEventStore(), InProcessBus(), aggregates=[aggregate, stranger],
                    registry=REGISTRY)
    with pytest.raises(ValueError, match="snapshots for unknown aggregates: other"):
        Application(InMemoryEventStore(), InProcessBus(), aggregates=[aggregate],
                    snapshots={"other": Snapshotting(CODEC)}, registry=REGISTRY)
    with pytest.raises(LookupError, match="no aggregate named 'ledger'"):
        app.aggregate("ledger")


def test_an_aggregate_whose_events_the_registry_cannot_decode_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot decode RewardClaimed of aggregate 'pool'"):
        Application(InMemoryEventStore(), InProcessBus(), aggregates=[pool()])
    assert "TestRewardClaimed" not in PLATFORM_EVENTS  # test-only events stay out of it


def test_events_decided_for_another_stream_are_a_bug() -> None:
    app, aggregate, _ = make()
    with pytest.raises(ValueError, match="events for stream\\(s\\) elsewhere"):
        app.execute(aggregate, "pool", claim("c-1", "1", on="elsewhere"))
    assert app.store.last_position() == 0


# -- policies ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Tally:
    """Count one claim in a ledger stream."""

    command_id: str
    ledger: str
    amount: Decimal
    issued_at: datetime


def decide_tally(count: int, command: Tally) -> Decision:
    if command.amount > 5:
        return Failure(DomainError.rejected("ledger.too_big", "claims above 5 are not tallied"))
    return Success((ClaimTallied(event_id=f"{command.command_id}:0", stream_id=command.ledger,
                                 occurred_at=command.issued_at, count=count + 1,
                                 amount=command.amount),))


def fold_tally(count: int, events: Iterable[Event]) -> int:
    return count + sum(1 for _ in events)


LEDGER: Aggregate[int, Tally] = Aggregate("ledger", 0, decide_tally, fold_tally,
                                          (ClaimTallied,))


def tally_claims(event: Event) -> tuple[Dispatch, ...]:
    """Every claim is tallied in ``ledger-<pool>``; its id derives from the event's."""
    if not isinstance(event, RewardClaimed):
        return ()
    return (Dispatch("ledger", f"ledger-{event.stream_id}", Tally(
        command_id=f"tally:{event.event_id}", ledger=f"ledger-{event.stream_id}",
        amount=event.amount, issued_at=event.occurred_at)),)


def echo_tallies(event: Event) -> tuple[Dispatch, ...]:
    """Every tally pays a bonus of 0.5 into the ``bonus`` pool (which is tallied in turn)."""
    if not isinstance(event, ClaimTallied) or event.stream_id != "ledger-pool":
        return ()
    return (Dispatch("pool", "bonus", Claim(command_id=f"bonus:{event.event_id}", pool="bonus",
                                            amount=Decimal("0.5"))),)


def policed(*policies: Policy, **options: object,
            ) -> tuple[Application, Aggregate[Decimal, Claim]]:
    aggregate = pool()
    app = Application(InMemoryEventStore(), InProcessBus(), aggregates=[aggregate, LEDGER],
                      policies=policies, registry=REGISTRY,
                      **options)  # type: ignore[arg-type]  # under test
    return app, aggregate


def test_policies_cascade_breadth_first_and_record_every_reaction() -> None:
    app, aggregate = policed(tally_claims, echo_tallies)
    done = app.execute(aggregate, "pool", claim("c-1", "2")).unwrap()
    assert [(r.cause, r.dispatch.stream_id, r.depth) for r in done.reactions] == [
        ("c-1:0", "ledger-pool", 1),                  # the claim is tallied
        ("tally:c-1:0:0", "bonus", 2),                # the tally pays a bonus
        ("bonus:tally:c-1:0:0:0", "ledger-bonus", 3),  # the bonus claim is tallied too
    ]
    assert all(isinstance(r.outcome, Success) for r in done.reactions)
    assert [(r.stream_id, r.event_type) for r in app.store.read_all()] == [
        ("pool", "TestRewardClaimed"), ("ledger-pool", "TestClaimTallied"),
        ("bonus", "TestRewardClaimed"), ("ledger-bonus", "TestClaimTallied")]
    assert app.load(LEDGER, "ledger-pool").state == 1


def test_retrying_a_command_reruns_its_policies_idempotently() -> None:
    app, aggregate = policed(tally_claims, echo_tallies)
    app.execute(aggregate, "pool", claim("c-1", "2")).unwrap()
    again = app.execute(aggregate, "pool", claim("c-1", "2")).unwrap()
    assert again.duplicate and len(again.reactions) == 3
    assert all(r.outcome.unwrap().duplicate for r in again.reactions)
    assert app.store.last_position() == 4  # nothing stored twice


def test_a_policy_command_the_domain_refuses_is_recorded_not_raised() -> None:
    app, aggregate = policed(tally_claims)
    done = app.execute(aggregate, "pool", claim("c-1", "6")).unwrap()
    (reaction,) = done.reactions
    assert reaction.outcome.failure().code == "ledger.too_big"
    assert [r.stream_id for r in app.store.read_all()] == ["pool"]


def test_a_policy_cycle_stops_at_the_depth_bound() -> None:
    def forever(event: Event) -> tuple[Dispatch, ...]:  # every claim causes another claim
        return (Dispatch("pool", "loop", Claim(command_id=f"again:{event.event_id}",
                                               pool="loop", amount=Decimal("0.01"))),)

    app, aggregate = policed(forever, max_depth=5)
    with pytest.raises(PolicyLoopError, match="at depth 6"):
        app.execute(aggregate, "pool", claim("c-1", "1"))
    assert app.store.stream_version("loop") == 5  # depths 1..5 ran and are stored
    counted, _ = policed(forever, max_reactions=3)
    with pytest.raises(PolicyLoopError, match="after 3 reactions"):
        counted.execute(counted.aggregate("pool"), "pool", claim("c-1", "1"))


def test_a_dispatch_to_an_unconfigured_aggregate_is_a_bug() -> None:
    def astray(event: Event) -> tuple[Dispatch, ...]:
        return (Dispatch("nowhere", "x", claim(f"x:{event.event_id}", "1")),)

    app, aggregate = policed(astray)
    with pytest.raises(LookupError, match="nowhere"):
        app.execute(aggregate, "pool", claim("c-1", "1"))


def test_the_simulated_clock_and_ids_are_the_injected_ones() -> None:
    clock = SimulatedClock(START)
    app = Application(InMemoryEventStore(), InProcessBus(), clock=clock,
                      ids=SequentialIds("cmd"))
    assert (app.now(), app.new_id(), app.new_id()) == (START, "cmd-1", "cmd-2")
    clock.advance(timedelta(hours=2))
    assert app.now() == START + timedelta(hours=2)



# -- execute agrees with the core's pure round trip -----------------------------------------

T0 = datetime(2026, 5, 1, tzinfo=UTC)
TRADE_POLICY = RiskPolicy.of(max_leverage="20", max_open_positions=2).unwrap()


@st.composite
def portfolio_commands(draw: st.DrawFn) -> Command:
    """A portfolio command for account ``acct`` whose id comes from a small pool, so that
    sequences repeat ids (with the same or different content)."""
    meta = {"command_id": st.sampled_from([f"c{n}" for n in range(8)]),
            "account_id": st.just("acct"),
            "issued_at": st.integers(0, 3 * 24 * 60).map(lambda m: T0 + timedelta(minutes=m))}
    amounts = positive_decimals(max_value=10_000, places=2)
    prices = positive_decimals(max_value=1_000, places=2)
    built: Command = draw(st.one_of(
        st.builds(Deposit, **meta, currency=st.just("USD"), amount=amounts),
        st.builds(Withdraw, **meta, currency=st.just("USD"), amount=amounts),
        st.builds(ExecuteTrade, **meta, symbol=st.just("BTCUSD"), quote_currency=st.just("USD"),
                  quantity=decimals(-5, 5, places=3).filter(lambda q: q != 0), price=prices,
                  policy=st.just(TRADE_POLICY)),
        st.builds(ClosePosition, **meta, symbol=st.just("BTCUSD"), price=prices),
        st.builds(MarkPrice, **meta, symbol=st.just("BTCUSD"), price=prices),
    ))
    return built


@pytest.mark.parametrize("every", [None, 2])
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(commands=st.lists(portfolio_commands(), max_size=14))
def test_execute_on_the_memory_store_agrees_with_the_core_handle(
        every: int | None, commands: list[Command]) -> None:
    app = Application(InMemoryEventStore(), InProcessBus(), aggregates=[PORTFOLIO],
                      cache_states=every is None,
                      snapshots=None if every is None else {
                          "portfolio": Snapshotting(PORTFOLIO_SNAPSHOTS, every)})
    stream = Stream.empty(PORTFOLIO)
    for command in commands:
        seen = command.command_id in stream.commands
        expected = handle(PORTFOLIO, stream, command)
        executed = app.execute(PORTFOLIO, "acct", command)
        if isinstance(expected, Failure):
            assert executed == Failure(expected.failure())
            continue
        stream, events = expected.unwrap()
        done = executed.unwrap()
        assert (done.state, done.version, done.duplicate) == (stream.state, stream.version, seen)
        if not seen:
            assert [decode(r.data, PLATFORM_EVENTS).unwrap() for r in done.records] == list(
                events)
    assert app.load(PORTFOLIO, "acct").state == stream.state


def test_an_evolve_that_stops_early_is_caught_not_trusted() -> None:
    def first_only(claimed: Decimal, events: Iterable[Event]) -> Decimal:
        for event in events:
            assert isinstance(event, RewardClaimed)
            return claimed + event.amount
        return claimed

    lazy = Aggregate("pool", Decimal(0), decide_claim, first_only, (RewardClaimed,))
    app, _, _ = make(lazy, cache_states=False)
    app.store.append("pool", [PendingEvent(e.event_id, e.event_type, e.schema_version, encode(e))
                              for n in range(3)
                              for e in decide_claim(Decimal(0), claim(f"c-{n}", "1")).unwrap()],
                     0).unwrap()
    with pytest.raises(RuntimeError, match="did not fold every event"):
        app.load(lazy, "pool")
