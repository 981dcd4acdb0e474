"""The platform's trading configuration: the markets it lists, its fee schedules, the paper
exchange's slippage and its pre-trade risk policy.

Both front doors run on these: the HTTP service (:mod:`astratrade_shell.service.platform`)
and the simulated community of ``astratrade demo`` (:mod:`astratrade_shell.community`), so
an order sent over HTTP and one the simulation places meet the same instruments, fees and
limits.  Amounts are USD; every figure is an exact decimal.

>>> sorted(MARKETS)
['BTCUSD', 'ETHUSD']
>>> POLICY.max_leverage, FEES.taker_rate
(Decimal('10'), Decimal('0.0005'))
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from astratrade_core.instrument import Instrument
from astratrade_core.money import BTC, ETH, USD
from astratrade_core.risk.limits import RiskPolicy
from astratrade_core.trading import FeeSchedule

__all__ = ["FEES", "LIQUIDATION_FEES", "MARKETS", "POLICY", "SLIPPAGE"]

#: The platform's pre-trade limits (amounts in USD): 10x gross, 8x in any one market.
POLICY: Final = RiskPolicy.of(max_leverage="10", max_position_notional="150000",
                              max_concentration="8", max_open_positions=2,
                              max_trades_per_window=6, daily_loss_limit="500").unwrap()

#: Tradable markets: instrument and opening price.
MARKETS: Final[dict[str, tuple[Instrument, Decimal]]] = {
    "BTCUSD": (Instrument.of("BTCUSD", BTC, USD, tick_size="0.1", lot_size="0.001",
                             min_notional="10", max_leverage="50").unwrap(), Decimal("60000")),
    "ETHUSD": (Instrument.of("ETHUSD", ETH, USD, tick_size="0.01", lot_size="0.01",
                             min_notional="10", max_leverage="50").unwrap(), Decimal("3000")),
}
#: Maker and taker fee rates of the paper exchange.
FEES: Final = FeeSchedule(Decimal("0.0002"), Decimal("0.0005"))
#: What a liquidation costs (both sides, of the notional).
LIQUIDATION_FEES: Final = FeeSchedule(Decimal("0.005"), Decimal("0.005"))
#: The paper exchange's market-order slippage (a fraction of the price).
SLIPPAGE: Final = Decimal("0.0005")
