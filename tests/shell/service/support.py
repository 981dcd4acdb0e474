"""A service on a fresh SQLite store for tests: a bootstrapped admin, helpers to register
users with keys, and a client that sends a key.  Key verifiers use a tiny scrypt cost
(``n = 16``) so tests stay fast; the verifier format and the code path are the real ones."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner
from fastapi.testclient import TestClient

from astratrade_shell.cli.main import cli
from astratrade_shell.service.app import create_app
from astratrade_shell.service.config import ServiceConfig, load_config
from astratrade_shell.service.platform import open_platform

#: scrypt cost used by test keys.
TEST_SCRYPT_N = 16


def bootstrap(store: Path, user: str = "root") -> str:
    """Run ``astratrade users bootstrap``; the admin's key."""
    result = CliRunner().invoke(cli, ["users", "bootstrap", "--store", str(store), "--user",
                                      user, "--scrypt-n", str(TEST_SCRYPT_N)])
    assert result.exit_code == 0, result.output
    key = result.output.strip()
    assert key.startswith(f"atk_{user}_")
    return key


class Service:
    """A running app (in-process), its admin key and helpers."""

    def __init__(self, client: TestClient, admin_key: str) -> None:
        self.client = client
        self.admin_key = admin_key

    def call(self, method: str, path: str, key: str | None, *, json: Any = None,
             headers: Mapping[str, str] | None = None, params: Any = None) -> httpx.Response:
        """One request with ``key`` as the bearer token (None: no Authorization)."""
        sent = dict(headers or {})
        if key is not None:
            sent["Authorization"] = f"Bearer {key}"
        response: httpx.Response = self.client.request(method, path, json=json, headers=sent,
                                                       params=params)
        return response

    def user(self, user_id: str, role: str = "trader",
             scopes: tuple[str, ...] | None = None) -> str:
        """Register ``user_id`` with ``role`` and issue a key (all the role's scopes unless
        given); the key."""
        made = self.call("POST", "/v1/users", self.admin_key,
                         json={"user_id": user_id, "display_name": user_id.title(),
                               "role": role})
        assert made.status_code == 201, made.text
        wanted = scopes or {"trader": ("read", "trade", "social", "commerce"),
                            "operator": ("read", "trade", "social", "commerce", "operate"),
                            "admin": ("read", "trade", "social", "commerce", "operate",
                                      "admin")}[role]
        issued = self.call("POST", f"/v1/users/{user_id}/keys", self.admin_key,
                           json={"scopes": list(wanted)})
        assert issued.status_code == 201, issued.text
        key: str = issued.json()["key"]
        return key


def config_for(store: Path, **settings: Any) -> ServiceConfig:
    """The service settings for a store in a test."""
    return load_config(environ={}, flags={"store": str(store), "scrypt_n": TEST_SCRYPT_N,
                                          **settings}).unwrap()


@contextmanager
def uvicorn_serving(app: Any) -> Iterator[int]:
    """``app`` on a real uvicorn on a free loopback port (in a thread); the port."""
    import socket  # noqa: PLC0415
    import threading  # noqa: PLC0415
    import time  # noqa: PLC0415

    import uvicorn  # noqa: PLC0415

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None,
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def running(store: Path, **settings: Any) -> Iterator[Service]:
    """A bootstrapped service on ``store`` (closed afterwards)."""
    admin = bootstrap(store)
    app = create_app(open_platform(config_for(store, **settings)).unwrap())
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Service(client, admin)
