"""Writer processes for the bus load test (children started with ``spawn``)."""

from __future__ import annotations

from multiprocessing.synchronize import Event as EventFlag

import redis

from astratrade_shell.bus.redis_streams import RedisStreamsBus
from astratrade_shell.store import ANY_VERSION
from astratrade_shell.store.postgres import open_postgres_store
from tests.shell.bus.redis_fixtures import xp_event

__all__ = ["xp_writer"]


def xp_writer(*, pg_url: str, schema: str, url: str, prefix: str, writer: int, appends: int,
              batch: int, start: EventFlag) -> None:
    """Append ``appends`` batches of ``batch`` ``XPGained`` events (amount ``1 + n % 7`` for
    one of 25 users) to this writer's streams in a PostgreSQL store and publish each batch to
    Redis.  ``synchronous_commit`` is off: the test is about delivery, not crash safety."""
    store = open_postgres_store(pg_url, schema=schema, synchronous_commit=False).unwrap()
    bus = RedisStreamsBus(redis.Redis.from_url(url), prefix=prefix, store=store)
    start.wait()
    for n in range(appends):
        user = f"u-{(writer * 7 + n) % 25}"
        events = [xp_event(user, writer * 1_000_000 + n * batch + i, 1 + (n + i) % 7)
                  for i in range(batch)]
        bus.publish(store.append(f"{user}/w{writer}", events, ANY_VERSION).unwrap().records)
    store.close()
