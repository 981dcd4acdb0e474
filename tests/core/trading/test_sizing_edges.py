"""Position sizing and Kelly at their edges: each input's allowed range tested exactly at its
ends and one unit beyond, the full error of each refusal (code, field, message), a zero edge,
and the instrument's limits met exactly.  Found by `make mutate` (trading)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

from astratrade_core.errors import DomainError
from astratrade_core.instrument import Instrument, margin_tiers
from astratrade_core.money import BTC, ETH, USD
from astratrade_core.testing import around, edges
from astratrade_core.trading.sizing import fixed_fractional_size, kelly_fraction

D = Decimal
ETHUSD = Instrument.of("ETHUSDT", ETH, USD, tick_size="0.01", lot_size="0.001",
                       min_quantity="0.01", min_notional="20", max_leverage="50").unwrap()
BTCUSD = Instrument.of(
    "BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001", min_quantity="0.001",
    min_notional="5", max_leverage="125",
    tiers=margin_tiers([("0", "50000", "125", "0.004"), ("50000", "250000", "100", "0.005"),
                        ("250000", None, "50", "0.01")]).unwrap(),
).unwrap()


def _causes(result: object) -> tuple[DomainError, ...]:
    assert isinstance(result, Failure), result
    error: DomainError = result.failure()
    return error.causes or (error,)


@given(edges([0, 1], places=4))
def test_kelly_win_rate_is_a_closed_unit_interval(p: Decimal) -> None:
    got = kelly_fraction(p, "2")
    if 0 <= p <= 1:
        assert isinstance(got, Success)
    else:
        (cause,) = _causes(got)
        assert cause == DomainError.invalid("sizing.win_rate", "win_rate: must be in [0, 1]",
                                            win_rate=p)


@given(edges([0, 1], places=4))
def test_kelly_multiplier_is_a_half_open_unit_interval(m: Decimal) -> None:
    got = kelly_fraction("0.6", "2", m)
    if 0 < m <= 1:
        assert isinstance(got, Success)
    else:
        (cause,) = _causes(got)
        assert cause == DomainError.invalid("sizing.multiplier", "multiplier: must be in (0, 1]",
                                            multiplier=m if m else D(0))


def test_kelly_reports_every_bad_input_by_field() -> None:
    error = kelly_fraction("x", "0", "y").failure()
    assert error.code == "sizing.invalid"
    assert [(c.code, c.fields["field"]) for c in error.causes] == [
        ("numeric.syntax", "win_rate"), ("numeric.not_positive", "payoff_ratio"),
        ("numeric.syntax", "multiplier")]


def test_kelly_at_a_zero_edge_is_exactly_zero() -> None:
    # p - (1 - p) / b = 0.5 - 0.5 / 1 = 0: no stake, written as a plain 0
    got = kelly_fraction("0.50", "1.0", "0.5").unwrap()
    assert (got, str(got)) == (D(0), "0")
    assert str(kelly_fraction("0.3", "1").unwrap()) == "0"


def test_sizing_reports_every_bad_input_by_field() -> None:
    error = fixed_fractional_size(ETHUSD, "0", "2", "-1", "x", fee_rate="1", leverage="0.5",
                                  available_balance="-1").failure()
    assert error.code == "sizing.invalid"
    assert [(c.code, c.fields.get("field")) for c in error.causes] == [
        ("numeric.not_positive", "balance"), ("sizing.risk_fraction", None),
        ("numeric.not_positive", "entry_price"), ("numeric.syntax", "stop_price"),
        ("sizing.fee_rate", None), ("sizing.leverage", None),
        ("numeric.negative", "available_balance")]
    assert (error.causes[1].message, error.causes[4].message) == (
        "risk_fraction: must be in (0, 1]", "fee_rate: must be below 1")


@given(around(1, places=4))
def test_fee_rate_must_stay_below_one(fee: Decimal) -> None:
    got = fixed_fractional_size(ETHUSD, "20000", "0.01", "3000", "2940", fee_rate=fee)
    if fee < 1:
        assert isinstance(got, Success)
    else:
        (cause,) = _causes(got)
        assert cause == DomainError.invalid("sizing.fee_rate", "fee_rate: must be below 1",
                                            fee_rate=fee)


@given(around(1, places=4))
def test_leverage_is_at_least_one(leverage: Decimal) -> None:
    got = fixed_fractional_size(ETHUSD, "20000", "0.01", "3000", "2940", leverage=leverage)
    if leverage >= 1:
        assert isinstance(got, Success)
    else:
        (cause,) = _causes(got)
        assert cause == DomainError.invalid("sizing.leverage", "leverage: must be at least 1",
                                            leverage=leverage)


def test_a_stop_at_the_entry_is_refused() -> None:
    error = fixed_fractional_size(ETHUSD, "20000", "0.01", "3000", "3000").failure()
    assert error.code == "sizing.invalid"
    assert error.causes == (DomainError.invalid(
        "sizing.stop_at_entry", "stop_price: must differ from entry_price"),)


@given(around(50, places=2))
def test_the_instruments_max_leverage_is_allowed_exactly(leverage: Decimal) -> None:
    got = fixed_fractional_size(ETHUSD, "20000", "0.01", "3000", "2940", leverage=leverage)
    if leverage <= 50:
        assert isinstance(got, Success)
    else:
        (cause,) = [c for c in _causes(got) if c.code == "sizing.max_leverage"]
        assert (cause.fields["leverage"], cause.fields["limit"]) == (str(leverage), "50")


@given(st.sampled_from(["0.009", "0.010", "0.011"]))
def test_min_quantity_is_met_exactly(quantity: str) -> None:
    # per unit 100 (3000 -> 2900, no fee); budget = quantity * 100 buys exactly `quantity`
    budget = D(quantity) * 100
    got = fixed_fractional_size(ETHUSD, budget * 1000, "0.001", "3000", "2900")
    if D(quantity) >= D("0.01"):
        assert got.unwrap().quantity == D(quantity)
    else:
        (cause,) = [c for c in _causes(got) if c.code == "sizing.min_quantity"]
        assert (D(cause.fields["quantity"]), cause.fields["limit"]) == (D(quantity), "0.01")


def test_a_budget_that_buys_no_lot_is_refused_without_a_minimum_quantity() -> None:
    bare = Instrument.of("ETHUSDT", ETH, USD, tick_size="0.01", lot_size="0.001").unwrap()
    assert bare.min_quantity == 0
    # budget 0.05 buys 0.0005 ETH at 100 per unit: 0 lots of 0.001
    causes = _causes(fixed_fractional_size(bare, "50", "0.001", "3000", "2900"))
    assert [(c.code, c.fields["quantity"]) for c in causes] == [("sizing.min_quantity", "0.000")]


@given(st.sampled_from(["19.99", "20", "20.01"]))
def test_min_notional_is_met_exactly(notional: str) -> None:
    # entry 1 with a lot of 0.001 ETH is not allowed by the instrument; use price 10 and a
    # budget that buys exactly notional / 10 ETH (per unit 1: 10 -> 9)
    quantity = D(notional) / 10
    got = fixed_fractional_size(ETHUSD, quantity * 1000, "0.001", "10", "9")
    if D(notional) >= 20:
        assert got.unwrap().notional == D(notional)
    else:
        (cause,) = _causes(got)
        assert (cause.code, D(cause.fields["notional"]), cause.fields["limit"]) == (
            "sizing.min_notional", D(notional), "20")


@given(st.sampled_from(["49999.9", "50000", "50000.1"]))
def test_tier_leverage_applies_from_the_tier_floor(notional: str) -> None:
    # 125x is allowed up to notional 50000 (first tier), 100x above it
    quantity = D(notional) / 100
    got = fixed_fractional_size(BTCUSD, quantity * 1000, "0.001", "100", "99", leverage="125")
    size = D(notional)
    tier_cap = BTCUSD.tier_for(size).max_leverage
    if tier_cap >= 125:
        assert got.unwrap().notional == size
    else:
        (cause,) = _causes(got)
        assert (cause.code, cause.fields["leverage"], cause.fields["limit"],
                D(cause.fields["notional"])) == ("sizing.tier_leverage", "125", "100", size)


def test_an_unparsable_risk_fraction_is_named() -> None:
    error = fixed_fractional_size(ETHUSD, "1000", "x", "2000", "1950").failure()
    assert [(c.code, c.fields.get("field")) for c in error.causes] == [
        ("numeric.syntax", "risk_fraction")]


def test_unparsable_fee_rate_and_leverage_are_named() -> None:
    error = fixed_fractional_size(ETHUSD, "1000", "0.01", "2000", "1950", fee_rate="x",
                                  leverage="y").failure()
    assert [(c.code, c.fields.get("field")) for c in error.causes] == [
        ("numeric.syntax", "fee_rate"), ("numeric.syntax", "leverage")]


@given(st.sampled_from([("10000", False), ("9999", False), ("9996", True), ("20000", False)]))
def test_capped_by_balance_only_when_the_balance_buys_strictly_less(
        case: tuple[str, bool]) -> None:
    """A 200 risk budget over a 60 stop buys 3.333 ETH (lot 0.001); an available balance of
    10,000 at 3,000 buys exactly as many (9,999 too, after rounding down to the lot): a tie is
    not capped by the balance; 9,996 buys 3.332, capped."""
    available, capped = case
    size = fixed_fractional_size(ETHUSD, "20000", "0.01", "3000", "2940",
                                 available_balance=available).unwrap()
    assert (size.quantity, size.capped_by_balance) == (D("3.332") if capped else D("3.333"),
                                                       capped)
