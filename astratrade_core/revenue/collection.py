"""The NFT collection aggregate: one stream per collection (``collection-<id>``).

A collection opens with its mint curve, its sale terms and its creator's royalty
(:mod:`astratrade_core.revenue.marketplace` computes every amount); the stream then tracks who
owns each token and which tokens are listed, so only the owner can list, and a token sold
once cannot be sold again from the same listing.

=================  =========================================================================
command            events (or failure)
=================  =========================================================================
``OpenCollection`` ``CollectionOpened`` with ``min_price``, the smallest listing price from
                   which every sale leaves the seller at least ``min_proceeds``
                   (:func:`~astratrade_core.revenue.marketplace.minimum_listing_price`, never
                   below one minor unit); ``marketplace.collection_exists`` (conflict)
``MintToken``      ``NFTMinted`` at the curve's price for the next token;
                   ``marketplace.sold_out`` (rejected) past ``max_supply``,
                   ``marketplace.token_exists`` (conflict) for a token id already minted
``ListToken``      ``TokenListed``; ``marketplace.not_owner`` (rejected) unless the seller
                   owns it, ``marketplace.below_minimum`` (rejected) under ``min_price``,
                   ``marketplace.already_listed`` (conflict)
``CancelListing``  ``ListingCancelled``; ``marketplace.not_listed`` / ``not_owner``
                   (rejected)
``BuyToken``       ``MarketplaceSale`` settled at the listed price (platform fee rounded up,
                   royalty rounded down, fixed fee, the seller gets the rest); the buyer
                   owns the token and the listing is gone.  ``marketplace.not_listed``,
                   ``marketplace.own_token`` (rejected), ``marketplace.price_changed``
                   (conflict: the command names the price the buyer saw)
=================  =========================================================================

Every command but ``OpenCollection`` fails with ``marketplace.no_collection`` (not found)
before the collection opens, and those naming a token with ``marketplace.no_token`` (not
found) for a token never minted.  Malformed values (a naive ``issued_at``, blank ids, a price
that is not a positive whole number of minor units, another currency, invalid terms) fail
with ``marketplace.invalid_command`` listing every problem.

>>> from datetime import UTC, datetime
>>> from astratrade_core.aggregate import Stream, handle
>>> from astratrade_core.money import USD, Money
>>> from astratrade_core.revenue.marketplace import MarketplaceTerms, MintPricing
>>> t = datetime(2026, 1, 1, tzinfo=UTC)
>>> usd = lambda text: Money.of(text, USD).unwrap()
>>> opened = OpenCollection(command_id="o", issued_at=t, collection_id="ships",
...     creator_id="studio", pricing=MintPricing(usd("10.00"), usd("0.50"), 2, 500),
...     terms=MarketplaceTerms(250, usd("0.50")), royalty_bps=500, min_proceeds=usd("1.00"))
>>> stream, (event,) = handle(COLLECTION, Stream.empty(COLLECTION), opened).unwrap()
>>> event.min_price    # 1.00 + 0.50 fixed, 7.5 % of the price: 1.63 leaves 1.00
Decimal('1.63')
>>> mint = MintToken(command_id="m", issued_at=t, collection_id="ships", token_id="1",
...                  owner_id="ann")
>>> stream, _ = handle(COLLECTION, stream, mint).unwrap()
>>> listed = ListToken(command_id="l", issued_at=t, collection_id="ships", token_id="1",
...                    seller_id="ann", price=usd("100.00"))
>>> stream, _ = handle(COLLECTION, stream, listed).unwrap()
>>> buy = BuyToken(command_id="b", issued_at=t, collection_id="ships", token_id="1",
...                buyer_id="bob", price=usd("100.00"))
>>> stream, (sale,) = handle(COLLECTION, stream, buy).unwrap()
>>> sale.platform_fee, sale.creator_royalty, sale.fixed_fee, sale.seller_proceeds
(Decimal('2.50'), Decimal('5.00'), Decimal('0.50'), Decimal('92.00'))
>>> stream.state.owner("1"), handle(COLLECTION, stream, attrs.evolve(buy, command_id="b2")
...                                 ).failure().code
('bob', 'marketplace.not_listed')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, ClassVar, Final, TypeVar

import attrs
from pyrsistent import pmap
from pyrsistent.typing import PMap
from returns.result import Failure, Result, Success

from astratrade_core.aggregate import Aggregate, Decision
from astratrade_core.errors import DomainError, collect
from astratrade_core.events.envelope import Event
from astratrade_core.events.revenue import (
    CollectionOpened,
    ListingCancelled,
    MarketplaceSale,
    NFTMinted,
    TokenListed,
)
from astratrade_core.money import Currency, Money
from astratrade_core.revenue.commands import (
    RevenueCommand,
    aware,
    bps,
    bundled,
    name,
    whole_units,
)
from astratrade_core.revenue.marketplace import (
    MarketplaceTerms,
    MintPricing,
    minimum_listing_price,
    settle_mint,
    settle_sale,
)

__all__ = [
    "COLLECTION",
    "COLLECTION_EVENTS",
    "BuyToken",
    "CancelListing",
    "CollectionCommand",
    "CollectionState",
    "CollectionTerms",
    "ListToken",
    "MintToken",
    "OpenCollection",
    "collection_stream",
    "decide_collection",
    "evolve_collection",
]


def collection_stream(collection_id: str) -> str:
    """The stream of an NFT collection.

    >>> collection_stream("ships")
    'collection-ships'
    """
    return f"collection-{collection_id}"


@attrs.frozen(kw_only=True)
class OpenCollection(RevenueCommand):
    """Open ``collection_id`` by ``creator_id``: its mint curve, the platform's sale terms,
    the creator's royalty and the least a seller must receive from a sale."""

    collection_id: str
    creator_id: str
    pricing: MintPricing
    terms: MarketplaceTerms
    royalty_bps: int
    min_proceeds: Money


@attrs.frozen(kw_only=True)
class MintToken(RevenueCommand):
    """Mint the next token of the curve as ``token_id``, owned by ``owner_id``."""

    collection_id: str
    token_id: str
    owner_id: str


@attrs.frozen(kw_only=True)
class ListToken(RevenueCommand):
    """Offer ``token_id`` for sale at ``price`` (the seller must own it)."""

    collection_id: str
    token_id: str
    seller_id: str
    price: Money


@attrs.frozen(kw_only=True)
class CancelListing(RevenueCommand):
    """Withdraw the listing of ``token_id`` (the seller must own it)."""

    collection_id: str
    token_id: str
    seller_id: str


@attrs.frozen(kw_only=True)
class BuyToken(RevenueCommand):
    """Buy the listed ``token_id`` at ``price``, the listed price the buyer agreed to."""

    collection_id: str
    token_id: str
    buyer_id: str
    price: Money


#: Every command the collection aggregate decides.
CollectionCommand = OpenCollection | MintToken | ListToken | CancelListing | BuyToken


@attrs.frozen
class CollectionTerms:
    """What a collection opened with: creator, mint curve, sale terms, royalty, minimum
    listing price."""

    collection_id: str
    creator_id: str
    pricing: MintPricing
    terms: MarketplaceTerms
    royalty_bps: int
    min_price: Money


def _owners() -> PMap[str, str]:
    return pmap()


def _listings() -> PMap[str, Money]:
    return pmap()


@attrs.frozen
class CollectionState:
    """A collection's stream folded: its terms (``None`` before it opens), how many tokens
    were minted, each token's owner and the listed tokens' prices."""

    EMPTY: ClassVar[CollectionState]

    terms: CollectionTerms | None = None
    minted: int = 0
    sales: int = 0
    owners: PMap[str, str] = attrs.field(factory=_owners)
    listings: PMap[str, Money] = attrs.field(factory=_listings)

    def owner(self, token_id: str) -> str | None:
        """Who owns ``token_id`` (``None`` if it was never minted)."""
        return self.owners.get(token_id)


CollectionState.EMPTY = CollectionState()

T = TypeVar("T")


def _checked(c: CollectionCommand, *names: tuple[str, str],
             fields: Result[T, DomainError]) -> Result[T, DomainError]:
    """``fields`` once the time and every named id check out, or every problem at once."""
    return collect("marketplace.invalid_command", aware(c),
                   name(c.collection_id, "collection_id"),
                   collect("marketplace.ids", *(name(v, f) for v, f in names))
                   if names else Success(()), fields,
                   ).alt(lambda error: bundled("marketplace.invalid_command", error)).map(
        lambda values: values[3])


def _opened(state: CollectionState, c: CollectionCommand) -> Result[CollectionTerms,
                                                                     DomainError]:
    terms = state.terms
    if terms is None:
        return Failure(DomainError.not_found("marketplace.no_collection",
                                             f"collection {c.collection_id} is not open",
                                             collection_id=c.collection_id))
    if terms.collection_id != c.collection_id:
        return Failure(DomainError.invalid("marketplace.wrong_collection",
                                           f"this stream is collection {terms.collection_id}",
                                           collection_id=c.collection_id,
                                           stream_collection=terms.collection_id))
    return Success(terms)


def _owned(state: CollectionState, token_id: str) -> Result[str, DomainError]:
    owner = state.owners.get(token_id)
    if owner is None:
        return Failure(DomainError.not_found("marketplace.no_token",
                                             f"token {token_id} was never minted",
                                             token_id=token_id))
    return Success(owner)


def _price(price: Money, field: str) -> Result[Money, DomainError]:
    """A positive whole number of minor units, written at exactly the minor unit."""
    return whole_units(price, field, minimum=1).map(
        lambda units: Money.from_minor_units(units, price.currency))


def _in_currency(price: Money, terms: CollectionTerms) -> Result[Money, DomainError]:
    if price.currency != terms.min_price.currency:
        return Failure(DomainError.invalid(
            "money.currency_mismatch", f"the collection trades in {terms.min_price.currency.code}",
            left=terms.min_price.currency.code, right=price.currency.code))
    return Success(price)


def _open(state: CollectionState, c: OpenCollection) -> Decision:
    def same_currency() -> Result[Currency, DomainError]:
        currencies = {c.pricing.base.currency, c.terms.currency, c.min_proceeds.currency}
        if len(currencies) == 1:
            return Success(c.terms.currency)
        return Failure(DomainError.invalid("money.currency_mismatch",
                                           "mint, sale terms and minimum differ in currency",
                                           currencies=",".join(sorted(x.code
                                                                      for x in currencies))))

    def opened(parts: tuple[MintPricing, MarketplaceTerms, Currency]) -> Decision:
        pricing, terms, currency = parts
        if state.terms is not None:
            return Failure(DomainError.conflict("marketplace.collection_exists",
                                                f"{c.collection_id} is already open",
                                                collection_id=c.collection_id))
        return minimum_listing_price(terms, c.royalty_bps, c.min_proceeds).map(
            lambda least: (CollectionOpened(
                **c.envelope(collection_stream(c.collection_id), 0),
                collection_id=c.collection_id, creator_id=c.creator_id,
                currency=currency.code, minor_unit=currency.minor_unit,
                mint_base=_exact(pricing.base), mint_step=_exact(pricing.step),
                max_supply=pricing.max_supply, mint_fee_bps=pricing.platform_fee_bps,
                platform_fee_bps=terms.platform_fee_bps, fixed_fee=_exact(terms.fixed_fee),
                royalty_bps=c.royalty_bps,
                min_price=Money.from_minor_units(max(least.minor_units, 1), currency).amount),))

    fields = collect("marketplace.collection", c.pricing.checked(), c.terms.checked(),
                     same_currency(), bps(c.royalty_bps, "royalty_bps"),
                     whole_units(c.min_proceeds, "min_proceeds"))
    return _checked(c, (c.creator_id, "creator_id"), fields=fields).bind(
        lambda parts: opened(parts[:3]))


def _exact(amount: Money) -> Decimal:
    """The amount at exactly its currency's minor unit (a checked whole number of them)."""
    return Money.from_minor_units(amount.minor_units, amount.currency).amount


def _mint(state: CollectionState, c: MintToken) -> Decision:
    def minted(terms: CollectionTerms) -> Decision:
        if c.token_id in state.owners:
            return Failure(DomainError.conflict("marketplace.token_exists",
                                                f"token {c.token_id} already exists",
                                                token_id=c.token_id))
        return settle_mint(terms.pricing, state.minted, 1).map(lambda settled: (
            settled.to_event(**c.envelope(collection_stream(c.collection_id), 0),
                             token_id=c.token_id, collection_id=c.collection_id,
                             creator_id=terms.creator_id, owner_id=c.owner_id),))

    return _checked(c, (c.token_id, "token_id"), (c.owner_id, "owner_id"),
                    fields=Success(None)).bind(lambda _: _opened(state, c)).bind(minted)


def _list(state: CollectionState, c: ListToken) -> Decision:
    def listed(terms: CollectionTerms, price: Money, owner: str) -> Decision:
        if owner != c.seller_id:
            return Failure(DomainError.rejected("marketplace.not_owner",
                                                f"{c.seller_id} does not own {c.token_id}",
                                                token_id=c.token_id, seller_id=c.seller_id))
        if c.token_id in state.listings:
            return Failure(DomainError.conflict("marketplace.already_listed",
                                                f"token {c.token_id} is already listed",
                                                token_id=c.token_id))
        if price.amount < terms.min_price.amount:
            return Failure(DomainError.rejected(
                "marketplace.below_minimum",
                f"the price must be at least {terms.min_price.amount} to cover the fees and "
                f"royalty", price=price.amount, min_price=terms.min_price.amount))
        return Success((TokenListed(
            **c.envelope(collection_stream(c.collection_id), 0), token_id=c.token_id,
            collection_id=c.collection_id, seller_id=c.seller_id,
            currency=price.currency.code, price=price.amount),))

    def checked(parts: tuple[CollectionTerms, Money]) -> Decision:
        terms, price = parts
        return _in_currency(price, terms).bind(lambda _: _owned(state, c.token_id)).bind(
            lambda owner: listed(terms, price, owner))

    return _checked(c, (c.token_id, "token_id"), (c.seller_id, "seller_id"),
                    fields=_price(c.price, "price")).bind(
        lambda price: _opened(state, c).map(lambda terms: (terms, price))).bind(checked)


def _listed(state: CollectionState, token_id: str) -> Result[Money, DomainError]:
    listing = state.listings.get(token_id)
    if listing is None:
        return Failure(DomainError.rejected("marketplace.not_listed",
                                            f"token {token_id} is not for sale",
                                            token_id=token_id))
    return Success(listing)


def _cancel(state: CollectionState, c: CancelListing) -> Decision:
    def cancelled(owner: str) -> Decision:
        if owner != c.seller_id:
            return Failure(DomainError.rejected("marketplace.not_owner",
                                                f"{c.seller_id} does not own {c.token_id}",
                                                token_id=c.token_id, seller_id=c.seller_id))
        return _listed(state, c.token_id).map(lambda _: (ListingCancelled(
            **c.envelope(collection_stream(c.collection_id), 0), token_id=c.token_id,
            collection_id=c.collection_id, seller_id=c.seller_id),))

    return _checked(c, (c.token_id, "token_id"), (c.seller_id, "seller_id"),
                    fields=Success(None)).bind(lambda _: _opened(state, c)).bind(
        lambda _: _owned(state, c.token_id)).bind(cancelled)


def _buy(state: CollectionState, c: BuyToken) -> Decision:
    def bought(terms: CollectionTerms, offered: Money, seller: str, listed: Money) -> Decision:
        if seller == c.buyer_id:
            return Failure(DomainError.rejected("marketplace.own_token",
                                                f"{c.buyer_id} already owns {c.token_id}",
                                                token_id=c.token_id))
        if offered != listed:
            return Failure(DomainError.conflict(
                "marketplace.price_changed", f"token {c.token_id} is listed at "
                f"{listed.amount}, not {offered.amount}", listed=listed.amount,
                offered=offered.amount))
        return settle_sale(listed, terms.terms, terms.royalty_bps).map(lambda settled: (
            settled.to_event(**c.envelope(collection_stream(c.collection_id), 0),
                             token_id=c.token_id, collection_id=c.collection_id,
                             seller_id=seller, buyer_id=c.buyer_id,
                             creator_id=terms.creator_id),))

    def checked(parts: tuple[CollectionTerms, Money]) -> Decision:
        terms, offered = parts
        return _in_currency(offered, terms).bind(lambda _: _owned(state, c.token_id)).bind(
            lambda seller: _listed(state, c.token_id).bind(
                lambda listed: bought(terms, offered, seller, listed)))

    return _checked(c, (c.token_id, "token_id"), (c.buyer_id, "buyer_id"),
                    fields=_price(c.price, "price")).bind(
        lambda price: _opened(state, c).map(lambda terms: (terms, price))).bind(checked)


_RULES: Final[dict[type[Any], Callable[[CollectionState, Any], Decision]]] = {
    OpenCollection: _open,
    MintToken: _mint,
    ListToken: _list,
    CancelListing: _cancel,
    BuyToken: _buy,
}


def decide_collection(state: CollectionState, command: CollectionCommand) -> Decision:
    """The events ``command`` produces against a collection's ``state``, or why not (see the
    module docstring)."""
    return _RULES[type(command)](state, command)


def _terms(event: CollectionOpened) -> CollectionTerms:
    currency = Currency(event.currency, event.minor_unit)
    return CollectionTerms(
        event.collection_id, event.creator_id,
        MintPricing(Money(event.mint_base, currency), Money(event.mint_step, currency),
                    event.max_supply, event.mint_fee_bps),
        MarketplaceTerms(event.platform_fee_bps, Money(event.fixed_fee, currency)),
        event.royalty_bps, Money(event.min_price, currency))


def evolve_collection(state: CollectionState, events: Iterable[Event]) -> CollectionState:
    """Fold a collection's events into its state (other events change nothing): the owners
    are updated through a pyrsistent evolver, the (few) listings in a dict, frozen once."""
    terms, minted, sales = state.terms, state.minted, state.sales
    owners, listings = state.owners.evolver(), dict(state.listings)
    for event in events:
        if isinstance(event, NFTMinted):
            minted += 1
            owners[event.token_id] = event.owner_id
        elif isinstance(event, TokenListed) and terms is not None:
            listings[event.token_id] = Money(event.price, terms.min_price.currency)
        elif isinstance(event, ListingCancelled):
            listings.pop(event.token_id, None)
        elif isinstance(event, MarketplaceSale):
            sales += 1
            owners[event.token_id] = event.buyer_id
            listings.pop(event.token_id, None)
        elif isinstance(event, CollectionOpened):
            terms = _terms(event)
    return CollectionState(terms, minted, sales, owners.persistent(), pmap(listings))


#: The collection events, the ones this aggregate produces and folds.
COLLECTION_EVENTS: Final[tuple[type[Event], ...]] = (
    CollectionOpened, NFTMinted, TokenListed, ListingCancelled, MarketplaceSale)

#: The NFT collection as an :class:`~astratrade_core.aggregate.Aggregate`: one stream per
#: collection, :func:`collection_stream`.
COLLECTION: Final[Aggregate[CollectionState, CollectionCommand]] = Aggregate(
    "nft-collection", CollectionState.EMPTY, decide_collection, evolve_collection,
    COLLECTION_EVENTS)
