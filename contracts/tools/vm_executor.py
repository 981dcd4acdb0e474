"""A Starknet state in cairo-lang's Python VM, driven by JSON lines on stdin/stdout.

Runs under the Python 3.10 tool venv that ``contracts/tools/build.py`` creates (cairo-lang
0.14.0.1 does not import on 3.11).  ``astratrade_shell.starknet.local`` starts one process per
session and speaks this protocol; every request is one JSON object on one line, every answer
too (``{"ok": true, ...}`` or ``{"ok": false, "error": "..."}`` for a protocol error).

Requests (integers travel as decimal strings so no JSON reader rounds them):

* ``{"op": "declare", "sierra": path, "casm": path, "hashes": {...}?}`` -> ``class_hash``,
  ``compiled_class_hash`` (computed unless the build's ``hashes.json`` entry is passed)
* ``{"op": "deploy", "class_hash", "address", "calldata", "caller"}`` -> runs the constructor
* ``{"op": "call", "address", "selector", "calldata", "caller", "block_timestamp"}`` ->
  ``failed`` (a panic), ``retdata``, ``events`` (``from``, ``keys``, ``data``, in emission
  order, internal calls included), ``steps``, ``seconds``.
* ``{"op": "storage", "address", "key"}`` -> ``value``
* ``{"op": "dump"}`` -> ``classes`` (``class_hash``, ``compiled_class_hash``, ``sierra``,
  ``casm``: every declared class), ``contracts`` (address -> class hash) and ``storage``
  (``[address, key, value]`` for every non-zero slot): the whole state, to save to a file
* ``{"op": "load", "classes", "contracts", "storage"}`` -> declares the classes (with the
  given hashes) and writes the deployments and slots of a ``dump`` into the current state

Every call runs on a child of the current state; its writes are applied only when it does not
panic, as a reverted transaction's would be (the VM itself does not roll back).
"""

import json
import sys
import time

from starkware.starknet.business_logic.execution.execute_entry_point import ExecuteEntryPoint
from starkware.starknet.business_logic.state.state import CachedSyncState
from starkware.starknet.business_logic.state.state_api import SyncStateReader
from starkware.starknet.business_logic.state.state_api_objects import BlockInfo
from starkware.starknet.core.os.contract_class.class_hash import compute_class_hash
from starkware.starknet.core.os.contract_class.compiled_class_hash import (
    compute_compiled_class_hash,
)
from starkware.starknet.definitions.data_availability_mode import DataAvailabilityMode
from starkware.starknet.definitions.general_config import StarknetGeneralConfig
from starkware.starknet.public.abi import get_selector_from_name
from starkware.starknet.services.api.contract_class.contract_class import (
    CompiledClass,
    ContractClass,
    EntryPointType,
)


class DictReader(SyncStateReader):
    """The genesis state: declared classes and deployed addresses, storage all zero."""

    def __init__(self):
        self.compiled = {}
        self.compiled_hash_of = {}
        self.sierra = {}

    def get_compiled_class(self, compiled_class_hash):
        return self.compiled[compiled_class_hash]

    def get_sierra_class(self, class_hash):
        return self.sierra[class_hash]

    def get_compiled_class_hash(self, class_hash):
        return self.compiled_hash_of.get(class_hash, 0)

    def get_class_hash_at(self, contract_address):
        return 0

    def get_nonce_at(self, data_availability_mode, contract_address):
        return 0

    def get_storage_at(self, data_availability_mode, contract_address, key):
        return 0


DEFAULT_TIMESTAMP = 1  # the block time of a call that names none


class Chain:
    def __init__(self):
        self.reader = DictReader()
        self.state = CachedSyncState(
            block_info=BlockInfo.create_for_testing(block_number=1,
                                                    block_timestamp=DEFAULT_TIMESTAMP),
            state_reader=self.reader,
            compiled_class_cache={},
        )
        self.config = StarknetGeneralConfig()
        self.declared = {}

    def declare(self, sierra_path, casm_path, class_hash=None, compiled_class_hash=None):
        with open(sierra_path) as handle:
            sierra = json.load(handle)
        sierra.pop("sierra_program_debug_info", None)
        sierra["abi"] = json.dumps(sierra["abi"])
        with open(casm_path) as handle:
            casm = CompiledClass.load(json.load(handle))
        sierra_class = ContractClass.load(sierra)
        # Hashing in Python takes seconds; the build already computed them with this library.
        class_hash = compute_class_hash(sierra_class) if class_hash is None else class_hash
        compiled_hash = (compute_compiled_class_hash(casm) if compiled_class_hash is None
                         else compiled_class_hash)
        self.reader.compiled[compiled_hash] = casm
        self.reader.compiled_hash_of[class_hash] = compiled_hash
        self.reader.sierra[class_hash] = sierra_class
        self.declared[class_hash] = (sierra_path, casm_path, compiled_hash)
        return {"class_hash": str(class_hash), "compiled_class_hash": str(compiled_hash)}

    def execute(self, address, selector, calldata, caller, entry_point_type, *, timestamp=None,
                deploy_class=None):
        child = self.state._copy()
        if deploy_class is not None:
            child.set_class_hash_at(address, deploy_class)
        # Every call sets its block explicitly: cairo-lang's ``_apply`` copies a child's block
        # info into the parent, so a call made at some timestamp would otherwise become the
        # chain's default for every later call that names none.
        child.update_block_info(BlockInfo.create_for_testing(
            block_number=1, block_timestamp=DEFAULT_TIMESTAMP if timestamp is None else timestamp))
        entry_point = ExecuteEntryPoint.create_for_testing(
            contract_address=address,
            calldata=calldata,
            entry_point_selector=selector,
            entry_point_type=entry_point_type,
            caller_address=caller,
        )
        started = time.perf_counter()
        info = entry_point.sync_execute_for_testing(
            state=child, general_config=self.config, support_reverted=True)
        seconds = time.perf_counter() - started
        failed = bool(info.failure_flag)
        if not failed:
            child._apply(self.state)
        events = []
        collect_events(info, events)
        return {
            "failed": failed,
            "retdata": [str(x) for x in info.retdata],
            "events": [] if failed else [
                {"from": str(a), "keys": [str(k) for k in e.keys],
                 "data": [str(d) for d in e.data]} for _, a, e in sorted(events, key=order)],
            "steps": info.execution_resources.n_steps,
            "seconds": seconds,
        }

    def dump(self):
        cache = self.state.cache
        return {
            "classes": [{"class_hash": str(h), "compiled_class_hash": str(c), "sierra": s,
                         "casm": k} for h, (s, k, c) in sorted(self.declared.items())],
            "contracts": {str(a): str(h) for a, h in sorted(cache.address_to_class_hash.items())
                          if h},
            "storage": [[str(a), str(k), str(v)]
                        for (a, k), v in sorted(cache.storage_view.items()) if v],
        }

    def load(self, classes, contracts, storage):
        for entry in classes:
            self.declare(entry["sierra"], entry["casm"], int(entry["class_hash"]),
                         int(entry["compiled_class_hash"]))
        for address, class_hash in contracts.items():
            if int(class_hash) not in self.reader.sierra:
                raise ValueError(f"contract {int(address):#x}: class {int(class_hash):#x} "
                                 "is not among the classes")
        self.state.cache.update_writes(
            address_to_class_hash={int(a): int(h) for a, h in contracts.items()},
            address_to_nonce={}, class_hash_to_compiled_class_hash={},
            storage_updates={(int(a), int(k)): int(v) for a, k, v in storage})
        return {"contracts": len(contracts), "slots": len(storage)}

    def deploy(self, class_hash, address, calldata, caller):
        if self.state.get_class_hash_at(address):
            raise ValueError(f"address {address:#x} is taken")
        sierra = self.reader.sierra[class_hash]
        if not sierra.entry_points_by_type[EntryPointType.CONSTRUCTOR]:
            self.state.set_class_hash_at(address, class_hash)
            return {"failed": False, "retdata": [], "events": [], "steps": 0, "seconds": 0.0}
        return self.execute(address, get_selector_from_name("constructor"), calldata, caller,
                            EntryPointType.CONSTRUCTOR, deploy_class=class_hash)


def order(item):
    return item[0]


def collect_events(info, out):
    """Every event of a call tree with its emitter, ordered by the transaction-wide order."""
    for ordered in info.events:
        out.append((ordered.order, info.contract_address, ordered.event))
    for inner in info.internal_calls:
        collect_events(inner, out)


def integers(values):
    return [int(v) for v in values]


def handle(chain, request):
    op = request["op"]
    if op == "declare":
        known = request.get("hashes") or {}
        return chain.declare(request["sierra"], request["casm"],
                             int(known["class_hash"], 0) if known else None,
                             int(known["compiled_class_hash"], 0) if known else None)
    if op == "deploy":
        return chain.deploy(int(request["class_hash"]), int(request["address"]),
                            integers(request["calldata"]), int(request["caller"]))
    if op == "call":
        timestamp = request.get("block_timestamp")
        return chain.execute(int(request["address"]), int(request["selector"]),
                             integers(request["calldata"]), int(request["caller"]),
                             EntryPointType.EXTERNAL,
                             timestamp=None if timestamp is None else int(timestamp))
    if op == "storage":
        value = chain.state.get_storage_at(DataAvailabilityMode.L1, int(request["address"]),
                                           int(request["key"]))
        return {"value": str(value)}
    if op == "dump":
        return chain.dump()
    if op == "load":
        return chain.load(request["classes"], request["contracts"], request["storage"])
    raise ValueError(f"unknown op {op!r}")


def main():
    chain = Chain()
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = {"ok": True, **handle(chain, json.loads(line))}
        except Exception as error:  # a protocol error goes back to the caller, not to stderr
            answer = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
