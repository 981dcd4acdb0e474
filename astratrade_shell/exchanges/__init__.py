"""Venues and market data: the ports, the paper exchange (default), a real venue over ccxt
(imported lazily) and price sources."""

from astratrade_shell.exchanges.ccxt_venue import CcxtVenue, Credentials
from astratrade_shell.exchanges.market_data import CsvPrices, RandomWalk, load_csv_prices
from astratrade_shell.exchanges.paper import PaperExchange
from astratrade_shell.exchanges.port import (
    Exchange,
    Execution,
    MarketData,
    OrderKind,
    OrderReport,
    OrderRequest,
    OrderStatus,
    Side,
)

__all__ = [
    "CcxtVenue",
    "Credentials",
    "CsvPrices",
    "Exchange",
    "Execution",
    "MarketData",
    "OrderKind",
    "OrderReport",
    "OrderRequest",
    "OrderStatus",
    "PaperExchange",
    "RandomWalk",
    "Side",
    "load_csv_prices",
]
