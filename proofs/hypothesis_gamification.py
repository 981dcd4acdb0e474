"""Hypothesis properties of the shipped level curves: exact inverse at every boundary and
monotone levels, for every curve in ``LEVEL_CURVES``."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.gamification.levels import LEVEL_CURVES, MAX_XP
from proofs.registry import hypothesis_property

__all__: list[str] = []

_LEVELS = "astratrade_core.gamification.levels"
_MAX_LEVEL = 10**6  # for the uncapped linear curve: xp_for_level stays far below MAX_XP


@hypothesis_property("gamification.level_curves.inverse",
                     "for every shipped curve, level_for_xp(xp_for_level(L)) == L, one XP less "
                     "is level L - 1, and levels never decrease as XP grows",
                     targets=[f"{_LEVELS}.LinearCurve.level_for_xp",
                              f"{_LEVELS}.SquareRootCurve.level_for_xp",
                              f"{_LEVELS}.TableCurve.level_for_xp",
                              f"{_LEVELS}.runescape_curve", f"{_LEVELS}.geometric_curve"],
                     bounds="every curve in LEVEL_CURVES, every level up to its cap (10**6 "
                            "uncapped); XP in [0, 10**18]")
@given(st.sampled_from(sorted(LEVEL_CURVES)), st.integers(1, _MAX_LEVEL),
       st.integers(0, MAX_XP), st.integers(0, MAX_XP))
def level_curves_inverse(name: str, level: int, xp_a: int, xp_b: int) -> None:
    curve = LEVEL_CURVES[name]
    cap = curve.max_level or _MAX_LEVEL
    level = min(level, cap) if level % 3 else cap  # the cap itself is a boundary worth hitting
    start = curve.xp_for_level(level).unwrap()
    assert curve.level_for_xp(start).unwrap() == level, (name, level, start)
    if level >= 2:
        assert curve.level_for_xp(start - 1).unwrap() == level - 1, (name, level)
        assert curve.xp_for_level(level - 1).unwrap() < start
    low, high = sorted((xp_a, xp_b))
    assert curve.level_for_xp(low).unwrap() <= curve.level_for_xp(high).unwrap()
