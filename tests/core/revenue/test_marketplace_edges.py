"""Marketplace bounds at their edges: basis points at 0, 10000 and one past; a platform fee and
royalty adding up to exactly 100 %; a price that exactly covers the costs; the minimum listing
price as the least price from which every sale leaves the seller enough.  Found by
`make mutate` (revenue)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

from astratrade_core.errors import DomainError
from astratrade_core.events import MarketplaceSale, NFTMinted
from astratrade_core.money import EUR, USD, Money
from astratrade_core.revenue.marketplace import (
    BPS,
    MarketplaceTerms,
    MintPricing,
    minimum_listing_price,
    settle_mint,
    settle_sale,
    settle_units,
)
from astratrade_core.testing import around_ints


def _usd(units: int) -> Money:
    return Money.from_minor_units(units, USD)


@given(around_ints(0) | around_ints(BPS))
def test_basis_points_run_from_0_to_10000(value: int) -> None:
    got = MarketplaceTerms.of(value, _usd(0))
    if 0 <= value <= BPS:
        assert got == Success(MarketplaceTerms(value, _usd(0)))
    else:
        (cause,) = got.failure().causes or (got.failure(),)
        assert cause == DomainError.invalid(
            "marketplace.bps", "platform_fee_bps must be an integer in 0..10000",
            field="platform_fee_bps", bps=value)


@given(around_ints(BPS))
def test_fee_and_royalty_may_take_exactly_everything(total: int) -> None:
    terms = MarketplaceTerms(2_500, _usd(0))
    got = settle_sale(_usd(1_000), terms, total - 2_500)
    if total <= BPS:
        parts = got.unwrap()
        assert parts.seller_proceeds.amount >= 0
    else:
        assert got == Failure(DomainError.invalid(
            "marketplace.bps_total", "platform fee and royalty exceed 100 %",
            platform_bps=2_500, royalty_bps=total - 2_500))


@given(st.integers(-1, 1))
def test_a_price_that_exactly_covers_the_costs(offset: int) -> None:
    # at 1000: 2.5 % (ceil) = 25 and 5 % (floor) = 50; a fixed fee of 925 + offset leaves
    # the seller exactly -offset
    price = 1000
    fixed = 925 + offset
    got = settle_units(price, 250, 500, fixed)
    fee, royalty = 25, 50
    seller = price - fee - royalty - fixed
    if seller >= 0:
        assert got == Success((fee, royalty, fixed, seller))
    else:
        assert got == Failure(DomainError.rejected(
            "marketplace.price_below_costs", "the price does not cover fees and royalty",
            price=price, costs=fee + royalty + fixed))


def _proceeds(price: int, fee_bps: int, royalty_bps: int, fixed: int) -> int | None:
    got = settle_units(price, fee_bps, royalty_bps, fixed)
    return got.unwrap()[3] if isinstance(got, Success) else None


@given(fee_bps=st.sampled_from([0, 1, 250, 9_999]), royalty_bps=st.sampled_from([0, 1, 500]),
       fixed=st.sampled_from([0, 1, 5]), minimum=st.sampled_from([0, 1, 7, 100]))
def test_minimum_listing_price_is_the_least_safe_price(
        *, fee_bps: int, royalty_bps: int, fixed: int, minimum: int) -> None:
    terms = MarketplaceTerms(fee_bps, _usd(fixed))
    got = minimum_listing_price(terms, royalty_bps, _usd(minimum))
    if fee_bps + royalty_bps >= BPS:
        assert got.failure().code == "marketplace.bps_total"
        return
    price = got.unwrap().minor_units
    for p in range(price, price + 300):
        proceeds = _proceeds(p, fee_bps, royalty_bps, fixed)
        assert proceeds is not None and proceeds >= minimum, p
    if price > 0:
        below = _proceeds(price - 1, fee_bps, royalty_bps, fixed)
        assert below is None or below < minimum


@given(around_ints(BPS))
def test_listing_needs_something_left_for_the_seller(total: int) -> None:
    terms = MarketplaceTerms(5_000, _usd(0))
    got = minimum_listing_price(terms, total - 5_000, _usd(1))
    if total < BPS:
        assert isinstance(got, Success)
    else:
        assert got == Failure(DomainError.invalid(
            "marketplace.bps_total", "fees leave nothing for the seller", platform_bps=5_000,
            royalty_bps=total - 5_000))


U128_MAX = 2**128 - 1


@given(around_ints(1) | around_ints(U128_MAX))
def test_max_supply_runs_from_1_to_u128_max(supply: int) -> None:
    got = MintPricing.of(_usd(100), _usd(10), supply, 250)
    if 1 <= supply <= U128_MAX:
        assert got == Success(MintPricing(_usd(100), _usd(10), supply, 250))
    else:
        assert [(c.code, c.fields["max_supply"]) for c in got.failure().causes] == [
            ("marketplace.max_supply", str(supply))]


def test_a_bad_curve_reports_every_field() -> None:
    eur = Money.from_minor_units(10, EUR)
    error = MintPricing.of(_usd(-1), eur, 0, 10_001).failure()
    assert error.code == "marketplace.mint_pricing"
    assert [(c.code, c.fields.get("field"), c.fields.get("right")) for c in error.causes] == [
        ("money.currency_mismatch", None, "EUR"), ("marketplace.amount", "base", None),
        ("marketplace.max_supply", None, None), ("marketplace.bps", "platform_fee_bps", None)]
    error = MintPricing.of(_usd(1), Money.of("0.001", USD).unwrap(), 1, 0).failure()
    assert [(c.code, c.fields.get("field")) for c in error.causes] == [
        ("marketplace.amount", "step")]


@given(around_ints(10))
def test_minting_may_reach_the_supply_exactly(total: int) -> None:
    curve = MintPricing(_usd(100), _usd(10), 10, 250)
    got = settle_mint(curve, minted=total - 3, count=3)
    if total <= 10:
        assert isinstance(got, Success)
    else:
        assert got == Failure(DomainError.rejected(
            "marketplace.sold_out", "mint count exceeds the remaining supply",
            minted=total - 3, count=3, max_supply=10))


@given(around_ints(0))
def test_mint_counts_must_be_non_negative(value: int) -> None:
    curve = MintPricing(_usd(100), _usd(10), 10, 250)
    got = settle_mint(curve, minted=value, count=1)
    if value >= 0:
        assert isinstance(got, Success)
    else:
        assert got == Failure(DomainError.invalid(
            "marketplace.mint_count", "minted must be a non-negative integer", field="minted",
            value=value))


def test_currencies_must_match_and_the_sale_names_both() -> None:
    eur = Money.from_minor_units(1000, EUR)
    terms = MarketplaceTerms(250, _usd(0))
    assert settle_sale(eur, terms, 0) == Failure(DomainError.invalid(
        "money.currency_mismatch", "sale in another currency", left="USD", right="EUR"))
    assert minimum_listing_price(terms, 0, eur) == Failure(DomainError.invalid(
        "money.currency_mismatch", "minimum in another currency", left="USD", right="EUR"))
    error = settle_sale(_usd(1000), terms, 10_001).failure()
    assert [(c.code, c.fields["field"]) for c in error.causes or (error,)] == [
        ("marketplace.bps", "royalty_bps")]
    error = minimum_listing_price(MarketplaceTerms(-1, _usd(-1)), 0, _usd(1)).failure()
    assert error.code == "marketplace.listing"


@given(st.sampled_from(["-0.01", "0", "0.001", "0.01"]))
def test_a_fixed_fee_is_a_non_negative_whole_number_of_cents(fee: str) -> None:
    got = MarketplaceTerms.of(250, Money(Decimal(fee), USD))
    if fee in ("0", "0.01"):
        assert isinstance(got, Success)
    else:
        [cause] = got.failure().causes
        assert (cause.code, cause.fields["field"], Decimal(cause.fields["amount"])) == (
            "marketplace.amount", "fixed_fee", Decimal(fee))


@given(around_ints(0) | around_ints(2**256 - 1))
def test_a_settled_price_is_a_u256_integer(price: int) -> None:
    got = settle_units(price, 0, 0, 0)
    if 0 <= price < 2**256:
        assert got == Success((0, 0, 0, price))
    else:
        assert got == Failure(DomainError.invalid("marketplace.amount", "price out of range",
                                                  price=price))


def test_settlement_events_carry_every_amount_and_id() -> None:
    """100 USD at a 2.5 % platform fee, a 1 USD fixed fee and a 5 % royalty: 2.50 + 5.00 +
    1.00, 91.50 to the seller; 3 mints after 4 on a 10 + 0.50 curve at 5 %: 12.00 + 12.50 +
    13.00 = 37.50, a fee of 1.875 rounded to 1.88, 35.62 to the creator."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    terms = MarketplaceTerms(250, Money.of("1", USD).unwrap())
    sale = settle_sale(Money.of("100", USD).unwrap(), terms, 500).unwrap()
    assert sale.to_event(event_id="e", stream_id="st", occurred_at=at, token_id="t",
                         collection_id="c", seller_id="s", buyer_id="b",
                         creator_id="k") == MarketplaceSale(
        event_id="e", stream_id="st", occurred_at=at, token_id="t", collection_id="c",
        seller_id="s", buyer_id="b", creator_id="k", currency="USD", price=Decimal("100"),
        platform_fee=Decimal("2.50"), creator_royalty=Decimal("5.00"), fixed_fee=Decimal("1.00"),
        seller_proceeds=Decimal("91.50"))
    mint = settle_mint(MintPricing(Money.of("10", USD).unwrap(), Money.of("0.50", USD).unwrap(),
                                   100, 500), minted=4,
                       count=3).unwrap()
    assert mint.to_event(event_id="e", stream_id="st", occurred_at=at, token_id="t",
                         collection_id="c", creator_id="k", owner_id="o") == NFTMinted(
        event_id="e", stream_id="st", occurred_at=at, token_id="t", collection_id="c",
        creator_id="k", owner_id="o", currency="USD", price=Decimal("37.50"),
        platform_fee=Decimal("1.88"), creator_proceeds=Decimal("35.62"))


@given(around_ints(BPS))
def test_checked_terms_are_the_terms_themselves_or_of_s_refusal(bps: int) -> None:
    fee = Money.of("1", USD).unwrap()
    raw = MarketplaceTerms(bps, fee)
    if 0 <= bps <= BPS:
        assert raw.checked() == Success(raw)
    else:
        assert isinstance(raw.checked(), Failure)
        assert raw.checked() == MarketplaceTerms.of(bps, fee)
