"""Level curves: published tables, the inverse laws for every registered curve, LevelUp
events for every level crossed."""

from __future__ import annotations

import decimal
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.gamification.levels import (
    LEVEL_CURVES,
    MAX_XP,
    LevelCurve,
    LinearCurve,
    SquareRootCurve,
    TableCurve,
    geometric_curve,
    level_progress,
    level_ups,
    runescape_curve,
)
from astratrade_core.numeric import CONTEXT
from astratrade_core.testing import hostile_contexts

AT = datetime(2026, 1, 1, tzinfo=UTC)
CURVES = sorted(LEVEL_CURVES)


def test_registry_names() -> None:
    assert CURVES == ["geometric", "linear", "moodle", "runescape", "sqrt"]
    assert all(LEVEL_CURVES[name].name == name for name in CURVES)


def test_runescape_published_table() -> None:
    # The RuneScape experience table (e.g. the RuneScape Wiki "Experience" page).
    published = {2: 83, 3: 174, 10: 1_154, 20: 4_470, 50: 101_333, 92: 6_517_253,
                 99: 13_034_431}
    curve = LEVEL_CURVES["runescape"]
    for level, xp in published.items():
        assert curve.xp_for_level(level).unwrap() == xp
    assert runescape_curve(126).xp_for_level(120).unwrap() == 104_273_167
    # Level 2 by hand: floor(1 + 300 * 2**(1/7)) = floor(1 + 331.23...) = 332; 332 // 4 = 83.


def test_runescape_integer_root_matches_high_precision_power() -> None:
    # The integer 7th root equals floor(300 * 2**(l/7)) computed at 120 digits.
    running = 0
    for level in range(1, 126):
        power = CONTEXT.power(Decimal(2), CONTEXT.divide(Decimal(level), Decimal(7)))
        term = int(CONTEXT.multiply(Decimal(300), power).to_integral_value(
            rounding=decimal.ROUND_FLOOR, context=CONTEXT)) + level
        running += term
        assert runescape_curve(126).thresholds[level] == running // 4


def test_moodle_defaults_match_block_xp() -> None:
    # block_xp's algo_levels_info_test: get_xp_with_algo(10, 120, 1.3) (relative method).
    assert LEVEL_CURVES["moodle"].thresholds == (  # type: ignore[attr-defined]
        0, 120, 276, 479, 742, 1085, 1531, 2110, 2863, 3842)
    # Level 5 by hand: 120 * (1 + 1.3 + 1.69 + 2.197) = 120 * 6.187 = 742.44 -> 742.
    # Ratio 1 is the flat curve base * (L - 1), as in the same test.
    assert geometric_curve("flat", 120, "1", 10).unwrap().thresholds == tuple(
        120 * n for n in range(10))


def test_linear_and_sqrt_worked_examples() -> None:
    linear, sqrt = LinearCurve(), SquareRootCurve()
    # floor(xp / 1000) + 1
    assert [linear.level_for_xp(x).unwrap() for x in (0, 999, 1000, 25_500)] == [1, 1, 2, 26]
    # floor(sqrt(xp / 100)) + 1: sqrt(24.99) = 4.99 -> 5; sqrt(25) = 5 -> 6; cap 100.
    assert [sqrt.level_for_xp(x).unwrap() for x in (0, 2499, 2500, MAX_XP)] == [1, 5, 6, 100]
    assert sqrt.xp_for_level(100).unwrap() == 100 * 99**2
    assert sqrt.xp_for_level(101).failure().code == "gamification.level_range"
    assert linear.level_for_xp(-1).failure().code == "gamification.xp_range"
    assert linear.level_for_xp(True).failure().code == "gamification.xp_type"


def _levels(curve: LevelCurve) -> st.SearchStrategy[int]:
    top = curve.max_level if curve.max_level is not None else 10**6
    return st.integers(1, top)


@pytest.mark.parametrize("name", CURVES)
@given(data=st.data())
def test_inverse_laws(name: str, data: st.DataObject) -> None:
    curve = LEVEL_CURVES[name]
    level = data.draw(_levels(curve))
    xp = curve.xp_for_level(level).unwrap()
    assert curve.level_for_xp(xp).unwrap() == level
    if level > 1:
        assert curve.level_for_xp(xp - 1).unwrap() == level - 1
        assert curve.xp_for_level(level - 1).unwrap() < xp
    else:
        assert xp == 0


@pytest.mark.parametrize("name", CURVES)
@given(a=st.integers(0, MAX_XP), b=st.integers(0, MAX_XP))
def test_level_for_xp_is_monotone(name: str, a: int, b: int) -> None:
    curve = LEVEL_CURVES[name]
    lo, hi = min(a, b), max(a, b)
    assert curve.level_for_xp(lo).unwrap() <= curve.level_for_xp(hi).unwrap()


@pytest.mark.parametrize("name", CURVES)
@given(xp=st.integers(0, 10**9))
def test_progress_is_consistent(name: str, xp: int) -> None:
    progress = level_progress(xp, name).unwrap()
    assert progress.level_xp <= xp
    if progress.next_level_xp is not None:
        assert progress.xp_to_next_level == progress.next_level_xp - xp > 0
        assert level_progress(progress.next_level_xp, name).unwrap().level == progress.level + 1


@given(before=st.integers(0, 20_000_000), gain=st.integers(0, 20_000_000))
def test_one_level_up_per_level_crossed(before: int, gain: int) -> None:
    curve = LEVEL_CURVES["runescape"]
    events = level_ups(curve, before, before + gain, user_id="u", source_id="s", occurred_at=AT)
    start = curve.level_for_xp(before).unwrap()
    end = curve.level_for_xp(before + gain).unwrap()
    assert [e.level for e in events] == list(range(start + 1, end + 1))
    assert len({e.event_id for e in events}) == len(events)


def test_level_ups_worked_example() -> None:
    # 900 -> 3,100 XP on the linear curve: levels 1 -> 4, so 2, 3 and 4 are announced.
    events = level_ups(LinearCurve(), 900, 3_100, user_id="u", source_id="t-1", occurred_at=AT)
    assert [(e.level, e.total_xp, e.curve) for e in events] == [
        (2, 3_100, "linear"), (3, 3_100, "linear"), (4, 3_100, "linear")]
    assert level_ups(LinearCurve(), 3_100, 900, user_id="u", source_id="x", occurred_at=AT) == ()


def test_progress_examples_and_errors() -> None:
    # RuneScape: 100 XP is level 2 (83 <= 100 < 174); 174 - 100 = 74 to level 3.
    progress = level_progress(100, "runescape").unwrap()
    assert (progress.level, progress.level_xp, progress.xp_to_next_level) == (2, 83, 74)
    top = level_progress(13_034_431, "runescape").unwrap()
    assert (top.level, top.next_level_xp, top.xp_to_next_level) == (99, None, None)
    assert level_progress(1, "nope").failure().code == "gamification.unknown_curve"
    assert level_progress(1, SquareRootCurve()).unwrap().level == 1
    assert TableCurve.of("t", (1, 2)).failure().code == "gamification.curve_start"
    assert geometric_curve("g", 0, "1.3", 10).failure().code == "gamification.curve_parameters"


@given(ctx=hostile_contexts(), xp=st.integers(0, 10**8))
def test_curves_ignore_the_callers_context(ctx: decimal.Context, xp: int) -> None:
    expected = [level_progress(xp, name).unwrap() for name in CURVES]
    rebuilt = geometric_curve("g", 120, "1.3", 50).unwrap()
    with decimal.localcontext(ctx):
        assert [level_progress(xp, name).unwrap() for name in CURVES] == expected
        assert geometric_curve("g", 120, "1.3", 50).unwrap() == rebuilt


@given(ctx=hostile_contexts(), before=st.integers(0, 10**7), gain=st.integers(0, 10**7))
def test_level_ups_ignore_the_callers_context(ctx: decimal.Context, before: int,
                                              gain: int) -> None:
    def run() -> object:
        return [(level_ups(LEVEL_CURVES[name], before, before + gain, user_id="u",
                           source_id="s", occurred_at=AT),
                 LEVEL_CURVES[name].xp_for_level(7), runescape_curve(20))
                for name in CURVES]

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected


def test_a_curve_built_raw_with_a_zero_step_answers_a_failure() -> None:
    # Totality (tests/test_totality.py): LinearCurve(step=0) and SquareRootCurve(unit=0) raised
    # ZeroDivisionError; TableCurve.of accepted float thresholds
    for curve in (LinearCurve(step=0), LinearCurve(step=-5), SquareRootCurve(unit=0),
                  SquareRootCurve(unit=-(10**5000))):
        assert curve.level_for_xp(10).failure().code == "gamification.curve_unit"
        assert curve.xp_for_level(2).failure().code == "gamification.curve_unit"
    assert TableCurve.of("t", (False, 0.1)).failure().code == "gamification.xp_type"  # type: ignore[arg-type]
    assert TableCurve.of("t", (0, 5)).unwrap().level_for_xp(5).unwrap() == 2
