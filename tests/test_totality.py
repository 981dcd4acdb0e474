"""Totality of the core's whole public API.

Every public function of every core module's ``__all__`` (the ``testing`` strategies aside)
and every public method or smart constructor of a public class that returns a ``Result`` is
called, from its signature, with hostile values of its declared types
(:func:`~astratrade_core.testing.strategies.hostile_values`): NaN, sNaN, infinities, ``-0``,
``1E+999999`` and ``1E-999999`` and thousand-digit Decimals; ``10**5000``, ``-2**300``,
floats and booleans where an ``int`` is declared; text (empty, long, non-ASCII, Unicode
digits) and floats where a ``Decimal`` is declared; empty and long sequences.  Value types,
commands and states come from :func:`~astratrade_core.testing.value_types.value_types` (each
public class has a registered strategy; this test fails for one that has none).

Each call must

- return a ``Result`` -- never raise;
- never return a ``Success`` holding a float, a non-finite Decimal, or an attrs value whose
  ``Decimal`` or ``int`` field holds something else (the value a later ``encode`` or
  ``replay`` chokes on), and every event in it must encode;
- answer within :data:`DEADLINE` seconds: inputs that would take minutes (a ratio of
  ``1E+999999``, a million units) are refused by documented bounds, not computed.

The ci profile draws 200 examples per function; the dev profile 25.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import signal
import time
import typing
from collections.abc import Callable, Iterator
from decimal import Decimal
from types import FrameType
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyrsistent import PMap, PSet, PVector
from returns.maybe import Some
from returns.result import Failure, Result, Success

import astratrade_core
from astratrade_core import aggregate, errors
from astratrade_core.aggregate import Stream
from astratrade_core.errors import DomainError
from astratrade_core.events import encode
from astratrade_core.events.envelope import Event
from astratrade_core.gamification import PlayerCommand
from astratrade_core.testing.strategies import hostile_values
from astratrade_core.testing.value_types import public_types, register_strategies, value_types

#: Seconds a call may take (one call; the machine may be loaded).
DEADLINE = 2.0
EXAMPLES = 200 if settings().max_examples >= 200 else 25

register_strategies()


def _modules() -> list[Any]:
    found = [astratrade_core]
    for info in pkgutil.walk_packages(astratrade_core.__path__, "astratrade_core."):
        if info.name.startswith("astratrade_core.testing"):
            continue
        module = importlib.import_module(info.name)
        if hasattr(module, "__all__"):
            found.append(module)
    return found


MODULES = _modules()


def _returns_result(function: Callable[..., object]) -> bool:
    hint = typing.get_type_hints(function).get("return")
    return typing.get_origin(hint) is Result or hint is Result


def _through_instance(attr: str, declared: Callable[..., object]) -> Callable[..., object]:
    @functools.wraps(declared)
    def call(self: object, *args: object, **kwargs: object) -> object:
        method: Callable[..., object] = getattr(self, attr)
        return method(*args, **kwargs)
    return call


def _calls() -> dict[str, tuple[Callable[..., object], type | None]]:
    """``name -> (function, class of self or None)`` for every Result-returning callable."""
    found: dict[str, tuple[Callable[..., object], type | None]] = {}
    seen: set[object] = set()
    for module in MODULES:
        for name in module.__all__:
            item = getattr(module, name)
            if inspect.isfunction(item) and item not in seen:
                seen.add(item)
                if _returns_result(item):
                    found[f"{item.__module__}.{item.__qualname__}"] = (item, None)
            elif inspect.isclass(item) and item not in seen:
                seen.add(item)
                for attr, raw in vars(item).items():
                    if attr.startswith("_"):
                        continue
                    if isinstance(raw, classmethod | staticmethod):
                        if inspect.isfunction(raw.__func__) and _returns_result(raw.__func__):
                            found[f"{item.__module__}.{item.__qualname__}.{attr}"] = (
                                getattr(item, attr), None)
                    elif inspect.isfunction(raw) and _returns_result(raw):
                        # called through the drawn instance: a protocol's method runs the
                        # implementation's
                        found[f"{item.__module__}.{item.__qualname__}.{attr}"] = (
                            _through_instance(attr, raw), item)
    return found


CALLS = _calls()

_RESULTS = st.one_of((st.integers() | st.text(max_size=8)).map(Success),
                     st.builds(DomainError.invalid, st.text(max_size=8), st.text(max_size=8))
                     .map(Failure))
#: What each declared type draws: the value types, and any Result for ``collect``.
TABLE: dict[object, st.SearchStrategy[Any]] = dict(value_types())
TABLE[Result[Any, DomainError]] = _RESULTS
TABLE[typing.get_args(typing.get_type_hints(errors.collect_all)["results"])[0]] = _RESULTS


def _handle_arguments() -> st.SearchStrategy[tuple[list[Any], dict[str, Any]]]:
    """``handle(aggregate, stream, command)``: a reachable stream and a command of its type."""
    def for_machine(machine: aggregate.Aggregate[Any, Any],
                    ) -> st.SearchStrategy[tuple[list[Any], dict[str, Any]]]:
        decide_hints = typing.get_type_hints(machine.decide)
        names = list(inspect.signature(machine.decide).parameters)
        state = TABLE[type(machine.initial)]
        command = hostile_values(decide_hints.get(names[1], PlayerCommand), TABLE)
        stream = st.tuples(state, st.integers(0, 3)).map(
            lambda pair: Stream(pair[0], pair[1]))
        return st.tuples(stream, command).map(lambda p: ([machine, p[0], p[1]], {}))

    machines = [m for m in vars(astratrade_core).values() if isinstance(m, aggregate.Aggregate)]
    for module in MODULES:
        machines += [getattr(module, n) for n in module.__all__
                     if isinstance(getattr(module, n), aggregate.Aggregate)]
    unique = list({id(m): m for m in machines}.values())
    return st.one_of([for_machine(m) for m in unique])


SPECIAL: dict[str, Callable[[], st.SearchStrategy[tuple[list[Any], dict[str, Any]]]]] = {
    "astratrade_core.aggregate.handle": _handle_arguments,
}


def _arguments(name: str) -> st.SearchStrategy[tuple[list[Any], dict[str, Any]]]:
    if name in SPECIAL:
        return SPECIAL[name]()
    function, owner = CALLS[name]
    hints = typing.get_type_hints(function)
    positional: list[st.SearchStrategy[Any]] = []
    extra: st.SearchStrategy[list[Any]] = st.just([])
    keywords: dict[str, st.SearchStrategy[Any]] = {}
    more: st.SearchStrategy[dict[str, Any]] = st.just({})
    for index, parameter in enumerate(inspect.signature(function).parameters.values()):
        if index == 0 and owner is not None:
            positional.append(TABLE[owner])
            continue
        strategy = hostile_values(hints[parameter.name], TABLE)
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            keywords[parameter.name] = strategy
        elif parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            extra = st.lists(strategy, max_size=4)
        elif parameter.kind is inspect.Parameter.VAR_KEYWORD:
            more = st.dictionaries(st.text(max_size=12), strategy, max_size=6)
        else:
            positional.append(strategy)
    return st.tuples(st.tuples(*positional), extra, st.fixed_dictionaries(keywords), more).map(
        lambda p: ([*p[0], *p[1]], {**p[3], **p[2]}))


_STRATEGIES: dict[str, st.SearchStrategy[tuple[list[Any], dict[str, Any]]]] = {}


def _strategy(name: str) -> st.SearchStrategy[tuple[list[Any], dict[str, Any]]]:
    if name not in _STRATEGIES:
        _STRATEGIES[name] = _arguments(name)
    return _STRATEGIES[name]


def _problems(value: object, where: str = "value") -> Iterator[str]:
    """What a Success must not hold: floats, non-finite Decimals, attrs fields whose value is
    not of the declared ``Decimal`` or ``int`` type, events that do not encode."""
    if isinstance(value, float):
        yield f"{where} is the float {value!r}"
    elif isinstance(value, Decimal):
        if not value.is_finite():
            yield f"{where} is {value!r}"
    elif isinstance(value, tuple | list | PVector | frozenset | PSet | set):
        for n, item in enumerate(value):
            yield from _problems(item, f"{where}[{n}]")
    elif isinstance(value, Some):
        yield from _problems(value.unwrap(), f"{where}.unwrap()")
    elif isinstance(value, PMap | dict):
        for key, item in value.items():
            yield from _problems(key, f"{where} key")
            yield from _problems(item, f"{where}[{key!r}]")
    elif attrs.has(type(value)):
        hints = typing.get_type_hints(type(value))
        for field in attrs.fields(typing.cast(Any, type(value))):
            item = getattr(value, field.name)
            hint = hints.get(field.name)
            if hint is Decimal and not isinstance(item, Decimal):
                yield f"{where}.{field.name} is {type(item).__name__}, not Decimal"
            if hint is int and (isinstance(item, bool) or not isinstance(item, int)):
                yield f"{where}.{field.name} is {type(item).__name__}, not int"
            yield from _problems(item, f"{where}.{field.name}")
        if isinstance(value, Event):
            try:
                encode(value)
            except Exception as error:
                yield f"{where} does not encode: {error!r}"


class _Overrun(BaseException):
    """Raised by the interval timer into a call that outlives its deadline."""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise _Overrun


def test_every_public_class_has_a_registered_strategy() -> None:
    # every class in a core module's __all__ (and every event type) is in the table, and
    # st.from_type draws from it
    classes = {item for module in MODULES for item in map(module.__dict__.get, module.__all__)
               if inspect.isclass(item) and item.__module__.startswith("astratrade_core")}
    missing = sorted(c.__qualname__ for c in classes if c not in value_types())
    assert missing == []
    assert set(public_types()) >= classes


def test_every_result_returning_function_is_covered() -> None:
    # a new function joins the hunt by itself, and fails here if a parameter type has no
    # strategy
    assert len(CALLS) >= 200, len(CALLS)
    for name in CALLS:
        _strategy(name).example  # noqa: B018 - builds the strategy (LookupError if unmapped)


@pytest.mark.parametrize("name", sorted(CALLS))
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_returns_a_result_for_every_value_of_its_declared_types(name: str,
                                                                data: st.DataObject) -> None:
    function = CALLS[name][0]
    args, kwargs = data.draw(_strategy(name), label="arguments")
    previous = signal.signal(signal.SIGALRM, _interrupt)
    signal.setitimer(signal.ITIMER_REAL, DEADLINE)
    started = time.perf_counter()
    try:
        result = function(*args, **kwargs)
    except _Overrun:
        pytest.fail(f"{name} ran past {DEADLINE} s")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    elapsed = time.perf_counter() - started
    assert elapsed < DEADLINE, f"{name} took {elapsed:.2f} s"
    match result:
        case Failure(error):
            assert isinstance(error, DomainError) or name.endswith("verify_chain"), error
        case Success(value):
            problems = list(_problems(value))
            assert problems == [], problems
        case _:
            raise AssertionError(f"{name} returned {result!r}, not a Result")
