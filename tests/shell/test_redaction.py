"""No secret reaches an output (issue 13): the one redaction function on every URL form, and
the CLI and the worker run for real with secrets in every URL -- every byte they print, on
stdout, stderr and in their log lines, is searched for them."""

from __future__ import annotations

import http.server
import logging
import os
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from astratrade_shell.bus.redis_streams import RedisStreamsBus, stream_key
from astratrade_shell.cli import cli
from astratrade_shell.exchanges.venue_access import REDACT, Credentials
from astratrade_shell.redaction import RedactingFilter, redact_text, redact_url, url_secrets
from astratrade_shell.starknet.rpc import RpcBackend, RpcConfig, RpcConfigError
from astratrade_shell.store import ANY_VERSION, open_sqlite_store
from tests.shell.bus.redis_fixtures import client, redis_url, unique_prefix, xp_event

__all__ = ["client", "unique_prefix"]  # the fixtures, re-exported for pytest

ROOT = Path(__file__).resolve().parents[2]

# Every secret below contains this marker; no output may contain it (or "S3cr" at all).
MARK = "S3cr"

URLS = {
    "redis password": "redis://default:S3cretRedis@cache.internal:6379/0",
    "redis password only": "redis://:S3cretRedis@cache.internal:6379/0",
    "rediss with @ in password": "rediss://app:S3cr@t!@cache.internal:6380/1",
    "postgres percent-encoded": "postgresql://app:S3cret%2Fpg%40x@db:5432/prod",
    "postgres invalid percent": "postgresql://app:S3cret%zz@db:5432/prod",
    "postgres query password": "postgresql://db:5432/prod?user=app&password=S3cretQuery",
    "libpq key=value": "host=db user=app password='S3cret with space' dbname=prod",
    "libpq bare": "host=db password=S3cretBare dbname=prod",
    "rpc key in path": "https://node.example/starknet/v0_7/S3cretKey0123456789abcdefXYZ",
    "rpc key in query": "https://node.example/rpc?apikey=S3cretApiKey&chain=main",
    "rpc token and userinfo": "https://user:S3cretUser@node.example/rpc?token=S3cretTok",
    "ipv6 host": "redis://u:S3cret6@[::1]:6379/0",
}


@pytest.mark.parametrize("url", URLS.values(), ids=URLS.keys())
def test_redact_url_hides_every_secret_and_keeps_the_rest(url: str) -> None:
    shown = redact_url(url)
    assert MARK not in shown and "***" in shown
    host = "node.example" if "node.example" in url else "db" if "db" in url else ""
    assert host in shown
    for secret in url_secrets(url):
        assert secret not in redact_text(f"x {secret} y {urllib.parse.quote(secret)}",
                                         url_secrets(url))


def test_text_without_secrets_is_unchanged() -> None:
    for text in ("no event store at /tmp/pytest-of-root/test_deleting_the_last_rows0/e.db",
                 "record at position 4: its hash does not match its content",
                 "projection=players position=5 applied=5 duplicates=0 dead_lettered=0",
                 "postgresql://astratrade@127.0.0.1:55432/astratrade",
                 "Key (position)=(3) already exists", "cannot connect: connection refused"):
        assert redact_text(text) == text


_SECRETS = st.text(st.characters(min_codepoint=33, max_codepoint=126,
                                 exclude_characters="@/?#&;'\" "), min_size=6, max_size=30)


@given(_SECRETS, st.sampled_from(["redis", "rediss", "postgresql", "postgres", "https"]))
def test_any_password_of_any_url_is_redacted(secret: str, scheme: str) -> None:
    for password in (secret, urllib.parse.quote(secret, safe="")):
        url = f"{scheme}://user:{password}@host.example:1234/db"
        shown = redact_text(f"cannot reach {url}: failed for {password}", url_secrets(url))
        assert password not in shown and urllib.parse.unquote(password) not in shown
        assert "host.example:1234/db" in shown


def test_the_logging_filter_redacts_messages_and_exceptions(
        caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("astratrade_shell.test_redaction")
    logger.addFilter(RedactingFilter(["S3cretKnown"]))
    try:
        raise ValueError("invalid token: S3cretKnown at redis://u:S3cretUrl@h/0")
    except ValueError:
        with caplog.at_level(logging.INFO, logger=logger.name):
            logger.exception("connecting to %s", "redis://u:S3cretUrl@h/0")
    assert MARK not in caplog.text and "connecting to redis://u:***@h/0" in caplog.text


def test_venue_credentials_and_rpc_configuration_never_show() -> None:
    credentials = Credentials(api_key="S3cretApiKey", secret="S3cretSigning")
    assert MARK not in repr(credentials)
    assert REDACT is not None and isinstance(REDACT, RedactingFilter)
    config = RpcConfig.from_mapping({
        "ASTRATRADE_STARKNET_RPC_URL": URLS["rpc token and userinfo"],
        "ASTRATRADE_STARKNET_ACCOUNT": "0x1", "ASTRATRADE_STARKNET_PRIVATE_KEY": "0x2"})
    assert MARK not in repr(config) and MARK not in repr(RpcBackend(config))
    with pytest.raises(RpcConfigError) as refused:
        RpcConfig.from_mapping({"ASTRATRADE_STARKNET_RPC_URL": "http://n",
                                "ASTRATRADE_STARKNET_PRIVATE_KEY": "S3cretNotAFelt"})
    assert MARK not in str(refused.value)


class _EchoNode(http.server.BaseHTTPRequestHandler):
    """A node that answers every request with an error quoting the URL it was sent to."""

    def do_POST(self) -> None:
        body = f"no route for {self.path} (host {self.headers['Host']})".encode()
        self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def echo_node() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EchoNode)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_an_rpc_error_that_quotes_the_url_is_redacted(echo_node: str) -> None:
    url = f"{echo_node}/v0_7/S3cretKey0123456789abcdefXYZ?apikey=S3cretApiKey"
    backend = RpcBackend(RpcConfig.from_mapping({"ASTRATRADE_STARKNET_RPC_URL": url}))
    try:
        outcome = backend.call(1, 2, [])
        shown = f"{outcome}"
    except ConnectionError as exc:
        shown = str(exc)
    assert "no route" in shown or "404" in shown, shown
    assert MARK not in shown, shown


# --- the command line and the worker, as real processes ---------------------------------


def _run(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "astratrade_shell.cli", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
                          env={**os.environ, **(env or {})})
    assert done.returncode != 3, (args, done.stderr)  # never an internal error
    return f"{done.stdout}\n{done.stderr}\n[exit {done.returncode}]"


def _with_password(url: str, password: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts._replace(netloc=f"{parts.username or 'default'}:{password}@"
                                 f"{parts.hostname}:{parts.port}").geturl()


def test_the_cli_and_the_worker_never_print_a_secret(tmp_path: Path, client: redis.Redis,
                                                      unique_prefix: str) -> None:
    store_path = tmp_path / "events.db"
    store = open_sqlite_store(store_path).unwrap()
    RedisStreamsBus(client, prefix=unique_prefix, store=store).publish(
        store.append("u-1", [xp_event("u-1", n, 5) for n in range(3)],
                     ANY_VERSION).unwrap().records)
    store.close()
    client.xadd(stream_key(unique_prefix, "gamification"), {"position": "abc"})
    # The test servers accept any password (Redis: nopass; PostgreSQL: trust), so URLs with
    # secrets work; others point at closed ports or are malformed.
    good_redis = _with_password(redis_url(), "S3cretRedisPass")
    pg = os.environ.get("ASTRATRADE_PG_URL", "postgresql://astratrade@127.0.0.1:55432/x")
    good_pg = _with_password(pg, "S3cretPgPass")
    bad_pg = "postgresql://app:S3cret%zzpg@127.0.0.1:1/x"
    down_pg = "postgresql://app:S3cretDown@127.0.0.1:1/x"
    worker = ["worker", "--projection", "players", "--prefix", unique_prefix,
              "--idle-timeout", "0.5", "--max-deliveries", "2"]
    outputs = {
        "worker run": _run(*worker, "--store", str(store_path), "--redis", good_redis),
        "worker redis from env": _run(*worker, "--store", str(store_path),
                                      env={"ASTRATRADE_REDIS_URL": good_redis}),
        "worker on postgres": _run(*worker, "--store", good_pg, "--schema", "secrets_test",
                                   "--redis", good_redis),
        "worker redis down": _run(*worker, "--store", str(store_path), "--redis",
                                  "redis://default:S3cretDown@127.0.0.1:1/0"),
        "worker redis malformed": _run(*worker, "--store", str(store_path), "--redis",
                                       "redis://default:S3cretBad@127.0.0.1:abc/0"),
        "worker postgres malformed": _run(*worker, "--store", bad_pg, "--redis", good_redis),
        "audit verify pg down": _run("audit", "verify", "--store", down_pg),
        "audit verify pg malformed": _run("audit", "verify", "--store", bad_pg),
        "audit head pg": _run("audit", "head", "--store", good_pg, "--schema", "secrets_test"),
        "audit migrate pg malformed": _run("audit", "migrate", "--store", bad_pg),
        "replay pg malformed": _run("replay", "--store", bad_pg),
        "replay pg": _run("replay", "--store", good_pg, "--schema", "secrets_test"),
    }
    for name, output in outputs.items():
        assert MARK not in output, (name, output)
    # The runs did happen: a summary, a dead-letter warning, refusals with hosts shown.
    assert "applied=3" in outputs["worker run"] and "rejected=1" in outputs["worker run"]
    assert "WARNING astratrade_shell.bus" in outputs["worker run"]
    assert "redis://default:***@127.0.0.1:1/0" in outputs["worker redis down"]
    assert "[exit 4]" in outputs["audit verify pg down"]
    assert "ok:" not in outputs["audit verify pg malformed"]
    assert outputs["audit head pg"].startswith("0:")
    import psycopg  # noqa: PLC0415

    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS secrets_test CASCADE")


def test_the_cli_redacts_its_arguments_secrets_from_any_error_line() -> None:
    """A backstop under every command's own redaction: a message that quotes an argument
    (here click's own usage error) never shows the secret an argument's URL carries."""
    result = CliRunner().invoke(cli, ["liquidation", "--side", URLS["redis password"],
                                      "--entry", "1", "--leverage", "2"])
    assert result.exit_code == 2
    assert "redis://default:***@" in result.output
    assert MARK not in result.output
