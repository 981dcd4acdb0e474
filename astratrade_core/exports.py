"""Lazy re-exports for the package ``__init__`` modules (PEP 562 module ``__getattr__``).

A package's ``__init__`` lists where each public name is defined; :func:`lazy` returns the
module's ``__getattr__`` and ``__dir__``: the first use of a name imports its module and keeps
the value in the package's namespace, so ``import astratrade_core`` (or
``astratrade_core.trading``) imports nothing it does not need.  The ``__init__`` also imports
every name under ``TYPE_CHECKING`` (assigned ``False`` there, as importing :mod:`typing` costs
time), so type checkers see the same names and types, and defines the pair under ``if not
TYPE_CHECKING`` so that they do not read an unknown attribute as ``Any``.

>>> getter, lister = lazy("astratrade_core", {"Decimal": "decimal"}, ("numeric",))
>>> getter("numeric").__name__, "Decimal" in lister()
('astratrade_core.numeric', True)
>>> getter("nothing")
Traceback (most recent call last):
...
AttributeError: module 'astratrade_core' has no attribute 'nothing'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping

__all__ = ["lazy"]


def lazy(package: str, sources: Mapping[str, str], modules: Iterable[str] = (),
         ) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: ``sources`` maps each public name to the
    module defining it; ``modules`` are submodules reachable as attributes (``ac.trading``)."""
    submodules = frozenset(modules)

    def __getattr__(name: str) -> object:  # noqa: N807 - the PEP 562 hook
        source = sources.get(name)
        if source is not None:
            value = getattr(importlib.import_module(source), name)
        elif name in submodules:
            value = importlib.import_module(f"{package}.{name}")
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(importlib.import_module(package), name, value)  # found directly next time
        return value

    def __dir__() -> list[str]:  # noqa: N807 - the PEP 562 hook
        return sorted(set(vars(importlib.import_module(package))) | set(sources) | submodules)

    return __getattr__, __dir__
