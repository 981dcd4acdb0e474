"""Level curves at their thresholds: XP exactly at a level's threshold reaches it, one XP less
does not; XP and levels at their bounds and one past, with their errors; the cap met exactly.
Found by `make mutate` (gamification)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

from astratrade_core.errors import DomainError
from astratrade_core.events import LevelUp
from astratrade_core.gamification.levels import (
    LEVEL_CURVES,
    MAX_XP,
    LevelProgress,
    LinearCurve,
    SquareRootCurve,
    TableCurve,
    _integer_root,  # the table's exact root
    geometric_curve,
    level_progress,
    level_ups,
    runescape_curve,
)
from astratrade_core.testing import around_ints

CURVES = sorted(LEVEL_CURVES)


@given(st.sampled_from(CURVES), st.integers(2, 60))
def test_a_threshold_reaches_its_level_and_one_less_does_not(name: str, level: int) -> None:
    curve = LEVEL_CURVES[name]
    cap = curve.max_level
    level = level if cap is None else min(level, cap)
    threshold = curve.xp_for_level(level).unwrap()
    assert curve.level_for_xp(threshold).unwrap() == level
    assert curve.level_for_xp(threshold - 1).unwrap() == level - 1


@given(st.sampled_from(CURVES), around_ints(0) | around_ints(MAX_XP))
def test_xp_runs_from_0_to_its_maximum(name: str, xp: int) -> None:
    got = LEVEL_CURVES[name].level_for_xp(xp)
    if 0 <= xp <= MAX_XP:
        assert got.unwrap() >= 1
    else:
        assert got == Failure(DomainError.invalid(
            "gamification.xp_range", f"XP must be in [0, {MAX_XP}]", xp=xp))


@given(around_ints(1) | around_ints(100))
def test_levels_run_from_1_to_the_cap(level: int) -> None:
    curve = SquareRootCurve()
    got = curve.xp_for_level(level)
    if 1 <= level <= 100:
        assert got.unwrap() == 100 * (level - 1) ** 2
    else:
        assert got == Failure(DomainError.invalid(
            "gamification.level_range", "level must be in [1, 100]", level=level))


def test_uncapped_levels_name_their_range() -> None:
    assert LinearCurve().xp_for_level(0) == Failure(DomainError.invalid(
        "gamification.level_range", "level must be in [1, unbounded]", level=0))
    assert LinearCurve(max_level=5).level_for_xp(10**6).unwrap() == 5
    assert SquareRootCurve().level_for_xp(MAX_XP).unwrap() == 100


def test_types_are_checked() -> None:
    curve = LinearCurve()
    assert curve.level_for_xp(True) == Failure(DomainError.invalid(
        "gamification.xp_type", "XP must be an integer", xp="True"))
    assert curve.xp_for_level(1.0) == Failure(DomainError.invalid(  # type: ignore[arg-type]
        "gamification.level_type", "level must be an integer", level="1.0"))


def test_geometric_thresholds_round_exact_halves_up() -> None:
    # base 1, ratio 1.5: 1, 2.5, 4.75, 8.125, 13.1875 -> 1, 3, 5, 8, 13 (2.5 rounds up)
    curve = geometric_curve("g", 1, "1.5", 6).unwrap()
    assert curve.thresholds == (0, 1, 3, 5, 8, 13)
    # base 3, ratio 1.5: 3, 7.5, 14.25 -> 3, 8, 14
    assert geometric_curve("g", 3, "1.5", 4).unwrap().thresholds == (0, 3, 8, 14)


@given(around_ints(2) | around_ints(1000))
def test_geometric_curves_have_2_to_1000_levels(levels: int) -> None:
    got = geometric_curve("g", 1, "1", levels)
    if 2 <= levels <= 1000:
        assert got.unwrap().max_level == levels
    else:
        assert got.failure().code == "gamification.curve_parameters"


# Edges found by `make mutate` (gamification): refusals with their code and fields, and
# events written to the stream they are given.


@given(around_ints(MAX_XP))
def test_a_table_threshold_reaches_max_xp_at_most(top: int) -> None:
    got = TableCurve.of("t", (0, top))
    if top <= MAX_XP:
        assert got == Success(TableCurve("t", (0, top)))
    else:
        assert got == Failure(DomainError.invalid("gamification.xp_range",
                                                  "threshold above MAX_XP", curve="t"))


def test_an_unknown_curve_is_named() -> None:
    assert level_progress(5, "nope") == Failure(DomainError.invalid(
        "gamification.unknown_curve",
        "unknown curve; choose one of geometric, linear, moodle, runescape, sqrt", curve="nope"))


def test_level_ups_go_to_the_given_stream_and_name_their_source() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    ups = level_ups(SquareRootCurve(), 0, 400, user_id="u", source_id="s", occurred_at=at,
                    stream_id="x")
    assert [(e.stream_id, e.source_id, e.level) for e in ups] == [("x", "s", 2), ("x", "s", 3)]
    ups = level_ups(SquareRootCurve(), 0, 100, user_id="u", source_id="s", occurred_at=at)
    assert [(e.stream_id, e.event_id) for e in ups] == [("u", "s/level/sqrt/2")]


def test_a_table_curve_refuses_with_its_name() -> None:
    assert TableCurve.of("t", (0, 0.5)) == Failure(DomainError.invalid(  # type: ignore[arg-type]
        "gamification.xp_type", "thresholds must be integers", curve="t"))
    for thresholds in ((), (1, 2)):
        assert TableCurve.of("t", thresholds) == Failure(DomainError.invalid(
            "gamification.curve_start", "level 1 must start at 0 XP", curve="t"))


@given(st.sampled_from([(120.0, "1.3", 10), (True, "1.3", 10), (120, "1.3", True),
                        (0, "1.3", 10), (120, "0.99", 10), (120, "1.3", 1),
                        (120, "1.3", 1001)]))
def test_geometric_parameters_are_refused_whole(params: tuple[object, str, object]) -> None:
    """A whole float or a bool base or max_level is not an integer (True would read as 1);
    base 0, ratio just below 1 and max_level just outside 2..1000 are refused with every
    parameter named."""
    base, ratio, max_level = params
    assert geometric_curve("g", base, ratio, max_level) == Failure(  # type: ignore[arg-type]
        DomainError.invalid("gamification.curve_parameters",
                            "need base >= 1, ratio >= 1 and 2 <= max_level <= 1000",
                            curve="g", base=base, ratio=ratio, max_level=max_level))


def test_a_geometric_curve_keeps_its_name_and_names_a_bad_ratio() -> None:
    assert geometric_curve("g", 1, "1", 2).unwrap() == TableCurve("g", (0, 1))
    assert geometric_curve("g", 120, "abc", 10) == Failure(DomainError.invalid(
        "numeric.syntax", "ratio: not a decimal number", field="ratio", value="'abc'"))


@given(st.sampled_from([0, 1, 2, -1, True]), st.sampled_from(["linear", "sqrt"]))
def test_a_curve_unit_is_an_integer_from_1(unit: int, kind: str) -> None:
    curve = (LinearCurve(name="c", step=unit) if kind == "linear"
             else SquareRootCurve(name="c", unit=unit))
    results = (curve.xp_for_level(2), curve.level_for_xp(5))
    if type(unit) is int and unit >= 1:
        # 5 XP: linear 5 // unit + 1, sqrt isqrt(5 // unit) + 1
        level = {("linear", 1): 6, ("linear", 2): 3, ("sqrt", 1): 3, ("sqrt", 2): 2}
        assert results == (Success(unit), Success(level[kind, unit]))
    else:
        for got in results:
            assert got == Failure(DomainError.invalid(
                "gamification.curve_unit", "a curve's step or unit must be an integer >= 1",
                curve="c", unit=unit))


def test_a_non_integer_level_is_named_by_its_repr() -> None:
    assert LinearCurve().xp_for_level(1.0) == Failure(DomainError.invalid(  # type: ignore[arg-type]
        "gamification.level_type", "level must be an integer", level="1.0"))


@given(st.integers(0, 10**4) | st.integers(2**190, 2**200), st.integers(2, 7))
def test_the_integer_root_is_the_floor_of_the_real_root(value: int, k: int) -> None:
    root = _integer_root(value, k)
    assert root**k <= value < (root + 1) ** k


@given(st.sampled_from([1, 2, 126, 127]))
def test_runescape_levels_run_from_2_to_126(max_level: int) -> None:
    if 2 <= max_level <= 126:
        table = runescape_curve(max_level)
        assert len(table.thresholds) == max_level and table.thresholds[:2] == (0, 83)
    else:
        with pytest.raises(ValueError, match=r"^RuneScape levels run from 2 to 126$"):
            runescape_curve(max_level)


def test_progress_in_full_below_and_at_the_cap() -> None:
    capped = SquareRootCurve(name="s", unit=100, max_level=3)
    assert level_progress(150, capped) == Success(LevelProgress("s", 150, 2, 100, 400, 250))
    assert level_progress(10**6, capped) == Success(LevelProgress("s", 10**6, 3, 400, None,
                                                                  None))


def test_level_ups_need_both_totals_on_the_curve_and_name_each_level() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    curve = SquareRootCurve(name="s", unit=100, max_level=None)
    assert level_ups(curve, -1, 400, user_id="u", source_id="x", occurred_at=at) == ()
    assert level_ups(curve, 0, -1, user_id="u", source_id="x", occurred_at=at) == ()
    assert level_ups(curve, 0, 150, user_id="u", source_id="x", occurred_at=at,
                     stream_id="st") == (LevelUp(
        event_id="x/level/s/2", stream_id="st", occurred_at=at, user_id="u", curve="s",
        level=2, total_xp=150, source_id="x"),)


@given(st.sampled_from([((0, 0, 5), 2), ((0, 5, 5), 3), ((0, 5, 4), 3), ((0, 5, 6, 6), 4)]))
def test_table_thresholds_must_increase_strictly_named_at_the_first_tie(
        case: tuple[tuple[int, ...], int]) -> None:
    thresholds, level = case
    assert TableCurve.of("t", thresholds) == Failure(DomainError.invalid(
        "gamification.curve_not_increasing", "thresholds must increase strictly", curve="t",
        level=level))


@given(around_ints(MAX_XP))
def test_table_thresholds_end_at_most_at_max_xp(top: int) -> None:
    got = TableCurve.of("t", (0, 1, top))
    if top <= MAX_XP:
        assert got == Success(TableCurve("t", (0, 1, top)))
    else:
        assert got == Failure(DomainError.invalid("gamification.xp_range",
                                                  "threshold above MAX_XP", curve="t"))


@given(around_ints(2) | around_ints(1))
def test_a_table_level_runs_from_1_to_its_length(level: int) -> None:
    got = TableCurve("t", (0, 5)).xp_for_level(level)
    if 1 <= level <= 2:
        assert got == Success((0, 5)[level - 1])
    else:
        assert got == Failure(DomainError.invalid("gamification.level_range",
                                                  "level must be in [1, 2]", level=level))
