"""The execution port: what a contract client needs from a chain, and the values it returns.

Two adapters implement :class:`Backend`: :class:`~astratrade_shell.starknet.local.LocalBackend`
(cairo-lang's Python VM in a child process; what the tests use) and
:class:`~astratrade_shell.starknet.rpc.RpcBackend` (a Starknet node over JSON-RPC, signing with
an account key).  Both speak raw felts; :mod:`astratrade_shell.starknet.clients` encodes and
decodes them from the contracts' ABIs.

A panic comes back as a :class:`CallOutcome` with ``failed`` set and the panic data in
``retdata``; :func:`decode_panic` turns it into text:

>>> decode_panic([int.from_bytes(b"vault: paused", "big")])
'vault: paused'
>>> decode_panic([BYTE_ARRAY_MAGIC, 0, int.from_bytes(b"amount is zero", "big"), 14])
'amount is zero'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import attrs

__all__ = [
    "BYTE_ARRAY_MAGIC",
    "Backend",
    "CallOutcome",
    "ContractReverted",
    "EmittedEvent",
    "decode_panic",
    "short_string",
]

#: First felt of a panic whose message is a ``ByteArray`` (``assert!``/``panic!`` with text).
BYTE_ARRAY_MAGIC = 0x46A6158A16A947E5916B2A2CA68501A45E93D7110E81AA2D6438B1C57C879A3


@attrs.frozen
class EmittedEvent:
    """One event as emitted: the emitting contract, its keys (selector first) and data."""

    from_address: int
    keys: tuple[int, ...]
    data: tuple[int, ...]


@attrs.frozen
class CallOutcome:
    """The result of executing one entry point.

    ``steps`` and ``seconds`` are the VM's step count and wall time (0 over RPC); ``error`` is
    a node's revert reason when it sends text instead of panic data.
    """

    failed: bool
    retdata: tuple[int, ...]
    events: tuple[EmittedEvent, ...] = ()
    steps: int = 0
    seconds: float = 0.0
    error: str = ""

    @property
    def panic_message(self) -> str:
        """The decoded panic data, or the node's error text ('' when the call succeeded)."""
        if not self.failed:
            return ""
        return self.error or decode_panic(self.retdata)


class ContractReverted(Exception):  # noqa: N818 - the name says what happened on-chain
    """Raised by a client when the contract panicked; ``message`` is the decoded panic."""

    def __init__(self, message: str, outcome: CallOutcome) -> None:
        super().__init__(message)
        self.message = message
        self.outcome = outcome


class Backend(Protocol):
    """Declare classes, deploy contracts and execute entry points on some Starknet state."""

    def declare(self, sierra_path: str, casm_path: str) -> int:
        """Declare a class from its build artifacts; returns the class hash."""
        ...

    def deploy(self, class_hash: int, calldata: Sequence[int], *, caller: int,
               salt: int = 0) -> int:
        """Deploy an instance, running its constructor; returns the new address."""
        ...

    def call(self, address: int, selector: int, calldata: Sequence[int]) -> CallOutcome:
        """Execute a view: nothing is written."""
        ...

    def invoke(self, address: int, selector: int, calldata: Sequence[int], *,
               caller: int) -> CallOutcome:
        """Execute a state-changing entry point as ``caller``; writes persist unless it panics."""
        ...


def short_string(value: int) -> str:
    """Decode a felt holding a Cairo short string (at most 31 ASCII bytes).

    >>> short_string(0x6f6b)
    'ok'
    """
    raw = value.to_bytes(32, "big").lstrip(b"\0")
    return raw.decode("utf-8", errors="replace")


def decode_panic(retdata: Sequence[int]) -> str:
    """Turn panic data into text: a serialized ``ByteArray`` or a list of short strings."""
    if len(retdata) >= 4 and retdata[0] == BYTE_ARRAY_MAGIC:
        words = retdata[1]
        if len(retdata) >= words + 4:
            chunks = [value.to_bytes(31, "big") for value in retdata[2:2 + words]]
            pending_len = retdata[3 + words]
            pending = retdata[2 + words].to_bytes(32, "big")[32 - pending_len:]
            return b"".join([*chunks, pending]).decode("utf-8", errors="replace")
    return ", ".join(short_string(value) for value in retdata)
