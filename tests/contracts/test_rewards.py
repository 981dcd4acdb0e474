"""StakingManager, RewardsDistributor and Paymaster with real tokens, executed in the VM.

The staking differential test drives the deployed ``StakingManager`` (its
``StakingPoolComponent``) against the core's ``StakingPool`` fed by the same reward stream
(``tests/contracts/staking_model.py``), with block timestamps.
"""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from astratrade_shell.starknet.backend import ContractReverted
from astratrade_shell.starknet.clients import (
    PaymasterClient,
    RewardsDistributorClient,
    StakingManagerClient,
    TestTokenClient,
)
from astratrade_shell.starknet.local import ExecutorError, LocalBackend
from tests.contracts.conftest import ALICE, BOB, OPERATOR, OWNER, STRANGER
from tests.contracts.staking_model import MIN_TOTAL_STAKE, StreamedPool
from tests.contracts.venue import MAX, HostileTokenClient, at_time

RELAYER = 0x7E1A
DURATION = 1_000
T0 = 10_000


class Staking:
    """A StakingManager with its stake and reward tokens; ALICE and BOB hold and approved."""

    def __init__(self, backend: LocalBackend) -> None:
        self.backend = backend
        self.stake_token = TestTokenClient.create(backend, owner=OWNER, symbol="STK")
        self.reward_token = TestTokenClient.create(backend, owner=OWNER, symbol="RWD")
        self.manager = StakingManagerClient.deploy(
            backend, caller=OWNER, owner=OWNER, stake_token=self.stake_token.address,
            reward_token=self.reward_token.address, reward_duration=DURATION)
        self.manager.set_operator(OWNER, OPERATOR, True)
        for account in (ALICE, BOB):
            self.stake_token.mint(OWNER, account, 10**30)
            self.stake_token.approve(account, self.manager.address, MAX)
        self.reward_token.mint(OWNER, OPERATOR, 10**30)
        self.reward_token.approve(OPERATOR, self.manager.address, MAX)


def test_attack_reward_sniping_earns_only_the_time_weighted_share(
        backend: LocalBackend) -> None:
    """Issue 18: staking 99x just before a 1,000,000 reward and leaving claimed 99 % of it."""
    staking = Staking(backend)
    manager = staking.manager
    model = StreamedPool(DURATION)
    with at_time(backend, T0):
        manager.stake(ALICE, 1_000_000)
        model.stake(T0, "alice", 1_000_000)
        (event,) = manager.notify_reward(OPERATOR, 1_000_000).named("RewardNotified")
        model.schedule(T0, 1_000_000)
        assert event.fields == {"amount": 1_000_000, "remaining": 1_000_000,
                                "finish": T0 + DURATION, "total_funded": 1_000_000}
    with at_time(backend, T0 + 500):
        manager.stake(BOB, 99_000_000)
        model.stake(T0 + 500, "bob", 99_000_000)
    with at_time(backend, T0 + 501):
        manager.unstake(BOB, 99_000_000)
        model.unstake(T0 + 501, "bob", 99_000_000)
        sniped = manager.claim(BOB)
        assert sniped == model.claim(T0 + 501, "bob") == 990  # 1 s of 1,000/s, 99 %
    with at_time(backend, T0 + DURATION + 5):
        honest = manager.claim(ALICE)
        assert honest == model.claim(T0 + DURATION + 5, "alice")
    assert honest + sniped <= 1_000_000
    assert honest >= 1_000_000 - 990 - 1
    assert staking.reward_token.balance_of(BOB) == 990
    assert staking.stake_token.balance_of(BOB) == 10**30  # the stake came back


def test_minimum_total_stake_guards_the_accumulator(backend: LocalBackend) -> None:
    """zkLend (Feb 2025): rewards over a tiny total stake inflate the index."""
    staking = Staking(backend)
    manager = staking.manager
    with pytest.raises(ContractReverted, match="staking: below minimum stake"):
        manager.stake(ALICE, MIN_TOTAL_STAKE - 1)
    manager.stake(ALICE, MIN_TOTAL_STAKE)
    with pytest.raises(ContractReverted, match="staking: below minimum stake"):
        manager.unstake(ALICE, 1)
    with pytest.raises(ContractReverted, match="staking: insufficient stake"):
        manager.unstake(ALICE, MIN_TOTAL_STAKE + 1)
    with pytest.raises(ContractReverted, match="staking: amount is zero"):
        manager.stake(ALICE, 0)
    manager.unstake(ALICE, MIN_TOTAL_STAKE)  # back to zero is fine
    assert manager.total_staked() == 0


def test_the_stream_pauses_while_nothing_is_staked(backend: LocalBackend) -> None:
    staking = Staking(backend)
    manager = staking.manager
    with at_time(backend, T0):
        manager.notify_reward(OPERATOR, 4_000)
    with at_time(backend, T0 + 5 * DURATION):  # long after the period: nothing was paid out
        manager.stake(ALICE, MIN_TOTAL_STAKE)
        assert manager.reward_stream() == (4_000, T0 + 5 * DURATION, T0 + 6 * DURATION,
                                           DURATION)
    with at_time(backend, T0 + 6 * DURATION):
        assert manager.claim(ALICE) == 4_000
        with pytest.raises(ContractReverted, match="staking: nothing to claim"):
            manager.claim(ALICE)


def test_pause_blocks_staking_but_never_exits(backend: LocalBackend) -> None:
    staking = Staking(backend)
    manager = staking.manager
    with at_time(backend, T0):
        manager.stake(ALICE, MIN_TOTAL_STAKE)
        manager.notify_reward(OPERATOR, 7)
        manager.pause(OWNER)
        with pytest.raises(ContractReverted, match="pausable: paused"):
            manager.stake(ALICE, 1)
    with at_time(backend, T0 + DURATION):
        manager.unstake(ALICE, MIN_TOTAL_STAKE)
        assert manager.claim(ALICE) == 7
    assert (manager.stake_token(), manager.reward_token()) == (staking.stake_token.address,
                                                               staking.reward_token.address)


OPS = st.lists(st.tuples(st.sampled_from(["stake", "unstake", "claim", "notify"]),
                         st.sampled_from([ALICE, BOB]),
                         st.one_of(st.integers(1, 10**7), st.just(MIN_TOTAL_STAKE)),
                         st.integers(0, DURATION)),
               min_size=1, max_size=8)


@settings(max_examples=4, database=None, deadline=None)
@given(OPS)
def test_deployed_component_pays_what_the_core_pays(
        backend: LocalBackend, ops: list[tuple[str, int, int, int]]) -> None:
    """Differential: the deployed StakingManager against the core pool + the same stream."""
    staking = Staking(backend)
    manager = staking.manager
    model = StreamedPool(DURATION)
    now = T0
    for op, account, amount, wait in ops:
        now += wait
        name = str(account)
        with at_time(backend, now):
            if op == "notify":
                manager.notify_reward(OPERATOR, amount)
                model.schedule(now, amount)
            elif op == "stake":
                total = model.pool.total_staked + amount
                if model.allowed(total):
                    manager.stake(account, amount)
                    assert model.stake(now, name, amount)
                else:
                    with pytest.raises(ContractReverted, match="below minimum stake"):
                        manager.stake(account, amount)
            elif op == "unstake":
                held = min(amount, model.pool.position(name).staked)
                if held and model.allowed(model.pool.total_staked - held):
                    manager.unstake(account, held)
                    assert model.unstake(now, name, held)
            elif attrs.evolve(model).claim(now, name):  # a reverted claim changes nothing
                assert manager.claim(account) == model.claim(now, name)
            else:
                with pytest.raises(ContractReverted, match="staking: nothing to claim"):
                    manager.claim(account)
    assert manager.total_paid() == model.paid <= manager.total_funded() == model.funded
    assert manager.reward_stream()[0] == model.remaining
    for account in (ALICE, BOB):
        assert manager.pending_of(account) == model.pool.pending(str(account))
    held = staking.reward_token.balance_of(manager.address)
    assert held == model.funded - model.paid


def test_distributor_streams_and_shares_only_reprice_the_future(backend: LocalBackend) -> None:
    token = TestTokenClient.create(backend, owner=OWNER)
    distributor = RewardsDistributorClient.deploy(backend, caller=OWNER, owner=OWNER,
                                                  reward_token=token.address,
                                                  reward_duration=DURATION)
    token.mint(OWNER, OWNER, 200)
    token.approve(OWNER, distributor.address, 200)
    distributor.set_operator(OWNER, OPERATOR, True)
    with at_time(backend, T0):
        distributor.set_shares(OPERATOR, ALICE, MIN_TOTAL_STAKE)
        distributor.set_shares(OPERATOR, BOB, MIN_TOTAL_STAKE)
        distributor.fund(OWNER, 100)
    with at_time(backend, T0 + DURATION):  # round 1 streamed out: 50 / 50
        distributor.set_shares(OPERATOR, ALICE, 3 * MIN_TOTAL_STAKE)
        distributor.fund(OWNER, 100)
    with at_time(backend, T0 + 2 * DURATION):  # round 2: 75 / 25
        assert (distributor.claim(ALICE), distributor.claim(BOB)) == (125, 75)
        assert distributor.total_paid() == distributor.total_funded() == 200
        assert (token.balance_of(ALICE), token.balance_of(BOB)) == (125, 75)
        distributor.set_shares(OPERATOR, ALICE, 0)
    assert distributor.staked_of(ALICE) == 0
    assert distributor.reward_token() == token.address
    with pytest.raises(ExecutorError, match="staking: zero duration"):
        RewardsDistributorClient.deploy(backend, caller=OWNER, owner=OWNER,
                                        reward_token=token.address, reward_duration=0)
    with pytest.raises(ExecutorError, match="rewards: zero address"):
        RewardsDistributorClient.deploy(backend, caller=OWNER, owner=OWNER, reward_token=0,
                                        reward_duration=1)
    with pytest.raises(ExecutorError, match="staking: zero address"):
        StakingManagerClient.deploy(backend, caller=OWNER, owner=OWNER, stake_token=0,
                                    reward_token=token.address, reward_duration=1)


def paymaster(backend: LocalBackend, budget: int = 10_000) -> tuple[PaymasterClient,
                                                                    TestTokenClient]:
    token = TestTokenClient.create(backend, owner=OWNER)
    client = PaymasterClient.deploy(backend, caller=OWNER, owner=OWNER, token=token.address)
    client.set_operator(OWNER, OPERATOR, True)
    client.set_relayer(OWNER, RELAYER, True)
    client.set_tier(OWNER, 0, 0, 100)
    client.set_tier(OWNER, 1, 1_000, 500)
    token.mint(OWNER, OWNER, budget)
    token.approve(OWNER, client.address, budget)
    client.refill(OWNER, budget)
    return client, token


def test_paymaster_allowance_follows_the_xp_tier_and_pays_the_relayer(
        backend: LocalBackend) -> None:
    client, token = paymaster(backend)
    assert token.balance_of(client.address) == client.budget() == 10_000
    assert (client.tier_of(ALICE), client.remaining_of(ALICE)) == (0, 100)
    client.set_xp(OPERATOR, ALICE, 1_500)
    assert (client.tier_of(ALICE), client.remaining_of(ALICE)) == (1, 500)
    (event,) = client.sponsor(RELAYER, ALICE, 300).named("Sponsored")
    assert event.fields["user"] == ALICE
    assert event.fields["relayer"] == RELAYER
    assert (event.fields["remaining"], event.fields["budget"]) == (200, 9_700)
    assert token.balance_of(RELAYER) == 300
    with pytest.raises(ContractReverted, match="paymaster: over allowance"):
        client.sponsor(RELAYER, ALICE, 201)
    assert token.balance_of(client.address) == client.budget() == 9_700
    assert client.token() == token.address


def test_paymaster_budget_caps_sponsorship_and_tiers_must_ascend(backend: LocalBackend) -> None:
    client, _ = paymaster(backend, budget=50)
    with pytest.raises(ContractReverted, match="paymaster: over budget"):
        client.sponsor(RELAYER, BOB, 60)
    with pytest.raises(ContractReverted, match="paymaster: amount is zero"):
        client.sponsor(RELAYER, BOB, 0)
    with pytest.raises(ContractReverted, match="paymaster: amount is zero"):
        client.refill(OWNER, 0)  # an empty refill is refused, not an event with nothing paid
    with pytest.raises(ContractReverted, match="erc20: insufficient allowance"):
        client.refill(OWNER, 1)  # the budget is paid in, not declared
    with pytest.raises(ContractReverted, match="paymaster: bad tier"):
        client.set_tier(OWNER, 3, 10, 1)
    with pytest.raises(ContractReverted, match="paymaster: zero address"):
        client.set_relayer(OWNER, 0, True)
    client.set_relayer(OWNER, RELAYER, False)
    with pytest.raises(ContractReverted, match="paymaster: caller not relayer"):
        client.sponsor(RELAYER, BOB, 1)
    with pytest.raises(ContractReverted, match="paymaster: caller not relayer"):
        client.sponsor(STRANGER, BOB, 1)


def test_hostile_tokens_cannot_fake_or_reenter_staking_rewards_or_budget(
        backend: LocalBackend) -> None:
    hostile = HostileTokenClient.deploy(backend, caller=OWNER)
    manager = StakingManagerClient.deploy(backend, caller=OWNER, owner=OWNER,
                                          stake_token=hostile.address,
                                          reward_token=hostile.address, reward_duration=DURATION)
    manager.set_operator(OWNER, OPERATOR, True)
    distributor = RewardsDistributorClient.deploy(backend, caller=OWNER, owner=OWNER,
                                                  reward_token=hostile.address,
                                                  reward_duration=DURATION)
    client = PaymasterClient.deploy(backend, caller=OWNER, owner=OWNER, token=hostile.address)
    hostile.mint(ALICE, 10 * MIN_TOTAL_STAKE)
    hostile.approve(ALICE, manager.address, MAX)
    manager.stake(ALICE, 2 * MIN_TOTAL_STAKE)
    # Reentrancy: the token calls back into the manager while it pays out.
    hostile.arm(manager.address, "stake", [MIN_TOTAL_STAKE, 0])
    with pytest.raises(ContractReverted, match="reentrancy: reentrant call"):
        manager.unstake(ALICE, MIN_TOTAL_STAKE)
    hostile.disarm()
    hostile.set_mode(1)  # transfers return false
    with pytest.raises(ContractReverted, match="staking: token transfer failed"):
        manager.stake(ALICE, MIN_TOTAL_STAKE)
    with pytest.raises(ContractReverted, match="rewards: token transfer failed"):
        distributor.fund(OWNER, 1)
    with pytest.raises(ContractReverted, match="paymaster: transfer failed"):
        client.refill(OWNER, 1)
    hostile.set_mode(2)  # transfers lie: only the u256 bounds are left to hit
    manager.notify_reward(OPERATOR, MAX)
    with pytest.raises(ContractReverted, match="staking: amount overflow"):
        manager.notify_reward(OPERATOR, 1)
    client.refill(OWNER, MAX)
    with pytest.raises(ContractReverted, match="paymaster: amount overflow"):
        client.refill(OWNER, 1)
    assert manager.staked_of(ALICE) == 2 * MIN_TOTAL_STAKE
