"""Player progress, leaderboards and the platform's revenue (queries on read models).

Progress and standings are visible to any authenticated reader (``read``): the leaderboard
shows them anyway.  Revenue is the platform's (``operate``: operators and admins).

The read-model API for players is ``{user_id, xp, level, achievements, best_streak}``; when
the player aggregate lands its streak, time zone and level curve join the same document.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel

from astratrade_core.errors import DomainError
from astratrade_core.money import Currency
from astratrade_core.users import Scope
from astratrade_shell.readmodels.views import BOOKS, PROGRESS, STANDINGS, Standing
from astratrade_shell.service.http import Caller, allowed, ok, platform_of
from astratrade_shell.service.problems import ProblemError

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["game", "revenue"])

UserId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_]{0,31}$")]
Board = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_:-]{0,63}$", examples=["xp-all-time"])]


class PlayerProgress(BaseModel):
    """A player's XP, level, achievements and best streak."""

    user_id: str
    xp: int
    level: int
    achievements: list[str]
    best_streak: int


@router.get("/players/{user_id}", response_model=PlayerProgress, summary="A player's progress")
def player(user_id: UserId, request: Request, who: Caller) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.READ)
    view = PROGRESS.player(platform.views, user_id)
    if view is None:
        raise ProblemError(DomainError.not_found("players.unknown", "no progress recorded",
                                                 user_id=user_id))
    return PlayerProgress(user_id=user_id, xp=view.xp, level=view.level,
                          achievements=list(view.achievements), best_streak=view.best_streak)


class Row(BaseModel):
    """One leaderboard row: competition rank, user, score (a decimal string)."""

    rank: int
    user_id: str
    score: str


def _row(standing: Standing) -> Row:
    return Row(rank=standing.rank, user_id=standing.user_id, score=format(standing.score, "f"))


class Top(BaseModel):
    """The first rows of a board."""

    board: str
    rows: list[Row]


@router.get("/leaderboards/{board}", response_model=Top, summary="Top N of a board")
def top(board: Board, request: Request, who: Caller,
        limit: Annotated[int, Query(ge=1, le=1000)] = 10) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.READ)
    return Top(board=board, rows=[_row(s) for s in STANDINGS.top(platform.views, board, limit)])


class Around(BaseModel):
    """A user's row and up to ``radius`` rows either side."""

    board: str
    user: Row
    neighbours: list[Row]


@router.get("/leaderboards/{board}/users/{user_id}", response_model=Around,
            summary="A user's rank and neighbours")
def around(board: Board, user_id: UserId, request: Request, who: Caller,
           radius: Annotated[int, Query(ge=0, le=100)] = 2) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.READ)
    mine, rows = STANDINGS.around(platform.views, board, user_id, radius)
    if mine is None:
        raise ProblemError(DomainError.not_found("leaderboard.unknown_user",
                                                 "the user is not on this board",
                                                 user_id=user_id))
    return Around(board=board, user=_row(mine), neighbours=[_row(s) for s in rows])


class Cell(BaseModel):
    """Revenue booked in one stream, month and currency."""

    stream: str
    month: str
    currency: str
    amount: str


class RevenueView(BaseModel):
    """The books by stream and month, and MRR, ARR and ARPU on a day."""

    on: str
    currency: str
    mrr: str
    arr: str
    arpu: str
    paying_subscribers: int
    trialing_subscribers: int
    books: list[Cell]


@router.get("/revenue", response_model=RevenueView, summary="Revenue: books, MRR and ARR")
def revenue(request: Request, who: Caller, on: date,
            currency: Annotated[str, Query(pattern=r"^[A-Z0-9]{2,10}$")] = "USD",
            minor_unit: Annotated[int, Query(ge=0, le=18)] = 2) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.OPERATE)
    metrics = ok(BOOKS.metrics(platform.views, on, Currency(currency, minor_unit)))
    return RevenueView(
        on=on.isoformat(), currency=currency, mrr=format(metrics.mrr.amount, "f"),
        arr=format(metrics.arr.amount, "f"), arpu=format(metrics.arpu.amount, "f"),
        paying_subscribers=metrics.paying_subscribers,
        trialing_subscribers=metrics.trialing_subscribers,
        books=[Cell(stream=c["stream"], month=c["month"], currency=c["currency"],
                    amount=format(c["amount"], "f")) for c in BOOKS.books(platform.views)])
