"""Run registered properties in parallel worker processes, print the table, write the report.

Each property runs in its own forked process (so CrossHair's tracing, Hypothesis settings and
Z3 contexts never leak between checks) under a hard wall-clock limit; ``jobs`` of them run at
once (2 on the reference machine).  The report is JSON: per property its key, method, status,
evidence, detail, seconds and bounds; per mutant whether it was killed and by what.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

import attrs

from proofs.engines import check
from proofs.mutants import MUTANTS
from proofs.registry import Method, Outcome, Property, Status, Tier, load_all

__all__ = ["Checked", "MutantResult", "format_table", "run_mutants", "run_properties",
           "write_report"]

ROOT = Path(__file__).resolve().parent.parent

# CrossHair checks take longest: start them first so the two workers finish together.
_ORDER = {Method.CROSSHAIR: 0, Method.HYPOTHESIS_CROSSHAIR: 1, Method.HYPOTHESIS: 2,
          Method.Z3: 3}


@attrs.frozen
class Checked:
    """One property's outcome with its wall-clock time."""

    prop: Property
    outcome: Outcome
    seconds: float

    def as_json(self) -> dict[str, Any]:
        """The report row."""
        return {
            "key": self.prop.key, "statement": self.prop.statement,
            "method": self.prop.method.value, "targets": list(self.prop.targets),
            "bounds": self.prop.bounds, "status": self.outcome.status.value,
            "evidence": self.outcome.evidence, "detail": self.outcome.detail,
            "seconds": round(self.seconds, 2),
        }


def _child(key: str, tier: Tier, conn: Connection) -> None:
    prop = load_all()[key]
    outcome = check(prop, tier)
    conn.send((outcome.status.value, outcome.evidence, outcome.detail))
    conn.close()


def run_properties(props: Sequence[Property], tier: Tier, jobs: int = 2,
                   progress: bool = True) -> list[Checked]:
    """Check ``props`` with at most ``jobs`` worker processes; results in registry order."""
    context = multiprocessing.get_context("fork")
    pending = sorted(props, key=lambda p: (_ORDER[p.method], p.key))
    running: dict[Any, tuple[Property, Any, Connection, float]] = {}
    done: dict[str, Checked] = {}
    while pending or running:
        while pending and len(running) < max(1, jobs):
            prop = pending.pop(0)
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(prop.key, tier, sender))
            process.start()
            sender.close()
            running[process.sentinel] = (prop, process, receiver, time.perf_counter())
        ready = wait(list(running), timeout=1.0)
        now = time.perf_counter()
        for sentinel in list(running):
            prop, process, receiver, started = running[sentinel]
            if sentinel not in ready and now - started < tier.hard_timeout:
                continue
            if sentinel not in ready:
                process.kill()
                outcome = Outcome(Status.TIMEOUT, "",
                                  f"killed after {tier.hard_timeout:.0f}s wall clock")
            else:
                outcome = _receive(receiver, process)
            process.join()
            receiver.close()
            del running[sentinel]
            done[prop.key] = Checked(prop, outcome, now - started)
            if progress:
                print(f"  {outcome.status.value:<14} {prop.key} ({now - started:.1f}s)",
                      file=sys.stderr, flush=True)
    return [done[p.key] for p in sorted(props, key=lambda p: p.key)]


def _receive(receiver: Connection, process: Any) -> Outcome:
    try:
        status, evidence, detail = receiver.recv()
    except EOFError:
        process.join()
        return Outcome(Status.ERROR, "", f"worker died (exit code {process.exitcode})")
    return Outcome(Status(status), evidence, detail)


@attrs.frozen
class MutantResult:
    """A mutant run: ``killed`` when at least one targeted property found a counterexample."""

    key: str
    description: str
    target: str
    killed: bool
    killers: tuple[str, ...]
    seconds: float
    error: str = ""

    def as_json(self) -> dict[str, Any]:
        """The report row."""
        return attrs.asdict(self, recurse=False) | {"killers": list(self.killers),
                                                    "seconds": round(self.seconds, 2)}


def run_mutants(keys: Iterable[str], tier: Tier, jobs: int = 2, progress: bool = True,
                method: str | None = None) -> list[MutantResult]:
    """Run each mutant in a fresh interpreter (``python -m proofs mutant KEY``) so the mutated
    module is the one every importer sees; at most ``jobs`` at once.  ``method`` restricts the
    killers to one method's properties."""
    pending = list(keys)
    running: list[tuple[str, subprocess.Popen[str], float]] = []
    results: dict[str, MutantResult] = {}
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    while pending or running:
        while pending and len(running) < max(1, jobs):
            key = pending.pop(0)
            command = [sys.executable, "-m", "proofs", "mutant", key, "--tier", tier.name,
                       *(["--method", method] if method else [])]
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True)
            running.append((key, process, time.perf_counter()))
        key, process, started = running.pop(0)
        limit = tier.hard_timeout * 4
        try:
            out, err = process.communicate(timeout=max(1.0, limit - (time.perf_counter()
                                                                      - started)))
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
            err = f"mutant run killed after {limit:.0f}s\n{err}"
        mutant = MUTANTS[key]
        seconds = time.perf_counter() - started
        try:
            payload = json.loads(out.strip().splitlines()[-1])
            killers = tuple(payload["killers"])
            error = payload.get("error", "")
        except (ValueError, IndexError, KeyError):
            killers, error = (), (err or out)[-1500:]
        results[key] = MutantResult(key, mutant.description, mutant.target, bool(killers),
                                    killers, seconds, error)
        if progress:
            state = "killed" if killers else "SURVIVED"
            print(f"  mutant {state:<9} {key} ({seconds:.1f}s) {method or ''} {' '.join(killers)}",
                  file=sys.stderr, flush=True)
    return [results[k] for k in sorted(results)]


def format_table(rows: Sequence[Checked]) -> str:
    """The human table: property · method · status · time · evidence."""
    header = ("property", "method", "status", "time", "evidence")
    body = [(r.prop.key, r.prop.method.value, r.outcome.status.value, f"{r.seconds:.1f}s",
             r.outcome.evidence) for r in rows]
    widths = [max(len(str(line[i])) for line in [header, *body]) for i in range(5)]
    lines = ["  ".join(str(cell).ljust(w) for cell, w in zip(line, widths, strict=True))
             .rstrip() for line in [header, *body]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    failures = [r for r in rows if not r.outcome.status.ok]
    for r in failures:
        lines.append(f"\nFAILED {r.prop.key} [{r.outcome.status.value}]\n{r.outcome.detail}")
    return "\n".join(lines)


def write_report(path: Path, tier: Tier, rows: Sequence[Checked],
                 mutants: Sequence[MutantResult], *, seconds: float, budget: float,
                 crosshair_matrix: Sequence[MutantResult] = ()) -> dict[str, Any]:
    """Write (and return) the machine-readable report.  ``crosshair_matrix`` (informational,
    not part of ``ok``) records which mutants the CrossHair contracts catch on their own."""
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        by_status = counts.setdefault(row.prop.method.value, {})
        by_status[row.outcome.status.value] = by_status.get(row.outcome.status.value, 0) + 1
    killed = sum(m.killed for m in mutants)
    report = {
        "tier": tier.name,
        "tier_settings": attrs.asdict(tier),
        "ok": all(r.outcome.status.ok for r in rows) and killed == len(mutants)
        and seconds <= budget,
        "seconds": round(seconds, 1),
        "budget_seconds": budget,
        "counts_by_method": counts,
        "properties": [r.as_json() for r in rows],
        "mutants": {"total": len(mutants), "killed": killed,
                    "kill_rate": (killed / len(mutants)) if mutants else None,
                    "runs": [m.as_json() for m in mutants]},
        "crosshair_only": {"total": len(crosshair_matrix),
                           "killed": sum(m.killed for m in crosshair_matrix),
                           "runs": [m.as_json() for m in crosshair_matrix]},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report
