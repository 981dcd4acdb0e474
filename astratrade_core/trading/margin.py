"""Margin and liquidation for linear (USDⓈ-margined) perpetuals, Binance-style.

Notation: ``q`` signed size in base units (negative = short), ``e`` entry price, ``P`` mark
price, ``N = |q| * P`` the notional, and a maintenance bracket ``(mmr, cum)`` from
:attr:`Instrument.tiers <astratrade_core.instrument.Instrument.tiers>`.

* initial margin ``= N / leverage``;
* maintenance margin ``MM(P) = N * mmr - cum`` with the bracket that contains ``N`` (continuous
  across brackets thanks to the maintenance amount ``cum``);
* liquidation happens when the position's equity ``C + q * (P - e)`` falls to ``MM(P)``, where
  ``C`` is the isolated margin, or, in cross mode, ``WB - TMM1 + UPNL1`` (wallet balance minus
  the other positions' maintenance plus their unrealized P&L).  Solving for ``P`` gives
  Binance's one-way-mode formula ("How to Calculate Liquidation Price of USDⓈ-M Futures
  Contracts", binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93)::

      LP = (WB - TMM1 + UPNL1 + cumB - Side * |q| * e) / (|q| * mmr - Side * |q|)

  i.e. ``(|q| e - C - cum) / (|q| (1 - mmr))`` for a long and
  ``(|q| e + C + cum) / (|q| (1 + mmr))`` for a short.  The bracket is the one that contains
  the notional *at the liquidation price* (Binance's note: "substitute the maintenance margin
  rate and amount of the level calculated at the liquidation price"); equity minus ``MM`` is
  strictly monotonic in ``P``, so exactly one bracket yields a consistent root.

Rounding: exact prices are rounded to the instrument's tick **toward the entry** - a long's
liquidation price up (``CEILING``), a short's down (``FLOOR``).  That is conservative for both
sides: the trader is warned no later than the true threshold, and at the rounded price the
equity is still at least the maintenance margin, so the protocol liquidates while solvent.
A tick coarser than the entry price is refused (``margin.tick_too_coarse``, invalid input):
rounding toward the entry could not keep the answer below a long's entry.  For display at a
number of decimal places the same directions are :func:`round_liquidation_price`, and a
margin rounds **up** (:func:`round_margin_up`: the trader posts at least the requirement).

Impossible positions: an isolated position whose margin does not exceed its maintenance
margin at the entry price would be liquidated the moment it opens (a long at 50,000 with 10x
leverage and a maintenance rate of 0.2 needs 10,000 of maintenance but posts 5,000: its
"liquidation price" 56,250 lies above its entry).  :func:`initial_margin` and
:func:`isolated_liquidation_price` refuse it with the rejected error
``margin.liquidated_on_open`` (and so does the latter when its tick-rounded price reaches the
entry: the position is within one tick of liquidation).  :func:`cross_liquidation_price`
answers for positions already held, whose liquidation price may legitimately lie beyond the
entry once other positions have lost; check the account's equity first.

``Nothing`` means there is no positive liquidation price: a long collateralised at 1x (or
better) can never reach its maintenance margin; in cross mode a short whose account is already
below maintenance at every price also gets ``Nothing``.

Inputs are validated ``Decimal`` values, possibly computed (an average entry, a margin
``notional / leverage``); the Result-returning functions check them with
:func:`~astratrade_core.numeric.check_computed` and refuse a zero quantity, a non-positive
price or a negative margin as invalid input.

:func:`isolated_liquidation_price_wad` is the on-chain single-bracket algorithm.

>>> from decimal import Decimal as D
>>> from astratrade_core.instrument import Instrument
>>> from astratrade_core.money import BTC, USD
>>> btc = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001",
...                     max_leverage="125").unwrap()
>>> isolated_liquidation_price(btc, D("1"), D("50000"), D("5000"))   # 10x long
<Success: <Some: 45180.8>>
>>> isolated_liquidation_price(btc, D("1"), D("50000"), D("50000"))  # 1x long
<Success: <Nothing>>
>>> isolated_liquidation_price(btc, D("1"), D("50000"), D("100")).failure().code  # 500x
'margin.liquidated_on_open'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect
from astratrade_core.instrument import Instrument, MarginTier
from astratrade_core.numeric import (
    CONTEXT,
    ONE,
    U256_MAX,
    WAD,
    ZERO,
    FixedRounding,
    Rounding,
    check_computed,
    is_u256,
    mul_div,
    quantize,
    round_to_increment,
)
from astratrade_core.trading.pnl import Position, calculate_pnl

__all__ = [
    "cross_liquidation_price",
    "equity_at",
    "initial_margin",
    "isolated_liquidation_price",
    "isolated_liquidation_price_wad",
    "maintenance_margin",
    "margin_ratio",
    "round_liquidation_price",
    "round_margin_up",
]

_add = CONTEXT.add
_sub = CONTEXT.subtract
_mul = CONTEXT.multiply
_div = CONTEXT.divide
_abs = CONTEXT.abs


def initial_margin(instrument: Instrument, quantity: Decimal, price: Decimal,
                   leverage: Decimal) -> Result[Decimal, DomainError]:
    """``|quantity| * price / leverage`` for a position opening at ``price``.

    Refuses (rejected) leverage above the instrument's maximum or the maximum of the bracket
    the notional falls into, and a position whose initial margin does not exceed its
    maintenance margin at ``price`` (``margin.liquidated_on_open``).  Invalid input: a
    non-finite or out-of-range value, a non-positive price, leverage below 1.  The result
    is exact to CONTEXT's 120 digits; :func:`round_margin_up` rounds it for display.

    >>> from astratrade_core.instrument import margin_tiers
    >>> from astratrade_core.money import BTC, USD
    >>> tiers = margin_tiers([("0", "50000", "125", "0.004"),
    ...                       ("50000", None, "100", "0.005")]).unwrap()
    >>> btc = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001",
    ...                     max_leverage="125", tiers=tiers).unwrap()
    >>> initial_margin(btc, Decimal("-2"), Decimal("30000"), Decimal("20")).unwrap()
    Decimal('3000')
    >>> initial_margin(btc, Decimal("2"), Decimal("30000"), Decimal("125")).failure().code
    'margin.tier_leverage'
    >>> # maintenance rate 0.2 at 10x: 5000 of margin against 10000 of maintenance
    >>> steep = Instrument.of("X", BTC, USD, tick_size="0.1", lot_size="0.001",
    ...     max_leverage="10", tiers=margin_tiers([("0", None, "10", "0.2")]).unwrap()).unwrap()
    >>> initial_margin(steep, Decimal("1"), Decimal("50000"), Decimal("10")).failure().code
    'margin.liquidated_on_open'
    """
    checked = collect("margin.invalid", check_computed(quantity, "quantity"),
                      check_computed(price, "price").bind(_positive("price")),
                      check_computed(leverage, "leverage").bind(_at_least_one))
    return checked.bind(lambda v: _initial_margin(instrument, *v))


def _initial_margin(instrument: Instrument, quantity: Decimal, price: Decimal,
                    leverage: Decimal) -> Result[Decimal, DomainError]:
    notional = _mul(_abs(quantity), price)
    if leverage > instrument.max_leverage:
        return Failure(DomainError.rejected(
            "margin.max_leverage", f"leverage must be in [1, {instrument.max_leverage}]",
            leverage=leverage, limit=instrument.max_leverage))
    tier = instrument.tier_for(notional)
    if leverage > tier.max_leverage:
        return Failure(DomainError.rejected(
            "margin.tier_leverage", f"notional {notional} allows at most {tier.max_leverage}x",
            leverage=leverage, limit=tier.max_leverage, notional=notional))
    margin = _div(notional, leverage)
    if quantity:
        opening = _opening(instrument, quantity, price, margin)
        if isinstance(opening, Failure):
            return opening
    return Success(margin)


def _opening(instrument: Instrument, quantity: Decimal, entry: Decimal,
             margin: Decimal) -> Result[Decimal, DomainError]:
    """``margin`` when it exceeds the maintenance margin at ``entry``; else the refusal."""
    maintenance = maintenance_margin(instrument, quantity, entry)
    if margin > maintenance:
        return Success(margin)
    return Failure(DomainError.rejected(
        "margin.liquidated_on_open",
        f"the position would be liquidated on opening: margin {margin} does not exceed the "
        f"maintenance margin {maintenance} at the entry {entry}",
        margin=margin, maintenance=maintenance, entry_price=entry))


def _positive(field: str) -> Callable[[Decimal], Result[Decimal, DomainError]]:
    def check(value: Decimal) -> Result[Decimal, DomainError]:
        if value > 0:
            return Success(value)
        return Failure(DomainError.invalid("numeric.not_positive",
                                           f"{field}: must be greater than zero", field=field))
    return check


def _at_least_one(value: Decimal) -> Result[Decimal, DomainError]:
    if value >= 1:
        return Success(value)
    return Failure(DomainError.invalid("margin.leverage", "leverage: must be at least 1",
                                       leverage=value))


def _nonzero(value: Decimal) -> Result[Decimal, DomainError]:
    if value:
        return Success(value)
    return Failure(DomainError.invalid("margin.zero_quantity",
                                       "quantity: a position must hold something"))


def _non_negative(field: str) -> Callable[[Decimal], Result[Decimal, DomainError]]:
    def check(value: Decimal) -> Result[Decimal, DomainError]:
        if value >= 0:
            return Success(value)
        return Failure(DomainError.invalid("numeric.negative", f"{field}: must not be negative",
                                           field=field))
    return check


def _position_inputs(instrument: Instrument, quantity: Decimal, entry_price: Decimal,
                     collateral: Result[Decimal, DomainError], to_tick: bool,
                     ) -> Result[tuple[Decimal, Decimal, Decimal], DomainError]:
    entry = check_computed(entry_price, "entry_price").bind(_positive("entry_price"))
    if to_tick and isinstance(entry, Success) and instrument.tick_size > entry_price:
        entry = Failure(DomainError.invalid(
            "margin.tick_too_coarse",
            f"tick size {instrument.tick_size} is coarser than the entry price {entry_price}",
            tick_size=instrument.tick_size, entry_price=entry_price))
    return collect("margin.invalid", check_computed(quantity, "quantity").bind(_nonzero),
                   entry, collateral)


def maintenance_margin(instrument: Instrument, quantity: Decimal, mark_price: Decimal) -> Decimal:
    """``N * mmr - cum`` for the bracket containing ``N = |quantity| * mark_price``.

    >>> from astratrade_core.instrument import margin_tiers
    >>> from astratrade_core.money import BTC, USD
    >>> tiers = margin_tiers([("0", "50000", "125", "0.004"),
    ...                       ("50000", None, "100", "0.005")]).unwrap()
    >>> btc = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001",
    ...                     max_leverage="125", tiers=tiers).unwrap()
    >>> maintenance_margin(btc, Decimal("2"), Decimal("30000"))  # 60000 * 0.005 - 50
    Decimal('250.000')
    """
    notional = _mul(_abs(quantity), mark_price)
    tier = instrument.tier_for(notional)
    return _sub(_mul(notional, tier.maintenance_margin_rate), tier.maintenance_amount)


def equity_at(quantity: Decimal, entry_price: Decimal, collateral: Decimal,
              mark_price: Decimal) -> Decimal:
    """A position's equity at ``mark_price``: ``collateral + quantity * (mark - entry)``.

    >>> equity_at(Decimal("-1"), Decimal("100"), Decimal("10"), Decimal("105"))
    Decimal('5')
    """
    return _add(collateral, _mul(quantity, _sub(mark_price, entry_price)))


def margin_ratio(instrument: Instrument, quantity: Decimal, entry_price: Decimal,
                 collateral: Decimal, mark_price: Decimal) -> Maybe[Decimal]:
    """Binance's margin ratio at ``mark_price``: maintenance margin over margin balance,
    ``MM(P) / (C + q * (P - e))``, a fraction; the position is liquidated when it reaches 1.

    ``collateral`` is the isolated margin, or in cross mode the wallet balance net of the
    other positions.  ``Nothing`` when the margin balance is zero or negative (the position
    is past bankruptcy: no ratio describes it).

    >>> from astratrade_core.instrument import margin_tiers
    >>> from astratrade_core.money import BTC, USD
    >>> tiers = margin_tiers([("0", "50000", "125", "0.004"),
    ...                       ("50000", None, "100", "0.005")]).unwrap()
    >>> btc = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001",
    ...                     max_leverage="125", tiers=tiers).unwrap()
    >>> # 1 BTC long from 50,000 on 5,000 margin, marked at 48,000: MM 48000 * 0.004 = 192,
    >>> # balance 5000 - 2000 = 3000, ratio 192 / 3000
    >>> margin_ratio(btc, Decimal("1"), Decimal("50000"), Decimal("5000"), Decimal("48000"))
    <Some: 0.064>
    >>> margin_ratio(btc, Decimal("1"), Decimal("50000"), Decimal("5000"), Decimal("45000"))
    <Nothing>
    """
    balance = equity_at(quantity, entry_price, collateral, mark_price)
    if balance <= 0:
        return Nothing
    return Some(_div(maintenance_margin(instrument, quantity, mark_price), balance))


def isolated_liquidation_price(
    instrument: Instrument, quantity: Decimal, entry_price: Decimal, margin: Decimal,
    *, to_tick: bool = True,
) -> Result[Maybe[Decimal], DomainError]:
    """Liquidation price of an isolated one-way position holding ``margin`` (quote currency).

    ``to_tick=False`` returns the exact root (to CONTEXT's 120 digits) instead of the
    conservatively tick-rounded price.  ``quantity`` must be non-zero, ``entry_price``
    positive (and not finer than the tick when ``to_tick``), ``margin`` non-negative.
    Refused (``margin.liquidated_on_open``) when the margin does not exceed the maintenance
    margin at the entry, or the tick-rounded price reaches the entry.

    Binance's FAQ example ("Liquidation Protocols", binance.com/en/support/faq/
    25edcd7fe0e544839d0847b8cbb2e400): 500 USDT backing a 1,000 USDT long at 50,000 (0.02 BTC)
    with mmr 0.4 % liquidates at 25,100.40: 500 / (0.02 * 0.996) = 25100.4016...

    >>> from astratrade_core.instrument import margin_tiers
    >>> from astratrade_core.money import BTC, USD
    >>> btc = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.01", lot_size="0.001",
    ...     max_leverage="125", tiers=margin_tiers([("0", None, "125", "0.004")]).unwrap()
    ... ).unwrap()
    >>> isolated_liquidation_price(btc, Decimal("0.02"), Decimal("50000"), Decimal("500"))
    <Success: <Some: 25100.41>>
    >>> # short: (1000 + 500) / (0.02 * 1.004) = 74701.19...; rounded down
    >>> isolated_liquidation_price(btc, Decimal("-0.02"), Decimal("50000"), Decimal("500"))
    <Success: <Some: 74701.19>>
    >>> isolated_liquidation_price(btc, Decimal("0"), Decimal("50000"), Decimal("500")
    ...                            ).failure().codes()
    ('margin.zero_quantity',)
    """
    collateral = check_computed(margin, "margin").bind(_non_negative("margin"))
    return _position_inputs(instrument, quantity, entry_price, collateral, to_tick).bind(
        lambda v: _isolated(instrument, *v, to_tick))


def _isolated(instrument: Instrument, quantity: Decimal, entry: Decimal, margin: Decimal,
              to_tick: bool) -> Result[Maybe[Decimal], DomainError]:
    opening = _opening(instrument, quantity, entry, margin)
    if isinstance(opening, Failure):
        return opening
    found = _liquidation_price(instrument, quantity, entry, margin, to_tick)
    match found:
        case Some(price) if (price >= entry if quantity > 0 else price <= entry):
            return Failure(DomainError.rejected(
                "margin.liquidated_on_open",
                f"the liquidation price {price}, rounded to the tick "
                f"{instrument.tick_size}, reaches the entry {entry}: the position is within "
                f"one tick of liquidation on opening",
                liquidation_price=price, entry_price=entry, tick_size=instrument.tick_size))
    return Success(found)


def cross_liquidation_price(
    instrument: Instrument, quantity: Decimal, entry_price: Decimal, wallet_balance: Decimal,
    others: Iterable[tuple[Instrument, Position]] = (), *, to_tick: bool = True,
) -> Result[Maybe[Decimal], DomainError]:
    """Liquidation price of one position in a cross-margin account.

    ``others`` are the account's other positions, each with its instrument and current price;
    their maintenance margin (TMM1) and unrealized P&L (UPNL1) are held fixed, as in Binance's
    formula.  Rounding, ``Nothing`` and invalid input as for
    :func:`isolated_liquidation_price` (``wallet_balance`` may be negative); no opening check
    (see the module docstring).

    >>> from astratrade_core.money import BTC, ETH, USD
    >>> btc = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001",
    ...                     max_leverage="100").unwrap()         # single bracket, mmr 0.005
    >>> eth = Instrument.of("ETHUSDT", ETH, USD, tick_size="0.01", lot_size="0.01",
    ...                     max_leverage="50").unwrap()          # single bracket, mmr 0.01
    >>> other = (eth, Position("ETH", Decimal("10"), Decimal("2000"), Decimal("1900")))
    >>> # C = 3000 - 190 (10 * 1900 * 0.01) - 1000 (10 * -100) = 1810
    >>> # LP = (1 * 30000 - 1810) / (1 * 0.995) = 28331.65...; rounded up
    >>> cross_liquidation_price(btc, Decimal("1"), Decimal("30000"), Decimal("3000"), [other])
    <Success: <Some: 28331.7>>
    """
    def collateral(wallet: Decimal) -> Decimal:
        for other_instrument, position in others:
            wallet = _add(_sub(wallet, maintenance_margin(
                other_instrument, position.quantity, position.current_price)),
                calculate_pnl(position))
        return wallet

    wallet = check_computed(wallet_balance, "wallet_balance").map(collateral)
    return _position_inputs(instrument, quantity, entry_price, wallet, to_tick).map(
        lambda v: _liquidation_price(instrument, *v, to_tick))


def _liquidation_price(instrument: Instrument, quantity: Decimal, entry_price: Decimal,
                       collateral: Decimal, to_tick: bool) -> Maybe[Decimal]:
    size = _abs(quantity)
    best: tuple[Decimal, Decimal] | None = None  # (distance to its bracket, candidate)
    for tier in instrument.tiers:
        candidate = _root(tier, quantity, size, entry_price, collateral)
        if candidate <= 0:
            continue
        distance = _outside(tier, _mul(size, candidate))
        if best is None or distance < best[0]:
            best = (distance, candidate)
        if distance == 0:
            break
    if best is None:
        return Nothing
    price = best[1]
    if not to_tick:
        return Some(price)
    return Some(round_to_increment(price, instrument.tick_size, _earlier(quantity)))


def _earlier(quantity: Decimal) -> Rounding:
    """Toward the entry: the direction that warns of (and liquidates) a position earlier."""
    rounding = Rounding.CEILING if quantity > 0 else Rounding.FLOOR
    return rounding


def round_liquidation_price(price: Decimal, quantity: Decimal, places: int) -> Decimal:
    """A liquidation price for display at ``places`` decimal places, rounded toward the side
    that liquidates earlier: a long's (``quantity > 0``) up, a short's down.

    >>> round_liquidation_price(Decimal("45226.1306"), Decimal("1"), 2)
    Decimal('45226.14')
    >>> round_liquidation_price(Decimal("54726.3681"), Decimal("-1"), 2)
    Decimal('54726.36')
    """
    return quantize(price, places, _earlier(quantity))


def round_margin_up(margin: Decimal, places: int) -> Decimal:
    """A margin requirement for display at ``places`` decimal places, rounded up: posting the
    displayed amount always covers the exact requirement.

    >>> round_margin_up(Decimal("16666.666666"), 2)
    Decimal('16666.67')
    """
    return quantize(margin, places, Rounding.CEILING)


def _root(tier: MarginTier, quantity: Decimal, size: Decimal, entry: Decimal,
          collateral: Decimal) -> Decimal:
    # C + q (P - e) = |q| P mmr - cum  =>  P = (q e - C - cum) / (q - |q| mmr)
    numerator = _sub(_sub(_mul(quantity, entry), collateral), tier.maintenance_amount)
    return _div(numerator, _sub(quantity, _mul(size, tier.maintenance_margin_rate)))


def _outside(tier: MarginTier, notional: Decimal) -> Decimal:
    if notional < tier.notional_floor:
        return _sub(tier.notional_floor, notional)
    if tier.notional_cap is not None and notional >= tier.notional_cap:
        return _add(_sub(notional, tier.notional_cap), ONE)
    return ZERO


def isolated_liquidation_price_wad(
    quantity: int, entry_price: int, margin: int, maintenance_rate: int,
    maintenance_amount: int, *, is_long: bool,
) -> Result[int, DomainError]:
    """The on-chain isolated liquidation price for one maintenance bracket, all values wad.

    ``quantity`` is the unsigned size; ``0`` stands for "no liquidation price" (``Nothing``).
    Every input must be an integer in ``[0, 2**256)`` (``margin.wad_input`` otherwise).
    Algorithm (Cairo mirror; products are checked u256 multiplications, which panic on
    overflow in Cairo and fail here)::

        base  = quantity * entry_price                      # wad^2
        cover = (margin + maintenance_amount) * WAD         # wad^2
        long:  if base <= cover: 0
               else mul_div(base - cover, WAD, quantity * (WAD - mmr), CEIL)
        short: mul_div(base + cover, WAD, quantity * (WAD + mmr), FLOOR)

    Every step is exact except the final division, which rounds toward the entry as the
    Decimal version does - so the result is the exact price's ceiling (long) or floor (short)
    in wad units.

    >>> w = 10**18
    >>> # ceil(45000 / 0.995 * 1e18), checked with fractions.Fraction
    >>> isolated_liquidation_price_wad(w, 50_000 * w, 5_000 * w, w // 200, 0, is_long=True).unwrap()
    45226130653266331658292
    >>> isolated_liquidation_price_wad(w, 100 * w, 100 * w, w // 100, 0, is_long=True).unwrap()
    0
    """
    inputs = (quantity, entry_price, margin, maintenance_rate, maintenance_amount)
    if not all(is_u256(value) for value in inputs):
        return Failure(DomainError.invalid("margin.wad_input", "every input must be a u256"))
    if quantity == 0 or maintenance_rate >= WAD:
        return Failure(DomainError.invalid("margin.wad_input",
                                           "quantity must be positive and mmr below one wad"))
    base = quantity * entry_price
    cover = (margin + maintenance_amount) * WAD
    scale = WAD - maintenance_rate if is_long else WAD + maintenance_rate
    denominator = quantity * scale
    # Every checked product is formed before any early return, as in Cairo.
    if max(base, cover, denominator) > U256_MAX:
        return Failure(DomainError.invalid("numeric.overflow", "intermediate exceeds u256"))
    if is_long:
        if base <= cover:
            return Success(0)
        numerator = base - cover
        rounding = FixedRounding.CEIL
    else:
        numerator = base + cover
        rounding = FixedRounding.FLOOR
    if numerator > U256_MAX:
        return Failure(DomainError.invalid("numeric.overflow", "intermediate exceeds u256"))
    return mul_div(numerator, WAD, denominator, rounding)
