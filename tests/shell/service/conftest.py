"""Fixtures: a fresh service per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.shell.service.support import Service, running


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    """A bootstrapped service on an empty SQLite store."""
    with running(tmp_path / "events.db") as started:
        yield started
