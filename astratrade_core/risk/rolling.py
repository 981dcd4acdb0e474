"""Rolling Sharpe ratio and volatility over a sliding window of returns.

For each window of ``w`` consecutive returns ending at index ``t`` (``t = w-1 .. N-1``), the
window's volatility ``sqrt(var(r, ddof) * P)`` and Sharpe ratio
``(mean(r) - rf) * sqrt(P / var(r, ddof))`` -- exactly :func:`~astratrade_core.risk.metrics.
volatility` and :func:`~astratrade_core.risk.metrics.sharpe_ratio` of that window, as
quantstats' ``rolling_volatility`` and ``rolling_sharpe`` (pandas ``rolling(w).std()``,
``ddof = 1``) and empyrical's ``roll_sharpe_ratio`` compute them.  A window whose returns are
all equal has no Sharpe ratio (``Nothing``).

**Exact and linear.**  The returns are scaled by one power of ten into Python integers, so the
running sums ``sum(x)`` and ``sum(x**2)`` are *exact* as the window slides (one addition and
one subtraction per step, O(N) in all), and so is the variance numerator
``w sum(x**2) - sum(x)**2``: a zero variance is detected exactly.  Only the final division and
square root round, at 120 digits, before the usual rounding to ``places``.

>>> points = rolling_metrics(["0.01", "0.03", "0.02", "0.02"], window=2, periods_per_year=1,
...                          places=6).unwrap()
>>> for p in points:
...     print(p.end_index, p.volatility, p.sharpe.value_or(None))
1 0.014142 1.414214
2 0.007071 3.535534
3 0.000000 None
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Final

import attrs
from returns.maybe import Maybe, Nothing, Some
from returns.result import Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.numeric import CONTEXT, DecimalInput, Rounding
from astratrade_core.risk.metrics import RateBasis, check_periods, check_risk_free
from astratrade_core.risk.series import DEFAULT_PLACES, Inputs, rounded

__all__ = ["MAX_WINDOW", "RollingPoint", "default_window", "rolling_metrics"]

#: Largest rolling window (periods).
MAX_WINDOW: Final = 1_000_000


@attrs.frozen
class RollingPoint:
    """The window ending at return ``end_index``: its volatility and Sharpe ratio."""

    end_index: int
    volatility: Decimal
    sharpe: Maybe[Decimal]


def default_window(periods_per_year: int) -> int:
    """Half a year of periods, at least 2: 126 at 252 a year (quantstats' default).

    >>> default_window(252), default_window(365), default_window(12), default_window(1)
    (126, 182, 6, 2)
    """
    return max(2, periods_per_year // 2)


def _scaled_integers(values: tuple[Decimal, ...]) -> tuple[list[int], int]:
    """``(ints, k)`` with ``ints[i] == values[i] * 10**k`` exactly."""
    exponents = [v.as_tuple().exponent for v in values]
    k = max((-e for e in exponents if isinstance(e, int)), default=0)
    k = max(k, 0)
    return [int(v.scaleb(k, CONTEXT)) for v in values], k


def rolling_of(values: tuple[Decimal, ...], window: int, ddof: int, rate: Decimal,
               periods: int) -> list[tuple[int, Decimal, Decimal | None]]:
    """Unrounded ``(end_index, volatility, sharpe or None)`` of every full window."""
    if len(values) < window:
        return []
    ints, k = _scaled_integers(values)
    scale = Decimal(10) ** k
    div, mul, sub, sqrt = CONTEXT.divide, CONTEXT.multiply, CONTEXT.subtract, CONTEXT.sqrt
    w = Decimal(window)
    # var = (w S2 - S1^2) / (w (w - ddof)) / 10^(2k)
    denominator = mul(mul(w, Decimal(window - ddof)), mul(scale, scale))
    per_year = Decimal(periods)
    total = sum(ints[:window])
    squares = sum(x * x for x in ints[:window])
    out: list[tuple[int, Decimal, Decimal | None]] = []
    for end in range(window - 1, len(ints)):
        if end >= window:
            leaving, entering = ints[end - window], ints[end]
            total += entering - leaving
            squares += entering * entering - leaving * leaving
        numerator = window * squares - total * total
        variance = div(Decimal(numerator), denominator)
        volatility = sqrt(mul(variance, per_year))
        sharpe = None
        if numerator:
            centre = div(Decimal(total), mul(w, scale))
            sharpe = mul(sub(centre, rate), sqrt(div(per_year, variance)))
        out.append((end, volatility, sharpe))
    return out


def rolling_points(raw: list[tuple[int, Decimal, Decimal | None]], places: int,
                   rounding: Rounding) -> tuple[RollingPoint, ...]:
    """Round the output of :func:`rolling_of`."""
    def maybe(value: Decimal | None) -> Maybe[Decimal]:
        return Nothing if value is None else Some(rounded(value, places, rounding))

    return tuple(RollingPoint(end, rounded(vol, places, rounding), maybe(sharpe))
                 for end, vol, sharpe in raw)


def rolling_metrics(returns: Iterable[DecimalInput], *, window: int, risk_free: DecimalInput = 0,
                    risk_free_basis: RateBasis = RateBasis.PER_PERIOD,
                    periods_per_year: int = 252, ddof: int = 1, places: int = DEFAULT_PLACES,
                    rounding: Rounding = Rounding.HALF_EVEN,
                    ) -> Result[tuple[RollingPoint, ...], DomainError]:
    """Volatility and Sharpe ratio of every window of ``window`` consecutive returns (none
    when there are fewer returns than that).

    >>> rolling_metrics(["0.01"], window=1).failure().code
    'risk.metrics.window'
    """
    check = Inputs()
    values = check.returns(returns)
    degrees = check.integer(ddof, "ddof", 0, 1)
    size = check.integer(window, "window", 2, MAX_WINDOW)
    if size <= degrees:
        check.fail("risk.metrics.window", "the window must be longer than ddof",
                   window=size, ddof=degrees)
    periods = check_periods(check, periods_per_year)
    rate = check_risk_free(check, risk_free, risk_free_basis, periods)
    digits = check.places(places)
    return check.then(lambda: Success(rolling_points(
        rolling_of(values, size, degrees, rate, periods), digits, rounding)))

