"""The event-sourced portfolio: state, commands, ``decide`` and ``evolve``.

``decide(state, command)`` returns the events a command produces (or a ``DomainError``);
``evolve(state, event)`` / ``replay(events, state)`` fold events into state.  See
``docs/portfolio.md`` for the commands, events, laws and limits.
"""

from astratrade_core.portfolio.commands import (
    ApplyFunding,
    ChargeFee,
    ClosePosition,
    Command,
    Deposit,
    ExecuteTrade,
    LiquidatePosition,
    MarkPrice,
    Withdraw,
)
from astratrade_core.portfolio.decide import PORTFOLIO, Decision, decide, exposure_after
from astratrade_core.portfolio.evolve import (
    BOOKING_PLACES,
    TRADE_MEMORY,
    book,
    evolve,
    replay,
    utc_day,
)
from astratrade_core.portfolio.state import Ledger, PortfolioState, Position, TradeTimes

__all__ = [
    "BOOKING_PLACES",
    "PORTFOLIO",
    "TRADE_MEMORY",
    "ApplyFunding",
    "ChargeFee",
    "ClosePosition",
    "Command",
    "Decision",
    "Deposit",
    "ExecuteTrade",
    "Ledger",
    "LiquidatePosition",
    "MarkPrice",
    "PortfolioState",
    "Position",
    "TradeTimes",
    "Withdraw",
    "book",
    "decide",
    "evolve",
    "exposure_after",
    "replay",
    "utc_day",
]
