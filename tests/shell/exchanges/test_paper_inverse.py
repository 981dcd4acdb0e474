"""The paper exchange on an inverse (coin-margined) contract: fills in contracts, fees and
funding in the base coin (worked by hand, rounded in the venue's favour), funding conserved
between longs and shorts, and the portfolio booking the same coin amounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from astratrade_core.events import FundingApplied, TradeExecuted
from astratrade_core.instrument import Instrument, InstrumentKind
from astratrade_core.money import BTC, USD
from astratrade_core.portfolio import Deposit, ExecuteTrade, PortfolioState, decide, replay
from astratrade_core.risk import RiskPolicy
from astratrade_core.trading import FeeSchedule, FundingHistory, FundingSchedule
from astratrade_shell.exchanges import (
    OrderRequest,
    PaperExchange,
    PositionSide,
    Side,
    funding_commands,
)

T0 = datetime(2026, 5, 1, tzinfo=UTC)
PERP = Instrument.of("BTCUSD_PERP", BTC, USD, tick_size="0.1", lot_size="1",
                     kind=InstrumentKind.INVERSE, contract_size="100").unwrap()
FEES = FeeSchedule(Decimal("0.0002"), Decimal("0.0005"))


def venue(price: str = "30000", rates: list[tuple[datetime, str]] | None = None,
          ) -> PaperExchange:
    schedule = FundingSchedule.of(hours=8, cap="0.003", floor="-0.003").unwrap()
    return PaperExchange({"BTCUSD_PERP": PERP}, FEES, prices={"BTCUSD_PERP": Decimal(price)},
                         funding={"BTCUSD_PERP": schedule},
                         funding_rates={"BTCUSD_PERP": FundingHistory.of(rates or []).unwrap()},
                         start=T0)


def buy(exchange: PaperExchange, account: str, contracts: int,
        leg: PositionSide = PositionSide.BOTH) -> Decimal:
    side = Side.BUY if contracts > 0 else Side.SELL
    report = exchange.submit(OrderRequest(
        client_order_id=f"{account}-{contracts}-{leg.value}", account_id=account,
        symbol="BTCUSD_PERP", side=side, quantity=Decimal(abs(contracts)),
        position_side=leg)).unwrap()
    (execution,) = report.executions
    return execution.fill.fee


def test_a_fill_counts_contracts_and_pays_its_fee_in_coin() -> None:
    exchange = venue()
    # 7 contracts * 100 USD / 30,000 * 0.05 % = 0.0000116666... BTC, rounded up to a satoshi
    assert buy(exchange, "ann", 7) == Decimal("0.00001167")
    assert exchange.position("ann", "BTCUSD_PERP") == Decimal(7)
    # 300 contracts: 300 * 100 / 30000 * 0.0005 = 0.0005 BTC exactly
    assert buy(exchange, "bob", -300) == Decimal("0.00050000")
    assert exchange.position("bob", "BTCUSD_PERP") == Decimal(-300)


def test_funding_is_in_coin_and_the_portfolio_books_the_same_payment() -> None:
    exchange = venue("50000", [(T0, "0.0001")])
    buy(exchange, "ann", 10)
    buy(exchange, "bob", -10)
    settled = exchange.on_time(T0 + timedelta(hours=8))
    # Binance COIN-M: 10 * 100 / 50,000 * 0.01 % = 0.000002 BTC, longs pay shorts
    assert [(s.account_id, s.payment) for s in settled] == [
        ("ann", Decimal("0.000002")), ("bob", Decimal("-0.000002"))]
    state = replay(decide(PortfolioState.EMPTY, Deposit(
        command_id="d", account_id="ann", issued_at=T0, currency="BTC",
        amount=Decimal(1))).unwrap())
    trade = ExecuteTrade(command_id="t", account_id="ann", issued_at=T0, symbol="BTCUSD_PERP",
                         quote_currency="BTC", quantity=Decimal(10), price=Decimal(50000),
                         policy=RiskPolicy(max_leverage=Decimal(10)),
                         contract_size=PERP.contract_size)
    (fill,) = decide(state, trade).unwrap()
    assert isinstance(fill, TradeExecuted) and fill.contract_size == Decimal(100)
    state = replay((fill,), state)
    ann = [c for c in funding_commands(settled) if c.account_id == "ann"]
    (funding,) = decide(state, ann[0]).unwrap()
    assert isinstance(funding, FundingApplied)
    assert (funding.payment, funding.quote_currency) == (Decimal("0.000002"), "BTC")


@settings(max_examples=40)
@given(st.lists(st.integers(-500, 500).filter(bool), min_size=1, max_size=6),
       st.integers(-30, 30), st.integers(20_000, 90_000))
def test_inverse_funding_conserves_on_a_balanced_book(lots: list[int], rate_bp: int,
                                                      mark: int) -> None:
    exchange = venue(str(mark), [(T0, str(Decimal(rate_bp).scaleb(-4)))])
    for n, contracts in enumerate((*lots, -sum(lots))):
        if contracts:
            buy(exchange, f"acct-{n}", contracts)
    settled = exchange.on_time(T0 + timedelta(hours=8))
    # each payment is one division rounded half-even at 120 digits (as the core's law): the
    # exact sum is zero, the rounded one within that rounding; mirrored legs are exact
    payments = [Fraction(s.payment) for s in settled]
    assert abs(sum(payments, Fraction(0))) <= sum(map(abs, payments), Fraction(0)) / 10**118
    by_size: dict[Decimal, Decimal] = {s.quantity: s.payment for s in settled}
    for quantity, payment in by_size.items():
        if -quantity in by_size:
            assert by_size[-quantity] == payment.copy_negate()
