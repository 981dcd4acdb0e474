"""Packaging for users' CI: the editable install is visible to mypy from any directory, and
the ``testing`` extra holds what ``astratrade_core.testing`` imports."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

USER_SCRIPT = '''\
from decimal import Decimal

from hypothesis import given

from astratrade_core.numeric import quantize, Rounding
from astratrade_core.testing import decimals


@given(decimals(places=4))
def test_rounding_down_never_rounds_up(value: Decimal) -> None:
    assert quantize(value, 2, Rounding.FLOOR) <= value


def typed() -> Decimal:
    return quantize(Decimal("1.234"), 2, Rounding.HALF_UP)
'''


def test_mypy_strict_finds_the_package_from_another_directory(tmp_path: Path) -> None:
    script = tmp_path / "user_check.py"
    script.write_text(USER_SCRIPT)
    # run from the temporary directory, where no config or checkout is on the path
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         "--cache-dir", str(tmp_path / ".mypy_cache"), "--config-file", "/dev/null",
         script.name],
        cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert "Cannot find implementation or library stub" not in result.stdout, result.stdout
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_testing_extra_installs_hypothesis() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    extras = project["project"]["optional-dependencies"]
    assert any(dep.startswith("hypothesis") for dep in extras["testing"])
    assert any(dep.startswith("matplotlib") for dep in extras["dev"])
    assert any(dep.startswith("matplotlib") for dep in extras["report"])
