"""Timing helpers shared by the benchmark modules.

``compare`` times a candidate and a baseline in the same process, interleaved, and keeps the
best of several repeats of each (the minimum is the least noisy estimator on a shared machine).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import attrs

__all__ = ["Comparison", "best_of", "compare", "format_table"]


@attrs.frozen
class Comparison:
    """One benchmark line: candidate vs baseline, seconds per operation, and a target."""

    name: str
    candidate_s: float
    baseline_name: str
    baseline_s: float
    unit: str = "op"
    target: str = ""

    @property
    def ratio(self) -> float:
        """Candidate time / baseline time (lower is better; 1.0 means equally fast)."""
        return self.candidate_s / self.baseline_s if self.baseline_s else float("inf")


def best_of(fn: Callable[[], object], repeats: int = 5, number: int = 1) -> float:
    """Seconds per call of ``fn``: the best of ``repeats`` rounds of ``number`` calls."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - started) / number)
    return best


def compare(
    name: str,
    candidate: Callable[[], object],
    baseline_name: str,
    baseline: Callable[[], object],
    *,
    number: int = 1,
    repeats: int = 5,
    per: int = 1,
    unit: str = "op",
    target: str = "",
) -> Comparison:
    """Time ``candidate`` and ``baseline`` alternately; ``per`` divides each call's time
    (a call that processes ``per`` items reports seconds per item)."""
    cand = base = float("inf")
    for _ in range(repeats):
        cand = min(cand, best_of(candidate, 1, number))
        base = min(base, best_of(baseline, 1, number))
    return Comparison(name, cand / per, baseline_name, base / per, unit, target)


def _fmt_time(seconds: float) -> str:
    for scale, suffix in ((1.0, "s"), (1e-3, "ms"), (1e-6, "us"), (1e-9, "ns")):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {suffix}"
    return f"{seconds / 1e-9:.3g} ns"


def format_table(rows: list[Comparison]) -> str:
    """A plain-text table: name, candidate time, baseline, baseline time, ratio, target."""
    header = ("benchmark", "time/unit", "baseline", "baseline time", "ratio", "target")
    body = [
        (r.name, f"{_fmt_time(r.candidate_s)}/{r.unit}", r.baseline_name,
         f"{_fmt_time(r.baseline_s)}/{r.unit}", f"{r.ratio:.2f}x", r.target)
        for r in rows
    ]
    widths = [max(len(str(row[i])) for row in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True))
             for row in [header, *body]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
