"""The staking pool aggregate: worked examples (by hand in the comments), the dust bound of
the accumulator over random histories, and the aggregate laws."""

from __future__ import annotations

import decimal
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from returns.result import Success

from astratrade_core.aggregate import Stream, handle
from astratrade_core.defi.pool import (
    STAKING_POOL,
    ClaimReward,
    DistributeReward,
    OpenPool,
    PoolCommand,
    PoolState,
    Stake,
    Unstake,
    decide_pool,
    evolve_pool,
    evolve_pool_reference,
)
from astratrade_core.errors import ErrorKind
from astratrade_core.events.revenue import RewardClaimed, Staked, Unstaked
from astratrade_core.money import USDC, Currency
from astratrade_core.numeric import CONTEXT, U256_MAX, WAD
from astratrade_core.testing import hostile_contexts
from astratrade_core.testing.revenue import handled, hostile_commands, pool_commands
from tests.core.revenue import laws

T = datetime(2026, 1, 1, tzinfo=UTC)
OPEN = OpenPool(command_id="open", issued_at=T, pool_id="p", currency=USDC)


def stake(account: str, amount: int, cid: str = "") -> Stake:
    return Stake(command_id=cid or f"stake-{account}-{amount}", issued_at=T, pool_id="p",
                 account_id=account, amount=amount)


def unstake(account: str, amount: int) -> Unstake:
    return Unstake(command_id=f"unstake-{account}-{amount}", issued_at=T, pool_id="p",
                   account_id=account, amount=amount)


def reward(amount: int, cid: str = "") -> DistributeReward:
    return DistributeReward(command_id=cid or f"reward-{amount}", issued_at=T, pool_id="p",
                            amount=amount)


def claim(account: str, cid: str = "") -> ClaimReward:
    return ClaimReward(command_id=cid or f"claim-{account}", issued_at=T, pool_id="p",
                       account_id=account)


def run(*commands: Any) -> Stream[PoolState]:
    stream = Stream.empty(STAKING_POOL)
    for command in commands:
        stream = handle(STAKING_POOL, stream, command).unwrap()[0]
    return stream


def test_rewards_split_by_stake_and_are_claimed_in_the_reward_currency() -> None:
    # ann 100, bob 300, 1000 emitted: index += 1000e18 / 400 = 2.5e18 -> 250 and 750.
    stream = run(OPEN, stake("ann", 100), stake("bob", 300), reward(1000))
    assert (stream.state.pool.pending("ann"), stream.state.pool.pending("bob")) == (250, 750)
    # bob leaves, 600 more all go to ann: 850; bob still has 750 to claim.
    stream = run(OPEN, stake("ann", 100), stake("bob", 300), reward(1000), unstake("bob", 300),
                 reward(600))
    stream, (paid,) = handle(STAKING_POOL, stream, claim("bob")).unwrap()
    assert isinstance(paid, RewardClaimed)
    assert (paid.amount, paid.currency, paid.pool_id, paid.stream_id) == (
        Decimal("0.000750"), "USDC", "p", "pool-p")
    assert stream.state.pool.pending("ann") == 850
    nothing = handle(STAKING_POOL, stream, claim("bob", "again")).failure()
    assert (nothing.code, nothing.kind) == ("defi.nothing_to_claim", ErrorKind.REJECTED)


def test_a_reward_to_a_pool_with_a_one_wei_total_stake() -> None:
    # One wei staked: the whole reward goes to it, index += R * WAD / 1, no remainder.
    stream = run(OPEN, stake("ann", 1), reward(5))
    pool = stream.state.pool
    assert (pool.reward_index, pool.carry_wad, pool.pending("ann")) == (5 * WAD, 0, 5)
    # The largest reward whose R * WAD fits u256 fills the index to within one WAD of the top.
    largest = U256_MAX // WAD
    stream = run(OPEN, stake("ann", 1), reward(largest))
    assert stream.state.pool.reward_index == largest * WAD > U256_MAX - WAD
    overflow = handle(STAKING_POOL, stream, reward(1)).failure()
    assert (overflow.code, overflow.kind) == ("numeric.overflow", ErrorKind.INVALID)
    _, (paid,) = handle(STAKING_POOL, stream, claim("ann")).unwrap()
    assert isinstance(paid, RewardClaimed)
    assert paid.amount == Decimal(largest).scaleb(-6, CONTEXT)


def test_rewards_wait_for_stakers_and_the_index_remainder_is_carried() -> None:
    # 7 into an empty pool wait (carry 7e18); carol stakes 2; 3 more: (3e18 + 7e18) / 2.
    stream = run(OPEN, reward(7), stake("carol", 2), reward(3))
    assert (stream.state.pool.pending("carol"), stream.state.pool.carry_wad) == (10, 0)
    # 10 over 3 staked: divmod(10e18, 3) = (3333333333333333333, 1) -> pending 9, dust 1.
    pool = run(OPEN, stake("a", 3), reward(10)).state.pool
    assert (pool.reward_index, pool.carry_wad, pool.pending("a")) == (3333333333333333333, 1, 9)


def test_refusals_have_kinds() -> None:
    closed = handle(STAKING_POOL, Stream.empty(STAKING_POOL), stake("ann", 1)).failure()
    assert (closed.code, closed.kind) == ("defi.no_pool", ErrorKind.NOT_FOUND)
    twice = handle(STAKING_POOL, run(OPEN), OpenPool(command_id="o2", issued_at=T,
                                                     pool_id="p", currency=USDC)).failure()
    assert (twice.code, twice.kind) == ("defi.pool_exists", ErrorKind.CONFLICT)
    short = handle(STAKING_POOL, run(OPEN, stake("ann", 5)), unstake("ann", 6)).failure()
    assert (short.code, short.kind) == ("defi.insufficient_stake", ErrorKind.REJECTED)
    bad = Stake(command_id="s", issued_at=datetime(2026, 1, 1), pool_id="p", account_id=" ",
                amount=True)
    error = handle(STAKING_POOL, run(OPEN), bad).failure()
    assert (error.code, error.kind, error.codes()) == (
        "defi.invalid_command", ErrorKind.INVALID,
        ("revenue.naive_time", "revenue.empty_name", "defi.amount"))
    for amount in (0, -1, 2**256):
        assert handle(STAKING_POOL, run(OPEN), reward(amount)).failure().codes() == (
            "defi.amount",)
    odd = OpenPool(command_id="o", issued_at=T, pool_id="q", currency=Currency("usdc", 40))
    assert handle(STAKING_POOL, Stream.empty(STAKING_POOL), odd).failure().codes() == (
        "money.currency_code", "money.minor_unit")
    assert handle(STAKING_POOL, run(OPEN), Stake(
        command_id="x", issued_at=T, pool_id="other", account_id="ann", amount=1,
    )).failure().code == "defi.wrong_pool"


@settings(max_examples=80)
@given(pool_commands())
def test_the_dust_bound_holds_for_the_stream(commands: list[Any]) -> None:
    stream, events = handled(STAKING_POOL, commands)
    pool = stream.state.pool
    settlements = sum(isinstance(e, Staked | Unstaked | RewardClaimed) for e in events)
    pending = sum(pool.pending(a) for a in pool.positions)
    slack = (pool.emitted - pool.claimed - pending) * WAD - pool.carry_wad
    assert 0 <= slack < (settlements + len(pool.positions)) * WAD or slack == 0
    assert pool.claimed + pending <= pool.emitted
    claimed = sum(int(e.amount.scaleb(6, CONTEXT)) for e in events
                  if isinstance(e, RewardClaimed))
    assert claimed == pool.claimed


@settings(max_examples=60)
@given(pool_commands(), st.data())
def test_snapshot_plus_tail_equals_full_replay(commands: list[Any], data: st.DataObject,
                                               ) -> None:
    laws.snapshot_plus_tail_is_full_replay(STAKING_POOL, commands, data)


@settings(max_examples=60)
@given(pool_commands(), st.data())
def test_a_command_id_twice_changes_nothing(commands: list[Any], data: st.DataObject) -> None:
    laws.a_command_seen_before_changes_nothing(STAKING_POOL, commands, data)


@given(pool_commands(max_size=8),
       hostile_commands(OpenPool, Stake, Unstake, DistributeReward, ClaimReward))
def test_decide_never_raises(commands: list[Any], hostile: Any) -> None:
    laws.decide_answers(STAKING_POOL, commands, hostile)


@settings(max_examples=60)
@given(pool_commands())
def test_decided_events_survive_the_codec(commands: list[Any]) -> None:
    laws.events_survive_the_codec(STAKING_POOL, commands)


@settings(max_examples=30)
@given(pool_commands(), hostile_contexts())
def test_independent_of_the_callers_context(commands: list[Any],
                                            context: decimal.Context) -> None:
    laws.independent_of_the_callers_context(STAKING_POOL, commands, context)


@settings(max_examples=60)
@given(commands=pool_commands(accounts=5, max_size=30), cut=st.integers(0, 30))
def test_evolve_pool_equals_the_one_event_at_a_time_reference(
        commands: list[PoolCommand], cut: int) -> None:
    # The batch fold from the empty state and from a state part-way through (positions held).
    state, events = PoolState.EMPTY, []
    for command in commands:
        decided = decide_pool(state, command)
        if isinstance(decided, Success):
            events.extend(decided.unwrap())
            state = evolve_pool_reference(state, decided.unwrap())
    middle = evolve_pool_reference(PoolState.EMPTY, events[:cut])
    for start, rest in ((PoolState.EMPTY, events), (middle, events[cut:])):
        fast, reference = evolve_pool(start, rest), evolve_pool_reference(start, rest)
        assert fast == reference and state == evolve_pool(PoolState.EMPTY, events)
        assert list(fast.pool.positions.items()) == list(reference.pool.positions.items())
