"""CrossHair contracts on DeFi: pro-rata distribution conserves every unit; APY >= APR; the
staking accumulator never pays out more than it was given."""

from __future__ import annotations

from decimal import Decimal

from crosshair import realize

from astratrade_core.defi.rates import apy_from_apr
from astratrade_core.defi.staking import StakingPool, distribute_pro_rata
from astratrade_core.numeric import CONTEXT
from proofs.registry import crosshair_contract

__all__ = ["apy_vs_apr", "staking_round", "three_stakers"]


@crosshair_contract("defi.distribute_pro_rata.contract",
                    "three stakers: payouts plus carry equal reward plus carry-in, nobody "
                    "above their exact share",
                    targets=["astratrade_core.defi.staking.distribute_pro_rata"],
                    bounds="reward < 10**30, carry < 10**6, stakes < 10**20, total > 0",
                    quick=True)
def three_stakers(reward: int, carry: int, s0: int, s1: int, s2: int) -> tuple[int, ...]:
    """
    pre: 0 <= reward < 10**30 and 0 <= carry < 10**6
    pre: 0 <= s0 < 10**20 and 0 <= s1 < 10**20 and 0 <= s2 < 10**20 and s0 + s1 + s2 > 0
    post: sum(__return__) == reward + carry
    post: all(p * (s0 + s1 + s2) <= (reward + carry) * s for p, s in zip(__return__, (s0, s1, s2)))
    """
    result = distribute_pro_rata(reward, (s0, s1, s2), carry).unwrap()
    return (*result.payouts, result.carry)


@crosshair_contract("defi.apy.at_least_apr_contract",
                    "APY >= APR for a positive APR with at most 8 places",
                    targets=["astratrade_core.defi.rates.apy_from_apr"],
                    bounds="APR = n/10**8 in (0, 10]; periods 1..365 (inputs concretised per "
                           "path)")
def apy_vs_apr(units: int, periods: int) -> tuple[Decimal, Decimal]:
    """
    pre: 0 < units <= 10**9
    pre: 1 <= periods <= 365
    post: __return__[0] >= __return__[1]
    """
    # Symbolic Decimal powers explode into digit-by-digit paths: concretise per path.
    apr = Decimal(realize(units)).scaleb(-8, CONTEXT)
    return apy_from_apr(apr, realize(periods), 8).unwrap(), apr


def _claims(pool: StakingPool, accounts: tuple[str, ...]) -> int:
    total = 0
    for account in accounts:
        claim = pool.claim(account).unwrap()
        total += claim.amount
        pool = claim.pool
    return total


@crosshair_contract("defi.staking.never_pays_more_than_emitted_contract",
                    "two stakers, two notifications and a stake in between: claims never "
                    "exceed the rewards emitted",
                    targets=["astratrade_core.defi.staking.StakingPool.notify_reward",
                             "astratrade_core.defi.staking.StakingPool.claim",
                             "astratrade_core.defi.staking.StakingPool.stake"],
                    bounds="stakes and rewards < 10**30")
def staking_round(a: int, b: int, extra: int, first: int, second: int) -> int:
    """
    pre: 0 < a < 10**30 and 0 < b < 10**30 and 0 <= extra < 10**30
    pre: 0 <= first < 10**30 and 0 <= second < 10**30
    post: __return__ <= first + second
    """
    pool = (StakingPool().stake("a", a).bind(lambda p: p.stake("b", b))
            .bind(lambda p: p.notify_reward(first)).bind(lambda p: p.stake("a", extra))
            .bind(lambda p: p.notify_reward(second)).unwrap())
    return _claims(pool, ("a", "b"))
