"""CrossHair contracts on the level curves: the level-curve inverse, with symbolic levels."""

from __future__ import annotations

from astratrade_core.gamification.levels import LEVEL_CURVES, LinearCurve, SquareRootCurve
from proofs.registry import crosshair_contract

__all__ = ["linear_inverse", "sqrt_inverse", "table_inverse"]

_LEVELS = "astratrade_core.gamification.levels"


@crosshair_contract("gamification.linear_curve.inverse_contract",
                    "LinearCurve inverse at every level boundary, for any step",
                    targets=[f"{_LEVELS}.LinearCurve.level_for_xp",
                             f"{_LEVELS}.LinearCurve.xp_for_level"],
                    bounds="step in 1..10**6, level in 1..10**9", quick=True)
def linear_inverse(step: int, level: int) -> tuple[int, int]:
    """
    pre: 1 <= step <= 10**6 and 1 <= level <= 10**9
    post: __return__[0] == level
    post: level == 1 or __return__[1] == level - 1
    """
    curve = LinearCurve(step=step)
    start = curve.xp_for_level(level).unwrap()
    below = curve.level_for_xp(start - 1).unwrap() if level > 1 else 0
    return curve.level_for_xp(start).unwrap(), below


@crosshair_contract("gamification.sqrt_curve.inverse_contract",
                    "SquareRootCurve inverse at every level boundary, for any unit",
                    targets=[f"{_LEVELS}.SquareRootCurve.level_for_xp",
                             f"{_LEVELS}.SquareRootCurve.xp_for_level"],
                    bounds="unit in 1..10**4, level in 1..10**5 (uncapped)")
def sqrt_inverse(unit: int, level: int) -> tuple[int, int]:
    """
    pre: 1 <= unit <= 10**4 and 1 <= level <= 10**5
    post: __return__[0] == level
    post: level == 1 or __return__[1] == level - 1
    """
    curve = SquareRootCurve(unit=unit, max_level=None)
    start = curve.xp_for_level(level).unwrap()
    below = curve.level_for_xp(start - 1).unwrap() if level > 1 else 0
    return curve.level_for_xp(start).unwrap(), below


@crosshair_contract("gamification.table_curve.inverse_contract",
                    "RuneScape table inverse at every level 1..99",
                    targets=[f"{_LEVELS}.TableCurve.level_for_xp",
                             f"{_LEVELS}.runescape_curve"],
                    bounds="level in 1..99")
def table_inverse(level: int) -> tuple[int, int]:
    """
    pre: 1 <= level <= 99
    post: __return__[0] == level
    post: level == 1 or __return__[1] == level - 1
    """
    curve = LEVEL_CURVES["runescape"]
    start = curve.xp_for_level(level).unwrap()
    below = curve.level_for_xp(start - 1).unwrap() if level > 1 else 0
    return curve.level_for_xp(start).unwrap(), below
