"""The columnar kernels give, row for row, exactly what the scalar functions give: P&L and
notional (exact, with the int64 overflow boundary on both sides), ROI, liquidation prices and
fixed-fractional sizes (rounded: every mode, ties and exact boundaries included)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from returns.maybe import Some
from returns.result import Success

from astratrade_core import batch
from astratrade_core.batch import Column
from astratrade_core.instrument import Instrument, margin_tiers
from astratrade_core.money import BTC, USD
from astratrade_core.numeric import CONTEXT, Rounding, quantize
from astratrade_core.trading import fills, margin, pnl, sizing

INT64_MAX = 2**63 - 1


@st.composite
def _triples(draw: st.DrawFn, low: int, high: int) -> tuple[Column, Column, Column]:
    n = draw(st.integers(1, 8))

    def col(lo: int, hi: int, scales: tuple[int, ...]) -> Column:
        return Column.of_units(draw(st.lists(st.integers(lo, hi), min_size=n, max_size=n)),
                               draw(st.sampled_from(scales)))

    return col(low, high, (0, 3, 8)), col(1, high, (0, 2)), col(1, high, (0, 1, 2))


# ------------------------------------------------------------------------------ P&L, notional

@given(st.one_of(_triples(-10**6, 10**6), _triples(-(2**63 - 1), 2**63 - 1),
                 _triples(-(2**40), 2**40)))
def test_pnl_and_notional_are_the_scalar_values(columns: tuple[Column, Column, Column]) -> None:
    q, e, c = columns
    positions = [pnl.Position("X", a, b, d) for a, b, d in
                 zip(q.decimals(), e.decimals(), c.decimals(), strict=True)]
    assert list(batch.pnl(q, e, c).decimals()) == [pnl.calculate_pnl(p) for p in positions]
    assert list(batch.notional(q, c).decimals()) == [p.notional for p in positions]


def test_the_int64_boundary_of_a_product() -> None:
    # 2**63 - 1 = 7 * 1317624576693539401: the product fits exactly, in int64.
    q = Column.of_units([7, 1], 0)
    entry = Column.of_units([1, 1], 0)
    fits = batch.pnl(q, entry, Column.of_units([1 + 1317624576693539401, 2], 0))
    assert fits.units.dtype == np.int64
    assert fits.units.tolist() == [INT64_MAX, 1]
    # One more: 2 * 2**62 = 2**63 leaves int64; that row is a Python int, the others stay.
    over = batch.pnl(Column.of_units([2, 3], 0), entry, Column.of_units([1 + 2**62, 2], 0))
    assert over.units.dtype == object
    assert over.units.tolist() == [2**63, 3]
    # A column whose bound fails (max|q| * max|move| > 2**63) but every row fits: int64.
    mixed = batch.pnl(Column.of_units([2**40, 1], 0), Column.of_units([1, 1], 0),
                      Column.of_units([2, 2**40], 0))
    assert mixed.units.dtype == np.int64
    assert mixed.units.tolist() == [2**40, 2**40 - 1]


def test_columns_of_different_scales_align() -> None:
    # 0.5 BTC (scale 8) from 30000 (scale 0) to 30000.25 (scale 2): 0.125, at scale 10
    result = batch.pnl(Column.parse(["0.5"], 8).unwrap(), Column.parse(["30000"], 0).unwrap(),
                       Column.parse(["30000.25"], 2).unwrap())
    assert result.scale == 10
    assert result.decimals() == (Decimal("0.1250000000"),)


# --------------------------------------------------------------------------------------- ROI

@st.composite
def _roi_inputs(draw: st.DrawFn) -> tuple[Column, Column, Column, Column, int, Rounding]:
    n = draw(st.integers(1, 8))
    big = draw(st.booleans())
    high = 10**22 if big else 40  # small values hit ties and exact boundaries often

    def col(lo: int, hi: int, scales: tuple[int, ...]) -> Column:
        return Column.of_units(draw(st.lists(st.integers(lo, hi), min_size=n, max_size=n)),
                               draw(st.sampled_from(scales)))

    return (col(-high, high, (0, 1, 8)), col(1, high, (0, 1)), col(1, high, (0, 1, 2)),
            col(1, 7, (0, 1)), draw(st.integers(0, 3)), draw(st.sampled_from(Rounding)))


@settings(max_examples=300)
@given(_roi_inputs())
def test_roi_is_the_scalar_roi_rounded(
        inputs: tuple[Column, Column, Column, Column, int, Rounding]) -> None:
    q, e, c, lev, places, rounding = inputs
    roi, present = batch.roi_percent(q, e, c, lev, places=places, rounding=rounding)
    for i, (a, b, d, x) in enumerate(zip(q.decimals(), e.decimals(), c.decimals(),
                                         lev.decimals(), strict=True)):
        expected = fills.PositionState(a, CONTEXT.multiply(a, b)).roi_percent(d, x)
        assert present[i] == (a != 0)
        if a != 0:
            assert roi.decimals()[i] == quantize(expected.unwrap(), places, rounding)


def test_roi_ties_and_exact_boundaries_follow_the_scalar() -> None:
    # ROI = (c - e) / e * lev * 100.  Leverage 3 with e = 1: the scalar's margin is 1/3 to
    # 120 digits, so its ROI sits a hair off the exact value; the kernel hands such rows
    # (exactly on a rounding boundary) to the scalar function.
    q = Column.of_units([1, 1, 1, -1], 0)
    e = Column.of_units([1, 1, 1, 1], 0)
    c = Column.of_units([10**9 + 5, 10**9 + 25, 10**9 + 1, 10**9 + 25], 9)
    lev = Column.of_units([3, 3, 3, 3], 0)
    for rounding in Rounding:
        for places in (5, 6, 7):
            roi, _ = batch.roi_percent(q, e, c, lev, places=places, rounding=rounding)
            expected = [quantize(fills.PositionState(a, a).roi_percent(d, Decimal(3)).unwrap(),
                                 places, rounding)
                        for a, d in zip(q.decimals(), c.decimals(), strict=True)]
            assert list(roi.decimals()) == expected, (rounding, places)


def test_roi_of_a_flat_position_is_absent() -> None:
    one = Column.of_units([0], 0)
    roi, present = batch.roi_percent(one, Column.of_units([1], 0), Column.of_units([2], 0),
                                     Column.of_units([1], 0))
    assert present.tolist() == [False]
    assert roi.decimals() == (Decimal("0.000000"),)


# ------------------------------------------------------------------------ liquidation prices

def _instrument(tick: str, max_leverage: str, tiers: bool) -> Instrument:
    brackets = margin_tiers([("0", "50000", "125", "0.004"), ("50000", "250000", "100", "0.005"),
                             ("250000", None, "50", "0.01")]).unwrap() if tiers else None
    return Instrument.of("BTCUSDT", BTC, USD, tick_size=tick, lot_size="0.001",
                         max_leverage=max_leverage, tiers=brackets).unwrap()


@st.composite
def _liquidation_inputs(draw: st.DrawFn) -> tuple[Instrument, Column, Column, Column]:
    n = draw(st.integers(1, 8))
    instrument = _instrument(draw(st.sampled_from(["0.1", "0.05", "0.01", "1", "0.25", "5"])),
                             draw(st.sampled_from(["125", "100", "3", "7", "20", "1"])),
                             draw(st.booleans()))
    high = draw(st.sampled_from([100, 10**6, 10**12]))
    quantity = draw(st.lists(st.integers(-high, high).filter(bool), min_size=n, max_size=n))
    entry = draw(st.lists(st.integers(1, high), min_size=n, max_size=n))
    collateral = draw(st.lists(st.integers(0, high), min_size=n, max_size=n))
    return (instrument, Column.of_units(quantity, draw(st.sampled_from([0, 3]))),
            Column.of_units(entry, draw(st.sampled_from([0, 2]))),
            Column.of_units(collateral, draw(st.sampled_from([0, 2]))))


@settings(max_examples=300)
@given(_liquidation_inputs())
def test_liquidation_prices_are_the_scalar_ones(
        inputs: tuple[Instrument, Column, Column, Column]) -> None:
    instrument, q, e, collateral = inputs
    prices, present = batch.isolated_liquidation_prices(instrument, q, e, collateral)
    for i, (a, b, d) in enumerate(zip(q.decimals(), e.decimals(), collateral.decimals(),
                                      strict=True)):
        match margin.isolated_liquidation_price(instrument, a, b, d):
            case Success(Some(expected)):
                assert present[i] and prices.decimals()[i] == expected
            case _:  # no price, or a position the scalar function refuses
                assert not present[i]


def test_a_liquidation_price_exactly_on_a_tick() -> None:
    # long 1 at 100 with 28 margin, mmr 1/(2*5) = 0.1: P = (100 - 28) / 0.9 = 80 exactly;
    # and with 50 margin and mmr 1/6 (max leverage 3): (100 - 50) / (5/6) = 60 exactly, with
    # the scalar's mmr rounded at 120 digits: the kernel defers to it.
    for leverage, margin_, price in (("5", 28, Decimal("80")), ("3", 50, Decimal("60"))):
        instrument = _instrument("1", leverage, tiers=False)
        result, present = batch.isolated_liquidation_prices(
            instrument, Column.of_units([1], 0), Column.of_units([100], 0),
            Column.of_units([margin_], 0))
        expected = margin.isolated_liquidation_price(instrument, Decimal(1), Decimal(100),
                                                     Decimal(margin_))
        assert present.tolist() == [True]
        assert Success(Some(result.decimals()[0])) == expected
        assert abs(result.decimals()[0] - price) <= 1


def test_a_position_liquidated_on_opening_is_absent_like_the_scalar_refusal() -> None:
    # long 1 at 100 with 10 margin, mmr 0.1: maintenance at the entry is 10, the margin does
    # not exceed it, so the scalar function refuses and the row is absent.
    instrument = _instrument("1", "5", tiers=False)
    _, present = batch.isolated_liquidation_prices(
        instrument, Column.of_units([1, 1], 0), Column.of_units([100, 100], 0),
        Column.of_units([10, 28], 0))
    assert margin.isolated_liquidation_price(instrument, Decimal(1), Decimal(100),
                                             Decimal(10)).failure().code == \
        "margin.liquidated_on_open"
    assert present.tolist() == [False, True]


# -------------------------------------------------------------------------------- sizing

@st.composite
def _sizing_inputs(draw: st.DrawFn) -> tuple[Instrument, list[Column], Column, Column]:
    n = draw(st.integers(1, 6))
    instrument = Instrument.of(
        "ETHUSDT", BTC, USD, tick_size="0.01", lot_size=draw(st.sampled_from(["0.01", "0.05",
                                                                                 "1", "0.001"])),
        min_quantity=draw(st.sampled_from(["0", "0.02"])),
        min_notional=draw(st.sampled_from(["0", "25"])),
        max_leverage=draw(st.sampled_from(["10", "125"])),
        tiers=margin_tiers([("0", "50000", "125", "0.004"), ("50000", None, "20", "0.005")]
                           ).unwrap() if draw(st.booleans()) else None).unwrap()

    def col(lo: int, hi: int, scale: int) -> Column:
        return Column.of_units(draw(st.lists(st.integers(lo, hi), min_size=n, max_size=n)),
                               scale)

    columns = [col(-5, 10**7, 2), col(0, 120, 2), col(1, 4000, 1), col(1, 4000, 1)]
    fee = col(0, 12, 4)
    leverage = col(0, 300, 1)
    return instrument, columns, fee, leverage


@settings(max_examples=300)
@given(_sizing_inputs())
def test_fixed_fractional_quantities_are_the_scalar_sizes(
        inputs: tuple[Instrument, list[Column], Column, Column]) -> None:
    instrument, (balance, risk, entry, stop), fee, leverage = inputs
    quantities, accepted = batch.fixed_fractional_quantities(
        instrument, balance, risk, entry, stop, fee_rate=fee, leverage=leverage)
    rows = zip(*(c.decimals() for c in (balance, risk, entry, stop, fee, leverage)),
               strict=True)
    for i, (b, r, e, s, f, x) in enumerate(rows):
        expected = sizing.fixed_fractional_size(instrument, b, r, e, s, fee_rate=f, leverage=x)
        assert accepted[i] == isinstance(expected, Success), (b, r, e, s, f, x)
        if accepted[i]:
            assert quantities.decimals()[i] == expected.unwrap().quantity


def test_sizing_exactly_a_whole_number_of_lots_by_balance() -> None:
    # balance 5 at entry 5 with leverage 3, no fees: 5 / (5/3) = 3 lots of 1 exactly.  The
    # scalar's 5/3 is 1.666...67 at 120 digits, a hair high, so it sizes 2: the kernel
    # leaves rows exactly on a lot boundary to the scalar function.
    instrument = Instrument.of("X", BTC, USD, tick_size="0.01", lot_size="1",
                               max_leverage="5").unwrap()
    quantities, accepted = batch.fixed_fractional_quantities(
        instrument, Column.of_units([5], 0), Column.of_units([1], 0),
        Column.of_units([5], 0), Column.of_units([49], 1), leverage=Column.of_units([3], 0))
    expected = sizing.fixed_fractional_size(instrument, "5", "1", "5", "4.9", leverage="3")
    assert expected.unwrap().quantity == Decimal("2")
    assert accepted.tolist() == [True]
    assert quantities.decimals() == (Decimal("2"),)


# ---------------------------------------------------------------------------------- columns

@given(st.lists(st.decimals(min_value=-10**6, max_value=10**6, places=4), max_size=8),
       st.integers(0, 6))
def test_parse_is_exact_or_refuses(values: list[Decimal], scale: int) -> None:
    parsed = Column.parse([str(v) for v in values], scale)
    fits = all(CONTEXT.scaleb(v, scale) == int(CONTEXT.scaleb(v, scale)) for v in values)
    if fits:
        assert list(parsed.unwrap().decimals()) == values
    else:
        assert "batch.inexact" in parsed.failure().codes()


def test_the_one_int64_without_a_negation_is_kept_exact() -> None:
    low = Column(np.array([-(2**63), 5], dtype=np.int64), 0)
    assert low.units.dtype == object
    assert batch.notional(low, Column.of_units([1, 1], 0)).units.tolist() == [2**63, 5]
    assert batch.pnl(low, Column.of_units([1, 1], 0), Column.of_units([2, 2], 0)
                     ).units.tolist() == [-(2**63), 5]


def test_columns_compare_by_value() -> None:
    assert Column.parse(["1.5"], 1).unwrap() == Column.parse(["1.50"], 2).unwrap()
    assert Column.parse(["1.5"], 1).unwrap() != Column.parse(["1.51"], 2).unwrap()
    assert Column.of_units([10**30], 2).units.dtype == object
    assert Column(np.array([7], dtype=np.int32), 0).units.dtype == np.int64
    with pytest.raises(TypeError, match="integers"):
        Column(np.array([1.5]), 1)
    with pytest.raises(ValueError, match="different lengths"):
        batch.pnl(Column.of_units([1], 0), Column.of_units([1, 2], 0), Column.of_units([1], 0))


def test_a_scale_that_is_not_a_small_integer_is_refused() -> None:
    # Totality (tests/test_totality.py): a float scale raised TypeError; a huge one would build
    # million-digit integers
    for scale in (0.1, -1, 29, 10**5000, True):
        assert Column.parse(["1"], scale).failure().code == "batch.scale"  # type: ignore[arg-type]
    assert Column.parse(["1.5"], 28).unwrap().decimals() == (Decimal("1.5").scaleb(0),)
