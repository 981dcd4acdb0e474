"""``scripts/services.sh`` from a checkout in a private (0700) directory, as CI and a home
directory have it (issue 13: ``initdb`` as ``postgres`` could not reach the state directory
inside such a checkout, so ``make test`` failed there).

The script is copied into a fresh ``mktemp -d`` tree exactly where a clone would hold it (it
finds its state directory from its own path), started on a private pair of ports, used,
stopped and purged.  This is the part of ``make test`` that depended on the checkout's
permissions; the rest of the suite does not look at them.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "services.sh"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def private_checkout() -> Iterator[tuple[Path, dict[str, str]]]:
    base = Path(tempfile.mkdtemp(prefix="astratrade-0700-"))
    assert stat.S_IMODE(base.stat().st_mode) == 0o700
    checkout = base / "clone"
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy2(SCRIPT, checkout / "scripts" / "services.sh")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("ASTRATRADE_")}
    env |= {"ASTRATRADE_PG_PORT": str(_free_port()),
            "ASTRATRADE_REDIS_PORT": str(_free_port())}
    try:
        yield checkout, env
    finally:
        _services(checkout, env, "purge")
        shutil.rmtree(base)


def _services(checkout: Path, env: dict[str, str],
              command: str) -> subprocess.CompletedProcess[str]:
    # run from inside the checkout, as `make` does
    return subprocess.run(["bash", str(checkout / "scripts" / "services.sh"), command],
                          capture_output=True, text=True, env=env, timeout=180, check=False,
                          cwd=checkout)


def test_the_servers_start_from_a_checkout_in_a_0700_directory(
        private_checkout: tuple[Path, dict[str, str]]) -> None:
    checkout, env = private_checkout
    started = _services(checkout, env, "start")
    assert (started.returncode, started.stderr) == (0, "")  # not even a warning
    assert _services(checkout, env, "status").returncode == 0
    urls = dict(line.split("=", 1) for line in _services(checkout, env, "env").stdout.split())
    with psycopg.connect(urls["ASTRATRADE_PG_URL"], autocommit=True) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == ("astratrade",)
    assert redis.Redis.from_url(urls["ASTRATRADE_REDIS_URL"]).ping()
    where = dict(line.split(" ", 1) for line in
                 _services(checkout, env, "where").stdout.splitlines())
    pg_home = Path(where["postgresql"])
    if os.getuid() == 0:  # the server runs as postgres: its state is outside the checkout
        assert not pg_home.is_relative_to(checkout.parent)
        assert pg_home.owner() == "postgres"
    else:
        assert pg_home.is_relative_to(checkout)
    assert _services(checkout, env, "start").returncode == 0  # idempotent
    stopped = _services(checkout, env, "stop")
    assert (stopped.returncode, stopped.stderr) == (0, "")
    assert _services(checkout, env, "status").returncode != 0
    assert _services(checkout, env, "purge").returncode == 0
    assert not pg_home.exists()


def test_the_newest_installed_postgresql_is_chosen(tmp_path: Path) -> None:
    for version in ("9.6", "15", "16"):  # plain sorting would pick 9.6
        initdb = tmp_path / version / "bin" / "initdb"
        initdb.parent.mkdir(parents=True)
        initdb.write_text("#!/bin/sh\n")
        initdb.chmod(0o755)
    env = {"PATH": os.environ["PATH"], "ASTRATRADE_PG_LIB": str(tmp_path),
           "ASTRATRADE_SERVICES_DIR": str(tmp_path / "state")}
    found = subprocess.run(["bash", str(SCRIPT), "where"], capture_output=True, text=True,
                           env=env, timeout=30, check=True)
    assert found.stdout.splitlines()[0] == f"postgresql-bin {tmp_path / '16' / 'bin'}"
