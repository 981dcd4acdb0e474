"""The ``local`` backend: contracts executed in cairo-lang's Python VM, in a child process.

cairo-lang 0.14.0.1 only imports on Python 3.10, so ``make contracts`` builds a separate tool
venv (``.cache/cairo/vm-venv``) and this module starts ``contracts/tools/vm_executor.py`` in it,
speaking one JSON object per line over stdin/stdout.  One process holds one chain state; a test
session keeps it alive and deploys fresh contracts per test.  Each call runs on a child state
that is applied only if the call does not panic, as a reverted transaction would be.

Addresses are assigned deterministically (``0x1000 + n``); callers are plain addresses (no
account contracts, signatures or fees: what is tested is the contracts' own logic).

**A chain that outlives the process.** :meth:`LocalBackend.save_state` writes the whole state
(declared classes by contract name and class hash, deployed addresses, every non-zero storage
slot, the next free address) to a JSON file, atomically; :meth:`LocalBackend.load_state` reads
it into a fresh process.  A class is re-declared from the current build only if its class
hash is still the saved one: a contract rebuilt with other code since refuses to load
(:class:`ChainStateError`) rather than run new code over old storage.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, Final

from astratrade_shell.starknet.artifacts import CasmHashScheme, build_dir, load_artifact
from astratrade_shell.starknet.backend import CallOutcome, EmittedEvent

__all__ = ["REPO_ROOT", "STATE_FORMAT", "ChainStateError", "ExecutorError", "LocalBackend",
           "vm_python"]

#: The ``format`` field of a saved chain state.
STATE_FORMAT: Final = "astratrade-local-chain/1"

#: The source checkout this module lives in (the executor and the build output are there).
REPO_ROOT = Path(__file__).resolve().parents[2]
_EXECUTOR = REPO_ROOT / "contracts" / "tools" / "vm_executor.py"
_FIRST_ADDRESS = 0x1000


class ExecutorError(RuntimeError):
    """The executor process failed or rejected a request (a bug, not a contract panic)."""


class ChainStateError(ValueError):
    """A saved chain state cannot be loaded: not a state file, or its classes changed."""


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

    def contracts(self) -> dict[int, str]:
        """Every deployed address and the name of its contract class."""
        dump = self._request(op="dump")
        names = {int(entry["class_hash"]): _class_name(entry["sierra"])
                 for entry in dump["classes"]}
        return {int(address): names.get(int(class_hash), "")
                for address, class_hash in dump["contracts"].items()}

    def save_state(self, path: Path) -> None:
        """Write the whole chain state to ``path`` (a temporary file renamed over it)."""
        dump = self._request(op="dump")
        state = {
            "format": STATE_FORMAT,
            "next_address": hex(self._next_address),
            "classes": [{"name": _class_name(entry["sierra"]),
                         "class_hash": hex(int(entry["class_hash"])),
                         "compiled_class_hash": hex(int(entry["compiled_class_hash"]))}
                        for entry in dump["classes"]],
            "contracts": {hex(int(a)): hex(int(h)) for a, h in dump["contracts"].items()},
            "storage": [[hex(int(a)), hex(int(k)), hex(int(v))] for a, k, v in dump["storage"]],
        }
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(state, indent=1) + "\n", encoding="utf-8")
        os.replace(temporary, path)

    def load_state(self, path: Path, directory: Path | None = None) -> None:
        """Load a state saved by :meth:`save_state` into this (fresh) backend; raises
        :class:`ChainStateError` for a file that is not one or a class that changed since, and
        ``OSError`` when the file cannot be read."""
        text = path.read_text(encoding="utf-8")
        try:
            state = json.loads(text)
            if state.get("format") != STATE_FORMAT:
                raise ChainStateError(f"{path}: not an AstraTrade chain state "
                                      f"(format {str(state.get('format'))[:40]!r})")
            classes = [_current_class(entry, directory) for entry in state["classes"]]
            contracts = {str(int(a, 16)): str(int(h, 16))
                         for a, h in state["contracts"].items()}
            storage = [[str(int(a, 16)), str(int(k, 16)), str(int(v, 16))]
                       for a, k, v in state["storage"]]
            next_address = int(state["next_address"], 16)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ChainStateError):
                raise
            raise ChainStateError(f"{path}: not an AstraTrade chain state "
                                  f"({type(exc).__name__}: {str(exc)[:80]})") from None
        try:
            self._request(op="load", classes=classes, contracts=contracts, storage=storage)
        except ExecutorError as exc:
            raise ChainStateError(f"{path}: {exc}") from None
        self._next_address = max(self._next_address, next_address)

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


def _class_name(sierra_path: str) -> str:
    return Path(sierra_path).name.removesuffix(".sierra.json")


def _current_class(entry: dict[str, str], directory: Path | None) -> dict[str, str]:
    """A saved class, declared from the current build if its hashes are still the saved ones."""
    name = str(entry["name"])
    try:
        artifact = load_artifact(name, directory)
    except FileNotFoundError as missing:
        raise ChainStateError(f"class {name}: {missing}") from None
    listing = (directory or build_dir()) / "hashes.json"
    known = json.loads(listing.read_text()).get(name) if listing.exists() else None
    if known is None:
        computed = artifact.hashes(CasmHashScheme.POSEIDON)  # what the VM declares with
        known = {"class_hash": hex(computed.class_hash),
                 "compiled_class_hash": hex(computed.compiled_class_hash)}
    for field in ("class_hash", "compiled_class_hash"):
        if int(known[field], 16) != int(entry[field], 16):
            raise ChainStateError(f"class {name} was rebuilt since the chain state was saved "
                                  f"({field} {entry[field]} is now {known[field]})")
    return {"class_hash": str(int(entry["class_hash"], 16)),
            "compiled_class_hash": str(int(entry["compiled_class_hash"], 16)),
            "sierra": str(artifact.sierra_path), "casm": str(artifact.casm_path)}


def _outcome(answer: dict[str, Any]) -> CallOutcome:
    events = tuple(
        EmittedEvent(int(e["from"]), tuple(int(k) for k in e["keys"]),
                     tuple(int(d) for d in e["data"]))
        for e in answer["events"])
    return CallOutcome(failed=bool(answer["failed"]),
                       retdata=tuple(int(x) for x in answer["retdata"]),
                       events=events, steps=int(answer["steps"]),
                       seconds=float(answer["seconds"]))
