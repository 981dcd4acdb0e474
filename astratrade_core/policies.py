"""Pure cross-domain policies: an event in, the commands it causes elsewhere out.

A :data:`Policy` is a function of one stored event alone.  It answers the
:class:`Dispatch` values -- a command addressed to a stream of an aggregate (by the
aggregate's name) -- that the event causes; the shell runs each through
``Application.execute``.  Every command a policy makes takes its id from the event it reacted
to, so running a policy twice (a worker restarting, a retry) stores nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from astratrade_core.aggregate import Command
from astratrade_core.events.envelope import Event

__all__ = ["Dispatch", "Policy"]


@attrs.frozen
class Dispatch:
    """``command`` for the stream ``stream_id`` of the aggregate named ``aggregate``."""

    aggregate: str
    stream_id: str
    command: Command


#: An event in, the commands it causes out (usually none).
Policy = Callable[[Event], tuple[Dispatch, ...]]
