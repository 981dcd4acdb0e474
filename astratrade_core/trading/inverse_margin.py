"""Margin, liquidation and sizing for inverse (coin-margined) contracts, Binance COIN-M style,
every amount in the base coin; with the on-chain liquidation price.

Notation: ``n`` signed contracts, ``S`` the contract size (quote units per contract), ``e`` the
entry price, ``P`` a price, ``u(P) = |n| S / P`` the position's value in coin at ``P`` (the
*notional* that picks a bracket of :attr:`Instrument.tiers
<astratrade_core.instrument.Instrument.tiers>`, whose bounds are coin amounts), ``Side`` = +1
long / -1 short.

* initial margin ``= u(P) / leverage`` ("Leverage and Margin in Coin-Margined Futures
  Contracts", binance.com/en/support/faq/be2c7d9d95b04a7e8044ed02dd7dfe5c: "Initial Margin
  Rate = 1 / Leverage"), refusing leverage above the instrument's or the bracket's maximum;
* maintenance margin ``MM(P) = u(P) * mmr - cum`` with the bracket containing ``u(P)``
  ("How to Calculate Liquidation Price of COIN-M Futures Contracts",
  binance.com/en/support/faq/ceccfcfb4e3a45e3b48b0b1bb1a8ae46: "Maintenance Margin = Position
  Notional * Maintenance Margin Rate on the level of position notional - Maintenance Amount";
  the amount ``cum`` makes ``MM`` continuous across brackets, see
  :func:`~astratrade_core.instrument.margin_tiers`);
* the position is liquidated where its margin balance ``C + Side |n| S (1/e - 1/P)`` falls to
  ``MM(P)``; ``C`` is the isolated margin, or in cross mode ``WB - TMM1 + UPNL1`` (the coin's
  wallet balance minus the other positions' maintenance plus their unrealized P&L, all in that
  coin).  Solving gives Binance's COIN-M formula (same FAQ; one-way mode)::

      LP = |n| S (mmr + Side) / (WB - TMM1 + UPNL1 + cum + Side |n| S / e)

  i.e. ``|n| S (1 + mmr) / (C + cum + |n| S / e)`` for a long and
  ``|n| S (1 - mmr) / (|n| S / e - C - cum)`` for a short (ccxt's Binance ``parsePositionRisk``
  inverts this same relation for COIN-M positions).  The bracket is the one containing
  ``u(LP)`` (Binance: "substitute the maintenance margin rate and amount of the level
  calculated at the liquidation price"): margin balance minus ``MM`` is strictly monotonic in
  ``u``, so exactly one bracket yields a consistent root.

Unlike a linear long, an inverse long always has a liquidation price (its losses in coin are
unbounded as the price falls toward zero: a 1x long liquidates near half its entry), while a
short backed by at least its value in coin (``C >= |n| S / e``, a "1x short", a synthetic
dollar) never reaches maintenance: :data:`~returns.maybe.Nothing`.

A position whose margin is at or below its maintenance margin at the entry would be liquidated
as it opens: the liquidation functions refuse it (``inverse.liquidated_on_open``, rejected).

Rounding: liquidation prices go to the instrument's tick **toward the entry** (a long's up, a
short's down): the trader is warned no later than the true threshold and the protocol
liquidates while the position is still solvent.  Sizes round **down** to whole lots of
contracts, computed exactly (with fractions), so the worst-case loss never exceeds the budget.

>>> from astratrade_core.instrument import Instrument, InstrumentKind
>>> from astratrade_core.money import BTC, USD
>>> btcusd = Instrument.of("BTCUSD_PERP", BTC, USD, tick_size="0.1", lot_size="1",
...     max_leverage="125", kind=InstrumentKind.INVERSE, contract_size="100").unwrap()
>>> # 1,000 contracts (100,000 USD) long at 50,000 = 2 BTC, backed by 0.2 BTC (10x), mmr 0.4 %:
>>> # 100000 * 1.004 / (0.2 + 2) = 45636.36..., rounded up to the tick
>>> inverse_isolated_liquidation_price(btcusd, "1000", "50000", "0.2").unwrap()
<Some: 45636.4>
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from fractions import Fraction

from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect, collect_all
from astratrade_core.instrument import Instrument, MarginTier
from astratrade_core.numeric import (
    CONTEXT,
    ONE,
    U256_MAX,
    WAD,
    ZERO,
    DecimalInput,
    FixedRounding,
    Rounding,
    mul_div,
    parse_decimal,
    parse_non_negative,
    parse_positive,
    round_to_increment,
)
from astratrade_core.trading.inverse import InversePosition, inverse_pnl, require_inverse
from astratrade_core.trading.sizing import PositionSize

__all__ = [
    "inverse_cross_liquidation_price",
    "inverse_fixed_fractional_size",
    "inverse_initial_margin",
    "inverse_isolated_liquidation_price",
    "inverse_isolated_liquidation_price_wad",
    "inverse_maintenance_margin",
]

_add = CONTEXT.add
_sub = CONTEXT.subtract
_mul = CONTEXT.multiply
_div = CONTEXT.divide
_abs = CONTEXT.abs


def _value(instrument: Instrument, contracts: Decimal, price: Decimal) -> Decimal:
    """``|contracts| * contract_size / price``: the position's value in coin at ``price``."""
    return _div(_mul(_abs(contracts), instrument.contract_size), price)


def _maintenance(instrument: Instrument, value: Decimal) -> Decimal:
    tier = instrument.tier_for(value)
    return _sub(_mul(value, tier.maintenance_margin_rate), tier.maintenance_amount)


def inverse_initial_margin(instrument: Instrument, contracts: DecimalInput, price: DecimalInput,
                           leverage: DecimalInput) -> Result[Decimal, DomainError]:
    """Initial margin in coin: ``|contracts| * size / price / leverage``, refusing leverage
    above the instrument's maximum (``margin.max_leverage``) or the maximum of the bracket the
    coin value falls into (``margin.tier_leverage``), both rejected.

    >>> from astratrade_core.instrument import InstrumentKind, margin_tiers
    >>> from astratrade_core.money import BTC, USD
    >>> tiers = margin_tiers([("0", "5", "125", "0.004"), ("5", None, "100", "0.005")]).unwrap()
    >>> btcusd = Instrument.of("BTCUSD_PERP", BTC, USD, tick_size="0.1", lot_size="1",
    ...     max_leverage="125", tiers=tiers, kind=InstrumentKind.INVERSE,
    ...     contract_size="100").unwrap()
    >>> inverse_initial_margin(btcusd, "-2000", "40000", "20").unwrap()   # 5 BTC / 20
    Decimal('0.25')
    >>> inverse_initial_margin(btcusd, "2000", "40000", "125").failure().code
    'margin.tier_leverage'
    """
    parsed = collect("inverse.invalid_margin", require_inverse(instrument),
                     parse_decimal(contracts, "contracts"), parse_positive(price, "price"),
                     parse_positive(leverage, "leverage"))
    match parsed:
        case Success((inst, n, p, lev)):
            value = _value(inst, n, p)
            return _leverage_allowed(inst, value, lev).map(lambda _: _div(value, lev))
        case _:
            return parsed.map(lambda _: ZERO)


def _leverage_allowed(instrument: Instrument, value: Decimal,
                      leverage: Decimal) -> Result[Decimal, DomainError]:
    if leverage < 1 or leverage > instrument.max_leverage:
        return Failure(DomainError.rejected(
            "margin.max_leverage", f"leverage must be in [1, {instrument.max_leverage}]",
            leverage=leverage, limit=instrument.max_leverage))
    tier = instrument.tier_for(value)
    if leverage > tier.max_leverage:
        return Failure(DomainError.rejected(
            "margin.tier_leverage", f"a value of {value} allows at most {tier.max_leverage}x",
            leverage=leverage, limit=tier.max_leverage, notional=value))
    return Success(leverage)


def inverse_maintenance_margin(instrument: Instrument, contracts: DecimalInput,
                               mark_price: DecimalInput) -> Result[Decimal, DomainError]:
    """Maintenance margin in coin: ``u * mmr - cum`` for the bracket containing the value
    ``u = |contracts| * size / mark``.

    Binance's example (COIN-M liquidation FAQ): 100 BTCUSD contracts at a mark of 25,000 are
    worth 100 * 100 / 25,000 = 0.4 BTC, level 1 (0.4 %, amount 0): 0.0016 BTC.

    >>> from astratrade_core.instrument import InstrumentKind, margin_tiers
    >>> from astratrade_core.money import BTC, USD
    >>> tiers = margin_tiers([("0", "5", "125", "0.004"), ("5", None, "100", "0.005")]).unwrap()
    >>> btcusd = Instrument.of("BTCUSD_PERP", BTC, USD, tick_size="0.1", lot_size="1",
    ...     max_leverage="125", tiers=tiers, kind=InstrumentKind.INVERSE,
    ...     contract_size="100").unwrap()
    >>> inverse_maintenance_margin(btcusd, "100", "25000").unwrap()
    Decimal('0.0016')
    """
    return collect("inverse.invalid_margin", require_inverse(instrument),
                   parse_decimal(contracts, "contracts"), parse_positive(mark_price, "mark_price"),
                   ).map(lambda v: _maintenance(v[0], _value(v[0], v[1], v[2])))


def inverse_isolated_liquidation_price(
    instrument: Instrument, contracts: DecimalInput, entry_price: DecimalInput,
    margin: DecimalInput, *, to_tick: bool = True,
) -> Result[Maybe[Decimal], DomainError]:
    """Liquidation price of an isolated inverse position holding ``margin`` (coin).

    ``Success(Nothing)``: no price reaches maintenance (a short backed by its value);
    ``to_tick=False`` gives the exact root (120 digits) instead of the tick-rounded price.
    Failures: ``inverse.invalid_liquidation`` (bad inputs, all listed; zero contracts),
    ``inverse.liquidated_on_open`` (rejected).

    >>> from astratrade_core.instrument import InstrumentKind
    >>> from astratrade_core.money import BTC, USD
    >>> btcusd = Instrument.of("BTCUSD_PERP", BTC, USD, tick_size="0.1", lot_size="1",
    ...     max_leverage="125", kind=InstrumentKind.INVERSE, contract_size="100").unwrap()
    >>> # short 1,000 at 50,000 (2 BTC) with 0.2 BTC: 100000 * 0.996 / (2 - 0.2) = 55333.33..
    >>> inverse_isolated_liquidation_price(btcusd, "-1000", "50000", "0.2").unwrap()
    <Some: 55333.3>
    >>> inverse_isolated_liquidation_price(btcusd, "-1000", "50000", "2").unwrap()   # 1x short
    <Nothing>
    >>> inverse_isolated_liquidation_price(btcusd, "1000", "50000", "0.008").failure().code
    'inverse.liquidated_on_open'
    """
    parsed = collect("inverse.invalid_liquidation", require_inverse(instrument),
                     _contracts(contracts), parse_positive(entry_price, "entry_price"),
                     parse_non_negative(margin, "margin"))
    return parsed.bind(lambda v: _liquidation_price(v[0], v[1], v[2], v[3], to_tick))


def inverse_cross_liquidation_price(
    instrument: Instrument, contracts: DecimalInput, entry_price: DecimalInput,
    wallet_balance: DecimalInput, others: Iterable[tuple[Instrument, InversePosition]] = (),
    *, to_tick: bool = True,
) -> Result[Maybe[Decimal], DomainError]:
    """Liquidation price of one inverse position in a cross-margin account of its coin.

    ``others`` are the account's other positions margined in the same coin, each with its
    instrument, valued at its own mark: their maintenance (TMM1) and unrealized P&L (UPNL1) are
    held fixed, as in Binance's formula.  Their values are checked too; one in another coin is
    invalid input (``inverse.margin_coin``).  Otherwise as
    :func:`inverse_isolated_liquidation_price`.

    >>> from decimal import Decimal as D
    >>> from astratrade_core.instrument import InstrumentKind
    >>> from astratrade_core.money import BTC, USD
    >>> btcusd = Instrument.of("BTCUSD_PERP", BTC, USD, tick_size="0.1", lot_size="1",
    ...     max_leverage="100", kind=InstrumentKind.INVERSE, contract_size="100").unwrap()
    >>> quarterly = Instrument.of("BTCUSD_QTR", BTC, USD, tick_size="0.1", lot_size="1",
    ...     max_leverage="50", kind=InstrumentKind.INVERSE, contract_size="100").unwrap()
    >>> other = InversePosition(D("-200"), D("100"), D("40000"), D("50000"))  # 0.4 BTC short
    >>> # C = 1 - 0.004 (0.4 * mmr 0.01) - 0.1 (P&L) = 0.896
    >>> # LP = 200000 * 1.005 / (0.896 + 200000 / 40000) = 34090.90...
    >>> inverse_cross_liquidation_price(btcusd, "2000", "40000", "1", [(quarterly, other)]
    ...                                 ).unwrap()
    <Some: 34091.0>
    """
    listed = list(others)
    parsed = collect("inverse.invalid_liquidation", require_inverse(instrument),
                     _contracts(contracts), parse_positive(entry_price, "entry_price"),
                     parse_non_negative(wallet_balance, "wallet_balance"),
                     _others(instrument, listed))

    def collateral(values: tuple[Instrument, Decimal, Decimal, Decimal,
                                 tuple[InversePosition, ...]],
                   ) -> Result[Maybe[Decimal], DomainError]:
        inst, n, entry, wallet, positions = values
        held = wallet
        for (other, _), position in zip(listed, positions, strict=True):
            maintenance = _maintenance(other, _value(other, position.contracts,
                                                     position.mark_price))
            held = _add(_sub(held, maintenance), inverse_pnl(position))
        return _liquidation_price(inst, n, entry, held, to_tick)

    return parsed.bind(collateral)


def _contracts(value: DecimalInput) -> Result[Decimal, DomainError]:
    return parse_decimal(value, "contracts").bind(
        lambda n: Success(n) if n != 0 else Failure(DomainError.invalid(
            "inverse.zero_contracts", "contracts: a flat position has no liquidation price")))


def _others(instrument: Instrument, others: list[tuple[Instrument, InversePosition]],
            ) -> Result[tuple[InversePosition, ...], DomainError]:
    """The cross account's other positions, each margined in the same coin and with valid
    values (a raw :class:`InversePosition` is re-checked, so the function stays total); every
    problem of every position is listed in one ``inverse.invalid_others`` error."""
    checked = []
    for other, position in others:
        coin: Result[Instrument, DomainError] = Success(other) if (
            other.is_inverse and other.base == instrument.base) else Failure(
            DomainError.invalid("inverse.margin_coin",
                                f"{other.symbol} is not margined in {instrument.base.code}",
                                symbol=other.symbol))
        checked.append(collect(
            "inverse.invalid_others", coin, parse_decimal(position.contracts, "contracts"),
            parse_positive(position.entry_price, "entry_price"),
            parse_positive(position.mark_price, "mark_price")).map(
            lambda v: InversePosition(v[1], v[0].contract_size, v[2], v[3])))
    problems = [cause for result in checked if isinstance(result, Failure)
                for cause in result.failure().causes]
    if problems:
        return Failure(DomainError.all_of("inverse.invalid_others", problems))
    return collect_all("inverse.invalid_others", checked)


def _liquidation_price(instrument: Instrument, contracts: Decimal, entry: Decimal,
                       collateral: Decimal, to_tick: bool) -> Result[Maybe[Decimal], DomainError]:
    entry_value = _value(instrument, contracts, entry)
    at_entry = _maintenance(instrument, entry_value)
    if collateral <= at_entry:
        return Failure(DomainError.rejected(
            "inverse.liquidated_on_open", f"margin {collateral} does not exceed the maintenance "
            f"margin {at_entry} at the entry: the position would be liquidated as it opens",
            margin=collateral, maintenance_margin=at_entry))
    side = ONE if contracts > 0 else CONTEXT.minus(ONE)
    face = _mul(_abs(contracts), instrument.contract_size)
    signed_value = _mul(side, entry_value)
    best: tuple[Decimal, Decimal] | None = None  # (distance to its bracket, candidate)
    for tier in instrument.tiers:
        # C + cum + Side u_e = (Side + mmr) u  at the root u = |n| S / P
        balance = _add(_add(collateral, tier.maintenance_amount), signed_value)
        slope = _add(side, tier.maintenance_margin_rate)
        if balance.is_zero() or balance.is_signed() != slope.is_signed():
            continue  # no positive root in this bracket
        distance = _outside(tier, _div(balance, slope))
        if best is None or distance < best[0]:
            best = (distance, _div(_mul(face, slope), balance))
        if distance == 0:
            break
    if best is None:
        return Success(Nothing)
    if not to_tick:
        return Success(Some(best[1]))
    rounding = Rounding.CEILING if contracts > 0 else Rounding.FLOOR
    return Success(Some(round_to_increment(best[1], instrument.tick_size, rounding)))


def _outside(tier: MarginTier, value: Decimal) -> Decimal:
    """How far ``value`` lies outside the bracket (0 inside): picks the consistent bracket
    even when a root on a boundary rounds a hair outside both neighbours."""
    if value < tier.notional_floor:
        return _sub(tier.notional_floor, value)
    if tier.notional_cap is not None and value >= tier.notional_cap:
        return _add(_sub(value, tier.notional_cap), ONE)
    return ZERO


def inverse_fixed_fractional_size(
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
    """Contracts to trade so that being stopped out costs at most ``balance * risk_fraction``
    (coin), fees included, rounded **down** to whole lots::

        loss per contract = S |1/stop - 1/entry| + fee_rate * (S/entry + S/stop)
        contracts         = min(floor_lot(budget / loss per contract),
                                floor_lot(available / (S/entry / leverage + fee_rate S/entry)))

    Both floors are exact (fractions), so ``contracts * loss per contract <= budget`` and the
    margin plus entry fee fit the available balance, exactly.  Returns a
    :class:`~astratrade_core.trading.sizing.PositionSize` whose ``quantity`` is in contracts and
    whose amounts are coin.  Failure codes as :func:`~astratrade_core.trading.sizing.
    fixed_fractional_size`: ``sizing.invalid`` (inputs) and ``sizing.rejected`` /
    ``sizing.max_leverage``, ``sizing.tier_leverage``, ``sizing.min_quantity``,
    ``sizing.min_notional`` (the minimum notional is a coin value).

    >>> from astratrade_core.instrument import InstrumentKind
    >>> from astratrade_core.money import BTC, USD
    >>> btcusd = Instrument.of("BTCUSD_PERP", BTC, USD, tick_size="0.1", lot_size="1",
    ...     max_leverage="20", kind=InstrumentKind.INVERSE, contract_size="100").unwrap()
    >>> # budget 0.01 BTC; per contract 100 * (1/40000 - 1/50000) = 0.0005 BTC: 20 contracts
    >>> size = inverse_fixed_fractional_size(btcusd, "1", "0.01", "50000", "40000").unwrap()
    >>> size.quantity, size.is_long, size.worst_case_loss, size.notional
    (Decimal('20'), True, Decimal('0.01'), Decimal('0.04'))
    """
    available_in = balance if available_balance is None else available_balance

    def sized(inst: Instrument) -> Result[PositionSize, DomainError]:
        parsed = collect(
            "sizing.invalid", parse_positive(balance, "balance"),
            parse_decimal(risk_fraction, "risk_fraction").bind(_in_range(
                "risk_fraction", ZERO, ONE, low_open=True, high_open=False)),
            parse_positive(entry_price, "entry_price"), parse_positive(stop_price, "stop_price"),
            parse_decimal(fee_rate, "fee_rate").bind(_in_range(
                "fee_rate", ZERO, ONE, low_open=False, high_open=True)),
            parse_decimal(leverage, "leverage").bind(_in_range(
                "leverage", ONE, None, low_open=False, high_open=True)),
            parse_non_negative(available_in, "available_balance"))
        return parsed.bind(lambda v: _size(inst, v))

    return require_inverse(instrument).bind(sized)


_SizingInputs = tuple[Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal]


def _size(instrument: Instrument, inputs: _SizingInputs) -> Result[PositionSize, DomainError]:
    balance, risk, entry, stop, fee, leverage, available = inputs
    if entry == stop:
        return Failure(DomainError.all_of("sizing.invalid", [DomainError.invalid(
            "sizing.stop_at_entry", "stop_price: must differ from entry_price")]))
    budget = _mul(balance, risk)
    size = instrument.contract_size
    lot = instrument.lot_size
    e, s, f, lev, sz = Fraction(entry), Fraction(stop), Fraction(fee), Fraction(leverage), (
        Fraction(size))
    per_contract = sz * (abs(e - s) + f * (e + s)) / (e * s)
    per_margin = sz * (1 + f * lev) / (e * lev)
    by_risk = Fraction(budget) / (per_contract * Fraction(lot))
    by_balance = Fraction(available) / (per_margin * Fraction(lot))
    lots = min(by_risk.__floor__(), by_balance.__floor__())
    contracts = _mul(Decimal(lots), lot)
    notional = _value(instrument, contracts, entry)
    violations: list[DomainError] = []
    if leverage > instrument.max_leverage:
        violations.append(DomainError.rejected(
            "sizing.max_leverage", f"leverage {leverage} exceeds the instrument's "
            f"{instrument.max_leverage}", leverage=leverage, limit=instrument.max_leverage))
    tier = instrument.tier_for(notional)
    if leverage > tier.max_leverage:
        violations.append(DomainError.rejected(
            "sizing.tier_leverage", f"leverage {leverage} exceeds {tier.max_leverage} for a "
            f"value of {notional}", leverage=leverage, limit=tier.max_leverage,
            notional=notional))
    if contracts <= 0 or contracts < instrument.min_quantity:
        violations.append(DomainError.rejected(
            "sizing.min_quantity", f"{contracts} contracts is below the minimum "
            f"{instrument.min_quantity}", quantity=contracts, limit=instrument.min_quantity))
    if notional < instrument.min_notional:
        violations.append(DomainError.rejected(
            "sizing.min_notional", f"value {notional} is below the minimum "
            f"{instrument.min_notional}", notional=notional, limit=instrument.min_notional))
    if violations:
        return Failure(violations[0] if len(violations) == 1 else DomainError.all_of(
            "sizing.rejected", violations))
    loss = _div(_mul(_mul(contracts, size), _add(_abs(_sub(entry, stop)),
                                                  _mul(fee, _add(entry, stop)))),
                _mul(entry, stop))
    return Success(PositionSize(
        quantity=contracts, is_long=stop < entry, notional=notional, worst_case_loss=loss,
        margin=_div(notional, leverage), risk_budget=budget,
        capped_by_balance=by_balance.__floor__() < by_risk.__floor__()))


def _in_range(field: str, low: Decimal, high: Decimal | None, *, low_open: bool,
              high_open: bool) -> Callable[[Decimal], Result[Decimal, DomainError]]:
    """A check that ``value`` lies in the interval (``sizing.<field>`` otherwise)."""
    def check(value: Decimal) -> Result[Decimal, DomainError]:
        above = value > low if low_open else value >= low
        below = high is None or (value < high if high_open else value <= high)
        if above and below:
            return Success(value)
        interval = (f"{'(' if low_open else '['}{low}, {'inf' if high is None else high}"
                    f"{')' if high_open or high is None else ']'}")
        return Failure(DomainError.invalid(f"sizing.{field}", f"{field}: must be in {interval}",
                                           **{field: value}))
    return check


# ----------------------------------------------------------------------- on-chain integer form


def inverse_isolated_liquidation_price_wad(
    contracts: int, contract_size: int, entry_price: int, margin: int, *,
    maintenance_rate: int, maintenance_amount: int, is_long: bool,
) -> Result[int, DomainError]:
    """The on-chain isolated liquidation price of an inverse position for one maintenance
    bracket, all values wad; ``0`` means "none" (a covered short, the Decimal ``Nothing``).

    With ``face = |n| S`` (wad^2) and ``cover = e * (margin + cum)`` (wad^2, the collateral's
    worth in quote at the entry), Binance's formula times ``e / e`` reads
    ``LP = face e (1 ± mmr) / (cover ± face)``; in wad units (Cairo mirror)::

        face  = contracts * contract_size                   # checked u256 products
        cover = entry_price * (margin + maintenance_amount)
        scale = entry_price * (WAD + mmr)      long:  (WAD - mmr) short
        long:  mul_div(face, scale, WAD * (cover + face), CEIL)
        short: 0 if face <= cover
               else mul_div(face, scale, WAD * (face - cover), FLOOR)

    One rounding, toward the entry, so the result is the ceiling (long) or floor (short) of
    the exact root in wad units.  Bad inputs (zero contracts, size or entry; ``mmr >= 1``) fail
    with ``inverse.wad_input`` (Cairo ``'inverse: bad input'``), products beyond u256 with
    ``numeric.overflow``.  It does not refuse a position liquidated on opening: callers check
    the margin against the maintenance at the entry.

    >>> w = 10**18
    >>> # ceil(100000 * 1.004 / (0.2 + 2) * 1e18): the module example in wad
    >>> inverse_isolated_liquidation_price_wad(1000 * w, 100 * w, 50_000 * w, w // 5,
    ...     maintenance_rate=4 * 10**15, maintenance_amount=0, is_long=True).unwrap()
    45636363636363636363637
    >>> inverse_isolated_liquidation_price_wad(1000 * w, 100 * w, 50_000 * w, 2 * w,
    ...     maintenance_rate=4 * 10**15, maintenance_amount=0, is_long=False).unwrap()
    0
    """
    valid = all(0 <= v <= U256_MAX for v in (contracts, contract_size, entry_price, margin,
                                             maintenance_rate, maintenance_amount))
    if not valid:
        return Failure(DomainError.invalid("numeric.fixed_range", "operands must be u256"))
    if contracts == 0 or contract_size == 0 or entry_price == 0 or maintenance_rate >= WAD:
        return Failure(DomainError.invalid(
            "inverse.wad_input", "contracts, size and entry must be positive, mmr below 1"))
    face = contracts * contract_size
    held = margin + maintenance_amount
    cover = entry_price * held
    scale = entry_price * (WAD + maintenance_rate if is_long else WAD - maintenance_rate)
    # Every checked step up to here is formed before the covered short's early return, as in
    # Cairo.
    if max(face, held, cover, scale) > U256_MAX:
        return Failure(DomainError.invalid("numeric.overflow", "intermediate exceeds u256"))
    if is_long:
        rest, rounding = cover + face, FixedRounding.CEIL
    elif face <= cover:
        return Success(0)
    else:
        rest, rounding = face - cover, FixedRounding.FLOOR
    denominator = WAD * rest
    if max(rest, denominator) > U256_MAX:
        return Failure(DomainError.invalid("numeric.overflow", "intermediate exceeds u256"))
    return mul_div(face, scale, denominator, rounding)
