"""Timing helpers, targets and the results table shared by the benchmark modules.

``compare`` times a candidate and a baseline in the same process, interleaved, and keeps the
best of several repeats of each (the minimum is the least noisy estimator on a shared machine).
It reads the **CPU time of this process** by default (``time.process_time``): on a machine
shared with other work, wall time charges a long candidate for every time slice the scheduler
gives away while a short baseline often runs uninterrupted, so the ratio would measure the
load.  A benchmark whose cost is waiting (fsync, sockets, child processes) passes
``clock=WALL`` (``time.perf_counter``) instead; each row records which clock timed it.

A row's ``target`` is text with a small grammar, so that the table can say whether it is met:

* ``<= 10x`` / ``< 1x`` / ``<= 2.0``: the ratio candidate time / baseline time (words after
  the ``x`` name the baseline: ``<= 4x parsing``);
* ``< 0.5 s``, ``< 1 ms``, ``< 100 us``, ``< 1 s per 100k``: the candidate's time per unit
  (times the count after ``per`` when it is a number; ``per quantile`` just names the unit);
* ``>= 1M events/s``, ``~500k events/s``: the candidate's rate (``~`` reads as ``>=``);
* clauses joined with ``,`` or ``;`` must all hold; text in parentheses is a comment;
* anything else (``the accounting floor``, ``(for the record)``, empty) is a note with
  nothing to meet.  A clause that starts with ``<``, ``>`` or ``~`` and does not parse is an
  error, so a typo never silently drops a target.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import attrs

__all__ = ["CPU", "WALL", "Comparison", "Target", "best_of", "compare", "format_table",
           "results_json", "write_results"]

#: The clocks a benchmark can be timed with: this process's CPU time, or elapsed time.
CPU: Callable[[], float] = time.process_time
WALL: Callable[[], float] = time.perf_counter

_TIME_UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}
_COUNTS = {"": 1.0, "k": 1e3, "M": 1e6}
_NUMBER = r"(\d+(?:\.\d+)?)"
_RATIO = re.compile(rf"(<=|<)\s*{_NUMBER}\s*(?:x(?:\s+[A-Za-z][A-Za-z ]*)?)?")
_TIME = re.compile(rf"(<=|<)\s*{_NUMBER}\s*(s|ms|us|µs|ns)"
                   rf"(?:\s+per\s+(?:{_NUMBER}\s*(k|M)?|[A-Za-z]+))?(?:\s+absolute)?")
_RATE = re.compile(rf"(>=|~)\s*{_NUMBER}\s*(k|M)?\s+[A-Za-z]+/s")
_COMMENT = re.compile(r"\([^)]*\)")


@attrs.frozen
class _Clause:
    kind: str  # "ratio", "time" or "rate"
    bound: float
    strict: bool

    def holds(self, row: Comparison) -> bool:
        value = {"ratio": row.ratio, "time": row.candidate_s,
                 "rate": 1 / row.candidate_s if row.candidate_s else float("inf")}[self.kind]
        if self.kind == "rate":
            return value >= self.bound
        return value < self.bound if self.strict else value <= self.bound


@attrs.frozen
class Target:
    """A parsed target: the clauses that must all hold (none: a note, nothing to meet)."""

    text: str
    clauses: tuple[_Clause, ...]

    @classmethod
    def parse(cls, text: str) -> Target:
        """Read ``text`` with the grammar of the module docstring; ``ValueError`` for a clause
        that starts like a target but does not parse.

        >>> [c.kind for c in Target.parse("<= 4x, >= 1M events/s (the floor)").clauses]
        ['ratio', 'rate']
        >>> Target.parse("(for the record)").clauses
        ()
        """
        clauses = []
        for part in re.split(r"[,;]", _COMMENT.sub("", text)):
            clause = part.strip()
            if not clause or clause[0] not in "<>~":
                continue
            if match := _TIME.fullmatch(clause):
                op, number, unit, count, suffix = match.groups()
                per = float(count) * _COUNTS[suffix or ""] if count else 1.0
                clauses.append(_Clause("time", float(number) * _TIME_UNITS[unit] / per,
                                       op == "<"))
            elif match := _RATIO.fullmatch(clause):
                clauses.append(_Clause("ratio", float(match[2]), match[1] == "<"))
            elif match := _RATE.fullmatch(clause):
                clauses.append(_Clause("rate", float(match[2]) * _COUNTS[match[3] or ""],
                                       False))
            else:
                raise ValueError(f"cannot read the target clause {clause!r} in {text!r}")
        return cls(text, tuple(clauses))

    def met(self, row: Comparison) -> bool | None:
        """Whether every clause holds for ``row``; ``None`` when there is nothing to meet."""
        if not self.clauses:
            return None
        return all(clause.holds(row) for clause in self.clauses)


@attrs.frozen
class Comparison:
    """One benchmark line: candidate vs baseline, seconds per operation, and a target."""

    name: str
    candidate_s: float
    baseline_name: str
    baseline_s: float
    unit: str = "op"
    target: str = ""
    clock: str = "cpu"  # "cpu" (this process's CPU time) or "wall" (elapsed)

    @property
    def ratio(self) -> float:
        """Candidate time / baseline time (lower is better; 1.0 means equally fast)."""
        return self.candidate_s / self.baseline_s if self.baseline_s else float("inf")

    @property
    def met(self) -> bool | None:
        """Whether the target is met (``None``: no target, the row is for the record)."""
        return Target.parse(self.target).met(self)


def best_of(fn: Callable[[], object], repeats: int = 5, number: int = 1,
            clock: Callable[[], float] = CPU) -> float:
    """Seconds per call of ``fn``: the best of ``repeats`` rounds of ``number`` calls."""
    best = float("inf")
    for _ in range(repeats):
        started = clock()
        for _ in range(number):
            fn()
        best = min(best, (clock() - started) / number)
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
    clock: Callable[[], float] = CPU,
) -> Comparison:
    """Time ``candidate`` and ``baseline`` alternately with ``clock``; ``per`` divides each
    call's time (a call that processes ``per`` items reports seconds per item)."""
    Target.parse(target)  # a malformed target fails before anything is timed
    cand = base = float("inf")
    for _ in range(repeats):
        cand = min(cand, best_of(candidate, 1, number, clock))
        base = min(base, best_of(baseline, 1, number, clock))
    return Comparison(name, cand / per, baseline_name, base / per, unit, target,
                      "wall" if clock is WALL else "cpu")


def _fmt_time(seconds: float) -> str:
    for scale, suffix in ((1.0, "s"), (1e-3, "ms"), (1e-6, "us"), (1e-9, "ns")):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {suffix}"
    return f"{seconds / 1e-9:.3g} ns"


def _fmt_met(met: bool | None) -> str:
    return {True: "met", False: "NOT MET", None: "-"}[met]


def format_table(rows: Iterable[Comparison]) -> str:
    """A plain-text table: figure, its time per unit, the baseline and its time (same run),
    the ratio, the target and whether it is met."""
    header = ("figure", "time/unit", "baseline", "baseline time", "ratio", "target", "met")
    body = [
        (r.name, f"{_fmt_time(r.candidate_s)}/{r.unit}", r.baseline_name,
         f"{_fmt_time(r.baseline_s)}/{r.unit}", f"{r.ratio:.2f}x", r.target, _fmt_met(r.met))
        for r in rows
    ]
    widths = [max(len(str(row[i])) for row in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in [header, *body]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def results_json(rows: Iterable[Comparison], **run: Any) -> str:
    """The rows as JSON (``run`` describes the run: quick, modules, load...)."""
    return json.dumps({
        **run,
        "rows": [{"figure": r.name, "unit": r.unit, "seconds_per_unit": r.candidate_s,
                  "per_second": 1 / r.candidate_s if r.candidate_s else None,
                  "baseline": r.baseline_name, "baseline_seconds_per_unit": r.baseline_s,
                  "ratio": r.ratio, "target": r.target, "met": r.met, "clock": r.clock}
                 for r in rows],
    }, indent=2) + "\n"


def write_results(path: Path, rows: Iterable[Comparison], **run: Any) -> None:
    """Write :func:`results_json` to ``path``."""
    path.write_text(results_json(rows, **run), encoding="utf-8")
