"""``astratrade demo``: the whole system on the embedded SQLite store, in well under a minute.

Simulates the community of :mod:`astratrade_shell.community`, prints the read models
(:mod:`astratrade_shell.report`), verifies the audit chain, rebuilds every projection from the
store and checks it equals the live one, and prints the store path and the replay command.
The report is identical for a given ``--seed`` (only the path and the timing line differ).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import click
from returns.result import Failure

from astratrade_shell.app import SimulatedClock
from astratrade_shell.bus import InProcessBus
from astratrade_shell.cli.main import CliFailure
from astratrade_shell.community import MARKETS, CommunityConfig, application, simulate
from astratrade_shell.exchanges import load_csv_prices
from astratrade_shell.projections import replay
from astratrade_shell.readmodels import ReadModels
from astratrade_shell.report import render
from astratrade_shell.store import Synchronous, open_sqlite_store, verify_store

__all__ = ["demo"]


@click.command(help="""Simulate a trading community end to end on the embedded SQLite store.

\b
TRADERS trade BTC and ETH perpetuals on the paper exchange for DAYS simulated days: deposits,
trades sized within the platform's risk limits, stops and targets resting at the venue as
OCO orders, hedge-mode accounts, coin-margined accounts trading the inverse BTCUSD_PERP
(100 USD per contract, settled in BTC), funding every 8 hours, weekly withdrawals, refusals by
several limits, liquidations, XP,
level-ups, achievements, streaks, a season leaderboard, two clans and their battle,
subscription, NFT and trading-fee revenue -- every stream written through the core's
aggregates, the game and the fees following through its policies. Prints the leaderboard,
equity and P&L per account, risk events, revenue by stream and the clan battle; verifies the
audit chain; checks that a replay from the store rebuilds the same read models.
Deterministic for a given --seed. Amounts are USD (the coin-margined accounts' in BTC);
tables round to cents (BTC: 8 places) for display only.
The store uses synchronous=NORMAL (a simulation: crash-safe, not power-loss durable).
""")
@click.option("--seed", default=42, show_default=True, type=int, help="Random seed.")
@click.option("--users", default=50, show_default=True, type=click.IntRange(2, 500),
              help="Number of traders.")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 365),
              help="Simulated days.")
@click.option("--prices", "prices_path", default=None, metavar="FILE",
              help="Replay prices from a CSV (columns step, symbol, price; symbols BTCUSD and "
                   "ETHUSD; one row group per step) instead of the seeded random walk.")
@click.option("--store", "store_path", default=None, metavar="PATH",
              help="Where to create the SQLite store (must not exist) [default: a new "
                   "temporary directory].")
def demo(seed: int, users: int, days: int, prices_path: str | None,
         store_path: str | None) -> None:
    """The ``demo`` command."""
    started = time.perf_counter()
    market = None
    if prices_path is not None:
        loaded = load_csv_prices(Path(prices_path))
        if isinstance(loaded, Failure):
            raise CliFailure.bad_input(str(loaded.failure()))
        market = loaded.unwrap()
        missing = sorted(set(MARKETS) - set(market.symbols()))
        if missing:
            raise CliFailure.bad_input(f"{prices_path} has no prices for {', '.join(missing)}")
    path = (Path(store_path) if store_path is not None
            else Path(tempfile.mkdtemp(prefix="astratrade-demo-")) / "events.db")
    if path.exists():
        raise CliFailure.bad_input(f"{path} already exists; choose a new --store path")
    opened = open_sqlite_store(path, synchronous=Synchronous.NORMAL)
    if isinstance(opened, Failure):
        raise CliFailure.bad_input(str(opened.failure()))
    store = opened.unwrap()
    config = CommunityConfig(seed=seed, users=users, days=days)
    clock = SimulatedClock(config.start)
    bus = InProcessBus()
    live = ReadModels()
    bus.subscribe(live)
    app = application(store, bus, clock, config)
    outcome = simulate(config, app, clock, market)
    echo = click.echo
    echo(f"AstraTrade demo: {users} traders, {days} simulated days, seed {seed}\n")
    echo(render(live))
    echo(f"\nOrders filled: {outcome.orders_filled}; trades closed: {outcome.closed_trades}; "
         f"sizes below the instrument minimum: {outcome.sizing_rejected}")
    echo(f"Exits filled at the venue: {outcome.stops_filled} stops, {outcome.targets_filled} "
         f"targets; funding settlements: {outcome.funding_charges}; withdrawals: "
         f"{outcome.withdrawals} ({outcome.withdrawals_refused} refused)")
    verified = verify_store(store)
    if isinstance(verified, Failure):
        raise CliFailure.domain(str(verified.failure()))
    head = next(iter(store.read_all(store.last_position()))).hash.hex()
    echo(f"Audit chain: {verified.unwrap()} records verified, head {head[:16]}...")
    rebuilt = ReadModels()
    replay(store, [rebuilt])
    same = rebuilt.states() == live.states()
    echo("Replay check: the projections rebuilt from the store "
         + ("equal the live ones." if same else "DIFFER from the live ones!"))
    store.close()
    echo(f"\nStore:  {path}")
    echo(f"Replay: astratrade replay --store {path}")
    echo(f"Audit:  astratrade audit verify --store {path}")
    echo(f"Ran in {time.perf_counter() - started:.1f} s")
    if not same:
        raise CliFailure.domain("replayed projections differ from the live ones")
