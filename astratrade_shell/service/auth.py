"""Authentication and rate limiting: the API key in, a
:class:`~astratrade_core.users.Principal` out.

``Authorization: Bearer atk_<user>_<key id>_<secret>``:

1. a missing or malformed header is ``401 auth.missing`` / ``auth.malformed``;
2. the key id is charged one token of its **rate limit** *before* anything costly happens
   (a token bucket per key id: ``rate_per_second`` refill, ``burst`` capacity); an empty
   bucket is ``429 rate.limited`` with ``Retry-After`` in whole seconds.  Failed attempts
   count too, so guessing a key's secret is as slow as using it;
3. the version of the user's stream is read from the store (every request, so a revoked key
   stops working at once, in every process); if this process authenticated the same key at
   that same version, that conclusion stands (:class:`~astratrade_shell.service.keys.
   VerifiedKeys`, keyed by an HMAC of the key, never the key); otherwise the stream is
   loaded, the key must exist and be unrevoked, and the secret must match the stored scrypt
   verifier (:mod:`~astratrade_shell.service.keys`); any mismatch is the same
   ``401 auth.invalid``, so the answer never tells which part was wrong, and only a success
   is remembered;
4. the principal carries the key's effective scopes (within the user's current role).

Each failure increments ``astratrade_auth_failures_total{reason}`` and logs one line with the
reason and the key id (public) -- never the key.  Authorization (what the principal may do)
is the core's :func:`~astratrade_core.users.authorize`, applied by each route.

Embedded, limits are per process; with the Redis bus configured they are shared by every
API process (:mod:`~astratrade_shell.service.ratelimit`).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Final, Protocol

from astratrade_core.errors import DomainError
from astratrade_core.users import USER, Principal, UserState, user_stream
from astratrade_shell.service.keys import parse_key
from astratrade_shell.service.logs import REQUEST_ID
from astratrade_shell.service.metrics import Metrics
from astratrade_shell.service.platform import Platform
from astratrade_shell.service.problems import ProblemError

__all__ = ["Authenticated", "Limiter", "RateLimiter", "authenticate"]

_log = logging.getLogger("astratrade.service.auth")
_CHALLENGE: Final = {"WWW-Authenticate": 'Bearer realm="astratrade"'}
#: Buckets kept before idle ones are forgotten (any well-formed key id gets one, valid or not).
_MAX_BUCKETS: Final = 100_000


class RateLimiter:
    """Token buckets by key: ``take(key)`` answers None (allowed) or the seconds to wait."""

    def __init__(self, rate_per_second: float, burst: int, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate_per_second
        self.burst = float(burst)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float | None:
        """Spend one token of ``key``'s bucket, or say how long until one is there."""
        now = self._clock()
        with self._lock:
            if len(self._buckets) >= _MAX_BUCKETS:   # forget idle keys: their buckets are full
                horizon = now - self.burst / self.rate
                self._buckets = {k: v for k, v in self._buckets.items() if v[1] > horizon}
            tokens, since = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - since) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return None
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate


class Limiter(Protocol):
    """``take(key)``: None when allowed, else the seconds until a token is there."""

    def take(self, key: str) -> float | None:
        """Spend one token of ``key``'s bucket, or say how long to wait."""
        ...


class Authenticated:
    """Who a request is from, and their user stream's state when authenticated."""

    def __init__(self, principal: Principal, state: UserState) -> None:
        self.principal = principal
        self.state = state


def _refuse(metrics: Metrics, reason: str, message: str,
            key_id: str | None = None) -> ProblemError:
    metrics.auth_failures.labels(reason=reason).inc()
    _log.warning("authentication failed", extra={"reason": reason, "key_id": key_id,
                                                  "request_id": REQUEST_ID.get()})
    return ProblemError(DomainError.forbidden(f"auth.{reason}", message), status=401,
                        headers=_CHALLENGE)


def authenticate(platform: Platform, limiter: Limiter, metrics: Metrics,
                 authorization: str | None) -> Authenticated:
    """The principal behind an ``Authorization`` header (raises a 401 or 429 problem)."""
    if not authorization:
        raise _refuse(metrics, "missing", "an API key is required: Authorization: Bearer <key>")
    scheme, _, text = authorization.partition(" ")
    parsed = parse_key(text.strip()) if scheme.lower() == "bearer" else None
    if parsed is None:
        raise _refuse(metrics, "malformed", "the Authorization header does not hold an API key")
    user_id, key_id = parsed
    wait = limiter.take(key_id)
    if wait is not None:
        metrics.auth_failures.labels(reason="rate_limited").inc()
        raise ProblemError(DomainError.rejected("rate.limited", "too many requests for this "
                                                "key; retry later", key_id=key_id),
                           status=429, headers={"Retry-After": str(max(1, math.ceil(wait)))})
    stream = user_stream(user_id)
    version = platform.store.stream_version(stream)
    if version == 0:   # no such user: nothing to load or cache
        raise _refuse(metrics, "invalid", "the API key is not valid", key_id)
    remembered: Authenticated | None = platform.verified_keys.recall(text.strip(), version)
    if remembered is not None:   # verified at this very version of the user's stream
        return remembered
    with platform.writing:
        loaded = platform.app.load(USER, stream)
    state: UserState = loaded.state
    key = state.keys.get(key_id)
    if key is None or key.revoked or not platform.hasher.matches(text.strip(), key.verifier):
        raise _refuse(metrics, "invalid", "the API key is not valid", key_id)
    principal = state.principal(key_id)
    if principal is None:
        raise _refuse(metrics, "invalid", "the API key is not valid", key_id)
    found = Authenticated(principal, state)
    platform.verified_keys.remember(text.strip(), loaded.version, found)
    return found
