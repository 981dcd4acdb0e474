"""``python -m benchmarks``: run the benchmark modules, print one table, write the results.

See ``python -m benchmarks --help`` and ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import platform
import sys
import time
from pathlib import Path

import benchmarks
from benchmarks.harness import Comparison, format_table, write_results

DEFAULT_OUTPUT = Path(benchmarks.__file__).parent / "results.json"


def available() -> list[str]:
    """Every benchmark module's short name (``bench_codec.py`` -> ``codec``), sorted."""
    return sorted(m.name.removeprefix("bench_") for m in pkgutil.iter_modules(benchmarks.__path__)
                  if m.name.startswith("bench_"))


def _parser() -> argparse.ArgumentParser:
    names = available()
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Side-by-side benchmarks: each figure is timed against a baseline in the "
                    "same run and reported as a ratio, with its target and whether it is met. "
                    "Prints one table and writes the rows as JSON.",
        epilog=f"benchmarks: {', '.join(names)}.  Examples: `python -m benchmarks` (all, what "
               "`make bench` runs), `python -m benchmarks codec risk`, "
               "`python -m benchmarks --quick` (tiny sizes: checks that everything runs; its "
               "ratios mean little).")
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help="run only these benchmarks (default: all)")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes and one or two repeats: a smoke test, not a measurement")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"where to write the JSON results (default: {DEFAULT_OUTPUT})")
    return parser


def main(argv: list[str]) -> int:
    """Run the chosen benchmarks; 0 when they ran (targets missed are reported, not fatal),
    2 for an unknown name."""
    parser = _parser()
    args = parser.parse_args(argv)
    names = available()
    unknown = sorted(set(args.names) - set(names))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from "
                     f"{', '.join(names)}")
    chosen = args.names or names
    rows: list[Comparison] = []
    started = time.perf_counter()
    for name in sorted(set(chosen)):
        module = importlib.import_module(f"benchmarks.bench_{name}")
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.extend(module.run(args.quick))
    print(format_table(rows))
    missed = [r.name for r in rows if r.met is False]
    print(f"\n{len(rows)} figures, {sum(r.met is True for r in rows)} targets met, "
          f"{len(missed)} not met", file=sys.stderr)
    write_results(args.output, rows, quick=args.quick, benchmarks=sorted(set(chosen)),
                  seconds=round(time.perf_counter() - started, 1),
                  load_average=list(os.getloadavg()), cpus=os.cpu_count(),
                  python=platform.python_version())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
