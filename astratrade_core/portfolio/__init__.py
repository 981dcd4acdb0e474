"""The event-sourced portfolio: state, commands, ``decide`` and ``evolve``.

``decide(state, command)`` returns the events a command produces (or a ``DomainError``);
``evolve(state, event)`` / ``replay(events, state)`` fold events into state.  See
``docs/portfolio.md`` for the commands, events, laws and limits.
"""

from astratrade_core.portfolio.commands import (
    EARLIEST_ISSUED_AT,
    LATEST_ISSUED_AT,
    ApplyFunding,
    ChargeFee,
    ClosePosition,
    Command,
    Deposit,
    ExecuteTrade,
    LiquidatePosition,
    MarkPrice,
    SetPositionMode,
    Withdraw,
)
from astratrade_core.portfolio.decide import PORTFOLIO, Decision, decide, exposure_after
from astratrade_core.portfolio.evolve import (
    BOOKING_PLACES,
    TRADE_MEMORY,
    book,
    book_inverse_fill,
    evolve,
    replay,
    utc_day,
)
from astratrade_core.portfolio.inverse import inverse_exposure_after
from astratrade_core.portfolio.state import (
    Holding,
    InverseHolding,
    Ledger,
    PortfolioState,
    PositionKey,
    TradeTimes,
)

__all__ = [
    "BOOKING_PLACES",
    "EARLIEST_ISSUED_AT",
    "LATEST_ISSUED_AT",
    "PORTFOLIO",
    "TRADE_MEMORY",
    "ApplyFunding",
    "ChargeFee",
    "ClosePosition",
    "Command",
    "Decision",
    "Deposit",
    "ExecuteTrade",
    "Holding",
    "InverseHolding",
    "Ledger",
    "LiquidatePosition",
    "MarkPrice",
    "PortfolioState",
    "PositionKey",
    "SetPositionMode",
    "TradeTimes",
    "Withdraw",
    "book",
    "book_inverse_fill",
    "decide",
    "evolve",
    "exposure_after",
    "inverse_exposure_after",
    "replay",
    "utc_day",
]
