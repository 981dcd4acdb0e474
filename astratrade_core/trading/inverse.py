"""Inverse (coin-margined) contracts: values, P&L, fees and funding in the base coin, and the
harmonic average entry of a position folded from fills; with their on-chain integer forms.

An inverse contract (Binance COIN-M ``BTCUSD_PERP``, BitMEX ``XBTUSD``, NautilusTrader's
``CryptoPerpetual(is_inverse=True)``, ccxt's ``inverse`` markets) is worth a fixed amount of the
quote currency, its **contract size** ``S`` (100 USD for Binance's BTC contracts, 10 USD for the
others).  Margin, P&L and fees are paid in the base coin.  With ``n`` signed contracts (positive =
long), entry price ``e`` and price ``P`` (quote per coin):

* value (notional) in coin: ``|n| * S / P`` (Binance: "notional value = contracts * contract
  size / price"; NautilusTrader ``Position.notional_value`` for inverse instruments);
* P&L in coin: ``n * S * (1/e - 1/P)`` = ``n * S * (P - e) / (e * P)`` (Binance COIN-M
  "PnL = contracts * size * (1/entry - 1/exit)" with the side's sign; NautilusTrader
  ``calculate_points_inverse``);
* fee in coin: ``|n| * S / P * rate`` (NautilusTrader's inverse commission: notional in base
  times the rate);
* funding in coin: ``n * S / mark * rate`` (Binance: "funding amount = nominal value of the
  position * funding rate"; positive = paid: longs pay shorts at a positive rate).

**Average entry.**  Adding ``n2`` contracts at ``p`` to ``n1`` at ``e`` gives the *harmonic*
mean ``(n1 + n2) / (n1/e + n2/p)``: the unique price at which one position reproduces the sum of
the two P&Ls at every exit price (``n S (1/ē - 1/P) = n1 S (1/e - 1/P) + n2 S (1/p - 1/P)`` for
all ``P`` iff ``n/ē = n1/e + n2/p``).  A partial close of ``c`` contracts realizes
``c S (1/ē - 1/P)`` and leaves the average unchanged; a fill that crosses zero closes everything
and opens the rest at the fill price.  (NautilusTrader averages inverse fills arithmetically,
which breaks that additivity; BitMEX and Binance use the harmonic mean.)

**Numbers.**  Everything runs under :data:`~astratrade_core.numeric.CONTEXT` (120 digits).
Divisions by a price are not exact in decimal: each formula above is computed with a *single*
division of exact products, rounded half-even at 120 significant digits (symmetric, so long and
short P&L are exact negatives).  Amounts are rounded to a currency's minor unit only when asked,
in a named direction (fees toward +infinity: the exchange's favour).

The ``*_wad`` functions are the integer algorithms the Cairo contracts run
(``contracts/src/math/inverse.cairo``) on wad-scaled (``10**18``) unsigned integers, built from
checked u256 products and one :func:`~astratrade_core.numeric.mul_div`.

>>> from decimal import Decimal as D
>>> from astratrade_core.instrument import Instrument, InstrumentKind
>>> from astratrade_core.money import BTC, USD
>>> btcusd = Instrument.of("BTCUSD_PERP", BTC, USD, tick_size="0.1", lot_size="1",
...                        kind=InstrumentKind.INVERSE, contract_size="100").unwrap()
>>> short = InversePosition.of(btcusd, "-1000", "10000", "11000").unwrap()
>>> inverse_pnl(short)   # -1000 * 100 * (1/10000 - 1/11000) = -100000 / 110000
Decimal('-0.909090909090909090909090909090909090909090909090909090909090909090909090909090909090909090909090909090909090909090909091')
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import attrs
from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect
from astratrade_core.instrument import Instrument
from astratrade_core.numeric import (
    CONTEXT,
    U256_MAX,
    WAD,
    ZERO,
    DecimalInput,
    FixedRounding,
    Rounding,
    canonical,
    is_u256,
    mul_div,
    parse_decimal,
    parse_positive,
    round_to_increment,
)
from astratrade_core.trading.fills import Fill

__all__ = [
    "InversePosition",
    "InverseState",
    "apply_inverse_fill",
    "inverse_average_entry_wad",
    "inverse_fee",
    "inverse_fee_wad",
    "inverse_notional_wad",
    "inverse_pnl",
    "inverse_pnl_wad",
    "inverse_state_from_fills",
    "require_inverse",
]

_add = CONTEXT.add
_sub = CONTEXT.subtract
_mul = CONTEXT.multiply
_div = CONTEXT.divide
_abs = CONTEXT.abs
_HUNDRED = Decimal(100)


def require_inverse(instrument: Instrument) -> Result[Instrument, DomainError]:
    """The instrument if it is inverse, else ``inverse.not_inverse`` (invalid input).

    >>> from astratrade_core.money import BTC, USD
    >>> linear = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001").unwrap()
    >>> require_inverse(linear).failure().code
    'inverse.not_inverse'
    """
    if instrument.is_inverse:
        return Success(instrument)
    return Failure(DomainError.invalid("inverse.not_inverse",
                                       f"{instrument.symbol} is not an inverse instrument",
                                       symbol=instrument.symbol))


@attrs.frozen
class InversePosition:
    """An open inverse position: signed ``contracts`` (negative = short), the instrument's
    ``contract_size`` (quote units per contract), ``entry_price`` and ``mark_price``.  The raw
    constructor trusts its inputs (prices positive); use :meth:`of` for untrusted ones."""

    contracts: Decimal
    contract_size: Decimal
    entry_price: Decimal
    mark_price: Decimal

    @classmethod
    def of(cls, instrument: Instrument, contracts: DecimalInput, entry_price: DecimalInput,
           mark_price: DecimalInput) -> Result[InversePosition, DomainError]:
        """Parse a position of ``instrument`` (which must be inverse); prices must be positive.
        Reports every problem at once.

        >>> from astratrade_core.money import BTC, USD
        >>> from astratrade_core.instrument import InstrumentKind
        >>> btcusd = Instrument.of("BTCUSD_PERP", BTC, USD, tick_size="0.1", lot_size="1",
        ...     kind=InstrumentKind.INVERSE, contract_size="100").unwrap()
        >>> InversePosition.of(btcusd, "-3", "0", "1e99").failure().codes()
        ('numeric.not_positive', 'numeric.out_of_bounds')
        """
        return collect(
            "inverse.invalid_position", require_inverse(instrument),
            parse_decimal(contracts, "contracts"), parse_positive(entry_price, "entry_price"),
            parse_positive(mark_price, "mark_price"),
        ).map(lambda v: cls(v[1], v[0].contract_size, v[2], v[3]))

    @property
    def is_long(self) -> bool:
        """Positive contracts."""
        return self.contracts > 0

    @property
    def notional(self) -> Decimal:
        """Value in coin at the mark: ``|contracts| * contract_size / mark_price``.

        >>> InversePosition(Decimal("-3"), Decimal("100"), Decimal("1"), Decimal("40000")).notional
        Decimal('0.0075')
        """
        return _div(_mul(_abs(self.contracts), self.contract_size), self.mark_price)

    @property
    def entry_notional(self) -> Decimal:
        """Value in coin at the entry: ``|contracts| * contract_size / entry_price``."""
        return _div(_mul(_abs(self.contracts), self.contract_size), self.entry_price)

    def funding_payment(self, funding_rate: Decimal) -> Decimal:
        """Funding paid (positive) or received (negative) in coin at this mark:
        ``contracts * contract_size / mark_price * rate`` (Binance COIN-M: nominal value times
        the rate; longs pay shorts when the rate is positive).

        >>> p = InversePosition(Decimal("10"), Decimal("100"), Decimal("1"), Decimal("50000"))
        >>> p.funding_payment(Decimal("0.0001"))   # 1000 / 50000 * 0.0001
        Decimal('0.000002')
        """
        return _div(_mul(_mul(self.contracts, self.contract_size), funding_rate),
                    self.mark_price)


def inverse_pnl(position: InversePosition) -> Decimal:
    """Unrealized P&L in coin: ``contracts * size * (mark - entry) / (entry * mark)``, i.e.
    ``contracts * size * (1/entry - 1/mark)``; one half-even rounding at 120 digits, so a short's
    P&L is exactly minus the same long's.

    NautilusTrader's ``test_calculate_pnl_for_inverse1`` (XBTUSD, 1 USD contracts): short
    100,000 at 10,000, mark 11,000: ``-0.90909091`` BTC to 8 places.

    >>> inverse_pnl(InversePosition(Decimal("-100000"), Decimal("1"), Decimal("10000"),
    ...                             Decimal("11000"))).quantize(Decimal("1e-8"))
    Decimal('-0.90909091')
    >>> inverse_pnl(InversePosition(Decimal("2"), Decimal("100"), Decimal("40000"),
    ...                             Decimal("50000")))   # 200 * 10000 / (40000 * 50000)
    Decimal('0.001')
    """
    move = _sub(position.mark_price, position.entry_price)
    return _div(_mul(_mul(position.contracts, position.contract_size), move),
                _mul(position.entry_price, position.mark_price))


def inverse_fee(instrument: Instrument, contracts: DecimalInput, price: DecimalInput,
                rate: DecimalInput, *, increment: DecimalInput | None = None,
                ) -> Result[Decimal, DomainError]:
    """Fee in coin for trading ``contracts`` at ``price``: ``|contracts| * size / price * rate``.

    ``rate`` in ``(-1, 1)`` (negative = maker rebate).  With ``increment`` (e.g. the coin's
    minor unit, ``0.00000001`` BTC) the amount is rounded toward +infinity: a fee up, a rebate
    toward zero, the exchange's favour either way (as :meth:`FeeSchedule.fee
    <astratrade_core.trading.fills.FeeSchedule.fee>`).

    NautilusTrader (XBTUSD, 1 USD contracts): 100,000 contracts at 10,000 with the 0.075 %
    taker rate pay ``0.0075`` BTC.

    >>> from astratrade_core.money import BTC, USD
    >>> from astratrade_core.instrument import InstrumentKind
    >>> xbtusd = Instrument.of("XBTUSD", BTC, USD, tick_size="0.5", lot_size="1",
    ...                        kind=InstrumentKind.INVERSE, contract_size="1").unwrap()
    >>> inverse_fee(xbtusd, "-100000", "10000", "0.00075").unwrap()
    Decimal('0.00750')
    >>> inverse_fee(xbtusd, "7", "30000", "0.0005", increment="0.00000001").unwrap()  # 1.1666e-7
    Decimal('1.2E-7')
    >>> inverse_fee(xbtusd, "3", "0", "1").failure().codes()
    ('numeric.not_positive', 'inverse.fee_rate')
    """
    return collect(
        "inverse.invalid_fee", require_inverse(instrument), parse_decimal(contracts, "contracts"),
        parse_positive(price, "price"), parse_decimal(rate, "rate").bind(_rate_in_range),
        _optional_increment(increment),
    ).map(lambda v: _fee(v[0].contract_size, v[1], v[2], v[3], v[4]))


def _fee(size: Decimal, contracts: Decimal, price: Decimal, rate: Decimal,
         increment: Decimal | None) -> Decimal:
    amount = _div(_mul(_mul(_abs(contracts), size), rate), price)
    return amount if increment is None else round_to_increment(amount, increment,
                                                               Rounding.CEILING)


def _rate_in_range(rate: Decimal) -> Result[Decimal, DomainError]:
    if -1 < rate < 1:
        return Success(rate)
    return Failure(DomainError.invalid("inverse.fee_rate", "rate: must be in (-1, 1)",
                                       rate=rate))


def _optional_increment(increment: DecimalInput | None) -> Result[Decimal | None, DomainError]:
    if increment is None:
        return Success(None)
    return parse_positive(increment, "increment")


@attrs.frozen
class InverseState:
    """An inverse position folded from fills, amounts in coin.

    ``contracts`` is signed (negative = short); ``entry_price`` is the harmonic average entry
    (``0`` when flat); ``realized_pnl`` is price P&L only; ``fees_paid`` and ``funding_paid`` are
    positive when paid, negative when received.  ``contract_size`` is the instrument's."""

    contract_size: Decimal
    contracts: Decimal = ZERO
    entry_price: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    fees_paid: Decimal = ZERO
    funding_paid: Decimal = ZERO

    @classmethod
    def flat(cls, instrument: Instrument) -> InverseState:
        """No position yet in ``instrument``.

        >>> from astratrade_core.money import BTC, USD
        >>> from astratrade_core.instrument import InstrumentKind
        >>> btcusd = Instrument.of("BTCUSD_PERP", BTC, USD, tick_size="0.1", lot_size="1",
        ...     kind=InstrumentKind.INVERSE, contract_size="100").unwrap()
        >>> InverseState.flat(btcusd).is_flat
        True
        """
        return cls(instrument.contract_size)

    @property
    def is_flat(self) -> bool:
        """No open contracts."""
        return self.contracts == 0

    @property
    def entry_value(self) -> Decimal:
        """Signed value in coin at the average entry: ``contracts * size / entry`` (0 flat)."""
        if self.contracts == 0:
            return ZERO
        return _div(_mul(self.contracts, self.contract_size), self.entry_price)

    @property
    def net_realized_pnl(self) -> Decimal:
        """Realized price P&L minus fees and funding paid, in coin."""
        return _sub(_sub(self.realized_pnl, self.fees_paid), self.funding_paid)

    def position(self, mark_price: Decimal) -> InversePosition:
        """The open position valued at ``mark_price`` (for :func:`inverse_pnl`, margin...)."""
        return InversePosition(self.contracts, self.contract_size, self.entry_price, mark_price)

    def unrealized_pnl(self, mark_price: Decimal) -> Decimal:
        """``contracts * size * (1/entry - 1/mark)`` in coin; ``0`` when flat.

        >>> s = InverseState(Decimal("100"), Decimal("2"), Decimal("40000"))
        >>> s.unrealized_pnl(Decimal("50000"))
        Decimal('0.001')
        """
        if self.contracts == 0:
            return ZERO
        return inverse_pnl(self.position(mark_price))

    def total_pnl(self, mark_price: Decimal) -> Decimal:
        """Net realized plus unrealized P&L at ``mark_price`` (fees and funding deducted)."""
        return _add(self.net_realized_pnl, self.unrealized_pnl(mark_price))

    def roi_percent(self, mark_price: Decimal, leverage: Decimal) -> Maybe[Decimal]:
        """Unrealized P&L over the initial margin in coin (``entry value / leverage``), in
        percent; ``Nothing`` when flat.  ``leverage`` must be positive.

        >>> s = InverseState(Decimal("100"), Decimal("2"), Decimal("40000"))
        >>> s.roi_percent(Decimal("50000"), Decimal("10")).unwrap()  # 0.001 / 0.0005 * 100
        Decimal('200')
        """
        if self.contracts == 0:
            return Nothing
        margin = _div(_abs(self.entry_value), leverage)
        return Some(_mul(_div(self.unrealized_pnl(mark_price), margin), _HUNDRED))

    def break_even_price(self, exit_fee_rate: Decimal = ZERO) -> Maybe[Decimal]:
        """The mark at which closing everything (paying ``exit_fee_rate`` on the exit value)
        leaves the total P&L at zero: solves ``net_realized + n S / e - n S / P - |n| S r / P =
        0``, i.e. ``P = (n + |n| r) S / (net_realized + n S / e)``.  ``Nothing`` when flat or
        when no positive price breaks even.

        >>> s = InverseState(Decimal("100"), Decimal("10"), Decimal("50000"),
        ...                  realized_pnl=Decimal("0.000008"))
        >>> s.break_even_price(Decimal("0.0004"))  # 1000.4 / (0.000008 + 0.02)
        <Some: 50000>
        """
        if self.contracts == 0:
            return Nothing
        factor = _mul(_add(self.contracts, _mul(_abs(self.contracts), exit_fee_rate)),
                      self.contract_size)
        basis = _add(self.net_realized_pnl, self.entry_value)
        if basis == 0:
            return Nothing
        price = _div(factor, basis)
        return Some(canonical(price)) if price > 0 else Nothing


def apply_inverse_fill(state: InverseState, fill: Fill) -> tuple[InverseState, Decimal]:
    """Fold one fill (``quantity`` in signed contracts, ``fee`` in coin) into ``state``:
    ``(new_state, realized P&L in coin of this fill)``.

    * same direction or from flat: ``entry' = (n + f) e p / (n p + f e)`` (harmonic), nothing
      realized;
    * against, not crossing: closes ``c = -f`` contracts, realizing ``c S (p - e) / (e p)``;
      the entry is unchanged;
    * crossing zero: closes all ``n`` (realizing ``n S (p - e) / (e p)``) and opens the rest at
      ``p``.

    Each new entry and each realized amount is one division, rounded half-even at 120 digits.
    Takes validated values (:meth:`Fill.of <astratrade_core.trading.fills.Fill.of>`); the fee
    comes from :func:`inverse_fee` (``Fill.notional`` and ``FeeSchedule.fee`` are quote-currency
    notions of linear fills and do not apply).

    >>> from decimal import Decimal as D
    >>> s, _ = apply_inverse_fill(InverseState(D("100")), Fill(D("1"), D("40000")))
    >>> s, _ = apply_inverse_fill(s, Fill(D("1"), D("10000")))
    >>> s.entry_price     # 2 / (1/40000 + 1/10000), not the arithmetic 25000
    Decimal('16000')
    >>> s, r = apply_inverse_fill(s, Fill(D("-1"), D("20000"), D("0.000001")))
    >>> r, s.contracts, s.entry_price, s.net_realized_pnl   # 100 * (1/16000 - 1/20000)
    (Decimal('0.00125'), Decimal('1'), Decimal('16000'), Decimal('0.001249'))
    """
    n = state.contracts
    f = fill.quantity
    price = fill.price
    fees = _add(state.fees_paid, fill.fee) if fill.fee else state.fees_paid
    entry = state.entry_price
    if not n or n.is_signed() == f.is_signed():
        total = _add(n, f)
        new_entry = price if not n else _div(
            _mul(_mul(total, entry), price), _add(_mul(n, price), _mul(f, entry)))
        return (InverseState(state.contract_size, total, new_entry, state.realized_pnl, fees,
                             state.funding_paid), ZERO)
    remaining = _add(n, f)
    crosses = not remaining or remaining.is_signed() != n.is_signed()
    closed = n if crosses else CONTEXT.minus(f)
    realized = inverse_pnl(InversePosition(closed, state.contract_size, entry, price))
    new_entry = ZERO if not remaining else (price if crosses else entry)
    return (InverseState(state.contract_size, remaining, new_entry,
                         _add(state.realized_pnl, realized), fees, state.funding_paid), realized)


def inverse_state_from_fills(fills: Iterable[Fill], start: InverseState) -> InverseState:
    """Left-fold ``fills`` into ``start`` with :func:`apply_inverse_fill`.

    >>> from decimal import Decimal as D
    >>> s = inverse_state_from_fills([Fill(D("-3"), D("30000")), Fill(D("-1"), D("10000"))],
    ...                              InverseState(D("10")))
    >>> s.contracts, s.entry_price   # 4 / (3/30000 + 1/10000)
    (Decimal('-4'), Decimal('20000'))
    """
    state = start
    for fill in fills:
        state = apply_inverse_fill(state, fill)[0]
    return state


# ----------------------------------------------------------------------- on-chain integer forms


def _u256(*values: int) -> Result[None, DomainError]:
    """Every operand an ``int`` (not a ``bool``, not a ``float``) in ``[0, 2**256)``; checked
    before any product is formed."""
    if all(map(is_u256, values)):
        return Success(None)
    return Failure(DomainError.invalid("numeric.fixed_range", "operands must be u256 integers"))


def _checked(*products: int) -> Result[None, DomainError]:
    if all(p <= U256_MAX for p in products):
        return Success(None)
    return Failure(DomainError.invalid("numeric.overflow", "intermediate exceeds u256"))


def inverse_pnl_wad(contracts: int, contract_size: int, entry_price: int, exit_price: int,
                    is_long: bool) -> Result[int, DomainError]:
    """The on-chain inverse P&L in coin, all values wad (``contracts`` unsigned).

    Algorithm (Cairo mirror)::

        face = contracts * contract_size            # checked u256 product (wad^2)
        span = entry_price * exit_price             # checked u256 product (wad^2)
        move = |exit - entry|
        gain:  mul_div(face, move, span, FLOOR)     # the move is in the position's direction
        loss: -mul_div(face, move, span, CEIL)

    = ``floor(exact P&L * WAD)``: profits round down, losses up (the protocol's favour), like
    :func:`~astratrade_core.trading.pnl.pnl_wad`.  A zero price fails with
    ``numeric.division_by_zero`` (Cairo: ``'math: division by zero'``), a product beyond u256
    with ``numeric.overflow``.

    >>> w = 10**18
    >>> inverse_pnl_wad(2 * w, 100 * w, 40_000 * w, 50_000 * w, True).unwrap()  # 0.001 BTC
    1000000000000000
    >>> inverse_pnl_wad(2 * w, 100 * w, 40_000 * w, 50_000 * w, False).unwrap()
    -1000000000000000
    >>> inverse_pnl_wad(1, 1, 3 * w, 4 * w, True).unwrap()  # 1/12 of a wad unit: rounds to 0
    0
    """
    def pnl(_: None) -> Result[int, DomainError]:
        face = contracts * contract_size
        span = entry_price * exit_price
        move = abs(exit_price - entry_price)
        checked = _checked(face, span)
        if (exit_price >= entry_price) == is_long:
            return checked.bind(lambda _: mul_div(face, move, span, FixedRounding.FLOOR))
        return checked.bind(lambda _: mul_div(face, move, span, FixedRounding.CEIL)).map(
            lambda loss: -loss)

    return _u256(contracts, contract_size, entry_price, exit_price).bind(pnl)


def inverse_notional_wad(contracts: int, contract_size: int, price: int,
                         rounding: FixedRounding) -> Result[int, DomainError]:
    """Value in coin of ``contracts`` at ``price``, wad: ``mul_div(contracts, size, price)``
    (``contracts * size / price``, one rounding, the caller's direction: e.g. ``CEIL`` for a
    margin owed to the protocol, ``FLOOR`` for a payout).

    >>> inverse_notional_wad(3 * 10**18, 100 * 10**18, 40_000 * 10**18,
    ...                      FixedRounding.FLOOR).unwrap()   # 0.0075 BTC
    7500000000000000
    """
    return _u256(contracts, contract_size, price).bind(
        lambda _: mul_div(contracts, contract_size, price, rounding))


def inverse_fee_wad(contracts: int, contract_size: int, price: int,
                    rate: int) -> Result[int, DomainError]:
    """The on-chain fee in coin, wad: ``contracts * size / price * rate`` rounded up (owed to
    the protocol)::

        face = contracts * contract_size            # checked (wad^2)
        scale = WAD * price                         # checked (wad^2)
        mul_div(face, rate, scale, CEIL)

    >>> inverse_fee_wad(100_000 * 10**18, 10**18, 10_000 * 10**18, 75 * 10**13).unwrap()
    7500000000000000
    """
    def fee(_: None) -> Result[int, DomainError]:
        face = contracts * contract_size
        scale = WAD * price
        return _checked(face, scale).bind(
            lambda _: mul_div(face, rate, scale, FixedRounding.CEIL))

    return _u256(contracts, contract_size, price, rate).bind(fee)


def inverse_average_entry_wad(contracts: int, entry_price: int, added: int, price: int,
                              is_long: bool) -> Result[int, DomainError]:
    """The on-chain harmonic average entry after adding ``added`` contracts at ``price`` to
    ``contracts`` at ``entry_price`` (same side), all wad, rounded against the trader (up for a
    long, down for a short: a higher inverse entry lowers a long's P&L and raises a short's)::

        if contracts == 0: price
        total = contracts + added                   # checked
        span  = entry_price * price                 # checked
        denominator = contracts * price + added * entry_price   # checked
        mul_div(total, span, denominator, CEIL if long else FLOOR)

    (The contract size cancels out.)  A zero denominator fails with
    ``numeric.division_by_zero``.

    >>> w = 10**18
    >>> inverse_average_entry_wad(w, 40_000 * w, w, 60_000 * w, True).unwrap() == 48_000 * w
    True
    """
    def average(_: None) -> Result[int, DomainError]:
        if contracts == 0:
            return Success(price)
        total = contracts + added
        span = entry_price * price
        denominator = contracts * price + added * entry_price
        rounding = FixedRounding.CEIL if is_long else FixedRounding.FLOOR
        return _checked(total, span, contracts * price, added * entry_price, denominator
                        ).bind(lambda _: mul_div(total, span, denominator, rounding))

    return _u256(contracts, entry_price, added, price).bind(average)
