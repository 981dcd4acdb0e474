"""``astratrade worker``: feed one read model from the Redis Streams bus.

A persisted read model (``accounts``, ``progress``, ``standings``, ``clans``, ``books``;
several joined by commas share one worker) lives in the store's database with its
checkpoint: the worker resumes from it and commits each batch before acknowledging it.  An
in-memory projection (``portfolios``, ``players``, ...) starts empty and rebuilds nothing up
front: its first delivered record fills the gap from the store (see
:mod:`astratrade_shell.bus.redis_streams`), so a restarted worker catches up by itself.
What it applies always comes from the store (opened read-only): a bus entry only says which
position to apply next, and one that does not match the store, or does not parse, is
dead-lettered after ``--max-deliveries`` deliveries with a warning on stderr -- never applied,
never fatal.  It stops after ``--max-events`` entries, after ``--idle-timeout`` seconds
without any, or on SIGTERM/SIGINT, and prints one summary line.  Exit ``1`` if anything was
dead-lettered; ``2`` bad input; ``4`` Redis or the store cannot be reached.  No URL's password
is ever printed (:mod:`astratrade_shell.redaction`).
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
from types import FrameType

import click
import redis
from returns.result import Failure

from astratrade_shell.bus.redis_streams import StreamWorker
from astratrade_shell.cli.ledger import opened_store
from astratrade_shell.cli.main import EXIT_UNAVAILABLE, CliFailure
from astratrade_shell.projections import Fed, Projection
from astratrade_shell.readmodels import ReadModels
from astratrade_shell.readmodels.database import open_view_database
from astratrade_shell.readmodels.feed import ViewFeed
from astratrade_shell.readmodels.views import READ_MODELS
from astratrade_shell.redaction import RedactingFilter, redact_text, redact_url, url_secrets

__all__ = ["worker"]


def _log_to_stderr(secrets: tuple[str, ...]) -> None:
    """Warnings (dead letters) as one redacted line each on stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    logger = logging.getLogger("astratrade_shell")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)


@click.command(help="""Feed one projection from the Redis Streams bus (a consumer group).

Delivery is at least once; the projection applies each global position once, in order,
and always the store's record: an entry that does not match the store (a forged or
corrupted entry) or does not parse is never applied, and goes to the dead-letter stream
after --max-deliveries deliveries, with a warning. Entries left pending by a dead worker
are claimed after --min-idle-ms; a record the projection fails on --max-deliveries times is
dead-lettered too. Exit 1 if anything was dead-lettered.
""")
@click.option("--projection", "name", required=True,
              help="Read model to maintain: persisted (accounts, progress, standings, clans, "
                   "books; several joined by commas) or in-memory (portfolios, players, "
                   "leaderboard, revenue, risk, battles).")
@click.option("--store", "store_path", required=True, metavar="PATH|URL",
              help="SQLite event store file, or a postgresql:// URL.")
@click.option("--schema", default=None, help="PostgreSQL schema of the store.")
@click.option("--redis", "redis_url", default=None, metavar="URL",
              help="Redis URL (default: $ASTRATRADE_REDIS_URL).")
@click.option("--prefix", default="astratrade", show_default=True, help="Redis key prefix.")
@click.option("--consumer", default=None, help="Consumer name (default: host-pid).")
@click.option("--max-events", type=click.IntRange(min=1), default=None,
              help="Stop after handling this many entries.")
@click.option("--idle-timeout", type=click.FloatRange(min=0), default=None,
              help="Stop after this many seconds without entries.")
@click.option("--min-idle-ms", type=click.IntRange(min=0), default=5_000, show_default=True,
              help="Claim entries another consumer left pending this long.")
@click.option("--max-deliveries", type=click.IntRange(min=1), default=5, show_default=True,
              help="Dead-letter a record after this many failed deliveries.")
@click.option("--state-out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the final projection state here (pickle; for tests).")
def worker(*, name: str, store_path: str, schema: str | None, redis_url: str | None, prefix: str,
            consumer: str | None, max_events: int | None, idle_timeout: float | None,
            min_idle_ms: int, max_deliveries: int, state_out: str | None) -> int:
    """The ``worker`` command."""
    projections = ReadModels().by_name()
    persisted = name.split(",")
    if name not in projections and not all(n in READ_MODELS for n in persisted):
        raise CliFailure.bad_input(
            f"unknown projection {name!r} (one of: "
            f"{', '.join(sorted({*projections, *READ_MODELS}))})")
    url = redis_url or os.environ.get("ASTRATRADE_REDIS_URL")
    if not url:
        raise CliFailure.bad_input("no Redis URL: pass --redis or set ASTRATRADE_REDIS_URL")
    secrets = (*url_secrets(url), *url_secrets(store_path))
    _log_to_stderr(secrets)
    try:
        client = redis.Redis.from_url(url)
    except ValueError as exc:
        raise CliFailure.bad_input(redact_text(f"bad Redis URL {redact_url(url)}: {exc}",
                                               secrets)) from None
    try:
        client.ping()
    except redis.RedisError as exc:
        raise CliFailure(redact_text(f"cannot reach Redis at {redact_url(url)}: {exc}",
                                     secrets), EXIT_UNAVAILABLE) from None
    stopping: list[int] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        with opened_store(store_path, schema) as store:
            projection: Fed
            if name in projections:
                projection = projections[name]
            else:
                opened = open_view_database(store_path, schema=schema)
                if isinstance(opened, Failure):
                    raise CliFailure.of(opened.failure())
                projection = ViewFeed(opened.unwrap(), [READ_MODELS[n] for n in persisted],
                                      name=name, store=store)
            bus_worker = StreamWorker(client, projection, store, prefix=prefix,
                                      consumer=consumer or f"{os.uname().nodename}-{os.getpid()}",
                                      min_idle_ms=min_idle_ms, max_deliveries=max_deliveries)
            stats = bus_worker.run(max_events=max_events, idle_timeout=idle_timeout,
                                   should_stop=lambda: bool(stopping))
    except redis.RedisError as exc:
        raise CliFailure(redact_text(f"redis: {exc}", secrets), EXIT_UNAVAILABLE) from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if state_out is not None:
        if not isinstance(projection, Projection):
            raise CliFailure.bad_input("--state-out is for in-memory projections; a persisted "
                                       "read model is in the store's database")
        with open(state_out, "wb") as out:
            pickle.dump((projection.position, projection.state), out)
    click.echo(f"projection={name} position={projection.position} applied={stats.applied} "
               f"filled={stats.filled} duplicates={stats.duplicates} claimed={stats.claimed} "
               f"dead_lettered={stats.dead_lettered} rejected={stats.rejected}")
    if stats.dead_lettered:
        raise CliFailure.domain(f"{stats.dead_lettered} record(s) dead-lettered for {name}")
    return 0
