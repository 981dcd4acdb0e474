"""Venues and market data: the ports, the paper exchange (default), a real venue over ccxt
(imported lazily) and price and funding-rate sources."""

from astratrade_shell.exchanges.ccxt_venue import CcxtVenue, Credentials
from astratrade_shell.exchanges.market_data import (
    CsvPrices,
    RandomWalk,
    load_csv_prices,
    load_funding_rates,
)
from astratrade_shell.exchanges.paper import PaperExchange
from astratrade_shell.exchanges.port import (
    Exchange,
    Execution,
    FundingSettlement,
    MarketData,
    OrderGroup,
    OrderKind,
    OrderReport,
    OrderRequest,
    OrderStatus,
    PositionMode,
    PositionSide,
    Side,
    TimeInForce,
    Trailing,
    funding_commands,
)

__all__ = [
    "CcxtVenue",
    "Credentials",
    "CsvPrices",
    "Exchange",
    "Execution",
    "FundingSettlement",
    "MarketData",
    "OrderGroup",
    "OrderKind",
    "OrderReport",
    "OrderRequest",
    "OrderStatus",
    "PaperExchange",
    "PositionMode",
    "PositionSide",
    "RandomWalk",
    "Side",
    "TimeInForce",
    "Trailing",
    "funding_commands",
    "load_csv_prices",
    "load_funding_rates",
]
