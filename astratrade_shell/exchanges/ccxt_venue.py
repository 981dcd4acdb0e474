"""A real venue over ``ccxt``: Binance USDⓈ-M futures (``ccxt.binanceusdm``) behind our ports.

:class:`CcxtVenue` implements the :class:`~astratrade_shell.exchanges.port.Exchange` and
:class:`~astratrade_shell.exchanges.port.MarketData` ports and adds market-data reads
(:meth:`~CcxtVenue.ticker`, :meth:`~CcxtVenue.order_book`, :meth:`~CcxtVenue.candles`),
account reads (:meth:`~CcxtVenue.balances`, :meth:`~CcxtVenue.positions`) and the venue's
markets as core :class:`~astratrade_core.instrument.Instrument` values.

**Exact numbers.** ccxt's unified structures carry Python floats, which are not money.  Every
number we keep is parsed with :func:`~astratrade_core.numeric.parse_decimal` from the venue's
own *strings*: the ``info`` field of unified results (Binance sends prices and sizes as JSON
strings), or the raw endpoint reply for order books, candles, balances, positions and fills.
The one Binance reply with JSON *numbers* (leverage brackets) is decoded again from the raw
HTTP body with ``parse_float=Decimal``, so ``0.004`` is ``Decimal('0.004')``, never a float.

**Markets.** tick = ``PRICE_FILTER.tickSize``, lot = ``LOT_SIZE.stepSize``, minimum quantity
= ``LOT_SIZE.minQty``, minimum notional = ``MIN_NOTIONAL.notional`` (what ccxt turns into
``limits.cost.min``); leverage brackets become ``margin_tiers`` (the last bracket unbounded).

**Calls.** Every request first takes a token from a :class:`TokenBucket` (clock and sleep
injected; ccxt's own limiter is off).  Transient failures (``NetworkError`` and its children
``RequestTimeout``, ``DDoSProtection``, ``ExchangeNotAvailable``) are retried with exponential
backoff per :class:`RetryPolicy`; venue refusals (``InsufficientFunds``, ``InvalidOrder``,
authentication) never are.  They come back as ``DomainError`` values with codes
``exchange.insufficient_funds``, ``exchange.invalid_order``, ``exchange.not_found``,
``exchange.auth``, ``exchange.rejected`` and ``exchange.unavailable`` (retries exhausted).

**Idempotency.** The venue's client order id is derived from our ``client_order_id`` (the
command id) by :func:`venue_client_order_id`.  After a transient failure of a submission the
adapter looks the order up by that id and resubmits only if the venue does not know it, so a
timeout whose request did reach the venue never trades twice.

**Fills.** A report's executions come from the venue's trade list for the order (price,
quantity, commission, maker flag per trade).  A partially filled order is reported ``OPEN``
(or ``CANCELLED``) *with* the executions so far; :meth:`CcxtVenue.on_prices` polls tracked
open orders and reports only executions not reported before.

**Credentials** come only from the environment or a TOML file (:class:`Credentials`); they
never appear in reprs, log records or error messages (secrets are scrubbed from ccxt errors).

>>> venue_client_order_id("cmd-42") == venue_client_order_id("cmd-42")
True
>>> len(venue_client_order_id("cmd-42")), venue_client_order_id("cmd-42")[:3]
(32, 'at-')
>>> Credentials(api_key="k", secret="s")
Credentials()
"""

from __future__ import annotations

import importlib
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.instrument import Instrument, margin_tiers
from astratrade_core.money import Currency
from astratrade_core.numeric import CONTEXT, parse_decimal
from astratrade_core.portfolio import ExecuteTrade
from astratrade_core.risk import RiskPolicy
from astratrade_core.trading import Fill, Liquidity
from astratrade_shell.exchanges.port import (
    Execution,
    OrderReport,
    OrderRequest,
    OrderStatus,
)
from astratrade_shell.exchanges.venue_access import (
    REDACT,
    Credentials,
    RetryPolicy,
    TokenBucket,
    venue_client_order_id,
)

__all__ = [
    "Candle",
    "CcxtVenue",
    "Credentials",
    "OrderBook",
    "RetryPolicy",
    "Ticker",
    "TokenBucket",
    "fill_commands",
    "venue_client_order_id",
]

_log = logging.getLogger(__name__)
_T = TypeVar("_T")

_STATUS = {
    "NEW": OrderStatus.OPEN,
    "PARTIALLY_FILLED": OrderStatus.OPEN,
    "FILLED": OrderStatus.FILLED,
    "CANCELED": OrderStatus.CANCELLED,
    "EXPIRED": OrderStatus.CANCELLED,
    "REJECTED": OrderStatus.CANCELLED,
}


@attrs.frozen
class Ticker:
    """The venue's 24-hour ticker for a symbol."""

    symbol: str
    last: Decimal
    high: Decimal
    low: Decimal
    volume: Decimal


@attrs.frozen
class OrderBook:
    """Price levels ``(price, quantity)``, best first."""

    symbol: str
    bids: tuple[tuple[Decimal, Decimal], ...]
    asks: tuple[tuple[Decimal, Decimal], ...]


@attrs.frozen
class Candle:
    """One OHLCV bar opening at ``opened_at`` (UTC)."""

    opened_at: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal


class _MalformedError(Exception):
    """A venue reply without the shape we read (raised and caught inside this module only)."""


_MALFORMED = (_MalformedError, KeyError, IndexError, TypeError, ValueError)


def _num(value: object, field: str) -> Decimal:
    """A venue number, parsed exactly from the venue's string (floats are refused)."""
    parsed = parse_decimal(value, field)
    if isinstance(parsed, Failure):
        raise _MalformedError(f"malformed {field}: {parsed.failure().code}")
    return parsed.unwrap()


def _decode(build: Callable[[Any], _T]) -> Callable[[Any], Result[_T, DomainError]]:
    """``build`` applied to a venue reply; a reply of the wrong shape is the Failure
    ``exchange.malformed`` instead of an exception."""
    def run(reply: Any) -> Result[_T, DomainError]:
        try:
            return Success(build(reply))
        except _MALFORMED as exc:
            return Failure(DomainError.invalid("exchange.malformed",
                                          f"unexpected venue reply ({type(exc).__name__}: {exc})"))
    return run



def _ccxt() -> Any:
    """The ccxt package, imported on first use (it takes about a second: the CLI must not pay
    for it unless a real venue is used)."""
    return importlib.import_module("ccxt")


def _filters(info: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {f["filterType"]: f for f in info.get("filters", [])}


def _execution(order: OrderRequest, trade: Mapping[str, Any], quote: str) -> Execution:
    """One venue trade as our execution: signed quantity, price, commission as the fee."""
    if trade["commissionAsset"] != quote:
        raise _MalformedError(f"fee paid in {trade['commissionAsset']}, not in {quote}")
    quantity = _num(trade["qty"], "qty")
    signed = quantity if trade["side"] == "BUY" else CONTEXT.minus(quantity)
    liquidity = Liquidity.MAKER if trade["maker"] else Liquidity.TAKER
    fill = Fill.of(signed, trade["price"], trade["commission"], liquidity)
    if isinstance(fill, Failure):
        raise _MalformedError(f"fill: {', '.join(fill.failure().codes())}")
    return Execution(order.client_order_id, order.account_id, order.symbol, fill.unwrap(),
                     str(trade["id"]))


def fill_commands(report: OrderReport, *, quote_currency: str, policy: RiskPolicy,
                  issued_at: datetime) -> tuple[ExecuteTrade, ...]:
    """The portfolio commands that book a report's executions: one
    :class:`~astratrade_core.portfolio.ExecuteTrade` per venue trade, whose ``command_id``
    ``"<client_order_id>:trade:<venue trade id>"`` makes booking the same fill twice a no-op
    for the application's command idempotency.  ``decide`` turns each into ``TradeExecuted``.

    >>> from astratrade_core.trading import Fill
    >>> from astratrade_shell.exchanges.port import OrderRequest, OrderStatus, Side
    >>> request = OrderRequest(client_order_id="c-1", account_id="a", symbol="BTCUSDT",
    ...                        side=Side.BUY, quantity=Decimal("0.002"))
    >>> done = OrderReport(request, OrderStatus.FILLED, (Execution(
    ...     "c-1", "a", "BTCUSDT", Fill(Decimal("0.002"), Decimal("30000")), "77"),))
    >>> policy = RiskPolicy.of(max_leverage="10").unwrap()
    >>> [c.command_id for c in fill_commands(done, quote_currency="USDT", policy=policy,
    ...                                      issued_at=datetime(2026, 1, 1, tzinfo=UTC))]
    ['c-1:trade:77']
    """
    return tuple(
        ExecuteTrade(command_id=f"{e.client_order_id}:trade:{e.venue_trade_id or index}",
                     account_id=e.account_id, issued_at=issued_at, symbol=e.symbol,
                     quote_currency=quote_currency, quantity=e.fill.quantity,
                     price=e.fill.price, policy=policy, fee=e.fill.fee,
                     liquidity=e.fill.liquidity)
        for index, e in enumerate(report.executions))


class CcxtVenue:
    """Binance USDⓈ-M over a ccxt exchange object (see the module docstring)."""

    def __init__(self, exchange: Any, *, account_id: str, watch: Sequence[str] = (),
                 bucket: TokenBucket | None = None, retry: RetryPolicy | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 secrets: Sequence[str] = ()) -> None:
        self._ex = exchange
        self._account_id = account_id
        self._watch = tuple(watch)
        self._bucket = bucket or TokenBucket(rate=10.0, capacity=10.0)
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._secrets = tuple(s for s in secrets if s)
        self._prices: dict[str, Decimal] = {}
        self._orders: dict[str, OrderRequest] = {}
        self._reports: dict[str, OrderReport] = {}
        self._reported: dict[str, set[str]] = {}

    @classmethod
    def connect(cls, credentials: Credentials | None, *, account_id: str,
                watch: Sequence[str] = (), api_root: str | None = None,
                timeout_ms: int = 10_000, **options: Any) -> CcxtVenue:
        """Build a ``ccxt.binanceusdm`` client (ccxt is imported here, not at CLI start-up).
        ``api_root`` (``http://127.0.0.1:8080``) replaces the scheme and host of every entry
        of ``urls['api']``, keeping the paths (an emulator or a proxy)."""
        ccxt = _ccxt()

        config: dict[str, Any] = {"enableRateLimit": False, "timeout": timeout_ms,
                                  "enableLastHttpResponse": True,
                                  # spot wallet currencies (a sapi call) are not needed
                                  "options": {"fetchCurrencies": False}}
        if credentials is not None:
            config |= {"apiKey": credentials.api_key, "secret": credentials.secret}
        exchange = ccxt.binanceusdm(config)
        if api_root is not None:
            exchange.urls["api"] = {
                name: api_root + "/" + url.split("/", 3)[3] if isinstance(url, str) else url
                for name, url in exchange.urls["api"].items()}
            # ccxt picks Binance's USDⓈ-M error table by the URL's host; keep it on any root.
            linear = exchange.exceptions.get("linear", {})
            exchange.get_exceptions_by_url = lambda _url, kind: linear.get(kind, {})
        secrets = () if credentials is None else (credentials.api_key, credentials.secret)
        if secrets:
            REDACT.secrets.update(secrets)
            logging.getLogger("ccxt.base.exchange").addFilter(REDACT)  # added once
        return cls(exchange, account_id=account_id, watch=watch, secrets=secrets, **options)

    def __repr__(self) -> str:
        return f"CcxtVenue({self._ex.id!r}, account_id={self._account_id!r})"

    # -- calls -------------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text[:400]

    def _refusal(self, exc: Exception) -> DomainError:
        ccxt = _ccxt()

        code = ("exchange.insufficient_funds" if isinstance(exc, ccxt.InsufficientFunds)
                else "exchange.not_found" if isinstance(exc, ccxt.OrderNotFound)
                else "exchange.invalid_order" if isinstance(exc, ccxt.InvalidOrder)
                else "exchange.auth" if isinstance(exc, ccxt.AuthenticationError)
                else "exchange.rejected")
        message = self._scrub(f"{type(exc).__name__}: {exc}")
        if code == "exchange.not_found":
            return DomainError.not_found(code, message)
        if code == "exchange.auth":
            return DomainError.invalid(code, message)
        return DomainError.rejected(code, message)

    def _call(self, fn: Callable[[], _T]) -> Result[_T, DomainError]:
        """One request under the rate limit, retried with backoff on transient errors."""
        ccxt = _ccxt()

        for attempt in range(1, self._retry.attempts + 1):
            self._bucket.acquire()
            try:
                return Success(fn())
            except ccxt.OperationFailed as exc:
                if attempt == self._retry.attempts:
                    return Failure(DomainError.unavailable(
                        "exchange.unavailable", self._scrub(f"{type(exc).__name__}: {exc}"),
                        attempts=attempt))
                _log.warning("transient %s from %s; retry %d", type(exc).__name__,
                             self._ex.id, attempt)
                self._sleep(self._retry.delay(attempt))
            except ccxt.BaseError as exc:
                return Failure(self._refusal(exc))
        raise AssertionError("unreachable: attempts >= 1")

    def _raw_json(self) -> Any:
        """The last HTTP body decoded with exact decimals for JSON numbers."""
        return json.loads(self._ex.last_http_response, parse_float=Decimal)

    def _load_markets(self) -> Result[Any, DomainError]:
        return Success(self._ex.markets) if self._ex.markets else self._call(
            self._ex.load_markets)

    def _market(self, symbol: str) -> Result[Mapping[str, Any], DomainError]:
        loaded = self._load_markets()
        if isinstance(loaded, Failure):
            return loaded
        market = self._ex.markets_by_id.get(symbol)
        if not market:
            return Failure(DomainError.not_found("exchange.unknown_symbol", f"no market {symbol}",
                                          symbol=symbol))
        return Success(market[0])

    # -- markets and market data -------------------------------------------------------------

    def instruments(self, *, with_tiers: bool = False,
                    ) -> Result[Mapping[str, Instrument], DomainError]:
        """Every trading linear contract as an :class:`Instrument`, keyed by venue id
        (``BTCUSDT``); ``with_tiers`` also reads the leverage brackets (a signed call)."""
        loaded = self._load_markets()
        if isinstance(loaded, Failure):
            return loaded
        tiers: Mapping[str, Any] = {}
        if with_tiers:
            brackets = self._call(lambda: self._ex.fapiPrivateGetLeverageBracket({}))
            if isinstance(brackets, Failure):
                return brackets
            decoded = _decode(lambda _: {r["symbol"]: r["brackets"] for r in self._raw_json()})(
                None)
            if isinstance(decoded, Failure):
                return decoded
            tiers = decoded.unwrap()
        out: dict[str, Instrument] = {}
        for market in self._ex.markets.values():
            info = market["info"]
            if info.get("status") != "TRADING":
                continue
            decoded_market = _decode(lambda i: self._instrument(i, tiers.get(i["symbol"])))(info)
            if isinstance(decoded_market, Failure):
                return decoded_market
            made = decoded_market.unwrap()
            if isinstance(made, Failure):
                return made
            out[info["symbol"]] = made.unwrap()
        return Success(out)

    @staticmethod
    def _instrument(info: Mapping[str, Any], brackets: Sequence[Mapping[str, Any]] | None,
                    ) -> Result[Instrument, DomainError]:
        filters = _filters(info)
        currencies = [Currency.of(info[k], int(info[p])) for k, p in
                      (("baseAsset", "baseAssetPrecision"), ("quoteAsset", "quotePrecision"))]
        for currency in currencies:
            if isinstance(currency, Failure):
                return currency
        base, quote = (c.unwrap() for c in currencies)
        tiers = None
        if brackets:
            rows = [(b["notionalFloor"], None if i == len(brackets) - 1 else b["notionalCap"],
                     b["initialLeverage"], b["maintMarginRatio"]) for i, b in enumerate(brackets)]
            built = margin_tiers(rows)
            if isinstance(built, Failure):
                return built
            tiers = built.unwrap()
        return Instrument.of(
            info["symbol"], base, quote,
            tick_size=filters["PRICE_FILTER"]["tickSize"],
            lot_size=filters["LOT_SIZE"]["stepSize"],
            min_quantity=filters["LOT_SIZE"]["minQty"],
            min_notional=filters.get("MIN_NOTIONAL", {}).get("notional", "0"),
            max_leverage=tiers[0].max_leverage if tiers else "1", tiers=tiers)

    def ticker(self, symbol: str) -> Result[Ticker, DomainError]:
        """The 24-hour ticker (last, high, low, base volume) from the venue's strings."""
        return self._market(symbol).bind(lambda m: self._call(
            lambda: self._ex.fetch_ticker(m["symbol"]))).bind(_decode(lambda t: Ticker(
                symbol, _num(t["info"]["lastPrice"], "lastPrice"),
                _num(t["info"]["highPrice"], "highPrice"), _num(t["info"]["lowPrice"], "lowPrice"),
                _num(t["info"]["volume"], "volume"))))

    def order_book(self, symbol: str, depth: int = 5) -> Result[OrderBook, DomainError]:
        """The top ``depth`` levels of each side."""
        def levels(rows: Sequence[Sequence[str]]) -> tuple[tuple[Decimal, Decimal], ...]:
            return tuple((_num(p, "price"), _num(q, "quantity")) for p, q in rows[:depth])
        return self._call(lambda: self._ex.fapiPublicGetDepth(
            {"symbol": symbol, "limit": max(5, depth)})).bind(_decode(
                lambda r: OrderBook(symbol, levels(r["bids"]), levels(r["asks"]))))

    def candles(self, symbol: str, interval: str = "1m", limit: int = 100,
                ) -> Result[tuple[Candle, ...], DomainError]:
        """OHLCV bars, oldest first."""
        return self._call(lambda: self._ex.fapiPublicGetKlines(
            {"symbol": symbol, "interval": interval, "limit": limit})).bind(_decode(
                lambda rows: tuple(
                    Candle(datetime.fromtimestamp(int(r[0]) // 1000, UTC), _num(r[1], "open"),
                           _num(r[2], "high"), _num(r[3], "low"), _num(r[4], "close"),
                           _num(r[5], "volume")) for r in rows)))

    def symbols(self) -> tuple[str, ...]:
        """The watched symbols (MarketData port)."""
        return self._watch

    def advance(self) -> Mapping[str, Decimal]:
        """The last trade price of every watched symbol (MarketData port); a symbol whose
        read failed keeps its previous price (the failure is logged)."""
        for symbol in self._watch:
            ticker = self.ticker(symbol)
            if isinstance(ticker, Failure):
                _log.warning("no price for %s: %s", symbol, ticker.failure().code)
                continue
            self._prices[symbol] = ticker.unwrap().last
        return dict(self._prices)

    # -- account -----------------------------------------------------------------------------

    def balances(self) -> Result[Mapping[str, Decimal], DomainError]:
        """Wallet balance per asset (``balance`` of the futures account)."""
        return self._call(lambda: self._ex.fapiPrivateV2GetBalance({})).bind(_decode(
            lambda rows: {r["asset"]: _num(r["balance"], "balance") for r in rows}))

    def positions(self) -> Result[Mapping[str, tuple[Decimal, Decimal]], DomainError]:
        """Open positions: symbol -> (signed quantity, entry price)."""
        return self._call(lambda: self._ex.fapiPrivateV2GetPositionRisk({})).bind(_decode(
            lambda rows: {r["symbol"]: (_num(r["positionAmt"], "positionAmt"),
                                        _num(r["entryPrice"], "entryPrice"))
                          for r in rows if _num(r["positionAmt"], "positionAmt") != 0}))

    # -- trading (Exchange port) -------------------------------------------------------------

    def submit(self, order: OrderRequest) -> Result[OrderReport, DomainError]:
        """Place an order once per ``client_order_id`` (see *Idempotency* above)."""
        seen = self._reports.get(order.client_order_id)
        if seen is not None:
            return Success(seen)
        if order.client_order_id in self._orders:  # placed and still open: report, not resend
            return self._poll(self._orders[order.client_order_id], fresh_only=False)
        market = self._market(order.symbol)
        if isinstance(market, Failure):
            return market
        unified = market.unwrap()["symbol"]
        cid = venue_client_order_id(order.client_order_id)
        price = None if order.limit_price is None else str(order.limit_price)

        def create() -> Any:
            return self._ex.create_order(unified, order.kind.value, order.side.value,
                                         str(order.quantity), price, {"newClientOrderId": cid})

        placed = self._call_once_per_id(create, unified, cid)
        if isinstance(placed, Failure):
            return placed
        self._orders[order.client_order_id] = order
        return self._report(order, placed.unwrap()["info"], fresh_only=False)

    def _call_once_per_id(self, create: Callable[[], Any], unified: str, cid: str,
                          ) -> Result[Any, DomainError]:
        ccxt = _ccxt()

        for attempt in range(1, self._retry.attempts + 1):
            if attempt > 1:  # the failed attempt may have reached the venue: look it up first
                found = self._call(lambda: self._ex.fetch_order(
                    None, unified, {"origClientOrderId": cid}))
                if isinstance(found, Success):
                    _log.info("order %s found after a transient failure; not resubmitted", cid)
                    return found
                if found.failure().code != "exchange.not_found":
                    return found
            self._bucket.acquire()
            try:
                return Success(create())
            except ccxt.OperationFailed as exc:
                if attempt == self._retry.attempts:
                    return Failure(DomainError.unavailable(
                        "exchange.unavailable", self._scrub(f"{type(exc).__name__}: {exc}"),
                        attempts=attempt))
                _log.warning("transient %s placing %s; retry %d", type(exc).__name__, cid,
                             attempt)
                self._sleep(self._retry.delay(attempt))
            except ccxt.BaseError as exc:
                return Failure(self._refusal(exc))
        raise AssertionError("unreachable: attempts >= 1")

    def _report(self, order: OrderRequest, info: Mapping[str, Any], *, fresh_only: bool,
                ) -> Result[OrderReport, DomainError]:
        executed = _decode(lambda i: _num(i.get("executedQty", "0"), "executedQty"))(info)
        if isinstance(executed, Failure):
            return executed
        status = _STATUS.get(info.get("status", ""), OrderStatus.OPEN)
        executions: tuple[Execution, ...] = ()
        if executed.unwrap() > 0:
            trades = self._executions(order, str(info["orderId"]), fresh_only=fresh_only)
            if isinstance(trades, Failure):
                return trades
            executions = trades.unwrap()
        report = OrderReport(order, status, executions)
        if status is not OrderStatus.OPEN:
            self._orders.pop(order.client_order_id, None)
            if not fresh_only:
                self._reports[order.client_order_id] = report
        return Success(report)

    def _executions(self, order: OrderRequest, order_id: str, *, fresh_only: bool,
                    ) -> Result[tuple[Execution, ...], DomainError]:
        quote = self._ex.markets_by_id[order.symbol][0]["info"]["quoteAsset"]
        listed = self._call(lambda: self._ex.fapiPrivateGetUserTrades(
            {"symbol": order.symbol, "orderId": order_id})).bind(_decode(
                lambda rows: [(str(t["id"]), _execution(order, t, quote)) for t in rows]))
        if isinstance(listed, Failure):
            return listed
        seen = self._reported.setdefault(order.client_order_id, set())
        fresh = [(tid, e) for tid, e in listed.unwrap() if not (fresh_only and tid in seen)]
        seen.update(tid for tid, _ in fresh)
        return Success(tuple(e for _, e in fresh))

    def cancel(self, client_order_id: str) -> Result[OrderReport, DomainError]:
        """Cancel a tracked open order; the report carries any fills not yet reported."""
        order = self._orders.get(client_order_id)
        if order is None:
            return Failure(DomainError.rejected("exchange.not_open", "no open order with that id",
                                          client_order_id=client_order_id))
        return self._market(order.symbol).bind(lambda m: self._call(
            lambda: self._ex.cancel_order(None, m["symbol"], {
                "origClientOrderId": venue_client_order_id(client_order_id)}))).bind(
            lambda placed: self._report(order, placed["info"], fresh_only=True))

    def _poll(self, order: OrderRequest, *, fresh_only: bool = True,
              ) -> Result[OrderReport, DomainError]:
        market = self._market(order.symbol)
        if isinstance(market, Failure):
            return market
        cid = venue_client_order_id(order.client_order_id)
        polled = self._call(lambda: self._ex.fetch_order(
            None, market.unwrap()["symbol"], {"origClientOrderId": cid}))
        if isinstance(polled, Failure):
            return polled
        return self._report(order, polled.unwrap()["info"], fresh_only=fresh_only)

    def on_prices(self, prices: Mapping[str, Decimal]) -> tuple[OrderReport, ...]:
        """Poll every tracked open order; report those with new executions or a final state."""
        self._prices.update(prices)
        out: list[OrderReport] = []
        for order in list(self._orders.values()):
            report = self._poll(order)
            if isinstance(report, Failure):
                _log.warning("cannot poll %s: %s", order.client_order_id, report.failure().code)
                continue
            value = report.unwrap()
            if value.executions or value.status is not OrderStatus.OPEN:
                out.append(value)
        return tuple(out)
