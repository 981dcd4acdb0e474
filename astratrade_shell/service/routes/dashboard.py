"""The live dashboard: a plain HTML page and a small script served by the app (no build
step), and the one query it needs beyond the public API.

``GET /dashboard`` serves the page; it holds no data and needs no key (the key is typed in,
or given in the page's fragment, ``/dashboard#key=atk_...&account=ann``, which browsers never
send to the server).  The script reads the season leaderboard, the account's equity curve
and risk refusals, and (with ``operate``) the revenue over HTTP, then subscribes to
``/v1/stream`` and refreshes a panel when one of its channels pushes a change.

``GET /v1/dashboard/accounts/{account_id}`` answers the equity curve (one currency) and the
latest risk refusals of an account in one call, straight from the ``accounts`` read model.
Its authorization is the account queries' (the owner, or an operator or admin), but it
needs no registered user: the demo's simulated traders (``trader-07``) have portfolios
without user records, and operators watch them on the dashboard.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Annotated, Any, Final

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from astratrade_core.errors import DomainError
from astratrade_core.users import Scope, account_owner
from astratrade_shell.readmodels.views import ACCOUNTS
from astratrade_shell.service.http import Caller, allowed, platform_of
from astratrade_shell.service.problems import ProblemError

__all__ = ["router"]

router = APIRouter(tags=["dashboard"])

_ASSETS: Final = files("astratrade_shell.service") / "dashboard"
#: Account ids the dashboard reads: a user's accounts, and the demo's ``trader-NN``.
AccountId = Annotated[str, Path(
    pattern=r"^[a-z0-9][a-z0-9_-]{0,39}(\.[a-z0-9][a-z0-9_-]{0,31})?$")]


@router.get("/dashboard", include_in_schema=False)
def page() -> HTMLResponse:
    """The page."""
    return HTMLResponse((_ASSETS / "index.html").read_text(encoding="utf-8"),
                        headers={"Cache-Control": "no-store"})


@router.get("/dashboard/dashboard.js", include_in_schema=False)
def script() -> Response:
    """The page's script."""
    return Response((_ASSETS / "dashboard.js").read_text(encoding="utf-8"),
                    media_type="text/javascript", headers={"Cache-Control": "no-store"})


class Point(BaseModel):
    """One point of the equity curve."""

    position: int
    at: str
    equity: str


class AccountBoard(BaseModel):
    """An account's equity curve in one currency and its latest risk refusals."""

    account_id: str
    currency: str
    equity: list[Point]
    risk_events: list[dict[str, Any]]


@router.get("/v1/dashboard/accounts/{account_id}", response_model=AccountBoard,
            summary="An account's equity curve and latest risk refusals (the dashboard)")
def account_board(account_id: AccountId, request: Request, who: Caller, *,
                  currency: Annotated[str, Query(pattern=r"^[A-Z0-9]{2,10}$")] = "USD",
                  points: Annotated[int, Query(ge=1, le=1000)] = 300,
                  refusals: Annotated[int, Query(ge=0, le=100)] = 20) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.READ, account_owner(account_id))
    views = platform.views
    if views.document(ACCOUNTS.name, account_id) is None:
        raise ProblemError(DomainError.not_found("dashboard.no_account",
                                                 "no events for this account yet",
                                                 account_id=account_id))
    curve = [Point(position=p["position"], at=p["at"], equity=p["equity"][currency])
             for p in _last(views, "equity", account_id, points)
             if currency in p["equity"]]
    risk = [r for r in _last(views, "risk", account_id, refusals)
            if r["type"] == "RiskLimitHit"] if refusals else []
    return AccountBoard(account_id=account_id, currency=currency, equity=curve,
                        risk_events=risk)


def _last(views: Any, kind: str, account_id: str, count: int) -> list[dict[str, Any]]:
    """The last ``count`` entries of an account's list, oldest first."""
    found: list[dict[str, Any]] = []
    after = 0
    while True:
        page = ACCOUNTS.listing(views, kind, account_id, after=after, limit=1000)
        found = (found + page)[-count:]
        if len(page) < 1000:
            return found
        after = page[-1]["position"]
