"""Hypothesis strategies for the risk metrics: return and equity series, conventions.

Returns are per-period simple returns in ``(-1, 1]`` with few fractional digits (so that
hand-checkable properties such as scale invariance have room to scale); equity values are
strictly positive.

>>> from hypothesis import given
>>> @given(return_series())
... def check(rs): assert all(r > -1 for r in rs)
>>> check()
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from astratrade_core.numeric import CONTEXT, ONE, ZERO, Rounding
from astratrade_core.risk.distribution import MomentEstimator
from astratrade_core.risk.metrics import DownsideDivisor, RateBasis
from astratrade_core.risk.series import LossSign
from astratrade_core.risk.stats import QuantileMethod
from astratrade_core.risk.summary import MetricConventions
from astratrade_core.testing.strategies import decimals, positive_decimals

__all__ = ["confidence_levels", "equity_series", "metric_conventions", "return_series"]


def return_series(min_size: int = 1, max_size: int = 40,
                  places: int = 4) -> st.SearchStrategy[list[Decimal]]:
    """Lists of per-period returns in ``[-0.9999, 1]`` (never a total loss)."""
    low = CONTEXT.subtract(ONE.scaleb(-places, CONTEXT), ONE)
    return st.lists(decimals(low, 1, places), min_size=min_size, max_size=max_size)


def equity_series(min_size: int = 1, max_size: int = 40,
                  places: int = 2) -> st.SearchStrategy[list[Decimal]]:
    """Lists of strictly positive equity values below 10**6."""
    return st.lists(positive_decimals(10**6, places), min_size=min_size, max_size=max_size)


def confidence_levels(places: int = 3, *, inclusive: bool = False,
                      ) -> st.SearchStrategy[Decimal]:
    """Confidence levels strictly between 0 and 1 (``inclusive``: 0 and 1 too, as historical
    VaR and CVaR accept)."""
    if inclusive:
        return decimals(ZERO, ONE, places)
    step = ONE.scaleb(-places, CONTEXT)
    return decimals(step, CONTEXT.subtract(ONE, step), places)


def metric_conventions() -> st.SearchStrategy[MetricConventions]:
    """Valid :class:`MetricConventions` of every flavour."""
    return st.builds(
        MetricConventions,
        periods_per_year=st.sampled_from([1, 4, 12, 52, 252, 365]),
        ddof=st.sampled_from([0, 1]),
        risk_free=decimals(Decimal("-0.01"), Decimal("0.05"), 4),
        risk_free_basis=st.sampled_from(RateBasis),
        target_return=decimals(Decimal("-0.01"), Decimal("0.01"), 4),
        downside_divisor=st.sampled_from(DownsideDivisor),
        confidence=confidence_levels(2, inclusive=True),
        quantile_method=st.sampled_from(QuantileMethod),
        loss_sign=st.sampled_from(LossSign),
        moment_estimator=st.sampled_from(MomentEstimator),
        omega_required_return=decimals(Decimal("-0.5"), Decimal("0.5"), 3),
        tail_cutoff=decimals(ZERO, ONE, 2),
        places=st.integers(0, 20),
        rounding=st.sampled_from(Rounding),
    )
