"""Totality of the numeric, money, instrument, trading and portfolio APIs.

Every public function (or smart constructor, or method) of these packages that returns a
``Result`` is called, from its signature, with hostile values of its declared types: NaN,
sNaN, infinities, ``-0``, exponents beyond the context's limits and thousand-digit Decimals;
huge integers, floats and booleans where an ``int`` is declared; strings (empty, long,
non-ASCII, Unicode digits) and floats where a ``Decimal`` is declared.  Value types
(``Instrument``, ``Money``, a portfolio state) are drawn valid: their invariants are their
constructors' business.  Each call must return a ``Result`` (never raise), never a
``Success`` holding a float or a non-finite number, and answer within a second.
"""

from __future__ import annotations

import importlib
import inspect
import time
import typing
from collections.abc import Callable
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyrsistent.typing import PMap
from returns.maybe import Some
from returns.result import Failure, Result, Success

from astratrade_core import instrument, money, numeric
from astratrade_core.errors import DomainError
from astratrade_core.instrument import Instrument, MarginTier
from astratrade_core.money import Currency, Money
from astratrade_core.portfolio import Command, PortfolioState
from astratrade_core.risk.limits import RiskPolicy
from astratrade_core.testing import (
    currencies,
    hostile_commands,
    hostile_values,
    instruments,
    margin_tier_sets,
    portfolio_states,
    positions,
)
from astratrade_core.testing.strategies import money as money_values
from astratrade_core.trading import fills, margin, pnl, sizing, stops
from astratrade_core.trading.pnl import Position

MODULES: tuple[ModuleType, ...] = (
    numeric, money, instrument, pnl, fills, margin, sizing, stops,
    importlib.import_module("astratrade_core.portfolio.decide"),  # `decide` names the function
)

#: Valid values of the value types (hostile ones are their constructors' concern).
KNOWN: dict[object, st.SearchStrategy[Any]] = {
    Currency: currencies(),
    Money: money_values(),
    Instrument: instruments(),
    tuple[MarginTier, ...]: margin_tier_sets() | st.just(()),
    Position: positions(),
    PortfolioState: portfolio_states(max_commands=6),
    Command: hostile_commands(),
    RiskPolicy: st.builds(RiskPolicy, max_leverage=st.decimals(1, 100, places=2)),
}


def _returns_result(function: Callable[..., object]) -> bool:
    hint = typing.get_type_hints(function).get("return")
    return typing.get_origin(hint) is Result or hint is Result


def _calls() -> dict[str, tuple[Callable[..., object], type | None]]:
    """``name -> (function, class of self or None)`` for every Result-returning callable."""
    found: dict[str, tuple[Callable[..., object], type | None]] = {}
    for module in MODULES:
        for name in module.__all__:
            item = getattr(module, name)
            if inspect.isfunction(item) and _returns_result(item):
                found[f"{module.__name__}.{name}"] = (item, None)
            elif inspect.isclass(item) and item.__module__ == module.__name__:
                for attr, raw in vars(item).items():
                    if attr.startswith("_"):
                        continue
                    if isinstance(raw, classmethod) and _returns_result(raw.__func__):
                        found[f"{module.__name__}.{name}.{attr}"] = (getattr(item, attr), None)
                    elif inspect.isfunction(raw) and _returns_result(raw):
                        found[f"{module.__name__}.{name}.{attr}"] = (raw, item)
    return found


CALLS = _calls()


def _arguments(function: Callable[..., object], owner: type | None,
               ) -> st.SearchStrategy[tuple[list[Any], dict[str, Any]]]:
    hints = typing.get_type_hints(function)
    positional: list[st.SearchStrategy[Any]] = []
    keywords: dict[str, st.SearchStrategy[Any]] = {}
    for index, parameter in enumerate(inspect.signature(function).parameters.values()):
        if index == 0 and owner is not None:
            positional.append(KNOWN[owner])
            continue
        strategy = hostile_values(hints[parameter.name], KNOWN)
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            keywords[parameter.name] = strategy
        else:
            positional.append(strategy)
    return st.tuples(st.tuples(*positional).map(list), st.fixed_dictionaries(keywords))


def _leaves(value: object) -> list[object]:
    """The scalar leaves of a Success's value (through tuples, Maybe, maps, attrs values)."""
    if isinstance(value, tuple | list):
        return [leaf for item in value for leaf in _leaves(item)]
    if isinstance(value, Some):
        return _leaves(value.unwrap())
    if isinstance(value, PMap):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    fields = getattr(type(value), "__attrs_attrs__", None)
    if fields is not None:
        return [leaf for f in fields for leaf in _leaves(getattr(value, f.name))]
    return [value]


def test_every_result_returning_function_is_covered() -> None:
    # the hunt covers each package's whole Result-returning surface; a new function joins it
    # automatically (and fails here if its parameter types have no hostile strategy)
    assert len(CALLS) >= 25, sorted(CALLS)
    for name, (function, owner) in CALLS.items():
        _arguments(function, owner)  # raises LookupError for an unmapped type
        assert name


@pytest.mark.parametrize("name", sorted(CALLS))
@settings(suppress_health_check=[HealthCheck.too_slow])  # examples: the profile's (ci: 400)
@given(data=st.data())
def test_returns_a_result_for_every_value_of_its_declared_types(name: str,
                                                                data: st.DataObject) -> None:
    function, owner = CALLS[name]
    args, kwargs = data.draw(_arguments(function, owner))
    started = time.perf_counter()
    result = function(*args, **kwargs)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"{name} took {elapsed:.2f} s"
    match result:
        case Failure(error):
            assert isinstance(error, DomainError)
        case Success(value):
            for leaf in _leaves(value):
                assert not isinstance(leaf, float), (name, value)
                assert not isinstance(leaf, Decimal) or leaf.is_finite(), (name, value)
        case _:
            raise AssertionError(f"{name} returned {result!r}, not a Result")
