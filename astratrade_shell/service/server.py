"""``astratrade serve``: run the API with uvicorn (graceful shutdown on SIGTERM/SIGINT:
uvicorn stops accepting, finishes the requests in flight, then the app closes the store)."""

from __future__ import annotations

from typing import Any

import click
from returns.result import Failure

from astratrade_shell.cli.main import EXIT_UNAVAILABLE, CliFailure

__all__ = ["serve"]


@click.command(help="""Serve the HTTP API (docs/api.md).

Settings come from defaults < --config FILE (TOML, or $ASTRATRADE_CONFIG) < ASTRATRADE_*
variables < these flags. The default is the embedded platform: the SQLite store
astratrade.db, the in-process bus, one process on 127.0.0.1:8000. Create the first admin key
with `astratrade users bootstrap --store FILE` first. To scale out, run several serve
processes with a PostgreSQL --store, --redis and --no-feed, and `astratrade worker`s
(docs/deployment.md).
""")
@click.option("--config", "config_file", default=None, metavar="FILE",
              help="TOML settings file.")
@click.option("--host", default=None, help="Address to bind [default: 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port [default: 8000].")
@click.option("--store", default=None, metavar="PATH|URL",
              help="SQLite file or postgresql:// URL [default: astratrade.db].")
@click.option("--schema", default=None, help="PostgreSQL schema.")
@click.option("--redis", default=None, metavar="URL", help="Redis URL: scale-out bus.")
@click.option("--feed/--no-feed", default=None,
              help="Feed the read models in this process [default: yes].")
@click.option("--demo", is_flag=True,
              help="Serve a fresh demo store (a temporary one unless --store) with the "
                   "community simulation running in the process; prints the live dashboard's "
                   "address with an admin key.")
@click.option("--demo-users", type=click.IntRange(2, 500), default=20, show_default=True,
              help="Simulated traders (with --demo).")
@click.option("--demo-days", type=click.IntRange(1, 365), default=30, show_default=True,
              help="Simulated days (with --demo).")
@click.option("--demo-pace", type=click.FloatRange(0, 10), default=0.02, show_default=True,
              help="Seconds between two simulated commands (with --demo).")
def serve(*, config_file: str | None, demo: bool, demo_users: int, demo_days: int,
          demo_pace: float, **flags: Any) -> None:
    """The ``serve`` command."""
    try:
        import uvicorn  # noqa: PLC0415 - the service extra, only when serving
    except ImportError:
        raise CliFailure("the HTTP service needs its extra: pip install 'astratrade[service]'",
                         EXIT_UNAVAILABLE) from None
    from astratrade_shell.service.config import load_config  # noqa: PLC0415
    from astratrade_shell.service.logs import configure_logging  # noqa: PLC0415

    if demo and flags.get("store") is None:
        import tempfile  # noqa: PLC0415

        flags["store"] = f"{tempfile.mkdtemp(prefix='astratrade-demo-')}/events.db"
    loaded = load_config(file=config_file, flags=flags)
    if isinstance(loaded, Failure):
        raise CliFailure.of(loaded.failure())
    config = loaded.unwrap()
    configure_logging(config.log_level)
    app = build(config)
    simulation = _demo(app, config, demo_users, demo_days, demo_pace) if demo else None
    try:
        uvicorn.run(app, host=config.host, port=config.port, log_config=None,
                    timeout_graceful_shutdown=10)
    finally:
        if simulation is not None:
            simulation.stop()


def _demo(app: Any, config: Any, users: int, days: int, pace: float) -> Any:
    """Register the demo's admin, start the simulation, print the dashboard's address."""
    from astratrade_shell.community import CommunityConfig  # noqa: PLC0415
    from astratrade_shell.service.demo import DemoSimulation, register_admin  # noqa: PLC0415

    platform = app.state.platform
    key = register_admin(platform)
    if isinstance(key, Failure):
        raise CliFailure.of(key.failure())
    simulation = DemoSimulation(platform, CommunityConfig(users=users, days=days), pace_s=pace)
    simulation.start()
    click.echo(f"Store:     {config.store}\n"
               f"Dashboard: http://{config.host}:{config.port}/dashboard"
               f"#key={key.unwrap()}&account=trader-01")
    return simulation


def build(config: Any) -> Any:
    """The ASGI app for ``config`` (a ``CliFailure`` if the platform cannot open)."""
    from astratrade_shell.service.app import create_app  # noqa: PLC0415
    from astratrade_shell.service.platform import open_platform  # noqa: PLC0415

    opened = open_platform(config)
    if isinstance(opened, Failure):
        raise CliFailure.of(opened.failure())
    return create_app(opened.unwrap())
