"""The demo's traders: their temperaments drawn from the seed, how each sizes a trade within the
platform's limits, the protective orders each sends, and the funding rates of the simulated
market.

This module holds the *choices* of simulated people (how much to risk, which leverage to ask
for, whether to hedge or withdraw) and the market's drawn funding rates; every rule they meet
-- sizing, stop levels, liquidation prices, order admission, the risk policy -- is the core's.

>>> import random
>>> traders = draw_traders(random.Random(1), 6)
>>> [t.user_id for t in traders][:2], {t.temperament for t in traders} <= set(TEMPERAMENTS)
(['trader-01', 'trader-02'], True)
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final

import attrs

from astratrade_core.instrument import Instrument
from astratrade_core.numeric import CONTEXT, ONE
from astratrade_core.risk.limits import RiskPolicy
from astratrade_core.trading import (
    FeeSchedule,
    FundingHistory,
    FundingSchedule,
    OrderGroup,
    OrderKind,
    OrderRequest,
    PositionSide,
    PositionState,
    Side,
    initial_margin,
    isolated_liquidation_price,
)

__all__ = [
    "FUNDING",
    "GAMBLER_REWARD_RATIO",
    "MAX_HOLD_DAYS",
    "REWARD_RATIO",
    "SIZING_SHARE",
    "TEMPERAMENTS",
    "CLANS",
    "ZONES",
    "OpenTrade",
    "Trader",
    "draw_funding_rates",
    "draw_traders",
    "exit_orders",
    "liquidation_price",
    "margin_budget",
    "sizing_leverage",
]

#: Traders size on this share of their margin budget (twice the slippage kept back), so the
#: venue's slippage and its rounding to the tick never push a fill over a limit the sizing
#: respected.
SIZING_SHARE: Final = Decimal("0.999")
#: Take-profit distance as a multiple of the stop distance (a gambler lets winners run).
REWARD_RATIO: Final = Decimal(2)
GAMBLER_REWARD_RATIO: Final = Decimal(10)
#: Trades still open after this many days are closed at the market (scalpers: one step).
MAX_HOLD_DAYS: Final = 4
ZONES: Final = ("UTC", "America/New_York", "Europe/Berlin", "Asia/Tokyo", "Pacific/Auckland")
CLANS: Final = ("orion", "lyra")
TEMPERAMENTS: Final = ("careful", "active", "scalper", "gambler")
#: Funding every 8 hours (00:00, 08:00, 16:00 UTC), the rate held within +-0.3 % (Binance's
#: default cap and floor for BTCUSDT and ETHUSDT).
FUNDING: Final = FundingSchedule(timedelta(hours=8), Decimal("0.003"), Decimal("-0.003"))
#: Drawn funding rates, in units of 0.001 %: mostly positive (longs pay), as on the venues.
_RATE_STEPS: Final = range(-5, 16)
_RATE_UNIT: Final = Decimal("0.00001")


@attrs.frozen
class Trader:
    """A simulated trader's temperament (drawn from the seed): ``careful``, ``active``,
    ``scalper`` (re-enters as soon as a trade closes; holds one step) or ``gambler`` (no
    stop, a far target, doubles down once, re-enters after a loss).  ``leverage`` is the one
    the trader posts isolated margin at; the sizing caps it at the platform's limits.
    ``hedges``: the account runs hedge mode and may hold a long and a short leg of one symbol;
    ``withdraws``: the trader takes half of the profit out every week; ``inverse``: the
    account is coin-margined and trades only the inverse BTC contract (its deposit is
    ``deposit`` USD worth of BTC at the opening price)."""

    user_id: str
    zone: str
    deposit: Decimal
    risk: Decimal
    leverage: Decimal
    stop: Decimal
    activity: int
    clan: str
    temperament: str = "careful"
    hedges: bool = False
    withdraws: bool = False
    inverse: bool = False

    @property
    def uses_stop(self) -> bool:
        """Whether the trader protects a trade with a stop order (a gambler does not)."""
        return self.temperament != "gambler"

    @property
    def reward_ratio(self) -> Decimal:
        """How far the target is, in stop distances."""
        return GAMBLER_REWARD_RATIO if self.temperament == "gambler" else REWARD_RATIO

    @property
    def holding(self) -> timedelta:
        """How long a trade may stay open before it is closed at the market."""
        return timedelta(hours=4) if self.temperament == "scalper" else timedelta(
            days=MAX_HOLD_DAYS)

    def reenters(self, net_pnl: Decimal) -> bool:
        """Whether the trader opens again in the step a trade closed with ``net_pnl``."""
        return self.temperament == "scalper" or (self.temperament == "gambler"
                                                 and net_pnl < 0)


def draw_traders(rng: random.Random, count: int) -> tuple[Trader, ...]:
    """``count`` traders drawn from ``rng``: temperament, deposit, risk, stop, leverage, time
    zone, clan; about one in four hedges, about one in four withdraws; every eighth trader
    (``trader-05``, ``-13``, ...) that is neither a hedger nor a gambler is coin-margined
    (``inverse``; decided by its number, so the draws are the same)."""
    traders = []
    for n in range(1, count + 1):
        kind = rng.choice(("careful", "careful", "active", "active", "scalper", "gambler"))
        if kind == "careful":
            risk, stop, leverage = rng.choice(("0.005", "0.01")), rng.choice(("0.02", "0.04")), "3"
        elif kind == "active":
            risk, stop, leverage = "0.02", rng.choice(("0.01", "0.015")), "5"
        elif kind == "scalper":
            risk, stop, leverage = "0.005", "0.005", "5"
        else:
            risk, stop, leverage = rng.choice(("0.03", "0.05")), "0.004", rng.choice(("15", "20"))
        zone = rng.choice(ZONES)
        deposit = Decimal(rng.choice((1000, 2500, 5000, 10000)))
        activity = rng.choice((10, 20, 30))
        hedges = kind in ("careful", "active") and rng.randrange(100) < 40
        traders.append(Trader(
            user_id=f"trader-{n:02d}", zone=zone, deposit=deposit, risk=Decimal(risk),
            leverage=Decimal(leverage), stop=Decimal(stop), activity=activity,
            clan=CLANS[n % 2], temperament=kind, hedges=hedges,
            withdraws=rng.randrange(100) < 25,
            inverse=n % 8 == 5 and not hedges and kind != "gambler"))
    return tuple(traders)


def draw_funding_rates(rng: random.Random, symbols: Mapping[str, object], start: datetime,
                       days: int) -> dict[str, FundingHistory]:
    """A published rate for every funding time of :data:`FUNDING` in the simulated period,
    per symbol (exact decimals, like a venue's history)."""
    times = list(FUNDING.times(start - timedelta(microseconds=1),
                               start + timedelta(days=days + 1)))
    return {symbol: FundingHistory.of(
        [(t, CONTEXT.multiply(Decimal(rng.choice(_RATE_STEPS)), _RATE_UNIT)) for t in times]
    ).unwrap() for symbol in symbols}


def sizing_leverage(trader: Trader, policy: RiskPolicy) -> Decimal:
    """The trader's wished leverage within the platform's gross and one-market limits."""
    caps = [trader.leverage]
    if policy.max_leverage is not None:
        caps.append(policy.max_leverage)
    if policy.max_concentration is not None:
        caps.append(policy.max_concentration)
    return min(caps)


def margin_budget(equity: Decimal, leverage: Decimal, policy: RiskPolicy,
                  fees: FeeSchedule) -> Decimal:
    """What the sizer may commit as margin plus entry fee: the equity, and no more than a
    position at the platform's notional cap needs, both scaled by :data:`SIZING_SHARE`."""
    budget = equity
    cap = policy.max_position_notional
    if cap is not None:
        per_notional = CONTEXT.add(CONTEXT.divide(ONE, leverage), fees.taker_rate)
        budget = min(budget, CONTEXT.multiply(cap, per_notional))
    return CONTEXT.multiply(budget, SIZING_SHARE)


def liquidation_price(instrument: Instrument, position: PositionState,
                      leverage: Decimal) -> Decimal | None:
    """The core's isolated liquidation price of ``position`` margined at ``leverage``,
    rounded to the tick; None when it has none (or its average entry is off the tick, which
    only a doubled-down position could have: then it is closed, not liquidated)."""
    entry = position.average_entry_price
    return initial_margin(instrument, position.quantity, entry, leverage).bind(
        lambda margin: isolated_liquidation_price(instrument, position.quantity, entry,
                                                  margin)).map(
        lambda found: found.value_or(None)).value_or(None)


@attrs.frozen
class OpenTrade:
    """A trader's plan for one open leg (its size and entry live in the portfolio):
    ``leverage`` is the one its isolated margin was posted at, ``exits`` the client order ids
    of the stop and target resting at the venue."""

    user_id: str
    symbol: str
    side: PositionSide
    long: bool
    stop: Decimal
    target: Decimal
    leverage: Decimal
    liquidation: Decimal | None
    opened: datetime
    exits: tuple[str, ...] = ()
    doubled: bool = False


def exit_orders(trade: OpenTrade, quantity: Decimal, prefix: str,
                uses_stop: bool) -> OrderGroup | OrderRequest:
    """The orders protecting ``trade``'s ``quantity`` (unsigned): an OCO pair of a
    stop-market at the stop and a limit at the target, or the target alone for a trader
    without a stop.  In one-way mode they are reduce-only; a hedge leg's closing side
    reduces it anyway (Binance refuses reduce-only in hedge mode)."""
    close = Side.SELL if trade.long else Side.BUY
    one_way = trade.side is PositionSide.BOTH
    target = OrderRequest(client_order_id=f"{prefix}:tp", account_id=trade.user_id,
                          symbol=trade.symbol, side=close, quantity=quantity,
                          kind=OrderKind.LIMIT, limit_price=trade.target,
                          reduce_only=one_way, position_side=trade.side)
    if not uses_stop:
        return target
    stop = OrderRequest(client_order_id=f"{prefix}:sl", account_id=trade.user_id,
                        symbol=trade.symbol, side=close, quantity=quantity,
                        kind=OrderKind.STOP_MARKET, stop_price=trade.stop,
                        reduce_only=one_way, position_side=trade.side)
    return OrderGroup.oco(prefix, stop, target)
