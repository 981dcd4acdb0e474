"""Portfolio and trading events: money in and out, fills, closes, funding, marks, liquidations
and pre-trade risk rejections.

The ``stream_id`` is the account.  Amounts are exact ``Decimal`` values in the currency named
by the event (``currency`` or the instrument's ``quote_currency``), unrounded beyond what the
venue reported.  Signs: ``quantity`` is signed (buy > 0, sell < 0); ``fee`` and funding
``payment`` are positive when the account pays and negative when it receives (a maker rebate,
funding received); ``realized_pnl`` is price P&L only (fees and funding are separate).  The
account is margined: trading moves cash only by realized P&L, fees and funding, never by
notional.

How each event changes the portfolio is defined in :mod:`astratrade_core.portfolio.evolve`.

Hedge mode: an account in hedge mode holds a long and a short *leg* per symbol.  The events
that touch a position name its leg in ``position_side`` -- ``"both"`` (one-way mode),
``"long"`` or ``"short"`` (the values of
:class:`~astratrade_core.trading.orders.PositionSide`); ``PositionModeChanged`` records a
switch between ``"one_way"`` and ``"hedge"``.

Schema history (the upcasters in :data:`TRADING_UPCASTS` lift old payloads one version at a
time): ``TradeExecuted`` version 1 had no ``liquidity`` (every fill paid the taker rate:
lifted with ``"taker"``); version 2 had no ``position_side``.  ``PositionClosed`` version 1
lacked the closed position's size, cost basis and exit price; version 2 its
``position_side``.  ``FundingApplied`` and ``PositionLiquidated`` version 1, and
``RiskLimitHit`` version 1, had no ``position_side``.  Every payload written before hedge mode
existed belongs to a one-way account, so each is lifted with ``"position_side": "both"``.
``TradeExecuted`` and ``PositionClosed`` version 3, ``FundingApplied`` and
``PositionLiquidated`` version 2 had no ``contract_size``: every one of them was a linear fill,
so each is lifted with ``"contract_size": None``.

Inverse (coin-margined) contracts: an event with a ``contract_size`` (the quote value of one
contract, e.g. 100 USD for Binance COIN-M ``BTCUSD_PERP``) is of an inverse instrument.  Its
``quantity`` counts signed contracts, and every amount it carries (``fee``, ``realized_pnl``,
funding ``payment``, a close's totals) is in the base coin, which the event names in
``quote_currency`` -- for these events the field is the currency the amounts *settle* in
(Binance COIN-M's margin asset), not the instrument's quote currency.  ``contract_size`` is
``None`` on every linear event.

>>> from datetime import UTC, datetime
>>> from decimal import Decimal
>>> t = TradeExecuted(event_id="c-1:0", stream_id="acct-1",
...                   occurred_at=datetime(2026, 1, 1, tzinfo=UTC), symbol="BTCUSD",
...                   quote_currency="USD", quantity=Decimal("0.5"), price=Decimal("30000"),
...                   fee=Decimal("6"), liquidity="taker", realized_pnl=Decimal("0"))
>>> t.event_type, t.schema_version, t.notional, t.position_side
('TradeExecuted', 4, Decimal('15000.0'), 'both')
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from astratrade_core.events.envelope import Event, event_type
from astratrade_core.events.registry import Upcast
from astratrade_core.numeric import CONTEXT

__all__ = [
    "TRADING_EVENTS",
    "TRADING_UPCASTS",
    "LIQUIDITY_VALUES",
    "FeeCharged",
    "FundingApplied",
    "FundsDeposited",
    "FundsWithdrawn",
    "LimitBreach",
    "POSITION_MODES",
    "POSITION_SIDES",
    "PositionModeChanged",
    "PositionClosed",
    "PositionLiquidated",
    "PriceMarked",
    "RiskLimitHit",
    "TradeExecuted",
]

#: The values of ``TradeExecuted.liquidity``.
LIQUIDITY_VALUES: Final = ("maker", "taker")
#: The values of ``position_side`` (one-way mode's ``"both"`` first).
POSITION_SIDES: Final = ("both", "long", "short")
#: The values of ``PositionModeChanged.mode``.
POSITION_MODES: Final = ("one_way", "hedge")


def _one_way(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """Payloads written before hedge mode belong to one-way accounts: their leg is "both"."""
    return {**payload, "position_side": "both"}


@event_type("FundsDeposited", version=1)
@attrs.frozen(kw_only=True)
class FundsDeposited(Event):
    """Cash arrived in the account (``amount`` > 0)."""

    currency: str
    amount: Decimal


@event_type("FundsWithdrawn", version=1)
@attrs.frozen(kw_only=True)
class FundsWithdrawn(Event):
    """Cash left the account (``amount`` > 0)."""

    currency: str
    amount: Decimal


@event_type("FeeCharged", version=1)
@attrs.frozen(kw_only=True)
class FeeCharged(Event):
    """A fee outside any fill (withdrawal, platform, liquidation penalty): ``amount`` > 0 is
    paid by the account, < 0 refunded to it."""

    currency: str
    amount: Decimal
    reason: str


@event_type("TradeExecuted", version=4)
@attrs.frozen(kw_only=True)
class TradeExecuted(Event):
    """A fill: signed ``quantity`` of ``symbol`` at ``price`` (quote per base), ``fee`` in
    quote currency, ``liquidity`` ``"maker"`` or ``"taker"``, and the price P&L the fill
    realized under average-cost accounting, on the leg ``position_side``.  With a
    ``contract_size`` the fill is of an inverse contract (module docstring): ``quantity`` in
    contracts, ``fee`` and ``realized_pnl`` (harmonic average entry) in the coin named by
    ``quote_currency``."""

    symbol: str
    quote_currency: str
    quantity: Decimal
    price: Decimal
    fee: Decimal
    liquidity: str
    realized_pnl: Decimal
    position_side: str = "both"
    contract_size: Decimal | None = None

    @property
    def notional(self) -> Decimal:
        """``|quantity| * price`` in quote currency (a linear fill's; an inverse fill's value
        is ``|quantity| * contract_size`` quote units)."""
        return CONTEXT.multiply(CONTEXT.abs(self.quantity), self.price)


def _linear(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """Payloads written before inverse contracts were booked are linear fills."""
    return {**payload, "contract_size": None}


def _trade_executed_v1_to_v2(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """Version 1 fills predate maker/taker fees: every one of them paid the taker rate."""
    return {**payload, "liquidity": "taker"}


@event_type("PositionClosed", version=4)
@attrs.frozen(kw_only=True)
class PositionClosed(Event):
    """A position in ``symbol`` went flat.  The totals cover the position's whole life since
    it was opened from flat: price P&L realized, fees and funding paid (positive = paid).

    Version 2 added what the position was when the closing fill arrived -- its signed
    ``quantity``, signed ``cost_basis`` and the ``exit_price`` -- so a policy can score the
    trade from this event alone; version-1 records upcast with the three as ``None``.
    Version 3 added the leg, ``position_side``; version 4 the inverse ``contract_size``
    (then ``quantity`` is in contracts, the totals are in coin and ``cost_basis`` is the
    position's signed value in coin at its average entry, ``quantity * contract_size /
    entry``).
    """

    symbol: str
    quote_currency: str
    realized_pnl: Decimal
    fees_paid: Decimal
    funding_paid: Decimal
    quantity: Decimal | None = None
    cost_basis: Decimal | None = None
    exit_price: Decimal | None = None
    position_side: str = "both"
    contract_size: Decimal | None = None


def _position_closed_v1_to_v2(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """Version 1 did not record the closed position's size, cost basis or exit price."""
    return {**payload, "quantity": None, "cost_basis": None, "exit_price": None}


@event_type("FundingApplied", version=3)
@attrs.frozen(kw_only=True)
class FundingApplied(Event):
    """A funding settlement on an open perpetual position (its leg ``position_side``):
    ``payment = quantity * mark_price * rate`` (positive = the account paid; with a positive
    rate longs pay shorts); for an inverse position (``contract_size`` set) ``payment =
    contracts * contract_size / mark_price * rate`` in coin."""

    symbol: str
    quote_currency: str
    rate: Decimal
    mark_price: Decimal
    payment: Decimal
    position_side: str = "both"
    contract_size: Decimal | None = None


@event_type("PriceMarked", version=1)
@attrs.frozen(kw_only=True)
class PriceMarked(Event):
    """A new mark price for ``symbol`` (used for unrealized P&L and exposure)."""

    symbol: str
    price: Decimal


@event_type("PositionLiquidated", version=3)
@attrs.frozen(kw_only=True)
class PositionLiquidated(Event):
    """The venue closed the whole position (leg ``position_side``) at ``price``:
    ``quantity`` is the closing (signed) quantity, ``fee`` the liquidation fee,
    ``realized_pnl`` the price P&L of the close (in contracts and coin with a
    ``contract_size``)."""

    symbol: str
    quote_currency: str
    quantity: Decimal
    price: Decimal
    fee: Decimal
    realized_pnl: Decimal
    position_side: str = "both"
    contract_size: Decimal | None = None


@attrs.frozen
class LimitBreach:
    """One violated pre-trade limit: its stable ``code`` (``"risk.max_leverage"``), the
    policy's ``limit`` and the ``actual`` value the trade would have reached."""

    code: str
    limit: Decimal
    actual: Decimal


@event_type("RiskLimitHit", version=2)
@attrs.frozen(kw_only=True)
class RiskLimitHit(Event):
    """A trade was refused before execution; ``breaches`` lists **every** violated limit.
    Recorded for the audit trail; it changes no balance or position."""

    symbol: str
    quantity: Decimal
    price: Decimal
    breaches: tuple[LimitBreach, ...]
    position_side: str = "both"


@event_type("PositionModeChanged", version=1)
@attrs.frozen(kw_only=True)
class PositionModeChanged(Event):
    """The account switched its position ``mode`` to ``"one_way"`` or ``"hedge"`` (only ever
    with no position open)."""

    mode: str


#: Every event type this module defines (the codec registry is built from such tuples).
TRADING_EVENTS: Final[tuple[type[Event], ...]] = (
    FundsDeposited,
    FundsWithdrawn,
    FeeCharged,
    TradeExecuted,
    PositionClosed,
    FundingApplied,
    PriceMarked,
    PositionLiquidated,
    RiskLimitHit,
    PositionModeChanged,
)

#: How older payloads of this module's types are lifted (the codec registry is built from
#: such tuples too).
TRADING_UPCASTS: Final[tuple[Upcast, ...]] = (
    Upcast("TradeExecuted", 1, _trade_executed_v1_to_v2),
    Upcast("TradeExecuted", 2, _one_way),
    Upcast("TradeExecuted", 3, _linear),
    Upcast("PositionClosed", 1, _position_closed_v1_to_v2),
    Upcast("PositionClosed", 2, _one_way),
    Upcast("PositionClosed", 3, _linear),
    Upcast("FundingApplied", 1, _one_way),
    Upcast("FundingApplied", 2, _linear),
    Upcast("PositionLiquidated", 1, _one_way),
    Upcast("PositionLiquidated", 2, _linear),
    Upcast("RiskLimitHit", 1, _one_way),
)
