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

from astratrade_core.errors import DomainError
from astratrade_core.money import USD, Money, Rate
from astratrade_core.numeric import (
    CONTEXT,
    ONE,
    ZERO,
    Rounding,
    parse_decimal,
    parse_non_negative,
    quantize,
)

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


def _non_negative_amount(amount: Money, field: str) -> DomainError | None:
    if amount.amount < 0:
        return DomainError.invalid("revenue.negative_amount", f"{field} must not be negative",
                              amount=amount.amount)
    return None


@attrs.frozen
class FeeRule:
    """``fee = amount * rate + fixed``, rounded once in ``favour``'s direction."""

    rate: Rate
    fixed: Money
    favour: Favour = Favour.PLATFORM

    @classmethod
    def of(cls, rate: object, fixed: Money,
           favour: Favour = Favour.PLATFORM) -> Result[FeeRule, DomainError]:
        """Validate a rate in ``[0, 1)`` and a non-negative fixed part (all problems at once).

        >>> FeeRule.of("1", Money.of("-1", USD).unwrap()).failure().codes()
        ('revenue.fee_rate', 'revenue.negative_amount')
        """
        problems: list[DomainError] = []
        parsed = parse_non_negative(rate, "rate")
        if isinstance(parsed, Failure):
            problems.append(parsed.failure())
        elif parsed.unwrap() >= ONE:
            problems.append(DomainError.invalid("revenue.fee_rate", "rate must be below 1",
                                           rate=parsed.unwrap()))
        fixed_problem = _non_negative_amount(fixed, "fixed fee")
        if fixed_problem is not None:
            problems.append(fixed_problem)
        if problems:
            return Failure(DomainError.all_of("revenue.fee_rule", problems))
        return Success(cls(Rate(parsed.unwrap()), fixed, favour))

    def fee_for(self, amount: Money) -> Result[Money, DomainError]:
        """The fee on a non-negative amount of the fixed fee's currency.

        >>> rule = FeeRule(Rate(Decimal("0.029")), Money(Decimal("0.30"), USD), Favour.USER)
        >>> rule.fee_for(Money(Decimal("10.01"), USD)).unwrap().amount   # 0.59029 floored
        Decimal('0.59')
        """
        if amount.currency != self.fixed.currency:
            return Failure(DomainError.invalid("money.currency_mismatch",
                                          f"fee in {self.fixed.currency.code} on an amount in "
                                          f"{amount.currency.code}",
                                          left=self.fixed.currency.code,
                                          right=amount.currency.code))
        problem = _non_negative_amount(amount, "amount")
        if problem is not None:
            return Failure(problem)
        exact = CONTEXT.add(CONTEXT.multiply(amount.amount, self.rate.value), self.fixed.amount)
        return Success(_round(exact, amount, self.favour))

    def gross_for_net(self, net: Money) -> Result[Money, DomainError]:
        """The smallest charge (in minor units) whose net after this fee is at least ``net``.

        The net ``gross - fee(gross)`` never decreases as the gross grows (the rate is below 1),
        so the answer is found from the exact inverse ``(net + fixed) / (1 - rate)`` by at most
        a few one-unit steps.

        >>> CARD_PROCESSING.gross_for_net(Money(Decimal("100.00"), USD)).unwrap().amount
        Decimal('103.30')
        """
        if net.currency != self.fixed.currency:
            return Failure(DomainError.invalid("money.currency_mismatch", "net in another currency",
                                          left=self.fixed.currency.code,
                                          right=net.currency.code))
        problem = _non_negative_amount(net, "net")
        if problem is not None:
            return Failure(problem)
        exact = CONTEXT.divide(CONTEXT.add(net.amount, self.fixed.amount),
                               CONTEXT.subtract(ONE, self.rate.value))
        gross = Money(quantize(exact, net.currency.minor_unit, Rounding.CEILING), net.currency)
        step = net.currency.increment
        while not self._leaves(gross, net):
            gross = Money(CONTEXT.add(gross.amount, step), gross.currency)
        while gross.amount > 0 and self._leaves(
            lower := Money(CONTEXT.subtract(gross.amount, step), gross.currency), net
        ):
            gross = lower
        return Success(gross)

    def _leaves(self, gross: Money, net: Money) -> bool:
        fee = self.fee_for(gross).unwrap()  # gross is non-negative and in our currency
        return CONTEXT.subtract(gross.amount, fee.amount) >= net.amount


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
    def of(cls, rows: Sequence[tuple[object, object, object]],
           favour: Favour = Favour.PLATFORM) -> Result[FeeSchedule, DomainError]:
        """Build from ``(min_volume, maker_bps, taker_bps)`` rows, reporting every problem.

        >>> FeeSchedule.of([("0", "10", "20"), ("100", "12", "9")]).failure().codes()
        ('revenue.fee_tier_not_monotone', 'revenue.fee_maker_above_taker')
        """
        if not rows:
            return Failure(DomainError.invalid("revenue.fee_schedule_empty", "no tiers given"))
        problems: list[DomainError] = []
        tiers: list[FeeTier] = []
        for index, (floor, maker, taker) in enumerate(rows):
            parsed = [parse_non_negative(floor, f"tiers[{index}].min_volume"),
                      parse_decimal(maker, f"tiers[{index}].maker_bps"),
                      parse_non_negative(taker, f"tiers[{index}].taker_bps")]
            failed = [p.failure() for p in parsed if isinstance(p, Failure)]
            if failed:
                problems.extend(failed)
                continue
            v, m, t = (p.unwrap() for p in parsed)
            tiers.append(FeeTier(v, Rate.from_bps(m), Rate.from_bps(t)))
        if not problems:
            problems.extend(_schedule_problems(tiers))
        if problems:
            return Failure(DomainError.all_of("revenue.fee_schedule", problems))
        return Success(cls(tuple(tiers), favour))

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
        problem = _non_negative_amount(notional, "notional")
        if problem is not None:
            return Failure(problem)
        rate = self.tier_for(volume_30d).rate(liquidity).value
        return Success(_round(CONTEXT.multiply(notional.amount, rate), notional, self.favour))


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
