"""``python -m proofs``: the verification runner.

Commands::

    python -m proofs run [--tier quick|full] [--jobs 2] [--only TEXT] [--no-mutants]
                         [--report proofs/report.json]
    python -m proofs catalogue [--check | --write]     # docs/properties.md
    python -m proofs mutant KEY --tier full            # internal: one mutant, JSON on stdout

Nothing here imports ``astratrade_core`` at import time (the registry loads the proof modules
on demand), so ``mutant`` can install its mutation before the core is first imported.

``run`` exits 1 when any property is not green, any mutant survives, or the tier's time
budget (quick 120 s, full 900 s) is exceeded.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from proofs.catalogue import CATALOGUE_PATH, render
from proofs.mutants import MUTANTS, kill
from proofs.registry import TIERS, Method, load_all
from proofs.runner import format_table, run_mutants, run_properties, write_report

__all__ = ["BUDGETS", "main"]

#: Wall-clock budget per tier on the reference machine (2 cores), seconds.
BUDGETS = {"quick": 120.0, "full": 900.0}

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and dispatch; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m proofs")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="check properties and mutants")
    run.add_argument("--tier", choices=sorted(BUDGETS), default="full")
    run.add_argument("--jobs", type=int, default=2)
    run.add_argument("--only", default="", help="only properties whose key contains this")
    run.add_argument("--no-mutants", action="store_true")
    run.add_argument("--report", type=Path, default=ROOT / "proofs" / "report.json")
    catalogue = commands.add_parser("catalogue", help="docs/properties.md")
    mode = catalogue.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 when the file is stale")
    mode.add_argument("--write", action="store_true")
    mutant = commands.add_parser("mutant", help="(internal) run one mutant")
    mutant.add_argument("key")
    mutant.add_argument("--tier", choices=sorted(BUDGETS), default="full")
    mutant.add_argument("--method", default=None, help="only this method's properties")
    args = parser.parse_args(argv)
    if args.command == "mutant":
        return _mutant(args.key, args.tier, args.method)
    if args.command == "catalogue":
        return _catalogue(check=args.check, write=args.write)
    return _run(args.tier, args.jobs, args.only, not args.no_mutants, args.report)


def _mutant(key: str, tier: str, method: str | None) -> int:
    try:
        killers = kill(MUTANTS[key], tier, method)
    except Exception as error:  # reported as a surviving mutant with the reason
        print(json.dumps({"killers": [], "error": f"{type(error).__name__}: {error}"}))
        return 1
    print(json.dumps({"killers": list(killers)}))
    return 0


def _catalogue(*, check: bool, write: bool) -> int:
    text = render()
    if check:
        current = CATALOGUE_PATH.read_text(encoding="utf-8") if CATALOGUE_PATH.exists() else ""
        if current != text:
            print(f"{CATALOGUE_PATH} is stale: run `python -m proofs catalogue --write`",
                  file=sys.stderr)
            return 1
        return 0
    if write:
        CATALOGUE_PATH.write_text(text, encoding="utf-8")
        return 0
    sys.stdout.write(text)
    return 0


def _run(tier_name: str, jobs: int, only: str, mutants: bool, report_path: Path) -> int:
    started = time.perf_counter()
    tier = TIERS[tier_name]
    quick = tier_name == "quick"
    props = [p for p in load_all().values()
             if only in p.key and (p.quick or not quick)]
    if not props:
        print(f"verify: no property matches {only!r}", file=sys.stderr)
        return 1
    print(f"verify: tier {tier_name}, {len(props)} properties, {jobs} jobs, budget "
          f"{BUDGETS[tier_name]:.0f}s", file=sys.stderr, flush=True)
    rows = run_properties(props, tier, jobs)
    mutant_keys = [m.key for m in MUTANTS.values()
                   if mutants and only in m.key and (m.quick or not quick)]
    mutant_rows = run_mutants(mutant_keys, tier, jobs) if mutant_keys else []
    # Full tier: does CrossHair alone catch the mutants it has contracts for?  (Quick-tier
    # timeouts; informational, the kill rate above is what must be 100 %.)
    registry = load_all()
    matrix_keys = [k for k in mutant_keys if not quick and any(
        p.method is Method.CROSSHAIR and MUTANTS[k].target in p.targets
        for p in registry.values())]
    matrix = (run_mutants(matrix_keys, TIERS["quick"], jobs, method=Method.CROSSHAIR.value)
              if matrix_keys else [])
    seconds = time.perf_counter() - started
    report = write_report(report_path, tier, rows, mutant_rows, seconds=seconds,
                          budget=BUDGETS[tier_name], crosshair_matrix=matrix)
    print(format_table(rows))
    if mutant_rows:
        print("\nmutant                                      killed  by")
        for m in mutant_rows:
            print(f"{m.key:<44}{'yes' if m.killed else 'NO':<8}{', '.join(m.killers)}"
                  f"{m.error}")
        killed = report["mutants"]["killed"]
        print(f"\nkill rate: {killed}/{len(mutant_rows)}")
    if matrix:
        caught = {m.key: m.killers for m in matrix}
        print(f"CrossHair contracts alone catch {sum(map(bool, caught.values()))}/"
              f"{len(matrix)} of the mutants they target: "
              + ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in sorted(caught.items())))
    green = sum(r.outcome.status.ok for r in rows)
    print(f"\n{green}/{len(rows)} properties green; {seconds:.0f}s of "
          f"{BUDGETS[tier_name]:.0f}s budget; report: {report_path}")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
