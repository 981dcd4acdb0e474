"""A loopback emulator of the Binance USDⓈ-M REST endpoints the ccxt adapter uses.

Response shapes are the ones Binance documents for each endpoint (developers.binance.com,
"USDⓈ-M Futures" REST API: exchangeInfo, ticker/24hr, depth, klines, order, algoOrder,
userTrades, leverageBracket, positionSide/dual, fundingRate, fundingInfo, v2/balance,
v2/positionRisk) trimmed to the fields ccxt and the adapter read; numbers keep Binance's types
(strings for prices and sizes, JSON numbers in leverage brackets and funding intervals).
Errors use Binance's ``{"code": -NNNN, "msg": ...}`` body.

Matching is the venue's, written here from Binance's documented behaviour, independently of
the core's rules (the conformance suite compares the two): the account has one last price
(:meth:`VenueEmulator.move` changes it), positions per symbol and position side built from its
trades, and a one-way or hedge mode (``positionSide/dual``: -4068 with a position, -4067 with
an open order, -4059 when unchanged).

* ``MARKET`` orders fill at once: in the scripted ``market_fills`` trades when the quantity is
  their total (0.004 @ 30000.0 and 0.006 @ 30000.5 for 0.010), else in one trade at the last
  price.
* ``LIMIT`` orders marketable at the last price fill at their limit as taker; ``GTX`` ones are
  refused there (-5022); others rest (``GTC``/``GTX``) or expire (``IOC``/``FOK``).  A resting
  limit fills as maker when :meth:`VenueEmulator.move` reaches it, or by
  :meth:`VenueEmulator.fill`.
* Conditional orders go through ``/fapi/v1/algoOrder`` (Binance moved them to the Algo
  Service): refused when their trigger already holds (-2021); each :meth:`~VenueEmulator.move`
  evaluates the documented trigger conditions (STOP/STOP_MARKET, TAKE_PROFIT(_MARKET),
  TRAILING_STOP_MARKET with ``callbackRate`` in percent and ``activatePrice``); a triggered
  algo order places its ``actualOrderId`` order (a market order filling in one trade at the
  last price, or a limit order at ``price``) and becomes ``TRIGGERED``, then ``FINISHED``.
* ``reduceOnly`` orders (and a hedge leg's closing side) are refused with nothing to reduce
  (-2022) and clipped to the position when they fill; an order's ``positionSide`` must match
  the mode (-4061).

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
        "orderTypes": ["LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT",
                       "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"],
        "timeInForce": ["GTC", "IOC", "FOK", "GTX"],
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
        self.sent: list[tuple[str, dict[str, str]]] = []  # (path, params) of every POST
        self.unknown: list[str] = []
        self.orders: dict[str, dict[str, Any]] = {}
        self.trades: dict[int, list[dict[str, Any]]] = defaultdict(list)
        self.market_fills: list[tuple[str, str]] = [("0.004", "30000.0"), ("0.006", "30000.5")]
        self.echo_api_key = False
        self.commission_asset = "USDT"
        self._next_id = 1000
        self.last_price = Decimal("30000.0")
        self.dual = False
        self.positions: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        self.algos: dict[str, dict[str, Any]] = {}
        self.funding_rates: list[dict[str, Any]] = [
            {"symbol": "BTCUSDT", "fundingTime": 1_570_608_000_000, "fundingRate": "-0.03750000",
             "markPrice": "34287.54619963"},
            {"symbol": "BTCUSDT", "fundingTime": 1_570_636_800_000, "fundingRate": "0.00010000",
             "markPrice": "34651.40000000"}]

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

    def move(self, price: str) -> None:
        """The market trades at ``price``: resting limits it reaches fill as maker at their
        limit, and conditional orders whose trigger it meets fire."""
        with self.lock:
            self.last_price = Decimal(price)
            for order in list(self.orders.values()):
                if order["status"] in ("NEW", "PARTIALLY_FILLED") and self._reaches(order):
                    self._fill_rest(order, order["price"], maker=True)
            for algo in list(self.algos.values()):
                if algo["algoStatus"] == "NEW" and self._fires(algo):
                    self._trigger(algo)

    def _reaches(self, order: dict[str, Any]) -> bool:
        limit = Decimal(order["price"])
        return self.last_price <= limit if order["side"] == "BUY" else self.last_price >= limit

    def _leg(self, order: dict[str, Any]) -> tuple[str, str]:
        return (order["symbol"], order["positionSide"])

    def _reducing(self, order: dict[str, Any]) -> bool:
        side, leg = order["side"], order["positionSide"]
        return (order.get("reduceOnly") is True or (leg == "LONG" and side == "SELL")
                or (leg == "SHORT" and side == "BUY"))

    def _room(self, order: dict[str, Any]) -> Decimal | None:
        """What a reducing order may still fill (``None``: not reducing)."""
        if not self._reducing(order):
            return None
        held = self.positions[self._leg(order)]
        opposite = held < 0 if order["side"] == "SELL" else held > 0
        return Decimal(0) if held == 0 or opposite else abs(held)

    def _fill_rest(self, order: dict[str, Any], price: str, *, maker: bool) -> None:
        remaining = Decimal(order["origQty"]) - Decimal(order["executedQty"])
        room = self._room(order)
        if room is not None and room < remaining:
            remaining = room
            if remaining == 0:
                order["status"] = "EXPIRED"
                return
        self._trade(order, str(remaining), price, maker)
        if room is not None and order["status"] != "FILLED":
            order["status"] = "EXPIRED"

    def _fires(self, algo: dict[str, Any]) -> bool:
        p, kind, buy = self.last_price, algo["orderType"], algo["side"] == "BUY"
        if kind == "TRAILING_STOP_MARKET":
            best = algo["_best"] = (min(algo["_best"], p) if buy else max(algo["_best"], p))
            rate = Decimal(algo["callbackRate"]) / 100
            active: bool = (best <= Decimal(algo["activatePrice"]) if buy
                            else best >= Decimal(algo["activatePrice"]))
            return active and (p >= best * (1 + rate) if buy else p <= best * (1 - rate))
        trigger = Decimal(algo["triggerPrice"])
        if kind in ("STOP", "STOP_MARKET"):
            return p >= trigger if buy else p <= trigger
        return p <= trigger if buy else p >= trigger

    def _would_trigger(self, algo: dict[str, Any]) -> bool:
        if algo["orderType"] == "TRAILING_STOP_MARKET":
            if not algo["_activation_given"]:  # defaults to the latest price: never refused
                return False
            activation = Decimal(algo["activatePrice"])
            return (activation >= self.last_price if algo["side"] == "BUY"
                    else activation <= self.last_price)
        return self._fires(algo)

    def _trigger(self, algo: dict[str, Any]) -> None:
        market = algo["orderType"] in ("STOP_MARKET", "TAKE_PROFIT_MARKET",
                                       "TRAILING_STOP_MARKET")
        order = self._new_order({
            "symbol": algo["symbol"], "side": algo["side"], "quantity": algo["quantity"],
            "type": "MARKET" if market else "LIMIT", "price": algo["price"],
            "timeInForce": algo["timeInForce"], "positionSide": algo["positionSide"],
            "reduceOnly": "true" if algo["reduceOnly"] else "false",
            "newClientOrderId": f"algo-{algo['algoId']}"})
        if market:
            self._fill_rest(order, str(self.last_price), maker=False)
        else:
            self._match_limit(order)
        algo["actualOrderId"] = str(order["orderId"])
        algo["algoStatus"] = ("FINISHED" if order["status"] in ("FILLED", "EXPIRED", "CANCELED")
                              else "TRIGGERED")

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
            "positionSide": order["positionSide"], "symbol": order["symbol"],
            "time": 1_700_000_000_000})
        executed = sum((Decimal(t["qty"]) for t in self.trades[order["orderId"]]), Decimal(0))
        order["executedQty"] = str(executed)
        order["status"] = "FILLED" if executed >= Decimal(order["origQty"]) else "PARTIALLY_FILLED"
        signed = Decimal(qty) if order["side"] == "BUY" else -Decimal(qty)
        self.positions[self._leg(order)] += signed

    def handle(self, method: str, path: str, params: dict[str, str], api_key: str,
               ) -> tuple[int, str, float]:
        """The reply ``(status, body, delay)`` for one request."""
        with self.lock:
            self.calls.append((method, path))
            if method == "POST":
                self.sent.append((path, dict(params)))
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
        if path == "/fapi/v1/algoOrder":
            return self._algo_order(method, params)
        if path == "/fapi/v1/userTrades":
            return json.dumps(self.trades.get(int(params["orderId"]), []))
        if path == "/fapi/v1/positionSide/dual" and method == "POST":
            return self._dual(params["dualSidePosition"] == "true")
        if path == "/fapi/v1/fundingRate":
            return json.dumps(self.funding_rates[:int(params.get("limit", 100))])
        if path == "/fapi/v1/fundingInfo":
            return json.dumps([{"symbol": "BTCUSDT", "adjustedFundingRateCap": "0.02500000",
                                "adjustedFundingRateFloor": "-0.02500000",
                                "fundingIntervalHours": 8, "disclaimer": False}])
        self.unknown.append(f"{method} {path}")
        return json.dumps({"code": -5000, "msg": "unknown path"})

    @staticmethod
    def _error(code: int, msg: str) -> str:
        return json.dumps({"code": code, "msg": msg})

    def _dual(self, hedge: bool) -> str:
        if hedge == self.dual:
            return self._error(-4059, "No need to change position side.")
        if any(q != 0 for q in self.positions.values()):
            return self._error(-4068, "Position side cannot be changed if there exists position.")
        if any(o["status"] in ("NEW", "PARTIALLY_FILLED") for o in self.orders.values()) or any(
                a["algoStatus"] == "NEW" for a in self.algos.values()):
            return self._error(-4067,
                               "Position side cannot be changed if there exists open orders.")
        self.dual = hedge
        return json.dumps({"code": 200, "msg": "success"})

    def _refusal(self, params: dict[str, str]) -> str | None:
        """The error an order's position side or reduce-only flag earns, if any."""
        leg = params.get("positionSide", "BOTH")
        if (leg == "BOTH") == self.dual:
            return self._error(-4061, "Order's position side does not match user's setting.")
        probe = {"symbol": params["symbol"], "side": params["side"], "positionSide": leg,
                 "reduceOnly": params.get("reduceOnly") == "true"}
        if self._room(probe) == 0:
            return self._error(-2022, "ReduceOnly Order is rejected.")
        return None

    def _new_order(self, params: dict[str, str]) -> dict[str, Any]:
        self._next_id += 1
        order: dict[str, Any] = {"orderId": self._next_id, "symbol": params["symbol"],
                                 "status": "NEW",
                 "clientOrderId": params["newClientOrderId"],
                 "price": params.get("price", "0"), "avgPrice": "0.00",
                 "origQty": params["quantity"], "executedQty": "0.000", "cumQty": "0",
                 "cumQuote": "0", "timeInForce": params.get("timeInForce", "GTC"),
                 "type": params["type"], "reduceOnly": params.get("reduceOnly") == "true",
                 "closePosition": False, "side": params["side"],
                 "positionSide": params.get("positionSide", "BOTH"), "stopPrice": "0",
                 "workingType": "CONTRACT_PRICE", "priceProtect": False,
                 "origType": params["type"], "updateTime": 1700000000000}
        self.orders[order["clientOrderId"]] = order
        return order

    def _match_limit(self, order: dict[str, Any]) -> None:
        if self._reaches(order):
            self._fill_rest(order, order["price"], maker=False)
        elif order["timeInForce"] in ("IOC", "FOK"):
            order["status"] = "EXPIRED"

    def _algo_order(self, method: str, params: dict[str, str]) -> str:
        if method == "POST":
            refused = self._refusal(params)
            if refused is not None:
                return refused
            self._next_id += 1
            kind = params["type"]
            algo: dict[str, Any] = {
                "algoId": self._next_id, "clientAlgoId": params["clientAlgoId"],
                "algoType": params["algoType"], "orderType": kind, "symbol": params["symbol"],
                "side": params["side"], "positionSide": params.get("positionSide", "BOTH"),
                "timeInForce": params.get("timeInForce", "GTC"), "quantity": params["quantity"],
                "algoStatus": "NEW", "actualOrderId": "", "actualPrice": "0.00000",
                "triggerPrice": params.get("triggerPrice", "0"),
                "price": params.get("price", "0"), "icebergQuantity": None,
                "selfTradePreventionMode": "NONE", "workingType": "CONTRACT_PRICE",
                "priceMatch": "NONE", "closePosition": False, "priceProtect": False,
                "reduceOnly": params.get("reduceOnly") == "true",
                "activatePrice": params.get("activatePrice", str(self.last_price)),
                "callbackRate": params.get("callbackRate", ""), "createTime": 1750485492076,
                "updateTime": 1750485492076, "triggerTime": 0, "goodTillDate": 0,
                "_best": self.last_price, "_activation_given": "activatePrice" in params}
            if self._would_trigger(algo):
                return self._error(-2021, "Order would immediately trigger.")
            self.algos[algo["clientAlgoId"]] = algo
            return self._algo_json(algo)
        algo_or_none = self.algos.get(params.get("clientAlgoId", ""))
        if algo_or_none is None:
            return self._error(-2013, "Order does not exist.")
        if method == "DELETE":
            if algo_or_none["algoStatus"] != "NEW":
                return self._error(-2011, "Unknown order sent.")
            algo_or_none["algoStatus"] = "CANCELED"
            return json.dumps({"algoId": algo_or_none["algoId"],
                               "clientAlgoId": algo_or_none["clientAlgoId"], "code": "200",
                               "msg": "success"})
        return self._algo_json(algo_or_none)

    @staticmethod
    def _algo_json(algo: dict[str, Any]) -> str:
        return json.dumps({k: v for k, v in algo.items() if not k.startswith("_")})

    def _order(self, method: str, params: dict[str, str]) -> str:
        if method == "POST":
            if params["newClientOrderId"] in self.orders:
                return self._error(-4116, "ClientOrderId is duplicated.")
            refused = self._refusal(params)
            if refused is not None:
                return refused
            limit = params["type"] == "LIMIT"
            if limit and params.get("timeInForce") == "GTX" and self._reaches(
                    {"price": params["price"], "side": params["side"]}):
                return self._error(-5022, "Due to the order could not be executed as maker, "
                                          "the Post Only order will be rejected.")
            order = self._new_order(params)
            if limit:
                self._match_limit(order)
            elif sum(Decimal(q) for q, _ in self.market_fills) == Decimal(order["origQty"]):
                for qty, price in self.market_fills:
                    self._trade(order, qty, price, maker=False)
            else:
                self._fill_rest(order, str(self.last_price), maker=False)
            return json.dumps(order)
        order_or_none = (self.orders.get(params.get("origClientOrderId", ""))
                         if "origClientOrderId" in params else next(
                             (o for o in self.orders.values()
                              if str(o["orderId"]) == params.get("orderId")), None))
        if order_or_none is None:
            return self._error(-2013, "Order does not exist.")
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
