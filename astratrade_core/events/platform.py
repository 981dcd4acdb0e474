"""The platform's codec registry: every event type the platform writes, every upcaster.

:data:`PLATFORM_EVENTS` is built from the tuples each events module exports; it is the default
registry of everything in the shell that decodes stored records (the application, projections,
read models, the CLI).  To add an event type, add the class to its module's tuple; to add an
events module, add its tuples here.  A wire name defined twice fails at import time.

>>> from astratrade_core.events.trading import TradeExecuted
>>> PLATFORM_EVENTS.get("TradeExecuted") is TradeExecuted
True
>>> len(PLATFORM_EVENTS) == len(PLATFORM_EVENTS.names()) > 30
True
"""

from __future__ import annotations

from typing import Final

from astratrade_core.events.gamification import GAMIFICATION_EVENTS
from astratrade_core.events.registry import EventRegistry
from astratrade_core.events.revenue import REVENUE_EVENTS, REVENUE_UPCASTS
from astratrade_core.events.social import SOCIAL_EVENTS, SOCIAL_UPCASTS
from astratrade_core.events.trading import TRADING_EVENTS, TRADING_UPCASTS
from astratrade_core.events.users import USERS_EVENTS

__all__ = ["PLATFORM_EVENTS"]

#: Every platform event type by wire name, with every upcaster.
PLATFORM_EVENTS: Final[EventRegistry] = EventRegistry.of(
    (*TRADING_EVENTS, *GAMIFICATION_EVENTS, *SOCIAL_EVENTS, *REVENUE_EVENTS, *USERS_EVENTS),
    (*TRADING_UPCASTS, *SOCIAL_UPCASTS, *REVENUE_UPCASTS),
)
