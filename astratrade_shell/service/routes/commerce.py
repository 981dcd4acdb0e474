"""Subscriptions, NFTs and staking (``commerce`` scope): the acting user is the caller
(a subscriber, a minter, a seller, a buyer, a staker); opening a collection or a pool is an
admin's.  Plans are the platform's presets (``navigator``, ``captain``, ``admiral``); NFT
prices are money in the collection's currency; stakes are raw integer units, as on-chain.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from astratrade_core.defi import STAKING_POOL, OpenPool, Stake, Unstake, pool_stream
from astratrade_core.errors import DomainError
from astratrade_core.money import Currency, Money
from astratrade_core.revenue import (
    COLLECTION,
    PRESET_PLANS,
    SUBSCRIPTION,
    BillingCycle,
    BuyToken,
    CancelSubscription,
    ChangePlan,
    ListToken,
    MarketplaceTerms,
    MintPricing,
    MintToken,
    OpenCollection,
    Plan,
    StartSubscription,
    collection_stream,
    subscription_stream,
)
from astratrade_core.users import Scope
from astratrade_shell.service.http import (
    Caller,
    CommandResult,
    Decimal_,
    IdempotencyKey,
    allowed,
    command_id,
    exact,
    execute,
    ok,
    platform_of,
)
from astratrade_shell.service.problems import ProblemError

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["commerce"])

UserId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_]{0,31}$")]
Slug = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]


def _plan(plan_id: str) -> Plan:
    found = next((p for p in PRESET_PLANS if p.plan_id == plan_id), None)
    if found is None:
        raise ProblemError(DomainError.not_found("revenue.unknown_plan", "no such plan"))
    return found


# --- subscriptions -----------------------------------------------------------------------

class NewSubscription(BaseModel):
    """Subscribe to a plan, billed every cycle from ``starts_on`` (after a free trial)."""

    plan: str = Field(pattern=r"^[a-z]{1,32}$", examples=["navigator"],
                      description="A preset plan: navigator, captain or admiral")
    cycle: BillingCycle = BillingCycle.MONTHLY
    starts_on: date
    trial_days: int = Field(default=0, ge=0, le=366)


@router.post("/users/{user_id}/subscription", status_code=201, response_model=CommandResult,
             summary="Subscribe")
def subscribe(user_id: UserId, body: NewSubscription, request: Request, who: Caller,
              idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.COMMERCE, user_id)
    return execute(platform, SUBSCRIPTION, subscription_stream(user_id), StartSubscription(
        command_id=command_id(who.principal, "subscribe", idempotency_key, platform),
        issued_at=platform.app.now(), subscriber_id=user_id, plan=_plan(body.plan),
        cycle=body.cycle, starts_on=body.starts_on, trial_days=body.trial_days))


class PlanChange(BaseModel):
    """Move to another plan or cycle on ``on`` (prorated)."""

    plan: str = Field(pattern=r"^[a-z]{1,32}$", examples=["navigator"],
                      description="A preset plan: navigator, captain or admiral")
    cycle: BillingCycle = BillingCycle.MONTHLY
    on: date


@router.put("/users/{user_id}/subscription/plan", response_model=CommandResult,
            summary="Change plan")
def change_plan(user_id: UserId, body: PlanChange, request: Request, who: Caller,
                idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.COMMERCE, user_id)
    return execute(platform, SUBSCRIPTION, subscription_stream(user_id), ChangePlan(
        command_id=command_id(who.principal, "change-plan", idempotency_key, platform),
        issued_at=platform.app.now(), subscriber_id=user_id, plan=_plan(body.plan),
        cycle=body.cycle, on=body.on))


class Cancellation(BaseModel):
    """Cancel at the period's end, or on ``on`` with a prorated refund when
    ``immediately``."""

    on: date
    immediately: bool = False


@router.post("/users/{user_id}/subscription/cancellation", response_model=CommandResult,
             summary="Cancel the subscription")
def cancel(user_id: UserId, body: Cancellation, request: Request, who: Caller,
           idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.COMMERCE, user_id)
    return execute(platform, SUBSCRIPTION, subscription_stream(user_id), CancelSubscription(
        command_id=command_id(who.principal, "cancel", idempotency_key, platform),
        issued_at=platform.app.now(), subscriber_id=user_id, on=body.on,
        immediately=body.immediately))


# --- NFT collections ---------------------------------------------------------------------

class NewCollection(BaseModel):
    """A collection to open (admin): the linear mint curve ``base + k * step`` up to
    ``max_supply``, the platform's fees, the creator's royalty and the least a seller must
    receive from a sale."""

    collection: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    creator_id: str = Field(pattern=r"^[a-z0-9][a-z0-9_]{0,31}$")
    currency: str = Field(default="USD", pattern=r"^[A-Z0-9]{2,10}$")
    minor_unit: int = Field(default=2, ge=0, le=18)
    base_price: Decimal_
    step: Decimal_ = "0"
    max_supply: int = Field(ge=1, le=1_000_000)
    mint_fee_bps: int = Field(default=0, ge=0, le=10_000)
    sale_fee_bps: int = Field(default=250, ge=0, le=10_000)
    fixed_fee: Decimal_ = "0"
    royalty_bps: int = Field(default=500, ge=0, le=10_000)
    min_proceeds: Decimal_ = "0"


@router.post("/collections", status_code=201, response_model=CommandResult,
             summary="Open an NFT collection (admin)")
def open_collection(body: NewCollection, request: Request, who: Caller,
                    idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.ADMIN)
    currency = ok(Currency.of(body.currency, body.minor_unit))

    def money(text: str, field: str) -> Money:
        return Money(exact(text, field), currency)

    stream = collection_stream(body.collection)
    return execute(platform, COLLECTION, stream, OpenCollection(
        command_id=command_id(who.principal, f"open:{stream}", idempotency_key, platform),
        issued_at=platform.app.now(), collection_id=body.collection,
        creator_id=body.creator_id,
        pricing=MintPricing(money(body.base_price, "base_price"), money(body.step, "step"),
                            body.max_supply, body.mint_fee_bps),
        terms=MarketplaceTerms(body.sale_fee_bps, money(body.fixed_fee, "fixed_fee")),
        royalty_bps=body.royalty_bps, min_proceeds=money(body.min_proceeds, "min_proceeds")))


class Mint(BaseModel):
    """Mint the next token of the curve as ``token_id``, owned by the caller."""

    token_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")


@router.post("/collections/{collection}/mints", status_code=201, response_model=CommandResult,
             summary="Mint an NFT")
def mint(collection: Slug, body: Mint, request: Request, who: Caller,
         idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.COMMERCE)
    stream = collection_stream(collection)
    return execute(platform, COLLECTION, stream, MintToken(
        command_id=command_id(who.principal, f"mint:{stream}", idempotency_key, platform),
        issued_at=platform.app.now(), collection_id=collection, token_id=body.token_id,
        owner_id=who.principal.user_id))


class Priced(BaseModel):
    """A price in the collection's currency (whole minor units)."""

    price: Decimal_
    currency: str = Field(default="USD", pattern=r"^[A-Z0-9]{2,10}$")
    minor_unit: int = Field(default=2, ge=0, le=18)


TokenId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


@router.post("/collections/{collection}/tokens/{token_id}/listing",
             response_model=CommandResult, summary="List one's NFT for sale")
def list_token(*, collection: Slug, token_id: TokenId, body: Priced, request: Request,
               who: Caller, idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.COMMERCE)
    stream = collection_stream(collection)
    return execute(platform, COLLECTION, stream, ListToken(
        command_id=command_id(who.principal, f"list:{stream}:{token_id}", idempotency_key,
                              platform),
        issued_at=platform.app.now(), collection_id=collection, token_id=token_id,
        seller_id=who.principal.user_id,
        price=Money(exact(body.price, "price"), Currency(body.currency, body.minor_unit))))


@router.post("/collections/{collection}/tokens/{token_id}/purchase",
             response_model=CommandResult, summary="Buy a listed NFT at the listed price")
def buy(*, collection: Slug, token_id: TokenId, body: Priced, request: Request, who: Caller,
        idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.COMMERCE)
    stream = collection_stream(collection)
    return execute(platform, COLLECTION, stream, BuyToken(
        command_id=command_id(who.principal, f"buy:{stream}:{token_id}", idempotency_key,
                              platform),
        issued_at=platform.app.now(), collection_id=collection, token_id=token_id,
        buyer_id=who.principal.user_id,
        price=Money(exact(body.price, "price"), Currency(body.currency, body.minor_unit))))


# --- staking -----------------------------------------------------------------------------

class NewPool(BaseModel):
    """A staking pool to open (admin), paying rewards in ``currency``."""

    pool: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    currency: str = Field(default="STRK", pattern=r"^[A-Z0-9]{2,10}$")
    minor_unit: int = Field(default=18, ge=0, le=18)


@router.post("/pools", status_code=201, response_model=CommandResult,
             summary="Open a staking pool (admin)")
def open_pool(body: NewPool, request: Request, who: Caller,
              idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.ADMIN)
    stream = pool_stream(body.pool)
    return execute(platform, STAKING_POOL, stream, OpenPool(
        command_id=command_id(who.principal, f"open:{stream}", idempotency_key, platform),
        issued_at=platform.app.now(), pool_id=body.pool,
        currency=ok(Currency.of(body.currency, body.minor_unit))))


class Units(BaseModel):
    """A positive amount of raw integer units (as a decimal string of digits)."""

    amount: str = Field(pattern=r"^[0-9]{1,78}$", examples=["1000000"])


@router.post("/pools/{pool}/stakes", response_model=CommandResult, summary="Stake")
def stake(pool: Slug, body: Units, request: Request, who: Caller,
          idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.COMMERCE)
    stream = pool_stream(pool)
    return execute(platform, STAKING_POOL, stream, Stake(
        command_id=command_id(who.principal, f"stake:{stream}", idempotency_key, platform),
        issued_at=platform.app.now(), pool_id=pool, account_id=who.principal.user_id,
        amount=int(body.amount)))


@router.post("/pools/{pool}/unstakes", response_model=CommandResult, summary="Unstake")
def unstake(pool: Slug, body: Units, request: Request, who: Caller,
            idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.COMMERCE)
    stream = pool_stream(pool)
    return execute(platform, STAKING_POOL, stream, Unstake(
        command_id=command_id(who.principal, f"unstake:{stream}", idempotency_key, platform),
        issued_at=platform.app.now(), pool_id=pool, account_id=who.principal.user_id,
        amount=int(body.amount)))
