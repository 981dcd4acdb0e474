"""``import astratrade_core`` is lazy (module ``__getattr__``): it imports no subpackage, yet
every public name resolves, to the object its defining module holds."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

import astratrade_core

LAZY_PACKAGES = ("astratrade_core", "astratrade_core.defi", "astratrade_core.events",
                 "astratrade_core.gamification", "astratrade_core.revenue",
                 "astratrade_core.trading", "astratrade_core.users")


def _fresh(code: str) -> object:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def test_importing_the_core_imports_no_subpackage() -> None:
    loaded = _fresh("import sys, json, astratrade_core; print(json.dumps(sorted("
                    "m for m in sys.modules if m.startswith('astratrade_core.'))))")
    assert loaded == ["astratrade_core.exports"]


@pytest.mark.parametrize("package", LAZY_PACKAGES[1:])
def test_importing_a_subpackage_imports_none_of_its_modules(package: str) -> None:
    loaded = _fresh(f"import sys, json, {package}; print(json.dumps(sorted("
                    f"m for m in sys.modules if m.startswith('{package}.'))))")
    assert loaded == []


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_every_public_name_resolves_in_a_fresh_interpreter(package: str) -> None:
    missing = _fresh(f"import json, {package} as p; print(json.dumps("
                     "[n for n in p.__all__ if getattr(p, n, None) is None]))")
    assert missing == []


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_a_name_is_the_defining_module_s_object(package: str) -> None:
    module = importlib.import_module(package)
    for name in module.__all__:
        value = getattr(module, name)
        assert value is getattr(module, name)  # kept after the first lookup
        assert name in dir(module)


def test_subpackages_are_attributes_and_unknown_names_fail() -> None:
    assert astratrade_core.trading.calculate_pnl is astratrade_core.calculate_pnl
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        getattr(astratrade_core, "nothing")  # noqa: B009 - mypy knows it is not there
    fills = importlib.import_module("astratrade_core.trading.fills")
    assert astratrade_core.trading.fills is fills
    assert fills.apply_fill is astratrade_core.apply_fill
