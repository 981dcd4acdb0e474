"""Z3 proofs of the revenue integer algorithms: largest-remainder allocation (the rank form the
Cairo contract runs) and NFT sale settlement.

Allocation is proven for every split into 1 to 4 parts (beyond that Z3's nonlinear reasoning
times out; :mod:`proofs.hypothesis_revenue` checks up to 12 parts against the same model).
"""

from __future__ import annotations

from typing import Any

import z3

from proofs.registry import Obligation, z3_proof
from proofs.z3_numeric import U128_MAX, U256_MAX, mul_div_term

__all__ = ["BPS", "MAX_PROVEN_PARTS", "allocation_terms", "settlement_terms"]

BPS = 10_000
MAX_PROVEN_PARTS = 4
_ALLOCATE = "astratrade_core.revenue.allocation.allocate_units"
_SETTLE = "astratrade_core.revenue.marketplace.settle_units"


def _bumps(remainders: list[Any], leftover: Any) -> list[Any]:
    """``rank_i < L`` as 0/1 terms: ``rank_i = #{j: r_j > r_i or (r_j == r_i and j < i)}``."""
    bumps = []
    for i, r in enumerate(remainders):
        beaten_by = [z3.If(z3.Or(other > r, z3.And(other == r, z3.BoolVal(j < i))), 1, 0)
                     for j, other in enumerate(remainders) if j != i]
        rank = z3.Sum(beaten_by) if beaten_by else z3.IntVal(0)
        bumps.append(z3.If(rank < leftover, 1, 0))
    return bumps


def allocation_terms(total: Any, weights: list[Any]) -> tuple[list[Any], Any, list[Any]]:
    """``(parts, leftover, bumps)`` of the rank-form largest remainder: ``q_i = T*w_i // W``,
    ``r_i = T*w_i % W``, ``L = T - sum(q)``, ``part_i = q_i + bump_i`` with
    ``bump_i = (rank_i < L)``."""
    weight_sum = z3.Sum(weights)
    quotients = [total * w / weight_sum for w in weights]
    remainders = [total * w % weight_sum for w in weights]
    leftover = total - z3.Sum(quotients)
    bumps = _bumps(remainders, leftover)
    return [q + b for q, b in zip(quotients, bumps, strict=True)], leftover, bumps


def _allocation(n: int) -> tuple[Any, list[Any], list[Any], Any, list[Any], list[Any]]:
    total = z3.Int("total")
    weights = list(z3.Ints(" ".join(f"w{i}" for i in range(n))))
    parts, leftover, bumps = allocation_terms(total, weights)
    weight_sum = z3.Sum(weights)
    premises = [total >= 0, total <= U256_MAX, weight_sum >= 1, weight_sum <= U256_MAX,
                *[w >= 0 for w in weights]]
    return total, weights, parts, leftover, bumps, premises


_ALLOC_BOUNDS = "1-4 parts; total, weights and their sum in u256; sum of weights > 0"


@z3_proof("revenue.allocate_units.conserves_total",
          "largest-remainder parts sum to the total exactly",
          targets=[_ALLOCATE], bounds=_ALLOC_BOUNDS)
def allocation_conserves() -> list[Obligation]:
    """Three lemmas per part count ``n`` (one solver call on the whole claim times out at 4):

    1. the leftover ``L = T - sum(q_i)`` lies in ``[0, n)`` (nonlinear, over the bounds);
    2. for *any* integers ``r_i`` and any ``L`` in ``[0, n)``, exactly ``L`` ranks are below
       ``L`` (the ranks are a permutation of ``0..n-1``; pure combinatorics);
    3. hence ``sum(part_i) = sum(q_i) + L = T``: lemma 2 instantiated at the actual
       remainders and leftover (justified by 1 and 2) is this obligation's premise.
    """
    obligations = []
    for n in range(1, MAX_PROVEN_PARTS + 1):
        total, _, parts, leftover, bumps, premises = _allocation(n)
        obligations.append(Obligation(premises, z3.And(leftover >= 0, leftover < n)))
        free = list(z3.Ints(" ".join(f"r{i}" for i in range(n))))
        any_leftover = z3.Int("any_leftover")
        obligations.append(Obligation([any_leftover >= 0, any_leftover < n],
                                      z3.Sum(_bumps(free, any_leftover)) == any_leftover))
        obligations.append(Obligation([*premises, z3.Sum(bumps) == leftover],
                                      z3.Sum(parts) == total))
    return obligations


@z3_proof("revenue.allocate_units.within_one_unit",
          "every part is within one unit of its exact share T*w_i/W, and a zero weight gets 0",
          targets=[_ALLOCATE], bounds=_ALLOC_BOUNDS, quick=False)
def allocation_near_exact() -> list[Obligation]:
    obligations = []
    for n in range(1, MAX_PROVEN_PARTS + 1):
        total, weights, parts, _, _, premises = _allocation(n)
        weight_sum = z3.Sum(weights)
        obligations.append(Obligation(premises, z3.And(*[
            z3.And(p * weight_sum - total * w < weight_sum,
                   total * w - p * weight_sum < weight_sum)
            for p, w in zip(parts, weights, strict=True)])))
        obligations.append(Obligation(premises, z3.And(*[
            z3.Implies(w == 0, p == 0) for p, w in zip(parts, weights, strict=True)])))
    return obligations


def settlement_terms(price: Any, platform_bps: Any, royalty_bps: Any,
                     fixed_fee: Any) -> tuple[Any, Any, Any, Any]:
    """``settle_units``: platform fee rounded up, royalty down (EIP-2981), seller the rest."""
    platform = mul_div_term(price, platform_bps, z3.IntVal(BPS), "ceil")
    royalty = mul_div_term(price, royalty_bps, z3.IntVal(BPS), "floor")
    return platform, royalty, fixed_fee, price - platform - royalty - fixed_fee


@z3_proof("revenue.settle_units.conserves_price",
          "NFT sale settlement: the four parts sum to the price; fee and royalty together never "
          "exceed the price; the platform fee rounds up and the royalty down",
          targets=[_SETTLE],
          bounds="price, fixed fee in [0, 2**128); platform + royalty bps <= 10000")
def settlement_conserves() -> Obligation:
    price, platform_bps, royalty_bps, fixed = z3.Ints("price platform_bps royalty_bps fixed")
    premises = [price >= 0, price <= U128_MAX, fixed >= 0, fixed <= U128_MAX,
                platform_bps >= 0, royalty_bps >= 0, platform_bps + royalty_bps <= BPS]
    platform, royalty, fee, seller = settlement_terms(price, platform_bps, royalty_bps, fixed)
    return Obligation(premises, z3.And(
        platform + royalty + fee + seller == price,
        platform + royalty <= price,
        platform * BPS >= price * platform_bps, (platform - 1) * BPS < price * platform_bps,
        royalty * BPS <= price * royalty_bps, (royalty + 1) * BPS > price * royalty_bps,
        platform >= 0, royalty >= 0))
