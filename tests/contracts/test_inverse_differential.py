"""Differential tests of the inverse (coin-margined) math: Cairo (``math/inverse.cairo``, run in
the VM through the ``MathHarness`` batches) and the Python core (``astratrade_core.trading.
inverse`` / ``inverse_margin``) compute identical integers, or fail together with corresponding
errors.  The public ``FixedPointMath`` views are called one case at a time as well.

Strategies lean on the edges: u256 boundaries (products straddling ``2**256 - 1``, quotients at
the top of the range), exact quotients and remainders ``1`` and ``d - 1``, exact-half ties for
``HALF_UP``, the covered short (``face == cover``), bad inputs (zero contracts, size or entry;
``mmr >= 1 wad``) and realistic wad-scaled positions.  Cases per function as in
``test_differential``: ``$ASTRATRADE_DIFFERENTIAL_CASES``, else 300 under ``CI``, else 50;
each test asserts it compared at least that many.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from returns.result import Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.numeric import U256_MAX, WAD, FixedRounding
from astratrade_core.trading import (
    inverse_average_entry_wad,
    inverse_fee_wad,
    inverse_isolated_liquidation_price_wad,
    inverse_notional_wad,
    inverse_pnl_wad,
)
from astratrade_shell.starknet.backend import ContractReverted, short_string
from astratrade_shell.starknet.clients import (
    FixedPointMathClient,
    from_signed,
    rounding_variant,
)
from tests.contracts.conftest import MathHarnessClient
from tests.contracts.test_differential import (
    CASES,
    ERRORS,
    ROUNDINGS,
    amounts,
    differential,
    near_overflow,
    run_batch,
)

INVERSE_ERRORS = {**ERRORS, "inverse.wad_input": "inverse: bad input"}
#: Below this many cases a run is a smoke test; from it on (CI: 300) every edge category
#: named by a test must have come up at least once.
EDGE_COVERAGE_FROM = 200
Outcome = tuple[bool, Any, str]
Harnesses = tuple[MathHarnessClient, MathHarnessClient]


def expected(result: Result[Any, DomainError]) -> Outcome:
    if isinstance(result, Success):
        return (True, result.unwrap(), "")
    code = result.failure().code
    return (False, None, INVERSE_ERRORS.get(code, code))


def actual(raw: dict[str, Any], signed: bool = False) -> Outcome:
    if raw["ok"]:
        return (True, from_signed(raw["value"]) if signed else int(raw["value"]), "")
    return (False, None, short_string(int(raw["error"])))


def record(seen: Counter[str], outcome: Outcome, *extra: str) -> None:
    """Count what a case exercised: its outcome (value or error) and any extra edge names."""
    seen["ok" if outcome[0] else outcome[2]] += 1
    seen.update(edge for edge in extra if edge)


def require_edges(seen: Counter[str], *edges: str) -> None:
    """Under the full case count, each edge category must really have been compared."""
    if CASES >= EDGE_COVERAGE_FROM:
        missing = [edge for edge in edges if not seen[edge]]
        assert not missing, (missing, dict(seen))


def wads(max_units: int = 10**7) -> st.SearchStrategy[int]:
    """Realistic wad values: whole units, two-decimal prices, and raw wad integers."""
    return st.one_of(st.integers(1, max_units).map(lambda n: n * WAD),
                     st.integers(1, max_units * 100).map(lambda n: n * WAD // 100),
                     st.integers(1, max_units * WAD))


SIZES = st.one_of(st.sampled_from([WAD, 10 * WAD, 100 * WAD]), wads(1000))


@st.composite
def remainder_edges(draw: st.DrawFn) -> tuple[int, int, int]:
    """``(numerator, span)`` helpers: ``span`` even and a numerator ``q * span + r`` with ``r``
    in ``{0, 1, span/2, span - 1}``: exact quotients, the smallest and largest remainders and
    the exact-half tie; returned with ``r``."""
    span = draw(st.integers(1, 2**100)) * 2
    quotient = draw(st.integers(0, 2**100))
    rest = draw(st.sampled_from([0, 1, span // 2, span - 1]))
    return quotient * span + rest, span, rest


# ------------------------------------------------------------------------------------ P&L


@st.composite
def pnl_ties(draw: st.DrawFn) -> tuple[int, int, int, int, bool]:
    """``exit = entry + 1`` so ``face * move = face``; ``face = q * entry * exit + r``."""
    entry = draw(st.integers(1, 2**60))
    span = entry * (entry + 1)
    face = draw(st.integers(0, 2**90)) * span + draw(st.sampled_from([0, 1, span - 1]))
    return face, 1, entry, entry + 1, draw(st.booleans())


@st.composite
def pnl_overflow(draw: st.DrawFn) -> tuple[int, int, int, int, bool]:
    """``contracts * size`` or ``entry * exit`` straddling ``2**256 - 1``."""
    low = draw(st.integers(2, 2**128))
    high = U256_MAX // low + draw(st.integers(-1, 1))
    pair = (low, max(0, min(U256_MAX, high)))
    if draw(st.booleans()):
        return *pair, draw(amounts(2**120)), draw(amounts(2**120)), draw(st.booleans())
    return draw(amounts(2**120)), draw(amounts(2**120)), *pair, draw(st.booleans())


PNL_CASES = st.one_of(
    st.tuples(wads(), SIZES, wads(), wads(), st.booleans()),
    st.tuples(wads(), SIZES, st.just(0), wads(), st.booleans()),       # a zero price
    st.tuples(amounts(), amounts(), amounts(), amounts(), st.booleans()),
    pnl_ties(), pnl_overflow())


def test_inverse_pnl_matches_python(harnesses: Harnesses) -> None:
    def check(cases: list[Any]) -> int:
        payload = [{"contracts": c, "contract_size": s, "entry_price": e, "exit_price": x,
                    "is_long": long_} for c, s, e, x, long_ in cases]
        for case, raw in zip(cases, run_batch(harnesses, "inverse_pnl_batch", payload),
                             strict=True):
            python = expected(inverse_pnl_wad(*case))
            assert actual(raw, signed=True) == python, case
            contracts, size, entry, exit_price, _ = case
            span = entry * exit_price
            exact = bool(span) and (contracts * size * abs(exit_price - entry)) % span == 0
            record(seen, python, "loss" if python[0] and python[1] < 0 else "",
                   "exact" if python[0] and exact else "inexact" if python[0] else "")
        return len(cases)

    seen: Counter[str] = Counter()
    differential("inverse_pnl", PNL_CASES, check)
    require_edges(seen, "ok", "loss", "exact", "inexact", "math: overflow",
                  "math: division by zero")


# ------------------------------------------------------------------- value (notional) and fee


@st.composite
def notional_remainders(draw: st.DrawFn) -> tuple[int, int, int, FixedRounding]:
    numerator, span, _ = draw(remainder_edges())
    return numerator, 1, span, draw(ROUNDINGS)


@st.composite
def notional_ties(draw: st.DrawFn) -> tuple[int, int, int, FixedRounding]:
    """``contracts * size = q * price + price / 2``: the exact half, for every rounding."""
    span = draw(st.integers(1, 2**100)) * 2
    return draw(st.integers(0, 2**100)) * span + span // 2, 1, span, draw(ROUNDINGS)


@st.composite
def fee_edges(draw: st.DrawFn) -> tuple[int, int, int, int]:
    """``face * rate = q * WAD * price + r`` with ``rate = 1``: remainders 0, 1 and d - 1."""
    price = draw(st.integers(1, 2**100))
    scale = WAD * price
    face = draw(st.integers(0, 2**90)) * scale + draw(st.sampled_from([0, 1, scale - 1]))
    return face, 1, price, 1


@st.composite
def fee_overflow(draw: st.DrawFn) -> tuple[int, int, int, int]:
    """``WAD * price`` straddling ``2**256 - 1``, or ``contracts * size`` doing so."""
    price = U256_MAX // WAD + draw(st.integers(-1, 1))
    if draw(st.booleans()):
        return draw(amounts(2**100)), draw(amounts(2**100)), price, draw(amounts())
    low = draw(st.integers(2, 2**128))
    return low, U256_MAX // low + draw(st.integers(0, 1)), draw(wads()), draw(amounts())


NOTIONAL_CASES = st.one_of(
    st.tuples(wads(), SIZES, wads(), ROUNDINGS),
    st.tuples(wads(), SIZES, st.just(0), ROUNDINGS),
    st.tuples(amounts(), amounts(), amounts(), ROUNDINGS),
    notional_remainders(), notional_ties(),
    st.tuples(near_overflow(), ROUNDINGS).map(lambda t: (*t[0], t[1])))
FEE_CASES = st.one_of(
    st.tuples(wads(), SIZES, wads(), st.integers(0, WAD // 100)),
    st.tuples(wads(), SIZES, st.just(0), st.integers(0, WAD // 100)),
    st.tuples(amounts(), amounts(), amounts(), amounts()),
    fee_edges(), fee_overflow())


def _value_python(op: int, case: tuple[Any, ...]) -> Result[int, DomainError]:
    if op == 0:
        return inverse_notional_wad(*case)
    return inverse_fee_wad(*case)


def _value_payload(op: int, case: tuple[Any, ...]) -> dict[str, Any]:
    contracts, size, price, last = case
    return {"op": op, "contracts": contracts, "contract_size": size, "price": price,
            "rate": last if op == 1 else 0,
            "rounding": rounding_variant(last if op == 0 else FixedRounding.FLOOR)}


def test_inverse_notional_matches_python(harnesses: Harnesses) -> None:
    def check(cases: list[Any]) -> int:
        payload = [_value_payload(0, case) for case in cases]
        for case, raw in zip(cases, run_batch(harnesses, "inverse_value_batch", payload),
                             strict=True):
            python = expected(_value_python(0, case))
            assert actual(raw) == python, case
            contracts, size, price, rounding = case
            half = bool(price) and 2 * (contracts * size % price) == price
            record(seen, python, f"half tie {rounding.value}" if python[0] and half else "")
        return len(cases)

    seen: Counter[str] = Counter()
    differential("inverse_notional", NOTIONAL_CASES, check)
    require_edges(seen, "ok", "half tie half_up", "half tie floor", "half tie ceil",
                  "math: overflow", "math: division by zero")


def test_inverse_fee_matches_python(harnesses: Harnesses) -> None:
    def check(cases: list[Any]) -> int:
        payload = [_value_payload(1, case) for case in cases]
        for case, raw in zip(cases, run_batch(harnesses, "inverse_value_batch", payload),
                             strict=True):
            python = expected(_value_python(1, case))
            assert actual(raw) == python, case
            contracts, size, price, rate = case
            scale = WAD * price
            rest = (contracts * size * rate) % scale if scale else None
            record(seen, python, "" if not python[0] or rest is None else
                   "exact" if rest == 0 else "rounded up by 1/d" if rest == scale - 1 else "")
        return len(cases)

    seen: Counter[str] = Counter()
    differential("inverse_fee", FEE_CASES, check)
    require_edges(seen, "ok", "exact", "rounded up by 1/d", "math: overflow",
                  "math: division by zero")


# ------------------------------------------------------------------------- average entry


@st.composite
def entry_overflow(draw: st.DrawFn) -> tuple[int, int, int, int, bool]:
    """``contracts + added``, ``entry * price`` or ``contracts * price`` at the u256 edge."""
    kind = draw(st.integers(0, 2))
    if kind == 0:
        held = draw(st.integers(1, U256_MAX))
        return held, draw(wads()), U256_MAX - held + draw(st.integers(0, 1)), draw(wads()), (
            draw(st.booleans()))
    low = draw(st.integers(2, 2**128))
    high = min(U256_MAX, U256_MAX // low + draw(st.integers(0, 1)))
    if kind == 1:
        return draw(wads()), low, draw(wads()), high, draw(st.booleans())
    return low, draw(wads()), draw(wads()), high, draw(st.booleans())


ENTRY_CASES = st.one_of(
    st.tuples(wads(), wads(), wads(), wads(), st.booleans()),
    st.tuples(wads(), st.just(0), wads(), st.just(0), st.booleans()),   # 0 / 0
    st.tuples(st.just(0), amounts(), amounts(), amounts(), st.booleans()),
    st.tuples(amounts(), amounts(), amounts(), amounts(), st.booleans()),
    wads().flatmap(lambda price: st.tuples(wads(), st.just(price), wads(), st.just(price),
                                           st.booleans())),     # same price: exact
    entry_overflow())


def test_inverse_average_entry_matches_python(harnesses: Harnesses) -> None:
    def check(cases: list[Any]) -> int:
        payload = [{"contracts": c, "entry_price": e, "added": a, "price": p, "is_long": long_}
                   for c, e, a, p, long_ in cases]
        for case, raw in zip(cases, run_batch(harnesses, "inverse_entry_batch", payload),
                             strict=True):
            python = expected(inverse_average_entry_wad(*case))
            assert actual(raw) == python, case
            record(seen, python, "from flat" if case[0] == 0 else "")
        return len(cases)

    seen: Counter[str] = Counter()
    differential("inverse_average_entry", ENTRY_CASES, check)
    require_edges(seen, "ok", "from flat", "math: overflow", "math: division by zero")


# ---------------------------------------------------------------------- liquidation price

RATES = st.one_of(st.integers(0, WAD // 10), st.sampled_from([0, WAD // 200, WAD - 1, WAD,
                                                              WAD + 1]), st.integers(0, 2 * WAD))


@st.composite
def covered_short_edges(draw: st.DrawFn) -> tuple[int, ...]:
    """A short with ``face - cover`` in ``{-1, 0, 1}``: just covered, exactly, just not."""
    entry = draw(st.integers(1, 2**64))
    held = draw(st.integers(1, 2**64))
    face = entry * held + draw(st.integers(-1, 1))
    return max(1, face), 1, entry, held, draw(RATES), 0, 0


@st.composite
def liquidation_overflow(draw: st.DrawFn) -> tuple[int, ...]:
    """``entry * (margin + cum)`` or ``WAD * rest`` near ``2**256``; huge margins."""
    kind = draw(st.integers(0, 2))
    long_ = draw(st.booleans())
    if kind == 0:
        entry = draw(st.integers(2, 2**128))
        held = U256_MAX // entry + draw(st.integers(-1, 1))
        return draw(wads()), draw(SIZES), entry, held, draw(RATES), 0, long_
    if kind == 1:
        face = U256_MAX // WAD + draw(st.integers(-2, 2))
        return face, 1, 1, 0, draw(RATES), 0, long_
    return draw(st.integers(1, 10)), 1, draw(st.integers(1, 10)), draw(
        st.integers(2**250, U256_MAX)), draw(RATES), draw(st.integers(0, 2**250)), long_


LIQUIDATION_CASES = st.one_of(
    st.tuples(wads(10**6), SIZES, wads(), wads(10**4), RATES, wads(100), st.booleans()),
    st.tuples(amounts(2**160), amounts(2**100), amounts(2**160), amounts(2**160), RATES,
              amounts(2**100), st.booleans()),
    st.tuples(st.sampled_from([0, 1]), st.sampled_from([0, 1]), st.sampled_from([0, 1]),
              amounts(), RATES, amounts(), st.booleans()),
    covered_short_edges(), liquidation_overflow())


def _liquidation_python(case: tuple[int, ...]) -> Result[int, DomainError]:
    contracts, size, entry, margin, rate, amount, long_ = case
    return inverse_isolated_liquidation_price_wad(contracts, size, entry, margin,
                                                  maintenance_rate=rate,
                                                  maintenance_amount=amount, is_long=bool(long_))


def test_inverse_liquidation_price_matches_python(harnesses: Harnesses) -> None:
    def check(cases: list[Any]) -> int:
        payload = [{"contracts": c, "contract_size": s, "entry_price": e, "margin": m,
                    "maintenance_rate": r, "maintenance_amount": a, "is_long": bool(long_)}
                   for c, s, e, m, r, a, long_ in cases]
        for case, raw in zip(cases, run_batch(harnesses, "inverse_liquidation_batch", payload),
                             strict=True):
            python = expected(_liquidation_python(case))
            assert actual(raw) == python, case
            side = "long" if case[-1] else "short"
            record(seen, python, f"{side} {'none' if python[1] == 0 else 'price'}"
                   if python[0] else "")
        return len(cases)

    seen: Counter[str] = Counter()
    differential("inverse_liquidation_price", LIQUIDATION_CASES, check)
    require_edges(seen, "long price", "short price", "short none", "math: overflow",
                  "inverse: bad input")


# --------------------------------------------------------- FixedPointMath, one call per case

FEW = settings(max_examples=6, database=None)


def same(call: Any, python: Result[Any, DomainError]) -> None:
    if isinstance(python, Success):
        assert call() == python.unwrap()
        return
    with pytest.raises(ContractReverted) as panicked:
        call()
    code = python.failure().code
    assert panicked.value.message == INVERSE_ERRORS.get(code, code)


@FEW
@given(PNL_CASES)
@example((2 * WAD, 100 * WAD, 40_000 * WAD, 50_000 * WAD, False))
@example((1, 1, 0, 5, True))
def test_inverse_pnl_view(math_contract: FixedPointMathClient,
                          case: tuple[int, int, int, int, bool]) -> None:
    contracts, size, entry, exit_price, long_ = case
    same(lambda: from_signed(math_contract.view(
        "inverse_pnl", contracts=contracts, contract_size=size, entry_price=entry,
        exit_price=exit_price, is_long=long_)[0]), inverse_pnl_wad(*case))


@FEW
@given(st.one_of(st.tuples(st.just(0), NOTIONAL_CASES), st.tuples(st.just(1), FEE_CASES)))
@example((1, (100_000 * WAD, WAD, 10_000 * WAD, 75 * 10**13)))
@example((0, (1, 1, 0, FixedRounding.CEIL)))
def test_inverse_value_views(math_contract: FixedPointMathClient,
                             item: tuple[int, tuple[Any, ...]]) -> None:
    op, (contracts, size, price, last) = item
    if op == 0:
        call = lambda: int(math_contract.view(  # noqa: E731 - one expression per view
            "inverse_notional", contracts=contracts, contract_size=size, price=price,
            rounding=rounding_variant(last))[0])
    else:
        call = lambda: int(math_contract.view(  # noqa: E731
            "inverse_fee", contracts=contracts, contract_size=size, price=price, rate=last)[0])
    same(call, _value_python(op, (contracts, size, price, last)))


@FEW
@given(ENTRY_CASES)
@example((WAD, 40_000 * WAD, WAD, 10_000 * WAD, True))
@example((1, 0, 1, 0, False))
def test_inverse_average_entry_view(math_contract: FixedPointMathClient,
                                    case: tuple[int, int, int, int, bool]) -> None:
    contracts, entry, added, price, long_ = case
    same(lambda: int(math_contract.view(
        "inverse_average_entry", contracts=contracts, entry_price=entry, added=added,
        price=price, is_long=long_)[0]), inverse_average_entry_wad(*case))


@FEW
@given(LIQUIDATION_CASES)
@example((1000 * WAD, 100 * WAD, 50_000 * WAD, WAD // 5, 4 * 10**15, 0, True))
@example((1000 * WAD, 100 * WAD, 50_000 * WAD, 2 * WAD, 4 * 10**15, 0, False))
@example((0, 1, 1, 1, 0, 0, True))
def test_inverse_liquidation_price_view(math_contract: FixedPointMathClient,
                                        case: tuple[int, ...]) -> None:
    contracts, size, entry, margin, rate, amount, long_ = case
    same(lambda: int(math_contract.view(
        "inverse_liquidation_price", contracts=contracts, contract_size=size,
        entry_price=entry, margin=margin, maintenance_rate=rate, maintenance_amount=amount,
        is_long=bool(long_))[0]), _liquidation_python(case))
