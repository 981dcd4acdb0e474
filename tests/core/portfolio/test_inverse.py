"""Inverse (coin-margined) contracts through the portfolio aggregate: worked examples
(the harmonic entry and reversal of tests/core/trading/test_inverse.py, NautilusTrader's XBTUSD
short, Binance COIN-M funding), the risk rule (coin converted to quote at the fill price), the
refusals, and laws: replay equivalences, exact reconciliation in every currency, the codec, and
long/short antisymmetry in coin."""

from __future__ import annotations

import functools
import typing
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from returns.result import Success

from astratrade_core.events import (
    PLATFORM_EVENTS,
    Event,
    FundingApplied,
    PositionClosed,
    PositionLiquidated,
    RiskLimitHit,
    TradeExecuted,
    decode,
    encode,
)
from astratrade_core.numeric import CONTEXT
from astratrade_core.portfolio import (
    ApplyFunding,
    ClosePosition,
    Command,
    Deposit,
    ExecuteTrade,
    LiquidatePosition,
    MarkPrice,
    PortfolioState,
    SetPositionMode,
    Withdraw,
    decide,
    evolve,
    replay,
)
from astratrade_core.risk import RiskPolicy
from astratrade_core.testing import contract_counts, inverse_portfolio_commands, positive_decimals
from astratrade_core.trading import PositionMode, PositionSide

D = Decimal
T0 = datetime(2026, 5, 1, tzinfo=UTC)
LOOSE = RiskPolicy(max_leverage=D("20"))
PERP = "BTCUSD_PERP"
TINY = Fraction(1, 10**26)


class Meta(typing.TypedDict):
    command_id: str
    account_id: str
    issued_at: datetime


class Account:
    """A portfolio driven one accepted command at a time (a refusal fails the test)."""

    def __init__(self, *seed: Command) -> None:
        self.state = PortfolioState.EMPTY
        self.events: list[Event] = []
        self.n = 0
        for command in seed:
            self.run(command)

    def run(self, command: Command) -> tuple[Event, ...]:
        decided = decide(self.state, command).unwrap()
        self.events.extend(decided)
        self.state = replay(decided, self.state)
        return decided

    def meta(self) -> Meta:
        self.n += 1
        return {"command_id": f"c{self.n}", "account_id": "acct", "issued_at": T0}

    def trade(self, quantity: str, price: str, fee: str = "0", *, size: str = "100",
              symbol: str = PERP, policy: RiskPolicy = LOOSE,
              side: PositionSide = PositionSide.BOTH) -> tuple[Event, ...]:
        return self.run(ExecuteTrade(**self.meta(), symbol=symbol, quote_currency="BTC",
                                     quantity=D(quantity), price=D(price), fee=D(fee),
                                     policy=policy, contract_size=D(size),
                                     position_side=side))


def _funded(amount: str = "1") -> Account:
    return Account(Deposit(command_id="seed", account_id="acct", issued_at=T0, currency="BTC",
                           amount=D(amount)))


# ------------------------------------------------------------------------- worked examples


def test_harmonic_entry_partial_close_and_reversal_in_coin() -> None:
    account = _funded()
    account.trade("300", "30000")
    account.trade("100", "60000")
    held = account.state.inverse_position(PERP)
    assert held is not None
    # 400 / (300/30000 + 100/60000) = 240000/7, not the arithmetic 37,500
    assert abs(Fraction(held.entry_price) - Fraction(240000, 7)) < TINY
    (fill,) = account.trade("-150", "40000", "0.0001")
    # 150 * 100 * (7/240000 - 1/40000) = 0.0625 BTC, booked at 28 places
    assert isinstance(fill, TradeExecuted) and fill.contract_size == D("100")
    assert fill.realized_pnl == D("0.0625")
    assert account.state.cash_of("BTC") == D("1.0624")
    # reversal: close 250 at 20,000 (25000 * (7/240000 - 1/20000)) and open 50 short there
    (fill,) = account.trade("-300", "20000")
    assert isinstance(fill, TradeExecuted)
    assert abs(Fraction(fill.realized_pnl) - 25000 * (Fraction(7, 240000) - Fraction(1, 20000))
               ) < TINY
    held = account.state.inverse_position(PERP)
    assert held is not None and (held.contracts, held.entry_price) == (D("-50"), D("20000"))
    fill, closed = account.trade("50", "25000")   # 5000 * (1/25000 - 1/20000) = -0.05
    assert isinstance(fill, TradeExecuted) and isinstance(closed, PositionClosed)
    assert fill.realized_pnl == D("-0.05")
    assert (closed.quantity, closed.cost_basis, closed.exit_price, closed.contract_size) == (
        D("-50"), D("-0.25"), D("25000"), D("100"))   # -50 * 100 / 20000 BTC at entry
    ledger = account.state.ledger("BTC")
    assert closed.realized_pnl == ledger.realized_pnl and closed.fees_paid == D("0.0001")
    assert account.state.cash_of("BTC") == ledger.expected_cash
    assert account.state.inverse_position(PERP) is None and account.state.open_positions() == 0
    assert account.state.cash_of("USD") == 0   # nothing ever touches the quote currency


def test_nautilus_trader_xbtusd_short_closed_in_coin() -> None:
    # NautilusTrader test_calculate_pnl_for_inverse1 (XBTUSD, 1 USD per contract): short
    # 100,000 at 10,000, exit 11,000: -0.90909091 BTC; taker commission 0.075 % of the coin
    # value: 0.0075 BTC at entry, 9.09090909 * 0.00075 = 0.00681819 BTC (up) at exit.
    account = _funded("10")
    account.trade("-100000", "10000", "0.0075", size="1", symbol="XBTUSD")
    fill, closed = account.run(ClosePosition(**account.meta(), symbol="XBTUSD",
                                             price=D("11000"), fee=D("0.00681819")))
    assert isinstance(fill, TradeExecuted) and isinstance(closed, PositionClosed)
    assert fill.realized_pnl.quantize(D("1e-8")) == D("-0.90909091")
    assert (fill.quantity, fill.contract_size, fill.quote_currency) == (D("100000"), D("1"),
                                                                      "BTC")
    assert closed.cost_basis == D("-10")   # -100000 * 1 / 10000
    assert account.state.cash_of("BTC") == CONTEXT.subtract(
        CONTEXT.add(D("10"), fill.realized_pnl), D("0.01431819"))


def test_funding_is_charged_in_coin_and_longs_pay_shorts() -> None:
    account = _funded()
    account.run(SetPositionMode(**account.meta(), mode=PositionMode.HEDGE))
    account.trade("10", "40000", side=PositionSide.LONG)
    account.trade("-4", "40000", side=PositionSide.SHORT)
    long, short = account.run(ApplyFunding(**account.meta(), symbol=PERP,
                                           rate=D("0.0001"), mark_price=D("50000")))
    # Binance COIN-M: nominal value in coin times the rate: 10 * 100 / 50000 * 0.0001
    assert isinstance(long, FundingApplied) and isinstance(short, FundingApplied)
    assert (long.payment, long.position_side, long.contract_size) == (D("0.000002"), "long",
                                                                      D("100"))
    assert (short.payment, short.position_side) == (D("-8E-7"), "short")
    ledger = account.state.ledger("BTC")
    assert ledger.funding_paid == D("0.0000012") and account.state.day_pnl["BTC"] == D(
        "-0.0000012")
    held = account.state.inverse_position(PERP, PositionSide.LONG)
    assert held is not None and held.funding_paid == D("0.000002")
    # a mark moves the coin equity: 10 * 100 * (1/40000 - 1/50000) - 4 * 100 * (same)
    account.run(MarkPrice(**account.meta(), symbol=PERP, price=D("50000")))
    assert account.state.unrealized_pnl("BTC") == D("0.003")
    assert account.state.gross_notional("BTC") == D("0.028")   # 1400 * 100 / ... = 14 * 0.002
    assert account.state.equity("BTC") == CONTEXT.add(account.state.cash_of("BTC"), D("0.003"))


def test_risk_limits_read_the_coin_in_quote_at_the_fill_price() -> None:
    policy = RiskPolicy(max_leverage=D("5"), max_position_notional=D("100000"))
    account = _funded()   # 1 BTC = 50,000 USD at the fill price
    (hit,) = account.trade("1001", "50000", policy=policy)   # 100,100 USD > 100,000
    assert isinstance(hit, RiskLimitHit)
    assert [b.code for b in hit.breaches] == ["risk.max_position_notional"]
    (hit,) = account.trade("2600", "50000", policy=RiskPolicy(max_leverage=D("5")))
    assert isinstance(hit, RiskLimitHit) and hit.breaches[0].code == "risk.max_leverage"
    assert hit.breaches[0].actual == D("5.2")   # 260,000 / 50,000
    (fill,) = account.trade("1000", "50000", policy=policy)
    assert isinstance(fill, TradeExecuted)
    # reducing is never limited, and withdrawals stop at the coin's equity
    assert isinstance(account.trade("-1000", "25000", policy=policy)[0], TradeExecuted)
    left = account.state.cash_of("BTC")   # 1 - 1000 * 100 * (1/25000 - 1/50000) = -1
    assert left == D("-1")
    refused = decide(account.state, Withdraw(**account.meta(), currency="BTC",
                                             amount=D("0.1")))
    assert refused.failure().code == "portfolio.insufficient_funds"


def test_a_symbol_is_either_linear_or_inverse_with_one_contract_size() -> None:
    account = _funded()
    account.trade("10", "40000")
    linear = ExecuteTrade(**account.meta(), symbol=PERP, quote_currency="BTC",
                          quantity=D("1"), price=D("40000"), policy=LOOSE)
    assert decide(account.state, linear).failure().code == "portfolio.contract_kind"
    resized = attrs.evolve(linear, contract_size=D("10"))
    assert decide(account.state, resized).failure().code == "portfolio.contract_size"
    other_coin = attrs.evolve(linear, contract_size=D("100"), quote_currency="ETH")
    assert decide(account.state, other_coin).failure().code == "portfolio.currency_mismatch"
    switch = SetPositionMode(**account.meta(), mode=PositionMode.HEDGE)
    assert decide(account.state, switch).failure().code == "portfolio.positions_open"
    bad = attrs.evolve(linear, contract_size=D("0"))
    assert decide(account.state, bad).failure().causes[0].code == "numeric.not_positive"
    usd = Account(Deposit(command_id="s", account_id="acct", issued_at=T0, currency="USD",
                          amount=D("1000")))
    usd.run(ExecuteTrade(**usd.meta(), symbol="BTCUSD", quote_currency="USD",
                         quantity=D("0.01"), price=D("40000"), policy=LOOSE))
    coin = ExecuteTrade(**usd.meta(), symbol="BTCUSD", quote_currency="BTC",
                        quantity=D("1"), price=D("40000"), policy=LOOSE, contract_size=D("100"))
    assert decide(usd.state, coin).failure().code == "portfolio.contract_kind"


def test_liquidation_of_an_inverse_leg() -> None:
    account = _funded()
    account.trade("200", "40000")
    liquidated, closed = account.run(LiquidatePosition(
        **account.meta(), symbol=PERP, price=D("32000"), fee=D("0.003125")))
    # 200 * 100 * (1/40000 - 1/32000) = -0.125 BTC
    assert isinstance(liquidated, PositionLiquidated) and isinstance(closed, PositionClosed)
    assert liquidated.realized_pnl == D("-0.125")
    assert closed.contract_size == D("100")
    assert account.state.cash_of("BTC") == D("0.871875")
    assert decode(encode(liquidated), PLATFORM_EVENTS) == Success(liquidated)


# ---------------------------------------------------------------------------------- laws

WIDE = RiskPolicy(max_leverage=D("20"), max_open_positions=3, max_trades_per_window=40,
                  daily_loss_limit=D("5000"))


def _run(commands: Sequence[Command]) -> list[Event]:
    state = PortfolioState.EMPTY
    events: list[Event] = []
    for command in commands:
        result = decide(state, command)
        if isinstance(result, Success):
            events.extend(result.unwrap())
            state = replay(result.unwrap(), state)
    return events


_SEED = (Deposit(command_id="seed-btc", account_id="acct", issued_at=T0, currency="BTC",
                 amount=D("2")),
         Deposit(command_id="seed-usd", account_id="acct", issued_at=T0, currency="USD",
                 amount=D("20000")))
mixed_lists = st.integers(1, 25).flatmap(lambda size: st.tuples(
    *[inverse_portfolio_commands(n, WIDE, T0) for n in range(size)])).map(
    lambda cmds: _SEED + cmds)


@settings(max_examples=60)
@given(mixed_lists, st.data())
def test_replay_equivalences_hold_with_inverse_legs(cmds: tuple[Command, ...],
                                                    data: st.DataObject) -> None:
    events = _run(cmds)
    cut = data.draw(st.integers(0, len(events)))
    whole = replay(events)
    assert replay(events[cut:], replay(events[:cut])) == whole
    assert functools.reduce(evolve, events, PortfolioState.EMPTY) == whole


@settings(max_examples=60)
@given(mixed_lists)
def test_every_currency_reconciles_and_every_event_survives_the_codec(
        cmds: tuple[Command, ...]) -> None:
    events = _run(cmds)
    state = replay(events)
    for currency in state.currencies():
        ledger = state.ledger(currency)
        assert state.cash_of(currency) == ledger.expected_cash
        assert state.equity(currency) == CONTEXT.add(ledger.expected_cash,
                                                     state.unrealized_pnl(currency))
    for event in events:
        assert decode(encode(event), PLATFORM_EVENTS) == Success(event)


_fills = st.lists(st.tuples(contract_counts(50), positive_decimals(100_000, 1).filter(
    lambda p: p >= 1000)), min_size=1, max_size=12)


def _mirror(fills: Sequence[tuple[Decimal, Decimal]], sign: int) -> PortfolioState:
    account = _funded("1000000")
    for quantity, price in fills:
        account.trade(str(quantity * sign), str(price), policy=RiskPolicy(
            max_leverage=D("1000000")))
    return account.state


@settings(max_examples=80)
@given(_fills, positive_decimals(100_000, 1).filter(lambda p: p >= 1000))
def test_inverse_long_short_antisymmetry_through_the_aggregate(
        fills: list[tuple[Decimal, Decimal]], mark: Decimal) -> None:
    """Mirrored fills (every quantity negated) realize exactly the opposite coin P&L, hold the
    opposite contracts at the same harmonic entry, and are marked to the opposite unrealized
    P&L: every rounding on the way (one division per entry and per close, half-even booking)
    is symmetric."""
    long, short = _mirror(fills, 1), _mirror(fills, -1)
    assert long.ledger("BTC").realized_pnl == CONTEXT.minus(short.ledger("BTC").realized_pnl)
    a, b = long.inverse_position(PERP), short.inverse_position(PERP)
    if a is None or b is None:
        assert a is None and b is None
        return
    assert (a.contracts, a.entry_price) == (CONTEXT.minus(b.contracts), b.entry_price)
    assert a.unrealized_pnl(mark) == CONTEXT.minus(b.unrealized_pnl(mark))
