"""The one aggregate shape every stream of the platform uses.

An :class:`Aggregate` is a kind of stream: its ``initial`` state, its rules ``decide(state,
command) -> Result[tuple[Event, ...], DomainError]`` and its batch fold ``evolve(state,
events) -> state``.  Both are pure; the shell loads a stream (the latest snapshot plus the
tail, folded once by ``evolve``), calls ``decide``, appends the events at the version it
decided against, and publishes them.

:func:`handle` is that whole round trip as a pure function over a :class:`Stream` value (state,
version, the command ids already applied), so the laws every aggregate obeys are stated and
tested in the core:

* **replay**: ``evolve(evolve(s, xs), ys) == evolve(s, xs + ys)``, so a snapshot plus the tail
  equals a full replay;
* **idempotence**: a command whose id the stream has seen changes nothing;
* **totality**: ``decide`` returns a ``Result`` for every command of its declared types.

>>> from decimal import Decimal
>>> from datetime import UTC, datetime
>>> from astratrade_core.portfolio import PORTFOLIO, Deposit
>>> deposit = Deposit(command_id="c-1", account_id="a-1", currency="USD", amount=Decimal(10),
...                   issued_at=datetime(2026, 1, 1, tzinfo=UTC))
>>> stream, events = handle(PORTFOLIO, Stream.empty(PORTFOLIO), deposit).unwrap()
>>> [e.event_type for e in events], stream.version, stream.state.cash_of("USD")
(['FundsDeposited'], 1, Decimal('10'))
>>> handle(PORTFOLIO, stream, deposit).unwrap() == (stream, ())   # the same id again
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, Protocol, TypeVar

import attrs
from pyrsistent import pset
from pyrsistent.typing import PSet
from returns.result import Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.events.envelope import Event

__all__ = ["Aggregate", "Command", "Decision", "Stream", "handle"]

S = TypeVar("S")
C_ = TypeVar("C_", bound="Command")

#: What ``decide`` returns: the events a command produces, or why it is refused.
Decision = Result[tuple[Event, ...], DomainError]


class Command(Protocol):
    """Anything sent to an aggregate: it carries the id that makes a retry harmless."""

    @property
    def command_id(self) -> str:
        """Unique per intention; the shell derives it from an ``Idempotency-Key``, a venue's
        trade id or the event a policy reacted to."""
        ...


@attrs.frozen
class Aggregate(Generic[S, C_]):
    """A kind of stream: a name (stable; it keys snapshots and read models), the initial
    state, the pure rules and the batch fold.

    ``event_types`` are the events its ``decide`` may produce, which the codec registry must
    know.
    """

    name: str
    initial: S
    decide: Callable[[S, C_], Decision]
    evolve: Callable[[S, Iterable[Event]], S]
    event_types: tuple[type[Event], ...] = ()

    def replay(self, events: Iterable[Event]) -> S:
        """The state after ``events`` from the initial state."""
        return self.evolve(self.initial, events)


@attrs.frozen
class Stream(Generic[S]):
    """A stream as the core models it: the folded state, its version (events so far) and the
    ids of the commands already applied."""

    state: S
    version: int = 0
    commands: PSet[str] = attrs.field(factory=pset)

    @classmethod
    def empty(cls, aggregate: Aggregate[S, C_]) -> Stream[S]:
        """A stream with no events yet."""
        return cls(aggregate.initial)


def handle(aggregate: Aggregate[S, C_], stream: Stream[S], command: C_,
           ) -> Result[tuple[Stream[S], tuple[Event, ...]], DomainError]:
    """Decide ``command`` against ``stream`` and fold what it produces: the new stream and the
    new events, or the refusal.  A command id seen before returns the stream unchanged and no
    events (what the store does with a duplicate ``command_id``)."""
    if command.command_id in stream.commands:
        return Success((stream, ()))
    return aggregate.decide(stream.state, command).map(
        lambda events: (Stream(aggregate.evolve(stream.state, events),
                               stream.version + len(events),
                               stream.commands.add(command.command_id)), events))
