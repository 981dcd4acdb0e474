"""Pre-trade limits: each limit at its boundary, every breach reported, decide's refusal."""

from __future__ import annotations

import decimal
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.events import LimitBreach, RiskLimitHit, TradeExecuted
from astratrade_core.portfolio import (
    Deposit,
    ExecuteTrade,
    PortfolioState,
    decide,
    replay,
)
from astratrade_core.risk import MAX_TRADE_WINDOW, Exposure, RiskPolicy, check, evaluate
from astratrade_core.testing import decimals, hostile_contexts, positive_decimals

D = Decimal
T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
CALM = Exposure(cash=D("1000"), equity=D("1000"), gross_notional=D("0"),
                symbol_notional=D("0"), open_positions=1, day_loss=D("0"), trades_in_window=1)


def _codes(policy: RiskPolicy, exposure: Exposure) -> list[str]:
    return [b.code for b in evaluate(policy, exposure)]


@pytest.mark.parametrize(("limit", "over", "inside", "code"), [
    ({"max_position_notional": D("5000")}, {"symbol_notional": D("5000.01")},
     {"symbol_notional": D("5000")}, "risk.max_position_notional"),
    # 250.01 / 1000 = 0.25001 > 0.25; 250 / 1000 = 0.25 is allowed.
    ({"max_concentration": D("0.25")}, {"symbol_notional": D("250.01")},
     {"symbol_notional": D("250")}, "risk.max_concentration"),
    # The loss limit trips once the loss REACHES it.
    ({"daily_loss_limit": D("100")}, {"day_loss": D("100")}, {"day_loss": D("99.99")},
     "risk.daily_loss_limit"),
    ({"max_open_positions": 3}, {"open_positions": 4}, {"open_positions": 3},
     "risk.max_open_positions"),
    ({"max_trades_per_window": 10}, {"trades_in_window": 11}, {"trades_in_window": 10},
     "risk.max_trades_per_window"),
])
def test_each_limit_trips_just_past_its_boundary(limit: dict[str, Any], over: dict[str, Any],
                                                 inside: dict[str, Any], code: str) -> None:
    policy = attrs.evolve(RiskPolicy(max_leverage=D("100")), **limit)
    assert _codes(policy, attrs.evolve(CALM, **over)) == [code]
    assert _codes(policy, attrs.evolve(CALM, **inside)) == []


def test_leverage_is_compared_exactly_and_reported_as_a_ratio() -> None:
    policy = RiskPolicy(max_leverage=D("3"))
    # 3000 / 1000 is exactly 3x: allowed; 3000.01 is not, and reports 3.00001.
    assert evaluate(policy, attrs.evolve(CALM, gross_notional=D("3000"))) == ()
    assert evaluate(policy, attrs.evolve(CALM, gross_notional=D("3000.01"))) == (
        LimitBreach("risk.max_leverage", D("3"), D("3.00001")),)


def test_every_breach_is_reported_in_a_stable_order() -> None:
    policy = RiskPolicy(max_leverage=D("2"), max_position_notional=D("10"),
                        max_concentration=D("0.1"), daily_loss_limit=D("5"),
                        max_open_positions=0, max_trades_per_window=0)
    worst = Exposure(cash=D("-1"), equity=D("1"), gross_notional=D("30"),
                     symbol_notional=D("20"), open_positions=1, day_loss=D("7"),
                     trades_in_window=1)
    assert _codes(policy, worst) == [
        "risk.insufficient_cash", "risk.max_leverage", "risk.max_position_notional",
        "risk.max_concentration", "risk.daily_loss_limit", "risk.max_open_positions",
        "risk.max_trades_per_window"]
    error = check(policy, worst).failure()
    assert error.code == "risk.limits"
    assert error.causes[1].fields["actual"] == "30"  # 30 / 1 = 30x


def test_without_equity_the_ratio_limits_step_aside() -> None:
    policy = RiskPolicy(max_leverage=D("2"), max_concentration=D("0.1"))
    broke = attrs.evolve(CALM, equity=D("0"), gross_notional=D("1"), symbol_notional=D("1"))
    assert evaluate(policy, broke) == (LimitBreach("risk.non_positive_equity", D("0"), D("0")),)


def test_policies_are_validated_all_at_once() -> None:
    error = RiskPolicy.of(max_leverage="ten", max_position_notional="-1",
                          max_concentration=0.5,  # type: ignore[arg-type]  # refused
                          max_trades_per_window=True,
                          trade_window=MAX_TRADE_WINDOW + timedelta(seconds=1)).failure()
    assert error.code == "risk.invalid_policy"
    assert error.codes() == ("numeric.syntax", "numeric.not_positive",
                             "numeric.float_rejected", "risk.invalid_count",
                             "risk.invalid_window")
    assert RiskPolicy.of(max_leverage="5", daily_loss_limit="250").unwrap() == RiskPolicy(
        max_leverage=D("5"), daily_loss_limit=D("250"))


exposures = st.builds(
    Exposure, cash=decimals(-10**6, 10**6, 2), equity=decimals(-10**6, 10**6, 2),
    gross_notional=decimals(0, 10**7, 2), symbol_notional=decimals(0, 10**7, 2),
    open_positions=st.integers(0, 20), day_loss=decimals(0, 10**5, 2),
    trades_in_window=st.integers(1, 100))
policies = st.builds(
    RiskPolicy, max_leverage=positive_decimals(100, 2),
    max_position_notional=st.none() | positive_decimals(10**7, 2),
    max_concentration=st.none() | positive_decimals(5, 4),
    daily_loss_limit=st.none() | positive_decimals(10**5, 2),
    max_open_positions=st.none() | st.integers(0, 20),
    max_trades_per_window=st.none() | st.integers(0, 100))


@given(policies, exposures)
def test_a_breach_is_reported_iff_its_limit_is_exceeded(policy: RiskPolicy,
                                                        exposure: Exposure) -> None:
    codes = set(_codes(policy, exposure))
    exact = decimal.Context(prec=100)
    positive_equity = exposure.equity > 0
    expected = {
        "risk.insufficient_cash": exposure.cash < 0,
        "risk.non_positive_equity": not positive_equity,
        "risk.max_leverage": positive_equity and (
            exact.divide(exposure.gross_notional, exposure.equity) > policy.max_leverage),
        "risk.max_position_notional": policy.max_position_notional is not None
        and exposure.symbol_notional > policy.max_position_notional,
        "risk.max_concentration": policy.max_concentration is not None and positive_equity
        and exact.divide(exposure.symbol_notional, exposure.equity) > policy.max_concentration,
        "risk.daily_loss_limit": policy.daily_loss_limit is not None
        and exposure.day_loss >= policy.daily_loss_limit,
        "risk.max_open_positions": policy.max_open_positions is not None
        and exposure.open_positions > policy.max_open_positions,
        "risk.max_trades_per_window": policy.max_trades_per_window is not None
        and exposure.trades_in_window > policy.max_trades_per_window,
    }
    assert codes == {code for code, hit in expected.items() if hit}


@given(policies, exposures, hostile_contexts())
def test_evaluation_ignores_the_callers_context(policy: RiskPolicy, exposure: Exposure,
                                               ctx: decimal.Context) -> None:
    expected, verdict = evaluate(policy, exposure), check(policy, exposure)
    with decimal.localcontext(ctx):
        assert evaluate(policy, exposure) == expected
        assert check(policy, exposure) == verdict


# ------------------------------------------------------------------ through decide

POLICY = RiskPolicy(max_leverage=D("5"), max_position_notional=D("3000"),
                    max_concentration=D("4"), daily_loss_limit=D("100"),
                    max_open_positions=1, max_trades_per_window=2)


def _state_with_eth(policy: RiskPolicy = POLICY) -> PortfolioState:
    state = replay(decide(PortfolioState.EMPTY, Deposit(
        command_id="d", account_id="a", issued_at=T0, currency="USD",
        amount=D("1000"))).unwrap())
    # 1 ETH @ 2000: 2x leverage, 2000 notional, 200 % of equity, 1 open position, 1 trade.
    buy = _trade("t1", "ETHUSD", D("1"), D("2000"), T0, policy=policy)
    events = decide(state, buy).unwrap()
    assert [type(e) for e in events] == [TradeExecuted]
    return replay(events, state)


def _trade(cid: str, symbol: str, quantity: Decimal, price: Decimal, at: datetime, *,
           policy: RiskPolicy = POLICY) -> ExecuteTrade:
    return ExecuteTrade(command_id=cid, account_id="a", issued_at=at, symbol=symbol,
                        quote_currency="USD", quantity=quantity, price=price, policy=policy)


def test_decide_records_every_breach_and_not_the_trade() -> None:
    state = _state_with_eth()
    # 2 BTC @ 3000 = 6000 notional: gross 8000 / equity 1000 = 8x > 5x; 6000 > 3000;
    # 6000 / 1000 = 6 > 4; 2 open positions > 1; 2 trades in the window is still allowed.
    (hit,) = decide(state, _trade("t2", "BTCUSD", D("2"), D("3000"),
                                  T0 + timedelta(minutes=1))).unwrap()
    assert isinstance(hit, RiskLimitHit)
    assert (hit.event_id, hit.symbol, hit.quantity, hit.price) == (
        "t2:0", "BTCUSD", D("2"), D("3000"))
    assert hit.breaches == (
        LimitBreach("risk.max_leverage", D("5"), D("8")),
        LimitBreach("risk.max_position_notional", D("3000"), D("6000")),
        LimitBreach("risk.max_concentration", D("4"), D("6")),
        LimitBreach("risk.max_open_positions", D("1"), D("2")),
    )
    assert replay([hit], state) == state


def test_reducing_a_position_is_never_blocked() -> None:
    state = _state_with_eth()
    strict = RiskPolicy(max_leverage=D("0.01"), max_trades_per_window=0,
                        daily_loss_limit=D("0.01"))
    events = decide(state, _trade("t2", "ETHUSD", D("-0.4"), D("1500"),
                                  T0 + timedelta(minutes=1), policy=strict)).unwrap()
    assert [type(e) for e in events] == [TradeExecuted]  # sells 0.4 at a 200 loss


def test_the_daily_loss_limit_counts_todays_realized_losses() -> None:
    state = _state_with_eth()
    # Sell 0.5 @ 1800: realizes 0.5 * (1800 - 2000) = -100, reaching the 100 limit.
    state = replay(decide(state, _trade("t2", "ETHUSD", D("-0.5"), D("1800"),
                                        T0 + timedelta(minutes=1))).unwrap(), state)
    more = _trade("t3", "ETHUSD", D("0.1"), D("1800"), T0 + timedelta(minutes=2))
    (hit,) = decide(state, more).unwrap()
    assert isinstance(hit, RiskLimitHit)
    assert [b.code for b in hit.breaches] == ["risk.daily_loss_limit",
                                              "risk.max_trades_per_window"]
    # The next UTC day starts from zero loss and the window has moved on.
    tomorrow = attrs.evolve(more, issued_at=T0 + timedelta(days=1, minutes=3))
    assert [type(e) for e in decide(state, tomorrow).unwrap()] == [TradeExecuted]


def test_the_trade_window_slides() -> None:
    policy = attrs.evolve(POLICY, max_trades_per_window=1, trade_window=timedelta(hours=1))
    state = _state_with_eth(policy)
    inside = _trade("t2", "ETHUSD", D("0.1"), D("2000"), T0 + timedelta(minutes=59), policy=policy)
    (hit,) = decide(state, inside).unwrap()
    assert isinstance(hit, RiskLimitHit)
    assert hit.breaches == (LimitBreach("risk.max_trades_per_window", D("1"), D("2")),)
    later = attrs.evolve(inside, issued_at=T0 + timedelta(minutes=60))
    assert [type(e) for e in decide(state, later).unwrap()] == [TradeExecuted]


def test_an_unaffordable_fee_is_a_breach() -> None:
    state = _state_with_eth()
    costly = attrs.evolve(_trade("t2", "ETHUSD", D("0.1"), D("2000"), T0), fee=D("1000.01"))
    (hit,) = decide(state, costly).unwrap()
    assert isinstance(hit, RiskLimitHit)
    assert hit.breaches[0] == LimitBreach("risk.insufficient_cash", D("0"), D("-0.01"))


# Well-formed numbers only: malformed text exposes numeric.parse_decimal's own context
# dependence (its error code changes when the caller untraps InvalidOperation).
@given(st.from_regex(r"-?[0-9]{1,6}(\.[0-9]{1,4})?", fullmatch=True), hostile_contexts())
def test_policy_parsing_ignores_the_callers_context(text: str, ctx: decimal.Context) -> None:
    expected = RiskPolicy.of(max_leverage=text, daily_loss_limit=text)
    with decimal.localcontext(ctx):
        assert RiskPolicy.of(max_leverage=text, daily_loss_limit=text) == expected
