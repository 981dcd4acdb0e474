"""Risk metrics in exact Decimal against float baselines timed in the same run.

* ``summarize`` of 100,000 daily returns given as strings (every metric, 12 places) vs
  parsing the same strings with ``parse_decimal`` alone (the validation floor any exact
  API pays; target: summary <= 4x parsing, < 1 s per 100,000 returns);
* the same summary vs numpy float64 computing mean, std, Sharpe, Sortino, drawdown and
  historical VaR/CVaR from an already-parsed array (the float ceiling exactness gives up;
  target: <= 20x);
* ``max_drawdown`` of 100,000 equity values vs a plain-Python float loop;
* one ``normal_quantile`` (Acklam + Newton on a Decimal CDF series, 28 places) vs
  ``statistics.NormalDist().inv_cdf`` in float (target: < 5 ms per quantile).
"""

from __future__ import annotations

import random
import statistics

import numpy as np

from astratrade_core.numeric import parse_decimal
from astratrade_core.risk import max_drawdown, normal_quantile, summarize
from benchmarks.harness import Comparison, compare

__all__ = ["run"]


def _float_metrics(returns: np.ndarray) -> tuple[float, ...]:
    mean = float(np.mean(returns))
    std = float(np.std(returns, ddof=1))
    downside = float(np.sqrt(np.mean(np.square(np.clip(returns, -np.inf, 0)))))
    curve = np.concatenate([[1.0], np.cumprod(1 + returns)])
    peaks = np.fmax.accumulate(curve)
    ordered = np.sort(returns)
    cut = int((len(returns) - 1) * 0.05)
    return (mean / std * 252**0.5, mean / downside * 252**0.5,
            float(np.min(curve / peaks - 1)), float(np.percentile(returns, 5)),
            float(np.mean(ordered[: cut + 1])))


def _float_drawdown(equity: list[float]) -> float:
    peak, worst = equity[0], 0.0
    for value in equity:
        peak = max(peak, value)
        worst = max(worst, 1 - value / peak)
    return worst


def run(quick: bool) -> list[Comparison]:
    """Time the exact metrics against float and parse-only baselines (1,000 when quick)."""
    n = 1_000 if quick else 100_000
    rng = random.Random(20261124)
    texts = [f"{rng.gauss(0.0004, 0.012):.6f}" for _ in range(n)]
    floats = np.array([float(t) for t in texts])
    equity_texts = [f"{100 * (1 + 0.0001 * i) + rng.uniform(-5, 5):.2f}" for i in range(n)]
    equity_floats = [float(t) for t in equity_texts]
    repeats = 2 if quick else 3
    label = f"{n:,} returns"

    def parse_only() -> None:
        for text in texts:
            parse_decimal(text)

    quantile_probes = [f"0.{rng.randrange(1, 10**6):06d}" for _ in range(20)]
    float_dist = statistics.NormalDist()

    return [
        compare(f"risk summarize, {label}", lambda: summarize(texts),
                "parse_decimal only", parse_only, repeats=repeats, per=n, unit="return",
                target="<= 4x; < 1 s per 100k"),
        compare(f"risk summarize, {label}", lambda: summarize(texts),
                "numpy float64 metrics", lambda: _float_metrics(floats), repeats=repeats,
                per=n, unit="return", target="<= 20x"),
        compare(f"max_drawdown, {n:,} equity values", lambda: max_drawdown(equity_texts),
                "python float loop", lambda: _float_drawdown(equity_floats),
                repeats=repeats, per=n, unit="value", target="(for the record)"),
        compare("normal_quantile (28 places)",
                lambda: [normal_quantile(p) for p in quantile_probes],
                "NormalDist.inv_cdf (float)",
                lambda: [float_dist.inv_cdf(float(p)) for p in quantile_probes],
                repeats=repeats, per=len(quantile_probes), unit="quantile",
                target="< 5 ms per quantile"),
    ]
