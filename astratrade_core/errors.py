"""Domain errors as values.

A :class:`DomainError` is what every expected failure in the core returns inside
``Failure(...)``: a stable machine ``code`` (``"risk.max_leverage"``), a :class:`ErrorKind`
chosen where the error is made, a human ``message``, the offending ``fields`` as strings, and,
when a validation finds several problems at once, the individual problems in ``causes``.

The kind, never the code's spelling, tells a front door what to do: the CLI maps it to an exit
code (2 for invalid input, 1 otherwise) and the HTTP service to a status (422, 403, 409, 404, 503).

>>> err = DomainError.rejected("risk.max_leverage", "leverage 12 exceeds 10", leverage="12",
...                            limit="10")
>>> err.code, err.kind, err.fields["limit"]
('risk.max_leverage', <ErrorKind.REJECTED: 'rejected'>, '10')
>>> str(err)
'risk.max_leverage: leverage 12 exceeds 10'

Validation that can find several problems reports all of them: :func:`collect` gathers any
number of results and answers either every value or one error whose ``causes`` list every
problem.

>>> from returns.result import Failure, Success
>>> collect("order.invalid", Success(1), Success("x"))
<Success: (1, 'x')>
>>> both = collect("order.invalid", Failure(DomainError.invalid("a", "bad a")), Success(2),
...                Failure(DomainError.invalid("b", "bad b"))).failure()
>>> both.code, both.codes(), both.message
('order.invalid', ('a', 'b'), 'bad a; bad b')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, overload

import attrs
from pyrsistent import pmap
from pyrsistent.typing import PMap
from returns.result import Failure, Result, Success

__all__ = ["DomainError", "ErrorKind", "collect", "collect_all"]

A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")
D = TypeVar("D")
E = TypeVar("E")
F = TypeVar("F")
G = TypeVar("G")
H = TypeVar("H")
T = TypeVar("T")


class ErrorKind(enum.Enum):
    """What kind of "no" an error is, chosen where the error is made.

    ``INVALID``: the input cannot be used (malformed, out of its documented bounds);
    ``REJECTED``: well-formed, but a rule of the domain refuses it (a risk limit, insufficient
    funds); ``FORBIDDEN``: whoever asks may not do it (a role or scope rule, someone else's
    account); ``CONFLICT``: the state it was decided against has moved on or already holds it;
    ``NOT_FOUND``: what it refers to does not exist; ``UNAVAILABLE``: something outside the
    core failed (a store, a bus or a venue cannot be reached) -- only the shell makes these.
    """

    INVALID = "invalid"
    REJECTED = "rejected"
    FORBIDDEN = "forbidden"
    CONFLICT = "conflict"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"


# When a bundle mixes kinds, the first kind in this order that any cause has wins: bad input
# is reported before anything the rules would say about it, and a forbidden request learns
# nothing about what exists.
_PRECEDENCE = (ErrorKind.INVALID, ErrorKind.FORBIDDEN, ErrorKind.NOT_FOUND, ErrorKind.CONFLICT,
               ErrorKind.REJECTED, ErrorKind.UNAVAILABLE)


def _to_pmap(fields: Mapping[str, str]) -> PMap[str, str]:
    return pmap(fields)


#: A field's text is cut to this many characters, so a hostile value cannot make an error huge.
MAX_FIELD_TEXT = 200


def _field_text(value: object) -> str:
    """``str(value)``, but never an exception (``str`` of an ``int`` past
    ``sys.get_int_max_str_digits()`` raises) and never longer than :data:`MAX_FIELD_TEXT`.

    >>> _field_text(10**5000), _field_text("x" * 500)[-4:]
    ('<int of 16610 bits>', 'x...')
    """
    if isinstance(value, int) and value.bit_length() > 256:
        return f"<int of {value.bit_length()} bits>"
    try:
        text = str(value)
    except ValueError:  # a container holding such an int
        return f"<{type(value).__name__}>"
    return text if len(text) <= MAX_FIELD_TEXT else text[:MAX_FIELD_TEXT - 3] + "..."


def _text(fields: Mapping[str, object]) -> PMap[str, str]:
    return pmap({k: _field_text(v) for k, v in fields.items()})


@attrs.frozen
class DomainError:
    """An expected failure: machine code, kind, human message, structured fields, causes.

    Build one with the constructor of its kind (:meth:`invalid`, :meth:`rejected`,
    :meth:`conflict`, :meth:`not_found`, :meth:`unavailable`) or bundle several with
    :meth:`all_of`.
    """

    code: str
    kind: ErrorKind
    message: str
    fields: PMap[str, str] = attrs.field(factory=pmap, converter=_to_pmap)
    causes: tuple[DomainError, ...] = ()

    @classmethod
    def invalid(cls, code: str, message: str, /, **fields: object) -> DomainError:
        """The input cannot be used; every field value is stored as its ``str`` form.

        >>> DomainError.invalid("numeric.not_finite", "price: must be finite").kind.value
        'invalid'
        """
        return cls(code, ErrorKind.INVALID, message, _text(fields))

    @classmethod
    def rejected(cls, code: str, message: str, /, **fields: object) -> DomainError:
        """A rule of the domain refuses well-formed input.

        >>> DomainError.rejected("portfolio.insufficient_funds", "needs 5").kind.value
        'rejected'
        """
        return cls(code, ErrorKind.REJECTED, message, _text(fields))

    @classmethod
    def forbidden(cls, code: str, message: str, /, **fields: object) -> DomainError:
        """Whoever asks may not do this (a role or scope rule, another user's account).

        >>> DomainError.forbidden("access.not_owner", "not your account").kind.value
        'forbidden'
        """
        return cls(code, ErrorKind.FORBIDDEN, message, _text(fields))

    @classmethod
    def conflict(cls, code: str, message: str, /, **fields: object) -> DomainError:
        """The state the command was decided against moved on, or already holds it.

        >>> DomainError.conflict("store.version_conflict", "stream moved").kind.value
        'conflict'
        """
        return cls(code, ErrorKind.CONFLICT, message, _text(fields))

    @classmethod
    def not_found(cls, code: str, message: str, /, **fields: object) -> DomainError:
        """What the command refers to does not exist.

        >>> DomainError.not_found("portfolio.no_position", "no BTC position").kind.value
        'not_found'
        """
        return cls(code, ErrorKind.NOT_FOUND, message, _text(fields))

    @classmethod
    def unavailable(cls, code: str, message: str, /, **fields: object) -> DomainError:
        """Something outside the core (a store, a bus, a venue) could not be reached.

        >>> DomainError.unavailable("store.unreachable", "no answer").kind.value
        'unavailable'
        """
        return cls(code, ErrorKind.UNAVAILABLE, message, _text(fields))

    @classmethod
    def all_of(cls, code: str, causes: Iterable[DomainError]) -> DomainError:
        """Bundle several problems found by one validation into a single error.

        Its kind is the causes' kind when they agree; otherwise invalid input wins, then
        forbidden, not-found, conflict and rejected, in that order.

        >>> bad = DomainError.invalid("a", "bad a")
        >>> no = DomainError.rejected("b", "no b")
        >>> DomainError.all_of("x", [no, bad]).kind.value
        'invalid'
        """
        found = tuple(causes)
        kinds = {c.kind for c in found}
        kind = next((k for k in _PRECEDENCE if k in kinds), ErrorKind.INVALID)
        return cls(code, kind, "; ".join(c.message for c in found), pmap(), found)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def codes(self) -> tuple[str, ...]:
        """The codes of the causes, or this error's own code when it has none.

        >>> DomainError.invalid("a", "m").codes()
        ('a',)
        """
        return tuple(c.code for c in self.causes) or (self.code,)


@overload
def collect(code: str, r1: Result[A, DomainError], /) -> Result[tuple[A], DomainError]: ...
@overload
def collect(code: str, r1: Result[A, DomainError], r2: Result[B, DomainError], /,
            ) -> Result[tuple[A, B], DomainError]: ...
@overload
def collect(code: str, r1: Result[A, DomainError], r2: Result[B, DomainError],
            r3: Result[C, DomainError], /) -> Result[tuple[A, B, C], DomainError]: ...
@overload
def collect(code: str, r1: Result[A, DomainError], r2: Result[B, DomainError],
            r3: Result[C, DomainError], r4: Result[D, DomainError], /,
            ) -> Result[tuple[A, B, C, D], DomainError]: ...
@overload
def collect(code: str, r1: Result[A, DomainError], r2: Result[B, DomainError],
            r3: Result[C, DomainError], r4: Result[D, DomainError],
            r5: Result[E, DomainError], /) -> Result[tuple[A, B, C, D, E], DomainError]: ...
@overload
def collect(code: str, r1: Result[A, DomainError], r2: Result[B, DomainError],
            r3: Result[C, DomainError], r4: Result[D, DomainError],
            r5: Result[E, DomainError], r6: Result[F, DomainError], /,
            ) -> Result[tuple[A, B, C, D, E, F], DomainError]: ...
@overload
def collect(code: str, r1: Result[A, DomainError], r2: Result[B, DomainError],
            r3: Result[C, DomainError], r4: Result[D, DomainError],
            r5: Result[E, DomainError], r6: Result[F, DomainError],
            r7: Result[G, DomainError], /,
            ) -> Result[tuple[A, B, C, D, E, F, G], DomainError]: ...
@overload
def collect(code: str, r1: Result[A, DomainError], r2: Result[B, DomainError],
            r3: Result[C, DomainError], r4: Result[D, DomainError],
            r5: Result[E, DomainError], r6: Result[F, DomainError],
            r7: Result[G, DomainError], r8: Result[H, DomainError], /,
            ) -> Result[tuple[A, B, C, D, E, F, G, H], DomainError]: ...
def collect(code: str, /, *results: Result[Any, DomainError]) -> Result[Any, DomainError]:
    """Every value of ``results`` as a tuple, or one ``code`` error listing every failure.

    Typed for up to eight results of different types; :func:`collect_all` takes any number
    of one type.

    >>> from returns.result import Failure, Success
    >>> collect("pair", Success(1), Failure(DomainError.invalid("q", "q: bad"))).failure().codes()
    ('q',)
    """
    return collect_all(code, results)


def collect_all(code: str, results: Iterable[Result[T, DomainError]],
                ) -> Result[tuple[T, ...], DomainError]:
    """Every value of ``results`` in order, or one ``code`` error whose causes are every
    failure (see :meth:`DomainError.all_of` for its kind).

    >>> from returns.result import Failure, Success
    >>> collect_all("weights", [Success(1), Success(2)])
    <Success: (1, 2)>
    >>> collect_all("weights", [Failure(DomainError.invalid("w", "w0: bad")), Success(2)]
    ...             ).failure().message
    'w0: bad'
    """
    values: list[T] = []
    problems: list[DomainError] = []
    for result in results:
        match result:
            case Success(value):
                values.append(value)
            case Failure(problem):
                problems.append(problem)
    if problems:
        return Failure(DomainError.all_of(code, problems))
    return Success(tuple(values))
