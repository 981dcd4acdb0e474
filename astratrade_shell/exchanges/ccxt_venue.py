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

**Order types.** Every core order kind, time in force, post-only, reduce-only and hedge leg
maps onto Binance's parameters through ccxt (:func:`ccxt_order`); conditional orders go to
Binance's Algo Service (``/fapi/v1/algoOrder``) and are followed to their ``actualOrderId``
once triggered.  Binance refusals keep their own codes
(:data:`~astratrade_shell.exchanges.binance_orders.BINANCE_REFUSALS`).  OCO pairs
and brackets, which Binance USDⓈ-M lacks, run the core's group rules client-side
(:meth:`CcxtVenue.submit_group`).  :meth:`~CcxtVenue.funding_rate_history` and
:meth:`~CcxtVenue.funding_schedules` read funding exactly from the venue's strings.

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
from astratrade_core.trading import (
    Fill,
    FundingHistory,
    FundingSchedule,
    GroupActions,
    GroupKind,
    GroupState,
    Liquidity,
    OrderGroup,
    OrderKind,
    OrderRequest,
    OrderStatus,
    PositionMode,
    TimeInForce,
    validate_group,
)
from astratrade_shell.exchanges.binance_orders import (
    ALGO_STATUS,
    BINANCE_REFUSALS,
    NO_CHANGE,
    ORDER_STATUS,
    TrackedOrder,
    ccxt_order,
    lookup_params,
    unsupported,
)
from astratrade_shell.exchanges.port import Execution, OrderReport
from astratrade_shell.exchanges.venue_access import (
    REDACT,
    Credentials,
    RetryPolicy,
    TokenBucket,
    venue_client_order_id,
)
from astratrade_shell.redaction import redact_text

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
    for the application's command idempotency; each books on the order's leg
    (``position_side``).  ``decide`` turns each into ``TradeExecuted``.

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
                     liquidity=e.fill.liquidity, position_side=report.request.position_side)
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
        self._orders: dict[str, TrackedOrder] = {}
        self._groups: dict[str, GroupState] = {}
        self._outbox: list[OrderReport] = []

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
        return redact_text(text, self._secrets)[:400]

    def _venue_code(self) -> int | None:
        """Binance's error code in the reply that raised, read from the raw body (ccxt's
        message may carry only the text)."""
        try:
            reply = json.loads(self._ex.last_http_response or "null")
        except (TypeError, ValueError):
            return None
        code = reply.get("code") if isinstance(reply, dict) else None
        return code if isinstance(code, int) and not isinstance(code, bool) else None

    def _refusal(self, exc: Exception) -> DomainError:
        ccxt = _ccxt()

        message = self._scrub(f"{type(exc).__name__}: {exc}")
        mapped = BINANCE_REFUSALS.get(self._venue_code() or 0)
        if mapped is not None:
            return DomainError.rejected(mapped, message, venue_code=self._venue_code())
        code = ("exchange.insufficient_funds" if isinstance(exc, ccxt.InsufficientFunds)
                else "exchange.not_found" if isinstance(exc, ccxt.OrderNotFound)
                else "exchange.invalid_order" if isinstance(exc, ccxt.InvalidOrder)
                else "exchange.auth" if isinstance(exc, ccxt.AuthenticationError)
                else "exchange.rejected")
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
            self._ex.last_http_response = None  # a refusal reads the code of its own reply
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


    # -- funding -----------------------------------------------------------------------------

    def funding_rate_history(self, symbol: str, *, since: datetime | None = None,
                             limit: int = 100) -> Result[FundingHistory, DomainError]:
        """Published funding rates (``GET /fapi/v1/fundingRate``), exact from the venue's
        ``fundingRate`` strings, at their ``fundingTime``."""
        query: dict[str, Any] = {"symbol": symbol, "limit": limit}
        if since is not None:
            query["startTime"] = int(since.timestamp() * 1000)
        rows = self._call(lambda: self._ex.fapiPublicGetFundingRate(query)).bind(_decode(
            lambda reply: [(datetime.fromtimestamp(int(r["fundingTime"]) / 1000, UTC),
                            _num(r["fundingRate"], "fundingRate")) for r in reply]))
        return rows.bind(FundingHistory.of)

    def funding_schedules(self) -> Result[Mapping[str, FundingSchedule], DomainError]:
        """The symbols whose funding Binance adjusted (``GET /fapi/v1/fundingInfo``): interval
        (``fundingIntervalHours``) and the rate's cap and floor, exact from its strings."""
        def schedules(reply: Any) -> dict[str, FundingSchedule]:
            out: dict[str, FundingSchedule] = {}
            for r in reply:
                made = FundingSchedule.of(hours=int(r["fundingIntervalHours"]),
                                          cap=_num(r["adjustedFundingRateCap"], "cap"),
                                          floor=_num(r["adjustedFundingRateFloor"], "floor"))
                if isinstance(made, Failure):
                    raise _MalformedError(f"funding info: {', '.join(made.failure().codes())}")
                out[r["symbol"]] = made.unwrap()
            return out
        return self._call(lambda: self._ex.fapiPublicGetFundingInfo({})).bind(
            _decode(schedules))

    # -- trading (Exchange port) -------------------------------------------------------------

    def set_position_mode(self, account_id: str, mode: PositionMode,
                          ) -> Result[PositionMode, DomainError]:
        """One-way or hedge mode (``POST /fapi/v1/positionSide/dual``); the mode the account
        already has is a success (Binance's -4059 "No need to change")."""
        if account_id != self._account_id:
            return Failure(DomainError.not_found("exchange.unknown_account",
                                                 f"this connection trades {self._account_id}",
                                                 account_id=account_id))
        done = self._call(lambda: self._ex.set_position_mode(mode is PositionMode.HEDGE))
        if isinstance(done, Failure) and self._venue_code() != NO_CHANGE:
            return done
        return Success(mode)

    def submit(self, order: OrderRequest) -> Result[OrderReport, DomainError]:
        """Place an order once per ``client_order_id`` (see *Idempotency* above)."""
        tracked = self._orders.get(order.client_order_id)
        if tracked is not None:
            if tracked.status.is_final or tracked.status is OrderStatus.PENDING:
                return Success(tracked.report(everything=True))
            return self._poll(tracked, everything=True)
        tracked = TrackedOrder(order)
        sent = self._send(tracked)
        if isinstance(sent, Success):
            self._orders[order.client_order_id] = tracked
        return sent

    def _send(self, tracked: TrackedOrder) -> Result[OrderReport, DomainError]:
        """Place ``tracked``'s order at the venue and fold the reply in."""
        refused = unsupported(tracked.request)
        if refused is not None:
            return Failure(refused)
        placed = self._place(tracked.request)
        if isinstance(placed, Failure):
            return placed
        tracked.status = OrderStatus.OPEN
        return self._update(tracked, placed.unwrap(), everything=True)

    def _place(self, order: OrderRequest) -> Result[Mapping[str, Any], DomainError]:
        market = self._market(order.symbol)
        if isinstance(market, Failure):
            return market
        unified = market.unwrap()["symbol"]
        cid = venue_client_order_id(order.client_order_id)
        kind, price, params = ccxt_order(order, cid)

        def create() -> Any:
            return self._ex.create_order(unified, kind, order.side.value, str(order.quantity),
                                         price, params)

        def lookup() -> Any:
            return self._ex.fetch_order(None, unified, lookup_params(order, cid))

        return self._call_once_per_id(create, lookup, cid).map(lambda placed: placed["info"])

    def _call_once_per_id(self, create: Callable[[], Any], lookup: Callable[[], Any],
                          cid: str) -> Result[Any, DomainError]:
        ccxt = _ccxt()

        for attempt in range(1, self._retry.attempts + 1):
            if attempt > 1:  # the failed attempt may have reached the venue: look it up first
                found = self._call(lookup)
                if isinstance(found, Success):
                    _log.info("order %s found after a transient failure; not resubmitted", cid)
                    return found
                if found.failure().code != "exchange.not_found":
                    return found
            self._bucket.acquire()
            self._ex.last_http_response = None
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

    def _update(self, tracked: TrackedOrder, info: Mapping[str, Any], *, everything: bool,
                ) -> Result[OrderReport, DomainError]:
        """Fold a venue reply about ``tracked`` in (a conditional order's algo reply leads to
        its matching-engine order once triggered), then its group's rules."""
        order = tracked.request
        if order.kind.is_conditional and "algoStatus" in info:
            actual = str(info.get("actualOrderId") or "")
            if not actual:
                tracked.status = ALGO_STATUS.get(str(info["algoStatus"]), OrderStatus.OPEN)
                return Success(self._grouped(tracked, tracked.report(everything=everything)))
            tracked.actual_id = actual
            fetched = self._market(order.symbol).bind(lambda m: self._call(
                lambda: self._ex.fetch_order(actual, m["symbol"])))
            if isinstance(fetched, Failure):
                return fetched
            info = fetched.unwrap()["info"]
        executed = _decode(lambda i: _num(i.get("executedQty", "0"), "executedQty"))(info)
        if isinstance(executed, Failure):
            return executed
        tracked.actual_id = str(info["orderId"])
        tracked.status = ORDER_STATUS.get(str(info.get("status", "")), OrderStatus.OPEN)
        if executed.unwrap() > 0:
            trades = self._executions(tracked)
            if isinstance(trades, Failure):
                return trades
        return Success(self._grouped(tracked, tracked.report(everything=everything)))

    def _executions(self, tracked: TrackedOrder) -> Result[None, DomainError]:
        order = tracked.request
        quote = self._ex.markets_by_id[order.symbol][0]["info"]["quoteAsset"]
        listed = self._call(lambda: self._ex.fapiPrivateGetUserTrades(
            {"symbol": order.symbol, "orderId": tracked.actual_id})).bind(_decode(
                lambda rows: [(str(t["id"]), _execution(order, t, quote)) for t in rows]))
        if isinstance(listed, Failure):
            return listed
        for trade_id, execution in listed.unwrap():
            if trade_id not in tracked.trade_ids:
                tracked.trade_ids.add(trade_id)
                tracked.executions.append(execution)
        return Success(None)

    def _grouped(self, tracked: TrackedOrder, report: OrderReport) -> OrderReport:
        """Apply ``tracked``'s group rules after an update; siblings' reports go to the
        outbox (the next :meth:`on_prices` returns them)."""
        if tracked.group is None:
            return report
        state, actions = self._groups[tracked.group].on_update(
            tracked.request.client_order_id, tracked.status, tracked.filled)
        self._groups[tracked.group] = state
        self._act(actions)
        return report

    def _act(self, actions: GroupActions) -> None:
        for cid in actions.cancel:
            sibling = self._orders.get(cid)
            if sibling is None or sibling.status.is_final:
                continue
            if sibling.status is OrderStatus.PENDING:
                sibling.status = OrderStatus.CANCELLED
                self._outbox.append(sibling.report(everything=False))
                continue
            cancelled = self._cancel_at_venue(sibling)
            if isinstance(cancelled, Failure):
                _log.warning("cannot cancel %s: %s", cid, cancelled.failure().code)
                continue
            self._outbox.append(cancelled.unwrap())
        for request in actions.place:  # an exit cancelled meanwhile (its sibling fired) stays so
            if self._orders[request.client_order_id].status is OrderStatus.PENDING:
                self._outbox.append(self._arm(request))

    def _arm(self, request: OrderRequest) -> OrderReport:
        """Place a bracket exit; one the market has already passed (Binance -2021) closes at
        market instead, reduce-only, under the same id."""
        tracked = self._orders[request.client_order_id]
        tracked.request = request
        sent = self._send(tracked)
        if isinstance(sent, Failure) and sent.failure().code == "order.would_trigger":
            tracked.request = attrs.evolve(
                request, kind=OrderKind.MARKET, stop_price=None, limit_price=None,
                trailing=None, time_in_force=TimeInForce.GTC)
            sent = self._send(tracked)
        if isinstance(sent, Failure):
            _log.warning("cannot place exit %s: %s", request.client_order_id,
                         sent.failure().code)
            tracked.status = OrderStatus.EXPIRED
        return tracked.report(everything=True)  # newly placed: nothing reported before

    def submit_group(self, group: OrderGroup,
                     ) -> Result[tuple[OrderReport, ...], DomainError]:
        """Place an OCO pair or a bracket.  Binance USDⓈ-M has neither, so the adapter runs
        the core's group rules itself: it places the legs (a bracket's exits once its entry
        completes) and cancels the sibling at the venue when it sees a leg execute; a leg
        cancelled before it was sent (its sibling filled on arrival) is never sent.  Between
        two polls both legs could trade at the venue; reduce-only exits bound the total to
        the position."""
        if group.group_id in self._groups:
            return Success(tuple(self._current(o.client_order_id) for o in group.orders))
        checked = validate_group(group)
        if isinstance(checked, Failure):
            return checked
        if any(o.client_order_id in self._orders for o in group.orders):
            return Failure(DomainError.conflict(
                "exchange.duplicate_order", "a member's client order id is already in use",
                group_id=group.group_id))
        self._groups[group.group_id] = GroupState.start(group)
        for o in group.orders:
            self._orders[o.client_order_id] = TrackedOrder(o, status=OrderStatus.PENDING,
                                                       group=group.group_id)
        live = group.orders if group.kind is GroupKind.OCO else group.orders[:1]
        for index, order in enumerate(live):
            tracked = self._orders[order.client_order_id]
            if tracked.status is not OrderStatus.PENDING:  # cancelled by a sibling's fill
                continue
            sent = self._send(tracked)
            if isinstance(sent, Failure):
                for earlier in live[:index]:
                    self.cancel(earlier.client_order_id)
                del self._groups[group.group_id]
                for o in group.orders:
                    self._orders.pop(o.client_order_id, None)
                return sent
        members = {o.client_order_id for o in group.orders}
        self._outbox = [r for r in self._outbox if r.request.client_order_id not in members]
        return Success(tuple(self._current(o.client_order_id) for o in group.orders))

    def _current(self, client_order_id: str) -> OrderReport:
        return self._orders[client_order_id].report(everything=True)

    def cancel(self, client_order_id: str) -> Result[OrderReport, DomainError]:
        """Cancel a tracked open order; the report carries any fills not yet reported.  Its
        group's rules may cancel or arm siblings (reported by the next :meth:`on_prices`)."""
        tracked = self._orders.get(client_order_id)
        if tracked is None or tracked.status.is_final:
            return Failure(DomainError.rejected("exchange.not_open", "no open order with that id",
                                                client_order_id=client_order_id))
        if tracked.status is OrderStatus.PENDING:
            tracked.status = OrderStatus.CANCELLED
            report: Result[OrderReport, DomainError] = Success(tracked.report(everything=False))
        else:
            report = self._cancel_at_venue(tracked)
        if isinstance(report, Success) and tracked.group is not None:
            state, actions = self._groups[tracked.group].on_cancel(client_order_id)
            self._groups[tracked.group] = state
            self._act(actions)
            self._grouped(tracked, report.unwrap())
        return report

    def _cancel_at_venue(self, tracked: TrackedOrder) -> Result[OrderReport, DomainError]:
        order = tracked.request
        market = self._market(order.symbol)
        if isinstance(market, Failure):
            return market
        unified = market.unwrap()["symbol"]
        cid = venue_client_order_id(order.client_order_id)
        if order.kind.is_conditional and tracked.actual_id is None:
            done = self._call(lambda: self._ex.cancel_order(
                None, unified, {"clientAlgoId": cid, "trigger": True}))
            if isinstance(done, Failure):
                return done
            tracked.status = OrderStatus.CANCELLED
            return Success(tracked.report(everything=False))
        params = {} if order.kind.is_conditional else {"origClientOrderId": cid}
        return self._call(lambda: self._ex.cancel_order(
            tracked.actual_id if order.kind.is_conditional else None, unified, params)).bind(
            lambda placed: self._update(tracked, placed["info"], everything=False))

    def _poll(self, tracked: TrackedOrder, *, everything: bool = False,
              ) -> Result[OrderReport, DomainError]:
        order = tracked.request
        market = self._market(order.symbol)
        if isinstance(market, Failure):
            return market
        unified = market.unwrap()["symbol"]
        cid = venue_client_order_id(order.client_order_id)
        if order.kind.is_conditional and tracked.actual_id is None:
            query = {"clientAlgoId": cid, "trigger": True}
            polled = self._call(lambda: self._ex.fetch_order(None, unified, query))
        else:
            actual = tracked.actual_id
            polled = self._call(lambda: self._ex.fetch_order(
                actual if order.kind.is_conditional else None, unified,
                {} if order.kind.is_conditional else {"origClientOrderId": cid}))
        if isinstance(polled, Failure):
            return polled
        return self._update(tracked, polled.unwrap()["info"], everything=everything)

    def on_prices(self, prices: Mapping[str, Decimal]) -> tuple[OrderReport, ...]:
        """Poll every tracked working order; report those with new executions or a final
        state, and what their groups' rules did to their siblings."""
        self._prices.update(prices)
        out: list[OrderReport] = []
        for tracked in list(self._orders.values()):
            if tracked.status is not OrderStatus.OPEN:
                continue
            report = self._poll(tracked)
            if isinstance(report, Failure):
                _log.warning("cannot poll %s: %s", tracked.request.client_order_id,
                             report.failure().code)
                continue
            value = report.unwrap()
            if value.executions or value.status.is_final:
                out.append(value)
        out += self._outbox
        self._outbox = []
        return tuple(out)
