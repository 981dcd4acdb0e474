"""``astratrade serve --demo``: the service on the demo's store with the community
simulation (:mod:`astratrade_shell.community`) running inside it, so the dashboard moves.

The simulation runs in a thread against an :class:`~astratrade_shell.app.Application` of its
own -- the demo's aggregates, policies, snapshots, simulated clock and command ids -- that
shares the service's store and bus: every event it stores feeds the service's read models
and the WebSocket hub like a command sent over HTTP.  Its commands take the service's write
lock one at a time and wait ``pace`` seconds between them, so a month of trading plays out
over minutes and HTTP commands interleave with it.  An admin is registered on the fresh store
and its key is printed with the dashboard's address (the key in the fragment, never sent to
the server).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from returns.result import Failure, Result

from astratrade_core.aggregate import Aggregate
from astratrade_core.errors import DomainError
from astratrade_core.users import ROLE_SCOPES, USER, IssueApiKey, RegisterUser, Role, user_stream
from astratrade_shell.app import Application, Executed, SequentialIds, SimulatedClock
from astratrade_shell.community import AGGREGATES, SNAPSHOTS, CommunityConfig, policies, simulate
from astratrade_shell.service.keys import new_key
from astratrade_shell.service.platform import Platform

__all__ = ["DemoSimulation", "register_admin"]

_log = logging.getLogger("astratrade.service.demo")


class _StoppedError(Exception):
    """The service is shutting down: the simulation stops between two commands."""


class _PacedApplication(Application):
    """The demo's application: each command under the service's write lock, then a pause."""

    def __init__(self, platform: Platform, pace_s: float, stop: threading.Event,
                 **kwargs: Any) -> None:
        super().__init__(platform.store, platform.bus, **kwargs)
        self._platform = platform
        self._pace_s = pace_s
        self._stop = stop
        self._depth = 0   # only the simulation's thread calls execute

    def execute(self, aggregate: Aggregate[Any, Any], stream_id: str,
                command: Any) -> Result[Executed[Any], DomainError]:
        """Run one command, then wait ``pace`` seconds (stopping if asked meanwhile).  The
        commands its policies cause run inside the outer call, under the lock it holds."""
        if self._depth:
            return super().execute(aggregate, stream_id, command)
        with self._platform.writing:
            if self._stop.is_set() or self._platform.closed:
                raise _StoppedError
            self._depth += 1
            try:
                done = super().execute(aggregate, stream_id, command)
            finally:
                self._depth -= 1
        if self._pace_s and self._stop.wait(self._pace_s):
            raise _StoppedError
        return done


class DemoSimulation:
    """The community simulation of ``config`` running in a thread against ``platform``."""

    def __init__(self, platform: Platform, config: CommunityConfig, *,
                 pace_s: float = 0.02) -> None:
        self.config = config
        self.platform = platform
        self._stop = threading.Event()
        self.clock = SimulatedClock(config.start)
        self.app = _PacedApplication(platform, pace_s, self._stop, aggregates=AGGREGATES,
                                     policies=policies(config), snapshots=SNAPSHOTS,
                                     clock=self.clock, ids=SequentialIds("demo"))
        self.finished = threading.Event()
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="astratrade-demo", daemon=True)

    def start(self) -> None:
        """Start simulating."""
        self._thread.start()

    def stop(self) -> None:
        """Stop after the command in flight."""
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        try:
            outcome = simulate(self.config, self.app, self.clock)
            _log.info("demo simulation finished",
                      extra={"filled": outcome.orders_filled, "closed": outcome.closed_trades})
        except _StoppedError:
            pass
        except Exception as exc:   # a demo bug must not take the service down
            if self.platform.closed:   # shutting down: the store went away mid-command
                return
            self.error = exc
            _log.error("demo simulation failed", exc_info=exc)
        finally:
            self.finished.set()


def register_admin(platform: Platform, user_id: str = "demo") -> Result[str, DomainError]:
    """Register ``user_id`` as an admin on the platform's store and issue a key; its text."""
    issued = new_key(user_id)
    stream = user_stream(user_id)
    app = platform.app
    with platform.writing:
        registered = app.execute(USER, stream, RegisterUser(
            command_id=f"demo:{user_id}", user_id=user_id, issued_at=app.now(),
            display_name="Demo admin", role=Role.ADMIN))
        if isinstance(registered, Failure):
            return Failure(registered.failure())
        keyed = app.execute(USER, stream, IssueApiKey(
            command_id=f"demo-key:{user_id}:{issued.key_id}", user_id=user_id,
            issued_at=app.now(), key_id=issued.key_id, label="demo",
            scopes=ROLE_SCOPES[Role.ADMIN], verifier=platform.hasher.verifier(issued.text)))
    return keyed.map(lambda _: issued.text)
