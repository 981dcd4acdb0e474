"""A loopback emulator of the Binance USDⓈ-M REST endpoints the ccxt adapter uses.

Response shapes are the ones Binance documents for each endpoint (developers.binance.com,
"USDⓈ-M Futures" REST API: exchangeInfo, ticker/24hr, depth, klines, order, userTrades,
leverageBracket, v2/balance, v2/positionRisk) trimmed to the fields ccxt and the adapter read;
numbers keep Binance's types (strings for prices and sizes, JSON numbers in leverage
brackets).  Errors use Binance's ``{"code": -NNNN, "msg": ...}`` body.

Faults are scripted per ``(method, path)``: :meth:`VenueEmulator.fault` queues the next replies
of that route as an HTTP error, or a delay (the request is processed, then the reply waits).
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_DOWN, Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import attrs

__all__ = ["Fault", "VenueEmulator", "running_emulator"]

EXCHANGE_INFO: dict[str, Any] = {
    "timezone": "UTC", "serverTime": 1_700_000_000_000, "futuresType": "U_MARGINED",
    "rateLimits": [], "exchangeFilters": [],
    "assets": [{"asset": "USDT", "marginAvailable": True, "autoAssetExchange": "-10000"}],
    "symbols": [{
        "symbol": "BTCUSDT", "pair": "BTCUSDT", "contractType": "PERPETUAL",
        "deliveryDate": 4133404800000, "onboardDate": 1569398400000, "status": "TRADING",
        "maintMarginPercent": "2.5000", "requiredMarginPercent": "5.0000", "baseAsset": "BTC",
        "quoteAsset": "USDT", "marginAsset": "USDT", "pricePrecision": 2,
        "quantityPrecision": 3, "baseAssetPrecision": 8, "quotePrecision": 8,
        "underlyingType": "COIN", "underlyingSubType": ["PoW"], "settlePlan": 0,
        "triggerProtect": "0.0500", "liquidationFee": "0.012500", "marketTakeBound": "0.05",
        "filters": [
            {"minPrice": "556.80", "maxPrice": "4529764", "filterType": "PRICE_FILTER",
             "tickSize": "0.10"},
            {"stepSize": "0.001", "filterType": "LOT_SIZE", "maxQty": "1000", "minQty": "0.001"},
            {"stepSize": "0.001", "filterType": "MARKET_LOT_SIZE", "maxQty": "120",
             "minQty": "0.001"},
            {"limit": 200, "filterType": "MAX_NUM_ORDERS"},
            {"notional": "100", "filterType": "MIN_NOTIONAL"},
            {"multiplierDown": "0.9500", "multiplierUp": "1.0500", "multiplierDecimal": "4",
             "filterType": "PERCENT_PRICE"},
        ],
        "orderTypes": ["LIMIT", "MARKET"], "timeInForce": ["GTC", "IOC", "FOK", "GTX"],
    }],
}

# Binance's published BTCUSDT brackets (JSON numbers, as the venue sends them).
LEVERAGE_BRACKETS = ('[{"symbol":"BTCUSDT","notionalCoef":1.50,"brackets":['
                     '{"bracket":1,"initialLeverage":125,"notionalCap":50000,"notionalFloor":0,'
                     '"maintMarginRatio":0.004,"cum":0.0},'
                     '{"bracket":2,"initialLeverage":100,"notionalCap":250000,'
                     '"notionalFloor":50000,"maintMarginRatio":0.005,"cum":50.0},'
                     '{"bracket":3,"initialLeverage":50,"notionalCap":3000000,'
                     '"notionalFloor":250000,"maintMarginRatio":0.01,"cum":1300.0},'
                     '{"bracket":4,"initialLeverage":20,"notionalCap":12000000,'
                     '"notionalFloor":3000000,"maintMarginRatio":0.025,"cum":46300.0}]}]')


@attrs.frozen
class Fault:
    """The next reply of a route: an HTTP ``status`` with a Binance error body, a ``delay``
    in seconds before the normal reply (the request itself is processed at once), or a
    replacement ``body`` sent with status 200."""

    status: int = 200
    code: int = 0
    msg: str = ""
    delay: float = 0.0
    body: str = ""


class VenueEmulator:
    """State of one emulated account: orders by client id, their trades, scripted faults."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.faults: dict[tuple[str, str], deque[Fault]] = defaultdict(deque)
        self.calls: list[tuple[str, str]] = []
        self.unknown: list[str] = []
        self.orders: dict[str, dict[str, Any]] = {}
        self.trades: dict[int, list[dict[str, Any]]] = defaultdict(list)
        self.market_fills: list[tuple[str, str]] = [("0.004", "30000.0"), ("0.006", "30000.5")]
        self.echo_api_key = False
        self.commission_asset = "USDT"
        self._next_id = 1000

    def fault(self, method: str, path: str, *faults: Fault) -> None:
        """Queue faults for the next requests of ``method path``."""
        self.faults[(method, path)].extend(faults)

    def count(self, method: str, path: str) -> int:
        """How many requests reached ``method path``."""
        return self.calls.count((method, path))

    def fill(self, client_id: str, qty: str, price: str, *, maker: bool = True) -> None:
        """Execute part of a resting order (a trade on the venue's book)."""
        with self.lock:
            order = self.orders[client_id]
            self._trade(order, qty, price, maker)

    def _trade(self, order: dict[str, Any], qty: str, price: str, maker: bool) -> None:
        self._next_id += 1
        # commission: taker 0.0004, maker 0.0002 of qty * price, cut to 8 places like Binance
        rate = Decimal("0.0002") if maker else Decimal("0.0004")
        commission = str((Decimal(qty) * Decimal(price) * rate).quantize(Decimal("1E-8"),
                                                                          ROUND_DOWN))
        self.trades[order["orderId"]].append({
            "buyer": order["side"] == "BUY", "commission": commission,
            "commissionAsset": self.commission_asset,
            "id": self._next_id, "maker": maker, "orderId": order["orderId"], "price": price,
            "qty": qty, "quoteQty": "0", "realizedPnl": "0", "side": order["side"],
            "positionSide": "BOTH", "symbol": order["symbol"], "time": 1_700_000_000_000})
        executed = sum((Decimal(t["qty"]) for t in self.trades[order["orderId"]]), Decimal(0))
        order["executedQty"] = str(executed)
        order["status"] = "FILLED" if executed >= Decimal(order["origQty"]) else "PARTIALLY_FILLED"

    def handle(self, method: str, path: str, params: dict[str, str], api_key: str,
               ) -> tuple[int, str, float]:
        """The reply ``(status, body, delay)`` for one request."""
        with self.lock:
            self.calls.append((method, path))
            queued = self.faults[(method, path)]
            fault = queued.popleft() if queued else Fault()
            if fault.status != 200:
                msg = fault.msg + (f" key={api_key}" if self.echo_api_key else "")
                return fault.status, json.dumps({"code": fault.code, "msg": msg}), 0.0
            return 200, fault.body or self._route(method, path, params), fault.delay

    def _route(self, method: str, path: str, params: dict[str, str]) -> str:
        if path == "/fapi/v1/exchangeInfo":
            return json.dumps(EXCHANGE_INFO)
        if path == "/fapi/v1/ticker/24hr":
            return json.dumps({"symbol": "BTCUSDT", "priceChange": "120.10",
                               "priceChangePercent": "0.402", "weightedAvgPrice": "29950.37",
                               "lastPrice": "30012.30", "lastQty": "0.010",
                               "openPrice": "29892.20", "highPrice": "30150.00",
                               "lowPrice": "29700.10", "volume": "182345.127",
                               "quoteVolume": "5461234567.89", "openTime": 1699913600000,
                               "closeTime": 1700000000000, "firstId": 1, "lastId": 9, "count": 9})
        if path == "/fapi/v1/depth":
            return json.dumps({"lastUpdateId": 1027024, "E": 1700000000000, "T": 1700000000000,
                               "bids": [["30012.20", "1.204"], ["30012.10", "0.050"]],
                               "asks": [["30012.30", "0.731"], ["30012.50", "2.000"]]})
        if path == "/fapi/v1/klines":
            return json.dumps([[1700000000000, "30000.00", "30020.10", "29990.00", "30012.30",
                                "52.123", 1700000059999, "1564000.1", 120, "26.0", "780000.0",
                                "0"]])
        if path == "/fapi/v1/leverageBracket":
            return LEVERAGE_BRACKETS
        if path == "/fapi/v2/balance":
            return json.dumps([{"accountAlias": "SgsR", "asset": "USDT",
                                "balance": "10000.12345678", "crossWalletBalance": "10000.1",
                                "crossUnPnl": "0.00000000", "availableBalance": "9000.5",
                                "maxWithdrawAmount": "9000.5", "marginAvailable": True,
                                "updateTime": 1700000000000}])
        if path == "/fapi/v2/positionRisk":
            return json.dumps([{"symbol": "BTCUSDT", "positionAmt": "-0.010",
                                "entryPrice": "30000.3", "markPrice": "30012.30000000",
                                "unRealizedProfit": "-0.12000000", "liquidationPrice": "0",
                                "leverage": "10", "marginType": "cross",
                                "positionSide": "BOTH", "notional": "-300.123"},
                               {"symbol": "ETHUSDT", "positionAmt": "0.000",
                                "entryPrice": "0.0", "markPrice": "2000", "positionSide": "BOTH",
                                "unRealizedProfit": "0", "leverage": "10", "notional": "0"}])
        if path == "/fapi/v1/order":
            return self._order(method, params)
        if path == "/fapi/v1/userTrades":
            return json.dumps(self.trades.get(int(params["orderId"]), []))
        self.unknown.append(f"{method} {path}")
        return json.dumps({"code": -5000, "msg": "unknown path"})

    def _order(self, method: str, params: dict[str, str]) -> str:
        if method == "POST":
            client_id = params["newClientOrderId"]
            if client_id in self.orders:
                return json.dumps({"code": -4116, "msg": "ClientOrderId is duplicated."})
            self._next_id += 1
            order = {"orderId": self._next_id, "symbol": params["symbol"], "status": "NEW",
                     "clientOrderId": client_id, "price": params.get("price", "0"),
                     "avgPrice": "0.00", "origQty": params["quantity"], "executedQty": "0.000",
                     "cumQty": "0", "cumQuote": "0", "timeInForce": "GTC",
                     "type": params["type"], "reduceOnly": False, "closePosition": False,
                     "side": params["side"], "positionSide": "BOTH", "stopPrice": "0",
                     "workingType": "CONTRACT_PRICE", "priceProtect": False,
                     "origType": params["type"], "updateTime": 1700000000000}
            self.orders[client_id] = order
            if params["type"] == "MARKET":
                for qty, price in self.market_fills:
                    self._trade(order, qty, price, maker=False)
            return json.dumps(order)
        order_or_none = self.orders.get(params.get("origClientOrderId", ""))
        if order_or_none is None:
            return json.dumps({"code": -2013, "msg": "Order does not exist."})
        if method == "DELETE":
            order_or_none["status"] = "CANCELED"
        return json.dumps(order_or_none)


def _handler(venue: VenueEmulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            split = urlsplit(self.path)
            params = dict(parse_qsl(split.query))
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                params.update(parse_qsl(self.rfile.read(length).decode()))
            status, body, delay = venue.handle(self.command, split.path, params,
                                               self.headers.get("X-MBX-APIKEY", ""))
            if status == 200 and body.startswith('{"code": -'):
                status = 400
            if delay:
                time.sleep(delay)
            data = body.encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client timed out and went away, as the test intended

        do_GET = do_POST = do_DELETE = _serve  # noqa: N815 - http.server names

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def running_emulator() -> Iterator[tuple[VenueEmulator, str]]:
    """Serve an emulator on an ephemeral loopback port; yields it and its ``http://`` root."""
    venue = VenueEmulator()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(venue))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield venue, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
