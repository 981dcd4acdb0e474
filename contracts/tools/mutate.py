"""Mutation testing of the Cairo contracts against the VM tests (`make contracts-mutate`).

Standard library only.  For each mutant: copy ``contracts/`` to a scratch directory, apply one
textual mutation to one product source, recompile the contracts that include that source with
the toolchain ``make contracts`` assembled, and run the VM tests that exercise them with
``ASTRATRADE_CONTRACTS_BUILD`` pointing at the mutated build.  A failing test run **kills**
the mutant; a passing one means it **survived** (a gap in the tests); a mutant that does not
compile is **stillborn** and not counted.  The score is killed / (killed + survived).

Operators, applied to every line of the targeted sources that holds an ``assert(``:

* ``drop-assert``: the whole assertion removed (a missing check);
* ``>=``/``>``, ``<=``/``<`` swapped at the first comparison (an off-by-one boundary);
* ``&&`` -> ``||`` (a weakened conjunction).

Each mutant costs a recompile (~30-100 s per contract on 2 cores) and a test run, so the
default samples ``--limit`` mutants with a fixed ``--seed``; ``--all`` runs every one.  It is
deliberately not part of ``make test``.  Example::

    python contracts/tools/mutate.py --limit 12 --seed 1
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build  # the sibling build script: toolchain paths and CONTRACTS

ROOT = build.ROOT
PYTEST = ROOT / ".venv" / "bin" / "python"

#: source (relative to contracts/src) -> (contracts that include it, the tests that cover it)
TARGETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "vault.cairo": (("Vault",), ("test_settlement.py",)),
    "exchange.cairo": (("Exchange",), ("test_settlement.py",)),
    "components/erc20.cairo": (("TestToken",), ("test_erc20.py", "test_settlement.py")),
    "components/staking_pool.cairo": (("StakingManager", "RewardsDistributor"),
                                      ("test_rewards.py",)),
    "components/access.cairo": (("Vault", "OperatorOracle", "TestToken"),
                                ("test_access.py",)),
    "components/upgrade.cairo": (("Vault",), ("test_access.py",)),
    "paymaster.cairo": (("Paymaster",), ("test_rewards.py",)),
    "staking.cairo": (("StakingManager",), ("test_rewards.py",)),
    "components/votes.cairo": (("GovernanceToken",), ("test_governance.py",)),
    "governance_token.cairo": (("GovernanceToken",), ("test_governance.py",)),
    "governor.cairo": (("Governor",), ("test_governance.py",)),
    "lending_pool.cairo": (("LendingPool",), ("test_lending_pool.py",
                                               "test_lending_pool_differential.py")),
}
COMPARISONS = ((">=", ">"), ("<=", "<"), (" > ", " >= "), (" < ", " <= "))


@dataclass(frozen=True)
class Mutant:
    source: str
    line: int
    operator: str
    original: str
    mutated: str

    @property
    def name(self) -> str:
        return f"{self.source}:{self.line}:{self.operator}"


def mutants() -> list[Mutant]:
    found: list[Mutant] = []
    for source in TARGETS:
        lines = (build.CONTRACTS_DIR / "src" / source).read_text().splitlines()
        for number, text in enumerate(lines, 1):
            if "assert(" not in text:
                continue
            indent = text[:len(text) - len(text.lstrip())]
            if text.rstrip().endswith(";"):
                found.append(Mutant(source, number, "drop-assert", text, f"{indent}// mutant"))
            for before, after in COMPARISONS:
                if before in text:
                    found.append(Mutant(source, number, f"{before.strip()}->{after.strip()}",
                                        text, text.replace(before, after, 1)))
                    break
            if "&&" in text:
                found.append(Mutant(source, number, "&&->||", text, text.replace("&&", "||", 1)))
    return found


def compile_into(contracts: Path, out: Path, name: str) -> bool:
    sierra, casm = out / f"{name}.sierra.json", out / f"{name}.casm.json"
    for command in ([str(build.TOOLCHAIN / "bin" / "starknet-compile"), str(contracts),
                     "--contract-path", build.CONTRACTS[name], str(sierra)],
                    [str(build.TOOLCHAIN / "bin" / "starknet-sierra-compile"),
                     "--add-pythonic-hints", str(sierra), str(casm)]):
        if build.run(command, env=build.compiler_env(), cwd=out).returncode != 0:
            return False
    return True


def run_mutant(mutant: Mutant, scratch: Path) -> str:
    contracts = scratch / "contracts"
    shutil.rmtree(contracts, ignore_errors=True)
    shutil.copytree(build.CONTRACTS_DIR, contracts, ignore=shutil.ignore_patterns("build"))
    out = scratch / "build"
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(build.BUILD, out, ignore=shutil.ignore_patterns("toolchain", "probe"))
    path = contracts / "src" / mutant.source
    lines = path.read_text().splitlines()
    lines[mutant.line - 1] = mutant.mutated
    path.write_text("\n".join(lines) + "\n")
    names, tests = TARGETS[mutant.source]
    hashes = json.loads((out / "hashes.json").read_text())
    for name in names:
        if not compile_into(contracts, out, name):
            return "stillborn"
        hashes.pop(name, None)  # the executor hashes the mutated class itself
    (out / "hashes.json").write_text(json.dumps(hashes))
    result = subprocess.run(
        [str(PYTEST), "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
         *(str(ROOT / "tests" / "contracts" / t) for t in tests)],
        cwd=ROOT, env={**os.environ, "ASTRATRADE_CONTRACTS_BUILD": str(out)},
        capture_output=True, text=True, check=False)
    return "killed" if result.returncode != 0 else "survived"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--only", default="", help="regex over mutant names")
    parser.add_argument("--list", action="store_true", help="print the mutants and stop")
    options = parser.parse_args(argv)
    every = [m for m in mutants() if re.search(options.only, m.name)]
    if options.list:
        for mutant in every:
            print(mutant.name, "|", mutant.original.strip(), "->", mutant.mutated.strip())
        print(f"{len(every)} mutants")
        return 0
    chosen = every if options.all else random.Random(options.seed).sample(
        every, min(options.limit, len(every)))
    outcomes: dict[str, list[str]] = {"killed": [], "survived": [], "stillborn": []}
    with tempfile.TemporaryDirectory(prefix="astratrade-mutate-") as scratch:
        for mutant in chosen:
            started = time.monotonic()
            outcome = run_mutant(mutant, Path(scratch))
            outcomes[outcome].append(mutant.name)
            print(f"{outcome:9} {mutant.name} ({time.monotonic() - started:.0f}s)", flush=True)
    killed, survived = len(outcomes["killed"]), len(outcomes["survived"])
    score = killed / (killed + survived) if killed + survived else 0.0
    print(f"mutation score {killed}/{killed + survived} = {score:.0%} "
          f"({len(outcomes['stillborn'])} stillborn) of {len(every)} mutants")
    for name in outcomes["survived"]:
        print(f"  survived: {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
