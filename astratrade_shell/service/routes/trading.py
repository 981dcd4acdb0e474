"""Trading accounts: deposits, withdrawals, orders, closing a position, and the queries on the
``accounts`` read model (summary, equity history, trades, risk events).

A trading account belongs to the user in its id (``ann`` or ``ann.savings``) once the user
has opened it.  Its owner may trade (``trade`` scope) and read (``read``); operators and
admins may read it; nobody else may do either.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from astratrade_core.errors import DomainError
from astratrade_core.portfolio import PORTFOLIO, Deposit, Withdraw
from astratrade_core.users import USER, Scope, account_owner, user_stream
from astratrade_shell.exchanges.port import Side
from astratrade_shell.projections import decode_record
from astratrade_shell.readmodels.views import ACCOUNTS, payload
from astratrade_shell.service.auth import Authenticated
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
from astratrade_shell.service.orders import close_position, place_order
from astratrade_shell.service.platform import Platform
from astratrade_shell.service.problems import ProblemError

__all__ = ["router"]

router = APIRouter(prefix="/v1/accounts", tags=["trading"])

AccountId = Annotated[str, Path(
    pattern=r"^[a-z0-9][a-z0-9_]{0,31}(\.[a-z0-9][a-z0-9_-]{0,31})?$")]
Symbol = Annotated[str, Path(pattern=r"^[A-Z0-9]{2,20}$")]
After = Annotated[int, Query(ge=0, le=2**62, description="Only entries after this position")]
Limit = Annotated[int, Query(ge=1, le=1000)]


def _account(platform: Platform, who: Authenticated, account_id: str, scope: Scope) -> None:
    """The caller may act on the account with ``scope``, and the account is open."""
    owner = account_owner(account_id)
    allowed(who.principal, scope, owner)
    if owner == who.principal.user_id:
        accounts = who.state.accounts
    else:
        with platform.writing:
            accounts = platform.app.load(USER, user_stream(owner)).state.accounts
    if account_id not in accounts:
        raise ProblemError(DomainError.not_found("users.no_account", "no such trading account",
                                                 account_id=account_id))


class Movement(BaseModel):
    """Cash in or out: a currency and a positive amount (a decimal string)."""

    currency: str = Field(pattern=r"^[A-Z0-9]{2,10}$", examples=["USD"])
    amount: Decimal_


@router.post("/{account_id}/deposits", response_model=CommandResult, summary="Deposit cash")
def deposit(account_id: AccountId, body: Movement, request: Request, who: Caller,
            idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    _account(platform, who, account_id, Scope.TRADE)
    return execute(platform, PORTFOLIO, account_id, Deposit(
        command_id=command_id(who.principal, f"deposit:{account_id}", idempotency_key,
                              platform),
        account_id=account_id, issued_at=platform.app.now(), currency=body.currency,
        amount=exact(body.amount, "amount")))


@router.post("/{account_id}/withdrawals", response_model=CommandResult,
             summary="Withdraw cash")
def withdraw(account_id: AccountId, body: Movement, request: Request, who: Caller,
             idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    _account(platform, who, account_id, Scope.TRADE)
    return execute(platform, PORTFOLIO, account_id, Withdraw(
        command_id=command_id(who.principal, f"withdraw:{account_id}", idempotency_key,
                              platform),
        account_id=account_id, issued_at=platform.app.now(), currency=body.currency,
        amount=exact(body.amount, "amount")))


class OrderSide(Enum):
    """Buy or sell."""

    BUY = "buy"
    SELL = "sell"


class Order(BaseModel):
    """A market order on the paper exchange: symbol, side and a positive base quantity."""

    symbol: str = Field(pattern=r"^[A-Z0-9]{2,20}$", examples=["BTCUSD"])
    side: OrderSide
    quantity: Decimal_


class Booked(BaseModel):
    """What an order or a close stored on the account (fills, or the recorded refusal)."""

    command_id: str
    account_id: str
    duplicate: bool
    events: list[dict[str, Any]]


def _booked(platform: Platform, account_id: str, command: str,
            outcome: tuple[Any, bool]) -> Booked:
    records, duplicate = outcome
    return Booked(command_id=command, account_id=account_id, duplicate=duplicate,
                  events=[payload(decode_record(r, platform.app.registry)) for r in records])


@router.post("/{account_id}/orders", response_model=Booked,
             summary="Place a market order (decided, filled, booked)")
def order(account_id: AccountId, body: Order, request: Request, who: Caller,
          idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    _account(platform, who, account_id, Scope.TRADE)
    command = command_id(who.principal, f"order:{account_id}", idempotency_key, platform)
    outcome = place_order(platform, account_id, command, symbol=body.symbol,
                          side=Side(body.side.value), quantity=exact(body.quantity, "quantity"))
    return _booked(platform, account_id, command, outcome)


@router.post("/{account_id}/positions/{symbol}/close", response_model=Booked,
             summary="Close a whole position at the market")
def close(account_id: AccountId, symbol: Symbol, request: Request, who: Caller,
          idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    _account(platform, who, account_id, Scope.TRADE)
    command = command_id(who.principal, f"close:{account_id}:{symbol}", idempotency_key,
                         platform)
    return _booked(platform, account_id, command,
                   close_position(platform, account_id, command, symbol))


class PositionView(BaseModel):
    """An open position (decimals as strings; the mark is the last trade or mark price);
    ``position_side`` is ``both`` in one-way mode, ``long`` or ``short`` for a hedge-mode leg."""

    symbol: str
    position_side: str
    quote_currency: str
    quantity: str
    average_entry_price: str
    mark_price: str | None
    unrealized_pnl: str | None
    realized_pnl: str


class AccountView(BaseModel):
    """Cash, equity, realized and unrealized P&L and fees per currency; open positions."""

    account_id: str
    cash: dict[str, str]
    equity: dict[str, str]
    realized_pnl: dict[str, str]
    unrealized_pnl: dict[str, str]
    fees_paid: dict[str, str]
    positions: list[PositionView]


def _text(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_text(v) for v in value]
    if value is None or isinstance(value, str):
        return value
    return format(value, "f")


@router.get("/{account_id}", response_model=AccountView, summary="An account's portfolio")
def account(account_id: AccountId, request: Request, who: Caller) -> Any:
    platform = platform_of(request)
    _account(platform, who, account_id, Scope.READ)
    summary = ACCOUNTS.summary(platform.views, account_id)
    if summary is None:
        return AccountView(account_id=account_id, cash={}, equity={}, realized_pnl={},
                           unrealized_pnl={}, fees_paid={}, positions=[])
    return AccountView(**{k: v if k == "account_id" else _text(v) for k, v in summary.items()})


class Listing(BaseModel):
    """A page of entries, each with the global position of the event that made it; pass the
    last position as ``after`` for the next page."""

    entries: list[dict[str, Any]]


def _listing(kind: str, account_id: str, request: Request, who: Authenticated, *,
             after: int, limit: int) -> Listing:
    platform = platform_of(request)
    _account(platform, who, account_id, Scope.READ)
    return Listing(entries=ACCOUNTS.listing(platform.views, kind, account_id, after=after,
                                            limit=limit))


@router.get("/{account_id}/equity", response_model=Listing, summary="Equity history")
def equity(account_id: AccountId, request: Request, who: Caller, after: After = 0,
           limit: Limit = 100) -> Any:
    return _listing("equity", account_id, request, who, after=after, limit=limit)


@router.get("/{account_id}/trades", response_model=Listing, summary="Fills and closes")
def trades(account_id: AccountId, request: Request, who: Caller, after: After = 0,
           limit: Limit = 100) -> Any:
    return _listing("trades", account_id, request, who, after=after, limit=limit)


@router.get("/{account_id}/risk-events", response_model=Listing,
            summary="Refused orders and liquidations")
def risk_events(account_id: AccountId, request: Request, who: Caller, after: After = 0,
                limit: Limit = 100) -> Any:
    return _listing("risk", account_id, request, who, after=after, limit=limit)

