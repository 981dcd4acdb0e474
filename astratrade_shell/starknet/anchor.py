"""The event store's audit-chain heads on Starknet: the ``AuditAnchor`` contract's client and
where ``astratrade audit anchor|verify --onchain`` finds it.

A head is the core's :class:`~astratrade_core.events.audit.ChainHead` (``POSITION:HASH``, as
``audit head`` prints it); on-chain it is ``(position: u64, head_hash: u256)`` with the 32
SHA-256 bytes read big-endian:

>>> head = ChainHead(3, bytes(31) + b"\\x07")
>>> head_to_chain(head)
(3, 7)
>>> head_from_chain(3, 7) == head
True

Two places hold the contract (:func:`open_anchor`):

* **local** (the default): the contract in cairo-lang's VM (:mod:`~astratrade_shell.starknet.
  local`), with the chain's whole state in a file the user names (``--chain-state PATH``).  A
  missing file starts a new chain: ``AuditAnchor`` is deployed with :data:`LOCAL_ANCHORER` as
  its owner.  The state is written back after an anchor is recorded, so a later ``verify``
  (another process) reads it.  Whoever can rewrite that file can rewrite the anchors: keep it
  where the store's writers cannot (it is the local stand-in for a public chain).
* **rpc**: a deployed ``AuditAnchor`` at ``$ASTRATRADE_AUDIT_ANCHOR`` on the node of
  :class:`~astratrade_shell.starknet.rpc.RpcConfig` (``ASTRATRADE_STARKNET_*``); the configured
  account anchors, so it must be the contract's owner or an operator.  Declaring and deploying
  are left to sncast/starkli (``contracts/build/AuditAnchor.*.json``; constructor
  ``owner``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import attrs

from astratrade_core.events.audit import ChainHead
from astratrade_shell.starknet.abi import ContractAbi
from astratrade_shell.starknet.clients import ContractClient, Receipt
from astratrade_shell.starknet.local import ChainStateError, LocalBackend

__all__ = [
    "ANCHOR_ADDRESS_VARIABLE",
    "LOCAL_ANCHORER",
    "AnchorSite",
    "AuditAnchorClient",
    "head_from_chain",
    "head_to_chain",
    "open_anchor",
]

#: The owner (and only anchorer) of an ``AuditAnchor`` a local chain deploys.
LOCAL_ANCHORER: Final = 0xA0C402
#: The environment variable naming a deployed ``AuditAnchor`` for the rpc backend.
ANCHOR_ADDRESS_VARIABLE: Final = "ASTRATRADE_AUDIT_ANCHOR"


def head_to_chain(head: ChainHead) -> tuple[int, int]:
    """A head as the contract's ``(position, head_hash)``."""
    return head.length, int.from_bytes(head.head, "big")


def head_from_chain(position: int, head_hash: int) -> ChainHead:
    """The contract's ``(position, head_hash)`` as a head."""
    return ChainHead(int(position), int(head_hash).to_bytes(32, "big"))


class AuditAnchorClient(ContractClient):
    """Audit-chain heads recorded by the owner or an operator, positions strictly increasing."""

    contract_name = "AuditAnchor"

    def anchor(self, caller: int, head: ChainHead) -> Receipt:
        """Owner or operator: record ``head`` (its position must exceed the latest one)."""
        position, head_hash = head_to_chain(head)
        return self.send("anchor", caller=caller, position=position, head_hash=head_hash)

    def latest(self) -> ChainHead | None:
        """The newest anchor, or ``None`` before the first."""
        position, head_hash = self.view("latest_anchor")[0]
        return head_from_chain(position, head_hash) if position else None

    def count(self) -> int:
        """How many anchors were recorded."""
        return int(self.view("anchor_count")[0])

    def at(self, index: int) -> ChainHead:
        """The ``index``-th anchor (0-based)."""
        position, head_hash = self.view("anchor_at", index=index)[0]
        return head_from_chain(position, head_hash)

    def anchors(self) -> tuple[ChainHead, ...]:
        """Every anchor, oldest first."""
        return tuple(self.at(index) for index in range(self.count()))

    def is_anchorer(self, account: int) -> bool:
        """Whether ``account`` may anchor (the owner or an operator)."""
        return bool(self.view("is_anchorer", account=account)[0])


@attrs.frozen
class AnchorSite:
    """Where the anchors live: the client, the account that anchors, and how it was found."""

    client: AuditAnchorClient
    caller: int
    description: str


@contextmanager
def open_anchor(chain_state: Path | None, *, create: bool,
                env: Mapping[str, str] | None = None) -> Iterator[AnchorSite]:
    """The ``AuditAnchor`` of a local chain saved at ``chain_state``, or, without one, the
    rpc backend's (see the module docstring).

    Locally, a missing file is a new chain when ``create`` (``anchor``), else
    ``FileNotFoundError`` (``verify``: nothing was ever anchored there); the state is saved
    back when the block ends without an exception.  Raises :class:`ChainStateError` for a file
    that is not a chain state or holds no single ``AuditAnchor``,
    :class:`~astratrade_shell.starknet.rpc.RpcConfigError` for a missing rpc configuration.
    """
    if chain_state is None:
        yield _rpc_site(os.environ if env is None else env)
        return
    with LocalBackend() as backend:
        if chain_state.exists():
            backend.load_state(chain_state)
            client = _saved_contract(backend, chain_state)
        elif create:
            client = AuditAnchorClient.deploy(backend, caller=LOCAL_ANCHORER,
                                              owner=LOCAL_ANCHORER)
        else:
            raise FileNotFoundError(f"no chain state {chain_state}")
        yield AnchorSite(client, LOCAL_ANCHORER,
                         f"AuditAnchor {client.address:#x} on the local chain {chain_state}")
        backend.save_state(chain_state)


def _saved_contract(backend: LocalBackend, chain_state: Path) -> AuditAnchorClient:
    found = [address for address, name in backend.contracts().items()
             if name == AuditAnchorClient.contract_name]
    if len(found) != 1:
        raise ChainStateError(f"{chain_state}: holds {len(found)} AuditAnchor contracts, "
                              "not one")
    abi = ContractAbi(AuditAnchorClient.artifact().abi())
    return AuditAnchorClient(backend, found[0], abi)


def _rpc_site(env: Mapping[str, str]) -> AnchorSite:
    from astratrade_shell.starknet.rpc import (  # noqa: PLC0415
        RpcBackend,
        RpcConfig,
        RpcConfigError,
    )

    address = env.get(ANCHOR_ADDRESS_VARIABLE)
    if not address:
        raise RpcConfigError(f"--chain-state FILE (the local chain) or {ANCHOR_ADDRESS_VARIABLE} "
                             "with the ASTRATRADE_STARKNET_* variables (a node) is needed")
    try:
        contract = int(address, 0)
    except ValueError:
        raise RpcConfigError(f"{ANCHOR_ADDRESS_VARIABLE}: not an address: "
                             f"{address[:80]!r}") from None
    config = RpcConfig.from_mapping(env)
    abi = ContractAbi(AuditAnchorClient.artifact().abi())
    client = AuditAnchorClient(RpcBackend(config), contract, abi)
    return AnchorSite(client, config.account or 0, f"AuditAnchor {contract:#x} at the node")
