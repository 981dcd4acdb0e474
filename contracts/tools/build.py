"""Fetch the Cairo toolchain, assemble its corelib, build every contract and hash the classes.

Run from anywhere with any Python >= 3.10 (standard library only)::

    python contracts/tools/build.py            # toolchain + contracts (what `make contracts` runs)
    python contracts/tools/build.py toolchain  # only fetch/assemble the compiler and the VM venv

Steps (every download is cached under ``.cache/cairo/`` and verified by SHA-256):

1. ``pip download --no-deps --no-binary :all: cairo-lang==0.13.1``: its sdist ships static x86-64
   binaries ``starknet-compile`` (Cairo 2.6.0) and ``starknet-sierra-compile`` and a corelib that
   lacks three files.  The binaries and the corelib are copied to ``contracts/build/toolchain/``
   and ``contracts/corelib/`` (our own versions of the three files) is laid over the corelib.
2. The compiler looks for ``corelib/src`` beside the parent of ``$CARGO_MANIFEST_DIR`` and
   silently falls back elsewhere, so the build sets that variable and then *checks* the corelib
   it used: a probe contract that returns ``core::num::traits::ASTRATRADE_CORELIB`` (defined only
   in our corelib) must compile.
3. A Python 3.10 virtual environment (``.cache/cairo/vm-venv``) with ``cairo-lang==0.14.0.1``
   and the pins of ``contracts/tools/vm-requirements.txt``: the in-process Cairo VM the tests
   execute contracts in (cairo-lang does not import on Python 3.11).
4. Each contract of :data:`CONTRACTS` is compiled to Sierra and CASM (``--add-pythonic-hints``,
   which the Python VM needs; hints do not enter the compiled class hash), and the class hashes
   are computed with cairo-lang into ``contracts/build/hashes.json``.
"""

from __future__ import annotations

import concurrent.futures
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS_DIR = ROOT / "contracts"
BUILD = CONTRACTS_DIR / "build"
CACHE = ROOT / ".cache" / "cairo"
TOOLCHAIN = BUILD / "toolchain"
VM_VENV = CACHE / "vm-venv"
VM_PYTHON = VM_VENV / "bin" / "python"
STAMP = BUILD / ".stamp"

SDIST = "cairo-lang-0.13.1.zip"
SDIST_SHA256 = "c7b5b732af1102af7da5a3e042632f92b49450ddfb08239945faf01c8c3a9da6"
COMPILER_DIR = "cairo-lang-0.13.1/starkware/starknet/compiler/v1/sierra-compiler-major-1/"
COMPILER_VERSION = "starknet-compile 2.6.0"
CORELIB_MARKER = "astratrade-corelib-2.6.0"

#: Contract name -> module path inside the ``astratrade`` crate.
CONTRACTS = {
    "FixedPointMath": "astratrade::fixed_point_math::FixedPointMath",
    "Vault": "astratrade::vault::Vault",
    "Exchange": "astratrade::exchange::Exchange",
    "RewardsDistributor": "astratrade::rewards::RewardsDistributor",
    "StakingManager": "astratrade::staking::StakingManager",
    "Paymaster": "astratrade::paymaster::Paymaster",
    "TestToken": "astratrade::test_token::TestToken",
    "OperatorOracle": "astratrade::oracle::OperatorOracle",
    "AuditAnchor": "astratrade::audit_anchor::AuditAnchor",
    "LendingPool": "astratrade::lending_pool::LendingPool",
    "GovernanceToken": "astratrade::governance_token::GovernanceToken",
    "Governor": "astratrade::governor::Governor",
    "HostileToken": "astratrade::testing::hostile_token::HostileToken",
    "MathHarness": "astratrade::testing::math_harness::MathHarness",
}


def log(message: str) -> None:
    sys.stderr.write(f"[contracts] {message}\n")
    sys.stderr.flush()


def run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, check=False, text=True, capture_output=True, **kwargs)  # type: ignore[call-overload]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch_sdist() -> Path:
    """Download (once) and verify the cairo-lang 0.13.1 source distribution."""
    target = CACHE / "dist" / SDIST
    if target.exists() and sha256(target) == SDIST_SHA256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    log("downloading cairo-lang==0.13.1 (sdist) with pip")
    result = run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                  "--no-binary", ":all:", "--no-build-isolation", "cairo-lang==0.13.1",
                  "-d", str(target.parent)])
    if result.returncode != 0 or not target.exists():
        # Without build isolation pip may lack setuptools; retry with isolation.
        result = run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                      "--no-binary", ":all:", "cairo-lang==0.13.1", "-d", str(target.parent)])
    if result.returncode != 0 or not target.exists():
        raise SystemExit(f"pip download failed:\n{result.stdout}\n{result.stderr}")
    digest = sha256(target)
    if digest != SDIST_SHA256:
        raise SystemExit(f"{SDIST}: sha256 {digest} != pinned {SDIST_SHA256}")
    return target


def assemble_toolchain(sdist: Path) -> None:
    """Copy the compilers and the shipped corelib out of the sdist, then overlay our files."""
    if TOOLCHAIN.exists():
        shutil.rmtree(TOOLCHAIN)
    with zipfile.ZipFile(sdist) as archive:
        for info in archive.infolist():
            if not info.filename.startswith(COMPILER_DIR) or info.is_dir():
                continue
            relative = info.filename[len(COMPILER_DIR):]
            destination = TOOLCHAIN / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.read(info))
            if relative.startswith("bin/"):
                destination.chmod(0o755)
    corelib_src = TOOLCHAIN / "corelib" / "src"
    own = sorted((CONTRACTS_DIR / "corelib").rglob("*.cairo"))
    for path in own:
        relative = path.relative_to(CONTRACTS_DIR / "corelib")
        if (corelib_src / relative).exists():
            raise SystemExit(f"corelib already has {relative}: the overlay would shadow it")
        (corelib_src / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, corelib_src / relative)
    version = run([str(TOOLCHAIN / "bin" / "starknet-compile"), "--version"]).stdout.strip()
    if version != COMPILER_VERSION:
        raise SystemExit(f"unexpected compiler version {version!r}")
    log(f"assembled {version} with corelib overlay: "
        + ", ".join(str(p.relative_to(CONTRACTS_DIR / "corelib")) for p in own))


def compiler_env() -> dict[str, str]:
    # The compiler resolves `<parent of CARGO_MANIFEST_DIR>/corelib/src` first.
    return {**os.environ, "CARGO_MANIFEST_DIR": str(TOOLCHAIN / "bin"), "RUST_BACKTRACE": "0"}


def check_corelib() -> None:
    """Fail unless the compiler loads the assembled corelib (it would silently fall back)."""
    probe = BUILD / "probe"
    (probe / "src").mkdir(parents=True, exist_ok=True)
    (probe / "cairo_project.toml").write_text(
        '[crate_roots]\nprobe = "src"\n\n[config.global]\nedition = "2023_10"\n')
    (probe / "src" / "lib.cairo").write_text(
        "#[starknet::contract]\nmod Probe {\n    #[storage]\n    struct Storage {}\n"
        "    #[external(v0)]\n    fn marker(self: @ContractState) -> felt252 {\n"
        "        core::num::traits::ASTRATRADE_CORELIB\n    }\n}\n")
    result = run([str(TOOLCHAIN / "bin" / "starknet-compile"), str(probe),
                  str(probe / "probe.sierra.json")], env=compiler_env(), cwd=BUILD)
    if result.returncode != 0:
        raise SystemExit("the compiler did not load the assembled corelib "
                         f"({TOOLCHAIN / 'corelib'}):\n{result.stderr[-2000:]}")
    log(f"corelib check passed: core::num::traits::ASTRATRADE_CORELIB = '{CORELIB_MARKER}'")


def find_python310() -> str:
    """The interpreter for the VM venv: $CAIRO_VM_PYTHON, python3.10 on PATH, or pyenv's."""
    candidates = [os.environ.get("CAIRO_VM_PYTHON", ""), shutil.which("python3.10") or ""]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.10*/bin/python3.10")),
                         reverse=True)
    for candidate in candidates:
        if candidate and run([candidate, "-c", "import sys, venv; "
                              "assert sys.version_info[:2] == (3, 10)"]).returncode == 0:
            return candidate
    raise SystemExit("cairo-lang 0.14.0.1 needs Python 3.10 (its import fails on 3.11): set "
                     "CAIRO_VM_PYTHON or install python3.10 (pyenv: ~/.pyenv/versions/3.10.x)")


def ensure_vm_venv() -> None:
    requirements = CONTRACTS_DIR / "tools" / "vm-requirements.txt"
    marker = VM_VENV / ".installed"
    wanted = sha256(requirements)
    if marker.exists() and marker.read_text() == wanted and VM_PYTHON.exists():
        return
    python = find_python310()
    log(f"creating the VM venv with {python} (cairo-lang==0.14.0.1)")
    if VM_VENV.exists():
        shutil.rmtree(VM_VENV)
    for cmd in ([python, "-m", "venv", str(VM_VENV)],
                [str(VM_PYTHON), "-m", "pip", "install", "--quiet", "--no-deps",
                 "-r", str(requirements)],
                [str(VM_PYTHON), "-c", "import starkware.starknet.business_logic.execution"
                 ".execute_entry_point"]):
        result = run(cmd)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stdout[-3000:]}\n"
                             f"{result.stderr[-3000:]}")
    marker.write_text(wanted)


def toolchain() -> None:
    started = time.monotonic()
    marker = TOOLCHAIN / ".assembled"
    fingerprint = SDIST_SHA256 + "".join(
        sha256(p) for p in sorted((CONTRACTS_DIR / "corelib").rglob("*.cairo")))
    if not (marker.exists() and marker.read_text() == fingerprint):
        assemble_toolchain(fetch_sdist())
        marker.write_text(fingerprint)
    check_corelib()
    ensure_vm_venv()
    log(f"toolchain ready in {time.monotonic() - started:.1f}s")


def compile_contract(name: str, module_path: str) -> tuple[str, float]:
    started = time.monotonic()
    sierra = BUILD / f"{name}.sierra.json"
    casm = BUILD / f"{name}.casm.json"
    result = run([str(TOOLCHAIN / "bin" / "starknet-compile"), str(CONTRACTS_DIR),
                  "--contract-path", module_path, str(sierra)], env=compiler_env(), cwd=BUILD)
    if result.returncode != 0:
        raise SystemExit(f"{name}: starknet-compile failed\n{result.stderr[-6000:]}")
    result = run([str(TOOLCHAIN / "bin" / "starknet-sierra-compile"), "--add-pythonic-hints",
                  str(sierra), str(casm)], env=compiler_env(), cwd=BUILD)
    if result.returncode != 0:
        raise SystemExit(f"{name}: starknet-sierra-compile failed\n{result.stderr[-3000:]}")
    return name, time.monotonic() - started


HASH_SCRIPT = """
import json, sys
from starkware.starknet.core.os.contract_class.class_hash import compute_class_hash
from starkware.starknet.core.os.contract_class.compiled_class_hash import (
    compute_compiled_class_hash)
from starkware.starknet.services.api.contract_class.contract_class import (
    CompiledClass, ContractClass)
out = {}
for name, sierra_path, casm_path in json.load(sys.stdin):
    sierra = json.load(open(sierra_path))
    sierra.pop("sierra_program_debug_info", None)
    sierra["abi"] = json.dumps(sierra["abi"])
    casm = CompiledClass.load(json.load(open(casm_path)))
    out[name] = {"class_hash": hex(compute_class_hash(ContractClass.load(sierra))),
                 "compiled_class_hash": hex(compute_compiled_class_hash(casm))}
json.dump(out, sys.stdout, indent=2, sort_keys=True)
"""


def build() -> None:
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for name, seconds in pool.map(lambda item: compile_contract(*item), CONTRACTS.items()):
            log(f"compiled {name} in {seconds:.1f}s")
    jobs = [(n, str(BUILD / f"{n}.sierra.json"), str(BUILD / f"{n}.casm.json"))
            for n in CONTRACTS]
    result = run([str(VM_PYTHON), "-c", HASH_SCRIPT], input=json.dumps(jobs))
    if result.returncode != 0:
        raise SystemExit(f"class hashing failed:\n{result.stderr[-3000:]}")
    (BUILD / "hashes.json").write_text(result.stdout + "\n")
    log(f"built {len(CONTRACTS)} contracts in {time.monotonic() - started:.1f}s; "
        f"hashes in {BUILD / 'hashes.json'}")


def main(argv: list[str]) -> None:
    BUILD.mkdir(parents=True, exist_ok=True)
    toolchain()
    if argv[1:2] != ["toolchain"]:
        build()
        STAMP.write_text(json.dumps(sorted(CONTRACTS)) + "\n")


if __name__ == "__main__":
    main(sys.argv)
