"""Access to a real venue, independent of its API: credentials, rate limit, retry policy, and
the deterministic client order id.

* :class:`Credentials` come only from the environment or a TOML file, and never show in a
  ``repr``; :data:`REDACT` is a logging filter that scrubs registered secrets (and any URL's
  password) from records, with the shell's one redaction function.
* :class:`TokenBucket` paces requests (clock and sleep injected, so tests run on fake time).
* :class:`RetryPolicy` is exponential backoff with a cap.
* :func:`venue_client_order_id` maps a command id to the id the venue stores, the same on
  every retry, so a retried submission can be looked up instead of sent twice.

>>> venue_client_order_id("cmd-42") == venue_client_order_id("cmd-42")
True
>>> Credentials(api_key="k", secret="s")
Credentials()
"""

from __future__ import annotations

import hashlib
import os
import time
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_shell.redaction import RedactingFilter

__all__ = ["REDACT", "Credentials", "Redact", "RetryPolicy", "TokenBucket",
           "venue_client_order_id"]


def venue_client_order_id(client_order_id: str) -> str:
    """The venue's client order id for our ``client_order_id``: ``at-`` and 29 hex digits of
    its SHA-256 (Binance allows ``[.A-Z:/a-z0-9_-]{1,36}``), the same on every retry."""
    return "at-" + hashlib.sha256(client_order_id.encode()).hexdigest()[:29]


@attrs.frozen
class Credentials:
    """An API key and secret; neither is ever shown by ``repr``."""

    api_key: str = attrs.field(repr=False)
    secret: str = attrs.field(repr=False)

    @classmethod
    def from_env(cls, venue: str, environ: Mapping[str, str] | None = None,
                 ) -> Result[Credentials, DomainError]:
        """Read ``ASTRATRADE_<VENUE>_API_KEY`` and ``ASTRATRADE_<VENUE>_API_SECRET``.

        >>> Credentials.from_env("binanceusdm", {}).failure().code
        'exchange.credentials'
        """
        env = os.environ if environ is None else environ
        prefix = f"ASTRATRADE_{venue.upper()}_"
        key, secret = env.get(prefix + "API_KEY"), env.get(prefix + "API_SECRET")
        if not key or not secret:
            return Failure(DomainError.invalid("exchange.credentials",
                                          f"set {prefix}API_KEY and {prefix}API_SECRET"))
        return Success(cls(key, secret))

    @classmethod
    def from_file(cls, path: Path, venue: str) -> Result[Credentials, DomainError]:
        """Read ``api_key`` and ``secret`` from the ``[venues.<venue>]`` table of a TOML file."""
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8")).get("venues", {}).get(venue)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            return Failure(DomainError.invalid("exchange.credentials",
                                          f"cannot read {path}: {type(exc).__name__}"))
        if not isinstance(table, dict) or not isinstance(table.get("api_key"), str) or (
                not isinstance(table.get("secret"), str)):
            return Failure(DomainError.invalid("exchange.credentials",
                                          f"{path} has no [venues.{venue}] api_key and secret"))
        return Success(cls(table["api_key"], table["secret"]))


class TokenBucket:
    """``rate`` tokens per second, at most ``capacity`` banked; :meth:`acquire` waits for one.

    >>> now = [0.0]
    >>> bucket = TokenBucket(rate=2.0, capacity=1.0, clock=lambda: now[0],
    ...                      sleep=lambda s: now.__setitem__(0, now[0] + s))
    >>> bucket.acquire(); bucket.acquire(); now[0]   # the second token takes 1/2 s
    0.5
    """

    def __init__(self, *, rate: float, capacity: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._rate, self._capacity = rate, capacity
        self._clock, self._sleep = clock, sleep
        self._tokens, self._last = capacity, clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._last) * self._rate)
        self._last = now

    def acquire(self) -> None:
        """Take one token, sleeping until it is available."""
        self._refill()
        if self._tokens < 1:
            self._sleep((1 - self._tokens) / self._rate)
            self._refill()
        self._tokens -= 1


@attrs.frozen
class RetryPolicy:
    """``attempts`` tries in all; the n-th retry waits ``min(cap, base * 2**(n-1))`` seconds.

    >>> [RetryPolicy(attempts=5, base=0.5, cap=3.0).delay(n) for n in (1, 2, 3, 4)]
    [0.5, 1.0, 2.0, 3.0]
    """

    attempts: int = 4
    base: float = 0.25
    cap: float = 5.0

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        return min(self.cap, self.base * 2.0 ** (retry - 1))


#: The one redacting filter (:class:`astratrade_shell.redaction.RedactingFilter`), under the
#: name this module has always exported.
Redact = RedactingFilter

#: The process-wide filter; add secrets to ``REDACT.secrets`` and it to a logger.
REDACT = Redact()
