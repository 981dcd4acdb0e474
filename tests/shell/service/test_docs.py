"""docs/api.md's curl examples run against a real server (``astratrade serve`` in a
subprocess on a free loopback port) and print what the page says they print."""

from __future__ import annotations

import itertools
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.shell.service.support import TEST_SCRYPT_N, bootstrap

DOC = Path(__file__).resolve().parents[3] / "docs" / "api.md"
BLOCK = re.compile(r"```(sh|json|text)\n(.*?)```", re.S)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    work = tmp_path_factory.mktemp("docs")
    store = work / "events.db"
    admin = bootstrap(store)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "astratrade_shell.cli", "serve", "--store", str(store),
         "--port", str(port)],
        env={**os.environ, "ASTRATRADE_SCRYPT_N": str(TEST_SCRYPT_N)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the server did not start: {process.communicate()[1][-2000:]}")
            time.sleep(0.1)
    yield url, admin, work
    process.terminate()   # graceful shutdown: requests finish, the store closes, it exits
    _, err = process.communicate(timeout=20)
    assert process.returncode in (0, -15), err[-2000:]   # uvicorn re-raises the signal
    assert '"message":"shutdown complete"' in err


def _matches(expected: Any, actual: Any) -> bool:
    if expected == "...":
        return True
    if isinstance(expected, dict) and isinstance(actual, dict):
        loose = expected.get("...") == "..."
        keys = set(expected) - {"..."}
        if not keys <= set(actual) or (not loose and set(actual) != keys):
            return False
        return all(_matches(expected[k], actual[k]) for k in keys)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            _matches(e, a) for e, a in zip(expected, actual, strict=True))
    return bool(expected == actual)


def _examples() -> list[tuple[str, str, str]]:
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    pairs = []
    for (kind, code), (out_kind, expected) in itertools.pairwise(blocks):
        if kind == "sh" and out_kind in ("json", "text") and "$API" in code:
            pairs.append((code, out_kind, expected))
    return pairs


def test_the_page_has_examples() -> None:
    assert len(_examples()) >= 8


def test_every_example_prints_what_the_page_says(server: tuple[str, str, Path]) -> None:
    url, admin, work = server
    for code, kind, expected in _examples():
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", code], check=False, cwd=work,
                              capture_output=True, text=True, timeout=60,
                              env={**os.environ, "API": url, "ADMIN_KEY": admin,
                                   "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"})
        assert done.returncode == 0, (code, done.stderr)
        if kind == "json":
            assert _matches(json.loads(expected), json.loads(done.stdout)), (code, done.stdout)
        else:
            assert done.stdout.splitlines() == expected.strip().splitlines(), (code, done.stdout)
