"""The live dashboard in a real browser: Debian's Chromium (installed by scripts/chromium.sh
when absent), headless, driven by Playwright with its own executable -- no browser download.
The page opens on a real uvicorn on loopback; a deposit and an XP award sent over HTTP /
appended must appear on the page within one second, and the panels fill from the API."""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, sync_playwright

from astratrade_core.events import encode
from astratrade_core.events.gamification import XPGained
from astratrade_shell.service.app import create_app
from astratrade_shell.service.platform import open_platform
from astratrade_shell.store import PendingEvent
from tests.shell.service.support import bootstrap, config_for, uvicorn_serving

ROOT = Path(__file__).resolve().parents[3]
#: The project's Chromium flags (the report's browser test uses the same).
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def chromium() -> str:
    installed = subprocess.run([str(ROOT / "scripts" / "chromium.sh")], capture_output=True,
                               text=True, check=True, timeout=900)
    return installed.stdout.strip().splitlines()[-1]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Any, str, str]]:
    """A served app: base URL, app, the admin key, a trader's (ann's) key."""
    store = tmp_path / "events.db"
    admin = bootstrap(store)
    app = create_app(open_platform(config_for(store)).unwrap())
    with uvicorn_serving(app) as port:
        base = f"http://127.0.0.1:{port}"
        auth = {"Authorization": f"Bearer {admin}"}
        assert httpx.post(f"{base}/v1/users", headers=auth, json={
            "user_id": "ann", "display_name": "Ann"}).status_code == 201
        key = httpx.post(f"{base}/v1/users/ann/keys", headers=auth,
                         json={"scopes": ["read", "trade"]}).json()["key"]
        yield base, app, admin, key


@pytest.fixture
def browser_page(chromium: str) -> Iterator[Page]:
    with tempfile.TemporaryDirectory(prefix="astratrade-chromium-") as profile, \
            sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=FLAGS)
        try:
            yield context.new_page()
        finally:
            context.close()


def _appears(page: Page, selector: str, text: str) -> float:
    """Seconds until ``text`` is in ``selector`` (fails after 1 s)."""
    started = time.monotonic()
    page.wait_for_function(
        "([s, t]) => document.querySelector(s).textContent.includes(t)", arg=[selector, text],
        timeout=1000, polling="raf")
    return time.monotonic() - started


def test_a_deposit_and_an_award_appear_within_a_second(site: tuple[str, Any, str, str],
                                                        browser_page: Page) -> None:
    base, app, _, key = site
    page = browser_page
    page.goto(f"{base}/dashboard#key={key}&account=ann")
    page.wait_for_function("document.getElementById('status').textContent === 'live'",
                           timeout=10_000)
    assert "operator" in (page.text_content("#revenue-summary") or "")   # a trader sees no revenue
    deposited = httpx.post(f"{base}/v1/accounts/ann/deposits",
                           headers={"Authorization": f"Bearer {key}"},
                           json={"currency": "USD", "amount": "777.77"})
    assert deposited.status_code == 200, deposited.text
    assert _appears(page, "#feed", "FundsDeposited 777.77") < 1.0
    assert _appears(page, "#equity-last", "777.77") < 1.0   # the curve was re-read
    award = XPGained(event_id="x1", stream_id="player:ann",
                     occurred_at=datetime(2026, 1, 1, tzinfo=UTC), user_id="ann", amount=40,
                     reason="test", source_id="s1", total_xp=40)
    platform = app.state.platform
    with platform.writing:
        appended = platform.store.append("player:ann", [PendingEvent(
            award.event_id, award.event_type, award.schema_version, encode(award))], 0)
        platform.bus.publish(appended.unwrap().records)
    assert _appears(page, "#leaderboard", "ann") < 1.0
    assert "40" in (page.text_content("#leaderboard") or "")
