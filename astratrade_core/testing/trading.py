"""Hypothesis strategies for the trading types: positions, fills, fee schedules, instruments,
and the portfolio's commands and states.

Values are bounded so that every product the trading functions form stays exact under
``CONTEXT`` (quantities below 10**6, prices below 10**7, 8 fractional digits by default).
:func:`portfolio_commands` draws well-typed commands that may or may not be valid for the
state they meet; :func:`hostile_commands` draws commands whose every field is a hostile value
of its declared type (see :func:`~astratrade_core.testing.strategies.hostile_values`).

>>> from hypothesis import given
>>> @given(instruments())
... def check(inst): assert inst.tiers[0].notional_floor == 0
>>> check()
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

import attrs
from hypothesis import strategies as st
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.instrument import Instrument, MarginTier, TierRow, margin_tiers
from astratrade_core.money import Currency
from astratrade_core.numeric import CONTEXT
from astratrade_core.portfolio.commands import (
    ApplyFunding,
    ChargeFee,
    ClosePosition,
    Command,
    Deposit,
    ExecuteTrade,
    LiquidatePosition,
    MarkPrice,
    SetPositionMode,
    Withdraw,
)
from astratrade_core.portfolio.decide import decide
from astratrade_core.portfolio.evolve import replay
from astratrade_core.portfolio.state import PortfolioState
from astratrade_core.risk.limits import RiskPolicy
from astratrade_core.testing.strategies import decimals, hostile_values, positive_decimals
from astratrade_core.trading.fills import FeeSchedule, Fill, Liquidity
from astratrade_core.trading.orders import OrderRequest, PositionMode, PositionSide, Trailing
from astratrade_core.trading.pnl import Position

__all__ = [
    "COMMAND_TYPES",
    "PORTFOLIO_SYMBOLS",
    "fills",
    "hostile_commands",
    "hostile_orders",
    "increments",
    "instruments",
    "margin_tier_sets",
    "portfolio_commands",
    "portfolio_states",
    "positions",
    "signed_quantities",
    "trading_fee_schedules",
]

T = typing.TypeVar("T")

_BASE = Currency("BASE", 8)
_QUOTE = Currency("QUOTE", 6)


def _valid(result: Result[T, DomainError]) -> T:
    """The value a strategy built from values it chose valid; a Failure is a strategy bug."""
    match result:
        case Success(value):
            found: T = value
            return found
        case Failure(error):
            raise AssertionError(f"a strategy drew invalid values: {error}")
    raise AssertionError("unreachable: a Result is a Success or a Failure")


def signed_quantities(max_value: int = 10**6, places: int = 8) -> st.SearchStrategy[Decimal]:
    """Non-zero signed quantities (negative = short/sell)."""
    return st.tuples(positive_decimals(max_value, places), st.booleans()).map(
        lambda t: t[0] if t[1] else CONTEXT.minus(t[0]))


def positions(max_quantity: int = 10**6, max_price: int = 10**7,
              places: int = 8) -> st.SearchStrategy[Position]:
    """Positions with a signed, possibly zero quantity and positive prices."""
    return st.builds(
        Position,
        st.sampled_from(["BTC", "ETH", "STRK"]),
        decimals(-max_quantity, max_quantity, places),
        positive_decimals(max_price, places),
        positive_decimals(max_price, places),
    )


def fills(max_quantity: int = 10**4, max_price: int = 10**6, places: int = 6,
          max_fee: int = 100) -> st.SearchStrategy[Fill]:
    """Fills with a non-zero signed quantity, a positive price and a fee in ``[0, max_fee]``."""
    return st.builds(
        Fill,
        signed_quantities(max_quantity, places),
        positive_decimals(max_price, places),
        decimals(0, max_fee, places),
        st.sampled_from(list(Liquidity)),
    )


def trading_fee_schedules() -> st.SearchStrategy[FeeSchedule]:
    """Maker rates in ``[-0.0005, 0.002]`` (rebates allowed), taker rates in ``[0, 0.002]``."""
    return st.builds(FeeSchedule, decimals(Decimal("-0.0005"), Decimal("0.002"), 6),
                     decimals(0, Decimal("0.002"), 6))


def increments() -> st.SearchStrategy[Decimal]:
    """Tick or lot sizes: ``m * 10**-k`` with ``m`` in {1, 2, 5, 25} and ``k`` in 0..6."""
    return st.tuples(st.sampled_from([1, 2, 5, 25]), st.integers(0, 6)).map(
        lambda t: Decimal(t[0]).scaleb(-t[1], CONTEXT))


@st.composite
def margin_tier_sets(draw: st.DrawFn, max_tiers: int = 4) -> tuple[MarginTier, ...]:
    """Valid Binance-style brackets: floors rising from 0, mmr rising, leverage falling, with
    ``max_leverage * mmr <= 1/2`` (maintenance never exceeds half the initial margin)."""
    count = draw(st.integers(1, max_tiers))
    floors = sorted(draw(st.sets(st.integers(1, 10**7), min_size=count - 1,
                                 max_size=count - 1)))
    leverages = sorted(draw(st.lists(st.integers(1, 125), min_size=count, max_size=count)),
                       reverse=True)
    rows: list[TierRow] = []
    previous_mmr = Decimal(0)
    edges = [0, *floors]
    for index, leverage in enumerate(leverages):
        ceiling = CONTEXT.divide(Decimal("0.5"), Decimal(leverage))
        low = max(previous_mmr, Decimal("0.0001"))
        mmr = draw(decimals(low, max(low, ceiling), 4))
        previous_mmr = mmr
        cap = edges[index + 1] if index + 1 < count else None
        rows.append((edges[index], cap, leverage, mmr))
    return _valid(margin_tiers(rows))


@st.composite
def instruments(draw: st.DrawFn, tiered: bool = True) -> Instrument:
    """Instruments with random tick and lot sizes, minimums and (optionally) several brackets."""
    tiers = draw(margin_tier_sets()) if tiered else None
    max_leverage = tiers[0].max_leverage if tiers else Decimal(draw(st.integers(1, 125)))
    lot = draw(increments())
    return _valid(Instrument.of(
        "TESTPERP", _BASE, _QUOTE,
        tick_size=draw(increments()), lot_size=lot,
        min_quantity=CONTEXT.multiply(lot, Decimal(draw(st.integers(0, 3)))),
        min_notional=draw(st.integers(0, 10)), max_leverage=max_leverage, tiers=tiers,
    ))


#: The symbols :func:`portfolio_commands` trades, with their quote currencies.
PORTFOLIO_SYMBOLS: Final = {"BTCUSD": "USD", "ETHUSD": "USD", "BTCEUR": "EUR"}
#: Every command type ``decide`` has a rule for.
COMMAND_TYPES: Final = (Deposit, Withdraw, ChargeFee, ExecuteTrade, ClosePosition,
                        LiquidatePosition, ApplyFunding, MarkPrice, SetPositionMode)
_T0: Final = datetime(2026, 5, 1, tzinfo=UTC)
_LOOSE: Final = RiskPolicy(max_leverage=Decimal("20"))


class _Meta(typing.TypedDict):
    command_id: str
    account_id: str
    issued_at: datetime


@st.composite
def portfolio_commands(draw: st.DrawFn, n: int = 0, policy: RiskPolicy = _LOOSE,
                       start: datetime = _T0) -> Command:
    """Any portfolio command with id ``c{n}`` on account ``acct``, issued within three days
    of ``start`` (so often out of time order), valid or not for the state it will meet:
    position commands name any leg (one-way's ``BOTH`` half the time), and some switch the
    position mode.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(portfolio_commands(7))
    ... def check(c): assert c.command_id == "c7"
    >>> check()
    """
    meta: _Meta = {"command_id": f"c{n}", "account_id": "acct",
                   "issued_at": start + timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))}
    symbol = draw(st.sampled_from(sorted(PORTFOLIO_SYMBOLS)))
    currency = draw(st.sampled_from(["USD", "EUR"]))
    price = positive_decimals(1000, 2)
    kind = draw(st.sampled_from(["deposit", "withdraw", "fee", "trade", "trade", "trade",
                                 "close", "liquidate", "funding", "mark", "mode"]))
    leg = draw(st.sampled_from([PositionSide.BOTH, PositionSide.BOTH, PositionSide.LONG,
                                PositionSide.SHORT]))
    if kind == "deposit":
        return Deposit(**meta, currency=currency, amount=draw(positive_decimals(100_000, 2)))
    if kind == "withdraw":
        return Withdraw(**meta, currency=currency, amount=draw(positive_decimals(50_000, 2)))
    if kind == "fee":
        return ChargeFee(**meta, currency=currency, amount=draw(positive_decimals(100, 2)),
                         reason="platform")
    if kind == "trade":
        return ExecuteTrade(**meta, symbol=symbol, quote_currency=PORTFOLIO_SYMBOLS[symbol],
                            quantity=draw(decimals(-5, 5, 3).filter(lambda q: q != 0)),
                            price=draw(price), fee=draw(decimals(-1, 5, 2)), policy=policy,
                            liquidity=draw(st.sampled_from(Liquidity)), position_side=leg)
    if kind == "close":
        return ClosePosition(**meta, symbol=symbol, price=draw(price),
                             fee=draw(decimals(-1, 5, 2)), position_side=leg)
    if kind == "liquidate":
        return LiquidatePosition(**meta, symbol=symbol, price=draw(price),
                                 fee=draw(decimals(0, 5, 2)), position_side=leg)
    if kind == "mode":
        return SetPositionMode(**meta, mode=draw(st.sampled_from(PositionMode)))
    if kind == "funding":
        return ApplyFunding(**meta, symbol=symbol, mark_price=draw(price),
                            rate=draw(decimals(Decimal("-0.001"), Decimal("0.001"), 6)))
    return MarkPrice(**meta, symbol=symbol, price=draw(price))


@st.composite
def portfolio_states(draw: st.DrawFn, max_commands: int = 12) -> PortfolioState:
    """States reached by deciding a funded account's random commands in turn.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(portfolio_states())
    ... def check(s): assert s.cash_of("USD") == s.ledger("USD").expected_cash
    >>> check()
    """
    seed = Deposit(command_id="seed", account_id="acct", issued_at=_T0, currency="USD",
                   amount=Decimal(20_000))
    count = draw(st.integers(0, max_commands))
    state = PortfolioState.EMPTY
    for command in (seed, *(draw(portfolio_commands(n)) for n in range(count))):
        match decide(state, command):
            case Success(events):
                state = replay(events, state)
    return state


def hostile_commands(known: Mapping[object, st.SearchStrategy[Any]] | None = None,
                     ) -> st.SearchStrategy[Command]:
    """Commands of every type (the bare :class:`Command` too) whose every field is a hostile
    value of its declared type; a ``RiskPolicy`` is a valid one unless ``known`` says
    otherwise.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(hostile_commands())
    ... def check(c): assert isinstance(c, Command)
    >>> check()
    """
    table: dict[object, st.SearchStrategy[Any]] = {
        RiskPolicy: st.just(_LOOSE) | st.builds(RiskPolicy,
                                                 max_leverage=positive_decimals(100, 2)),
        **(known or {}),
    }

    def of(cls: type[Command]) -> st.SearchStrategy[Command]:
        hints = typing.get_type_hints(cls)
        return st.builds(cls, **{f.alias or f.name: hostile_values(hints[f.name], table)
                                 for f in attrs.fields(cls)})

    return st.one_of([of(cls) for cls in (*COMMAND_TYPES, Command)])


@st.composite
def hostile_orders(draw: st.DrawFn) -> OrderRequest:
    """Orders whose every field is a hostile value of its declared type (a ``Trailing`` built
    from hostile values too): what :func:`~astratrade_core.trading.orders.admit` must answer
    with a ``Result``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(hostile_orders())
    ... def check(o): assert isinstance(o, OrderRequest)
    >>> check()
    """
    return OrderRequest(**{name: draw(field) for name, field in _order_fields().items()})


@functools.cache
def _order_fields() -> dict[str, st.SearchStrategy[Any]]:
    """The hostile strategy of each field of an order, built once (building is the slow
    part)."""
    hints = typing.get_type_hints(OrderRequest)
    known: dict[object, st.SearchStrategy[Any]] = {
        Trailing: st.builds(Trailing, hostile_values(Decimal), st.booleans(),
                            hostile_values(Decimal | None)),
    }
    return {f.name: hostile_values(hints[f.name], known) for f in attrs.fields(OrderRequest)}
