"""Revenue, marketplace and reward events.

Amounts are exact ``Decimal`` values in the currency named by the ``currency`` code (the
currency's minor unit); signed amounts say in their docstring which sign means what.  Dates
that drive billing (``starts_on``, ``effective_on``) are calendar ``date`` values passed in by
the shell, separate from the envelope's ``occurred_at``.

The revenue each event books, by stream, is defined in :mod:`astratrade_core.revenue.ledger`.
Staking events (``Staked``, ``Unstaked``, ``RewardDistributed``) carry raw integer token units,
as the pool contract counts them; ``RewardClaimed`` reads its units as minor units of the
pool's reward currency.

Schema history: ``SubscriptionStarted`` version 1 had no ``minor_unit``; version 2 records it
(the aggregate needs it to prorate and refund in whole minor units), and the registered
upcaster lifts version-1 payloads with the number of fractional digits of their ``price`` --
every version-1 price was written from a plan's price at its currency's minor unit.

>>> from datetime import UTC, datetime
>>> from decimal import Decimal
>>> sale = MarketplaceSale(
...     event_id="e-1", stream_id="nft-7", occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
...     token_id="7", collection_id="ships", seller_id="u-1", buyer_id="u-2", creator_id="u-3",
...     currency="USD", price=Decimal("1000"), platform_fee=Decimal("25"),
...     creator_royalty=Decimal("50"), fixed_fee=Decimal("5"), seller_proceeds=Decimal("920"))
>>> sale.event_type, sale.schema_version
('MarketplaceSale', 1)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import attrs

from astratrade_core.events.envelope import Event, event_type
from astratrade_core.events.registry import Upcast
from astratrade_core.numeric import CONTEXT

__all__ = [
    "REVENUE_EVENTS",
    "REVENUE_UPCASTS",
    "CollectionOpened",
    "ListingCancelled",
    "MarketplaceSale",
    "NFTMinted",
    "PremiumPurchased",
    "RevenueBooked",
    "RewardClaimed",
    "RewardDistributed",
    "Staked",
    "StakingPoolOpened",
    "SubscriptionCancelled",
    "SubscriptionChanged",
    "SubscriptionCharged",
    "SubscriptionStarted",
    "TokenListed",
    "TradingFeeCollected",
    "Unstaked",
]


@event_type("NFTMinted", version=1)
@attrs.frozen(kw_only=True)
class NFTMinted(Event):
    """A token was minted and paid for: ``price == platform_fee + creator_proceeds``."""

    token_id: str
    collection_id: str
    creator_id: str
    owner_id: str
    currency: str
    price: Decimal
    platform_fee: Decimal
    creator_proceeds: Decimal


@event_type("MarketplaceSale", version=1)
@attrs.frozen(kw_only=True)
class MarketplaceSale(Event):
    """A secondary sale settled.  The creator's royalty is always part of the settlement:
    ``price == platform_fee + creator_royalty + fixed_fee + seller_proceeds``."""

    token_id: str
    collection_id: str
    seller_id: str
    buyer_id: str
    creator_id: str
    currency: str
    price: Decimal
    platform_fee: Decimal
    creator_royalty: Decimal
    fixed_fee: Decimal
    seller_proceeds: Decimal


@event_type("RewardClaimed", version=1)
@attrs.frozen(kw_only=True)
class RewardClaimed(Event):
    """An account withdrew accrued staking or distribution rewards (a payout, not revenue)."""

    pool_id: str
    account_id: str
    currency: str
    amount: Decimal


@event_type("TradingFeeCollected", version=1)
@attrs.frozen(kw_only=True)
class TradingFeeCollected(Event):
    """A trading fee was charged on a fill.  ``fee`` is negative for a maker rebate;
    ``liquidity`` is ``"maker"`` or ``"taker"``."""

    account_id: str
    liquidity: str
    currency: str
    notional: Decimal
    fee: Decimal


@event_type("PremiumPurchased", version=1)
@attrs.frozen(kw_only=True)
class PremiumPurchased(Event):
    """A one-off premium or DeFi feature was bought (the premium revenue stream)."""

    account_id: str
    feature: str
    currency: str
    amount: Decimal


@event_type("SubscriptionStarted", version=2)
@attrs.frozen(kw_only=True)
class SubscriptionStarted(Event):
    """A subscription began on ``starts_on``; while ``trial_ends_on`` is in the future it is
    a free trial.  ``cycle`` is ``"monthly"`` or ``"yearly"``; ``price`` is per cycle, in
    ``currency`` whose smallest unit has ``minor_unit`` decimal places."""

    subscriber_id: str
    plan_id: str
    tier_rank: int
    cycle: str
    currency: str
    minor_unit: int
    price: Decimal
    starts_on: date
    trial_ends_on: date | None


def _subscription_started_v1_to_v2(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """Version 1 did not record the minor unit; its prices were plan prices written at their
    currency's minor unit, so the price's fractional digits are the minor unit."""
    return {**payload, "minor_unit": _fraction_digits(payload.get("price"))}


def _fraction_digits(text: object) -> int:
    if not isinstance(text, str):
        return 0  # decode reports the malformed price itself
    try:
        exponent = CONTEXT.create_decimal(text).as_tuple().exponent
    except InvalidOperation:
        return 0
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


@event_type("SubscriptionChanged", version=1)
@attrs.frozen(kw_only=True)
class SubscriptionChanged(Event):
    """An upgrade, downgrade or cycle switch effective on ``effective_on``.  ``proration`` is
    the net amount charged for the rest of the period: positive is a charge, negative a
    credit to the subscriber."""

    subscriber_id: str
    plan_id: str
    tier_rank: int
    cycle: str
    currency: str
    price: Decimal
    effective_on: date
    proration: Decimal


@event_type("SubscriptionCharged", version=1)
@attrs.frozen(kw_only=True)
class SubscriptionCharged(Event):
    """A billing period ``[period_start, period_end)`` was paid for."""

    subscriber_id: str
    plan_id: str
    currency: str
    amount: Decimal
    period_start: date
    period_end: date


@event_type("SubscriptionCancelled", version=1)
@attrs.frozen(kw_only=True)
class SubscriptionCancelled(Event):
    """The subscription ends on ``effective_on`` (no longer active from that day);
    ``refund`` (``>= 0``) is paid back for the unused part of the period."""

    subscriber_id: str
    currency: str
    effective_on: date
    refund: Decimal


@event_type("RevenueBooked", version=1)
@attrs.frozen(kw_only=True)
class RevenueBooked(Event):
    """The platform ledger booked ``amount`` (negative for a credit or refund) of the
    ``revenue_stream`` (``"subscriptions"``, ``"marketplace"`` or ``"premium"``) that the event
    ``source_event_id`` of another stream earned, for ``account_id``.  Projections of every
    stream book the source event itself and ignore this one, so nothing counts twice."""

    source_event_id: str
    revenue_stream: str
    account_id: str
    currency: str
    amount: Decimal


@event_type("CollectionOpened", version=1)
@attrs.frozen(kw_only=True)
class CollectionOpened(Event):
    """An NFT collection opened with its mint curve (token ``k`` costs ``mint_base + k *
    mint_step``, at most ``max_supply`` tokens, the platform taking ``mint_fee_bps`` of each
    mint), its sale terms (``platform_fee_bps`` plus ``fixed_fee`` per sale, ``royalty_bps``
    to the creator) and ``min_price``, the lowest listing price that leaves a seller at least
    the collection's minimum proceeds.  Amounts in ``currency`` (``minor_unit`` places)."""

    collection_id: str
    creator_id: str
    currency: str
    minor_unit: int
    mint_base: Decimal
    mint_step: Decimal
    max_supply: int
    mint_fee_bps: int
    platform_fee_bps: int
    fixed_fee: Decimal
    royalty_bps: int
    min_price: Decimal


@event_type("TokenListed", version=1)
@attrs.frozen(kw_only=True)
class TokenListed(Event):
    """The owner ``seller_id`` offered ``token_id`` for sale at ``price``."""

    token_id: str
    collection_id: str
    seller_id: str
    currency: str
    price: Decimal


@event_type("ListingCancelled", version=1)
@attrs.frozen(kw_only=True)
class ListingCancelled(Event):
    """The owner ``seller_id`` withdrew the listing of ``token_id``."""

    token_id: str
    collection_id: str
    seller_id: str


@event_type("StakingPoolOpened", version=1)
@attrs.frozen(kw_only=True)
class StakingPoolOpened(Event):
    """A staking pool opened; its rewards are paid in ``currency`` (``minor_unit`` places; one
    raw reward unit is one minor unit)."""

    pool_id: str
    currency: str
    minor_unit: int


@event_type("Staked", version=1)
@attrs.frozen(kw_only=True)
class Staked(Event):
    """``account_id`` added ``amount`` raw token units to its stake in ``pool_id``."""

    pool_id: str
    account_id: str
    amount: int


@event_type("Unstaked", version=1)
@attrs.frozen(kw_only=True)
class Unstaked(Event):
    """``account_id`` withdrew ``amount`` raw token units of its stake from ``pool_id``."""

    pool_id: str
    account_id: str
    amount: int


@event_type("RewardDistributed", version=1)
@attrs.frozen(kw_only=True)
class RewardDistributed(Event):
    """``amount`` raw reward units were emitted to the stakers of ``pool_id`` (held back until
    someone stakes when nobody does)."""

    pool_id: str
    amount: int


#: Every event type this module defines (the codec registry is built from such tuples).
REVENUE_EVENTS: Final[tuple[type[Event], ...]] = (
    NFTMinted,
    MarketplaceSale,
    RewardClaimed,
    TradingFeeCollected,
    PremiumPurchased,
    SubscriptionStarted,
    SubscriptionChanged,
    SubscriptionCharged,
    SubscriptionCancelled,
    RevenueBooked,
    CollectionOpened,
    TokenListed,
    ListingCancelled,
    StakingPoolOpened,
    Staked,
    Unstaked,
    RewardDistributed,
)

#: The lifts of this module's older payload versions (the codec registry is built from them).
REVENUE_UPCASTS: Final[tuple[Upcast, ...]] = (
    Upcast("SubscriptionStarted", 1, _subscription_started_v1_to_v2),
)
