"""Yield quotes: APR and APY for ``n`` compounding periods, and streak-based yield bonuses.

**APR -> APY**: ``APY = (1 + APR/n)**n - 1`` with an integer ``n`` (12 monthly, 365 daily, ...),
computed under :data:`~astratrade_core.numeric.CONTEXT` (120 significant digits; an integer
power is computed by repeated multiplication there) and rounded once, ``HALF_EVEN``, to
``places`` decimal places (18 by default, a wad's resolution).

**APY -> APR**: ``APR = n * ((1 + APY)**(1/n) - 1)``.  The ``n``-th root is
``exp(ln(1 + APY) / n)`` under ``CONTEXT``: correct to about 118 significant digits before the
final ``HALF_EVEN`` rounding to ``places``, so the result is the correctly rounded value unless
the exact one lies within ~1e-100 of a rounding tie.  For ``APY >= 0`` the round trip
``apr_from_apy(apy_from_apr(r))`` is within ``10**-places`` of ``r``.

For a positive APR, ``APY >= APR`` (equal when ``n == 1``) and APY grows with ``n``.

**Bounds.**  ``periods`` is an integer in ``1..10**9`` and ``places`` in ``0..28``; an APR whose
APY would reach ``10**48`` (:data:`~astratrade_core.numeric.MAX_COMPUTED_INTEGER_DIGITS`
digits: ``apy_from_apr("1000", 365)`` is about ``10**209``) is refused with
``defi.rate_range`` before the power is computed, never an exception.

**Streak bonuses** (:class:`StreakBonusTable`): a rule table of ``(min_streak_days,
bonus_bps)`` rows; a streak earns the bonus of the last row it reaches (0 below the first), and
the boosted APR is ``APR * (10000 + bonus_bps) / 10000`` (exact).  Tables must be ordered by
strictly increasing days with non-decreasing bonuses, so a longer streak never earns less.

>>> from decimal import Decimal
>>> apy_from_apr(Decimal("0.12"), 12, places=10).unwrap()      # 1.01**12 - 1
Decimal('0.1268250301')
>>> STREAK_YIELD_BONUSES.boosted_apr(Decimal("0.08"), 45)
Decimal('0.088')
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect, collect_all
from astratrade_core.numeric import (
    CONTEXT,
    MAX_COMPUTED_INTEGER_DIGITS,
    ONE,
    DecimalInput,
    Rounding,
    parse_decimal,
    quantize,
)
from astratrade_core.revenue.commands import bundled

__all__ = [
    "STREAK_YIELD_BONUSES",
    "StreakBonusRule",
    "StreakBonusTable",
    "apr_from_apy",
    "apy_from_apr",
]

_BPS = Decimal(10_000)
_MAX_PERIODS = 10**9


def _check_periods_places(periods: int, places: int) -> DomainError | None:
    if isinstance(periods, bool) or not isinstance(periods, int) or not (
        1 <= periods <= _MAX_PERIODS
    ):
        return DomainError.invalid(
            "defi.periods", f"periods must be an integer in 1..{_MAX_PERIODS}",
                              periods=periods)
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 28:
        return DomainError.invalid(
            "defi.places", "places must be an integer in 0..28", places=places)
    return None


def apy_from_apr(apr: DecimalInput, periods: int, places: int = 18) -> Result[Decimal, DomainError]:
    """The effective annual yield of a nominal ``apr`` compounded ``periods`` times a year.

    >>> apy_from_apr("0.05", 1).unwrap()
    Decimal('0.050000000000000000')
    >>> apy_from_apr("0.1", 365, places=8).unwrap()
    Decimal('0.10515578')
    >>> apy_from_apr("-2", 2).failure().code
    'defi.rate_range'
    >>> apy_from_apr("1000", 365).failure().code     # an APY of about 10**209
    'defi.rate_range'
    """
    problem = _check_periods_places(periods, places)
    if problem is not None:
        return Failure(problem)
    n = Decimal(periods)

    def convert(rate: Decimal) -> Result[Decimal, DomainError]:
        base = CONTEXT.add(ONE, CONTEXT.divide(rate, n))
        if base <= 0:
            return Failure(DomainError.invalid("defi.rate_range", "APR must be above -periods",
                                          apr=rate, periods=periods))
        # digits of the result, estimated before the power is taken (it could overflow)
        if CONTEXT.multiply(CONTEXT.log10(base), n) >= MAX_COMPUTED_INTEGER_DIGITS:
            return Failure(DomainError.invalid(
                "defi.rate_range",
                f"the APY would reach 1E+{MAX_COMPUTED_INTEGER_DIGITS}", apr=rate,
                periods=periods))
        grown = CONTEXT.power(base, periods)
        return Success(quantize(CONTEXT.subtract(grown, ONE), places, Rounding.HALF_EVEN))

    return parse_decimal(apr, "apr").bind(convert)


def apr_from_apy(apy: DecimalInput, periods: int, places: int = 18) -> Result[Decimal, DomainError]:
    """The nominal APR that compounds ``periods`` times a year to ``apy``.

    >>> apr_from_apy("0.1268250301", 12, places=6).unwrap()
    Decimal('0.120000')
    >>> apr_from_apy("-1", 12).failure().code
    'defi.rate_range'
    """
    problem = _check_periods_places(periods, places)
    if problem is not None:
        return Failure(problem)
    n = Decimal(periods)

    def convert(rate: Decimal) -> Result[Decimal, DomainError]:
        grown = CONTEXT.add(ONE, rate)
        if grown <= 0:
            return Failure(DomainError.invalid("defi.rate_range", "APY must be above -1", apy=rate))
        root = CONTEXT.exp(CONTEXT.divide(CONTEXT.ln(grown), n))
        exact = CONTEXT.multiply(n, CONTEXT.subtract(root, ONE))
        return Success(quantize(exact, places, Rounding.HALF_EVEN))

    return parse_decimal(apy, "apy").bind(convert)


@attrs.frozen
class StreakBonusRule:
    """From ``min_streak_days`` consecutive days on, yields are boosted by ``bonus_bps``."""

    min_streak_days: int
    bonus_bps: int


@attrs.frozen
class StreakBonusTable:
    """An ordered rule table (see the module docstring)."""

    rules: tuple[StreakBonusRule, ...]

    @classmethod
    def of(cls, rows: Sequence[tuple[int, int]]) -> Result[StreakBonusTable, DomainError]:
        """Validate ``(min_streak_days, bonus_bps)`` rows, reporting every problem.

        >>> StreakBonusTable.of([(7, 500), (7, 400), (-1, 0)]).failure().codes()
        ('defi.streak_value', 'defi.streak_order', 'defi.streak_order')
        """
        def value(index: int, days: int, bps: int) -> Result[StreakBonusRule, DomainError]:
            if any(isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 100_000
                   for v in (days, bps)):
                return Failure(DomainError.invalid(
                    "defi.streak_value", "days and bonus must be integers in 0..100000",
                    index=index))
            return Success(StreakBonusRule(days, bps))

        def order(index: int) -> Result[None, DomainError]:
            (d0, b0), (d1, b1) = rows[index - 1], rows[index]
            if d1 <= d0 or b1 < b0:
                return Failure(DomainError.invalid(
                    "defi.streak_order", "days must increase and bonuses not decrease",
                    index=index))
            return Success(None)

        return collect("defi.streak_table",
                       collect_all("defi.streak_values",
                                   [value(i, d, b) for i, (d, b) in enumerate(rows)]),
                       collect_all("defi.streak_order",
                                   [order(i) for i in range(1, len(rows))]),
                       ).alt(lambda error: bundled("defi.streak_table", error)).map(
            lambda parts: cls(parts[0]))

    def bonus_bps(self, streak_days: int) -> int:
        """The bonus a streak of ``streak_days`` earns (0 below the first rule).

        >>> STREAK_YIELD_BONUSES.bonus_bps(6), STREAK_YIELD_BONUSES.bonus_bps(7)
        (0, 500)
        """
        earned = 0
        for rule in self.rules:
            if streak_days < rule.min_streak_days:
                break
            earned = rule.bonus_bps
        return earned

    def boosted_apr(self, apr: Decimal, streak_days: int) -> Decimal:
        """``apr * (10000 + bonus_bps) / 10000``, exact.

        >>> STREAK_YIELD_BONUSES.boosted_apr(Decimal("0.10"), 400)
        Decimal('0.150')
        """
        factor = CONTEXT.divide(Decimal(10_000 + self.bonus_bps(streak_days)), _BPS)
        return CONTEXT.multiply(apr, factor)


#: Shipped streak bonuses: a week +5 %, a month +10 %, a quarter +20 %, a year +50 % of APR.
STREAK_YIELD_BONUSES = StreakBonusTable((
    StreakBonusRule(7, 500),
    StreakBonusRule(30, 1_000),
    StreakBonusRule(90, 2_000),
    StreakBonusRule(365, 5_000),
))
