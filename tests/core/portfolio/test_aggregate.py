"""``PORTFOLIO`` as an aggregate: the laws every stream obeys, through ``aggregate.handle``.

* replay: the batch fold of a snapshot plus the tail equals the fold of everything;
* idempotence: a command id the stream has seen changes nothing, whenever it comes back;
* totality: ``decide`` answers a ``Result`` for every command of its declared types, with
  hostile values in every field, and whatever it accepts encodes, decodes and replays.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from returns.result import Failure, Result, Success

from astratrade_core.aggregate import Stream, handle
from astratrade_core.errors import DomainError, ErrorKind
from astratrade_core.events import PLATFORM_EVENTS, Event, decode, encode
from astratrade_core.portfolio import (
    PORTFOLIO,
    Command,
    Deposit,
    PortfolioState,
    decide,
    replay,
)
from astratrade_core.testing import hostile_commands, portfolio_commands, portfolio_states

T0 = datetime(2026, 5, 1, tzinfo=UTC)
FUNDED = Deposit(command_id="fund", account_id="acct", issued_at=T0, currency="USD",
                 amount=Decimal(50_000))
sequences = st.integers(0, 20).flatmap(
    lambda size: st.tuples(*[portfolio_commands(n) for n in range(size)])).map(
    lambda cs: (FUNDED, *cs))


def _through(commands: Sequence[Command],
             stream: Stream[PortfolioState] | None = None,
             ) -> tuple[Stream[PortfolioState], list[Event]]:
    """Every command through ``handle`` in turn: the final stream and the new events."""
    current = Stream.empty(PORTFOLIO) if stream is None else stream
    events: list[Event] = []
    for command in commands:
        match handle(PORTFOLIO, current, command):
            case Success((after, new)):
                current = after
                events.extend(new)
    return current, events


@settings(max_examples=60)
@given(sequences, st.data())
def test_a_snapshot_plus_the_tail_equals_the_full_replay(commands: tuple[Command, ...],
                                                         data: st.DataObject) -> None:
    stream, events = _through(commands)
    assert stream.state == PORTFOLIO.replay(events)
    assert stream.version == len(events)
    cut = data.draw(st.integers(0, len(events)))
    snapshot = PORTFOLIO.evolve(PORTFOLIO.initial, events[:cut])
    assert PORTFOLIO.evolve(snapshot, events[cut:]) == stream.state
    # and handling the tail's commands from a stream rebuilt at any command boundary
    split = data.draw(st.integers(0, len(commands)))
    head, _ = _through(commands[:split])
    resumed, _ = _through(commands[split:], head)
    assert resumed == stream


@settings(max_examples=60)
@given(sequences, st.data())
def test_a_command_seen_before_changes_nothing(commands: tuple[Command, ...],
                                               data: st.DataObject) -> None:
    stream, _ = _through(commands)
    applied = [c for c in commands if c.command_id in stream.commands]  # refusals are not
    again = data.draw(st.sampled_from(applied))  # FUNDED always is
    assert handle(PORTFOLIO, stream, again) == Success((stream, ()))
    # a retry in the middle of the sequence is a no-op too
    at = data.draw(st.integers(0, len(commands)))
    retried = (*commands[:at], *(commands[at - 1:at] if at else ()), *commands[at:])
    assert _through(retried)[0] == stream


def _numbers(value: object) -> list[object]:
    """Every number-like leaf of an event or a state, for the checks below."""
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        return [value]
    if isinstance(value, tuple | list):
        return [leaf for item in value for leaf in _numbers(item)]
    fields = getattr(value, "__attrs_attrs__", None)
    if fields is not None:
        return [leaf for f in fields for leaf in _numbers(getattr(value, f.name))]
    return []


@settings(max_examples=300)
@given(portfolio_states(), hostile_commands())
def test_decide_answers_every_command_of_its_declared_types(state: PortfolioState,
                                                            command: Command) -> None:
    result: Result[tuple[Event, ...], DomainError] = decide(state, command)
    match result:
        case Failure(error):
            assert isinstance(error, DomainError)
            assert error.kind in set(ErrorKind) - {ErrorKind.UNAVAILABLE}
        case Success(events):
            for event in events:
                for number in _numbers(event):
                    assert not isinstance(number, float), (event, number)
                    assert not isinstance(number, Decimal) or number.is_finite(), event
                assert decode(encode(event), PLATFORM_EVENTS) == Success(event)
            after = replay(events, state)
            assert PORTFOLIO.evolve(state, events) == after
            for currency in after.currencies():
                assert after.cash_of(currency) == after.ledger(currency).expected_cash
        case _:
            raise AssertionError(f"decide returned {result!r}")


def test_the_issues_str_amount_is_refused_not_stored() -> None:
    # Deposit(amount="100") used to be accepted; the event then broke replay and encode
    deposit = Deposit(command_id="c", account_id="acct", issued_at=T0, currency="USD",
                      amount="100")  # type: ignore[arg-type]  # the hostile value itself
    error = decide(PortfolioState.EMPTY, deposit).failure()
    assert (error.code, error.codes()) == ("portfolio.invalid_command", ("numeric.type",))
    floated = Deposit(command_id="c", account_id="acct", issued_at=T0, currency="USD",
                      amount=100.0)  # type: ignore[arg-type]  # the hostile value itself
    assert decide(PortfolioState.EMPTY, floated).failure().codes() == ("numeric.type",)
