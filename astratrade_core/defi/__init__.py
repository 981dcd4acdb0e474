"""DeFi maths mirrored on-chain: staking accumulators and reward distribution, APR/APY, streak
bonuses, the kinked lending rate model and ray interest accrual; ``STAKING_POOL`` gives a
staking pool a stream."""

from astratrade_core.defi.lending import (
    HALF_RAY,
    SECONDS_PER_YEAR,
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
    "SECONDS_PER_YEAR",
    "STAKING_POOL",
    "STREAK_YIELD_BONUSES",
    "Claim",
    "ClaimReward",
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
    "apy_from_apr",
    "borrow_rate",
    "compound_interest",
    "distribute_pro_rata",
    "linear_interest",
    "percent_mul",
    "pool_stream",
    "ray_div",
    "ray_mul",
    "supply_rate",
    "utilization",
]
