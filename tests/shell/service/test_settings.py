"""Configuration precedence, key handling and the rate limiter, worked by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from astratrade_shell.cli.main import cli
from astratrade_shell.service.auth import RateLimiter
from astratrade_shell.service.config import ServiceConfig, load_config
from astratrade_shell.service.keys import KeyHasher, new_key, parse_key
from tests.shell.service.support import TEST_SCRYPT_N, bootstrap


def test_flags_beat_the_environment_which_beats_the_file_which_beats_defaults(
        tmp_path: Path) -> None:
    file = tmp_path / "service.toml"
    file.write_text('port = 7000\nhost = "127.0.0.3"\nburst = 5\nstore = "file.db"\n')
    config = load_config(file=file, environ={"ASTRATRADE_PORT": "7100",
                                             "ASTRATRADE_BURST": "6"},
                         flags={"port": 7200, "host": None}).unwrap()
    assert (config.port, config.burst, config.host, config.store) == (
        7200, 6, "127.0.0.3", "file.db")
    assert config.rate_per_second == ServiceConfig().rate_per_second   # untouched: default
    via_env = load_config(environ={"ASTRATRADE_CONFIG": str(file)}).unwrap()
    assert via_env.port == 7000


def test_every_bad_setting_is_reported_at_once(tmp_path: Path) -> None:
    file = tmp_path / "service.toml"
    file.write_text("colour = 1\nscrypt_n = 1000\n")
    error = load_config(file=file, environ={"ASTRATRADE_PORT": "0",
                                            "ASTRATRADE_FEED": "maybe"}).failure()
    assert error.code == "config.invalid"
    for part in ("unknown setting 'colour'", "scrypt_n must be", "port must be",
                 "feed must be true or false"):
        assert part in error.message
    assert load_config(file=tmp_path / "missing.toml", environ={}).failure().code == \
        "config.file"


def test_cors_is_closed_unless_origins_are_listed() -> None:
    assert ServiceConfig().cors_origins == ()
    listed = load_config(environ={"ASTRATRADE_CORS_ORIGINS": "https://a.example, https://b"})
    assert listed.unwrap().cors_origins == ("https://a.example", "https://b")


def test_a_key_matches_only_its_verifier_and_never_shows_in_a_repr() -> None:
    hasher = KeyHasher(n=TEST_SCRYPT_N)
    issued = new_key("ann")
    verifier = hasher.verifier(issued.text)
    assert verifier.startswith(f"scrypt${TEST_SCRYPT_N}$8$1$")
    assert issued.text.split("_")[-1] not in verifier
    assert hasher.matches(issued.text, verifier)
    assert not KeyHasher(n=TEST_SCRYPT_N).matches(issued.text[:-1] + "x", verifier)
    assert not hasher.matches(issued.text, "scrypt$garbage")
    assert issued.text not in repr(issued)
    assert hasher.verifier(issued.text) != verifier   # a fresh salt each time
    assert parse_key(issued.text) == ("ann", issued.key_id)
    for bad in ("", "atk_Ann_0123456789abcdef_" + "A" * 43, "atk_ann_0123_" + "A" * 43,
                issued.text + "A", "x" * 500):
        assert parse_key(bad) is None


def test_the_bucket_refills_at_its_rate_up_to_its_burst() -> None:
    now = [100.0]
    limiter = RateLimiter(2.0, 3, clock=lambda: now[0])
    assert [limiter.take("k") for _ in range(3)] == [None, None, None]   # the burst
    assert limiter.take("k") == 0.5            # empty: one token comes in 1 / 2 s
    assert limiter.take("other") is None       # buckets are per key
    now[0] += 0.5
    assert limiter.take("k") is None           # exactly one token refilled
    now[0] += 100
    assert [limiter.take("k") for _ in range(4)][-1] == 0.5   # never more than the burst


def test_idle_buckets_are_forgotten_so_forged_key_ids_cannot_grow_memory(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("astratrade_shell.service.auth._MAX_BUCKETS", 100)
    now = [0.0]
    limiter = RateLimiter(10.0, 5, clock=lambda: now[0])
    for n in range(1_000):
        now[0] += 0.01
        limiter.take(f"forged{n}")
    assert len(limiter._buckets) <= 100


def test_bootstrap_refuses_a_second_time(tmp_path: Path) -> None:
    store = tmp_path / "e.db"
    bootstrap(store)
    again = CliRunner().invoke(cli, ["users", "bootstrap", "--store", str(store), "--user",
                                     "root", "--scrypt-n", "16"])
    assert again.exit_code == 1
    assert "users.exists" in again.output


def test_projections_status_and_rebuild(tmp_path: Path) -> None:
    store = tmp_path / "e.db"
    bootstrap(store)
    status = CliRunner().invoke(cli, ["projections", "status", "--store", str(store)])
    assert status.exit_code == 0 and "accounts   position=0 lag=3" in status.output
    rebuilt = CliRunner().invoke(cli, ["projections", "rebuild", "accounts", "--store",
                                       str(store)])
    assert rebuilt.exit_code == 0 and "rebuilt accounts from 3 events" in rebuilt.output
    after = CliRunner().invoke(cli, ["projections", "status", "--store", str(store)])
    assert "accounts   position=3 lag=0" in after.output
