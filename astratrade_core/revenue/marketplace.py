"""NFT marketplace maths: sale settlement, royalties, minimum listing price, mint pricing.

**Settlement** works in integer minor units (:func:`settle_units`, mirrored by the contract):

* ``platform_fee = ceil(price * platform_bps / 10000)``: the platform's fee rounds in its favour;
* ``creator_royalty = floor(price * royalty_bps / 10000)``: EIP-2981's
  ``royaltyAmount = salePrice * royaltyFraction / 10000`` with integer (floor) division, as
  OpenZeppelin's ``ERC2981.royaltyInfo`` computes it;
* ``fixed_fee`` as configured;
* ``seller_proceeds = price - platform_fee - creator_royalty - fixed_fee`` (the remainder, so the
  four parts always sum to the price exactly).  A negative remainder is a Failure.

Price 1000 with 2.5 % platform, 5 % royalty and a fixed 5: ``25 + 50 + 5 + 920 = 1000``.

**Minimum viable listing price**: the seller's proceeds are not monotone in the price (two
rounded fees can step up together), so the minimum is defined as the smallest price ``P`` such
that *every* price ``>= P`` leaves the seller at least ``min_proceeds``.

**Mint pricing** is a linear curve: the ``k``-th token (0-based) costs ``base + k * step``, so
minting ``n`` tokens after ``m`` costs ``n * base + step * (n*m + n*(n-1)/2)``; the platform takes
``ceil(cost * platform_bps / 10000)`` and the creator the rest.

>>> from astratrade_core.money import USD, Money
>>> terms = MarketplaceTerms.of(250, Money.of("5", USD).unwrap()).unwrap()
>>> s = settle_sale(Money.of("1000", USD).unwrap(), terms, royalty_bps=500).unwrap()
>>> [str(m.amount) for m in (s.platform_fee, s.creator_royalty, s.fixed_fee, s.seller_proceeds)]
['25.00', '50.00', '5.00', '920.00']
"""

from __future__ import annotations

from datetime import datetime

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect
from astratrade_core.events.revenue import MarketplaceSale, NFTMinted
from astratrade_core.money import Currency, Money
from astratrade_core.numeric import U128_MAX, FixedRounding, is_u256, mul_div
from astratrade_core.revenue.commands import bps, flattened, whole_units

__all__ = [
    "BPS",
    "MarketplaceTerms",
    "MintPricing",
    "MintSettlement",
    "SaleSettlement",
    "minimum_listing_price",
    "settle_mint",
    "settle_sale",
    "settle_units",
]

#: Basis points in one whole (EIP-2981's fee denominator).
BPS = 10_000


def _units(amount: Money, field: str) -> Result[int, DomainError]:
    return whole_units(amount, field).alt(lambda cause: DomainError.invalid(
        "marketplace.amount", f"{field} must be a non-negative whole number of minor units "
        f"({cause.message})", field=field, amount=amount.amount))


def _bps(value: int, field: str) -> Result[int, DomainError]:
    return bps(value, field).alt(lambda _: DomainError.invalid(
        "marketplace.bps", f"{field} must be an integer in 0..10000", field=field, bps=value))


@attrs.frozen
class MarketplaceTerms:
    """The platform's cut of every sale: a fee in basis points plus a fixed fee."""

    platform_fee_bps: int
    fixed_fee: Money

    @classmethod
    def of(cls, platform_fee_bps: int, fixed_fee: Money) -> Result[MarketplaceTerms,
                                                                   DomainError]:
        """Validate bps in 0..10000 and a non-negative whole-minor-unit fixed fee.

        >>> from astratrade_core.money import USD, Money
        >>> MarketplaceTerms.of(10_001, Money.of("-1", USD).unwrap()).failure().codes()
        ('marketplace.bps', 'marketplace.amount')
        """
        return collect("marketplace.terms", _bps(platform_fee_bps, "platform_fee_bps"),
                       _units(fixed_fee, "fixed_fee"),
                       ).map(lambda _: cls(platform_fee_bps, fixed_fee))

    def checked(self) -> Result[MarketplaceTerms, DomainError]:
        """These terms if :meth:`of` accepts them (raw construction may hold anything)."""
        return MarketplaceTerms.of(self.platform_fee_bps, self.fixed_fee).map(lambda _: self)

    @property
    def currency(self) -> Currency:
        """The currency sales settle in."""
        return self.fixed_fee.currency


def settle_units(price: int, platform_bps: int, royalty_bps: int,
                 fixed_fee: int) -> Result[tuple[int, int, int, int], DomainError]:
    """Integer settlement: ``(platform_fee, creator_royalty, fixed_fee, seller_proceeds)``.

    >>> settle_units(1000, 250, 500, 5).unwrap()
    (25, 50, 5, 920)
    >>> settle_units(999, 250, 500, 5).unwrap()   # 24.975 up, 49.95 down
    (25, 49, 5, 920)
    >>> settle_units(10, 250, 500, 10).failure().code
    'marketplace.price_below_costs'
    >>> settle_units(1000, 250, 500, 0.5).failure().code   # every amount is a u256 integer
    'marketplace.amount'
    """
    if not is_u256(fixed_fee):
        return Failure(DomainError.invalid("marketplace.amount",
                                           "the fixed fee must be an integer in u256",
                                           fixed_fee=fixed_fee))
    platform = mul_div(price, platform_bps, BPS, FixedRounding.CEIL)
    royalty = mul_div(price, royalty_bps, BPS, FixedRounding.FLOOR)

    def split(parts: tuple[int, int]) -> Result[tuple[int, int, int, int], DomainError]:
        fee, paid = parts
        seller = price - fee - paid - fixed_fee
        if seller < 0:
            return Failure(DomainError.rejected("marketplace.price_below_costs",
                                                "the price does not cover fees and royalty",
                                                price=price, costs=fee + paid + fixed_fee))
        return Success((fee, paid, fixed_fee, seller))

    return collect("marketplace.settlement", platform, royalty).alt(
        lambda _: DomainError.invalid("marketplace.amount", "price out of range", price=price),
    ).bind(split)


@attrs.frozen
class SaleSettlement:
    """Where a sale's price goes; the four parts sum to ``price`` exactly."""

    price: Money
    platform_fee: Money
    creator_royalty: Money
    fixed_fee: Money
    seller_proceeds: Money

    def to_event(self, *, event_id: str, stream_id: str, occurred_at: datetime, token_id: str,
                 collection_id: str, seller_id: str, buyer_id: str,
                 creator_id: str) -> MarketplaceSale:
        """The :class:`MarketplaceSale` event recording this settlement, royalty included."""
        return MarketplaceSale(
            event_id=event_id, stream_id=stream_id, occurred_at=occurred_at, token_id=token_id,
            collection_id=collection_id, seller_id=seller_id, buyer_id=buyer_id,
            creator_id=creator_id, currency=self.price.currency.code, price=self.price.amount,
            platform_fee=self.platform_fee.amount, creator_royalty=self.creator_royalty.amount,
            fixed_fee=self.fixed_fee.amount, seller_proceeds=self.seller_proceeds.amount)


def settle_sale(price: Money, terms: MarketplaceTerms,
                royalty_bps: int) -> Result[SaleSettlement, DomainError]:
    """Settle a sale at ``price`` under ``terms`` with the collection's royalty.

    >>> from astratrade_core.money import USD, Money
    >>> terms = MarketplaceTerms(250, Money.of("0", USD).unwrap())
    >>> settle_sale(Money.of("1", USD).unwrap(), terms, 9_800).failure().code
    'marketplace.bps_total'
    """
    if price.currency != terms.currency:
        return Failure(DomainError.invalid("money.currency_mismatch", "sale in another currency",
                                           left=terms.currency.code, right=price.currency.code))
    currency = price.currency

    def settle(checked: tuple[int, int, int, int]) -> Result[SaleSettlement, DomainError]:
        platform_bps, royalty, units, fixed = checked
        if platform_bps + royalty > BPS:
            return Failure(DomainError.invalid("marketplace.bps_total",
                                               "platform fee and royalty exceed 100 %",
                                               platform_bps=platform_bps, royalty_bps=royalty))
        return settle_units(units, platform_bps, royalty, fixed).map(
            lambda parts: SaleSettlement(
                price, *(Money.from_minor_units(u, currency) for u in parts)))

    return collect("marketplace.sale", _bps(terms.platform_fee_bps, "platform_fee_bps"),
                   _bps(royalty_bps, "royalty_bps"), _units(price, "price"),
                   _units(terms.fixed_fee, "fixed_fee")).alt(flattened).bind(settle)


def minimum_listing_price(terms: MarketplaceTerms, royalty_bps: int,
                          min_proceeds: Money) -> Result[Money, DomainError]:
    """The smallest price from which on every sale leaves the seller ``>= min_proceeds``.

    Seller proceeds at price ``P`` are at least ``P * (10000 - fee - royalty) / 10000 - 1 -
    fixed`` (the platform fee's ceiling adds under one unit), so from
    ``P_safe = ceil((min + fixed + 1) * 10000 / (10000 - fee - royalty))`` on every price
    qualifies; the answer walks down from there while the next lower price still qualifies.

    >>> from astratrade_core.money import USD, Money
    >>> terms = MarketplaceTerms(250, Money.of("0.05", USD).unwrap())
    >>> minimum_listing_price(terms, 500, Money.of("0.01", USD).unwrap()).unwrap().amount
    Decimal('0.07')
    """
    if min_proceeds.currency != terms.currency:
        return Failure(DomainError.invalid("money.currency_mismatch",
                                           "minimum in another currency",
                                           left=terms.currency.code,
                                           right=min_proceeds.currency.code))
    currency = terms.currency

    def search(checked: tuple[int, int, int, int]) -> Result[Money, DomainError]:
        platform_bps, royalty, minimum, fixed = checked
        keep = BPS - platform_bps - royalty
        if keep <= 0:
            return Failure(DomainError.invalid("marketplace.bps_total",
                                               "fees leave nothing for the seller",
                                               platform_bps=platform_bps, royalty_bps=royalty))

        def proceeds(price: int) -> int:
            fee = -(-price * platform_bps // BPS)
            return price - fee - price * royalty // BPS - fixed

        price = -(-(minimum + fixed + 1) * BPS // keep)
        while price > 0 and proceeds(price - 1) >= minimum:
            price -= 1
        return Success(Money.from_minor_units(price, currency))

    return collect("marketplace.listing", _bps(terms.platform_fee_bps, "platform_fee_bps"),
                   _bps(royalty_bps, "royalty_bps"), _units(min_proceeds, "min_proceeds"),
                   _units(terms.fixed_fee, "fixed_fee")).alt(flattened).bind(search)


@attrs.frozen
class MintPricing:
    """A linear mint curve for one collection: the ``k``-th token costs ``base + k * step``."""

    base: Money
    step: Money
    max_supply: int
    platform_fee_bps: int

    @classmethod
    def of(cls, base: Money, step: Money, max_supply: int,
           platform_fee_bps: int) -> Result[MintPricing, DomainError]:
        """Validate the curve, reporting every problem.

        >>> from astratrade_core.money import USD, EUR, Money
        >>> MintPricing.of(Money.of("1", USD).unwrap(), Money.of("1", EUR).unwrap(), 0,
        ...                20_000).failure().codes()
        ('money.currency_mismatch', 'marketplace.max_supply', 'marketplace.bps')
        """
        same_currency: Result[None, DomainError] = (
            Success(None) if base.currency == step.currency else Failure(DomainError.invalid(
                "money.currency_mismatch", "step in another currency",
                left=base.currency.code, right=step.currency.code)))
        supply: Result[int, DomainError] = (
            Success(max_supply)
            if type(max_supply) is int and 1 <= max_supply <= U128_MAX
            else Failure(DomainError.invalid("marketplace.max_supply",
                                             "max supply must be >= 1", max_supply=max_supply)))
        return collect("marketplace.mint_pricing", same_currency, _units(base, "base"),
                       _units(step, "step"), supply,
                       _bps(platform_fee_bps, "platform_fee_bps"),
                       ).map(lambda _: cls(base, step, max_supply, platform_fee_bps))

    def checked(self) -> Result[MintPricing, DomainError]:
        """This curve if :meth:`of` accepts it (raw construction may hold anything)."""
        return MintPricing.of(self.base, self.step, self.max_supply, self.platform_fee_bps
                              ).map(lambda _: self)


@attrs.frozen
class MintSettlement:
    """The cost of a mint and its split; ``price == platform_fee + creator_proceeds``."""

    price: Money
    platform_fee: Money
    creator_proceeds: Money

    def to_event(self, *, event_id: str, stream_id: str, occurred_at: datetime, token_id: str,
                 collection_id: str, creator_id: str, owner_id: str) -> NFTMinted:
        """The :class:`NFTMinted` event recording this mint."""
        return NFTMinted(
            event_id=event_id, stream_id=stream_id, occurred_at=occurred_at, token_id=token_id,
            collection_id=collection_id, creator_id=creator_id, owner_id=owner_id,
            currency=self.price.currency.code, price=self.price.amount,
            platform_fee=self.platform_fee.amount, creator_proceeds=self.creator_proceeds.amount)


def settle_mint(pricing: MintPricing, minted: int, count: int) -> Result[MintSettlement,
                                                                          DomainError]:
    """Price ``count`` new tokens after ``minted`` have been minted, and split the cost.

    >>> from astratrade_core.money import USD, Money
    >>> curve = MintPricing(Money.of("10", USD).unwrap(), Money.of("0.50", USD).unwrap(),
    ...                     100, 500)
    >>> s = settle_mint(curve, minted=4, count=3).unwrap()   # 12.00 + 12.50 + 13.00
    >>> str(s.price.amount), str(s.platform_fee.amount), str(s.creator_proceeds.amount)
    ('37.50', '1.88', '35.62')
    """
    for value, field in ((minted, "minted"), (count, "count")):
        if isinstance(value, bool) or value < 0:
            return Failure(DomainError.invalid("marketplace.mint_count",
                                               f"{field} must be a non-negative integer",
                                               field=field, value=value))
    if count == 0:
        return Failure(DomainError.invalid("marketplace.mint_count", "mint at least one token"))
    currency = pricing.base.currency

    def settle(curve: MintPricing) -> Result[MintSettlement, DomainError]:
        if minted + count > curve.max_supply:
            return Failure(DomainError.rejected("marketplace.sold_out",
                                                "mint count exceeds the remaining supply",
                                                minted=minted, count=count,
                                                max_supply=curve.max_supply))
        base, step = curve.base.minor_units, curve.step.minor_units
        cost = count * base + step * (minted * count + count * (count - 1) // 2)
        fee = -(-cost * curve.platform_fee_bps // BPS)
        return Success(MintSettlement(*(Money.from_minor_units(u, currency)
                                        for u in (cost, fee, cost - fee))))

    return pricing.checked().bind(settle)
