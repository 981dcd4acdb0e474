"""Event buses: the port and the in-process default."""

from astratrade_shell.bus.memory import InProcessBus
from astratrade_shell.bus.port import EventBus, Handler

__all__ = ["EventBus", "Handler", "InProcessBus"]
