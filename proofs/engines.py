"""The three checking engines: Z3 obligations, CrossHair contracts, Hypothesis properties.

Each engine turns a registered :class:`~proofs.registry.Property` and a
:class:`~proofs.registry.Tier` into an :class:`~proofs.registry.Outcome`.  The rules that make
a green result mean something:

* **Z3**: the premises alone must be satisfiable (else ``vacuous``); the claim is ``proven``
  only when ``premises and not claim`` is *unsat*; *sat* gives the counterexample model;
  *unknown* (solver timeout, incompleteness) is an ``error``, never a pass.
* **CrossHair**: any counterexample (``POST_FAIL``), exception (``EXEC_ERR``, ``POST_ERR``),
  unparsable condition or "Unable to meet precondition" (``PRE_UNSAT``) fails; so does a
  contract with fewer confirmed paths than the property's ``min_paths`` (barely exercised),
  unless CrossHair exhausted every path.
  A bounded run without counterexample is ``checked``, never ``proven``: CrossHair explores
  paths for a limited time.
* **Hypothesis**: a falsifying example fails; ``Unsatisfiable`` or a test body that never ran
  is ``vacuous``; other Hypothesis errors (health checks, invalid arguments) are ``error``.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Sequence
from typing import Any

import z3
from crosshair.condition_parser import condition_parser
from crosshair.core import ConditionCheckable, analyze_calltree
from crosshair.core_and_libs import analyze_function
from crosshair.options import AnalysisKind, AnalysisOptionSet
from crosshair.statespace import VerificationStatus
from hypothesis import HealthCheck, settings
from hypothesis.errors import HypothesisException, Unsatisfiable

from proofs.registry import Method, Obligation, Outcome, Property, Status, Tier

__all__ = ["check", "check_crosshair", "check_hypothesis", "check_z3", "z3_value"]

_DETAIL_LIMIT = 1500


def check(prop: Property, tier: Tier) -> Outcome:
    """Check one property with its method's engine; an unexpected exception is an error."""
    try:
        if prop.method is Method.Z3:
            return check_z3(prop, tier)
        if prop.method is Method.CROSSHAIR:
            return check_crosshair(prop, tier)
        return check_hypothesis(prop, tier)
    except Exception:  # a bug in a proof or in the engine itself must show as red
        return Outcome(Status.ERROR, "", _tail(traceback.format_exc()))


def _tail(text: str) -> str:
    return text if len(text) <= _DETAIL_LIMIT else "..." + text[-_DETAIL_LIMIT:]


# --------------------------------------------------------------------------------------- Z3


def check_z3(prop: Property, tier: Tier) -> Outcome:
    """Prove every obligation the property's function returns (one or a sequence)."""
    produced = prop.function()
    obligations: Sequence[Obligation] = (
        [produced] if isinstance(produced, Obligation) else list(produced))
    if not obligations:
        return Outcome(Status.VACUOUS, "", "the proof returned no obligation")
    started = time.perf_counter()
    for index, obligation in enumerate(obligations):
        solver = z3.Solver()
        solver.set("timeout", int(tier.z3_seconds * 1000))
        solver.add(*obligation.premises)
        premises = solver.check()
        if premises == z3.unsat:
            return Outcome(Status.VACUOUS, "", f"obligation {index}: premises unsatisfiable")
        if premises != z3.sat:
            return Outcome(Status.ERROR, "",
                           f"obligation {index}: premises {solver.reason_unknown()}")
        solver.add(z3.Not(obligation.claim))
        verdict = solver.check()
        if verdict == z3.sat:
            return Outcome(Status.COUNTEREXAMPLE, "",
                           _tail(f"obligation {index}: {solver.model()}"))
        if verdict != z3.unsat:
            reason = solver.reason_unknown()
            status = Status.TIMEOUT if "timeout" in reason or "canceled" in reason else (
                Status.ERROR)
            return Outcome(status, "", f"obligation {index}: solver unknown ({reason})")
    elapsed = time.perf_counter() - started
    return Outcome(Status.PROVEN, f"{len(obligations)} unsat ({elapsed:.2f}s)")


def z3_value(term: Any, bindings: dict[Any, int]) -> int:
    """Evaluate an integer Z3 term at concrete values: the bridge that tests the proven model
    against the implementation (``bindings`` maps Z3 constants to Python ints)."""
    pairs = [(name, z3.IntVal(value)) for name, value in bindings.items()]
    result = z3.simplify(z3.substitute(term, *pairs))
    if not z3.is_int_value(result):
        raise ValueError(f"term did not reduce to an integer: {result}")
    return int(result.as_long())


# -------------------------------------------------------------------------------- CrossHair

_FAILING = ("POST_FAIL", "POST_ERR", "EXEC_ERR", "PRE_UNSAT", "SYNTAX_ERR", "IMPORT_ERR")


def check_crosshair(prop: Property, tier: Tier) -> Outcome:
    """Run CrossHair over every postcondition of the contract wrapper, with timeouts."""
    options = AnalysisOptionSet(
        analysis_kind=[AnalysisKind.PEP316],
        per_condition_timeout=tier.crosshair_seconds,
        per_path_timeout=tier.crosshair_path_seconds,
    )
    checkables = analyze_function(prop.function, options)
    if not checkables:
        return Outcome(Status.VACUOUS, "", "no pre/post conditions found in the docstring")
    paths: list[int] = []
    exhausted = 0
    for checkable in checkables:
        if not isinstance(checkable, ConditionCheckable):
            messages = "; ".join(m.message for m in checkable.analyze())
            return Outcome(Status.ERROR, "", f"condition syntax: {messages}")
        analysis_options = checkable.options
        analysis_options.deadline = time.process_time() + tier.crosshair_seconds
        with condition_parser(analysis_options.analysis_kind):
            analysis = analyze_calltree(analysis_options, checkable.conditions)
        condition = checkable.conditions.post[0].expr_source
        for message in analysis.messages:
            if message.state.name in _FAILING:
                status = (Status.COUNTEREXAMPLE if message.state.name == "POST_FAIL"
                          else Status.VACUOUS if message.state.name == "PRE_UNSAT"
                          else Status.ERROR)
                return Outcome(status, "", _tail(
                    f"post `{condition}`: {message.state.name}: {message.message}"))
        exhaustive = analysis.verification_status is VerificationStatus.CONFIRMED
        if analysis.num_confirmed_paths < prop.min_paths and not exhaustive:
            return Outcome(Status.VACUOUS, f"paths={analysis.num_confirmed_paths}",
                           f"post `{condition}`: only {analysis.num_confirmed_paths} confirmed "
                           f"paths (need {prop.min_paths}): the contract was not exercised")
        paths.append(analysis.num_confirmed_paths)
        exhausted += exhaustive
    note = f", {exhausted}/{len(paths)} exhaustive" if exhausted else ""
    return Outcome(Status.CHECKED, f"paths={'+'.join(map(str, paths))}{note}")


# ------------------------------------------------------------------------------- Hypothesis


def check_hypothesis(prop: Property, tier: Tier) -> Outcome:
    """Run a Hypothesis test with the tier's budget on its backend; count executed examples."""
    test = prop.function
    handle = getattr(test, "hypothesis", None)
    if handle is None:
        return Outcome(Status.ERROR, "", "not a Hypothesis @given test")
    inner = handle.inner_test
    executed = [0]

    def counting(*args: Any, **kwargs: Any) -> Any:
        executed[0] += 1
        return inner(*args, **kwargs)

    handle.inner_test = counting
    symbolic = prop.method is Method.HYPOTHESIS_CROSSHAIR
    configured = settings(
        max_examples=tier.crosshair_backend_examples if symbolic else tier.hypothesis_examples,
        deadline=None,
        database=None,
        derandomize=not symbolic,
        backend="crosshair" if symbolic else "hypothesis",
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )(test)
    try:
        configured()
    except Unsatisfiable as error:
        return Outcome(Status.VACUOUS, f"examples={executed[0]}", _tail(str(error)))
    except HypothesisException as error:
        return Outcome(Status.ERROR, f"examples={executed[0]}",
                       _tail(f"{type(error).__name__}: {error}"))
    except Exception as error:
        notes = "\n".join(getattr(error, "__notes__", []))
        return Outcome(Status.COUNTEREXAMPLE, f"examples={executed[0]}",
                       _tail(f"{type(error).__name__}: {error}\n{notes}"))
    finally:
        handle.inner_test = inner
    if executed[0] == 0:
        return Outcome(Status.VACUOUS, "examples=0", "the test body never ran")
    return Outcome(Status.CHECKED, f"examples={executed[0]}")
