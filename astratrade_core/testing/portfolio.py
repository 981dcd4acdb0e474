"""Raw portfolio event streams for the integer fold's equality with the reference fold.

Unlike :func:`~astratrade_core.testing.trading.portfolio_commands` (commands that ``decide``
may accept), these are events as a store may hold them, built to reach every path and edge of
:func:`astratrade_core.portfolio.fold.fold_exact`: opens, increases, partial and full closes
and reversals on one-way and hedge legs; amounts whose exponents differ for equal values
(``1.0`` and ``1.00``), zeros with exponents, negative zeros, values at and past the integer
fold's scales (``1e-14`` for quantities and prices, ``1e-28`` for money) and bounds
(``1e24``); partial closes whose share lands on half-units; fees, rebates, funding,
deposits, withdrawals and closes; times across UTC hours and days, out of order, in other
offsets.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from astratrade_core.events.envelope import Event
from astratrade_core.events.trading import (
    FeeCharged,
    FundingApplied,
    FundsDeposited,
    FundsWithdrawn,
    PositionClosed,
    PositionLiquidated,
    PositionModeChanged,
    PriceMarked,
    TradeExecuted,
)
from astratrade_core.numeric import CONTEXT

__all__ = ["fold_amounts", "portfolio_event_streams"]

_T0 = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)
_SYMBOLS = ("BTCUSD", "ETHUSD", "EURUSD", _PERP := "BTCUSD_PERP")
_CURRENCIES = ("USD", "EUR")
_SIDES = ("both", "both", "long", "short")
_EDGES = (Decimal("1.0"), Decimal("1.00"), Decimal("0E-3"), Decimal("0"), Decimal("-0"),
          Decimal("1E+2"), Decimal("1E-14"), Decimal("1E-15"), Decimal("5E-15"),
          Decimal("1E-28"), Decimal("1E-29"), Decimal("0.5"), Decimal("3"),
          Decimal("9" * 24), Decimal("1E+24"))


def fold_amounts(places: int = 16, digits: int = 8) -> st.SearchStrategy[Decimal]:
    """Decimals with up to ``digits`` significant digits and up to ``places`` fractional
    digits (any exponent between), plus the integer fold's edge values; either sign.

    >>> from hypothesis import given
    >>> @given(fold_amounts())
    ... def finite(d): assert d.is_finite()
    >>> finite()
    """
    plain = st.builds(lambda n, e: Decimal(n).scaleb(e, CONTEXT),
                      st.integers(-(10**digits) + 1, 10**digits - 1), st.integers(-places, 3))
    edges = st.sampled_from(_EDGES).flatmap(lambda d: st.sampled_from([d, -d]))
    return st.one_of(plain, plain, plain, edges)


def _quantities() -> st.SearchStrategy[Decimal]:
    # Small integers of lots make closes, partial closes and reversals frequent.
    lots = st.builds(lambda n, e: Decimal(n).scaleb(e, CONTEXT),
                     st.integers(-6, 6).filter(bool), st.integers(-3, 0))
    return st.one_of(lots, lots, lots, fold_amounts(places=16))


def _prices() -> st.SearchStrategy[Decimal]:
    return st.one_of(st.builds(lambda n, e: Decimal(n).scaleb(e, CONTEXT),
                               st.integers(1, 10**6), st.integers(-8, 1)),
                     fold_amounts(places=16).map(abs).filter(bool))


def _times() -> st.SearchStrategy[datetime]:
    # Mostly forward, sometimes back, across hours and days, in other offsets.
    return st.builds(lambda minutes, zone: (_T0 + timedelta(minutes=minutes)).astimezone(zone),
                     st.integers(-600, 3000),
                     st.sampled_from([UTC, UTC, timezone(timedelta(hours=5, minutes=30))]))


@st.composite
def _event(draw: st.DrawFn, index: int) -> Event:
    base: dict[str, Any] = {"event_id": f"e{index}", "stream_id": "acct",
                            "occurred_at": draw(_times())}
    symbol, currency = draw(st.sampled_from(_SYMBOLS)), draw(st.sampled_from(_CURRENCIES))
    side = draw(st.sampled_from(_SIDES))
    kind = draw(st.integers(0, 13))
    fee = draw(st.one_of(st.just(Decimal(0)), fold_amounts(places=30, digits=4)))
    if symbol == _PERP:  # an inverse contract: its legs are the reference fold's
        return _inverse_event(draw, base, kind, fee, side)
    if kind <= 6:
        return TradeExecuted(**base, symbol=symbol, quote_currency=currency,
                             quantity=draw(_quantities()), price=draw(_prices()), fee=fee,
                             liquidity="taker", realized_pnl=Decimal(0), position_side=side)
    if kind == 7:
        return PositionLiquidated(**base, symbol=symbol, quote_currency=currency,
                                  quantity=draw(_quantities()), price=draw(_prices()), fee=fee,
                                  realized_pnl=Decimal(0), position_side=side)
    if kind == 8:
        return FundingApplied(**base, symbol=symbol, quote_currency=currency,
                              rate=Decimal("0.0001"), mark_price=draw(_prices()),
                              payment=draw(fold_amounts(places=30)), position_side=side)
    if kind == 9:
        return PriceMarked(**base, symbol=symbol, price=draw(_prices()))
    if kind == 10:
        return PositionClosed(**base, symbol=symbol, quote_currency=currency,
                              realized_pnl=Decimal(0), fees_paid=Decimal(0),
                              funding_paid=Decimal(0), position_side=side)
    if kind == 11:
        return PositionModeChanged(**base, mode=draw(st.sampled_from(["one_way", "hedge"])))
    amount = draw(fold_amounts(places=30))
    money = draw(st.sampled_from([FundsDeposited, FundsWithdrawn]))
    if draw(st.booleans()):
        return money(**base, currency=currency, amount=amount)
    return FeeCharged(**base, currency=currency, amount=amount, reason="subscription")


def _inverse_event(draw: st.DrawFn, base: dict[str, Any], kind: int, fee: Decimal,
                   side: str) -> Event:
    """An event of the inverse contract :data:`_PERP` (100 USD a contract, settled in BTC)."""
    common: dict[str, Any] = {**base, "symbol": _PERP, "quote_currency": "BTC",
                              "position_side": side, "contract_size": Decimal(100)}
    contracts = Decimal(draw(st.integers(-50, 50).filter(bool)))
    if kind <= 7:
        return TradeExecuted(**common, quantity=contracts, price=draw(_prices()), fee=fee,
                             liquidity="taker", realized_pnl=Decimal(0))
    if kind <= 10:
        return FundingApplied(**common, rate=Decimal("0.0001"), mark_price=draw(_prices()),
                              payment=draw(fold_amounts(places=28)))
    return PositionClosed(**common, realized_pnl=Decimal(0), fees_paid=Decimal(0),
                          funding_paid=Decimal(0))


def portfolio_event_streams(max_size: int = 60) -> st.SearchStrategy[list[Event]]:
    """Lists of up to ``max_size`` portfolio events (see the module docstring).

    >>> from hypothesis import given
    >>> @given(portfolio_event_streams(5))
    ... def short(events): assert len(events) <= 5
    >>> short()
    """
    return st.integers(0, max_size).flatmap(
        lambda n: st.tuples(*[_event(i) for i in range(n)]).map(list))
