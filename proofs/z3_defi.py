"""Z3 proofs of the DeFi integer algorithms (:mod:`astratrade_core.defi.staking`): pro-rata
distribution conserves every unit, and the reward-per-share accumulator never pays out more
than was emitted."""

from __future__ import annotations

from typing import Any

import z3

from proofs.registry import Obligation, z3_proof
from proofs.z3_numeric import U128_MAX, U256_MAX, WAD, mul_div_term

__all__ = ["distribution_terms"]

_STAKING = "astratrade_core.defi.staking"


def distribution_terms(reward: Any, carry: Any, stakes: list[Any]) -> tuple[list[Any], Any]:
    """``distribute_pro_rata`` with a positive total stake: ``pool = reward + carry``,
    ``payout_i = pool * s_i // S``, the new carry is what the floors leave."""
    pool = reward + carry
    total = z3.Sum(stakes)
    payouts = [pool * s / total for s in stakes]
    return payouts, pool - z3.Sum(payouts)


@z3_proof("defi.distribute_pro_rata.conserves",
          "pro-rata payouts plus the new carry equal reward plus the old carry, the carry is "
          "smaller than the number of stakers, and nobody gets more than their exact share",
          targets=[f"{_STAKING}.distribute_pro_rata"],
          bounds="1-4 stakers; reward + carry and the total stake in u256, total stake > 0")
def distribution_conserves() -> list[Obligation]:
    obligations = []
    for n in range(1, 5):
        reward, carry = z3.Ints("reward carry")
        stakes = list(z3.Ints(" ".join(f"s{i}" for i in range(n))))
        payouts, new_carry = distribution_terms(reward, carry, stakes)
        total = z3.Sum(stakes)
        premises = [reward >= 0, carry >= 0, reward + carry <= U256_MAX, total >= 1,
                    total <= U256_MAX, *[s >= 0 for s in stakes]]
        obligations.append(Obligation(premises, z3.And(
            z3.Sum(payouts) + new_carry == reward + carry, new_carry >= 0, new_carry < n,
            *[p * total <= (reward + carry) * s for p, s in zip(payouts, stakes, strict=True)])))
    return obligations


@z3_proof("defi.staking.never_pays_more_than_emitted",
          "one reward notification to a pool of stakers: the index division carries its "
          "remainder, and the stakers' floored claims plus that carry never exceed the reward",
          targets=[f"{_STAKING}.StakingPool.notify_reward", f"{_STAKING}.StakingPool.claim",
                   f"{_STAKING}.StakingPool.pending"],
          bounds="1-3 stakers with stakes < 2**128; reward < 2**128; carry-in < total stake")
def accumulator_bounded() -> list[Obligation]:
    obligations = []
    for n in range(1, 4):
        reward, carry_in = z3.Ints("reward carry_in")
        stakes = list(z3.Ints(" ".join(f"s{i}" for i in range(n))))
        total = z3.Sum(stakes)
        numerator = reward * WAD + carry_in  # notify_reward
        delta, carry = numerator / total, numerator % total
        claims = [mul_div_term(s, delta, z3.IntVal(WAD), "floor") for s in stakes]  # settle
        premises = [reward >= 0, reward <= U128_MAX, total >= 1, carry_in >= 0,
                    carry_in < total, *[s >= 0 for s in stakes],
                    *[s <= U128_MAX for s in stakes]]
        obligations.append(Obligation(premises, z3.And(
            z3.Sum(claims) * WAD + carry <= numerator, z3.Sum(claims) * WAD <= numerator)))
    return obligations
