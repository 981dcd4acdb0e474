"""What one service process runs on: the store, the bus, the application with every
aggregate and policy, the read-model database and its feed, the paper exchange, the key
hasher -- opened from a :class:`~.config.ServiceConfig` and closed on shutdown.

* **Embedded** (no ``redis``): the SQLite (or PostgreSQL) store, the in-process bus, and a
  :class:`~astratrade_shell.readmodels.feed.ViewFeed` subscribed to it, so a query right after
  a command sees it (each record commits with its checkpoint).
* **Scale-out** (``redis`` set): the Redis Streams bus; read models are fed by
  ``astratrade worker`` processes (unless ``feed`` is true: then this process feeds them too,
  which one process of a deployment may do).

Writes are serialised within a process (:attr:`Platform.writing`): the application's state
cache and the feed's transaction belong to one batch at a time; commands sent through
:attr:`Platform.writes` are stored by group commit (:mod:`~astratrade_shell.service.writes`:
the commands arriving together share one store transaction); across processes the store's
append plan orders writers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

from returns.result import Failure, Result, Success

from astratrade_core.aggregate import Aggregate
from astratrade_core.defi import STAKING_POOL
from astratrade_core.errors import DomainError
from astratrade_core.policies import REVENUE_POLICIES
from astratrade_core.portfolio import PORTFOLIO
from astratrade_core.revenue import COLLECTION, PLATFORM_LEDGER, SUBSCRIPTION
from astratrade_core.social import BATTLE, CHALLENGE, CLAN, clan_ratings
from astratrade_core.users import USER
from astratrade_shell.app import Application, system_clock, uuid_ids
from astratrade_shell.bus import InProcessBus
from astratrade_shell.bus.port import EventBus
from astratrade_shell.exchanges.paper import PaperExchange
from astratrade_shell.markets import FEES, MARKETS, POLICY, SLIPPAGE
from astratrade_shell.readmodels.database import ViewDatabase, open_view_database
from astratrade_shell.readmodels.feed import ViewFeed, replay_into
from astratrade_shell.readmodels.views import READ_MODELS
from astratrade_shell.service.config import ServiceConfig
from astratrade_shell.service.keys import KeyHasher, VerifiedKeys
from astratrade_shell.service.writes import WriteQueue
from astratrade_shell.snapshots import PORTFOLIO_SNAPSHOTS, Snapshotting
from astratrade_shell.store.port import EventStore

__all__ = ["AGGREGATES", "POLICIES", "Platform", "open_platform"]

#: Every aggregate the service executes.
AGGREGATES: Final[tuple[Aggregate[Any, Any], ...]] = (
    PORTFOLIO, USER, CLAN, BATTLE, CHALLENGE, SUBSCRIPTION, COLLECTION, PLATFORM_LEDGER,
    STAKING_POOL)
#: Every policy the service runs after each stored event.
POLICIES: Final = (*REVENUE_POLICIES, clan_ratings)


class Platform:
    """The opened resources of one service process (see the module docstring)."""

    def __init__(self, config: ServiceConfig, store: EventStore, bus: EventBus,
                 views: ViewDatabase, *, clock: Callable[[], datetime] = system_clock,
                 ids: Callable[[], str] = uuid_ids, redis_client: Any = None) -> None:
        self.config = config
        self.store = store
        self.bus = bus
        self.views = views
        self.redis = redis_client
        self.app = Application(store, bus, aggregates=AGGREGATES, policies=POLICIES,
                               snapshots={PORTFOLIO.name: Snapshotting(PORTFOLIO_SNAPSHOTS,
                                                                       every=50)},
                               clock=clock, ids=ids)
        self.exchange = PaperExchange({s: i for s, (i, _) in MARKETS.items()}, FEES,
                                      slippage=SLIPPAGE,
                                      prices={s: p for s, (_, p) in MARKETS.items()})
        self.quote_currency = {s: i.quote.code for s, (i, _) in MARKETS.items()}
        self.policy = POLICY
        self.hasher = KeyHasher(n=config.scrypt_n)
        #: Keys authenticated at a version of their user's stream (service.auth).
        self.verified_keys: VerifiedKeys[Any] = VerifiedKeys()
        self.writing = threading.Lock()
        #: One lock per trading account serving its orders; the venue's own lock
        #: (service.orders).
        self.order_locks: dict[str, threading.Lock] = {}
        self.venue = threading.Lock()
        self.writes = WriteQueue(self.app, self.writing, batch=config.write_batch)
        self.closed = False
        self.feed: ViewFeed | None = None
        if config.feed:
            self.feed = ViewFeed(views, list(READ_MODELS.values()), name="service",
                                 store=store)
            replay_into(self.feed, store)  # catch up from the checkpoints first
            bus.subscribe(self.feed.handler)

    def ready(self) -> dict[str, bool]:
        """Whether the store, the read models and the bus answer."""
        checks = {"views": self.views.ping()}
        try:
            self.store.last_position()
            checks["store"] = True
        except Exception:  # any failure of the store means "not ready"
            checks["store"] = False
        if self.redis is not None:
            try:
                checks["bus"] = bool(self.redis.ping())
            except Exception:  # redis-py raises its own errors; any means "not ready"
                checks["bus"] = False
        else:
            checks["bus"] = True
        return checks

    def lag(self) -> dict[str, int]:
        """How many stored events each read model has yet to apply."""
        last = self.store.last_position()
        checkpoints = self.views.checkpoints()
        return {name: last - checkpoints.get(name, 0) for name in READ_MODELS}

    def close(self) -> None:
        """Release the store, the read-model connection and Redis (once)."""
        self.writes.close()
        with self.writing:
            if self.closed:
                return
            self.closed = True
            if self.feed is not None:
                self.feed.rollback(reload=False)
            self.views.close()
            self.store.close()
            if self.redis is not None:
                self.redis.close()


def _open_store(config: ServiceConfig) -> Result[EventStore, DomainError]:
    if config.store.startswith(("postgresql://", "postgres://")):
        from astratrade_shell.store.postgres import open_postgres_store  # noqa: PLC0415

        return open_postgres_store(config.store, schema=config.schema).map(lambda s: s)
    from astratrade_shell.store.sqlite import open_sqlite_store  # noqa: PLC0415

    return open_sqlite_store(config.store).map(lambda s: s)


def open_platform(config: ServiceConfig, *, clock: Callable[[], datetime] = system_clock,
                  ids: Callable[[], str] = uuid_ids) -> Result[Platform, DomainError]:
    """Open everything ``config`` names; failures are values (``store.*``,
    ``readmodels.unreachable``, ``bus.unreachable``)."""
    opened = _open_store(config)
    if isinstance(opened, Failure):
        return Failure(opened.failure())
    store = opened.unwrap()
    views = open_view_database(config.store, schema=config.schema)
    if isinstance(views, Failure):
        store.close()
        return Failure(views.failure())
    bus: EventBus = InProcessBus()
    client = None
    if config.redis is not None:
        import redis  # noqa: PLC0415 - the redis extra, only for scale-out

        from astratrade_shell.bus.redis_streams import RedisStreamsBus  # noqa: PLC0415

        try:
            client = redis.Redis.from_url(config.redis)
            client.ping()
        except (ValueError, redis.RedisError):
            store.close()
            views.unwrap().close()
            return Failure(DomainError.unavailable("bus.unreachable", "cannot reach Redis"))
        bus = RedisStreamsBus(client, prefix=config.redis_prefix, store=store)
    return Success(Platform(config, store, bus, views.unwrap(), clock=clock, ids=ids,
                            redis_client=client))
