"""NFT settlement: the issue's worked example, conservation, EIP-2981 royalty, minimum listing
price, mint curve and the events built from settlements."""

from __future__ import annotations

import decimal
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.money import EUR, USD, USDC, Money
from astratrade_core.revenue.commands import bps, raw_units, whole_units
from astratrade_core.revenue.marketplace import (
    MarketplaceTerms,
    MintPricing,
    minimum_listing_price,
    settle_mint,
    settle_sale,
    settle_units,
)
from astratrade_core.testing import hostile_contexts, royalty_bps

D = Decimal
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def usd(text: str) -> Money:
    return Money(D(text), USD)


def test_issue_example_conserves_price() -> None:
    # 1000 * 250 / 10000 = 25; 1000 * 500 / 10000 = 50; 1000 - 25 - 50 - 5 = 920.
    terms = MarketplaceTerms.of(250, usd("5")).unwrap()
    s = settle_sale(usd("1000"), terms, 500).unwrap()
    assert (s.platform_fee, s.creator_royalty, s.fixed_fee, s.seller_proceeds) == (
        usd("25"), usd("50"), usd("5"), usd("920"))
    event = s.to_event(event_id="e", stream_id="nft-1", occurred_at=T0, token_id="1",
                       collection_id="c", seller_id="s", buyer_id="b", creator_id="cr")
    assert event.creator_royalty == D("50.00") and event.seller_proceeds == D("920.00")
    assert event.price == event.platform_fee + event.creator_royalty + event.fixed_fee + (
        event.seller_proceeds)


def test_rounding_directions() -> None:
    # 999 units: platform 999*250/10000 = 24.975 -> up to 25; royalty 999*500/10000 = 49.95 ->
    # down to 49 (EIP-2981 integer division); seller 999 - 25 - 49 - 5 = 920.
    assert settle_units(999, 250, 500, 5).unwrap() == (25, 49, 5, 920)
    # A 2.5 % royalty on 39 units is 0.975 -> 0: EIP-2981 pays nothing below 40 units.
    assert settle_units(39, 0, 250, 0).unwrap() == (0, 0, 0, 39)
    assert settle_units(10, 250, 500, 10).failure().code == "marketplace.price_below_costs"


def test_sale_failures() -> None:
    terms = MarketplaceTerms(250, usd("5"))
    assert settle_sale(Money(D(1000), EUR), terms, 0).failure().code == "money.currency_mismatch"
    assert settle_sale(usd("1000"), terms, 10_001).failure().code == "marketplace.bps"
    assert settle_sale(usd("1000"), terms, 9_751).failure().code == "marketplace.bps_total"
    assert settle_sale(usd("10.001"), terms, 0).failure().code == "marketplace.amount"
    assert settle_sale(usd("-1"), terms, 0).failure().code == "marketplace.amount"
    assert settle_sale(usd("4.99"), terms, 0).failure().code == "marketplace.price_below_costs"
    assert MarketplaceTerms.of(True, usd("0")).failure().codes() == ("marketplace.bps",)


def test_minimum_listing_price_worked() -> None:
    # 2.5 % + 5 % royalty + 0.05 fixed, seller wants >= 0.01: at 7 cents the fee is
    # ceil(0.175) = 1, royalty floor(0.35) = 0, seller 7 - 1 - 0 - 5 = 1; at 6 cents 0.
    terms = MarketplaceTerms(250, usd("0.05"))
    assert minimum_listing_price(terms, 500, usd("0.01")).unwrap() == usd("0.07")
    # No fees: the minimum is the minimum itself.
    assert minimum_listing_price(MarketplaceTerms(0, usd("0")), 0, usd("3")).unwrap() == usd("3")
    assert minimum_listing_price(terms, 9_750, usd("1")).failure().code == "marketplace.bps_total"
    assert minimum_listing_price(terms, -1, usd("1")).failure().code == "marketplace.bps"
    assert minimum_listing_price(terms, 0, Money(D(1), EUR)).failure().code == (
        "money.currency_mismatch")


@given(st.integers(0, 10**30), royalty_bps(), st.integers(0, 10**6))
def test_settlement_conserves_price(price: int, bps: tuple[int, int], fixed: int) -> None:
    platform_bps, creator_bps = bps
    result = settle_units(price, platform_bps, creator_bps, fixed)
    exact_fee = Fraction(price * platform_bps, 10_000)
    exact_royalty = Fraction(price * creator_bps, 10_000)
    if price * (10_000 - platform_bps - creator_bps) >= 10_000 * (fixed + 1):
        fee, royalty, fixed_part, seller = result.unwrap()
        assert fee + royalty + fixed_part + seller == price
        assert exact_fee <= fee < exact_fee + 1
        assert exact_royalty - 1 < royalty <= exact_royalty
        assert seller >= 0 and fixed_part == fixed


@given(royalty_bps().filter(lambda b: sum(b) < 10_000), st.integers(0, 10**4),
       st.integers(0, 10**6))
def test_minimum_listing_price_is_tight(bps: tuple[int, int], fixed: int,
                                        minimum: int) -> None:
    platform_bps, creator_bps = bps
    terms = MarketplaceTerms(platform_bps, Money.from_minor_units(fixed, USDC))
    price = minimum_listing_price(terms, creator_bps,
                                  Money.from_minor_units(minimum, USDC)).unwrap().minor_units

    def proceeds(p: int) -> int:
        return settle_units(p, platform_bps, creator_bps, 0).unwrap()[3] - fixed

    for p in range(price, price + 300):
        assert proceeds(p) >= minimum
    if price > 0:
        assert proceeds(price - 1) < minimum


def test_mint_curve_worked() -> None:
    # Tokens #4, #5, #6 at 10.00 + k * 0.50: 12.00 + 12.50 + 13.00 = 37.50; 5 % fee =
    # 1.875 -> 1.88 (platform's favour); creator 37.50 - 1.88 = 35.62.
    curve = MintPricing.of(usd("10"), usd("0.50"), 100, 500).unwrap()
    s = settle_mint(curve, 4, 3).unwrap()
    assert (s.price, s.platform_fee, s.creator_proceeds) == (usd("37.50"), usd("1.88"),
                                                             usd("35.62"))
    event = s.to_event(event_id="e", stream_id="nft-9", occurred_at=T0, token_id="9",
                       collection_id="c", creator_id="cr", owner_id="o")
    assert event.price == event.platform_fee + event.creator_proceeds
    assert settle_mint(curve, 98, 3).failure().code == "marketplace.sold_out"
    assert settle_mint(curve, 0, 0).failure().code == "marketplace.mint_count"
    assert settle_mint(curve, -1, 1).failure().code == "marketplace.mint_count"
    assert MintPricing.of(usd("1.001"), usd("0"), 1, 0).failure().codes() == (
        "marketplace.amount",)


@given(st.integers(0, 10**6), st.integers(0, 10**4), st.integers(0, 50), st.integers(1, 20),
       st.integers(0, 10_000))
def test_mint_cost_equals_sum_of_token_prices(base: int, step: int, minted: int, count: int,
                                              bps: int) -> None:
    curve = MintPricing(Money.from_minor_units(base, USD), Money.from_minor_units(step, USD),
                        1000, bps)
    s = settle_mint(curve, minted, count).unwrap()
    assert s.price.minor_units == sum(base + k * step for k in range(minted, minted + count))
    assert s.platform_fee.minor_units + s.creator_proceeds.minor_units == s.price.minor_units
    assert s.platform_fee.minor_units * 10_000 >= s.price.minor_units * bps


@given(st.integers(0, 10**9), royalty_bps(), hostile_contexts())
def test_independent_of_caller_context(cents: int, bps: tuple[int, int],
                                       ctx: decimal.Context) -> None:
    terms = MarketplaceTerms(bps[0], usd("0.05"))
    curve = MintPricing(usd("10"), usd("0.50"), 100, bps[0])
    price = Money.from_minor_units(cents, USD)

    def events() -> object:
        sale = settle_sale(Money(D("1000"), USD), terms, bps[1])
        mint = settle_mint(curve, 3, 2)
        return (sale.map(lambda s: s.to_event(
                    event_id="e", stream_id="s", occurred_at=T0, token_id="t",
                    collection_id="c", seller_id="s", buyer_id="b", creator_id="c")),
                mint.map(lambda m: m.to_event(
                    event_id="e", stream_id="s", occurred_at=T0, token_id="t",
                    collection_id="c", creator_id="c", owner_id="o")))

    built = events()
    expected = (settle_sale(price, terms, bps[1]), settle_units(cents, *bps, 5),
                minimum_listing_price(terms, bps[1], price), settle_mint(curve, 3, 2),
                MarketplaceTerms.of(bps[0], usd("0.05")),
                MintPricing.of(usd("10"), usd("0.50"), 100, bps[0]))
    with decimal.localcontext(ctx):
        assert (settle_sale(price, terms, bps[1]), settle_units(cents, *bps, 5),
                minimum_listing_price(terms, bps[1], price), settle_mint(curve, 3, 2),
                MarketplaceTerms.of(bps[0], usd("0.05")),
                MintPricing.of(usd("10"), usd("0.50"), 100, bps[0])) == expected
        assert events() == built


def test_floats_and_huge_bounds_are_refused_not_stored() -> None:
    # Totality (tests/test_totality.py): bps(0.0) and raw_units(0.0) answered Success(0.0),
    # MarketplaceTerms.of / MintPricing.of stored float bps and supplies, settle_units returned
    # float parts for a float fixed fee, and whole_units with a 5000-digit minimum raised
    # ValueError (int -> str limit) while formatting its message
    assert bps(0.0, "royalty_bps").failure().code == "revenue.bps"  # type: ignore[arg-type]
    assert raw_units(0.0, "amount").failure().code == "revenue.units"  # type: ignore[arg-type]
    assert raw_units(1, "amount", maximum=10**5000).failure().code == "revenue.units"
    zero = Money(Decimal("0"), USD)
    assert whole_units(zero, "price", minimum=10**5000).failure().code == "revenue.units"
    assert MarketplaceTerms.of(0.0, zero).failure().codes() == ("marketplace.bps",)  # type: ignore[arg-type]
    one = Money(Decimal("1"), USD)
    assert "marketplace.max_supply" in MintPricing.of(one, one, 4.1e16, 10).failure().codes()  # type: ignore[arg-type]
    assert "marketplace.bps" in MintPricing.of(one, one, 10, 0.1).failure().codes()  # type: ignore[arg-type]
    assert settle_units(2, 148501, 0, -2.9e288).failure().code == "marketplace.amount"  # type: ignore[arg-type]
    assert settle_units(1000, 250, 500, 5).unwrap() == (25, 50, 5, 920)
