"""StakingManager, RewardsDistributor and Paymaster behaviour, executed in the VM."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from astratrade_core.defi import StakingPool
from astratrade_shell.starknet.backend import ContractReverted
from astratrade_shell.starknet.clients import (
    PaymasterClient,
    RewardsDistributorClient,
    StakingManagerClient,
)
from astratrade_shell.starknet.local import LocalBackend
from tests.contracts.conftest import ALICE, BOB, OPERATOR, OWNER, STRANGER

RELAYER = 0x7E1A


def staking(backend: LocalBackend) -> StakingManagerClient:
    manager = StakingManagerClient.deploy(backend, caller=OWNER, owner=OWNER)
    manager.set_operator(OWNER, OPERATOR, True)
    return manager


def test_rewards_split_by_stake_and_claim_events(backend: LocalBackend) -> None:
    manager = staking(backend)
    manager.stake(ALICE, 100)
    manager.stake(BOB, 300)
    (event,) = manager.notify_reward(OPERATOR, 1000).named("RewardNotified")
    assert event.fields["total_funded"] == 1000
    assert (manager.pending_of(ALICE), manager.pending_of(BOB)) == (250, 750)
    receipt = manager.send("claim", caller=ALICE)
    (claimed,) = receipt.named("RewardClaimed")
    assert claimed.fields == {"account": ALICE, "amount": 250}
    assert receipt.outcome.events[0].keys[1] == ALICE
    with pytest.raises(ContractReverted, match="staking: nothing to claim"):
        manager.claim(ALICE)


def test_unstaking_more_than_staked_reverts(backend: LocalBackend) -> None:
    manager = staking(backend)
    manager.stake(ALICE, 5)
    with pytest.raises(ContractReverted, match="staking: insufficient stake"):
        manager.unstake(ALICE, 6)


def test_pause_blocks_staking_but_never_exits(backend: LocalBackend) -> None:
    manager = staking(backend)
    manager.stake(ALICE, 10)
    manager.notify_reward(OPERATOR, 7)
    manager.send("pause", caller=OWNER)
    with pytest.raises(ContractReverted, match="pausable: paused"):
        manager.stake(ALICE, 1)
    manager.unstake(ALICE, 10)
    assert manager.claim(ALICE) == 7


OPS = st.lists(st.tuples(st.sampled_from(["stake", "unstake", "claim", "notify"]),
                         st.sampled_from([ALICE, BOB]), st.integers(1, 10**6)),
               min_size=1, max_size=8)


@settings(max_examples=5, database=None)
@given(OPS)
def test_any_order_pays_what_the_core_pays_and_never_more_than_funded(
        backend: LocalBackend, ops: list[tuple[str, int, int]]) -> None:
    manager = staking(backend)
    model = StakingPool()
    paid = 0
    for op, account, amount in ops:
        name = str(account)
        if op == "notify":
            manager.notify_reward(OPERATOR, amount)
            model = model.notify_reward(amount).unwrap()
        elif op == "stake":
            manager.stake(account, amount)
            model = model.stake(name, amount).unwrap()
        elif op == "unstake":
            held = min(amount, model.position(name).staked)
            if held:
                manager.unstake(account, held)
                model = model.unstake(name, held).unwrap()
        elif model.pending(name):
            claim = model.claim(name).unwrap()
            assert manager.claim(account) == claim.amount
            paid += claim.amount
            model = claim.pool
    assert manager.total_paid() == paid <= manager.total_funded()
    for account in (ALICE, BOB):
        assert manager.pending_of(account) == model.pending(str(account))
    assert manager.total_paid() + manager.pending_of(ALICE) + manager.pending_of(BOB) <= (
        manager.total_funded())


def test_distributor_shares_only_reprice_the_future(backend: LocalBackend) -> None:
    distributor = RewardsDistributorClient.deploy(backend, caller=OWNER, owner=OWNER)
    distributor.set_operator(OWNER, OPERATOR, True)
    distributor.set_shares(OPERATOR, ALICE, 1)
    distributor.set_shares(OPERATOR, BOB, 1)
    distributor.fund(OWNER, 100)
    distributor.set_shares(OPERATOR, ALICE, 3)  # after the first round: no retroactive change
    distributor.fund(OWNER, 100)
    # Round 1: 50 / 50.  Round 2: 75 / 25.
    assert (distributor.claim(ALICE), distributor.claim(BOB)) == (125, 75)
    assert distributor.total_paid() == distributor.total_funded() == 200
    distributor.set_shares(OPERATOR, ALICE, 0)
    assert distributor.staked_of(ALICE) == 0


def paymaster(backend: LocalBackend) -> PaymasterClient:
    client = PaymasterClient.deploy(backend, caller=OWNER, owner=OWNER)
    client.set_operator(OWNER, OPERATOR, True)
    client.set_relayer(OWNER, RELAYER, True)
    client.set_tier(OWNER, 0, 0, 100)
    client.set_tier(OWNER, 1, 1_000, 500)
    client.refill(OWNER, 10_000)
    return client


def test_paymaster_allowance_follows_the_xp_tier(backend: LocalBackend) -> None:
    client = paymaster(backend)
    assert (client.tier_of(ALICE), client.remaining_of(ALICE)) == (0, 100)
    client.set_xp(OPERATOR, ALICE, 1_500)
    assert (client.tier_of(ALICE), client.remaining_of(ALICE)) == (1, 500)
    (event,) = client.sponsor(RELAYER, ALICE, 300).named("Sponsored")
    assert event.fields["user"] == ALICE
    assert event.fields["relayer"] == RELAYER
    assert (event.fields["remaining"], event.fields["budget"]) == (200, 9_700)
    with pytest.raises(ContractReverted, match="paymaster: over allowance"):
        client.sponsor(RELAYER, ALICE, 201)
    assert client.budget() == 9_700


def test_paymaster_budget_caps_sponsorship_and_tiers_must_ascend(backend: LocalBackend) -> None:
    client = PaymasterClient.deploy(backend, caller=OWNER, owner=OWNER)
    client.set_relayer(OWNER, RELAYER, True)
    client.set_tier(OWNER, 0, 0, 100)
    client.refill(OWNER, 50)
    with pytest.raises(ContractReverted, match="paymaster: over budget"):
        client.sponsor(RELAYER, BOB, 60)
    with pytest.raises(ContractReverted, match="paymaster: bad tier"):
        client.set_tier(OWNER, 2, 10, 1)
    client.set_relayer(OWNER, RELAYER, False)
    with pytest.raises(ContractReverted, match="paymaster: caller not relayer"):
        client.sponsor(RELAYER, BOB, 1)
    with pytest.raises(ContractReverted, match="paymaster: caller not relayer"):
        client.sponsor(STRANGER, BOB, 1)
