"""Read models: the in-memory projections the demo and ``astratrade replay`` show
(:mod:`.memory`), and the persisted ones the service queries (:mod:`.views`), stored beside
the events with a checkpoint committed in the same transaction as their rows
(:mod:`.database`, fed by :mod:`.feed`)."""

from astratrade_shell.readmodels.memory import (
    PORTFOLIO_EVENTS,
    Liquidation,
    PlayerView,
    ReadModels,
    RiskView,
)

__all__ = ["PORTFOLIO_EVENTS", "Liquidation", "PlayerView", "ReadModels", "RiskView"]
