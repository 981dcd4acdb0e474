"""Z3 proofs of the closed-form level curves (:mod:`astratrade_core.gamification.levels`):
``level_for_xp`` inverts ``xp_for_level`` exactly at every level boundary.

``math.isqrt`` is modelled by its specification (``s*s <= y < (s+1)*(s+1)``, which has exactly
one non-negative solution); :mod:`proofs.hypothesis_gamification` checks the shipped curves.
"""

from __future__ import annotations

import z3

from proofs.registry import Obligation, z3_proof

__all__: list[str] = []

_MAX_XP = 10**18  # astratrade_core.gamification.levels.MAX_XP


@z3_proof("gamification.linear_curve.inverse",
          "LinearCurve: level_for_xp(xp_for_level(L)) == L and one XP less is level L - 1",
          targets=["astratrade_core.gamification.levels.LinearCurve.level_for_xp",
                   "astratrade_core.gamification.levels.LinearCurve.xp_for_level"],
          bounds="step >= 1; levels with xp_for_level(L) <= 10**18")
def linear_inverse() -> Obligation:
    level, step = z3.Ints("level step")
    xp = step * (level - 1)  # xp_for_level
    premises = [step >= 1, level >= 1, xp <= _MAX_XP]
    return Obligation(premises, z3.And(
        xp / step + 1 == level,  # level_for_xp: xp // step + 1
        z3.Implies(level >= 2, (xp - 1) / step + 1 == level - 1)))


@z3_proof("gamification.sqrt_curve.inverse",
          "SquareRootCurve: level_for_xp(xp_for_level(L)) == L and one XP less is level L - 1 "
          "(isqrt by its specification)",
          targets=["astratrade_core.gamification.levels.SquareRootCurve.level_for_xp",
                   "astratrade_core.gamification.levels.SquareRootCurve.xp_for_level"],
          bounds="unit >= 1; levels with xp_for_level(L) <= 10**18 (uncapped)")
def sqrt_inverse() -> list[Obligation]:
    level, unit, root = z3.Ints("level unit root")
    xp = unit * (level - 1) * (level - 1)  # xp_for_level

    def isqrt_of(value: z3.ArithRef) -> list[z3.BoolRef]:
        return [root >= 0, root * root <= value, value < (root + 1) * (root + 1)]

    premises = [unit >= 1, level >= 1, xp <= _MAX_XP]
    return [
        Obligation([*premises, *isqrt_of(xp / unit)], root + 1 == level),
        Obligation([*premises, level >= 2, *isqrt_of((xp - 1) / unit)], root + 1 == level - 1),
    ]
