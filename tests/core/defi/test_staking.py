"""Pro-rata distribution and the reward-per-share pool: worked examples, exact conservation,
the stated dust bound over random operation sequences, and a stateful Hypothesis model."""

from __future__ import annotations

import decimal
from datetime import UTC, datetime
from decimal import Decimal

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from pyrsistent import pmap
from returns.result import Failure, Success

from astratrade_core.defi import staking
from astratrade_core.defi.staking import (
    Distribution,
    StakePosition,
    StakingPool,
    distribute_pro_rata,
)
from astratrade_core.errors import DomainError
from astratrade_core.events.revenue import RewardClaimed
from astratrade_core.money import USDC
from astratrade_core.numeric import U256_MAX, WAD, FixedRounding, mul_div
from astratrade_core.testing import around_ints, hostile_contexts, staking_operations

ACCOUNTS = ("a0", "a1", "a2", "a3")
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_distribution_worked_examples() -> None:
    # 100 over 1:1:1 -> 33 each, 1 carried; next round 2 + carry 1 = 3 -> 1 each, 0 carried.
    first = distribute_pro_rata(100, (1, 1, 1)).unwrap()
    assert (first.payouts, first.carry) == ((33, 33, 33), 1)
    second = distribute_pro_rata(2, (1, 1, 1), first.carry).unwrap()
    assert (second.payouts, second.carry) == ((1, 1, 1), 0)
    # 1000 over 100:300 -> 250 and 750 exactly.
    assert distribute_pro_rata(1000, (100, 300)).unwrap().payouts == (250, 750)
    assert distribute_pro_rata(5, ()).unwrap().carry == 5
    err = distribute_pro_rata(-1, (1, -2)).failure()
    assert err.codes() == ("defi.amount", "defi.amount")
    assert distribute_pro_rata(U256_MAX, (1,), carry=1).failure().code == "numeric.overflow"


@given(st.integers(0, 10**30), st.lists(st.integers(0, 10**24), max_size=10),
       st.integers(0, 10**6))
def test_distribution_conserves_exactly(reward: int, stakes: list[int], carry: int) -> None:
    d = distribute_pro_rata(reward, stakes, carry).unwrap()
    assert sum(d.payouts) + d.carry == reward + carry
    if sum(stakes):
        assert 0 <= d.carry < max(len([s for s in stakes if s]), 1)
        total = sum(stakes)
        for payout, stake in zip(d.payouts, stakes, strict=True):
            assert payout * total <= (reward + carry) * stake


def test_pool_worked_example() -> None:
    # alice 100, bob 300; 1000 emitted: index += 1000e18 / 400 = 2.5e18 -> 250 and 750.
    pool = (StakingPool().stake("alice", 100).bind(lambda p: p.stake("bob", 300))
            .bind(lambda p: p.notify_reward(1000)).unwrap())
    assert pool.reward_index == 25 * WAD // 10 and pool.carry_wad == 0
    assert (pool.pending("alice"), pool.pending("bob")) == (250, 750)
    # bob leaves; 600 more go all to alice: 600e18 / 100 = 6e18 per unit -> 600.
    pool = pool.unstake("bob", 300).bind(lambda p: p.notify_reward(600)).unwrap()
    assert (pool.pending("alice"), pool.pending("bob")) == (850, 750)
    claim = pool.claim("bob").unwrap()
    assert claim.amount == 750 and claim.pool.pending("bob") == 0
    assert claim.pool.claimed == 750 and claim.pool.emitted == 1600
    assert claim.pool.claim("bob").unwrap().amount == 0
    event = claim.to_event(event_id="e-1", stream_id="stream-1", occurred_at=T0,
                           pool_id="pool-1", account_id="bob", currency=USDC)
    assert event == RewardClaimed(event_id="e-1", stream_id="stream-1", occurred_at=T0,
                                  pool_id="pool-1", account_id="bob", currency="USDC",
                                  amount=Decimal("0.000750"))


def test_rewards_with_nobody_staked_wait_for_stakers() -> None:
    # 7 emitted into an empty pool stay in carry_wad (7e18); after carol stakes 2, the next
    # notification of 3 distributes (3e18 + 7e18) / 2 = 5e18 per unit -> 10.
    pool = (StakingPool().notify_reward(7).bind(lambda p: p.stake("carol", 2))
            .bind(lambda p: p.notify_reward(3)).unwrap())
    assert pool.pending("carol") == 10 and pool.carry_wad == 0


def test_index_remainder_is_carried() -> None:
    # 10 over 3 staked: divmod(10e18, 3) = (3333333333333333333, 1); pending = floor(3 * 3.33..)
    # = 9, the last unit is dust below the bound (1 settlement + 1 account -> < 2 units).
    pool = StakingPool().stake("a", 3).bind(lambda p: p.notify_reward(10)).unwrap()
    assert (pool.reward_index, pool.carry_wad) == (3333333333333333333, 1)
    assert pool.pending("a") == 9


def test_pool_failures() -> None:
    pool = StakingPool()
    assert pool.stake("a", True).failure().code == "defi.amount"
    assert pool.unstake("a", 1).failure().code == "defi.insufficient_stake"
    assert pool.notify_reward(-1).failure().code == "defi.amount"
    assert pool.notify_reward(U256_MAX).failure().code == "numeric.overflow"
    big = pool.stake("a", U256_MAX).unwrap()
    assert big.stake("b", 1).failure().code == "numeric.overflow"


def _apply(pool: StakingPool, op: str, account: str, amount: int) -> tuple[StakingPool, int]:
    """Apply one operation; returns the pool and how many settlements it made."""
    if op == "stake":
        return pool.stake(account, amount).unwrap(), 1
    if op == "unstake":
        amount = min(amount, pool.position(account).staked)
        return pool.unstake(account, amount).unwrap(), 1
    if op == "claim":
        return pool.claim(account).unwrap().pool, 1
    return pool.notify_reward(amount).unwrap(), 0


def _check_dust_bound(pool: StakingPool, settlements: int) -> None:
    pending = sum(pool.pending(a) for a in pool.positions)
    slack = (pool.emitted - pool.claimed - pending) * WAD - pool.carry_wad
    bound = (settlements + len(pool.positions)) * WAD
    assert 0 <= slack < bound or slack == bound == 0
    assert pool.claimed + pending <= pool.emitted
    assert pool.total_staked == sum(p.staked for p in pool.positions.values())


@given(staking_operations())
def test_any_sequence_conserves_within_the_dust_bound(
        ops: list[tuple[str, int, int]]) -> None:
    pool, settlements = StakingPool(), 0
    for op, who, amount in ops:
        pool, settled = _apply(pool, op, ACCOUNTS[who], amount)
        settlements += settled
        _check_dust_bound(pool, settlements)


@given(staking_operations(max_amount=10**9), hostile_contexts())
def test_independent_of_caller_context(ops: list[tuple[str, int, int]],
                                       ctx: decimal.Context) -> None:
    def run() -> tuple[StakingPool, list[int], object, object]:
        pool = StakingPool()
        for op, who, amount in ops:
            pool = _apply(pool, op, ACCOUNTS[who], amount)[0]
        pending = [pool.pending(a) for a in ACCOUNTS]
        event = pool.claim("a0").unwrap().to_event(
            event_id="e", stream_id="p", occurred_at=T0, pool_id="p", account_id="a0",
            currency=USDC)
        return pool, pending, distribute_pro_rata(10**9, [a for _, _, a in ops], 3), event

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected


class PoolMachine(RuleBasedStateMachine):
    """Stake, unstake, claim and emit in any order; the pool never pays out more than was
    emitted and loses less than one unit per settlement and account."""

    def __init__(self) -> None:
        super().__init__()
        self.pool = StakingPool()
        self.settlements = 0
        self.paid_out = 0

    @rule(account=st.sampled_from(ACCOUNTS), amount=st.integers(0, 10**24))
    def stake(self, account: str, amount: int) -> None:
        self.pool = self.pool.stake(account, amount).unwrap()
        self.settlements += 1

    @precondition(lambda self: self.pool.total_staked > 0)
    @rule(account=st.sampled_from(ACCOUNTS), data=st.data())
    def unstake(self, account: str, data: st.DataObject) -> None:
        amount = data.draw(st.integers(0, self.pool.position(account).staked))
        self.pool = self.pool.unstake(account, amount).unwrap()
        self.settlements += 1

    @rule(account=st.sampled_from(ACCOUNTS))
    def claim(self, account: str) -> None:
        expected = self.pool.pending(account)
        claim = self.pool.claim(account).unwrap()
        assert claim.amount == expected
        self.pool = claim.pool
        self.paid_out += claim.amount
        self.settlements += 1

    @rule(amount=st.integers(0, 10**24))
    def notify(self, amount: int) -> None:
        self.pool = self.pool.notify_reward(amount).unwrap()

    @invariant()
    def conserves(self) -> None:
        assert self.paid_out == self.pool.claimed
        _check_dust_bound(self.pool, self.settlements)


TestPoolMachine = PoolMachine.TestCase
# Each example runs up to 50 steps; cap the examples so the thorough profile stays quick.
TestPoolMachine.settings = settings(max_examples=min(settings().max_examples, 150))


class _DictPool:
    """The module docstring's algorithm on mutable dicts: the reference the persistent pool's
    hot paths (plain ints inside, one Result at the end) must match exactly."""

    def __init__(self) -> None:
        self.total = self.index = self.carry = self.emitted = self.claimed = 0
        self.staked: dict[str, int] = {}
        self.paid: dict[str, int] = {}
        self.owed: dict[str, int] = {}

    def settle(self, who: str) -> None:
        self.owed[who] = (self.owed.get(who, 0) + self.staked.get(who, 0)
                          * (self.index - self.paid.get(who, self.index)) // WAD)
        self.paid[who] = self.index
        self.staked.setdefault(who, 0)

    def apply(self, op: str, who: str, amount: int) -> int:
        if op == "notify":
            self.emitted += amount
            n = amount * WAD + self.carry
            if self.total:
                delta, self.carry = divmod(n, self.total)
                self.index += delta
            else:
                self.carry = n
            return 0
        self.settle(who)
        if op == "claim":
            paid, self.owed[who] = self.owed[who], 0
            self.claimed += paid
            return paid
        change = amount if op == "stake" else -min(amount, self.staked[who])
        self.staked[who] += change
        self.total += change
        return 0


@given(staking_operations())
def test_the_pool_matches_the_dict_reference_exactly(ops: list[tuple[str, int, int]]) -> None:
    pool, model = StakingPool(), _DictPool()
    for op, who, drawn in ops:
        account = ACCOUNTS[who]
        amount = min(drawn, pool.position(account).staked) if op == "unstake" else drawn
        paid = 0
        if op == "claim":
            claim = pool.claim(account).unwrap()
            pool, paid = claim.pool, claim.amount
        else:
            pool = _apply(pool, op, account, amount)[0]
        assert paid == model.apply(op, account, amount)
        assert (pool.total_staked, pool.reward_index, pool.carry_wad, pool.emitted,
                pool.claimed) == (model.total, model.index, model.carry, model.emitted,
                                  model.claimed)
        assert {a: (p.staked, p.paid_index, p.owed) for a, p in pool.positions.items()} == {
            a: (model.staked[a], model.paid[a], model.owed[a]) for a in model.staked}


def test_a_settlement_beyond_u256_is_the_overflow_mul_div_reports() -> None:
    # Unreachable through the public operations (it takes more than 10**18 notifications),
    # so the states are built directly.  At the edge: WAD staked over the whole index range
    # earns WAD * U256_MAX // WAD = U256_MAX exactly, which fits.
    edge = StakingPool(WAD, U256_MAX, 0, 0, 0, pmap({"a": StakePosition(WAD, 0, 0)}))
    assert edge.claim("a").unwrap().amount == U256_MAX
    # One more unit staked earns U256_MAX + U256_MAX // WAD: the Failure mul_div gives.
    over = StakingPool(WAD + 1, U256_MAX, 0, 0, 0, pmap({"a": StakePosition(WAD + 1, 0, 0)}))
    expected = mul_div(WAD + 1, U256_MAX, WAD, FixedRounding.FLOOR).failure()
    assert expected.code == "numeric.overflow"
    assert over.stake("a", 1).failure() == expected
    assert over.unstake("a", 1).failure() == expected
    assert over.claim("a").failure() == expected


# Edges found by `make mutate` (defi): u256 limits met exactly, refusals with their fields.


def test_a_bad_amount_is_named() -> None:
    assert distribute_pro_rata(-1, (1,)) == Failure(DomainError.all_of(
        "defi.distribution", [DomainError.invalid(
            "defi.amount", "reward must be an integer in u256", field="reward", value=-1)]))


@given(around_ints(U256_MAX))
def test_a_distribution_pool_reaches_u256_max_exactly(pool: int) -> None:
    got = distribute_pro_rata(U256_MAX - 1, (1,), carry=pool - U256_MAX + 1)
    if pool <= U256_MAX:
        assert got == Success(Distribution((pool,), 0))
    else:
        assert got == Failure(DomainError.invalid("numeric.overflow",
                                                  "distribution exceeds u256"))


@given(around_ints(U256_MAX // WAD))
def test_a_reward_in_wad_reaches_u256_max_at_most(amount: int) -> None:
    """One unit staked: the index grows by ``amount * WAD``, which must stay in u256."""
    pool = StakingPool().stake("a", 1).unwrap()
    got = pool.notify_reward(amount)
    if amount * WAD <= U256_MAX:
        assert got.unwrap().reward_index == amount * WAD
    if amount == U256_MAX // WAD:  # the index is full: one more unit carries it past u256
        assert got.unwrap().notify_reward(1) == Failure(DomainError.invalid(
            "numeric.overflow", "reward index exceeds u256"))
    elif amount * WAD > U256_MAX:
        assert got == Failure(DomainError.invalid("numeric.overflow", "reward exceeds u256"))


_OP_AMOUNTS = (st.integers(0, 10**24) | st.sampled_from((0, 1, WAD, U256_MAX, U256_MAX + 1, -1))
               | st.sampled_from((U256_MAX // WAD, U256_MAX // WAD + 1, True)))
_HOSTILE_OPS = st.lists(st.tuples(st.sampled_from(("stake", "unstake", "claim", "notify")),
                                  st.sampled_from(("a0", "a1", "a2", "a3", "a4", "new")),
                                  _OP_AMOUNTS), max_size=60)


def _one_at_a_time(pool: StakingPool, ops: list[staking.PoolOp]) -> StakingPool:
    for op, account, amount in ops:
        if op == "stake":
            pool = pool.stake(account, amount).value_or(pool)
        elif op == "unstake":
            pool = pool.unstake(account, amount).value_or(pool)
        elif op == "notify":
            pool = pool.notify_reward(amount).value_or(pool)
        else:
            pool = pool.claim(account).map(lambda claim: claim.pool).value_or(pool)
    return pool


@settings(max_examples=150)
@given(before=_HOSTILE_OPS, ops=_HOSTILE_OPS)
def test_the_batch_fold_equals_one_operation_at_a_time(before: list[staking.PoolOp],
                                                       ops: list[staking.PoolOp]) -> None:
    # From a pool with positions already held (some settled, some not), refused operations
    # included (bad amounts, bools, u256 overflows, unstaking more than held): every field,
    # and the positions map's iteration order.
    start = _one_at_a_time(StakingPool(), before)
    folded, reference = staking.fold_pool(start, ops), _one_at_a_time(start, ops)
    assert folded == reference and hash(folded) == hash(reference)
    assert list(folded.positions.items()) == list(reference.positions.items())
    assert type(folded) is StakingPool and all(
        type(p) is StakePosition for p in folded.positions.values())


def test_the_batch_fold_worked_example() -> None:
    # a stakes 1, b 3; 10 distributed: index 2.5 WAD; b claims 7 (3 * 2.5 floored), a's 2.5
    # stays pending (2 floored); a's unstake of 5 is refused, the claim of a stranger books
    # an empty position at the index.
    ops = [("stake", "a", 1), ("stake", "b", 3), ("notify", "", 10), ("claim", "b", 0),
           ("unstake", "a", 5), ("claim", "c", 0)]
    pool = staking.fold_pool(StakingPool(), ops)
    assert (pool.total_staked, pool.reward_index, pool.claimed, pool.emitted) == (
        4, 10 * WAD // 4, 7, 10)
    assert pool.positions["c"] == StakePosition(0, 10 * WAD // 4, 0)
    assert pool.pending("a") == 2 and list(pool.positions) == list(
        _one_at_a_time(StakingPool(), ops).positions)


def test_the_batch_fold_refuses_what_each_method_refuses_at_the_u256_edges() -> None:
    # emitted at the edge (a pool built directly: 10**18 notifications away otherwise), the
    # total stake at the edge, and an amount that is a bool.
    start = StakingPool(total_staked=U256_MAX - 5, emitted=U256_MAX - 5,
                        positions=pmap({"a": StakePosition(U256_MAX - 5, 0, 0)}))
    ops: list[staking.PoolOp] = [("notify", "", 6), ("stake", "a", 6), ("stake", "b", True),
                                 ("notify", "", 5), ("stake", "b", 5), ("unstake", "a", 1)]
    folded = staking.fold_pool(start, ops)
    assert folded == _one_at_a_time(start, ops)
    assert (folded.emitted, folded.total_staked) == (U256_MAX, U256_MAX - 1)
    assert list(folded.positions.items()) == list(_one_at_a_time(start, ops).positions.items())


def _bad_amount(field: str, value: object) -> DomainError:
    return DomainError.invalid("defi.amount", f"{field} must be an integer in u256",
                               field=field, value=value)


@given(around_ints(U256_MAX))
def test_stakes_may_sum_to_exactly_u256_max(last: int) -> None:
    """Two stakes summing to U256_MAX (the largest total that fits) are split; one more unit
    overflows."""
    got = distribute_pro_rata(10, (1, last - 1))
    if last <= U256_MAX:
        # 10 * 1 // total = 0 and 10 * (last - 1) // total = 9: one unit carried
        assert got == Success(Distribution((0, 9), 1))
    else:
        assert got == Failure(DomainError.invalid("numeric.overflow",
                                                  "distribution exceeds u256"))


def test_a_distribution_names_each_bad_amount() -> None:
    got = distribute_pro_rata(-1, (1, True, 2), carry=-2)
    assert got == Failure(DomainError.all_of("defi.distribution", [
        _bad_amount("reward", -1), _bad_amount("carry", -2), _bad_amount("stakes[1]", True)]))


def test_an_unknown_accounts_position_is_settled_at_the_current_index() -> None:
    pool = StakingPool().stake("a", 4).bind(lambda p: p.notify_reward(10)).unwrap()
    assert pool.reward_index == 10 * WAD // 4
    assert pool.position("nobody") == StakePosition(0, pool.reward_index, 0)


@given(around_ints(U256_MAX))
def test_a_reward_numerator_and_emitted_total_may_reach_exactly_u256_max(limit: int) -> None:
    """amount * WAD + carry_wad and emitted + amount are each allowed up to U256_MAX."""
    by_numerator = StakingPool(carry_wad=limit % WAD).notify_reward(limit // WAD)
    by_emitted = StakingPool(emitted=limit - 1).notify_reward(1)
    for got in (by_numerator, by_emitted):
        if limit <= U256_MAX:
            assert isinstance(got, Success)
        else:
            assert got == Failure(DomainError.invalid("numeric.overflow",
                                                      "reward exceeds u256"))


def test_bad_reward_and_unstake_amounts_are_named() -> None:
    pool = StakingPool().stake("a", 5).unwrap()
    assert pool.notify_reward(-1) == Failure(_bad_amount("reward", -1))
    for amount in (-1, U256_MAX + 1, True):
        assert pool.unstake("a", amount) == Failure(_bad_amount("amount", amount))
    assert pool.unstake("a", 6) == Failure(DomainError.rejected(
        "defi.insufficient_stake", "cannot unstake more than is staked", account="a",
        amount=6, staked=5))
    assert pool.unstake("a", 5).unwrap().position("a").staked == 0


class _Units(int):
    """An int subclass (as an IntEnum or a numpy-free wrapper would be): an integer, not a
    bool, so its value decides."""


@given(around_ints(0) | around_ints(U256_MAX))
def test_an_int_subclass_amount_is_judged_by_its_value(value: int) -> None:
    got = StakingPool().stake("a", _Units(value))
    if 0 <= value <= U256_MAX:
        assert got.unwrap().position("a").staked == value
    else:
        assert got == Failure(_bad_amount("amount", _Units(value)))


def test_a_total_stake_past_u256_is_refused_whole() -> None:
    pool = StakingPool().stake("a", U256_MAX).unwrap()
    assert pool.stake("b", 1) == Failure(DomainError.invalid("numeric.overflow",
                                                             "total stake exceeds u256"))
    assert pool.stake("b", True) == Failure(_bad_amount("amount", True))


@given(around_ints(U256_MAX - WAD, above=False) | st.just(U256_MAX - WAD + 1))
def test_the_reward_index_may_reach_exactly_u256_max(index: int) -> None:
    pool = attrs.evolve(StakingPool().stake("a", 1).unwrap(), reward_index=index)
    got = pool.notify_reward(1)  # one unit over one staked unit: the index grows by WAD
    if index + WAD <= U256_MAX:
        assert got.unwrap().reward_index == index + WAD
    else:
        assert got == Failure(DomainError.invalid("numeric.overflow",
                                                  "reward index exceeds u256"))


def test_an_unpayable_reward_reports_mul_div_overflow_of_the_index_gained() -> None:
    # Staked at index WAD, settled at 5 * WAD: earned = staked * 4 * WAD / WAD > u256.
    staked = U256_MAX // 2
    pool = attrs.evolve(StakingPool(), reward_index=WAD).stake("a", staked).unwrap()
    pool = attrs.evolve(pool, reward_index=5 * WAD)
    expected = mul_div(staked, 4 * WAD, WAD, FixedRounding.FLOOR)
    assert isinstance(expected, Failure)
    assert pool.claim("a") == expected
