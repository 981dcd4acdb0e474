"""The per-key rate limit shared by every API process of a scaled-out deployment.

Embedded, each process keeps its own token buckets (:class:`~.auth.RateLimiter`).  With the
Redis bus configured, :class:`SharedRateLimiter` keeps one bucket per key id in Redis
(``<prefix>:rate:<key id>``, a hash of ``tokens`` and ``at``), refilled and spent by one Lua
script -- atomic, so two processes never spend the same token, and timed by Redis's own
clock (``TIME``), so processes whose clocks disagree still agree on the refill.  A bucket
expires once it would be full again, so idle keys cost nothing.

If Redis cannot answer, the process falls back to its local buckets (and logs it once per
outage): requests are still limited, at ``k`` times the rate across ``k`` processes, rather
than refused for a reason the client cannot fix.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from astratrade_shell.service.auth import RateLimiter

__all__ = ["SharedRateLimiter"]

_log = logging.getLogger("astratrade.service.ratelimit")

_TAKE: Final = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local held = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(held[1]) or burst
local at = tonumber(held[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens),
           'at', string.format('%.6f', now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return string.format('%.6f', wait)
"""


class SharedRateLimiter:
    """Token buckets in Redis shared by every process (see the module docstring)."""

    def __init__(self, client: Any, prefix: str, rate_per_second: float, burst: int) -> None:
        self.client = client
        self.prefix = prefix
        self.rate = rate_per_second
        self.burst = burst
        self.local = RateLimiter(rate_per_second, burst)
        self._script = client.register_script(_TAKE)
        self._degraded = False

    def take(self, key: str) -> float | None:
        """Spend one token of ``key``'s shared bucket (the local one while Redis is down)."""
        try:
            raw = self._script(keys=[f"{self.prefix}:rate:{key}"],
                               args=[repr(self.rate), str(self.burst)])
        except Exception as exc:   # redis-py's errors: limit locally until Redis is back
            if not self._degraded:
                self._degraded = True
                _log.warning("shared rate limit unavailable: limiting per process",
                             extra={"error": type(exc).__name__})
            return self.local.take(key)
        self._degraded = False
        wait = float(raw)  # seconds to wait: a duration, not money
        return None if wait <= 0 else wait
