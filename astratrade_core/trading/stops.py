"""Stop-loss and take-profit prices from a risk fraction and a reward-to-risk ratio.

For an entry ``e``, a risk fraction ``f`` of the margin at ``leverage`` ``L`` (``L = 1``: a
fraction of the price) and a reward-to-risk ratio ``R``::

    long:  stop = e * (1 - f / L)  rounded UP to the tick      (toward the entry)
           take = e + R * (e - stop) rounded UP to the tick    (away from the entry)
    short: stop = e * (1 + f / L)  rounded DOWN to the tick    (toward the entry)
           take = e - R * (stop - e) rounded DOWN to the tick  (away from the entry)

Both roundings are the safe ones: the stop never lets the loss exceed ``f`` (rounding can only
tighten it), and the target is computed from the *rounded* stop and rounded away from the
entry, so the reward is never less than ``R`` times the actual risk (and exceeds it by less
than one tick).

>>> from decimal import Decimal as D
>>> from astratrade_core.instrument import Instrument
>>> from astratrade_core.money import BTC, USD
>>> btc = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001").unwrap()
>>> # 20 % of the margin at 10x is a 2 % move: 67000 * 0.98 = 65660; take = 67000 + 2 * 1340
>>> levels = stop_levels(btc, "67000", True, "0.2", "2", leverage="10").unwrap()
>>> levels.stop_loss, levels.take_profit
(Decimal('65660.0'), Decimal('69680.0'))
"""

from __future__ import annotations

from decimal import Decimal

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect
from astratrade_core.instrument import Instrument
from astratrade_core.numeric import (
    CONTEXT,
    DecimalInput,
    Rounding,
    parse_decimal,
    parse_positive,
    round_to_increment,
)

__all__ = ["StopLevels", "stop_levels"]

_add = CONTEXT.add
_sub = CONTEXT.subtract
_mul = CONTEXT.multiply


@attrs.frozen
class StopLevels:
    """Tick-aligned exit prices for one entry; ``risk``/``reward`` are per unit of base."""

    entry_price: Decimal
    is_long: bool
    stop_loss: Decimal
    take_profit: Decimal
    risk: Decimal
    reward: Decimal


def stop_levels(
    instrument: Instrument, entry_price: DecimalInput, is_long: bool,
    risk_fraction: DecimalInput, reward_ratio: DecimalInput, *, leverage: DecimalInput = "1",
) -> Result[StopLevels, DomainError]:
    """Stop-loss and take-profit for an entry, rounded to the instrument's tick safely.

    Failure codes: ``stops.invalid`` (inputs; all listed), ``stops.too_tight`` (the stop rounds
    onto the entry), ``stops.target_not_positive`` (a short's target at or below zero).

    >>> from astratrade_core.money import ETH, USD
    >>> eth = Instrument.of("ETHUSDT", ETH, USD, tick_size="0.05", lot_size="0.01").unwrap()
    >>> # short: 1999.99 * 1.015 = 2029.98985 -> 2029.95; risk 29.96;
    >>> # take = 1999.99 - 1.5 * 29.96 = 1955.05 (already on the 0.05 grid)
    >>> s = stop_levels(eth, "1999.99", False, "0.015", "1.5").unwrap()
    >>> s.stop_loss, s.take_profit, s.reward
    (Decimal('2029.95'), Decimal('1955.05'), Decimal('44.94'))
    >>> stop_levels(eth, "100", True, "0.0001", "2").failure().code
    'stops.too_tight'
    """
    parsed = collect("stops.invalid", parse_positive(entry_price, "entry_price"),
                     parse_decimal(risk_fraction, "risk_fraction"),
                     parse_positive(reward_ratio, "reward_ratio"),
                     parse_decimal(leverage, "leverage"))
    return parsed.bind(_in_range).bind(lambda v: _levels(instrument, is_long, v))


_Parsed = tuple[Decimal, Decimal, Decimal, Decimal]


def _in_range(values: _Parsed) -> Result[_Parsed, DomainError]:
    """Leverage at least 1 and the fraction in ``(0, leverage)`` (needs both parsed)."""
    _, fraction, _, lev = values
    if lev < 1:
        problem = DomainError.invalid("stops.leverage", "leverage: must be at least 1",
                                      leverage=lev)
    elif not 0 < fraction < lev:
        problem = DomainError.invalid("stops.risk_fraction",
                                      "risk_fraction: must be in (0, leverage)",
                                      risk_fraction=fraction)
    else:
        return Success(values)
    return Failure(DomainError.all_of("stops.invalid", [problem]))


def _levels(instrument: Instrument, is_long: bool, values: _Parsed,
            ) -> Result[StopLevels, DomainError]:
    entry, fraction, ratio, lev = values
    # entry * (1 -/+ fraction / lev) as ONE division of exact products: a level exactly on a
    # tick then divides exactly (dividing first rounds fraction / lev at 120 digits, which
    # put a level that is exactly on a tick a hair off it, and a whole tick off once rounded).
    tick = instrument.tick_size
    if is_long:
        level = CONTEXT.divide(_mul(entry, _sub(lev, fraction)), lev)
        stop = round_to_increment(level, tick, Rounding.CEILING)
        risk = _sub(entry, stop)
        take = round_to_increment(_add(entry, _mul(ratio, risk)), tick, Rounding.CEILING)
        reward = _sub(take, entry)
    else:
        level = CONTEXT.divide(_mul(entry, _add(lev, fraction)), lev)
        stop = round_to_increment(level, tick, Rounding.FLOOR)
        risk = _sub(stop, entry)
        take = round_to_increment(_sub(entry, _mul(ratio, risk)), tick, Rounding.FLOOR)
        reward = _sub(entry, take)
    if risk <= 0:
        return Failure(DomainError.rejected(
            "stops.too_tight", "the stop rounds onto the entry; widen the risk fraction",
            entry_price=entry, tick_size=tick))
    if take <= 0:
        return Failure(DomainError.rejected(
            "stops.target_not_positive", "the short's take-profit would be at or below zero",
            entry_price=entry, reward_ratio=ratio))
    return Success(StopLevels(entry, is_long, stop, take, risk, reward))
