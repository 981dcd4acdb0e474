"""Revenue, marketplace and reward events.

Amounts are exact ``Decimal`` values in the currency named by the ``currency`` code (the
currency's minor unit); signed amounts say in their docstring which sign means what.  Dates
that drive billing (``starts_on``, ``effective_on``) are calendar ``date`` values passed in by
the shell, separate from the envelope's ``occurred_at``.

The revenue each event books, by stream, is defined in :mod:`astratrade_core.revenue.ledger`.

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

from datetime import date
from decimal import Decimal
from typing import Final

import attrs

from astratrade_core.events.envelope import Event, event_type

__all__ = [
    "REVENUE_EVENTS",
    "MarketplaceSale",
    "NFTMinted",
    "PremiumPurchased",
    "RewardClaimed",
    "SubscriptionCancelled",
    "SubscriptionChanged",
    "SubscriptionCharged",
    "SubscriptionStarted",
    "TradingFeeCollected",
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


@event_type("SubscriptionStarted", version=1)
@attrs.frozen(kw_only=True)
class SubscriptionStarted(Event):
    """A subscription began on ``starts_on``; while ``trial_ends_on`` is in the future it is
    a free trial.  ``cycle`` is ``"monthly"`` or ``"yearly"``; ``price`` is per cycle."""

    subscriber_id: str
    plan_id: str
    tier_rank: int
    cycle: str
    currency: str
    price: Decimal
    starts_on: date
    trial_ends_on: date | None


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
)
