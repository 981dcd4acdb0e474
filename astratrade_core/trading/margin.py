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

``Nothing`` means there is no positive liquidation price: a long collateralised at 1x (or
better) can never reach its maintenance margin; in cross mode a short whose account is already
below maintenance at every price also gets ``Nothing`` (check the account's equity first).

:func:`isolated_liquidation_price_wad` is the on-chain single-bracket algorithm.

>>> from decimal import Decimal as D
>>> from astratrade_core.instrument import Instrument
>>> from astratrade_core.money import BTC, USD
>>> btc = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001",
...                     max_leverage="125").unwrap()
>>> isolated_liquidation_price(btc, D("1"), D("50000"), D("5000")).unwrap()  # 10x long
Decimal('45180.8')
>>> isolated_liquidation_price(btc, D("1"), D("50000"), D("50000"))          # 1x long
<Nothing>
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.instrument import Instrument, MarginTier
from astratrade_core.numeric import (
    CONTEXT,
    ONE,
    U256_MAX,
    WAD,
    ZERO,
    FixedRounding,
    Rounding,
    mul_div,
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
]

_add = CONTEXT.add
_sub = CONTEXT.subtract
_mul = CONTEXT.multiply
_div = CONTEXT.divide
_abs = CONTEXT.abs


def initial_margin(instrument: Instrument, quantity: Decimal, price: Decimal,
                   leverage: Decimal) -> Result[Decimal, DomainError]:
    """``|quantity| * price / leverage``, refusing leverage above the instrument's maximum or
    the maximum of the bracket the notional falls into.  Inputs are validated Decimals.

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
    """
    notional = _mul(_abs(quantity), price)
    if leverage < 1 or leverage > instrument.max_leverage:
        return Failure(DomainError.rejected(
            "margin.max_leverage", f"leverage must be in [1, {instrument.max_leverage}]",
            leverage=leverage, limit=instrument.max_leverage))
    tier = instrument.tier_for(notional)
    if leverage > tier.max_leverage:
        return Failure(DomainError.rejected(
            "margin.tier_leverage", f"notional {notional} allows at most {tier.max_leverage}x",
            leverage=leverage, limit=tier.max_leverage, notional=notional))
    return Success(_div(notional, leverage))


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
) -> Maybe[Decimal]:
    """Liquidation price of an isolated one-way position holding ``margin`` (quote currency).

    ``to_tick=False`` returns the exact root (to CONTEXT's 120 digits) instead of the
    conservatively tick-rounded price.  ``quantity`` must be non-zero, ``entry_price`` positive,
    ``margin`` non-negative (validated Decimals).

    Binance's FAQ example ("Liquidation Protocols", binance.com/en/support/faq/
    25edcd7fe0e544839d0847b8cbb2e400): 500 USDT backing a 1,000 USDT long at 50,000 (0.02 BTC)
    with mmr 0.4 % liquidates at 25,100.40: 500 / (0.02 * 0.996) = 25100.4016...

    >>> from astratrade_core.instrument import margin_tiers
    >>> from astratrade_core.money import BTC, USD
    >>> btc = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.01", lot_size="0.001",
    ...     max_leverage="125", tiers=margin_tiers([("0", None, "125", "0.004")]).unwrap()
    ... ).unwrap()
    >>> isolated_liquidation_price(btc, Decimal("0.02"), Decimal("50000"), Decimal("500"))
    <Some: 25100.41>
    >>> # short: (1000 + 500) / (0.02 * 1.004) = 74701.19...; rounded down
    >>> isolated_liquidation_price(btc, Decimal("-0.02"), Decimal("50000"), Decimal("500"))
    <Some: 74701.19>
    """
    return _liquidation_price(instrument, quantity, entry_price, margin, to_tick)


def cross_liquidation_price(
    instrument: Instrument, quantity: Decimal, entry_price: Decimal, wallet_balance: Decimal,
    others: Iterable[tuple[Instrument, Position]] = (), *, to_tick: bool = True,
) -> Maybe[Decimal]:
    """Liquidation price of one position in a cross-margin account.

    ``others`` are the account's other positions, each with its instrument and current price;
    their maintenance margin (TMM1) and unrealized P&L (UPNL1) are held fixed, as in Binance's
    formula.  Rounding and ``Nothing`` as for :func:`isolated_liquidation_price`.

    >>> from astratrade_core.money import BTC, ETH, USD
    >>> btc = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001",
    ...                     max_leverage="100").unwrap()         # single bracket, mmr 0.005
    >>> eth = Instrument.of("ETHUSDT", ETH, USD, tick_size="0.01", lot_size="0.01",
    ...                     max_leverage="50").unwrap()          # single bracket, mmr 0.01
    >>> other = (eth, Position("ETH", Decimal("10"), Decimal("2000"), Decimal("1900")))
    >>> # C = 3000 - 190 (10 * 1900 * 0.01) - 1000 (10 * -100) = 1810
    >>> # LP = (1 * 30000 - 1810) / (1 * 0.995) = 28331.65...; rounded up
    >>> cross_liquidation_price(btc, Decimal("1"), Decimal("30000"), Decimal("3000"), [other])
    <Some: 28331.7>
    """
    collateral = wallet_balance
    for other_instrument, position in others:
        collateral = _add(_sub(collateral, maintenance_margin(
            other_instrument, position.quantity, position.current_price)),
            calculate_pnl(position))
    return _liquidation_price(instrument, quantity, entry_price, collateral, to_tick)


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
    rounding = Rounding.CEILING if quantity > 0 else Rounding.FLOOR
    return Some(round_to_increment(price, instrument.tick_size, rounding))


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
    if quantity <= 0 or not 0 <= maintenance_rate < WAD:
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
