"""AstraTrade Core: exact, pure maths for a gamified trading platform.

``import astratrade_core as ac`` gives the curated surface; each subpackage has its own
``__all__`` with the rest.

The surface is imported lazily (:mod:`astratrade_core.exports`): ``import astratrade_core``
loads no subpackage; the first use of a name (``ac.replay``) or of a subpackage
(``ac.trading``) imports the module that defines it, so a program pays only for what it uses.
Type checkers read the same names from the imports under ``TYPE_CHECKING``.

>>> import astratrade_core as ac
>>> ac.parse_decimal("1.5").unwrap()
Decimal('1.5')
>>> ac.trading.calculate_pnl is ac.calculate_pnl
True
"""

from __future__ import annotations

from astratrade_core.exports import lazy

TYPE_CHECKING = False  # not typing's: importing typing costs time (see exports.py)
if TYPE_CHECKING:
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
        historical_cvar,
        historical_var,
        sharpe_ratio,
        sortino_ratio,
    )
    from astratrade_core.risk.series import max_drawdown
    from astratrade_core.risk.stats import normal_quantile
    from astratrade_core.risk.summary import MetricConventions, RiskSummary, SeriesKind
    from astratrade_core.social import (
        BATTLE,
        CHALLENGE,
        CLAN,
        reputation,
        settle_challenge,
    )
    from astratrade_core.trading import (
        FeeSchedule,
        Fill,
        Position,
        PositionState,
        apply_fill,
        calculate_pnl,
        calculate_position_size,
        cross_liquidation_price,
        fixed_fractional_size,
        isolated_liquidation_price,
        kelly_fraction,
        stop_levels,
    )

__all__ = [
    "BATTLE",
    "CHALLENGE",
    "CLAN",
    "LEVEL_CURVES",
    "Leaderboard",
    "RankStyle",
    "XPLedger",
    "award_xp",
    "level_progress",
    "record_activity",
    "reputation",
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
    "FeeSchedule",
    "Fill",
    "Position",
    "PositionState",
    "apply_fill",
    "calculate_pnl",
    "calculate_position_size",
    "cross_liquidation_price",
    "fixed_fractional_size",
    "isolated_liquidation_price",
    "kelly_fraction",
    "stop_levels",
]

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy(__name__, {
        "InterestRateModel": "astratrade_core.defi",
        "StakingPool": "astratrade_core.defi",
        "apr_from_apy": "astratrade_core.defi",
        "apy_from_apr": "astratrade_core.defi",
        "borrow_rate": "astratrade_core.defi",
        "DomainError": "astratrade_core.errors",
        "Event": "astratrade_core.events",
        "decode": "astratrade_core.events",
        "encode": "astratrade_core.events",
        "verify_chain": "astratrade_core.events",
        "LEVEL_CURVES": "astratrade_core.gamification",
        "Leaderboard": "astratrade_core.gamification",
        "RankStyle": "astratrade_core.gamification",
        "XPLedger": "astratrade_core.gamification",
        "award_xp": "astratrade_core.gamification",
        "level_progress": "astratrade_core.gamification",
        "record_activity": "astratrade_core.gamification",
        "unlock": "astratrade_core.gamification",
        "Instrument": "astratrade_core.instrument",
        "MarginTier": "astratrade_core.instrument",
        "margin_tiers": "astratrade_core.instrument",
        "BTC": "astratrade_core.money",
        "ETH": "astratrade_core.money",
        "EUR": "astratrade_core.money",
        "STRK": "astratrade_core.money",
        "USD": "astratrade_core.money",
        "USDC": "astratrade_core.money",
        "Currency": "astratrade_core.money",
        "Money": "astratrade_core.money",
        "Rate": "astratrade_core.money",
        "RAY": "astratrade_core.numeric",
        "WAD": "astratrade_core.numeric",
        "FixedRounding": "astratrade_core.numeric",
        "Rounding": "astratrade_core.numeric",
        "from_fixed": "astratrade_core.numeric",
        "mul_div": "astratrade_core.numeric",
        "parse_decimal": "astratrade_core.numeric",
        "quantize": "astratrade_core.numeric",
        "round_to_increment": "astratrade_core.numeric",
        "to_fixed": "astratrade_core.numeric",
        "PortfolioState": "astratrade_core.portfolio",
        "decide": "astratrade_core.portfolio",
        "evolve": "astratrade_core.portfolio",
        "replay": "astratrade_core.portfolio",
        "FeeRule": "astratrade_core.revenue",
        "allocate": "astratrade_core.revenue",
        "allocate_units": "astratrade_core.revenue",
        "project_ledger": "astratrade_core.revenue",
        "revenue_metrics": "astratrade_core.revenue",
        "settle_sale": "astratrade_core.revenue",
        "split_evenly": "astratrade_core.revenue",
        "RiskPolicy": "astratrade_core.risk.limits",
        "historical_cvar": "astratrade_core.risk.metrics",
        "historical_var": "astratrade_core.risk.metrics",
        "sharpe_ratio": "astratrade_core.risk.metrics",
        "sortino_ratio": "astratrade_core.risk.metrics",
        "max_drawdown": "astratrade_core.risk.series",
        "normal_quantile": "astratrade_core.risk.stats",
        "MetricConventions": "astratrade_core.risk.summary",
        "RiskSummary": "astratrade_core.risk.summary",
        "SeriesKind": "astratrade_core.risk.summary",
        "BATTLE": "astratrade_core.social",
        "CHALLENGE": "astratrade_core.social",
        "CLAN": "astratrade_core.social",
        "reputation": "astratrade_core.social",
        "settle_challenge": "astratrade_core.social",
        "FeeSchedule": "astratrade_core.trading",
        "Fill": "astratrade_core.trading",
        "Position": "astratrade_core.trading",
        "PositionState": "astratrade_core.trading",
        "apply_fill": "astratrade_core.trading",
        "calculate_pnl": "astratrade_core.trading",
        "calculate_position_size": "astratrade_core.trading",
        "cross_liquidation_price": "astratrade_core.trading",
        "fixed_fractional_size": "astratrade_core.trading",
        "isolated_liquidation_price": "astratrade_core.trading",
        "kelly_fraction": "astratrade_core.trading",
        "stop_levels": "astratrade_core.trading",
    }, (
        "aggregate", "batch", "defi", "errors", "events", "exports", "fixedpoint",
        "gamification", "instrument", "money", "numeric", "policies", "portfolio", "revenue",
        "risk", "social", "testing", "trading", "users",
    ))
