"""Every privileged entry point of every contract reverts for a stranger, with a decoded reason;
two-step ownership, renouncing, the operator role's admin and the timelocked class upgrade.

The list below is checked against the ABIs: every state-changing entry point is either in it or
in ``OPEN_TO_USERS`` (functions any account may call on its own behalf), so a new privileged
function without a test here fails ``test_every_external_function_is_classified``.
"""

from __future__ import annotations

from typing import Any

import pytest

from astratrade_shell.starknet.abi import ContractAbi
from astratrade_shell.starknet.anchor import AuditAnchorClient
from astratrade_shell.starknet.backend import ContractReverted
from astratrade_shell.starknet.clients import (
    ContractClient,
    ExchangeClient,
    OperatorOracleClient,
    PaymasterClient,
    RewardsDistributorClient,
    StakingManagerClient,
    TestTokenClient,
    VaultClient,
)
from astratrade_shell.starknet.governance import (
    GovernanceTokenClient,
    GovernorClient,
    GovernorSettings,
)
from astratrade_shell.starknet.lending import LendingPoolClient
from astratrade_shell.starknet.local import LocalBackend
from tests.contracts.conftest import ALICE, FEES, INSURANCE, OPERATOR, OWNER, POOL, STRANGER
from tests.contracts.venue import at_time

NOT_OWNER = "access: caller is not owner"
NOT_OPERATOR = "access: caller not operator"
NOT_ROLE_ADMIN = "access: caller not role admin"
NOT_PENDING = "access: caller not pending"
NOT_RELAYER = "paymaster: caller not relayer"
NOT_EXCHANGE = "vault: caller not exchange"
SIGNED = {"mag": 1, "neg": False}
UPGRADE_DELAY = 172_800
GOVERNOR_SETTINGS = GovernorSettings(voting_delay=0, voting_period=1, timelock_delay=86_400,
                                     quorum_bps=1, proposal_threshold=0)
OWNERSHIP: list[tuple[str, dict[str, Any], str]] = [
    ("set_operator", {"account": STRANGER, "enabled": True}, NOT_ROLE_ADMIN),
    ("set_operator_admin", {"admin": STRANGER}, NOT_OWNER),
    ("transfer_ownership", {"new_owner": STRANGER}, NOT_OWNER),
    ("accept_ownership", {}, NOT_PENDING),
    ("renounce_ownership", {}, NOT_OWNER),
]
UPGRADE: list[tuple[str, dict[str, Any], str]] = [
    ("propose_upgrade", {"class_hash": 1}, NOT_OWNER),
    ("cancel_upgrade", {}, NOT_OWNER),
    ("execute_upgrade", {}, NOT_OWNER),
]

PRIVILEGED: dict[str, list[tuple[str, dict[str, Any], str]]] = {
    "Vault": [
        ("settle", {"user": STRANGER, "asset": POOL, "pnl": SIGNED, "fee": 0}, NOT_EXCHANGE),
        ("cover", {"asset": POOL, "amount": 1}, NOT_EXCHANGE),
        ("set_exchange", {"exchange": STRANGER}, NOT_OWNER),
        ("set_asset", {"asset": STRANGER, "allowed": True}, NOT_OWNER),
        ("set_fee_recipient", {"fee_recipient": STRANGER}, NOT_OWNER),
        ("pause", {}, NOT_OWNER),
        ("unpause", {}, NOT_OWNER),
        *OWNERSHIP,
        *UPGRADE,
    ],
    "Exchange": [
        ("list_market", {"market": 1, "asset": POOL, "maintenance_rate": 1,
                         "initial_rate": 1}, NOT_OWNER),
        ("record_fill", {"user": STRANGER, "market": 1, "is_buy": True, "quantity": 1,
                         "price": 1, "fee": 0}, NOT_OPERATOR),
        ("liquidate", {"user": STRANGER, "market": 1}, NOT_OPERATOR),
        ("set_price_bounds", {"max_price_age": 1, "max_deviation": 0}, NOT_OWNER),
        ("pause", {}, NOT_OWNER),
        ("unpause", {}, NOT_OWNER),
        *OWNERSHIP,
        *UPGRADE,
    ],
    "RewardsDistributor": [
        ("fund", {"amount": 1}, NOT_OWNER),
        ("set_shares", {"account": STRANGER, "shares": 1}, NOT_OPERATOR),
        *OWNERSHIP,
        *UPGRADE,
    ],
    "StakingManager": [
        ("notify_reward", {"amount": 1}, NOT_OPERATOR),
        ("pause", {}, NOT_OWNER),
        ("unpause", {}, NOT_OWNER),
        *OWNERSHIP,
        *UPGRADE,
    ],
    "Paymaster": [
        ("refill", {"amount": 1}, NOT_OWNER),
        ("set_tier", {"tier": 0, "min_xp": 0, "allowance": 1}, NOT_OWNER),
        ("set_relayer", {"relayer": STRANGER, "enabled": True}, NOT_OWNER),
        ("set_xp", {"user": STRANGER, "xp": 1}, NOT_OPERATOR),
        ("sponsor", {"user": STRANGER, "amount": 1}, NOT_RELAYER),
        *OWNERSHIP,
        *UPGRADE,
    ],
    "TestToken": [
        ("mint", {"recipient": STRANGER, "amount": 1}, NOT_OWNER),
        *OWNERSHIP,
    ],
    "OperatorOracle": [
        ("set_price", {"market": 1, "price": 1}, NOT_OPERATOR),
        *OWNERSHIP,
    ],
    "AuditAnchor": [
        ("anchor", {"position": 1, "head_hash": 1}, "anchor: caller not anchorer"),
        *OWNERSHIP,
    ],
    "LendingPool": [
        ("list_reserve", {"asset": STRANGER, "market": 1, "model": {
            "base_rate": 0, "slope1": 0, "slope2": 0, "optimal_utilization": 1,
            "reserve_factor_bps": 0}, "collateral_factor_bps": 0,
            "liquidation_threshold_bps": 0, "liquidation_bonus_bps": 0}, NOT_OWNER),
        ("set_max_price_age", {"max_price_age": 1}, NOT_OWNER),
        ("pause", {}, NOT_OWNER),
        ("unpause", {}, NOT_OWNER),
        *OWNERSHIP,
    ],
    "GovernanceToken": [
        ("mint", {"recipient": STRANGER, "amount": 1}, NOT_OWNER),
        *OWNERSHIP,
    ],
    # No owner: its settings change only through its own proposals.
    "Governor": [
        ("update_settings", {"settings": GOVERNOR_SETTINGS.encoded()},
         "governor: only governance"),
    ],
}
OPEN_TO_USERS = {"Vault": {"deposit", "withdraw", "fund_insurance"},
                 "StakingManager": {"stake", "unstake", "claim"},
                 "RewardsDistributor": {"claim"}, "Exchange": {"cover_bad_debt"},
                 "Paymaster": set(), "TestToken": {"transfer", "transfer_from", "approve", "burn"},
                 "OperatorOracle": set(), "AuditAnchor": set(),
                 "LendingPool": {"supply", "withdraw", "borrow", "repay", "liquidate"},
                 "GovernanceToken": {"transfer", "transfer_from", "approve", "burn", "delegate"},
                 "Governor": {"propose", "cast_vote", "queue", "execute", "cancel"}}


def deploy(backend: LocalBackend, name: str) -> ContractClient:
    token = POOL  # any non-zero address: no test here reaches a token call
    constructors: dict[str, tuple[type[ContractClient], dict[str, Any]]] = {
        "Vault": (VaultClient, {"pool": POOL, "insurance": INSURANCE, "fee_recipient": FEES}),
        "Exchange": (ExchangeClient, {"vault": POOL, "oracle": POOL}),
        "RewardsDistributor": (RewardsDistributorClient, {"reward_token": token,
                                                          "reward_duration": 1}),
        "StakingManager": (StakingManagerClient, {"stake_token": token, "reward_token": token,
                                                  "reward_duration": 1}),
        "Paymaster": (PaymasterClient, {"token": token}),
        "TestToken": (TestTokenClient, {"name": "T", "symbol": "T", "decimals": 18}),
        "OperatorOracle": (OperatorOracleClient, {}),
        "AuditAnchor": (AuditAnchorClient, {}),
        "LendingPool": (LendingPoolClient, {"oracle": POOL}),
        "GovernanceToken": (GovernanceTokenClient, {"name": "G", "symbol": "G", "decimals": 18}),
    }
    if name == "Governor":
        return GovernorClient.create(backend, token=token, settings=GOVERNOR_SETTINGS)
    client, arguments = constructors[name]
    return client.deploy(backend, caller=OWNER, owner=OWNER, **arguments)


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


def test_attack_ownership_moves_in_two_steps(backend: LocalBackend) -> None:
    """Issue 18: a one-step transfer to a mistyped address locked the owner out for good."""
    vault = deploy(backend, "Vault")
    (started,) = vault.transfer_ownership(OWNER, STRANGER).named("OwnershipTransferStarted")
    assert started.fields == {"previous_owner": OWNER, "new_owner": STRANGER}
    assert (vault.owner(), vault.pending_owner()) == (OWNER, STRANGER)
    vault.transfer_ownership(OWNER, ALICE)  # the owner corrects the typo
    with pytest.raises(ContractReverted, match=NOT_PENDING):
        vault.accept_ownership(STRANGER)
    (event,) = vault.accept_ownership(ALICE).named("OwnershipTransferred")
    assert event.fields == {"previous_owner": OWNER, "new_owner": ALICE}
    assert (vault.owner(), vault.pending_owner()) == (ALICE, 0)
    with pytest.raises(ContractReverted, match=NOT_ROLE_ADMIN):
        vault.set_operator(OWNER, OWNER, True)
    with pytest.raises(ContractReverted, match="access: zero address"):
        vault.transfer_ownership(ALICE, 0)
    vault.renounce_ownership(ALICE)
    assert vault.owner() == 0
    with pytest.raises(ContractReverted, match=NOT_OWNER):
        vault.send("pause", caller=0)


def test_the_operator_admin_grants_operators(backend: LocalBackend) -> None:
    oracle = deploy(backend, "OperatorOracle")
    (event,) = oracle.set_operator_admin(OWNER, ALICE).named("RoleAdminChanged")
    assert event.fields["new_admin"] == ALICE
    assert oracle.operator_admin() == ALICE
    oracle.set_operator(ALICE, OPERATOR, True)
    assert oracle.is_operator(OPERATOR)
    with pytest.raises(ContractReverted, match="access: zero address"):
        oracle.set_operator(ALICE, 0, True)
    with pytest.raises(ContractReverted, match="access: zero address"):
        oracle.set_operator_admin(OWNER, 0)


@pytest.mark.parametrize("contract", ["Vault", "RewardsDistributor", "StakingManager",
                                      "Paymaster"])
def test_class_upgrade_waits_for_the_timelock(backend: LocalBackend, contract: str) -> None:
    """Executable exactly from ``ready_at`` (not a second before), cancellable, with its events;
    afterwards the address runs the new class (strangers: ``test_stranger_is_refused``)."""
    target = deploy(backend, contract)
    token = TestTokenClient.artifact()
    new_class = backend.declare(str(token.sierra_path), str(token.casm_path))
    with pytest.raises(ContractReverted, match="upgrade: zero class hash"):
        target.propose_upgrade(OWNER, 0)
    with pytest.raises(ContractReverted, match="upgrade: nothing pending"):
        target.execute_upgrade(OWNER)
    with at_time(backend, 1_000):
        (event,) = target.propose_upgrade(OWNER, new_class).named("UpgradeProposed")
        assert event.fields == {"class_hash": new_class, "ready_at": 1_000 + UPGRADE_DELAY}
        assert target.pending_upgrade() == (new_class, 1_000 + UPGRADE_DELAY)
        (event,) = target.cancel_upgrade(OWNER).named("UpgradeCancelled")
        assert event.fields == {"class_hash": new_class}
        assert target.pending_upgrade() == (0, 0)
        with pytest.raises(ContractReverted, match="upgrade: nothing pending"):
            target.cancel_upgrade(OWNER)
        target.propose_upgrade(OWNER, new_class)
    with (at_time(backend, 1_000 + UPGRADE_DELAY - 1),
          pytest.raises(ContractReverted, match="upgrade: timelock not elapsed")):
        target.execute_upgrade(OWNER)
    with at_time(backend, 1_000 + UPGRADE_DELAY):
        (event,) = target.execute_upgrade(OWNER).named("Upgraded")
        assert event.fields == {"class_hash": new_class}
    upgraded = TestTokenClient(backend, target.address, ContractAbi(token.abi()))
    assert upgraded.total_supply() == 0  # the address now runs the new class
