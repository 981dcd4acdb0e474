"""AstraTrade Core: exact, pure maths for a gamified trading platform.

``import astratrade_core as ac`` gives the curated surface; each subpackage has its own
``__all__`` with the rest.
"""

from astratrade_core.defi import (
    InterestRateModel,
    StakingPool,
    apr_from_apy,
    apy_from_apr,
    borrow_rate,
)
from astratrade_core.errors import DomainError
from astratrade_core.events import Event, decode, encode, verify_chain
from astratrade_core.gamification import (
    LEVEL_CURVES,
    Leaderboard,
    RankStyle,
    XPLedger,
    award_xp,
    level_progress,
    record_activity,
    unlock,
)
from astratrade_core.instrument import Instrument, MarginTier, margin_tiers
from astratrade_core.money import (
    BTC,
    ETH,
    EUR,
    STRK,
    USD,
    USDC,
    Currency,
    Money,
    Price,
    Quantity,
    Rate,
)
from astratrade_core.numeric import (
    RAY,
    WAD,
    FixedRounding,
    Rounding,
    from_fixed,
    mul_div,
    parse_decimal,
    quantize,
    round_to_increment,
    to_fixed,
)
from astratrade_core.portfolio import PortfolioState, decide, evolve, replay
from astratrade_core.revenue import (
    FeeRule,
    allocate,
    allocate_units,
    project_ledger,
    revenue_metrics,
    settle_sale,
    split_evenly,
)
from astratrade_core.risk.limits import RiskPolicy
from astratrade_core.risk.metrics import (
    MetricConventions,
    RiskSummary,
    SeriesKind,
    historical_cvar,
    historical_var,
    sharpe_ratio,
    sortino_ratio,
)
from astratrade_core.risk.series import max_drawdown
from astratrade_core.risk.stats import normal_quantile
from astratrade_core.social import (
    found_clan,
    reputation,
    resolve_battle,
    settle_challenge,
)

__all__ = [
    "LEVEL_CURVES",
    "Leaderboard",
    "RankStyle",
    "XPLedger",
    "award_xp",
    "found_clan",
    "level_progress",
    "record_activity",
    "reputation",
    "resolve_battle",
    "settle_challenge",
    "unlock",
    "Event",
    "PortfolioState",
    "RiskPolicy",
    "decide",
    "decode",
    "encode",
    "evolve",
    "replay",
    "verify_chain",
    "BTC",
    "ETH",
    "EUR",
    "RAY",
    "STRK",
    "USD",
    "USDC",
    "WAD",
    "Currency",
    "DomainError",
    "FixedRounding",
    "Instrument",
    "MarginTier",
    "Money",
    "Price",
    "Quantity",
    "Rate",
    "Rounding",
    "from_fixed",
    "margin_tiers",
    "mul_div",
    "parse_decimal",
    "quantize",
    "round_to_increment",
    "to_fixed",
    "MetricConventions",
    "RiskSummary",
    "SeriesKind",
    "historical_cvar",
    "historical_var",
    "max_drawdown",
    "normal_quantile",
    "sharpe_ratio",
    "sortino_ratio",
    "FeeRule",
    "InterestRateModel",
    "StakingPool",
    "allocate",
    "allocate_units",
    "apr_from_apy",
    "apy_from_apr",
    "borrow_rate",
    "project_ledger",
    "revenue_metrics",
    "settle_sale",
    "split_evenly",
]
