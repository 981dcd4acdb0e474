"""The wad liquidation price at its edges: the maintenance amount (every bracket past the
first has one), a maintenance rate at one wad, a long whose cover exactly meets its notional,
and every intermediate exactly at 2**256 - 1; the initial margin's limits met exactly, with
their full errors.  Found by `make mutate` (trading): the worked examples all had a zero
maintenance amount and intermediates far from the u256 limit."""

from __future__ import annotations

import decimal
import math
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

from astratrade_core.errors import DomainError
from astratrade_core.instrument import Instrument, margin_tiers
from astratrade_core.money import BTC, USD
from astratrade_core.numeric import CONTEXT, U256_MAX, WAD
from astratrade_core.testing import around, around_ints
from astratrade_core.trading.margin import (
    cross_liquidation_price,
    initial_margin,
    isolated_liquidation_price,
    isolated_liquidation_price_wad,
    round_liquidation_price,
)

D = Decimal


def _exact(quantity: int, entry: int, margin: int, rate: int, amount: int, *,
           is_long: bool) -> int:
    """The documented formula on exact fractions, rounded toward the entry."""
    cover = Fraction((margin + amount) * WAD)
    if is_long:
        if quantity * entry <= cover:
            return 0
        return math.ceil((quantity * entry - cover) * WAD / (quantity * (WAD - rate)))
    return math.floor((quantity * entry + cover) * WAD / (quantity * (WAD + rate)))


@given(quantity=st.integers(1, 10**20), entry=st.integers(1, 10**24),
       margin=st.integers(0, 10**24), rate=around_ints(0) | around_ints(WAD // 100)
       | st.integers(0, WAD - 1), amount=st.integers(0, 10**24), is_long=st.booleans())
def test_wad_price_is_the_exact_formula_rounded_toward_the_entry(
        *, quantity: int, entry: int, margin: int, rate: int, amount: int, is_long: bool) -> None:
    rate = max(rate, 0)
    got = isolated_liquidation_price_wad(quantity, entry, margin, rate, amount, is_long=is_long)
    assert got == Success(_exact(quantity, entry, margin, rate, amount, is_long=is_long))


@given(around_ints(WAD), st.booleans())
def test_a_maintenance_rate_of_one_wad_is_refused(rate: int, is_long: bool) -> None:
    got = isolated_liquidation_price_wad(WAD, 100 * WAD, 10 * WAD, rate, 0, is_long=is_long)
    if rate >= WAD:
        assert isinstance(got, Failure)
        error = got.failure()
        assert (error.code, error.message) == (
            "margin.wad_input", "quantity must be positive and mmr below one wad")
    else:
        assert isinstance(got, Success)


@given(st.integers(-1, 1))
def test_a_long_covered_exactly_has_no_liquidation_price(offset: int) -> None:
    """Notional 100 * quantity; cover (margin + amount) at, just below, just above it."""
    quantity, entry = 2 * WAD, 50 * WAD
    margin = 60 * WAD + offset
    got = isolated_liquidation_price_wad(quantity, entry, margin, WAD // 100, 40 * WAD,
                                         is_long=True)
    if offset >= 0:
        assert got == Success(0)
    else:
        assert got == Success(_exact(quantity, entry, margin, WAD // 100, 40 * WAD, is_long=True))
        assert got.unwrap() > 0


def test_inputs_outside_u256_are_refused_with_their_error() -> None:
    for bad in (-1, U256_MAX + 1):
        error = isolated_liquidation_price_wad(WAD, bad, WAD, 0, 0, is_long=True).failure()
        assert (error.code, error.message) == ("margin.wad_input", "every input must be a u256")


def _overflow(got: object) -> bool:
    return isinstance(got, Failure) and (got.failure().code, got.failure().message) == (
        "numeric.overflow", "intermediate exceeds u256")


def test_each_intermediate_is_checked_at_exactly_u256_max() -> None:
    # base = quantity * entry exactly U256_MAX: allowed; one more: refused.
    cover_units = U256_MAX // WAD
    at = isolated_liquidation_price_wad(1, U256_MAX, cover_units, 0, 0, is_long=True)
    assert at == Success(_exact(1, U256_MAX, cover_units, 0, 0, is_long=True))
    assert _overflow(isolated_liquidation_price_wad(2, U256_MAX // 2 + 1, 0, 0, 0,
                                                    is_long=True))
    # cover = (margin + amount) * WAD past U256_MAX, base small: refused.
    assert _overflow(isolated_liquidation_price_wad(1, 1, cover_units, 0, 1, is_long=False))
    # denominator = quantity * (WAD + mmr) past U256_MAX, base and cover small enough.
    big_quantity = U256_MAX // WAD
    assert _overflow(isolated_liquidation_price_wad(big_quantity, 1, 0, WAD - 1, 0,
                                                    is_long=False))
    # short numerator = base + cover exactly U256_MAX: allowed; one more: refused.
    entry = U256_MAX - WAD
    at = isolated_liquidation_price_wad(1, entry, 1, WAD // 100, 0, is_long=False)
    assert at == Success(_exact(1, entry, 1, WAD // 100, 0, is_long=False))
    assert _overflow(isolated_liquidation_price_wad(1, entry + 1, 1, WAD // 100, 0,
                                                    is_long=False))


BTCUSD = Instrument.of(
    "BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001", max_leverage="125",
    tiers=margin_tiers([("0", "50000", "125", "0.004"),
                        ("50000", None, "100", "0.005")]).unwrap()).unwrap()
STEEP = Instrument.of("X", BTC, USD, tick_size="0.1", lot_size="0.001", max_leverage="10",
                      tiers=margin_tiers([("0", None, "10", "0.2")]).unwrap()).unwrap()


def test_initial_margin_reports_every_bad_input_by_field() -> None:
    error = initial_margin(BTCUSD, D("NaN"), D("0"), D("0.5")).failure()
    assert error.code == "margin.invalid"
    assert [(c.code, c.message, dict(c.fields)) for c in error.causes] == [
        ("numeric.not_finite", "quantity: NaN and infinity are not allowed",
         {"field": "quantity", "value": "Decimal('NaN')"}),
        ("numeric.not_positive", "price: must be greater than zero", {"field": "price"}),
        ("margin.leverage", "leverage: must be at least 1", {"leverage": "0.5"})]
    error = initial_margin(BTCUSD, D("Infinity"), D("-1"), D("Infinity")).failure()
    assert [c.fields["field"] for c in error.causes] == ["quantity", "price", "leverage"]


@given(around(125, places=1))
def test_the_instruments_max_leverage_is_allowed_exactly(leverage: Decimal) -> None:
    got = initial_margin(BTCUSD, D("0.001"), D("30000"), leverage)
    if leverage <= 125:
        assert got == Success(CONTEXT.divide(D("30"), leverage))
    else:
        assert got == Failure(DomainError.rejected(
            "margin.max_leverage", "leverage must be in [1, 125]", leverage=leverage,
            limit=D("125")))


@given(st.sampled_from(["49999.9", "50000", "50000.1"]))
def test_the_tier_cap_applies_from_the_tier_floor(notional: str) -> None:
    quantity = CONTEXT.divide(D(notional), D("100"))
    got = initial_margin(BTCUSD, quantity, D("100"), D("125"))
    if D(notional) < 50000:
        assert isinstance(got, Success)
    else:
        size = CONTEXT.multiply(quantity, D("100"))
        assert got == Failure(DomainError.rejected(
            "margin.tier_leverage", f"notional {size} allows at most 100x", leverage=D("125"),
            limit=D("100"), notional=size))


@given(around(5, places=2))
def test_a_position_liquidated_on_opening_is_refused_at_equality(leverage: Decimal) -> None:
    """Maintenance rate 0.2: at 5x the margin equals the maintenance margin exactly."""
    got = initial_margin(STEEP, D("1"), D("50000"), leverage)
    if leverage < 5:
        assert isinstance(got, Success)
    else:
        assert got.failure().code == "margin.liquidated_on_open"


def test_a_position_at_its_maintenance_margin_has_no_isolated_liquidation_price() -> None:
    # 1 BTC at 50000 with mmr 0.2: maintenance 10000; a margin of exactly 10000 is refused
    error = isolated_liquidation_price(STEEP, D("1"), D("50000"), D("10000")).failure()
    assert error == DomainError.rejected(
        "margin.liquidated_on_open", "the position would be liquidated on opening: margin "
        "10000 does not exceed the maintenance margin 10000.0 at the entry 50000",
        margin=D("10000"), maintenance=D("10000.0"), entry_price=D("50000"))
    assert isinstance(isolated_liquidation_price(STEEP, D("1"), D("50000"), D("10000.1")),
                      Success)


def test_cross_wallet_balance_is_reported_by_field() -> None:
    error = cross_liquidation_price(BTCUSD, D("1"), D("30000"), D("NaN")).failure()
    assert [(c.code, c.fields["field"]) for c in error.causes] == [
        ("numeric.not_finite", "wallet_balance")]


@given(around(0, places=2), st.sampled_from(["45226.1306", "54726.3681"]))
def test_display_rounding_is_up_only_for_a_long(quantity: Decimal, price: str) -> None:
    """A long (quantity > 0) rounds up; a short, and a flat quantity, round down."""
    got = round_liquidation_price(D(price), quantity, 2)
    expected = D(price).quantize(D("0.01"), decimal.ROUND_CEILING if quantity > 0
                                 else decimal.ROUND_FLOOR)
    assert got == expected


def test_a_price_that_the_tick_rounds_onto_the_entry_is_refused() -> None:
    # (50000 - 10000.01) / 0.8 = 49999.9875, rounded up to the 0.1 tick: the entry itself
    error = isolated_liquidation_price(STEEP, D("1"), D("50000"), D("10000.01")).failure()
    assert error == DomainError.rejected(
        "margin.liquidated_on_open", "the liquidation price 50000.0, rounded to the tick 0.1, "
        "reaches the entry 50000: the position is within one tick of liquidation on opening",
        liquidation_price=D("50000.0"), entry_price=D("50000"), tick_size=D("0.1"))
    exact = isolated_liquidation_price(STEEP, D("1"), D("50000"), D("10000.01"), to_tick=False)
    assert exact.unwrap().unwrap() == D("49999.9875")


def test_initial_margin_names_a_non_finite_price() -> None:
    error = initial_margin(BTCUSD, D("1"), D("NaN"), D("2")).failure()
    assert [(c.code, c.fields["field"]) for c in error.causes] == [
        ("numeric.not_finite", "price")]


@given(around(0, places=2))
def test_an_isolated_margin_below_zero_is_refused_by_field(margin: Decimal) -> None:
    """Zero margin is a (refused-on-opening) position; one cent below zero is invalid input."""
    got = isolated_liquidation_price(STEEP, D("1"), D("50000"), margin)
    if margin >= 0:
        assert not (isinstance(got, Failure) and got.failure().code == "margin.invalid")
    else:
        assert got == Failure(DomainError.all_of("margin.invalid", [DomainError.invalid(
            "numeric.negative", "margin: must not be negative", field="margin")]))


@given(st.sampled_from(["0.09", "0.1", "0.11"]))
def test_a_tick_coarser_than_the_entry_is_refused_with_both_values(entry: str) -> None:
    """Tick 0.1: an entry at exactly the tick is allowed; one below it is refused."""
    got = isolated_liquidation_price(STEEP, D("1"), D(entry), D("1"))
    if D(entry) >= D("0.1"):
        assert not (isinstance(got, Failure) and got.failure().code == "margin.invalid")
    else:
        assert got == Failure(DomainError.all_of("margin.invalid", [DomainError.invalid(
            "margin.tick_too_coarse", f"tick size 0.1 is coarser than the entry price {entry}",
            tick_size=D("0.1"), entry_price=D(entry))]))


def test_a_long_checks_base_and_cover_before_it_subtracts() -> None:
    """Cairo forms every checked product before any early return: a long whose base
    overflows is refused even when base - cover would fit, and one whose cover overflows is
    refused even when base <= cover would answer 0."""
    cover_units = U256_MAX // WAD
    # base = 2 * 2**255 = 2**256, cover = 1 wad: base - cover fits, base does not.
    assert _overflow(isolated_liquidation_price_wad(2, U256_MAX // 2 + 1, 1, 0, 0,
                                                    is_long=True))
    # cover one wad past the largest that fits, base tiny: refused, not "no price"; at the
    # largest that fits, the long is covered (0).
    assert _overflow(isolated_liquidation_price_wad(1, 1, cover_units + 1, 0, 0, is_long=True))
    assert _overflow(isolated_liquidation_price_wad(1, 1, cover_units, 0, 1, is_long=True))
    assert isolated_liquidation_price_wad(1, 1, cover_units, 0, 0, is_long=True) == Success(0)


def test_non_finite_quantity_entry_and_margin_are_named() -> None:
    assert isolated_liquidation_price(STEEP, D("0"), D("0"), D("1")) == Failure(
        DomainError.all_of("margin.invalid", [
            DomainError.invalid("margin.zero_quantity",
                                "quantity: a position must hold something"),
            DomainError.invalid("numeric.not_positive", "entry_price: must be greater than zero",
                                field="entry_price")]))
    assert isolated_liquidation_price(STEEP, D("-Infinity"), D("NaN"), D("Infinity")) == Failure(
        DomainError.all_of("margin.invalid", [
            DomainError.invalid("numeric.not_finite", "quantity: NaN and infinity are not allowed",
                                value="Decimal('-Infinity')", field="quantity"),
            DomainError.invalid("numeric.not_finite",
                                "entry_price: NaN and infinity are not allowed",
                                value="Decimal('NaN')", field="entry_price"),
            DomainError.invalid("numeric.not_finite", "margin: NaN and infinity are not allowed",
                                value="Decimal('Infinity')", field="margin")]))
