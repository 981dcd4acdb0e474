"""``astratrade worker``: a run against the real Redis server, and its error lines."""

from __future__ import annotations

from pathlib import Path

import redis
from click.testing import CliRunner

from astratrade_shell.bus.redis_streams import RedisStreamsBus
from astratrade_shell.cli import cli
from astratrade_shell.store import ANY_VERSION, open_sqlite_store
from tests.shell.bus.redis_fixtures import client, redis_url, unique_prefix, xp_event

__all__ = ["client", "unique_prefix"]  # the fixtures, re-exported for pytest


def test_a_worker_run_prints_its_summary(tmp_path: Path, client: redis.Redis,
                                         unique_prefix: str) -> None:
    path = tmp_path / "events.sqlite"
    store = open_sqlite_store(path).unwrap()
    bus = RedisStreamsBus(client, prefix=unique_prefix, store=store)
    bus.publish(store.append("u-1", [xp_event("u-1", n, 4) for n in range(3)],
                             ANY_VERSION).unwrap().records)
    store.close()
    result = CliRunner().invoke(cli, ["worker", "--projection", "players", "--store",
                                      str(path), "--redis", redis_url(), "--prefix",
                                      unique_prefix, "--idle-timeout", "0.2"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "projection=players position=3 applied=3 filled=0 duplicates=0 claimed=0 "
        "dead_lettered=0 rejected=0")


def test_bad_inputs_exit_2_with_one_error_line(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite"
    open_sqlite_store(path).unwrap().close()
    cases = [
        (["--projection", "nope", "--store", str(path), "--redis", redis_url()],
         "error: unknown projection 'nope'"),
        (["--projection", "players", "--store", str(tmp_path / "missing.sqlite"), "--redis",
          redis_url()], "error: store.missing"),
    ]
    for args, start in cases:
        result = CliRunner().invoke(cli, ["worker", *args])
        assert result.exit_code == 2, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith(start), lines


def test_an_unreachable_redis_is_exit_4(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite"
    open_sqlite_store(path).unwrap().close()
    result = CliRunner().invoke(cli, ["worker", "--projection", "players", "--store",
                                      str(path), "--redis", "redis://127.0.0.1:1/0"])
    assert result.exit_code == 4, result.output
    assert result.output.startswith("error: cannot reach Redis at redis://127.0.0.1:1/0")
