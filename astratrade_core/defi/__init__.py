"""DeFi maths mirrored on-chain: staking accumulators and reward distribution, APR/APY
(including continuous compounding), streak bonuses, the kinked lending rate model and ray
interest accrual (Aave v3.0 and v3.3 compounding); ``STAKING_POOL`` gives a staking pool a
stream."""

from __future__ import annotations

from astratrade_core.exports import lazy

TYPE_CHECKING = False  # not typing's: importing typing costs time (see exports.py)
if TYPE_CHECKING:
    from astratrade_core.defi.continuous import (
        MAX_CONTINUOUS_RATE,
        apr_from_continuous,
        apy_from_continuous,
        continuous_from_apr,
        continuous_from_apy,
    )
    from astratrade_core.defi.lending import (
        HALF_RAY,
        SECONDS_PER_YEAR,
        CompoundingFormula,
        InterestRateModel,
        accrue,
        borrow_rate,
        compound_interest,
        linear_interest,
        percent_mul,
        ray_div,
        ray_mul,
        supply_rate,
        utilization,
    )
    from astratrade_core.defi.pool import (
        STAKING_POOL,
        ClaimReward,
        DistributeReward,
        OpenPool,
        PoolCommand,
        PoolState,
        Stake,
        Unstake,
        pool_stream,
    )
    from astratrade_core.defi.rates import (
        STREAK_YIELD_BONUSES,
        StreakBonusRule,
        StreakBonusTable,
        apr_from_apy,
        apy_from_apr,
    )
    from astratrade_core.defi.staking import (
        Claim,
        Distribution,
        StakePosition,
        StakingPool,
        distribute_pro_rata,
    )

__all__ = [
    "HALF_RAY",
    "MAX_CONTINUOUS_RATE",
    "SECONDS_PER_YEAR",
    "STAKING_POOL",
    "STREAK_YIELD_BONUSES",
    "Claim",
    "ClaimReward",
    "CompoundingFormula",
    "DistributeReward",
    "Distribution",
    "InterestRateModel",
    "OpenPool",
    "PoolCommand",
    "PoolState",
    "Stake",
    "StakePosition",
    "StakingPool",
    "StreakBonusRule",
    "StreakBonusTable",
    "Unstake",
    "accrue",
    "apr_from_apy",
    "apr_from_continuous",
    "apy_from_apr",
    "apy_from_continuous",
    "borrow_rate",
    "compound_interest",
    "continuous_from_apr",
    "continuous_from_apy",
    "distribute_pro_rata",
    "linear_interest",
    "percent_mul",
    "pool_stream",
    "ray_div",
    "ray_mul",
    "supply_rate",
    "utilization",
]

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy(__name__, {
        "MAX_CONTINUOUS_RATE": "astratrade_core.defi.continuous",
        "apr_from_continuous": "astratrade_core.defi.continuous",
        "apy_from_continuous": "astratrade_core.defi.continuous",
        "continuous_from_apr": "astratrade_core.defi.continuous",
        "continuous_from_apy": "astratrade_core.defi.continuous",
        "HALF_RAY": "astratrade_core.defi.lending",
        "SECONDS_PER_YEAR": "astratrade_core.defi.lending",
        "CompoundingFormula": "astratrade_core.defi.lending",
        "InterestRateModel": "astratrade_core.defi.lending",
        "accrue": "astratrade_core.defi.lending",
        "borrow_rate": "astratrade_core.defi.lending",
        "compound_interest": "astratrade_core.defi.lending",
        "linear_interest": "astratrade_core.defi.lending",
        "percent_mul": "astratrade_core.defi.lending",
        "ray_div": "astratrade_core.defi.lending",
        "ray_mul": "astratrade_core.defi.lending",
        "supply_rate": "astratrade_core.defi.lending",
        "utilization": "astratrade_core.defi.lending",
        "STAKING_POOL": "astratrade_core.defi.pool",
        "ClaimReward": "astratrade_core.defi.pool",
        "DistributeReward": "astratrade_core.defi.pool",
        "OpenPool": "astratrade_core.defi.pool",
        "PoolCommand": "astratrade_core.defi.pool",
        "PoolState": "astratrade_core.defi.pool",
        "Stake": "astratrade_core.defi.pool",
        "Unstake": "astratrade_core.defi.pool",
        "pool_stream": "astratrade_core.defi.pool",
        "STREAK_YIELD_BONUSES": "astratrade_core.defi.rates",
        "StreakBonusRule": "astratrade_core.defi.rates",
        "StreakBonusTable": "astratrade_core.defi.rates",
        "apr_from_apy": "astratrade_core.defi.rates",
        "apy_from_apr": "astratrade_core.defi.rates",
        "Claim": "astratrade_core.defi.staking",
        "Distribution": "astratrade_core.defi.staking",
        "StakePosition": "astratrade_core.defi.staking",
        "StakingPool": "astratrade_core.defi.staking",
        "distribute_pro_rata": "astratrade_core.defi.staking",
    }, (
        "continuous", "lending", "pool", "rates", "staking",
    ))
