"""Tradable instruments: tick and lot sizes, minimums, leverage and maintenance-margin tiers.

Maintenance margin follows the Binance USDⓈ-M bracket scheme: a position of notional ``N``
falls into the tier whose ``[notional_floor, notional_cap)`` contains ``N`` and needs
``N * maintenance_margin_rate - maintenance_amount``.  The maintenance amount of each tier is
derived so that the requirement is continuous across tier boundaries:
``amount[i] = amount[i-1] + floor[i] * (rate[i] - rate[i-1])``, with ``amount[0] = 0``.

>>> from decimal import Decimal as D
>>> from astratrade_core.money import BTC, USD
>>> tiers = margin_tiers([("0", "50000", "125", "0.004"), ("50000", None, "100", "0.005")])
>>> [t.maintenance_amount for t in tiers.unwrap()]
[Decimal('0'), Decimal('50.000')]
>>> btc = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001",
...                     min_quantity="0.001", min_notional="5", max_leverage="125",
...                     tiers=tiers.unwrap()).unwrap()
>>> btc.tier_for(D("60000")).maintenance_margin_rate
Decimal('0.005')

An **inverse** (coin-margined) instrument, like Binance COIN-M's ``BTCUSD_PERP``, trades whole
contracts each worth ``contract_size`` units of the quote currency (100 USD for BTC, 10 USD for
the others); its P&L, margin and fees are in the base coin, and the notionals of its tiers are
coin amounts (see :mod:`astratrade_core.trading.inverse`).

>>> btcusd = Instrument.of("BTCUSD_PERP", BTC, USD, tick_size="0.1", lot_size="1",
...                        kind=InstrumentKind.INVERSE, contract_size="100").unwrap()
>>> btcusd.is_inverse, btcusd.contract_size
(True, Decimal('100'))
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from decimal import Decimal

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect
from astratrade_core.money import Currency
from astratrade_core.numeric import (
    CONTEXT,
    ONE,
    ZERO,
    DecimalInput,
    parse_decimal,
    parse_non_negative,
    parse_positive,
)

__all__ = ["Instrument", "InstrumentKind", "MarginTier", "TierRow", "margin_tiers"]


class InstrumentKind(enum.Enum):
    """How an instrument settles.

    ``LINEAR``: quantities in base units, prices, P&L, margin and fees in the quote currency.
    ``INVERSE`` (coin-margined): quantities in whole contracts worth ``contract_size`` quote
    units each, prices in quote per base, P&L, margin, fees and tier notionals in the base coin.
    """

    LINEAR = "linear"
    INVERSE = "inverse"


@attrs.frozen
class MarginTier:
    """One maintenance-margin bracket. ``notional_cap`` is exclusive; ``None`` means unbounded."""

    notional_floor: Decimal
    notional_cap: Decimal | None
    max_leverage: Decimal
    maintenance_margin_rate: Decimal
    maintenance_amount: Decimal

    def contains(self, notional: Decimal) -> bool:
        """Whether ``notional`` (absolute) falls in this bracket."""
        return notional >= self.notional_floor and (
            self.notional_cap is None or notional < self.notional_cap
        )


#: One bracket as given: ``(notional_floor, notional_cap or None, max_leverage, mmr)``.
TierRow = tuple[DecimalInput, DecimalInput | None, DecimalInput, DecimalInput]


def margin_tiers(rows: Sequence[TierRow]) -> Result[tuple[MarginTier, ...], DomainError]:
    """Build contiguous tiers from ``(floor, cap, max_leverage, mmr)`` rows.

    Checks that the first floor is 0, each cap is the next floor, leverage does not rise and
    the rate does not fall from tier to tier; derives the maintenance amounts. Reports every
    problem found, not only the first.

    >>> margin_tiers([("0", "100", "10", "0.01"), ("200", None, "5", "0.02")]).failure().codes()
    ('instrument.tiers_gap',)
    """
    problems: list[DomainError] = []
    tiers: list[MarginTier] = []
    amount = ZERO
    previous: MarginTier | None = None
    for index, row in enumerate(rows):
        match _tier_row(index, row):
            case Failure(problem):
                problems.extend(problem.causes or (problem,))
                continue
            case Success((floor, cap, leverage, mmr)):
                pass
        if previous is None:
            if floor != 0:
                problems.append(
                    DomainError.invalid("instrument.tiers_start", "first tier must start at 0"))
        else:
            if previous.notional_cap != floor:
                problems.append(DomainError.invalid(
                    "instrument.tiers_gap", f"tier {index} must start where the previous ends",
                    index=index))
            if leverage > previous.max_leverage or mmr < previous.maintenance_margin_rate:
                problems.append(DomainError.invalid(
                    "instrument.tiers_order", f"tier {index} must not raise leverage or lower mmr",
                    index=index))
            amount = CONTEXT.add(amount, CONTEXT.multiply(
                floor, CONTEXT.subtract(mmr, previous.maintenance_margin_rate)))
        if cap is not None and cap <= floor:
            problems.append(DomainError.invalid(
                "instrument.tiers_cap", f"tier {index} cap <= floor", index=index))
        if mmr >= 1:
            problems.append(DomainError.invalid("instrument.tiers_mmr", "mmr must be below 1",
                                                index=index))
        previous = MarginTier(floor, cap, leverage, mmr, amount)
        tiers.append(previous)
    if not rows:
        problems.append(DomainError.invalid(
            "instrument.tiers_empty", "at least one tier is required"))
    elif tiers and tiers[-1].notional_cap is not None:
        problems.append(DomainError.invalid("instrument.tiers_open",
                                            "the last tier must be unbounded"))
    if problems:
        return Failure(DomainError.all_of("instrument.invalid_tiers", problems))
    return Success(tuple(tiers))


def _tier_row(index: int, row: TierRow,
              ) -> Result[tuple[Decimal, Decimal | None, Decimal, Decimal], DomainError]:
    given: object = row  # typed TierRow; checked because a caller may not be
    if not isinstance(given, tuple) or len(given) != 4:
        return Failure(DomainError.invalid(
            "instrument.tier_row", f"tiers[{index}]: expected (floor, cap, max_leverage, mmr)",
            index=index))
    floor, cap, leverage, mmr = row
    cap_r: Result[Decimal | None, DomainError] = (
        Success(None) if cap is None else parse_positive(cap, f"tiers[{index}].cap"))
    return collect(f"instrument.tiers[{index}]",
                   parse_non_negative(floor, f"tiers[{index}].floor"), cap_r,
                   parse_positive(leverage, f"tiers[{index}].max_leverage"),
                   parse_positive(mmr, f"tiers[{index}].mmr"))


@attrs.frozen
class Instrument:
    """A contract or spot pair: ``base`` quoted in ``quote``; linear unless ``kind`` says
    inverse, in which case a contract is worth ``contract_size`` quote units (1 for linear)."""

    symbol: str
    base: Currency
    quote: Currency
    tick_size: Decimal
    lot_size: Decimal
    min_quantity: Decimal
    min_notional: Decimal
    max_leverage: Decimal
    tiers: tuple[MarginTier, ...]
    kind: InstrumentKind = InstrumentKind.LINEAR
    contract_size: Decimal = ONE

    @classmethod
    def of(
        cls,
        symbol: str,
        base: Currency,
        quote: Currency,
        *,
        tick_size: DecimalInput,
        lot_size: DecimalInput,
        min_quantity: DecimalInput = "0",
        min_notional: DecimalInput = "0",
        max_leverage: DecimalInput = "1",
        tiers: tuple[MarginTier, ...] | None = None,
        kind: InstrumentKind = InstrumentKind.LINEAR,
        contract_size: DecimalInput = "1",
    ) -> Result[Instrument, DomainError]:
        """Validate every field and report all problems at once.

        Without ``tiers`` a single unbounded tier with mmr ``1 / (2 * max_leverage)`` is used;
        given ``tiers`` (from :func:`margin_tiers`) must not be empty.  An inverse instrument
        needs a positive ``contract_size`` and a whole number of contracts as its lot size; a
        linear one has ``contract_size`` 1 (its quantities are base units).

        >>> from astratrade_core.money import BTC, USD
        >>> Instrument.of("X", BTC, USD, tick_size="0", lot_size="-1").failure().codes()
        ('numeric.not_positive', 'numeric.not_positive')
        """
        symbol_r: Result[str, DomainError] = (
            Success(symbol) if isinstance(symbol, str) and 0 < len(symbol) <= 32
            else Failure(DomainError.invalid("instrument.symbol", "symbol must be 1-32 chars")))
        tiers_r: Result[tuple[MarginTier, ...] | None, DomainError] = (
            Success(tiers) if tiers is None or (isinstance(tiers, tuple) and tiers)
            else Failure(DomainError.invalid("instrument.tiers_empty",
                                             "at least one tier is required")))
        leverage_r = parse_decimal(max_leverage, "max_leverage").bind(
            lambda d: Success(d) if d >= 1 else Failure(DomainError.invalid(
                "instrument.max_leverage", "max_leverage must be >= 1", value=d)))
        lot_r = parse_positive(lot_size, "lot_size")
        size_r = parse_positive(contract_size, "contract_size").bind(
            lambda size: _contract_rule(kind, size, lot_r.value_or(ONE)))
        checked = collect("instrument.invalid", symbol_r, tiers_r,
                          parse_positive(tick_size, "tick_size"), lot_r,
                          parse_non_negative(min_quantity, "min_quantity"),
                          parse_non_negative(min_notional, "min_notional"), leverage_r, size_r)
        return checked.map(lambda v: cls._built(base, quote, kind, v))

    @classmethod
    def _built(cls, base: Currency, quote: Currency, kind: InstrumentKind,
               values: tuple[str, tuple[MarginTier, ...] | None, Decimal, Decimal, Decimal,
                             Decimal, Decimal, Decimal]) -> Instrument:
        symbol, tiers, tick, lot, min_quantity, min_notional, leverage, size = values
        if tiers is None:
            tiers = (MarginTier(ZERO, None, leverage, CONTEXT.divide(Decimal("0.5"), leverage),
                                ZERO),)
        return cls(symbol, base, quote, tick, lot, min_quantity, min_notional, leverage, tiers,
                   kind, size)

    @property
    def is_inverse(self) -> bool:
        """Coin-margined: P&L, margin and fees in the base coin."""
        return self.kind is InstrumentKind.INVERSE

    def tier_for(self, notional: Decimal) -> MarginTier:
        """The maintenance bracket for an absolute notional."""
        size = CONTEXT.abs(notional)
        for tier in self.tiers:
            if tier.contains(size):
                return tier
        return self.tiers[-1]


def _contract_rule(kind: InstrumentKind, size: Decimal, lot: Decimal,
                   ) -> Result[Decimal, DomainError]:
    """The rules that tie the kind to the contract size and the lot."""
    if kind is InstrumentKind.LINEAR and size != 1:
        return Failure(DomainError.invalid(
            "instrument.contract_size", "a linear instrument trades base units: contract_size 1",
            contract_size=size))
    if kind is InstrumentKind.INVERSE and lot != lot.to_integral_value(context=CONTEXT):
        return Failure(DomainError.invalid(
            "instrument.inverse_lot", "an inverse instrument trades whole contracts",
            lot_size=lot))
    return Success(size)
