"""Level curves: integer-exact maps between lifetime XP and a level, in both directions.

A curve gives the XP at which each level starts (``xp_for_level``; level 1 starts at 0) and
the level a total of XP reaches (``level_for_xp``).  Every family is computed with integers
(``math.isqrt``, an integer k-th root) or exact fractions with one named rounding per level, so
no float ever decides a level.  The laws, property-tested for every registered curve:

* ``xp_for_level`` is strictly increasing and ``xp_for_level(1) == 0``;
* ``level_for_xp(xp_for_level(L)) == L`` and ``level_for_xp(xp_for_level(L) - 1) == L - 1``;
* ``level_for_xp`` is monotone, and capped curves never report a level above ``max_level``.

Families:

* :class:`LinearCurve` -- ``level = floor(xp / step) + 1``, ``xp(L) = step * (L - 1)``.
* :class:`SquareRootCurve` -- ``level = min(isqrt(xp // unit) + 1, max_level)``, i.e.
  ``floor(sqrt(xp / unit)) + 1`` (``floor(sqrt(floor(y))) == floor(sqrt(y))``),
  ``xp(L) = unit * (L - 1)**2``.
* :func:`geometric_curve` -- Moodle Level Up XP's "relative" algorithm (block_xp >= 3.15):
  ``xp(L) = round_half_up(base * (1 + r + ... + r**(L-2)))``, summed as exact fractions.
  Moodle's defaults (base 120, r 1.3, 10 levels) give 0, 120, 276, 479, 742, 1085, 1531,
  2110, 2863, 3842 (the values asserted by block_xp's ``algo_levels_info_test``).
* :func:`runescape_curve` -- ``xp(L) = floor((1/4) * sum_{l=1}^{L-1} floor(l + 300 * 2**(l/7)))``.
  ``300 * 2**(l/7)`` is irrational; its floor is computed exactly as the integer 7th root of
  ``300**7 * 2**l`` (no precision to choose, no rounding error possible).

:data:`LEVEL_CURVES` names the shipped curves; :func:`level_progress` answers "which level, how
far to the next" for a curve name (what ``astratrade level --xp N --curve NAME`` prints).

>>> level_progress(1_500, "linear").unwrap().level
2
>>> LEVEL_CURVES["runescape"].xp_for_level(99).unwrap()
13034431
>>> from datetime import UTC
>>> [e.level for e in level_ups(LEVEL_CURVES["linear"], 900, 3_100, user_id="u-1",
...                             source_id="t-1", occurred_at=datetime(2026, 1, 1, tzinfo=UTC))]
[2, 3, 4]
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Final, Protocol

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.events.gamification import LevelUp
from astratrade_core.numeric import DecimalInput, parse_decimal

__all__ = [
    "LEVEL_CURVES",
    "MAX_XP",
    "LevelCurve",
    "LevelProgress",
    "LinearCurve",
    "SquareRootCurve",
    "TableCurve",
    "geometric_curve",
    "level_progress",
    "level_ups",
    "runescape_curve",
]

#: Lifetime XP is an integer in ``[0, MAX_XP]``.
MAX_XP: Final = 10**18


class LevelCurve(Protocol):
    """What every curve offers; ``max_level`` is ``None`` for an unbounded curve."""

    @property
    def name(self) -> str:
        """The curve's registry name (also written into ``LevelUp`` events)."""

    @property
    def max_level(self) -> int | None:
        """The highest level, or None when unbounded."""

    def xp_for_level(self, level: int) -> Result[int, DomainError]:
        """Lifetime XP at which ``level`` starts."""

    def level_for_xp(self, xp: int) -> Result[int, DomainError]:
        """The level reached with ``xp`` lifetime XP."""


def _check_xp(xp: int) -> DomainError | None:
    if isinstance(xp, bool) or not isinstance(xp, int):
        return DomainError.invalid(
            "gamification.xp_type", "XP must be an integer", xp=repr(xp)[:40])
    if not 0 <= xp <= MAX_XP:
        return DomainError.invalid("gamification.xp_range", f"XP must be in [0, {MAX_XP}]", xp=xp)
    return None


def _check_unit(curve: str, unit: int) -> DomainError | None:
    """A linear curve's ``step`` or a square-root curve's ``unit``: an integer ``>= 1``."""
    if type(unit) is int and unit >= 1:
        return None
    return DomainError.invalid("gamification.curve_unit",
                               "a curve's step or unit must be an integer >= 1", curve=curve,
                               unit=unit)


def _check_level(level: int, max_level: int | None) -> DomainError | None:
    if isinstance(level, bool) or not isinstance(level, int):
        return DomainError.invalid("gamification.level_type", "level must be an integer",
                              level=repr(level)[:40])
    if level < 1 or (max_level is not None and level > max_level):
        return DomainError.invalid("gamification.level_range",
                              f"level must be in [1, {max_level or 'unbounded'}]", level=level)
    return None


@attrs.frozen
class LinearCurve:
    """``level = floor(xp / step) + 1`` (optionally capped at ``max_level``).

    >>> c = LinearCurve()
    >>> c.level_for_xp(999).unwrap(), c.level_for_xp(1000).unwrap(), c.xp_for_level(3).unwrap()
    (1, 2, 2000)
    """

    name: str = "linear"
    step: int = 1000
    max_level: int | None = None

    def xp_for_level(self, level: int) -> Result[int, DomainError]:
        """``step * (level - 1)``."""
        problem = _check_unit(self.name, self.step) or _check_level(level, self.max_level)
        return Failure(problem) if problem else Success(self.step * (level - 1))

    def level_for_xp(self, xp: int) -> Result[int, DomainError]:
        """``floor(xp / step) + 1``, capped; a ``step`` below 1 is ``gamification.curve_unit``.

        >>> LinearCurve(step=0).level_for_xp(5).failure().code
        'gamification.curve_unit'
        """
        problem = _check_unit(self.name, self.step) or _check_xp(xp)
        if problem:
            return Failure(problem)
        level = xp // self.step + 1
        return Success(level if self.max_level is None else min(level, self.max_level))


@attrs.frozen
class SquareRootCurve:
    """``level = floor(sqrt(xp / unit)) + 1``, capped at ``max_level``.

    >>> c = SquareRootCurve()
    >>> c.level_for_xp(399).unwrap(), c.level_for_xp(400).unwrap(), c.xp_for_level(11).unwrap()
    (2, 3, 10000)
    """

    name: str = "sqrt"
    unit: int = 100
    max_level: int | None = 100

    def xp_for_level(self, level: int) -> Result[int, DomainError]:
        """``unit * (level - 1)**2``."""
        problem = _check_unit(self.name, self.unit) or _check_level(level, self.max_level)
        return Failure(problem) if problem else Success(self.unit * (level - 1) ** 2)

    def level_for_xp(self, xp: int) -> Result[int, DomainError]:
        """``isqrt(xp // unit) + 1``, capped (exact: no float square root); a ``unit`` below
        1 is ``gamification.curve_unit``.

        >>> SquareRootCurve(unit=0).level_for_xp(5).failure().code
        'gamification.curve_unit'
        """
        problem = _check_unit(self.name, self.unit) or _check_xp(xp)
        if problem:
            return Failure(problem)
        level = math.isqrt(xp // self.unit) + 1
        return Success(level if self.max_level is None else min(level, self.max_level))


@attrs.frozen
class TableCurve:
    """A curve given by its thresholds: ``thresholds[L - 1]`` is the XP where level L starts.

    The thresholds must start at 0 and increase strictly (see :meth:`of`).

    >>> c = TableCurve.of("tiny", (0, 10, 30)).unwrap()
    >>> c.level_for_xp(29).unwrap(), c.level_for_xp(30).unwrap(), c.level_for_xp(10**6).unwrap()
    (2, 3, 3)
    >>> TableCurve.of("bad", (0, 10, 10)).failure().code
    'gamification.curve_not_increasing'
    """

    name: str
    thresholds: tuple[int, ...]

    @classmethod
    def of(cls, name: str, thresholds: tuple[int, ...]) -> Result[TableCurve, DomainError]:
        """Validate: integers (``gamification.xp_type``) starting at 0, strictly
        increasing, at most :data:`MAX_XP`.

        >>> TableCurve.of("floats", (0, 0.5)).failure().code
        'gamification.xp_type'
        """
        if not all(type(t) is int for t in thresholds):
            return Failure(DomainError.invalid("gamification.xp_type",
                                               "thresholds must be integers", curve=name))
        if not thresholds or thresholds[0] != 0:
            return Failure(DomainError.invalid("gamification.curve_start",
                                          "level 1 must start at 0 XP", curve=name))
        for index in range(1, len(thresholds)):
            if thresholds[index] <= thresholds[index - 1]:
                return Failure(DomainError.invalid(
                    "gamification.curve_not_increasing", "thresholds must increase strictly",
                    curve=name, level=index + 1))
        if thresholds[-1] > MAX_XP:
            return Failure(DomainError.invalid("gamification.xp_range", "threshold above MAX_XP",
                                          curve=name))
        return Success(cls(name, thresholds))

    @property
    def max_level(self) -> int:
        """The number of levels in the table."""
        return len(self.thresholds)

    def xp_for_level(self, level: int) -> Result[int, DomainError]:
        """The tabulated threshold."""
        problem = _check_level(level, self.max_level)
        return Failure(problem) if problem else Success(self.thresholds[level - 1])

    def level_for_xp(self, xp: int) -> Result[int, DomainError]:
        """Binary search: the number of thresholds ``<= xp``."""
        problem = _check_xp(xp)
        return Failure(problem) if problem else Success(bisect_right(self.thresholds, xp))


def geometric_curve(name: str, base: int, ratio: DecimalInput, max_level: int,
                    ) -> Result[TableCurve, DomainError]:
    """Moodle-style geometric curve: ``xp(L) = round_half_up(base * sum_{k<L-1} ratio**k)``.

    Summed as exact fractions; one ROUND_HALF_UP per level (PHP's ``round``, which Moodle
    uses).  ``ratio`` must be ``>= 1`` (``1`` is the flat curve ``base * (L - 1)``).

    >>> geometric_curve("moodle", 120, "1.3", 10).unwrap().thresholds
    (0, 120, 276, 479, 742, 1085, 1531, 2110, 2863, 3842)
    >>> geometric_curve("x", 120, "0.9", 10).failure().code
    'gamification.curve_parameters'
    >>> geometric_curve("x", 120, "abc", 10).failure().code
    'numeric.syntax'
    >>> geometric_curve("x", 120.0, "1.3", 10).failure().code   # whole numbers only
    'gamification.curve_parameters'
    """
    def build(parsed: Decimal) -> Result[TableCurve, DomainError]:
        whole = all(isinstance(v, int) and not isinstance(v, bool) for v in (base, max_level))
        if not whole or base < 1 or parsed < 1 or not 2 <= max_level <= 1000:
            return Failure(DomainError.invalid(
                "gamification.curve_parameters",
                "need base >= 1, ratio >= 1 and 2 <= max_level <= 1000",
                curve=name, base=base, ratio=ratio, max_level=max_level))
        return TableCurve.of(name, _geometric_thresholds(base, Fraction(parsed), max_level))

    return parse_decimal(ratio, "ratio").bind(build)


def _geometric_thresholds(base: int, ratio: Fraction, max_level: int) -> tuple[int, ...]:
    """``round_half_up(base * (1 + ratio + ... + ratio**(L-2)))`` for L = 1 .. max_level."""
    thresholds = [0]
    series = Fraction(0)
    power = Fraction(1)
    for _level in range(2, max_level + 1):
        series += power
        power *= ratio
        exact = base * series
        thresholds.append(math.floor(exact + Fraction(1, 2)))  # half up (exact > 0)
    return tuple(thresholds)


def _integer_root(value: int, k: int) -> int:
    """``floor(value ** (1/k))`` for ``value >= 0`` by Newton's method on integers."""
    if value < 2:
        return value
    guess = 1 << -(-value.bit_length() // k)  # >= the root
    while True:
        better = ((k - 1) * guess + value // guess ** (k - 1)) // k
        if better >= guess:
            return guess
        guess = better


def runescape_curve(max_level: int = 99, name: str = "runescape") -> TableCurve:
    """The RuneScape experience table, exactly.

    ``floor(l + 300 * 2**(l/7)) = l + iroot7(300**7 * 2**l)``; the quarter of the running sum
    is floored.  Checked against the published table (2: 83, 10: 1,154, 50: 101,333,
    92: 6,517,253, 99: 13,034,431).

    >>> runescape_curve(10).thresholds
    (0, 83, 174, 276, 388, 512, 650, 801, 969, 1154)
    """
    if not 2 <= max_level <= 126:
        raise ValueError("RuneScape levels run from 2 to 126")  # a programming error
    thresholds = [0]
    running = 0
    for l in range(1, max_level):  # noqa: E741 -- the formula's own name
        running += l + _integer_root(300**7 * 2**l, 7)
        thresholds.append(running // 4)
    return TableCurve(name, tuple(thresholds))


@attrs.frozen
class LevelProgress:
    """Where a lifetime XP total sits on a curve; the ``next_*`` fields are None at the cap."""

    curve: str
    xp: int
    level: int
    level_xp: int
    next_level_xp: int | None
    xp_to_next_level: int | None


def _progress(curve: LevelCurve, xp: int) -> Result[LevelProgress, DomainError]:
    def at_level(level: int) -> Result[LevelProgress, DomainError]:
        if curve.max_level is not None and level >= curve.max_level:
            return curve.xp_for_level(level).map(
                lambda floor: LevelProgress(curve.name, xp, level, floor, None, None))
        return curve.xp_for_level(level).bind(lambda floor: curve.xp_for_level(level + 1).map(
            lambda above: LevelProgress(curve.name, xp, level, floor, above, above - xp)))

    return curve.level_for_xp(xp).bind(at_level)


def level_progress(xp: int, curve: str | LevelCurve) -> Result[LevelProgress, DomainError]:
    """The level for ``xp`` on a curve (given by registry name or as a curve) and the XP still
    needed for the next level (None at the top of a capped curve).

    >>> p = level_progress(100, "runescape").unwrap()
    >>> p.level, p.xp_to_next_level
    (2, 74)
    >>> level_progress(10**6, "sqrt").unwrap().xp_to_next_level
    >>> level_progress(5, "nope").failure().code
    'gamification.unknown_curve'
    """
    if isinstance(curve, str):
        found = LEVEL_CURVES.get(curve)
        if found is None:
            return Failure(DomainError.invalid(
                "gamification.unknown_curve",
                f"unknown curve; choose one of {', '.join(sorted(LEVEL_CURVES))}", curve=curve))
        return _progress(found, xp)
    return _progress(curve, xp)


def level_ups(curve: LevelCurve, xp_before: int, xp_after: int, *, user_id: str,
              source_id: str, occurred_at: datetime, stream_id: str | None = None,
              ) -> tuple[LevelUp, ...]:
    """One ``LevelUp`` per level crossed going from ``xp_before`` to ``xp_after`` (ascending),
    written to ``stream_id`` (the user id by default).

    XP totals outside the curve's domain or a decrease yield no events.

    >>> from datetime import UTC
    >>> [e.level for e in level_ups(SquareRootCurve(), 0, 400, user_id="u", source_id="s",
    ...                             occurred_at=datetime(2026, 1, 1, tzinfo=UTC))]
    [2, 3]
    """
    before = curve.level_for_xp(xp_before).value_or(None)
    after = curve.level_for_xp(xp_after).value_or(None)
    if before is None or after is None:
        return ()
    stream = user_id if stream_id is None else stream_id
    return tuple(
        LevelUp(event_id=f"{source_id}/level/{curve.name}/{level}", stream_id=stream,
                occurred_at=occurred_at, user_id=user_id, curve=curve.name, level=level,
                total_xp=xp_after, source_id=source_id)
        for level in range(before + 1, after + 1)
    )


#: The shipped curves by name: ``linear`` (1,000 XP a level, unbounded), ``sqrt`` (unit 100,
#: capped at 100), ``moodle`` (Moodle's default 10 levels, base 120 x 1.3), ``geometric``
#: (base 120 x 1.3 over 50 levels), ``runescape`` (the 99-level table).
LEVEL_CURVES: Final[Mapping[str, LevelCurve]] = MappingProxyType({
    "linear": LinearCurve(),
    "sqrt": SquareRootCurve(),
    "moodle": TableCurve("moodle", _geometric_thresholds(120, Fraction(13, 10), 10)),
    "geometric": TableCurve("geometric", _geometric_thresholds(120, Fraction(13, 10), 50)),
    "runescape": runescape_curve(),
})
