"""Build artifacts of the contracts: where they are, their ABIs and their class hashes.

``make contracts`` writes ``<name>.sierra.json`` and ``<name>.casm.json`` for every contract
under ``contracts/build/`` (override with ``$ASTRATRADE_CONTRACTS_BUILD``).  The class hashes are
computed here offline with starknet-py: the Sierra class hash (Poseidon over the entry points,
the ABI's keccak and the program) and the compiled (CASM) class hash by a
:class:`CasmHashScheme`: Poseidon, what Starknet used before 0.14.1 (and what cairo-lang
0.14.0.1, the local VM and ``hashes.json`` use), or Blake2s, Starknet's from 0.14.1 on
(SNIP-34) and so :data:`CURRENT_SCHEME`, the default.

>>> CONTRACT_NAMES[:3]
('FixedPointMath', 'Vault', 'Exchange')
"""

from __future__ import annotations

import enum
import json
import os
from pathlib import Path
from typing import Any, Final

import attrs

__all__ = [
    "CONTRACT_NAMES",
    "CURRENT_SCHEME",
    "Artifact",
    "CasmHashScheme",
    "ClassHashes",
    "build_dir",
    "load_artifact",
]

#: Every contract ``make contracts`` builds (the test-only ``HostileToken`` and ``MathHarness``
#: last).
CONTRACT_NAMES = ("FixedPointMath", "Vault", "Exchange", "RewardsDistributor", "StakingManager",
                  "Paymaster", "TestToken", "OperatorOracle", "AuditAnchor", "LendingPool",
                  "GovernanceToken", "Governor", "HostileToken", "MathHarness")


class CasmHashScheme(enum.Enum):
    """How the compiled (CASM) class hash is computed (the Sierra class hash is the same)."""

    #: Starknet before 0.14.1; cairo-lang 0.14.0.1 (the local VM, ``hashes.json``).
    POSEIDON = "poseidon"
    #: Starknet 0.14.1 and later (SNIP-34).
    BLAKE2S = "blake2s"


#: The scheme of the networks running today (Starknet >= 0.14.1): what a declaration needs.
CURRENT_SCHEME: Final = CasmHashScheme.BLAKE2S


def build_dir() -> Path:
    """``$ASTRATRADE_CONTRACTS_BUILD`` or ``contracts/build`` of this source checkout."""
    override = os.environ.get("ASTRATRADE_CONTRACTS_BUILD")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "contracts" / "build"


@attrs.frozen
class ClassHashes:
    """The Sierra class hash and the compiled class hash of one contract class."""

    class_hash: int
    compiled_class_hash: int


@attrs.frozen
class Artifact:
    """One built contract: its name and the paths of its Sierra and CASM files."""

    name: str
    sierra_path: Path
    casm_path: Path

    def abi(self) -> list[dict[str, Any]]:
        """The contract's ABI entries (read from the Sierra file)."""
        abi: list[dict[str, Any]] = json.loads(self.sierra_path.read_text())["abi"]
        return abi

    def hashes(self, scheme: CasmHashScheme = CURRENT_SCHEME) -> ClassHashes:
        """Compute both class hashes offline, the compiled one by ``scheme``."""
        from starknet_py.common import (  # noqa: PLC0415 - heavy import, only when hashing
            create_casm_class,
            create_sierra_compiled_contract,
        )
        from starknet_py.hash.casm_class_hash import compute_casm_class_hash  # noqa: PLC0415
        from starknet_py.hash.hash_method import HashMethod  # noqa: PLC0415
        from starknet_py.hash.sierra_class_hash import compute_sierra_class_hash  # noqa: PLC0415

        sierra = create_sierra_compiled_contract(self.sierra_path.read_text())
        casm = create_casm_class(self.casm_path.read_text())
        method = (HashMethod.BLAKE2S if scheme is CasmHashScheme.BLAKE2S
                  else HashMethod.POSEIDON)
        return ClassHashes(int(compute_sierra_class_hash(sierra)),
                           int(compute_casm_class_hash(casm, hash_method=method)))


def load_artifact(name: str, directory: Path | None = None) -> Artifact:
    """The artifact of contract ``name``; raises ``FileNotFoundError`` if it was not built."""
    base = directory or build_dir()
    artifact = Artifact(name, base / f"{name}.sierra.json", base / f"{name}.casm.json")
    for path in (artifact.sierra_path, artifact.casm_path):
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: run `make contracts`")
    return artifact
