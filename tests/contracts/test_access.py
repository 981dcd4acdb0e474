"""Every privileged entry point of every contract reverts for a stranger, with a decoded reason.

The list below is checked against the ABIs: every state-changing entry point is either in it or
in ``OPEN_TO_USERS`` (functions any account may call on its own behalf), so a new privileged
function without a test here fails ``test_every_external_function_is_classified``.
"""

from __future__ import annotations

from typing import Any

import pytest

from astratrade_shell.starknet.anchor import AuditAnchorClient
from astratrade_shell.starknet.backend import ContractReverted
from astratrade_shell.starknet.clients import (
    ContractClient,
    ExchangeClient,
    PaymasterClient,
    RewardsDistributorClient,
    StakingManagerClient,
    TestTokenClient,
    VaultClient,
)
from astratrade_shell.starknet.local import LocalBackend
from tests.contracts.conftest import FEES, OWNER, POOL, STRANGER, USDC

NOT_OWNER = "access: caller is not owner"
NOT_OPERATOR = "access: caller not operator"
NOT_RELAYER = "paymaster: caller not relayer"
SIGNED = {"mag": 1, "neg": False}
OWNERSHIP: list[tuple[str, dict[str, Any], str]] = [
    ("set_operator", {"account": STRANGER, "enabled": True}, NOT_OWNER),
    ("transfer_ownership", {"new_owner": STRANGER}, NOT_OWNER),
]

PRIVILEGED: dict[str, list[tuple[str, dict[str, Any], str]]] = {
    "Vault": [
        ("settle", {"user": STRANGER, "asset": USDC, "pnl": SIGNED, "fee": 0}, NOT_OPERATOR),
        ("pause", {}, NOT_OWNER),
        ("unpause", {}, NOT_OWNER),
        *OWNERSHIP,
    ],
    "Exchange": [
        ("list_market", {"market": 1, "asset": USDC, "maintenance_rate": 1}, NOT_OWNER),
        ("record_fill", {"user": STRANGER, "market": 1, "is_buy": True, "quantity": 1,
                         "price": 1, "fee": 0}, NOT_OPERATOR),
        ("liquidate", {"user": STRANGER, "market": 1, "mark_price": 1}, NOT_OPERATOR),
        ("pause", {}, NOT_OWNER),
        ("unpause", {}, NOT_OWNER),
        *OWNERSHIP,
    ],
    "RewardsDistributor": [
        ("fund", {"amount": 1}, NOT_OWNER),
        ("set_shares", {"account": STRANGER, "shares": 1}, NOT_OPERATOR),
        *OWNERSHIP,
    ],
    "StakingManager": [
        ("notify_reward", {"amount": 1}, NOT_OPERATOR),
        ("pause", {}, NOT_OWNER),
        ("unpause", {}, NOT_OWNER),
        *OWNERSHIP,
    ],
    "Paymaster": [
        ("refill", {"amount": 1}, NOT_OWNER),
        ("set_tier", {"tier": 0, "min_xp": 0, "allowance": 1}, NOT_OWNER),
        ("set_relayer", {"relayer": STRANGER, "enabled": True}, NOT_OWNER),
        ("set_xp", {"user": STRANGER, "xp": 1}, NOT_OPERATOR),
        ("sponsor", {"user": STRANGER, "amount": 1}, NOT_RELAYER),
        *OWNERSHIP,
    ],
    "TestToken": [
        ("mint", {"recipient": STRANGER, "amount": 1}, NOT_OWNER),
        *OWNERSHIP,
    ],
    "AuditAnchor": [
        ("anchor", {"position": 1, "head_hash": 1}, "anchor: caller not anchorer"),
        *OWNERSHIP,
    ],
}
OPEN_TO_USERS = {"Vault": {"deposit", "withdraw"}, "StakingManager": {"stake", "unstake", "claim"},
                 "RewardsDistributor": {"claim"}, "Exchange": set(), "Paymaster": set(),
                 "TestToken": {"transfer", "transfer_from", "approve", "burn"},
                 "AuditAnchor": set()}


def deploy(backend: LocalBackend, name: str) -> ContractClient:
    if name == "Vault":
        return VaultClient.deploy(backend, caller=OWNER, owner=OWNER, pool=POOL,
                                  fee_recipient=FEES)
    if name == "TestToken":
        return TestTokenClient.create(backend, owner=OWNER)
    if name == "Exchange":
        return ExchangeClient.deploy(backend, caller=OWNER, owner=OWNER, vault=POOL)
    classes: dict[str, type[ContractClient]] = {
        "RewardsDistributor": RewardsDistributorClient, "StakingManager": StakingManagerClient,
        "Paymaster": PaymasterClient, "AuditAnchor": AuditAnchorClient}
    return classes[name].deploy(backend, caller=OWNER, owner=OWNER)


@pytest.fixture(scope="module")
def deployed(backend: LocalBackend) -> dict[str, ContractClient]:
    return {name: deploy(backend, name) for name in PRIVILEGED}


@pytest.mark.parametrize(("contract", "function", "arguments", "reason"), [
    (contract, function, arguments, reason)
    for contract, entries in PRIVILEGED.items() for function, arguments, reason in entries
], ids=lambda value: value if isinstance(value, str) and " " not in value else "")
def test_stranger_is_refused(deployed: dict[str, ContractClient], contract: str, function: str,
                             arguments: dict[str, Any], reason: str) -> None:
    with pytest.raises(ContractReverted) as refused:
        deployed[contract].send(function, caller=STRANGER, **arguments)
    assert refused.value.message == reason
    assert refused.value.outcome.events == ()


@pytest.mark.parametrize("contract", sorted(PRIVILEGED))
def test_every_external_function_is_classified(deployed: dict[str, ContractClient],
                                               contract: str) -> None:
    artifact = type(deployed[contract]).artifact()
    external = {item["name"] for entry in artifact.abi() if entry["type"] == "interface"
                for item in entry["items"] if item.get("state_mutability") == "external"}
    tested = {function for function, _, _ in PRIVILEGED[contract]}
    assert external == tested | OPEN_TO_USERS[contract]


def test_owner_can_hand_over_and_loses_the_role(backend: LocalBackend) -> None:
    vault = deploy(backend, "Vault")
    receipt = vault.transfer_ownership(OWNER, STRANGER)
    (event,) = receipt.named("OwnershipTransferred")
    assert event.fields == {"previous_owner": OWNER, "new_owner": STRANGER}
    assert vault.owner() == STRANGER
    with pytest.raises(ContractReverted, match=NOT_OWNER):
        vault.set_operator(OWNER, OWNER, True)
    vault.set_operator(STRANGER, OWNER, True)
    assert vault.is_operator(OWNER)
