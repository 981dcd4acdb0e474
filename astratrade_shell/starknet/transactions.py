"""Invoke transactions built and signed offline (no node needed).

An account contract's ``__execute__`` takes ``Array<Call>`` where ``Call`` is
``{to, selector, calldata: Span<felt252>}``; :func:`execute_calldata` serializes that (the
Cairo 1 account ABI), :func:`build_invoke` wraps it in an ``InvokeV3`` with an explicit nonce
and resource bounds (what ``Account.sign_invoke_v3`` would otherwise fetch from a node), and
:func:`sign_invoke` signs it with a Stark-curve key for a chain id.

>>> execute_calldata([ContractCall(0x10, 0x20, (1, 2))])
[1, 16, 32, 2, 1, 2]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

__all__ = [
    "ContractCall",
    "GasBounds",
    "SignedInvoke",
    "build_invoke",
    "execute_calldata",
    "sign_invoke",
    "verify_invoke",
]


@attrs.frozen
class ContractCall:
    """One call inside a multicall: target, entry point selector and its calldata."""

    to: int
    selector: int
    calldata: tuple[int, ...] = ()


@attrs.frozen
class GasBounds:
    """Maximum amount and price per unit for L1 gas, L1 data gas and L2 gas (FRI)."""

    l1_gas: tuple[int, int] = (0, 0)
    l1_data_gas: tuple[int, int] = (0, 0)
    l2_gas: tuple[int, int] = (0, 0)


@attrs.frozen
class SignedInvoke:
    """A signed ``InvokeV3`` (starknet-py's object) and its hash on ``chain_id``."""

    transaction: Any
    transaction_hash: int
    chain_id: int


def execute_calldata(calls: Sequence[ContractCall]) -> list[int]:
    """Serialize ``calls`` as the ``__execute__`` calldata of a Cairo 1 account."""
    out = [len(calls)]
    for call in calls:
        out += [call.to, call.selector, len(call.calldata), *call.calldata]
    return out


def build_invoke(calls: Sequence[ContractCall], *, sender: int, nonce: int,
                 bounds: GasBounds, tip: int = 0) -> Any:
    """An unsigned ``InvokeV3`` from ``sender`` (an account contract address)."""
    from starknet_py.net.client_models import (  # noqa: PLC0415 - heavy import
        ResourceBounds,
        ResourceBoundsMapping,
    )
    from starknet_py.net.models.transaction import InvokeV3  # noqa: PLC0415

    mapping = ResourceBoundsMapping(
        l1_gas=ResourceBounds(*bounds.l1_gas),
        l1_data_gas=ResourceBounds(*bounds.l1_data_gas),
        l2_gas=ResourceBounds(*bounds.l2_gas),
    )
    return InvokeV3(version=3, signature=[], nonce=nonce, resource_bounds=mapping,
                    calldata=execute_calldata(calls), sender_address=sender, tip=tip)


def sign_invoke(transaction: Any, *, private_key: int, chain_id: int) -> SignedInvoke:
    """Sign ``transaction`` with a Stark-curve key; returns it with the signature set."""
    from starknet_py.net.signer.key_pair import KeyPair  # noqa: PLC0415
    from starknet_py.net.signer.stark_curve_signer import StarkCurveSigner  # noqa: PLC0415

    signer = StarkCurveSigner(transaction.sender_address, KeyPair.from_private_key(private_key),
                              chain_id)
    signature = signer.sign_transaction(transaction)
    signed = attrs.evolve(transaction, signature=signature) if attrs.has(type(transaction)) \
        else _with_signature(transaction, signature)
    return SignedInvoke(signed, int(transaction.calculate_hash(chain_id)), chain_id)


def _with_signature(transaction: Any, signature: list[int]) -> Any:
    import dataclasses  # noqa: PLC0415

    return dataclasses.replace(transaction, signature=signature)


def verify_invoke(signed: SignedInvoke, public_key: int) -> bool:
    """Check the signature of ``signed`` against ``public_key``."""
    from starknet_py.hash.utils import verify_message_signature  # noqa: PLC0415

    return bool(verify_message_signature(signed.transaction_hash,
                                         list(signed.transaction.signature), public_key))
