"""``astratrade serve --demo``: the community simulation runs inside the service against its
store and bus, so the read models, the WebSocket channels and the dashboard's queries move
while it runs; HTTP commands interleave with it; shutdown stops it between two commands."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from astratrade_shell.cli.main import cli
from astratrade_shell.community import CommunityConfig
from astratrade_shell.service.app import create_app
from astratrade_shell.service.demo import DemoSimulation, register_admin
from astratrade_shell.service.platform import open_platform
from tests.shell.service.support import config_for


def test_the_simulation_feeds_the_service(tmp_path: Path) -> None:
    platform = open_platform(config_for(tmp_path / "demo.db")).unwrap()
    app = create_app(platform)
    key = register_admin(platform).unwrap()
    auth = {"Authorization": f"Bearer {key}"}
    channels = "/v1/stream?channels=leaderboard,account:trader-01"
    with TestClient(app) as client:
        with client.websocket_connect(channels, headers=auth) as ws:
            assert json.loads(ws.receive_text())["type"] == "live"
            simulation = DemoSimulation(platform, CommunityConfig(users=6, days=6), pace_s=0)
            simulation.start()
            assert json.loads(ws.receive_text())["type"] == "event"   # pushed while running
            assert simulation.finished.wait(60)
        assert simulation.error is None
        with client.websocket_connect(f"{channels}&from=0", headers=auth) as ws:
            replayed = []
            while (message := json.loads(ws.receive_text()))["type"] == "event":
                replayed.append(message["channel"])
        assert set(replayed) == {"leaderboard", "account:trader-01"}
        board = client.get("/v1/leaderboards/xp-all-time", headers=auth).json()["rows"]
        assert board and board[0]["user_id"].startswith("trader-")
        curve = client.get("/v1/dashboard/accounts/trader-01", headers=auth).json()
        assert len(curve["equity"]) > 3
        assert client.get("/dashboard").status_code == 200


def test_shutdown_stops_the_simulation_between_commands(tmp_path: Path) -> None:
    platform = open_platform(config_for(tmp_path / "demo.db")).unwrap()
    simulation = DemoSimulation(platform, CommunityConfig(users=4, days=30), pace_s=0.01)
    simulation.start()
    simulation.stop()
    assert simulation.finished.is_set() and simulation.error is None
    platform.close()


def test_serve_documents_the_demo() -> None:
    shown = CliRunner().invoke(cli, ["serve", "--help"]).output
    assert "--demo" in shown and "dashboard" in shown
