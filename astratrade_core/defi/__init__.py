"""DeFi maths mirrored on-chain: staking accumulators and reward distribution, APR/APY
(including continuous compounding), streak bonuses, the kinked lending rate model and ray
interest accrual (Aave v3.0 and v3.3 compounding)."""

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
    "STREAK_YIELD_BONUSES",
    "Claim",
    "CompoundingFormula",
    "Distribution",
    "InterestRateModel",
    "StakePosition",
    "StakingPool",
    "StreakBonusRule",
    "StreakBonusTable",
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
    "ray_div",
    "ray_mul",
    "supply_rate",
    "utilization",
]
