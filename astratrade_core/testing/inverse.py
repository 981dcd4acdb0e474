"""Hypothesis strategies for inverse (coin-margined) contracts: instruments, contract counts,
positions and fills, and the awkward inputs a total function must survive.

Contract counts are whole numbers up to ``10**6`` (multiples of the lot), contract sizes the
venues' 1, 10 and 100 quote units (and odd ones), prices up to ``10**6`` with up to 4 places:
every product the inverse functions form stays exact under ``CONTEXT``.

>>> from hypothesis import given
>>> @given(inverse_instruments())
... def check(inst): assert inst.is_inverse and inst.lot_size % 1 == 0
>>> check()
"""

from __future__ import annotations

import typing
from datetime import datetime, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from astratrade_core.instrument import Instrument, InstrumentKind
from astratrade_core.money import Currency
from astratrade_core.numeric import CONTEXT
from astratrade_core.portfolio.commands import (
    ApplyFunding,
    ClosePosition,
    Command,
    Deposit,
    ExecuteTrade,
    LiquidatePosition,
    MarkPrice,
    Withdraw,
)
from astratrade_core.risk.limits import RiskPolicy
from astratrade_core.testing.strategies import decimals, positive_decimals
from astratrade_core.testing.trading import (
    _valid,
    increments,
    margin_tier_sets,
    portfolio_commands,
)
from astratrade_core.trading.fills import Fill, Liquidity
from astratrade_core.trading.inverse import InversePosition
from astratrade_core.trading.orders import PositionSide

__all__ = [
    "awkward_inputs",
    "contract_counts",
    "contract_sizes",
    "inverse_fills",
    "inverse_instruments",
    "inverse_portfolio_commands",
    "inverse_positions",
    "INVERSE_SYMBOL",
]

#: The inverse contract :func:`inverse_portfolio_commands` trades: symbol, settlement coin and
#: contract size (Binance COIN-M ``BTCUSD_PERP``: 100 USD per contract).
INVERSE_SYMBOL: tuple[str, str, Decimal] = ("BTCUSD_PERP", "BTC", Decimal(100))

_COIN = Currency("COIN", 8)
_USD = Currency("USD", 2)


def contract_sizes() -> st.SearchStrategy[Decimal]:
    """Quote units per contract: the venues' 1 (BitMEX XBTUSD), 10 and 100 (Binance COIN-M),
    and odd sizes such as 0.5 or 7."""
    return st.one_of(st.sampled_from([Decimal(1), Decimal(10), Decimal(100)]),
                     decimals(Decimal("0.5"), 250, 1).filter(lambda d: d > 0))


def contract_counts(max_value: int = 10**6, lot: int = 1) -> st.SearchStrategy[Decimal]:
    """Non-zero signed whole contract counts, multiples of ``lot`` (negative = short)."""
    return st.tuples(st.integers(1, max(1, max_value // lot)), st.booleans()).map(
        lambda t: Decimal(t[0] * lot if t[1] else -t[0] * lot))


@st.composite
def inverse_instruments(draw: st.DrawFn, tiered: bool = True) -> Instrument:
    """Inverse instruments: random contract size, tick, whole-contract lot and (optionally)
    several brackets whose bounds are coin values."""
    tiers = draw(margin_tier_sets()) if tiered else None
    max_leverage = tiers[0].max_leverage if tiers else Decimal(draw(st.integers(1, 125)))
    return _valid(Instrument.of(
        "TESTUSD_PERP", _COIN, _USD, tick_size=draw(increments()),
        lot_size=draw(st.sampled_from([1, 1, 1, 10])), max_leverage=max_leverage, tiers=tiers,
        kind=InstrumentKind.INVERSE, contract_size=draw(contract_sizes()),
    ))


@st.composite
def inverse_positions(draw: st.DrawFn, instrument: Instrument | None = None,
                      max_contracts: int = 10**6, max_price: int = 10**6) -> InversePosition:
    """Positions with a non-zero contract count and positive entry and mark prices."""
    size = instrument.contract_size if instrument is not None else draw(contract_sizes())
    return InversePosition(draw(contract_counts(max_contracts)), size,
                           draw(positive_decimals(max_price, 4)),
                           draw(positive_decimals(max_price, 4)))


def inverse_fills(max_contracts: int = 10**4, max_price: int = 10**6,
                  max_fee: str = "0.01") -> st.SearchStrategy[Fill]:
    """Fills of whole contracts at a positive price with a coin fee in ``[0, max_fee]``."""
    return st.builds(Fill, contract_counts(max_contracts), positive_decimals(max_price, 2),
                     decimals(0, Decimal(max_fee), 8))


def awkward_inputs() -> st.SearchStrategy[object]:
    """What a careless caller passes for a number: NaN, infinities, huge exponents, floats,
    booleans, ``None``, junk strings, zero and negatives (a total function must answer a
    ``Failure`` or a value for each, never raise)."""
    specials = [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"),
                Decimal("1E+999999"), Decimal("1E-999999"), "NaN", "-inf", "1e999999999",
                "", " ", "1_000", "0x10", 0.1, True, None, 10**40, -1, 0, "0", "-0",
                "1" * 200, CONTEXT.minus(Decimal(1))]
    return st.one_of(st.sampled_from(specials), st.integers(-10**30, 10**30),
                     st.text(max_size=12), decimals(-10**6, 10**6, 4).map(str))


class _Meta(typing.TypedDict):
    command_id: str
    account_id: str
    issued_at: datetime


@st.composite
def inverse_portfolio_commands(draw: st.DrawFn, n: int, policy: RiskPolicy,
                               start: datetime) -> Command:
    """Half the time a command on :data:`INVERSE_SYMBOL` (a coin deposit or withdrawal, an
    inverse fill of up to 50 contracts with a coin fee, a close, a liquidation, funding or a
    mark), otherwise any :func:`~astratrade_core.testing.trading.portfolio_commands` command;
    id ``c{n}`` on account ``acct``, valid or not for the state it will meet.

    >>> from datetime import UTC
    >>> from hypothesis import given, settings
    >>> policy = RiskPolicy(max_leverage=Decimal("20"))
    >>> @settings(max_examples=10)
    ... @given(inverse_portfolio_commands(3, policy, datetime(2026, 1, 1, tzinfo=UTC)))
    ... def check(c): assert c.command_id == "c3"
    >>> check()
    """
    if draw(st.booleans()):
        return draw(portfolio_commands(n, policy, start))
    symbol, coin, size = INVERSE_SYMBOL
    meta: _Meta = {"command_id": f"c{n}", "account_id": "acct",
                   "issued_at": start + timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))}
    price = positive_decimals(100_000, 1).filter(lambda p: p >= 1000)
    fee = decimals(Decimal("-0.0001"), Decimal("0.001"), 8)
    leg = draw(st.sampled_from([PositionSide.BOTH, PositionSide.BOTH, PositionSide.LONG,
                                PositionSide.SHORT]))
    kind = draw(st.sampled_from(["deposit", "withdraw", "trade", "trade", "trade", "close",
                                 "liquidate", "funding", "mark"]))
    if kind == "deposit":
        return Deposit(**meta, currency=coin, amount=draw(positive_decimals(2, 8)))
    if kind == "withdraw":
        return Withdraw(**meta, currency=coin, amount=draw(positive_decimals(1, 8)))
    if kind == "trade":
        return ExecuteTrade(**meta, symbol=symbol, quote_currency=coin,
                            quantity=draw(contract_counts(50)), price=draw(price),
                            fee=draw(fee), policy=policy, contract_size=size,
                            liquidity=draw(st.sampled_from(Liquidity)), position_side=leg)
    if kind == "close":
        return ClosePosition(**meta, symbol=symbol, price=draw(price), fee=draw(fee),
                             position_side=leg)
    if kind == "liquidate":
        return LiquidatePosition(**meta, symbol=symbol, price=draw(price),
                                 fee=draw(decimals(0, Decimal("0.001"), 8)), position_side=leg)
    if kind == "funding":
        return ApplyFunding(**meta, symbol=symbol, mark_price=draw(price),
                            rate=draw(decimals(Decimal("-0.001"), Decimal("0.001"), 6)))
    return MarkPrice(**meta, symbol=symbol, price=draw(price))
