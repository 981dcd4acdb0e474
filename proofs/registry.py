"""The property registry: every machine-checked law, how it is checked, and its bounds.

A property is registered by decorating the function that checks it:

* :func:`z3_proof` - the function returns an :class:`Obligation` (premises and a claim over
  Z3 terms).  The engine first checks that the premises are satisfiable (a proof from
  impossible premises proves nothing), then that ``premises and not claim`` is *unsat*.
  Only this method yields the status ``proven``.
* :func:`crosshair_contract` - the function is a wrapper around core code with a PEP 316
  docstring (``pre:`` / ``post:``).  CrossHair explores it symbolically for a bounded time;
  a counterexample, an error, an unmet precondition or too few exercised paths all fail.
* :func:`hypothesis_property` - the function is a Hypothesis ``@given`` test.  It runs with
  the tier's example budget, on the default backend or on CrossHair's (``hypothesis-crosshair``).

The registry is the single source of the catalogue (``docs/properties.md``), the runner's
table and the mutant harness's choice of which properties to run against a mutant.
"""

from __future__ import annotations

import enum
import importlib
import pkgutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs

__all__ = [
    "PROOF_MODULE_PREFIXES",
    "REGISTRY",
    "TIERS",
    "Method",
    "Obligation",
    "Outcome",
    "Property",
    "Status",
    "Tier",
    "crosshair_contract",
    "hypothesis_property",
    "load_all",
    "properties_for",
    "z3_proof",
]

F = TypeVar("F", bound=Callable[..., Any])

#: Modules of the ``proofs`` package whose names start with these hold registered properties.
PROOF_MODULE_PREFIXES = ("z3_", "crosshair_", "hypothesis_")


class Method(enum.Enum):
    """How a property is checked."""

    Z3 = "Z3"
    CROSSHAIR = "CrossHair"
    HYPOTHESIS = "Hypothesis"
    HYPOTHESIS_CROSSHAIR = "Hypothesis/CrossHair"


class Status(enum.Enum):
    """What a check established.  Only ``PROVEN`` and ``CHECKED`` are green."""

    PROVEN = "proven"  # Z3: the negation of the claim is unsat under the stated bounds
    CHECKED = "checked"  # bounded: paths or examples explored, no counterexample
    COUNTEREXAMPLE = "counterexample"
    VACUOUS = "vacuous"  # premises unsatisfiable / precondition never met / nothing exercised
    ERROR = "error"
    TIMEOUT = "timeout"

    @property
    def ok(self) -> bool:
        """True for the two green statuses."""
        return self in (Status.PROVEN, Status.CHECKED)


@attrs.frozen
class Tier:
    """Effort per method.  ``quick`` runs inside ``make test``; ``full`` is ``make verify``."""

    name: str
    crosshair_seconds: float  # per postcondition (CrossHair's per_condition_timeout)
    crosshair_path_seconds: float  # per path (per_path_timeout)
    hypothesis_examples: int  # default backend (full = the ci profile's 400)
    crosshair_backend_examples: int  # Hypothesis on the CrossHair backend
    z3_seconds: float  # solver timeout per obligation
    hard_timeout: float  # wall clock per property before the runner kills it


TIERS: dict[str, Tier] = {
    "quick": Tier("quick", crosshair_seconds=8.0, crosshair_path_seconds=3.0,
                  hypothesis_examples=60, crosshair_backend_examples=8, z3_seconds=60.0,
                  hard_timeout=120.0),
    "full": Tier("full", crosshair_seconds=15.0, crosshair_path_seconds=5.0,
                 hypothesis_examples=400, crosshair_backend_examples=40, z3_seconds=120.0,
                 hard_timeout=240.0),
}


@attrs.frozen
class Obligation:
    """A Z3 proof obligation: under ``premises`` (the bounds), ``claim`` always holds.

    ``premises`` and ``claim`` are ``z3.BoolRef`` values (typed ``Any``: z3 ships no stubs).
    """

    premises: Sequence[Any]
    claim: Any


@attrs.frozen
class Outcome:
    """The result of checking one property: a status, a short evidence string (paths,
    examples, solver time) and, on failure, the detail (counterexample, traceback tail)."""

    status: Status
    evidence: str = ""
    detail: str = ""


@attrs.frozen
class Property:
    """One registered law.  ``targets`` are the dotted names of the core functions it
    constrains (the mutant harness runs exactly the properties targeting a mutated function).
    """

    key: str
    statement: str
    method: Method
    targets: tuple[str, ...]
    bounds: str
    quick: bool
    function: Callable[..., Any]
    min_paths: int = 3

    @property
    def module(self) -> str:
        """The proofs module that defines it."""
        return str(self.function.__module__)


REGISTRY: dict[str, Property] = {}


def _register(key: str, statement: str, method: Method, *, targets: Sequence[str], bounds: str,
              quick: bool, min_paths: int = 3) -> Callable[[F], F]:
    def decorate(function: F) -> F:
        if key in REGISTRY and REGISTRY[key].function.__qualname__ != function.__qualname__:
            raise ValueError(f"duplicate property key {key!r}")
        if not targets:
            raise ValueError(f"property {key!r} names no target")
        REGISTRY[key] = Property(key, statement, method, tuple(targets), bounds, quick,
                                 function, min_paths)
        return function
    return decorate


def z3_proof(key: str, statement: str, *, targets: Sequence[str], bounds: str,
             quick: bool = True) -> Callable[[F], F]:
    """Register a function returning an :class:`Obligation` as a Z3 proof."""
    return _register(key, statement, Method.Z3, targets=targets, bounds=bounds, quick=quick)


def crosshair_contract(key: str, statement: str, *, targets: Sequence[str], bounds: str,
                       quick: bool = False, min_paths: int = 3) -> Callable[[F], F]:
    """Register a PEP 316 contract wrapper for CrossHair; ``min_paths`` is how many paths
    must be confirmed (per postcondition) for the check to count as exercised, unless CrossHair
    exhausts every path."""
    return _register(key, statement, Method.CROSSHAIR, targets=targets, bounds=bounds,
                     quick=quick, min_paths=min_paths)


def hypothesis_property(key: str, statement: str, *, targets: Sequence[str], bounds: str,
                        quick: bool = True, backend: str = "hypothesis") -> Callable[[F], F]:
    """Register a Hypothesis ``@given`` test; ``backend="crosshair"`` runs it symbolically."""
    method = Method.HYPOTHESIS_CROSSHAIR if backend == "crosshair" else Method.HYPOTHESIS
    return _register(key, statement, method, targets=targets, bounds=bounds, quick=quick)


def load_all() -> dict[str, Property]:
    """Import every proofs module (``z3_*``, ``crosshair_*``, ``hypothesis_*``) and return the
    registry sorted by key."""
    package = Path(__file__).resolve().parent
    for info in sorted(pkgutil.iter_modules([str(package)]), key=lambda i: i.name):
        if info.name.startswith(PROOF_MODULE_PREFIXES):
            importlib.import_module(f"proofs.{info.name}")
    return dict(sorted(REGISTRY.items()))


def properties_for(target: str) -> list[Property]:
    """Registered properties that constrain ``target`` (a dotted function name)."""
    return [p for p in load_all().values() if target in p.targets]
