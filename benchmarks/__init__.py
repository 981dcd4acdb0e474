"""Side-by-side benchmarks: every figure is a ratio against a baseline timed in the same run.

Each ``benchmarks/bench_*.py`` module exposes ``run(quick: bool) -> list[Comparison]``;
``python -m benchmarks`` (what ``make bench`` runs) discovers and prints them all.
"""
