"""Hypothesis properties of DeFi: APY >= APR, the staking pool never owes more than it was
given over random operation sequences, and pro-rata distribution against its Z3 model."""

from __future__ import annotations

from decimal import Decimal

import z3
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Success

from astratrade_core.defi.rates import apy_from_apr
from astratrade_core.defi.staking import StakingPool, distribute_pro_rata
from astratrade_core.testing import decimals
from astratrade_core.testing.revenue import staking_operations
from proofs.engines import z3_value
from proofs.registry import hypothesis_property
from proofs.z3_defi import distribution_terms
from proofs.z3_numeric import U256_MAX

__all__: list[str] = []

_STAKING = "astratrade_core.defi.staking"


@hypothesis_property("defi.apy.at_least_apr",
                     "APY >= APR for a positive APR on its decimal grid (equal for one period), "
                     "and APY never falls as compounding gets more frequent",
                     targets=["astratrade_core.defi.rates.apy_from_apr"],
                     bounds="APR in (0, 10] with <= places digits; periods 1..8760; places "
                            "6..18")
@given(st.integers(6, 18).flatmap(lambda places: st.tuples(
    st.just(places), decimals(Decimal(1).scaleb(-places), 10, places))),
       st.integers(1, 8760))
def apy_at_least_apr(grid: tuple[int, Decimal], periods: int) -> None:
    places, apr = grid
    apy = apy_from_apr(apr, periods, places).unwrap()
    assert apy >= apr, (apr, periods, apy)
    if periods == 1:
        assert apy == apr
    assert apy_from_apr(apr, periods + 1, places).unwrap() >= apy


@hypothesis_property("defi.staking.conservation",
                     "over any sequence of stakes, unstakes, claims and reward notifications, "
                     "claimed + pending never exceeds emitted, and the dust is below one unit "
                     "per settlement",
                     targets=[f"{_STAKING}.StakingPool.notify_reward",
                              f"{_STAKING}.StakingPool.claim", f"{_STAKING}.StakingPool.pending",
                              f"{_STAKING}.StakingPool.stake"],
                     bounds="4 accounts, up to 40 operations, amounts < 10**24")
@given(staking_operations())
def staking_conservation(operations: list[tuple[str, int, int]]) -> None:
    pool = StakingPool()
    settlements = 0
    accounts = [f"a{i}" for i in range(4)]
    for operation, index, amount in operations:
        account = accounts[index]
        if operation == "notify":
            result = pool.notify_reward(amount)
        elif operation == "claim":
            claimed = pool.claim(account)
            result = claimed.map(lambda c: c.pool)
        elif operation == "stake":
            result = pool.stake(account, amount)
        else:
            result = pool.unstake(account, amount % (pool.position(account).staked + 1))
        if isinstance(result, Success):
            pool = result.unwrap()
            settlements += operation != "notify"
        pending = sum(pool.pending(a) for a in accounts)
        assert pool.claimed + pending <= pool.emitted, (pool.claimed, pending, pool.emitted)
        dust = pool.emitted - pool.claimed - pending
        assert dust * 10**18 - pool.carry_wad < (settlements + len(accounts)) * 10**18


@hypothesis_property("defi.distribute_pro_rata.conforms",
                     "distribute_pro_rata returns exactly the Z3-proven payouts and carry",
                     targets=[f"{_STAKING}.distribute_pro_rata"],
                     bounds="1-8 stakers < 10**30, reward and carry < 10**30 (or u256 extremes)")
@given(st.one_of(st.integers(0, 10**30), st.just(U256_MAX // 4)), st.integers(0, 10**6),
       st.lists(st.one_of(st.integers(0, 10**30), st.just(U256_MAX // 16)), min_size=1,
                max_size=8).filter(any))
def distribution_conforms(reward: int, carry: int, stakes: list[int]) -> None:
    r, c = z3.Ints("reward carry")
    symbols = list(z3.Ints(" ".join(f"s{i}" for i in range(len(stakes)))))
    payouts, new_carry = distribution_terms(r, c, symbols)
    bindings = {r: reward, c: carry} | dict(zip(symbols, stakes, strict=True))
    expected = (tuple(z3_value(p, bindings) for p in payouts), z3_value(new_carry, bindings))
    result = distribute_pro_rata(reward, stakes, carry).unwrap()
    assert (result.payouts, result.carry) == expected, (reward, carry, stakes)
