"""Clans and friend challenges (``social`` scope), and the clan queries (``read``).

The acting user is always the caller: one founds, joins, leaves, creates and accepts as
oneself.  Clan and challenge ids are slugs; their streams are ``clan:<slug>`` and
``challenge:<slug>`` (ids no trading account can have).  Whether the caller is already in a
clan -- a fact from outside the clan's stream -- comes from the ``clans`` read model.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import AwareDatetime, BaseModel, Field

from astratrade_core.errors import DomainError
from astratrade_core.gamification.periods import Period, PeriodKind
from astratrade_core.gamification.standings import Metric
from astratrade_core.money import Currency, Money
from astratrade_core.social import (
    CHALLENGE,
    CLAN,
    AcceptChallenge,
    ClanRules,
    CreateChallenge,
    FoundClan,
    JoinClan,
    LeaveClan,
)
from astratrade_core.users import Scope
from astratrade_shell.readmodels.views import CLANS
from astratrade_shell.service.http import (
    Caller,
    CommandResult,
    Decimal_,
    IdempotencyKey,
    allowed,
    command_id,
    exact,
    execute,
    platform_of,
)
from astratrade_shell.service.problems import ProblemError

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["social"])

Slug = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
UserId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_]{0,31}$")]


def clan_stream(slug: str) -> str:
    """The clan's id and stream."""
    return f"clan:{slug}"


def challenge_stream(slug: str) -> str:
    """The challenge's id and stream."""
    return f"challenge:{slug}"


class NewClan(BaseModel):
    """A clan to found with the caller as leader."""

    clan: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    name: str = Field(min_length=1, max_length=40)
    max_members: int = Field(default=50, ge=2, le=500)
    open_membership: bool = False


@router.post("/clans", status_code=201, response_model=CommandResult, summary="Found a clan")
def found(body: NewClan, request: Request, who: Caller,
          idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.SOCIAL)
    clan_id = clan_stream(body.clan)
    return execute(platform, CLAN, clan_id, FoundClan(
        command_id=command_id(who.principal, f"found:{clan_id}", idempotency_key, platform),
        clan_id=clan_id, issued_at=platform.app.now(), name=body.name,
        leader_id=who.principal.user_id,
        rules=ClanRules(max_members=body.max_members, open_membership=body.open_membership),
        current_clan=CLANS.clan_of(platform.views, who.principal.user_id)))


@router.post("/clans/{clan}/members", response_model=CommandResult, summary="Join a clan")
def join(clan: Slug, request: Request, who: Caller,
         idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.SOCIAL)
    clan_id = clan_stream(clan)
    return execute(platform, CLAN, clan_id, JoinClan(
        command_id=command_id(who.principal, f"join:{clan_id}", idempotency_key, platform),
        clan_id=clan_id, issued_at=platform.app.now(), user_id=who.principal.user_id,
        current_clan=CLANS.clan_of(platform.views, who.principal.user_id)))


@router.delete("/clans/{clan}/members/{user_id}", response_model=CommandResult,
               summary="Leave a clan")
def leave(clan: Slug, user_id: UserId, request: Request, who: Caller,
          idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.SOCIAL, user_id)
    clan_id = clan_stream(clan)
    return execute(platform, CLAN, clan_id, LeaveClan(
        command_id=command_id(who.principal, f"leave:{clan_id}", idempotency_key, platform),
        clan_id=clan_id, issued_at=platform.app.now(), user_id=user_id))


class ClanView(BaseModel):
    """A clan as the read model holds it."""

    clan_id: str
    name: str
    leader: str | None
    members: dict[str, str]
    rating: int | None
    status: str


@router.get("/clans/{clan}", response_model=ClanView, summary="A clan")
def clan_view(clan: Slug, request: Request, who: Caller) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.READ)
    found_clan = CLANS.clan(platform.views, clan_stream(clan))
    if found_clan is None:
        raise ProblemError(DomainError.not_found("clan.unknown", "no such clan"))
    return ClanView(**found_clan)


class Battles(BaseModel):
    """Resolved battles, oldest first, each with its global position."""

    entries: list[dict[str, Any]]


@router.get("/clans/{clan}/battles", response_model=Battles, summary="A clan's battles")
def clan_battles(clan: Slug, request: Request, who: Caller,
                 after: Annotated[int, Query(ge=0, le=2**62)] = 0,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.READ)
    return Battles(entries=CLANS.battles(platform.views, clan_stream(clan), after=after,
                                         limit=limit))


@router.get("/battles", response_model=Battles, summary="Every resolved battle")
def battles(request: Request, who: Caller,
            after: Annotated[int, Query(ge=0, le=2**62)] = 0,
            limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.READ)
    return Battles(entries=CLANS.battles(platform.views, None, after=after, limit=limit))


class NewChallenge(BaseModel):
    """A friend challenge the caller proposes (and so accepts): the participants (the caller
    among them), the metric, the window, each participant's stake and the platform's
    reward, in one currency."""

    challenge: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    participants: list[str] = Field(min_length=2, max_length=50)
    metric: Metric
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    currency: str = Field(pattern=r"^[A-Z0-9]{2,10}$", examples=["USD"])
    minor_unit: int = Field(default=2, ge=0, le=18)
    stake: Decimal_
    reward: Decimal_ = "0"


def _window(start: datetime, end: datetime) -> Period:
    return Period(PeriodKind.SEASON, f"{start.isoformat()}/{end.isoformat()}", start, end)


@router.post("/challenges", status_code=201, response_model=CommandResult,
             summary="Propose a friend challenge")
def create(body: NewChallenge, request: Request, who: Caller,
           idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.SOCIAL)
    currency = Currency(body.currency, body.minor_unit)
    challenge_id = challenge_stream(body.challenge)
    return execute(platform, CHALLENGE, challenge_id, CreateChallenge(
        command_id=command_id(who.principal, f"challenge:{challenge_id}", idempotency_key,
                              platform),
        challenge_id=challenge_id, issued_at=platform.app.now(),
        creator_id=who.principal.user_id, participants=tuple(body.participants),
        metric=body.metric, window=_window(body.starts_at, body.ends_at),
        stake=Money(exact(body.stake, "stake"), currency),
        reward=Money(exact(body.reward, "reward"), currency)))


@router.post("/challenges/{challenge}/acceptances", response_model=CommandResult,
             summary="Accept a challenge")
def accept(challenge: Slug, request: Request, who: Caller,
           idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.SOCIAL)
    challenge_id = challenge_stream(challenge)
    return execute(platform, CHALLENGE, challenge_id, AcceptChallenge(
        command_id=command_id(who.principal, f"accept:{challenge_id}", idempotency_key,
                              platform),
        challenge_id=challenge_id, issued_at=platform.app.now(),
        user_id=who.principal.user_id))
