"""What every route shares: the request context (platform, principal), exact numbers from
JSON strings, command ids from ``Idempotency-Key``, and running a command through
``Application.execute`` -- so each route is parse -> command -> execute -> response.

>>> exact("12.50", "amount")
Decimal('12.50')
>>> exact("abc", "amount")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
astratrade_shell.service.problems.ProblemError: numeric...: amount: ...
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Final, TypeVar

from fastapi import Depends, Header, Request
from pydantic import BaseModel, Field
from returns.result import Failure, Result, Success

from astratrade_core.aggregate import Aggregate
from astratrade_core.errors import DomainError
from astratrade_core.numeric import parse_decimal
from astratrade_core.users import Principal, Scope, authorize
from astratrade_shell.app import Executed
from astratrade_shell.projections import decode_record
from astratrade_shell.readmodels.views import payload
from astratrade_shell.service.auth import Authenticated, authenticate
from astratrade_shell.service.metrics import Metrics
from astratrade_shell.service.platform import Platform
from astratrade_shell.service.problems import ProblemError

__all__ = ["DECIMAL_PATTERN", "Caller", "CommandResult", "Decimal_", "IdempotencyKey",
           "allowed", "caller", "command_id", "exact", "execute", "ok", "platform_of",
           "result_of"]

T = TypeVar("T")

#: Decimal text the API accepts: optional sign, digits, optional fraction (no exponent).
DECIMAL_PATTERN: Final = r"^-?[0-9]{1,30}(\.[0-9]{1,30})?$"
#: A decimal in JSON: always a string.
Decimal_ = Annotated[str, Field(pattern=DECIMAL_PATTERN, max_length=62,
                                examples=["100.00"])]
_KEY: Final = re.compile(r"[A-Za-z0-9_.:-]{1,100}")


def platform_of(request: Request) -> Platform:
    """The platform the app serves."""
    found: Platform = request.app.state.platform
    return found


def caller(request: Request,
           authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
           ) -> Authenticated:
    """The authenticated caller (a FastAPI dependency; 401/429 problems otherwise)."""
    limiter = request.app.state.limiter
    metrics: Metrics = request.app.state.metrics
    return authenticate(platform_of(request), limiter, metrics, authorization)


#: The authenticated caller of a route.
Caller = Annotated[Authenticated, Depends(caller)]
#: The ``Idempotency-Key`` header of a command.
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", pattern=r"^[A-Za-z0-9_.:-]{1,100}$",
    description="Makes the command idempotent: a retry with the same key stores nothing twice "
                "and answers the first outcome (duplicate: true).")]


def ok(result: Result[T, DomainError]) -> T:
    """The value, or a problem response for the error."""
    match result:
        case Success(value):
            return value  # type: ignore[no-any-return]  # returns' match erases T
        case Failure(error):
            raise ProblemError(error)
    raise AssertionError("a Result is a Success or a Failure")  # pragma: no cover


def allowed(principal: Principal, scope: Scope, owner: str | None = None) -> None:
    """The core's authorization rule, as a 403 problem when it says no."""
    ok(authorize(principal, scope, owner))


def exact(text: str, field: str) -> Decimal:
    """An exact decimal from its JSON string (the core's parser and bounds)."""
    return ok(parse_decimal(text, field))


def command_id(principal: Principal, operation: str, key: str | None,
               platform: Platform) -> str:
    """The command id: ``<user>:<operation>:<Idempotency-Key>`` (namespaced, so one user's
    key never meets another's), or a fresh id without the header."""
    if key is None:
        return f"{principal.user_id}:{operation}:{platform.app.new_id()}"
    if not _KEY.fullmatch(key):  # the header's pattern says so too; never trust one layer
        raise ProblemError(DomainError.invalid("request.idempotency_key",
                                               "Idempotency-Key: 1..100 of A-Z a-z 0-9 _ . : -"))
    return f"{principal.user_id}:{operation}:{key}"


class CommandResult(BaseModel):
    """What a command stored: the stream, its new version, the events (decimals as strings)
    and whether it was a retry of a command already done."""

    command_id: str
    stream_id: str
    version: int
    duplicate: bool
    events: list[dict[str, Any]]


def result_of(command: str, done: Executed[Any], platform: Platform) -> CommandResult:
    """The response for an executed command."""
    events = [payload(decode_record(r, platform.app.registry)) for r in done.records]
    return CommandResult(command_id=command, stream_id=done.stream_id, version=done.version,
                         duplicate=done.duplicate, events=events)


def execute(platform: Platform, aggregate: Aggregate[Any, Any], stream_id: str,
            command: Any) -> CommandResult:
    """Run ``command`` through ``Application.execute`` by group commit (stored in the process
    writer's next batch, :mod:`~astratrade_shell.service.writes`)."""
    done = ok(platform.writes.execute(aggregate, stream_id, command))
    return result_of(command.command_id, done, platform)

