"""Fee rules: percentage plus fixed fees, and maker/taker schedules tiered by 30-day volume.

**Rounding.** Every fee names whose favour it rounds in (:class:`Favour`).  The fee is computed
exactly and rounded once, to the currency's minor unit, on the *signed* fee:

* ``Favour.PLATFORM`` rounds toward +infinity (``CEILING``): a charge rounds up, a maker rebate
  (a negative fee) rounds toward zero.  This is the default for everything the platform earns.
* ``Favour.USER`` rounds toward -infinity (``FLOOR``): a charge rounds down, a rebate grows.

**Card-processor fees** (:class:`FeeRule`): ``fee = amount * rate + fixed``; ``$100.00`` at
2.9 % + $0.30 is ``2.90 + 0.30 = $3.20``.  :meth:`FeeRule.gross_for_net` inverts it: the
smallest charge that leaves at least the requested net after the fee.

**Trading fees** (:class:`FeeSchedule`): the tier is the one with the greatest
``min_volume <= volume_30d``; the fee is ``notional * rate`` for the maker or taker rate of
that tier.  A schedule is valid only if a higher volume never costs more (rates non-increasing
from tier to tier), maker <= taker in every tier, and a maker rebate never exceeds the taker
fee of its tier, so a matched trade never costs the platform money.

>>> from astratrade_core.money import USD, Money
>>> CARD_PROCESSING.fee_for(Money.of("100.00", USD).unwrap()).unwrap().amount
Decimal('3.20')
>>> STANDARD_TRADING_FEES.tier_for(Decimal("2500000")).taker.as_bps()
Decimal('12.0000')
"""

from __future__ import annotations

import bisect
import enum
import itertools
from collections.abc import Sequence
from decimal import Decimal

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect, collect_all
from astratrade_core.money import USD, Currency, Money, Rate
from astratrade_core.numeric import (
    CONTEXT,
    ONE,
    ZERO,
    DecimalInput,
    Rounding,
    parse_decimal,
    parse_non_negative,
    quantize,
)
from astratrade_core.revenue.commands import bundled, flattened

__all__ = [
    "CARD_PROCESSING",
    "STANDARD_TRADING_FEES",
    "Favour",
    "FeeRule",
    "FeeSchedule",
    "FeeTier",
    "Liquidity",
]


class Favour(enum.Enum):
    """Whose favour a fee rounds in (see the module docstring)."""

    PLATFORM = "platform"
    USER = "user"

    @property
    def rounding(self) -> Rounding:
        """``CEILING`` for the platform, ``FLOOR`` for the user (on the signed fee)."""
        return Rounding.CEILING if self is Favour.PLATFORM else Rounding.FLOOR


class Liquidity(enum.Enum):
    """Whether a fill added liquidity (maker) or took it (taker)."""

    MAKER = "maker"
    TAKER = "taker"


def _round(amount: Decimal, money_like: Money, favour: Favour) -> Money:
    return Money(quantize(amount, money_like.currency.minor_unit, favour.rounding),
                 money_like.currency)


def _non_negative_amount(amount: Money, field: str) -> Result[Decimal, DomainError]:
    """A finite, bounded, non-negative amount (NaN or a signalling NaN is reported, never
    compared)."""
    return parse_decimal(amount.amount, field).bind(
        lambda value: Success(value) if value >= 0 else Failure(DomainError.invalid(
            "revenue.negative_amount", f"{field} must not be negative", amount=value)))


def _in(currency: Currency, amount: Money, field: str) -> Result[Money, DomainError]:
    if amount.currency != currency:
        return Failure(DomainError.invalid("money.currency_mismatch",
                                           f"{field} in {amount.currency.code}, the fee in "
                                           f"{currency.code}", left=currency.code,
                                           right=amount.currency.code))
    return Success(amount)


@attrs.frozen
class FeeRule:
    """``fee = amount * rate + fixed``, rounded once in ``favour``'s direction."""

    rate: Rate
    fixed: Money
    favour: Favour = Favour.PLATFORM

    @classmethod
    def of(cls, rate: DecimalInput, fixed: Money,
           favour: Favour = Favour.PLATFORM) -> Result[FeeRule, DomainError]:
        """Validate a rate in ``[0, 1)`` and a non-negative fixed part (all problems at once).

        >>> FeeRule.of("1", Money.of("-1", USD).unwrap()).failure().codes()
        ('revenue.fee_rate', 'revenue.negative_amount')
        """
        below_one = parse_non_negative(rate, "rate").bind(
            lambda value: Success(value) if value < ONE else Failure(DomainError.invalid(
                "revenue.fee_rate", "rate must be below 1", rate=value)))
        return collect("revenue.fee_rule", below_one,
                       _non_negative_amount(fixed, "fixed fee"),
                       ).map(lambda parts: cls(Rate(parts[0]), fixed, favour))

    def _checked(self, amount: Money, field: str) -> Result[tuple[Decimal, Decimal, Decimal],
                                                            DomainError]:
        """The amount, rate and fixed fee as checked Decimals (a rule built with the raw
        constructor may hold anything)."""
        return _in(self.fixed.currency, amount, field).bind(lambda _: collect(
            "revenue.fee", _non_negative_amount(amount, field),
            parse_decimal(self.rate.value, "rate"),
            parse_decimal(self.fixed.amount, "fixed fee")).alt(flattened))

    def fee_for(self, amount: Money) -> Result[Money, DomainError]:
        """The fee on a non-negative amount of the fixed fee's currency.

        >>> rule = FeeRule(Rate(Decimal("0.029")), Money(Decimal("0.30"), USD), Favour.USER)
        >>> rule.fee_for(Money(Decimal("10.01"), USD)).unwrap().amount   # 0.59029 floored
        Decimal('0.59')
        """
        return self._checked(amount, "amount").map(lambda parts: _round(
            CONTEXT.add(CONTEXT.multiply(parts[0], parts[1]), parts[2]), amount, self.favour))

    def gross_for_net(self, net: Money) -> Result[Money, DomainError]:
        """The smallest charge (in minor units) whose net after this fee is at least ``net``.

        The net ``gross - fee(gross)`` never decreases as the gross grows (the rate is below 1),
        so the answer is found from the exact inverse ``(net + fixed) / (1 - rate)`` by at most
        a few one-unit steps.

        >>> CARD_PROCESSING.gross_for_net(Money(Decimal("100.00"), USD)).unwrap().amount
        Decimal('103.30')
        """
        def search(parts: tuple[Decimal, Decimal, Decimal]) -> Result[Money, DomainError]:
            wanted, rate, fixed = parts
            if not ZERO <= rate < ONE or fixed < ZERO:
                return Failure(DomainError.invalid("revenue.fee_rate",
                                                   "the rule needs a rate in [0, 1) and a "
                                                   "non-negative fixed fee", rate=rate,
                                                   fixed=fixed))
            currency = net.currency

            def leaves(gross: Decimal) -> bool:
                fee = quantize(CONTEXT.add(CONTEXT.multiply(gross, rate), fixed),
                               currency.minor_unit, self.favour.rounding)
                return CONTEXT.subtract(gross, fee) >= wanted

            exact = CONTEXT.divide(CONTEXT.add(wanted, fixed), CONTEXT.subtract(ONE, rate))
            gross = quantize(exact, currency.minor_unit, Rounding.CEILING)
            step = currency.increment
            while not leaves(gross):
                gross = CONTEXT.add(gross, step)
            while gross > 0 and leaves(lower := CONTEXT.subtract(gross, step)):
                gross = lower
            return Success(Money(gross, currency))

        return self._checked(net, "net").bind(search)


#: Card-processor pricing: 2.9 % + $0.30, rounded up (the processor's favour).
CARD_PROCESSING = FeeRule(Rate(Decimal("0.029")), Money(Decimal("0.30"), USD), Favour.PLATFORM)


@attrs.frozen
class FeeTier:
    """Maker and taker rates for 30-day volumes from ``min_volume`` up to the next tier."""

    min_volume: Decimal
    maker: Rate
    taker: Rate

    def rate(self, liquidity: Liquidity) -> Rate:
        """The maker or taker rate."""
        return self.maker if liquidity is Liquidity.MAKER else self.taker


@attrs.frozen
class FeeSchedule:
    """Maker/taker tiers by 30-day volume (ascending ``min_volume``, the first at zero)."""

    tiers: tuple[FeeTier, ...]
    favour: Favour = Favour.PLATFORM
    _floors: tuple[Decimal, ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_floors", tuple(t.min_volume for t in self.tiers))

    @classmethod
    def of(cls, rows: Sequence[tuple[DecimalInput, DecimalInput, DecimalInput]],
           favour: Favour = Favour.PLATFORM) -> Result[FeeSchedule, DomainError]:
        """Build from ``(min_volume, maker_bps, taker_bps)`` rows, reporting every problem.

        >>> FeeSchedule.of([("0", "10", "20"), ("100", "12", "9")]).failure().codes()
        ('revenue.fee_tier_not_monotone', 'revenue.fee_maker_above_taker')
        """
        if not rows:
            return Failure(DomainError.invalid("revenue.fee_schedule_empty", "no tiers given"))

        def tier(index: int, floor: DecimalInput, maker: DecimalInput,
                 taker: DecimalInput) -> Result[FeeTier, DomainError]:
            return collect("revenue.fee_tier",
                           parse_non_negative(floor, f"tiers[{index}].min_volume"),
                           parse_decimal(maker, f"tiers[{index}].maker_bps"),
                           parse_non_negative(taker, f"tiers[{index}].taker_bps"),
                           ).map(lambda p: FeeTier(p[0], Rate.from_bps(p[1]), Rate.from_bps(p[2])))

        def ordered(tiers: tuple[FeeTier, ...]) -> Result[FeeSchedule, DomainError]:
            problems = _schedule_problems(tiers)
            if problems:
                return Failure(DomainError.all_of("revenue.fee_schedule", problems))
            return Success(cls(tiers, favour))

        return collect_all("revenue.fee_schedule",
                           [tier(i, *row) for i, row in enumerate(rows)]).alt(
            lambda error: bundled("revenue.fee_schedule", error)).bind(ordered)

    def tier_for(self, volume_30d: Decimal) -> FeeTier:
        """The tier that applies to a 30-day volume (negative volumes count as zero).

        >>> STANDARD_TRADING_FEES.tier_for(Decimal("100000")).min_volume
        Decimal('100000')
        """
        index = bisect.bisect_right(self._floors, max(volume_30d, ZERO)) - 1
        return self.tiers[max(index, 0)]

    def fee(self, notional: Money, volume_30d: Decimal,
            liquidity: Liquidity) -> Result[Money, DomainError]:
        """The signed fee on a fill's non-negative notional (negative is a maker rebate).

        >>> STANDARD_TRADING_FEES.fee(Money(Decimal("12345.67"), USD), Decimal("0"),
        ...                           Liquidity.TAKER).unwrap().amount  # 24.69134 rounded up
        Decimal('24.70')
        """
        def charge(parts: tuple[Decimal, Decimal]) -> Money:
            rate = self.tier_for(parts[1]).rate(liquidity).value
            return _round(CONTEXT.multiply(notional.amount, rate), notional, self.favour)

        return collect("revenue.fee", _non_negative_amount(notional, "notional"),
                       parse_decimal(volume_30d, "volume_30d")).alt(flattened).map(charge)


def _schedule_problems(tiers: Sequence[FeeTier]) -> list[DomainError]:
    problems: list[DomainError] = []
    if tiers[0].min_volume != ZERO:
        problems.append(DomainError.invalid(
            "revenue.fee_first_tier", "the first tier must start at 0",
                                       min_volume=tiers[0].min_volume))
    for index, (low, high) in enumerate(itertools.pairwise(tiers), start=1):
        if high.min_volume <= low.min_volume:
            problems.append(DomainError.invalid("revenue.fee_tier_order",
                                           "tier volumes must strictly increase", index=index))
        if high.maker.value > low.maker.value or high.taker.value > low.taker.value:
            problems.append(DomainError.invalid("revenue.fee_tier_not_monotone",
                                           "a higher volume tier must not cost more",
                                           index=index))
    for index, tier in enumerate(tiers):
        if tier.maker.value > tier.taker.value:
            problems.append(DomainError.invalid("revenue.fee_maker_above_taker",
                                           "maker rate exceeds taker rate", index=index))
        if CONTEXT.add(tier.maker.value, tier.taker.value) < ZERO:
            problems.append(DomainError.invalid("revenue.fee_rebate_too_large",
                                           "maker rebate exceeds the taker fee", index=index))
    return problems


#: The shipped schedule: (30-day volume in USD, maker bps, taker bps).  Top tier pays makers
#: a 1 bp rebate.
STANDARD_TRADING_FEES = FeeSchedule(
    tuple(
        FeeTier(Decimal(volume), Rate.from_bps(maker), Rate.from_bps(taker))
        for volume, maker, taker in (
            (0, 10, 20),
            (100_000, 8, 16),
            (1_000_000, 5, 12),
            (10_000_000, 2, 10),
            (100_000_000, -1, 8),
        )
    ),
    Favour.PLATFORM,
)
