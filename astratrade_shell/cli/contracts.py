"""``astratrade contracts``: build the Cairo contracts and print their class hashes.

``build`` runs ``contracts/tools/build.py`` (what ``make contracts`` runs: it fetches and
caches the toolchain, checks the corelib it assembled, compiles Sierra and CASM).  ``hashes``
computes every built class's Sierra class hash and compiled class hash offline with
starknet-py, the compiled one by ``--scheme`` (default: the current network's, Blake2s, for
Starknet >= 0.14.1; ``poseidon`` for older networks), and checks them against the
``hashes.json`` cairo-lang wrote at build time: the class hash always, the compiled class hash
when it is Poseidon (cairo-lang 0.14.0.1 knows no other).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click

from astratrade_shell.cli.main import CliFailure

__all__ = ["contracts"]


@click.group("contracts")
def contracts() -> None:
    """Build the Cairo contracts and print their class hashes (see contracts/README.md)."""


@contracts.command("build")
def build() -> None:
    """Fetch the toolchain if needed and build every contract (Sierra, CASM, hashes)."""
    from astratrade_shell.starknet.local import REPO_ROOT  # noqa: PLC0415

    script = REPO_ROOT / "contracts" / "tools" / "build.py"
    if not script.exists():
        raise CliFailure.bad_input(f"{script} not found: building needs a source checkout")
    completed = subprocess.run([sys.executable, str(script)], check=False)
    if completed.returncode != 0:
        raise CliFailure.domain(f"contract build failed (exit {completed.returncode})")
    click.echo(f"built into {REPO_ROOT / 'contracts' / 'build'}")


@contracts.command("hashes")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Build directory [default: contracts/build].")
@click.option("--scheme", type=click.Choice(["blake2s", "poseidon"]), default="blake2s",
              show_default=True,
              help="Compiled class hash: blake2s (Starknet >= 0.14.1, today's networks) or "
                   "poseidon (before 0.14.1).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (hex strings).")
def hashes(directory: Path | None, scheme: str, as_json: bool) -> None:
    """Class hash and compiled class hash of every built contract, computed offline."""
    from astratrade_shell.starknet.artifacts import (  # noqa: PLC0415
        CONTRACT_NAMES,
        CasmHashScheme,
        build_dir,
        load_artifact,
    )

    chosen = CasmHashScheme(scheme)
    checked = ("class_hash", "compiled_class_hash") if chosen is CasmHashScheme.POSEIDON else (
        "class_hash",)
    base = directory or build_dir()
    recorded_path = base / "hashes.json"
    recorded = json.loads(recorded_path.read_text()) if recorded_path.exists() else {}
    rows: dict[str, dict[str, str]] = {}
    for name in CONTRACT_NAMES:
        try:
            artifact = load_artifact(name, base)
        except FileNotFoundError as missing:
            raise CliFailure.bad_input(str(missing)) from None
        computed = artifact.hashes(chosen)
        row = {"class_hash": hex(computed.class_hash),
               "compiled_class_hash": hex(computed.compiled_class_hash)}
        if name in recorded and any(int(recorded[name][k], 16) != int(row[k], 16)
                                    for k in checked):
            raise CliFailure.domain(f"{name}: starknet-py and cairo-lang disagree on the hashes")
        rows[name] = row
    if as_json:
        click.echo(json.dumps(rows, indent=2, sort_keys=True))
        return
    width = max(len(name) for name in rows)
    for name, row in rows.items():
        click.echo(f"{name:<{width}}  class {row['class_hash']}")
        click.echo(f"{'':<{width}}  casm  {row['compiled_class_hash']}")
