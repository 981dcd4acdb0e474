"""Position sizing: fixed-fractional from entry and stop, and the Kelly criterion.

:func:`fixed_fractional_size` answers "how much can I buy (or sell) so that being stopped out
costs at most ``balance * risk_fraction``, fees included?"::

    loss per unit = |entry - stop| + fee_rate * entry + fee_rate * stop
    quantity      = floor_to_lot(balance * risk_fraction / loss per unit)

``fee_rate`` is the taker fee paid on the entry notional and again on the exit (stop)
notional; pass ``0`` to ignore fees.  The quantity is then capped by what the available
balance can margin at ``leverage`` (``quantity * entry / leverage + entry fee <= available``),
again rounded **down** to the lot size.  Rounding down at every step means the worst-case loss
never exceeds the budget (a Hypothesis law proves it).  The result must still meet the
instrument's minimum quantity and minimum notional, and ``leverage`` may not exceed the
instrument's maximum or the maximum of the margin tier the notional falls into; every violated
rule is reported at once.

:func:`kelly_fraction` is the Kelly criterion for a bet won with probability ``p`` that pays
``b`` times the stake and otherwise loses the stake: ``f* = p - (1 - p) / b`` (Kelly, 1956;
Thorp, "The Kelly criterion in blackjack, sports betting and the stock market", 2006, eq. 2.1),
clamped at zero (a negative edge means "do not trade") and scaled by ``multiplier`` for
fractional Kelly.

>>> from decimal import Decimal as D
>>> from astratrade_core.money import BTC, USD
>>> from astratrade_core.instrument import Instrument
>>> btc = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001",
...                     min_quantity="0.001", min_notional="5", max_leverage="20").unwrap()
>>> size = fixed_fractional_size(btc, "10000", "0.01", "30000", "29500").unwrap()
>>> size.quantity, size.worst_case_loss   # 100 / 500 = 0.2 BTC, loses 0.2 * 500
(Decimal('0.200'), Decimal('100.000'))
>>> kelly_fraction("0.6", "1").unwrap()   # 0.6 - 0.4 / 1
Decimal('0.2')
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect
from astratrade_core.instrument import Instrument
from astratrade_core.numeric import (
    CONTEXT,
    ONE,
    ZERO,
    DecimalInput,
    Rounding,
    parse_decimal,
    parse_non_negative,
    parse_positive,
    quantize,
    round_to_increment,
)

__all__ = ["PositionSize", "fixed_fractional_size", "kelly_fraction", "round_size_down"]

_Check = Callable[[Decimal], Result[Decimal, DomainError]]

_add = CONTEXT.add
_sub = CONTEXT.subtract
_mul = CONTEXT.multiply
_div = CONTEXT.divide


@attrs.frozen
class PositionSize:
    """A sized order.  ``quantity`` is unsigned (a multiple of the lot size); ``is_long`` says
    the side (the stop is below the entry).  ``worst_case_loss`` is the loss at the stop
    including both fees; ``margin`` the initial margin at the requested leverage;
    ``capped_by_balance`` is true when the available balance, not the risk budget, bound it."""

    quantity: Decimal
    is_long: bool
    notional: Decimal
    worst_case_loss: Decimal
    margin: Decimal
    risk_budget: Decimal
    capped_by_balance: bool


def fixed_fractional_size(
    instrument: Instrument,
    balance: DecimalInput,
    risk_fraction: DecimalInput,
    entry_price: DecimalInput,
    stop_price: DecimalInput,
    *,
    fee_rate: DecimalInput = "0",
    leverage: DecimalInput = "1",
    available_balance: DecimalInput | None = None,
) -> Result[PositionSize, DomainError]:
    """Size a trade that risks at most ``balance * risk_fraction`` between entry and stop.

    ``available_balance`` (default: ``balance``) limits the margin plus entry fee.  Inputs are
    ``str``, ``int`` or ``Decimal``.  Failure codes: ``sizing.invalid`` (bad inputs, all listed),
    ``sizing.rejected`` (causes among ``sizing.max_leverage``, ``sizing.tier_leverage``,
    ``sizing.min_quantity``, ``sizing.min_notional``).

    >>> from astratrade_core.money import ETH, USD
    >>> eth = Instrument.of("ETHUSDT", ETH, USD, tick_size="0.01", lot_size="0.01",
    ...                     min_notional="25", max_leverage="10").unwrap()
    >>> # budget 50; per unit 2000 - 1950 + 0.0005 * (2000 + 1950) = 51.975; 50 / 51.975 = 0.96..
    >>> fixed_fractional_size(eth, "5000", "0.01", "2000", "1950", fee_rate="0.0005"
    ...                       ).unwrap().quantity
    Decimal('0.96')
    >>> # risk allows 5000 / 10 = 500 ETH, but 990 available margins 990 / (2000 / 2) = 0.99
    >>> r = fixed_fractional_size(eth, "5000", "1", "2000", "1990", leverage="2",
    ...                           available_balance="990").unwrap()
    >>> r.quantity, r.capped_by_balance
    (Decimal('0.99'), True)
    >>> fixed_fractional_size(eth, "60", "0.01", "2000", "1950").failure().codes()
    ('sizing.min_notional',)
    """
    available_r: Result[Decimal | None, DomainError] = (
        Success(None) if available_balance is None
        else parse_non_negative(available_balance, "available_balance"))
    parsed = collect("sizing.invalid", parse_positive(balance, "balance"),
                     parse_decimal(risk_fraction, "risk_fraction").bind(_fraction("risk_fraction")),
                     parse_positive(entry_price, "entry_price"),
                     parse_positive(stop_price, "stop_price"),
                     parse_non_negative(fee_rate, "fee_rate").bind(_below_one("fee_rate")),
                     parse_decimal(leverage, "leverage").bind(_at_least_one), available_r)
    return parsed.bind(lambda v: _sized(instrument, v))


_Inputs = tuple[Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal | None]


def _sized(instrument: Instrument, inputs: _Inputs) -> Result[PositionSize, DomainError]:
    bal, risk, entry, stop, fee, lev, available_balance = inputs
    available = bal if available_balance is None else available_balance
    if entry == stop:
        return Failure(DomainError.all_of("sizing.invalid", [DomainError.invalid(
            "sizing.stop_at_entry", "stop_price: must differ from entry_price")]))
    budget = _mul(bal, risk)
    per_unit = _add(CONTEXT.abs(_sub(entry, stop)), _mul(fee, _add(entry, stop)))
    by_risk = round_to_increment(_div(budget, per_unit), instrument.lot_size, Rounding.DOWN)
    # margin + entry fee per unit = entry / leverage + fee * entry
    per_unit_margin = _add(_div(entry, lev), _mul(fee, entry))
    by_balance = round_to_increment(_div(available, per_unit_margin), instrument.lot_size,
                                    Rounding.DOWN)
    quantity = min(by_risk, by_balance)
    notional = _mul(quantity, entry)
    violations: list[DomainError] = []
    if lev > instrument.max_leverage:
        violations.append(DomainError.rejected(
            "sizing.max_leverage", f"leverage {lev} exceeds the instrument's "
            f"{instrument.max_leverage}", leverage=lev, limit=instrument.max_leverage))
    tier = instrument.tier_for(notional)
    if lev > tier.max_leverage:
        violations.append(DomainError.rejected(
            "sizing.tier_leverage", f"leverage {lev} exceeds {tier.max_leverage} for notional "
            f"{notional}", leverage=lev, limit=tier.max_leverage, notional=notional))
    if quantity <= 0 or quantity < instrument.min_quantity:
        violations.append(DomainError.rejected(
            "sizing.min_quantity", f"quantity {quantity} is below the minimum "
            f"{instrument.min_quantity}", quantity=quantity, limit=instrument.min_quantity))
    if notional < instrument.min_notional:
        violations.append(DomainError.rejected(
            "sizing.min_notional", f"notional {notional} is below the minimum "
            f"{instrument.min_notional}", notional=notional, limit=instrument.min_notional))
    if violations:
        if len(violations) == 1:
            return Failure(violations[0])
        return Failure(DomainError.all_of("sizing.rejected", violations))
    return Success(PositionSize(
        quantity=quantity,
        is_long=stop < entry,
        notional=notional,
        worst_case_loss=_mul(quantity, per_unit),
        margin=_div(notional, lev),
        risk_budget=budget,
        capped_by_balance=by_balance < by_risk,
    ))


def round_size_down(quantity: Decimal, places: int) -> Decimal:
    """A size for display at ``places`` decimal places, rounded toward zero: the displayed
    size never risks (or margins) more than the exact one.

    >>> round_size_down(Decimal("0.9620009620"), 4), round_size_down(Decimal("-1.23456"), 2)
    (Decimal('0.9620'), Decimal('-1.23'))
    """
    return quantize(quantity, places, Rounding.DOWN)


def kelly_fraction(win_rate: DecimalInput, payoff_ratio: DecimalInput,
                   multiplier: DecimalInput = "1") -> Result[Decimal, DomainError]:
    """Kelly stake fraction ``max(0, p - (1 - p) / b) * multiplier``.

    ``win_rate`` ``p`` in ``[0, 1]``; ``payoff_ratio`` ``b`` > 0 (average win / average loss);
    ``multiplier`` in ``(0, 1]`` (``0.5`` = half Kelly).

    >>> kelly_fraction("0.55", "2", "0.5").unwrap()  # (0.55 - 0.45 / 2) / 2 = 0.325 / 2
    Decimal('0.1625')
    >>> kelly_fraction("0.3", "1").unwrap()  # negative edge: do not trade
    Decimal('0')
    >>> kelly_fraction("1.2", "0").failure().codes()
    ('sizing.win_rate', 'numeric.not_positive')
    """
    p = parse_decimal(win_rate, "win_rate").bind(
        lambda d: Success(d) if 0 <= d <= 1 else Failure(
            DomainError.invalid("sizing.win_rate", "win_rate: must be in [0, 1]", win_rate=d)))
    return collect("sizing.invalid", p, parse_positive(payoff_ratio, "payoff_ratio"),
                   parse_decimal(multiplier, "multiplier").bind(_fraction("multiplier")),
                   ).map(lambda v: _kelly(*v))


def _kelly(p: Decimal, b: Decimal, m: Decimal) -> Decimal:
    full = _sub(p, _div(_sub(ONE, p), b))
    return _mul(full, m) if full > 0 else ZERO


def _fraction(field: str) -> _Check:
    def check(value: Decimal) -> Result[Decimal, DomainError]:
        if 0 < value <= 1:
            return Success(value)
        return Failure(DomainError.invalid(f"sizing.{field}", f"{field}: must be in (0, 1]",
                                      **{field: value}))
    return check


def _below_one(field: str) -> _Check:
    def check(value: Decimal) -> Result[Decimal, DomainError]:
        if value < 1:
            return Success(value)
        return Failure(DomainError.invalid(f"sizing.{field}", f"{field}: must be below 1",
                                      **{field: value}))
    return check


def _at_least_one(value: Decimal) -> Result[Decimal, DomainError]:
    if value >= 1:
        return Success(value)
    return Failure(DomainError.invalid("sizing.leverage", "leverage: must be at least 1",
                                  leverage=value))

