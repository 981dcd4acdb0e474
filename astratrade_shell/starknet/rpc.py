"""The ``rpc`` backend: a Starknet node over JSON-RPC (starknet-py), signing with an account key.

Configuration comes from the environment (:meth:`RpcConfig.from_env`):

``ASTRATRADE_STARKNET_RPC_URL``       node URL (required)
``ASTRATRADE_STARKNET_ACCOUNT``       account contract address (hex; required to invoke)
``ASTRATRADE_STARKNET_PRIVATE_KEY``   its Stark key (hex; required to invoke)
``ASTRATRADE_STARKNET_CHAIN_ID``      ``SN_MAIN``, ``SN_SEPOLIA`` or a hex/int felt
                                      (default ``SN_SEPOLIA``)
``ASTRATRADE_STARKNET_L2_GAS``        ``max_amount:max_price`` for L2 gas (default below);
                                      L1 gas and L1 data gas likewise via ``..._L1_GAS`` and
                                      ``..._L1_DATA_GAS``.

Views go through ``starknet_call``.  Invocations are built and signed offline
(:mod:`~astratrade_shell.starknet.transactions`) with the account's nonce from the node, sent, and
awaited; a reverted transaction comes back as a failed :class:`CallOutcome` with the node's
revert reason.  Only the ``caller`` that is the configured account can invoke.  Declaring and
deploying are left to standard tooling (sncast, starkli): this backend executes against
contracts that already exist.  It is not exercised against a node in this repository's tests
(no node can run here); its offline parts (configuration, transaction building) are.

>>> RpcConfig.from_mapping({"ASTRATRADE_STARKNET_RPC_URL": "http://127.0.0.1:5050"}).chain_id
393402133025997798000961
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from astratrade_shell.redaction import redact_text, redact_url, url_secrets
from astratrade_shell.starknet.backend import CallOutcome, EmittedEvent
from astratrade_shell.starknet.transactions import (
    ContractCall,
    GasBounds,
    build_invoke,
    sign_invoke,
)

__all__ = ["RpcBackend", "RpcConfig", "RpcConfigError", "RpcUnavailableError"]

_CHAINS = {"SN_MAIN": int.from_bytes(b"SN_MAIN", "big"),
           "SN_SEPOLIA": int.from_bytes(b"SN_SEPOLIA", "big")}
_DEFAULT_L2_GAS = (10**8, 10**10)
_DEFAULT_L1_GAS = (10**4, 10**14)
_DEFAULT_BOUNDS = GasBounds(l1_gas=_DEFAULT_L1_GAS, l1_data_gas=_DEFAULT_L1_GAS,
                            l2_gas=_DEFAULT_L2_GAS)
T = TypeVar("T")


class RpcConfigError(ValueError):
    """The configuration is missing or malformed."""


class RpcUnavailableError(ConnectionError):
    """The node could not be reached or answered garbage (the message is redacted: a node
    URL's API key or password never shows)."""


def _felt(text: str, name: str, *, secret: bool = False) -> int:
    try:
        return int(text, 0)
    except ValueError:
        shown = "(the value is secret)" if secret else repr(text[:80])
        raise RpcConfigError(f"{name}: not an integer: {shown}") from None


def _bounds(text: str | None, default: tuple[int, int], name: str) -> tuple[int, int]:
    if not text:
        return default
    amount, _, price = text.partition(":")
    return (_felt(amount, name), _felt(price, name))


@attrs.frozen
class RpcConfig:
    """Where the node is and which account signs."""

    url: str = attrs.field(repr=redact_url)  # an API key in its path or query never shows
    chain_id: int
    account: int | None = None
    private_key: int | None = attrs.field(default=None, repr=False)
    bounds: GasBounds = _DEFAULT_BOUNDS

    @classmethod
    def from_env(cls) -> RpcConfig:
        """Read the ``ASTRATRADE_STARKNET_*`` variables (see the module docstring)."""
        return cls.from_mapping(os.environ)

    @classmethod
    def from_mapping(cls, env: Mapping[str, str]) -> RpcConfig:
        """Read the configuration from ``env``; raises :class:`RpcConfigError`."""
        prefix = "ASTRATRADE_STARKNET_"
        url = env.get(prefix + "RPC_URL")
        if not url:
            raise RpcConfigError(f"{prefix}RPC_URL is not set")
        chain = env.get(prefix + "CHAIN_ID", "SN_SEPOLIA")
        chain_id = _CHAINS.get(chain) or _felt(chain, prefix + "CHAIN_ID")
        account = env.get(prefix + "ACCOUNT")
        key = env.get(prefix + "PRIVATE_KEY")
        bounds = GasBounds(
            l1_gas=_bounds(env.get(prefix + "L1_GAS"), _DEFAULT_L1_GAS, prefix + "L1_GAS"),
            l1_data_gas=_bounds(env.get(prefix + "L1_DATA_GAS"), _DEFAULT_L1_GAS,
                                prefix + "L1_DATA_GAS"),
            l2_gas=_bounds(env.get(prefix + "L2_GAS"), _DEFAULT_L2_GAS, prefix + "L2_GAS"))
        return cls(url, chain_id, None if account is None else _felt(account, prefix + "ACCOUNT"),
                   None if key is None else _felt(key, prefix + "PRIVATE_KEY", secret=True),
                   bounds)


def _run(awaitable: Awaitable[T]) -> T:
    async def wrapper() -> T:
        return await awaitable

    return asyncio.run(wrapper())


class RpcBackend:
    """A :class:`~astratrade_shell.starknet.backend.Backend` on a real node."""

    def __init__(self, config: RpcConfig) -> None:
        from starknet_py.net.full_node_client import FullNodeClient  # noqa: PLC0415

        self.config = config
        self._client = FullNodeClient(node_url=config.url)
        self._secrets = url_secrets(config.url)

    def __repr__(self) -> str:
        return f"RpcBackend({self.config!r})"

    def _send(self, awaitable: Awaitable[T]) -> T:
        """Run one request; a failure other than the node's own answer (``ClientError``,
        handled by the caller) becomes :class:`RpcUnavailableError` with a redacted message
        (HTTP errors quote the URL, API key included)."""
        from starknet_py.net.client_errors import ClientError  # noqa: PLC0415

        try:
            return _run(awaitable)
        except ClientError:
            raise
        except Exception as exc:
            raise RpcUnavailableError(redact_text(f"{type(exc).__name__}: {exc}",
                                                  self._secrets)) from None

    def declare(self, sierra_path: str, casm_path: str) -> int:
        """Not supported: declare with sncast/starkli, then use the class hash."""
        raise NotImplementedError("declare with standard tooling (sncast/starkli)")

    def deploy(self, class_hash: int, calldata: Sequence[int], *, caller: int,
               salt: int = 0) -> int:
        """Not supported: deploy with sncast/starkli (the UDC), then use the address."""
        raise NotImplementedError("deploy with standard tooling (sncast/starkli)")

    def call(self, address: int, selector: int, calldata: Sequence[int]) -> CallOutcome:
        """``starknet_call`` at the latest block; a node error is a failed outcome."""
        from starknet_py.net.client_errors import ClientError  # noqa: PLC0415
        from starknet_py.net.client_models import Call  # noqa: PLC0415

        try:
            result = self._send(self._client.call_contract(
                Call(address, selector, list(calldata)), block_number="latest"))
        except ClientError as error:
            return CallOutcome(failed=True, retdata=(),
                               error=redact_text(str(error.message), self._secrets))
        return CallOutcome(failed=False, retdata=tuple(result))

    def invoke(self, address: int, selector: int, calldata: Sequence[int], *,
               caller: int) -> CallOutcome:
        """Sign offline, send, wait; events come from the receipt."""
        config = self.config
        if config.account is None or config.private_key is None:
            raise RuntimeError("ASTRATRADE_STARKNET_ACCOUNT and _PRIVATE_KEY are needed")
        if caller != config.account:
            raise ValueError(f"caller {caller:#x} is not the configured account")
        nonce = self._send(self._client.get_contract_nonce(config.account))
        transaction = build_invoke([ContractCall(address, selector, tuple(calldata))],
                                   sender=config.account, nonce=int(nonce), bounds=config.bounds)
        signed = sign_invoke(transaction, private_key=config.private_key,
                             chain_id=config.chain_id)
        from starknet_py.transaction_errors import TransactionRevertedError  # noqa: PLC0415

        sent = self._send(self._client.send_transaction(signed.transaction))
        try:
            receipt: Any = _run(self._client.wait_for_tx(sent.transaction_hash))
        except TransactionRevertedError as reverted:
            return CallOutcome(failed=True, retdata=(),
                               error=redact_text(str(reverted.message), self._secrets))
        except Exception as exc:
            raise RpcUnavailableError(redact_text(f"{type(exc).__name__}: {exc}",
                                                  self._secrets)) from None
        events = tuple(EmittedEvent(int(e.from_address), tuple(e.keys), tuple(e.data))
                       for e in receipt.events)
        return CallOutcome(failed=False, retdata=(), events=events)
