"""Deliberate bugs that the pipeline must catch: proof that the proofs bite.

A :class:`Mutant` replaces one exact snippet of a core module's source (it must occur exactly
once, and the mutated module must still compile).  :func:`install` puts a meta-path finder in
front of the import system so the mutated source is what *every* importer gets; it must run
before anything imports the core, which is why each mutant runs in a fresh interpreter
(``python -m proofs mutant KEY``, driven by :func:`proofs.runner.run_mutants`).

Inside that interpreter every registered property that targets the mutated function runs
(:func:`kill`, cheapest first, stopping at the first kill); the mutant is *killed* when one
reports a counterexample.  An error
or a vacuous run does not count as a kill: the harness wants a real failing example.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Sequence
from pathlib import Path

import attrs

__all__ = ["MUTANTS", "Mutant", "install", "kill", "mutated_source"]

ROOT = Path(__file__).resolve().parent.parent


@attrs.frozen
class Mutant:
    """One deliberate bug: in ``module``, ``original`` becomes ``replacement``.  ``target``
    is the dotted function whose properties must catch it."""

    key: str
    description: str
    module: str
    target: str
    original: str
    replacement: str
    quick: bool = False

    @property
    def path(self) -> Path:
        """The module's source file (located without importing anything)."""
        return ROOT.joinpath(*self.module.split(".")).with_suffix(".py")


_ALL: tuple[Mutant, ...] = (
    Mutant("numeric.mul_div.ceil_as_floor",
           "mul_div CEIL never rounds up (a floor where the chain uses ceil)",
           "astratrade_core.numeric", "astratrade_core.numeric.mul_div",
           "rounding is FixedRounding.CEIL\n", "rounding is FixedRounding.FLOOR\n",
           quick=True),
    Mutant("numeric.mul_div.half_up_strict",
           "mul_div HALF_UP rounds an exact half down (> instead of >=)",
           "astratrade_core.numeric", "astratrade_core.numeric.mul_div",
           "remainder >= denominator - remainder", "remainder > denominator - remainder"),
    Mutant("numeric.mul_div.no_overflow_check",
           "mul_div accepts quotients above u256 (missing overflow check)",
           "astratrade_core.numeric", "astratrade_core.numeric.mul_div",
           "if quotient > U256_MAX:", "if quotient > U256_MAX * 2:"),
    Mutant("numeric.round_to_increment.nearest",
           "round_to_increment ignores the mode and rounds half-even",
           "astratrade_core.numeric", "astratrade_core.numeric.round_to_increment",
           "increment).quantize(ONE, rounding=rounding.value,",
           "increment).quantize(ONE, rounding=Rounding.HALF_EVEN.value,"),
    Mutant("numeric.quantize.one_place_short",
           "quantize keeps one decimal place too many",
           "astratrade_core.numeric", "astratrade_core.numeric.quantize",
           "ONE.scaleb(-places, CONTEXT)", "ONE.scaleb(-places - 1, CONTEXT)"),
    Mutant("numeric.to_fixed.round_half",
           "to_fixed rounds half-up whatever the requested mode",
           "astratrade_core.numeric", "astratrade_core.numeric.to_fixed",
           "quantize(ONE, rounding=rounding.value,\n" + " " * 65 + "context=CONTEXT)\n    raw",
           "quantize(ONE, rounding=Rounding.HALF_UP.value,\n" + " " * 65
           + "context=CONTEXT)\n    raw"),
    Mutant("revenue.allocate_units.drop_remainder",
           "allocation drops the largest-remainder units (parts no longer sum to the total)",
           "astratrade_core.revenue.allocation", "astratrade_core.revenue.allocation."
           "allocate_units", "for index in order[:leftover]:", "for index in order[:0]:",
           quick=True),
    Mutant("revenue.allocate_units.smallest_remainder",
           "allocation gives the leftover units to the smallest remainders",
           "astratrade_core.revenue.allocation", "astratrade_core.revenue.allocation."
           "allocate_units", "key=lambda i: (-remainders[i], i)",
           "key=lambda i: (remainders[i], i)"),
    Mutant("revenue.settle_units.platform_fee_floor",
           "the platform fee rounds down (a floor where the contract uses ceil)",
           "astratrade_core.revenue.marketplace", "astratrade_core.revenue.marketplace."
           "settle_units", "platform = mul_div(price, platform_bps, BPS, FixedRounding.CEIL)",
           "platform = mul_div(price, platform_bps, BPS, FixedRounding.FLOOR)"),
    Mutant("revenue.settle_units.seller_ignores_royalty",
           "seller proceeds forget to deduct the royalty (settlement no longer conserves)",
           "astratrade_core.revenue.marketplace", "astratrade_core.revenue.marketplace."
           "settle_units", "seller = price - fee - paid - fixed_fee",
           "seller = price - fee - fixed_fee"),
    Mutant("revenue.fee_schedule.gross_fee",
           "the trading fee is charged on notional * (1 + rate) instead of notional * rate",
           "astratrade_core.revenue.fees", "astratrade_core.revenue.fees.FeeSchedule.fee",
           "_round(CONTEXT.multiply(notional.amount, rate), notional",
           "_round(CONTEXT.multiply(notional.amount, CONTEXT.add(ONE, rate)), notional"),
    Mutant("trading.pnl.short_sign",
           "P&L ignores the sign of the quantity (shorts gain when the price rises)",
           "astratrade_core.trading.pnl", "astratrade_core.trading.pnl.calculate_pnl",
           "return _mul(position.quantity, _sub(", "return _mul(CONTEXT.abs(position.quantity), "
           "_sub("),
    Mutant("trading.pnl_wad.short_sign",
           "on-chain P&L treats every position as long (sign swapped for shorts)",
           "astratrade_core.trading.pnl", "astratrade_core.trading.pnl.pnl_wad",
           "gains = (current_price >= entry_price) == is_long",
           "gains = current_price >= entry_price"),
    Mutant("trading.pnl_wad.loss_floor",
           "on-chain losses round down (a floor where the chain uses ceil)",
           "astratrade_core.trading.pnl", "astratrade_core.trading.pnl.pnl_wad",
           "FixedRounding.CEIL).map(lambda loss: -loss)",
           "FixedRounding.FLOOR).map(lambda loss: -loss)", quick=True),
    Mutant("trading.position_size_wad.ceil",
           "on-chain size rounds up instead of down",
           "astratrade_core.trading.pnl", "astratrade_core.trading.pnl.position_size_wad",
           "return mul_div(balance, risk, stop_distance, FixedRounding.FLOOR)",
           "return mul_div(balance, risk, stop_distance, FixedRounding.CEIL)"),
    Mutant("trading.sizing.round_up",
           "fixed-fractional size rounds up to the lot instead of down",
           "astratrade_core.trading.sizing", "astratrade_core.trading.sizing."
           "fixed_fractional_size",
           "by_risk = round_to_increment(_div(budget, per_unit), instrument.lot_size, "
           "Rounding.DOWN)",
           "by_risk = round_to_increment(_div(budget, per_unit), instrument.lot_size, "
           "Rounding.UP)"),
    Mutant("trading.sizing.fee_once",
           "the risk per unit counts the fee on entry only, not on the stop's exit",
           "astratrade_core.trading.sizing", "astratrade_core.trading.sizing."
           "fixed_fractional_size", "_mul(fee, _add(entry, stop)))", "_mul(fee, entry))"),
    Mutant("trading.liquidation.tick_away_from_entry",
           "the liquidation price rounds to the tick away from the entry (long down, short up)",
           "astratrade_core.trading.margin", "astratrade_core.trading.margin."
           "isolated_liquidation_price",
           "rounding = Rounding.CEILING if quantity > 0 else Rounding.FLOOR",
           "rounding = Rounding.FLOOR if quantity > 0 else Rounding.CEILING"),
    Mutant("trading.liquidation_wad.long_floor",
           "the on-chain long liquidation price rounds down (floor where the chain uses ceil)",
           "astratrade_core.trading.margin", "astratrade_core.trading.margin."
           "isolated_liquidation_price_wad",
           "        rounding = FixedRounding.CEIL\n",
           "        rounding = FixedRounding.FLOOR\n"),
    Mutant("inverse.liquidation_wad.long_floor",
           "the on-chain inverse long liquidation price rounds down (floor where the chain "
           "uses ceil: the price lands past the root, the position is already under water)",
           "astratrade_core.trading.inverse_margin", "astratrade_core.trading.inverse_margin."
           "inverse_isolated_liquidation_price_wad",
           "rest, rounding = cover + face, FixedRounding.CEIL",
           "rest, rounding = cover + face, FixedRounding.FLOOR"),
    Mutant("inverse.liquidation.tick_away_from_entry",
           "the inverse liquidation price rounds to the tick away from the entry (long down, "
           "short up)",
           "astratrade_core.trading.inverse_margin", "astratrade_core.trading.inverse_margin."
           "inverse_isolated_liquidation_price",
           "rounding = Rounding.CEILING if contracts > 0 else Rounding.FLOOR",
           "rounding = Rounding.FLOOR if contracts > 0 else Rounding.CEILING"),
    Mutant("inverse.average_entry.arithmetic",
           "adding to an inverse position averages the entry arithmetically (NautilusTrader's "
           "rule) instead of harmonically",
           "astratrade_core.trading.inverse", "astratrade_core.trading.inverse."
           "apply_inverse_fill",
           "_mul(_mul(total, entry), price), _add(_mul(n, price), _mul(f, entry)))",
           "_add(_mul(n, entry), _mul(f, price)), total)"),
    Mutant("inverse.pnl_wad.loss_floor",
           "on-chain inverse losses round down (a floor where the chain uses ceil)",
           "astratrade_core.trading.inverse", "astratrade_core.trading.inverse.inverse_pnl_wad",
           "mul_div(face, move, span, FixedRounding.CEIL)",
           "mul_div(face, move, span, FixedRounding.FLOOR)"),
    Mutant("gamification.linear_curve.off_by_one",
           "LinearCurve reaches the next level one XP early",
           "astratrade_core.gamification.levels",
           "astratrade_core.gamification.levels.LinearCurve.level_for_xp",
           "level = xp // self.step + 1", "level = (xp + 1) // self.step + 1", quick=True),
    Mutant("gamification.sqrt_curve.off_by_one",
           "SquareRootCurve takes the root of one more unit (levels up early)",
           "astratrade_core.gamification.levels",
           "astratrade_core.gamification.levels.SquareRootCurve.level_for_xp",
           "level = math.isqrt(xp // self.unit) + 1",
           "level = math.isqrt(xp // self.unit + 1) + 1"),
    Mutant("gamification.table_curve.strict_threshold",
           "TableCurve counts thresholds below the XP instead of at or below it",
           "astratrade_core.gamification.levels",
           "astratrade_core.gamification.levels.TableCurve.level_for_xp",
           "Success(bisect_right(self.thresholds, xp))",
           "Success(bisect_right(self.thresholds, xp - 1))"),
    Mutant("defi.apy.period_off_by_one",
           "APY divides the APR by n + 1 periods but compounds n times",
           "astratrade_core.defi.rates", "astratrade_core.defi.rates.apy_from_apr",
           "base = CONTEXT.add(ONE, CONTEXT.divide(rate, n))",
           "base = CONTEXT.add(ONE, CONTEXT.divide(rate, CONTEXT.add(n, ONE)))"),
    Mutant("defi.staking.index_rounds_up",
           "the reward index rounds up and drops its remainder (pays out more than emitted)",
           "astratrade_core.defi.staking", "astratrade_core.defi.staking.StakingPool."
           "notify_reward", "delta, carry = divmod(numerator, self.total_staked)",
           "delta, carry = -(-numerator // self.total_staked), 0"),
    Mutant("defi.staking.settle_ceil",
           "settlement rounds each account's earnings up (a ceil where the contract floors)",
           "astratrade_core.defi.staking", "astratrade_core.defi.staking.StakingPool.claim",
           "earned = p.staked * (self.reward_index - p.paid_index) // WAD",
           "earned = -(-p.staked * (self.reward_index - p.paid_index) // WAD)"),
    Mutant("defi.distribute_pro_rata.ceil",
           "pro-rata payouts round up (the carry goes negative)",
           "astratrade_core.defi.staking", "astratrade_core.defi.staking.distribute_pro_rata",
           "payouts = tuple(pool * s // total for s in stakes)",
           "payouts = tuple(-(-pool * s // total) for s in stakes)"),
)

MUTANTS: dict[str, Mutant] = {m.key: m for m in _ALL}


def mutated_source(mutant: Mutant) -> str:
    """The module's source with the mutation applied; the snippet must occur exactly once
    and the result must differ from the original."""
    source = mutant.path.read_text(encoding="utf-8")
    found = source.count(mutant.original)
    if found != 1:
        raise LookupError(f"mutant {mutant.key}: snippet found {found} times in "
                          f"{mutant.module} (the code changed; update the mutant)")
    return source.replace(mutant.original, mutant.replacement)


class _MutatedLoader(importlib.abc.Loader):
    def __init__(self, mutant: Mutant, source: str) -> None:
        self._mutant = mutant
        self._code = compile(source, str(mutant.path), "exec")

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        module.__file__ = str(self._mutant.path)
        exec(self._code, module.__dict__)


class _MutantFinder(importlib.abc.MetaPathFinder):
    def __init__(self, mutant: Mutant) -> None:
        self._mutant = mutant
        self._loader = _MutatedLoader(mutant, mutated_source(mutant))

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: types.ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != self._mutant.module:
            return None
        return importlib.machinery.ModuleSpec(fullname, self._loader,
                                              origin=str(self._mutant.path))


def install(mutant: Mutant) -> None:
    """Make every later import of ``mutant.module`` load the mutated source."""
    if any(name == mutant.module or name.startswith("astratrade_core") for name in
           sys.modules):
        raise RuntimeError("install a mutant before anything imports astratrade_core")
    sys.meta_path.insert(0, _MutantFinder(mutant))


#: Cheapest methods first: a mutant stops at its first killer.
_COST = {"Z3": 0, "Hypothesis": 1, "CrossHair": 2, "Hypothesis/CrossHair": 3}


def kill(mutant: Mutant, tier_name: str, method: str | None = None) -> tuple[str, ...]:
    """In a fresh interpreter: install the mutant, then run the properties that target the
    mutated function, cheapest first, until one reports a counterexample.  Returns the killer's
    key (empty when the mutant survived every property).  ``method`` (e.g. ``"CrossHair"``)
    restricts the run to that method's properties, to show that it bites on its own."""
    install(mutant)
    # Imported only now: the registry's proof modules import the (mutated) core.
    registry = importlib.import_module("proofs.registry")
    runner = importlib.import_module("proofs.runner")
    props = [p for p in registry.load_all().values() if mutant.target in p.targets
             and method in (None, p.method.value)]
    if not props:
        raise LookupError(f"mutant {mutant.key}: no property targets {mutant.target}")
    for prop in sorted(props, key=lambda p: (_COST[p.method.value], p.key)):
        (row,) = runner.run_properties([prop], registry.TIERS[tier_name], jobs=1,
                                       progress=False)
        if row.outcome.status is registry.Status.COUNTEREXAMPLE:
            return (prop.key,)
    return ()
