"""The ccxt adapter: the real ``ccxt.binanceusdm`` client against a loopback Binance emulator:
the exchange conformance suite, then what only a real venue does (markets, market data,
partial fills, timeouts, retries, secrets).

Expected values come from the emulator's recorded replies (``binance_emulator``) or are worked
out by hand in the comments.  No network beyond 127.0.0.1.
"""

from __future__ import annotations

import decimal
import logging
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from astratrade_core.events.trading import TradeExecuted
from astratrade_core.portfolio import Deposit, PortfolioState, decide, replay
from astratrade_core.risk import RiskPolicy
from astratrade_core.testing import hostile_contexts
from astratrade_core.trading import Liquidity
from astratrade_shell.exchanges import (
    Exchange,
    OrderGroup,
    OrderKind,
    OrderRequest,
    OrderStatus,
    PositionMode,
    PositionSide,
    Side,
    TimeInForce,
    Trailing,
)
from astratrade_shell.exchanges.ccxt_venue import (
    CcxtVenue,
    Credentials,
    RetryPolicy,
    TokenBucket,
    fill_commands,
    venue_client_order_id,
)
from tests.shell.exchanges.binance_emulator import Fault, VenueEmulator, running_emulator
from tests.shell.exchanges.conformance import ExchangeConformance

KEY, SECRET = "k3y-AbCdEf0123456789", "s3cr3t-ZyXwVu9876543210"
ORDER = "/fapi/v1/order"


class Clock:
    """A fake clock whose sleep advances it and records every wait."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture(scope="module")
def emulator() -> Iterator[tuple[VenueEmulator, str]]:
    with running_emulator() as running:
        yield running


def connect(root: str, clock: Clock, *, timeout_ms: int = 2_000,
            bucket: TokenBucket | None = None) -> CcxtVenue:
    return CcxtVenue.connect(Credentials(KEY, SECRET), account_id="alice", watch=("BTCUSDT",),
                             api_root=root, timeout_ms=timeout_ms, sleep=clock.sleep,
                             bucket=bucket or TokenBucket(rate=1e9, capacity=1e9),
                             retry=RetryPolicy(attempts=4, base=0.25, cap=5.0))


@pytest.fixture
def venue(emulator: tuple[VenueEmulator, str]) -> CcxtVenue:
    emulator[0].faults.clear()
    return connect(emulator[1], Clock())


class TestCcxtVenue(ExchangeConformance):
    """The conformance suite, each test on its own fresh emulator."""

    @pytest.fixture(autouse=True)
    def _emulator(self) -> Iterator[None]:
        with running_emulator() as (state, root):
            self.emulator, self.root = state, root
            yield

    def open_exchange(self) -> Exchange:
        return connect(self.root, Clock())

    def market_trades(self, exchange: Exchange, resting: OrderRequest) -> Mapping[str, Decimal]:
        assert resting.limit_price is not None
        self.emulator.fill(venue_client_order_id(resting.client_order_id),
                           str(resting.quantity), str(resting.limit_price))
        return {}  # the venue's book traded it; polling finds the fill

    def market_moves(self, exchange: Exchange, price: Decimal) -> Mapping[str, Decimal]:
        self.emulator.move(str(price))
        return {}  # the venue's market moved; polling finds what it did


def order(cid: str, side: Side, quantity: str, limit: str | None = None) -> OrderRequest:
    return OrderRequest(client_order_id=cid, account_id="alice", symbol="BTCUSDT", side=side,
                        quantity=Decimal(quantity),
                        kind=OrderKind.MARKET if limit is None else OrderKind.LIMIT,
                        limit_price=None if limit is None else Decimal(limit))


def test_markets_map_to_instruments_with_the_venue_strings_and_brackets(
        venue: CcxtVenue) -> None:
    btc = venue.instruments(with_tiers=True).unwrap()["BTCUSDT"]
    assert (btc.tick_size, btc.lot_size, btc.min_quantity, btc.min_notional) == (
        Decimal("0.10"), Decimal("0.001"), Decimal("0.001"), Decimal("100"))
    assert (btc.base.code, btc.quote.code, btc.max_leverage) == ("BTC", "USDT", Decimal(125))
    assert btc.tiers[-1].notional_cap is None  # the venue's last cap is lifted to unbounded
    # Our derived maintenance amounts equal Binance's published "cum" column:
    # 0; 0 + 50000 * (0.005 - 0.004) = 50; 50 + 250000 * (0.01 - 0.005) = 1300;
    # 1300 + 3000000 * (0.025 - 0.01) = 46300.
    assert [t.maintenance_amount for t in btc.tiers] == [0, 50, 1300, 46300]
    assert [t.maintenance_margin_rate for t in btc.tiers] == [
        Decimal("0.004"), Decimal("0.005"), Decimal("0.01"), Decimal("0.025")]


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ctx=hostile_contexts())
def test_mapping_ignores_the_callers_decimal_context(venue: CcxtVenue,
                                                     ctx: decimal.Context) -> None:
    normal = venue.instruments(with_tiers=True).unwrap()
    with decimal.localcontext(ctx):
        hostile = venue.instruments(with_tiers=True).unwrap()
    assert hostile == normal


def test_market_data_is_exact(venue: CcxtVenue) -> None:
    ticker = venue.ticker("BTCUSDT").unwrap()
    assert (ticker.last, ticker.high, ticker.low, ticker.volume) == (
        Decimal("30012.30"), Decimal("30150.00"), Decimal("29700.10"), Decimal("182345.127"))
    book = venue.order_book("BTCUSDT", depth=1).unwrap()
    assert book.bids == ((Decimal("30012.20"), Decimal("1.204")),)
    assert book.asks == ((Decimal("30012.30"), Decimal("0.731")),)
    (bar,) = venue.candles("BTCUSDT").unwrap()
    assert (bar.opened_at.isoformat(), bar.open, bar.close, bar.volume) == (
        "2023-11-14T22:13:20+00:00", Decimal("30000.00"), Decimal("30012.30"), Decimal("52.123"))
    assert venue.symbols() == ("BTCUSDT",)
    assert venue.advance() == {"BTCUSDT": Decimal("30012.30")}


def test_balances_and_positions(venue: CcxtVenue) -> None:
    assert venue.balances().unwrap() == {"USDT": Decimal("10000.12345678")}
    assert venue.positions().unwrap() == {"BTCUSDT": (Decimal("-0.010"), Decimal("30000.3"))}


def test_a_market_order_reports_each_partial_fill_with_its_fee(
        emulator: tuple[VenueEmulator, str], venue: CcxtVenue) -> None:
    report = venue.submit(order("cmd-market-1", Side.SELL, "0.010")).unwrap()
    assert report.status is OrderStatus.FILLED
    fills = [e.fill for e in report.executions]
    # 0.004 * 30000.0 * 0.0004 = 0.048; 0.006 * 30000.5 * 0.0004 = 0.0720012
    assert [(f.quantity, f.price, f.fee, f.liquidity) for f in fills] == [
        (Decimal("-0.004"), Decimal("30000.0"), Decimal("0.04800000"), Liquidity.TAKER),
        (Decimal("-0.006"), Decimal("30000.5"), Decimal("0.07200120"), Liquidity.TAKER)]
    placed = emulator[0].orders[venue_client_order_id("cmd-market-1")]
    assert (placed["side"], placed["type"], placed["origQty"]) == ("SELL", "MARKET", "0.01")
    again = venue.submit(order("cmd-market-1", Side.SELL, "0.010")).unwrap()
    assert again == report and emulator[0].count("POST", ORDER) == 1


def test_fills_become_trade_commands_and_trade_events(venue: CcxtVenue) -> None:
    report = venue.submit(order("cmd-market-2", Side.SELL, "0.010")).unwrap()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    commands = fill_commands(report, quote_currency="USDT", issued_at=now,
                             policy=RiskPolicy.of(max_leverage="10").unwrap())
    assert len({c.command_id for c in commands}) == 2
    state = replay(decide(PortfolioState.EMPTY, Deposit(
        command_id="d", account_id="alice", issued_at=now, currency="USDT",
        amount=Decimal("1000"))).unwrap())
    booked = []
    for command in commands:
        events = decide(state, command).unwrap()
        state = replay(events, state)
        booked += [e for e in events if isinstance(e, TradeExecuted)]
    assert [(e.quantity, e.price, e.fee, e.liquidity) for e in booked] == [
        (Decimal("-0.004"), Decimal("30000.0"), Decimal("0.04800000"), "taker"),
        (Decimal("-0.006"), Decimal("30000.5"), Decimal("0.07200120"), "taker")]


def test_a_resting_order_reports_new_fills_once_then_cancels(
        emulator: tuple[VenueEmulator, str], venue: CcxtVenue) -> None:
    report = venue.submit(order("cmd-limit-1", Side.BUY, "0.010", "29990.0")).unwrap()
    assert report.status is OrderStatus.OPEN and report.executions == ()
    assert venue.on_prices({"BTCUSDT": Decimal("30000")}) == ()
    emulator[0].fill(venue_client_order_id("cmd-limit-1"), "0.003", "29990.0")
    (partial,) = venue.on_prices({"BTCUSDT": Decimal("29990")})
    # maker fee 0.003 * 29990.0 * 0.0002 = 0.017994
    assert partial.status is OrderStatus.OPEN
    assert [(e.fill.quantity, e.fill.fee, e.fill.liquidity) for e in partial.executions] == [
        (Decimal("0.003"), Decimal("0.01799400"), Liquidity.MAKER)]
    assert venue.on_prices({}) == ()  # nothing new: the fill is not reported twice
    emulator[0].fill(venue_client_order_id("cmd-limit-1"), "0.002", "29990.0")
    cancelled = venue.cancel("cmd-limit-1").unwrap()
    assert cancelled.status is OrderStatus.CANCELLED
    assert [e.fill.quantity for e in cancelled.executions] == [Decimal("0.002")]
    assert venue.cancel("cmd-limit-1").failure().code == "exchange.not_open"


def test_resubmitting_an_open_order_reports_it_without_sending_it_again(
        emulator: tuple[VenueEmulator, str], venue: CcxtVenue) -> None:
    first = venue.submit(order("cmd-limit-2", Side.SELL, "0.010", "30100.0")).unwrap()
    posts = emulator[0].count("POST", ORDER)
    emulator[0].fill(venue_client_order_id("cmd-limit-2"), "0.004", "30100.0")
    again = venue.submit(order("cmd-limit-2", Side.SELL, "0.010", "30100.0")).unwrap()
    assert emulator[0].count("POST", ORDER) == posts
    assert (first.status, again.status) == (OrderStatus.OPEN, OrderStatus.OPEN)
    assert [e.fill.quantity for e in again.executions] == [Decimal("-0.004")]
    venue.cancel("cmd-limit-2").unwrap()


def test_malformed_replies_are_failures_not_exceptions(
        emulator: tuple[VenueEmulator, str], venue: CcxtVenue) -> None:
    venue.instruments().unwrap()
    # a float where Binance sends a string is refused, never rounded into money
    emulator[0].fault("GET", "/fapi/v1/ticker/24hr", Fault(body=(
        '{"symbol": "BTCUSDT", "lastPrice": 30012.3, "highPrice": "1", "lowPrice": "1",'
        ' "volume": "1"}')))
    assert venue.ticker("BTCUSDT").failure().code == "exchange.malformed"
    emulator[0].fault("GET", "/fapi/v1/depth", Fault(body='{"bids": [["1"]], "asks": []}'))
    assert venue.order_book("BTCUSDT").failure().code == "exchange.malformed"
    emulator[0].commission_asset = "BNB"  # fees paid in BNB are not quote-currency fees
    try:
        failed = venue.submit(order("cmd-bnb-1", Side.BUY, "0.010")).failure()
    finally:
        emulator[0].commission_asset = "USDT"
    assert failed.code == "exchange.malformed" and "BNB" in failed.message


def test_a_timed_out_submission_is_found_by_client_id_not_sent_twice(
        emulator: tuple[VenueEmulator, str]) -> None:
    venue_state, root = emulator
    clock = Clock()
    venue = connect(root, clock, timeout_ms=300)
    venue.instruments().unwrap()
    before = venue_state.count("POST", ORDER)
    venue_state.fault("POST", ORDER, Fault(delay=1.0))  # processed, reply after the timeout
    report = venue.submit(order("cmd-timeout-1", Side.SELL, "0.010")).unwrap()
    assert venue_state.count("POST", ORDER) == before + 1
    assert report.status is OrderStatus.FILLED and len(report.executions) == 2
    assert clock.sleeps == [0.25]


def test_a_lost_submission_is_resubmitted_after_the_lookup_misses(
        emulator: tuple[VenueEmulator, str], venue: CcxtVenue) -> None:
    venue.instruments().unwrap()
    posts = emulator[0].count("POST", ORDER)
    emulator[0].fault("POST", ORDER, Fault(503, -1001, "Internal error; unable to process."))
    report = venue.submit(order("cmd-lost-1", Side.BUY, "0.010")).unwrap()
    assert report.status is OrderStatus.FILLED
    assert emulator[0].count("POST", ORDER) == posts + 2  # the 503, then the one that traded
    assert len([o for o in emulator[0].orders if o == venue_client_order_id("cmd-lost-1")]) == 1


def test_transient_errors_back_off_exponentially_then_give_up(
        emulator: tuple[VenueEmulator, str]) -> None:
    clock = Clock()
    venue = connect(emulator[1], clock)
    venue.instruments().unwrap()
    emulator[0].fault("GET", "/fapi/v1/ticker/24hr", Fault(503, -1001, "busy"),
                      Fault(429, -1003, "Too many requests"))
    assert venue.ticker("BTCUSDT").unwrap().last == Decimal("30012.30")
    assert clock.sleeps == [0.25, 0.5]
    emulator[0].fault("GET", "/fapi/v1/ticker/24hr", *[Fault(502, -1001, "down")] * 4)
    failed = venue.ticker("BTCUSDT").failure()
    assert (failed.code, failed.fields["attempts"]) == ("exchange.unavailable", "4")
    assert clock.sleeps == [0.25, 0.5, 0.25, 0.5, 1.0]


@pytest.mark.parametrize(("fault", "code"), [
    (Fault(400, -2019, "Margin is insufficient."), "exchange.insufficient_funds"),
    (Fault(400, -4164, "Order's notional must be no smaller than 100"),
     "order.min_notional"),
    (Fault(400, -4120, "Order type not supported for this endpoint."),
     "exchange.invalid_order"),
    (Fault(401, -2015, "Invalid API-key, IP, or permissions for action."), "exchange.auth"),
])
def test_refusals_are_typed_and_never_retried(emulator: tuple[VenueEmulator, str],
                                              fault: Fault, code: str) -> None:
    clock = Clock()
    venue = connect(emulator[1], clock)
    venue.instruments().unwrap()
    posts = emulator[0].count("POST", ORDER)
    emulator[0].fault("POST", ORDER, fault)
    assert venue.submit(order(f"cmd-{code}", Side.BUY, "0.010")).failure().code == code
    assert emulator[0].count("POST", ORDER) == posts + 1 and clock.sleeps == []


def test_the_secret_never_reaches_logs_reprs_or_errors(
        emulator: tuple[VenueEmulator, str], caplog: pytest.LogCaptureFixture) -> None:
    venue = connect(emulator[1], Clock())
    venue.instruments().unwrap()
    emulator[0].echo_api_key = True  # a venue that echoes the key back in its error body
    try:
        emulator[0].fault("POST", ORDER, Fault(503, -1001, "busy"),
                          Fault(401, -2015, "Invalid API-key"))
        with caplog.at_level(logging.DEBUG):
            error = venue.submit(order("cmd-secret-1", Side.BUY, "0.010")).failure()
    finally:
        emulator[0].echo_api_key = False
    shown = " ".join([repr(error), str(error), caplog.text, repr(venue),
                      repr(Credentials(KEY, SECRET))])
    assert "***" in error.message and "retry 1" in caplog.text
    assert KEY not in shown and SECRET not in shown


def test_the_token_bucket_paces_requests(emulator: tuple[VenueEmulator, str]) -> None:
    clock = Clock()
    bucket = TokenBucket(rate=2.0, capacity=1.0, clock=lambda: clock.now, sleep=clock.sleep)
    venue = connect(emulator[1], clock, bucket=bucket)
    for _ in range(3):  # load_markets once, then one ticker call each: 4 tokens at 2/s
        venue.ticker("BTCUSDT").unwrap()
    assert clock.sleeps == [0.5, 0.5, 0.5] and clock.now == 1.5


def test_credentials_come_from_the_environment_or_a_file(tmp_path: Path) -> None:
    env = {"ASTRATRADE_BINANCEUSDM_API_KEY": KEY, "ASTRATRADE_BINANCEUSDM_API_SECRET": SECRET}
    assert Credentials.from_env("binanceusdm", env).unwrap() == Credentials(KEY, SECRET)
    config = tmp_path / "venues.toml"
    config.write_text(f'[venues.binanceusdm]\napi_key = "{KEY}"\nsecret = "{SECRET}"\n')
    assert Credentials.from_file(config, "binanceusdm").unwrap() == Credentials(KEY, SECRET)
    missing = Credentials.from_file(config, "kraken").failure()
    assert missing.code == "exchange.credentials" and SECRET not in str(missing)
    assert Credentials.from_file(tmp_path / "absent.toml", "x").failure().code == (
        "exchange.credentials")


def test_importing_the_adapter_does_not_import_ccxt() -> None:
    probe = ("import sys, astratrade_shell.exchanges.ccxt_venue; "
             "print('ccxt' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=30)
    assert out.stdout.strip() == "False"


def test_the_emulator_saw_only_endpoints_it_knows(emulator: tuple[VenueEmulator, str]) -> None:
    assert emulator[0].unknown == []


@given(st.text(min_size=1, max_size=200))
def test_venue_client_ids_are_deterministic_and_fit_binance(command_id: str) -> None:
    cid = venue_client_order_id(command_id)
    assert cid == venue_client_order_id(command_id)
    assert re.fullmatch(r"[.A-Z:/a-z0-9_-]{1,36}", cid)


@given(rate=st.integers(1, 50), capacity=st.integers(1, 10), calls=st.integers(1, 60))
def test_the_bucket_never_exceeds_its_rate(rate: int, capacity: int, calls: int) -> None:
    clock = Clock()
    bucket = TokenBucket(rate=float(rate), capacity=float(capacity), clock=lambda: clock.now,
                         sleep=clock.sleep)
    for _ in range(calls):
        bucket.acquire()
    # the first `capacity` calls are free; every further call needs 1/rate s more
    assert clock.now >= max(0, calls - capacity) / rate - 1e-9


@given(key=st.text(min_size=4, alphabet="abcdefXYZ0189-"),
       secret=st.text(min_size=4, alphabet="ghijkQRS2345_"))
def test_credentials_never_show_in_their_repr(key: str, secret: str) -> None:
    shown = repr(Credentials(key, secret))
    assert key not in shown and secret not in shown


# --- order types on the wire ----------------------------------------------------------------

ALGO = "/fapi/v1/algoOrder"


def _typed(cid: str, side: Side, kind: OrderKind, **fields: object) -> OrderRequest:
    return OrderRequest(client_order_id=cid, account_id="alice", symbol="BTCUSDT", side=side,
                        quantity=Decimal("0.010"), kind=kind,
                        **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("request_", "path", "expected"), [
    # Binance USDⓈ-M names: conditional orders go to the Algo Service (algoType CONDITIONAL)
    (_typed("w-1", Side.SELL, OrderKind.STOP_MARKET, stop_price=Decimal("29000.0"),
            reduce_only=True), ALGO,
     {"type": "STOP_MARKET", "triggerPrice": "29000", "reduceOnly": "true",
      "algoType": "CONDITIONAL"}),
    (_typed("w-2", Side.SELL, OrderKind.STOP_LIMIT, stop_price=Decimal("29000.0"),
            limit_price=Decimal("28990.0"), time_in_force=TimeInForce.IOC), ALGO,
     {"type": "STOP", "triggerPrice": "29000", "price": "28990", "timeInForce": "IOC"}),
    (_typed("w-3", Side.BUY, OrderKind.TAKE_PROFIT_MARKET, stop_price=Decimal("29000.0")), ALGO,
     {"type": "TAKE_PROFIT_MARKET", "triggerPrice": "29000"}),
    (_typed("w-4", Side.SELL, OrderKind.TAKE_PROFIT_LIMIT, stop_price=Decimal("31000.0"),
            limit_price=Decimal("31000.0")), ALGO,
     {"type": "TAKE_PROFIT", "triggerPrice": "31000", "price": "31000"}),
    (_typed("w-5", Side.SELL, OrderKind.TRAILING_STOP_MARKET,
            trailing=Trailing.percent(Decimal("0.025"), Decimal("31000.0"))), ALGO,
     {"type": "TRAILING_STOP_MARKET", "callbackRate": "2.5", "activatePrice": "31000"}),
    (_typed("w-6", Side.BUY, OrderKind.LIMIT, limit_price=Decimal("29000.0"),
            time_in_force=TimeInForce.GTX), ORDER,
     {"type": "LIMIT", "price": "29000", "timeInForce": "GTX"}),
    (_typed("w-7", Side.BUY, OrderKind.LIMIT, limit_price=Decimal("29000.0"),
            time_in_force=TimeInForce.FOK), ORDER,
     {"type": "LIMIT", "timeInForce": "FOK"}),
])
def test_order_types_reach_binance_with_its_parameters(
        emulator: tuple[VenueEmulator, str], venue: CcxtVenue, request_: OrderRequest,
        path: str, expected: dict[str, str]) -> None:
    state, _ = emulator
    if request_.reduce_only:
        venue.submit(order(f"{request_.client_order_id}-open", Side.BUY, "0.010")).unwrap()
    venue.submit(request_).unwrap()
    sent_path, params = state.sent[-1]
    assert sent_path == path
    assert {k: params.get(k) for k in expected} == expected
    assert params.get("clientAlgoId" if path == ALGO else "newClientOrderId") == (
        venue_client_order_id(request_.client_order_id))


def test_what_binance_cannot_express_is_refused_before_sending(
        emulator: tuple[VenueEmulator, str], venue: CcxtVenue) -> None:
    posts = len(emulator[0].sent)
    by_amount = _typed("u-1", Side.SELL, OrderKind.TRAILING_STOP_MARKET,
                       trailing=Trailing.amount(Decimal("50")))
    too_wide = _typed("u-2", Side.SELL, OrderKind.TRAILING_STOP_MARKET,
                      trailing=Trailing.percent(Decimal("0.11")))
    too_tight = _typed("u-3", Side.SELL, OrderKind.TRAILING_STOP_MARKET,
                       trailing=Trailing.percent(Decimal("0.0009")))
    for refused in (by_amount, too_wide, too_tight):
        assert venue.submit(refused).failure().code == "exchange.unsupported_order"
    assert len(emulator[0].sent) == posts
    # exactly at the edges, 0.1 % and 10 %, Binance takes them
    assert venue.submit(_typed("u-4", Side.SELL, OrderKind.TRAILING_STOP_MARKET,
                               trailing=Trailing.percent(Decimal("0.1")))).unwrap()
    assert venue.submit(_typed("u-5", Side.SELL, OrderKind.TRAILING_STOP_MARKET,
                               trailing=Trailing.percent(Decimal("0.001")))).unwrap()


def test_a_bracket_exit_already_passed_closes_at_market(
        emulator: tuple[VenueEmulator, str], venue: CcxtVenue) -> None:
    # the entry rests at 29,900; the market gaps to 29,400, below the 29,500 stop: arming
    # the stop is refused (-2021), so the adapter closes the position at market instead
    state, _ = emulator
    entry = _typed("b-e", Side.BUY, OrderKind.LIMIT, limit_price=Decimal("29900.0"))
    stop = _typed("b-sl", Side.SELL, OrderKind.STOP_MARKET, stop_price=Decimal("29500.0"),
                  reduce_only=True)
    target = _typed("b-tp", Side.SELL, OrderKind.TAKE_PROFIT_MARKET,
                    stop_price=Decimal("30500.0"), reduce_only=True)
    venue.submit_group(OrderGroup.bracket("b-gap", entry, stop, target)).unwrap()
    try:
        state.move("29400")
        reports = {r.request.client_order_id: r for r in venue.on_prices({})}
    finally:
        state.move("30000.0")
    assert reports["b-e"].status is OrderStatus.FILLED
    closed = reports["b-sl"]
    assert (closed.request.kind, closed.status) == (OrderKind.MARKET, OrderStatus.FILLED)
    assert reports["b-tp"].status is OrderStatus.CANCELLED
    assert sum(e.fill.quantity for e in closed.executions) == Decimal("-0.010")


def test_funding_rates_and_schedules_are_exact_from_the_venues_strings(
        venue: CcxtVenue) -> None:
    history = venue.funding_rate_history("BTCUSDT").unwrap()
    # Binance's documented example rows: 1570608000000 ms is 2019-10-09 08:00 UTC
    assert history.times == (datetime(2019, 10, 9, 8, tzinfo=UTC),
                             datetime(2019, 10, 9, 16, tzinfo=UTC))
    assert history.rates == (Decimal("-0.03750000"), Decimal("0.00010000"))
    schedule = venue.funding_schedules().unwrap()["BTCUSDT"]
    assert (schedule.interval.total_seconds(), schedule.cap, schedule.floor) == (
        8 * 3600, Decimal("0.02500000"), Decimal("-0.02500000"))


def test_the_position_mode_belongs_to_the_connected_account(venue: CcxtVenue) -> None:
    refused = venue.set_position_mode("bob", PositionMode.HEDGE).failure()
    assert refused.code == "exchange.unknown_account"


def test_hedge_fills_book_on_their_leg() -> None:
    with running_emulator() as (_, root):
        venue = connect(root, Clock())
        venue.set_position_mode("alice", PositionMode.HEDGE).unwrap()
        short = attrs.evolve(order("h-short", Side.SELL, "0.010"),
                             position_side=PositionSide.SHORT)
        report = venue.submit(short).unwrap()
    commands = fill_commands(report, quote_currency="USDT", policy=RiskPolicy.of(
        max_leverage="10").unwrap(), issued_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert {c.position_side for c in commands} == {PositionSide.SHORT}
