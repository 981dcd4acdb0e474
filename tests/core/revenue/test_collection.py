"""The NFT collection aggregate: worked examples at the edges (computed by hand in the
comments) and the aggregate laws over random collection histories."""

from __future__ import annotations

import decimal
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from astratrade_core.aggregate import Stream, handle
from astratrade_core.errors import ErrorKind
from astratrade_core.events.revenue import (
    CollectionOpened,
    ListingCancelled,
    MarketplaceSale,
    NFTMinted,
    TokenListed,
)
from astratrade_core.money import EUR, USD, Money
from astratrade_core.revenue.collection import (
    COLLECTION,
    BuyToken,
    CancelListing,
    CollectionState,
    ListToken,
    MintToken,
    OpenCollection,
)
from astratrade_core.revenue.marketplace import MarketplaceTerms, MintPricing
from astratrade_core.testing import hostile_contexts
from astratrade_core.testing.revenue import collection_commands, handled, hostile_commands
from tests.core.revenue import laws

T = datetime(2026, 2, 1, tzinfo=UTC)
D = Decimal


def usd(text: str) -> Money:
    return Money(D(text), USD)


# Mint: 10.00 + 0.50 per token, 2 tokens, 5 % to the platform.  Sales: 2.5 % + 0.50 fixed,
# 5 % royalty; a seller must keep at least 1.00.
OPEN = OpenCollection(command_id="open", issued_at=T, collection_id="ships",
                      creator_id="studio", pricing=MintPricing(usd("10.00"), usd("0.50"), 2, 500),
                      terms=MarketplaceTerms(250, usd("0.50")), royalty_bps=500,
                      min_proceeds=usd("1.00"))


def mint(token: str, owner: str = "ann") -> MintToken:
    return MintToken(command_id=f"mint-{token}", issued_at=T, collection_id="ships",
                     token_id=token, owner_id=owner)


def listing(token: str, price: str, seller: str = "ann") -> ListToken:
    return ListToken(command_id=f"list-{token}-{price}-{seller}", issued_at=T,
                     collection_id="ships", token_id=token, seller_id=seller, price=usd(price))


def purchase(token: str, price: str, buyer: str = "bob") -> BuyToken:
    return BuyToken(command_id=f"buy-{token}-{price}-{buyer}", issued_at=T,
                    collection_id="ships", token_id=token, buyer_id=buyer, price=usd(price))


def withdrawal(token: str, seller: str = "ann") -> CancelListing:
    return CancelListing(command_id=f"cancel-{token}-{seller}", issued_at=T,
                         collection_id="ships", token_id=token, seller_id=seller)


def run(*commands: Any) -> Stream[CollectionState]:
    stream = Stream.empty(COLLECTION)
    for command in commands:
        stream = handle(COLLECTION, stream, command).unwrap()[0]
    return stream


def test_opening_computes_the_minimum_listing_price() -> None:
    _, (opened,) = handle(COLLECTION, Stream.empty(COLLECTION), OPEN).unwrap()
    assert isinstance(opened, CollectionOpened)
    # 163 cents: fee ceil(4.075) = 5, royalty floor(8.15) = 8, fixed 50 -> 100 left;
    # 162 cents: 5 + 8 + 50 -> 99 < 100.
    assert opened.min_price == D("1.63")
    assert (opened.mint_base, opened.max_supply, opened.minor_unit) == (D("10.00"), 2, 2)
    twice = handle(COLLECTION, run(OPEN), attrs.evolve(OPEN, command_id="open-2")).failure()
    assert (twice.code, twice.kind) == ("marketplace.collection_exists", ErrorKind.CONFLICT)
    # Without a minimum and fixed fee the computed minimum is 0: a listing still needs a cent.
    free = attrs.evolve(OPEN, terms=MarketplaceTerms(0, usd("0")), royalty_bps=0,
                        min_proceeds=usd("0"))
    (opened_free,) = handle(COLLECTION, Stream.empty(COLLECTION), free).unwrap()[1]
    assert isinstance(opened_free, CollectionOpened) and opened_free.min_price == D("0.01")


def test_the_last_token_of_the_max_supply() -> None:
    stream, (first,) = handle(COLLECTION, run(OPEN), mint("1")).unwrap()
    # Token 0 costs 10.00, the platform takes ceil(50.0) = 50 cents.
    assert isinstance(first, NFTMinted)
    assert (first.price, first.platform_fee, first.creator_proceeds) == (
        D("10.00"), D("0.50"), D("9.50"))
    # Token 1, the last of 2: 10.50, fee ceil(52.5) = 53 cents, creator 9.97.
    stream, (last,) = handle(COLLECTION, stream, mint("2", "bob")).unwrap()
    assert isinstance(last, NFTMinted)
    assert (last.price, last.platform_fee, last.creator_proceeds, last.owner_id) == (
        D("10.50"), D("0.53"), D("9.97"), "bob")
    sold_out = handle(COLLECTION, stream, mint("3")).failure()
    assert (sold_out.code, sold_out.kind) == ("marketplace.sold_out", ErrorKind.REJECTED)
    exists = handle(COLLECTION, run(OPEN, mint("1")), attrs.evolve(mint("1"), command_id="m")
                    ).failure()
    assert (exists.code, exists.kind) == ("marketplace.token_exists", ErrorKind.CONFLICT)


def test_a_listing_exactly_at_the_minimum_and_one_minor_unit_below() -> None:
    stream = run(OPEN, mint("1"))
    below = handle(COLLECTION, stream, listing("1", "1.62")).failure()
    assert (below.code, below.kind) == ("marketplace.below_minimum", ErrorKind.REJECTED)
    stream, (listed,) = handle(COLLECTION, stream, listing("1", "1.63")).unwrap()
    assert isinstance(listed, TokenListed) and listed.price == D("1.63")
    # Sold at the minimum, the seller keeps exactly the minimum proceeds.
    _, (sale,) = handle(COLLECTION, stream, purchase("1", "1.63")).unwrap()
    assert isinstance(sale, MarketplaceSale)
    assert (sale.platform_fee, sale.creator_royalty, sale.fixed_fee, sale.seller_proceeds) == (
        D("0.05"), D("0.08"), D("0.50"), D("1.00"))


def test_only_the_owner_lists_and_a_token_sells_once() -> None:
    stream = run(OPEN, mint("1"))
    thief = handle(COLLECTION, stream, listing("1", "50.00", seller="bob")).failure()
    assert (thief.code, thief.kind) == ("marketplace.not_owner", ErrorKind.REJECTED)
    stream = run(OPEN, mint("1"), listing("1", "50.00"))
    dupe = handle(COLLECTION, stream, listing("1", "60.00")).failure()
    assert (dupe.code, dupe.kind) == ("marketplace.already_listed", ErrorKind.CONFLICT)
    moved = handle(COLLECTION, stream, purchase("1", "49.99")).failure()
    assert (moved.code, moved.kind) == ("marketplace.price_changed", ErrorKind.CONFLICT)
    own = handle(COLLECTION, stream, purchase("1", "50.00", buyer="ann")).failure()
    assert (own.code, own.kind) == ("marketplace.own_token", ErrorKind.REJECTED)
    # 5000 cents: fee ceil(125) = 125, royalty 250, fixed 50, seller 4575.
    buy = purchase("1", "50.00")
    stream, (sale,) = handle(COLLECTION, stream, buy).unwrap()
    assert isinstance(sale, MarketplaceSale)
    assert (sale.seller_id, sale.buyer_id, sale.creator_id, sale.seller_proceeds) == (
        "ann", "bob", "studio", D("45.75"))
    assert stream.state.owner("1") == "bob" and "1" not in stream.state.listings
    assert handle(COLLECTION, stream, buy).unwrap() == (stream, ())
    second = handle(COLLECTION, stream, purchase("1", "50.00", buyer="cat")).failure()
    assert (second.code, second.kind) == ("marketplace.not_listed", ErrorKind.REJECTED)
    # The new owner may sell it on; the old one no longer can.
    assert handle(COLLECTION, stream, listing("1", "80.00", seller="ann")).failure().code == (
        "marketplace.not_owner")
    assert handle(COLLECTION, stream, listing("1", "80.00", seller="bob")).unwrap()[1]


def test_a_cancelled_listing_cannot_be_bought() -> None:
    stream = run(OPEN, mint("1"), listing("1", "20.00"))
    assert handle(COLLECTION, stream, withdrawal("1", "bob")).failure().code == (
        "marketplace.not_owner")
    stream, (cancelled,) = handle(COLLECTION, stream, withdrawal("1")).unwrap()
    assert isinstance(cancelled, ListingCancelled)
    gone = handle(COLLECTION, stream, purchase("1", "20.00")).failure()
    assert (gone.code, gone.kind) == ("marketplace.not_listed", ErrorKind.REJECTED)
    again = handle(COLLECTION, stream, attrs.evolve(withdrawal("1"), command_id="c2")).failure()
    assert again.code == "marketplace.not_listed"


def test_refusals_have_kinds() -> None:
    closed = handle(COLLECTION, Stream.empty(COLLECTION), mint("1")).failure()
    assert (closed.code, closed.kind) == ("marketplace.no_collection", ErrorKind.NOT_FOUND)
    ghost = handle(COLLECTION, run(OPEN), listing("9", "20.00")).failure()
    assert (ghost.code, ghost.kind) == ("marketplace.no_token", ErrorKind.NOT_FOUND)
    bad = ListToken(command_id="x", issued_at=datetime(2026, 1, 1), collection_id="ships",
                    token_id="", seller_id="ann", price=usd("0.001"))
    error = handle(COLLECTION, run(OPEN, mint("1")), bad).failure()
    assert (error.code, error.kind) == ("marketplace.invalid_command", ErrorKind.INVALID)
    assert error.codes() == ("revenue.naive_time", "revenue.empty_name",
                             "revenue.not_minor_units")
    euro = attrs.evolve(listing("1", "20.00"), price=Money(D("20.00"), EUR))
    assert handle(COLLECTION, run(OPEN, mint("1")), euro).failure().code == (
        "money.currency_mismatch")
    mixed = attrs.evolve(OPEN, min_proceeds=Money(D("1"), EUR), royalty_bps=10_001)
    assert handle(COLLECTION, Stream.empty(COLLECTION), mixed).failure().codes() == (
        "money.currency_mismatch", "revenue.bps")
    other = attrs.evolve(mint("1"), collection_id="boats")
    assert handle(COLLECTION, run(OPEN), other).failure().code == "marketplace.wrong_collection"


@settings(max_examples=60)
@given(collection_commands(), st.data())
def test_snapshot_plus_tail_equals_full_replay(commands: list[Any], data: st.DataObject,
                                               ) -> None:
    laws.snapshot_plus_tail_is_full_replay(COLLECTION, commands, data)


@settings(max_examples=60)
@given(collection_commands(), st.data())
def test_a_command_id_twice_changes_nothing(commands: list[Any], data: st.DataObject) -> None:
    laws.a_command_seen_before_changes_nothing(COLLECTION, commands, data)


@given(collection_commands(max_size=8),
       hostile_commands(OpenCollection, MintToken, ListToken, CancelListing, BuyToken))
def test_decide_never_raises(commands: list[Any], hostile: Any) -> None:
    laws.decide_answers(COLLECTION, commands, hostile)


@settings(max_examples=60)
@given(collection_commands())
def test_decided_events_survive_the_codec(commands: list[Any]) -> None:
    laws.events_survive_the_codec(COLLECTION, commands)


@settings(max_examples=30)
@given(collection_commands(), hostile_contexts())
def test_independent_of_the_callers_context(commands: list[Any],
                                            context: decimal.Context) -> None:
    laws.independent_of_the_callers_context(COLLECTION, commands, context)


@settings(max_examples=80)
@given(collection_commands(max_size=30))
def test_ownership_follows_mints_and_sales(commands: list[Any]) -> None:
    stream, events = handled(COLLECTION, commands)
    owners: dict[str, str] = {}
    for event in events:
        if isinstance(event, NFTMinted):
            assert event.token_id not in owners
            owners[event.token_id] = event.owner_id
            assert event.price == event.platform_fee + event.creator_proceeds
        elif isinstance(event, TokenListed):
            assert owners[event.token_id] == event.seller_id
        elif isinstance(event, MarketplaceSale):
            assert owners[event.token_id] == event.seller_id != event.buyer_id
            owners[event.token_id] = event.buyer_id
            assert event.price == (event.platform_fee + event.creator_royalty + event.fixed_fee
                                   + event.seller_proceeds)
    state = stream.state
    assert dict(state.owners) == owners and state.minted == len(owners)
    assert state.terms is None or state.minted <= state.terms.pricing.max_supply
    assert all(token in owners for token in state.listings)
