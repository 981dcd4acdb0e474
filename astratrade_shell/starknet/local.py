"""The ``local`` backend: contracts executed in cairo-lang's Python VM, in a child process.

cairo-lang 0.14.0.1 only imports on Python 3.10, so ``make contracts`` builds a separate tool
venv (``.cache/cairo/vm-venv``) and this module starts ``contracts/tools/vm_executor.py`` in it,
speaking one JSON object per line over stdin/stdout.  One process holds one chain state; a test
session keeps it alive and deploys fresh contracts per test.  Each call runs on a child state
that is applied only if the call does not panic, as a reverted transaction would be.

Addresses are assigned deterministically (``0x1000 + n``); callers are plain addresses (no
account contracts, signatures or fees: what is tested is the contracts' own logic).
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from astratrade_shell.starknet.backend import CallOutcome, EmittedEvent

__all__ = ["REPO_ROOT", "ExecutorError", "LocalBackend", "vm_python"]

#: The source checkout this module lives in (the executor and the build output are there).
REPO_ROOT = Path(__file__).resolve().parents[2]
_EXECUTOR = REPO_ROOT / "contracts" / "tools" / "vm_executor.py"
_FIRST_ADDRESS = 0x1000


class ExecutorError(RuntimeError):
    """The executor process failed or rejected a request (a bug, not a contract panic)."""


def vm_python(root: Path = REPO_ROOT) -> Path:
    """The Python 3.10 interpreter of the VM tool venv that ``make contracts`` creates."""
    return root / ".cache" / "cairo" / "vm-venv" / "bin" / "python"


class LocalBackend:
    """A private Starknet state in the Python Cairo VM (see the module docstring)."""

    def __init__(self, python: Path | None = None, executor: Path = _EXECUTOR) -> None:
        interpreter = python or vm_python()
        if not interpreter.exists():
            raise ExecutorError(f"{interpreter} is missing: run `make contracts` first")
        self._process = subprocess.Popen(
            [str(interpreter), str(executor)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
        )
        self._lock = threading.Lock()
        self._next_address = _FIRST_ADDRESS
        #: The block timestamp every call runs at (``None``: the executor's genesis value, 1).
        self.block_timestamp: int | None = None

    def _request(self, **request: Any) -> dict[str, Any]:
        stdin: IO[str] | None = self._process.stdin
        stdout: IO[str] | None = self._process.stdout
        if stdin is None or stdout is None:
            raise ExecutorError("executor pipes are closed")
        with self._lock:
            stdin.write(json.dumps(request) + "\n")
            stdin.flush()
            line = stdout.readline()
        if not line:
            raise ExecutorError(f"executor exited (code {self._process.poll()})")
        answer: dict[str, Any] = json.loads(line)
        if not answer.pop("ok"):
            raise ExecutorError(str(answer["error"]))
        return answer

    def declare(self, sierra_path: str, casm_path: str) -> int:
        """Declare a class; returns its Sierra class hash.

        The hashes come from the build's ``hashes.json`` when it lists this class (computing
        them in the Python VM's library takes seconds); otherwise the executor computes them.
        """
        sierra = Path(sierra_path)
        name = sierra.name.removesuffix(".sierra.json")
        listing = sierra.parent / "hashes.json"
        known = json.loads(listing.read_text()).get(name) if listing.exists() else None
        answer = self._request(op="declare", sierra=sierra_path, casm=casm_path, hashes=known)
        return int(answer["class_hash"])

    def deploy(self, class_hash: int, calldata: Sequence[int], *, caller: int,
               salt: int = 0) -> int:
        """Deploy at the next free address and run the constructor; raises if it panics."""
        address = self._next_address + salt
        self._next_address = address + 1
        outcome = _outcome(self._request(op="deploy", class_hash=str(class_hash),
                                         address=str(address), caller=str(caller),
                                         calldata=[str(x) for x in calldata]))
        if outcome.failed:
            raise ExecutorError(f"constructor panicked: {outcome.panic_message}")
        return address

    def call(self, address: int, selector: int, calldata: Sequence[int]) -> CallOutcome:
        """Execute a view from the zero address."""
        return self.invoke(address, selector, calldata, caller=0)

    def invoke(self, address: int, selector: int, calldata: Sequence[int], *,
               caller: int, block_timestamp: int | None = None) -> CallOutcome:
        """Execute an entry point as ``caller`` (at ``self.block_timestamp`` unless given)."""
        request: dict[str, Any] = {
            "op": "call", "address": str(address), "selector": str(selector),
            "calldata": [str(x) for x in calldata], "caller": str(caller)}
        if block_timestamp is None:
            block_timestamp = self.block_timestamp
        if block_timestamp is not None:
            request["block_timestamp"] = str(block_timestamp)
        return _outcome(self._request(**request))

    def storage(self, address: int, key: int) -> int:
        """Read one raw storage slot."""
        return int(self._request(op="storage", address=str(address), key=str(key))["value"])

    def close(self) -> None:
        """Stop the executor process."""
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(timeout=10)
        if self._process.stdout is not None:
            self._process.stdout.close()

    def __enter__(self) -> LocalBackend:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _outcome(answer: dict[str, Any]) -> CallOutcome:
    events = tuple(
        EmittedEvent(int(e["from"]), tuple(int(k) for k in e["keys"]),
                     tuple(int(d) for d in e["data"]))
        for e in answer["events"])
    return CallOutcome(failed=bool(answer["failed"]),
                       retdata=tuple(int(x) for x in answer["retdata"]),
                       events=events, steps=int(answer["steps"]),
                       seconds=float(answer["seconds"]))
