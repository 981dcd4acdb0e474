"""Fee rules and tiered schedules: worked examples, validation, monotonicity, rounding favour,
gross-up minimality and independence from the caller's decimal context."""

from __future__ import annotations

import decimal
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure

from astratrade_core.errors import DomainError
from astratrade_core.money import EUR, USD, Money, Rate
from astratrade_core.revenue.fees import (
    CARD_PROCESSING,
    STANDARD_TRADING_FEES,
    Favour,
    FeeRule,
    FeeSchedule,
    Liquidity,
)
from astratrade_core.testing import around, fee_schedules, hostile_contexts, money

D = Decimal


def usd(text: str) -> Money:
    return Money(D(text), USD)


def test_card_fee_worked_examples() -> None:
    # $100 at 2.9 % + $0.30 = 2.90 + 0.30 = $3.20 exactly.
    assert CARD_PROCESSING.fee_for(usd("100.00")).unwrap() == usd("3.20")
    # $10.01: 0.29029 + 0.30 = 0.59029 -> platform favour rounds up to 0.60, user down to 0.59.
    assert CARD_PROCESSING.fee_for(usd("10.01")).unwrap() == usd("0.60")
    user = FeeRule.of("0.029", usd("0.30"), Favour.USER).unwrap()
    assert user.fee_for(usd("10.01")).unwrap() == usd("0.59")
    assert CARD_PROCESSING.fee_for(usd("0")).unwrap() == usd("0.30")


def test_gross_up() -> None:
    # (100 + 0.30) / 0.971 = 103.2955...; 103.30 - fee 3.30 (2.9957 + 0.30 up) = 100.00, while
    # 103.29 - fee 3.30 (2.99541 + 0.30 up) = 99.99 falls short.
    assert CARD_PROCESSING.gross_for_net(usd("100.00")).unwrap() == usd("103.30")
    assert CARD_PROCESSING.fee_for(usd("103.29")).unwrap() == usd("3.30")
    assert CARD_PROCESSING.gross_for_net(usd("0")).unwrap() == usd("0.31")


def test_rule_failures() -> None:
    assert CARD_PROCESSING.fee_for(Money(D(1), EUR)).failure().code == "money.currency_mismatch"
    assert CARD_PROCESSING.fee_for(usd("-1")).failure().code == "revenue.negative_amount"
    assert CARD_PROCESSING.gross_for_net(usd("-1")).failure().code == "revenue.negative_amount"
    assert CARD_PROCESSING.gross_for_net(Money(D(1), EUR)).failure().code == (
        "money.currency_mismatch")
    # A float is refused at run time as well as by the type checker.
    assert FeeRule.of(0.1, usd("0")).failure().codes() == (  # type: ignore[arg-type]
        "numeric.float_rejected",)


def test_malformed_values_are_failures_not_exceptions() -> None:
    # NaN and signalling NaN cannot be compared under the core's context: reported instead.
    for bad in (D("NaN"), D("sNaN"), D("Infinity")):
        assert CARD_PROCESSING.fee_for(Money(bad, USD)).failure().code == "numeric.not_finite"
        assert CARD_PROCESSING.gross_for_net(Money(bad, USD)).failure().code == (
            "numeric.not_finite")
        assert STANDARD_TRADING_FEES.fee(usd("1"), bad, Liquidity.TAKER).failure().code == (
            "numeric.not_finite")
        raw = FeeRule(Rate(bad), usd("0.30"))
        assert raw.fee_for(usd("1")).failure().codes() == ("numeric.not_finite",)
    # A raw rule with a rate of 1 never leaves anything: refused, not an endless search.
    assert FeeRule(Rate(D(1)), usd("0")).gross_for_net(usd("1")).failure().code == (
        "revenue.fee_rate")


def test_standard_schedule_tiers() -> None:
    s = STANDARD_TRADING_FEES
    assert s.tier_for(D("99999.99")).taker == Rate.from_bps(20)
    assert s.tier_for(D("100000")).taker == Rate.from_bps(16)
    assert s.tier_for(D("-5")).maker == Rate.from_bps(10)
    # $50,000 maker at 10M volume: 50000 * 0.0002 = $10.00.
    assert s.fee(usd("50000"), D("10000000"), Liquidity.MAKER).unwrap() == usd("10.00")
    # Rebate: 1234.56 * -0.0001 = -0.123456 -> rounds toward +inf (platform) to -0.12.
    assert s.fee(usd("1234.56"), D("1e8"), Liquidity.MAKER).unwrap() == usd("-0.12")
    user = FeeSchedule(s.tiers, Favour.USER)
    assert user.fee(usd("1234.56"), D("1e8"), Liquidity.MAKER).unwrap() == usd("-0.13")
    assert s.fee(usd("-1"), D(0), Liquidity.TAKER).failure().code == "revenue.negative_amount"


def test_schedule_validation_reports_everything() -> None:
    assert FeeSchedule.of([]).failure().code == "revenue.fee_schedule_empty"
    err = FeeSchedule.of([("5", "10", "20"), ("5", "-30", "20"), ("x", "1", "1")]).failure()
    assert err.codes() == ("numeric.syntax",)
    err = FeeSchedule.of([("5", "10", "20"), ("5", "-30", "20")]).failure()
    assert err.codes() == ("revenue.fee_first_tier", "revenue.fee_tier_order",
                           "revenue.fee_rebate_too_large")
    ok = FeeSchedule.of([("0", "10", "20"), ("1000", "-2", "15")]).unwrap()
    assert ok.tier_for(D(1000)).maker == Rate(D("-0.0002"))


@given(fee_schedules(), st.integers(0, 10**8), st.integers(0, 10**8),
       st.sampled_from(Liquidity), money(USD, 10**9))
def test_more_volume_never_costs_more(schedule: FeeSchedule, v1: int, v2: int,
                                      liquidity: Liquidity, notional: Money) -> None:
    low, high = sorted((v1, v2))
    notional = Money(abs(notional.amount), USD)
    assert schedule.tier_for(D(high)).rate(liquidity).value <= (
        schedule.tier_for(D(low)).rate(liquidity).value)
    assert schedule.fee(notional, D(high), liquidity).unwrap().amount <= (
        schedule.fee(notional, D(low), liquidity).unwrap().amount)


@given(fee_schedules(), st.integers(0, 10**8), money(USD, 10**9), money(USD, 10**9))
def test_taker_fee_grows_with_notional_and_matches_rounding(
        schedule: FeeSchedule, volume: int, a: Money, b: Money) -> None:
    small, large = sorted((abs(a.amount), abs(b.amount)))
    fee_small = schedule.fee(usd(str(small)), D(volume), Liquidity.TAKER).unwrap().amount
    fee_large = schedule.fee(usd(str(large)), D(volume), Liquidity.TAKER).unwrap().amount
    assert fee_small <= fee_large
    exact = small * schedule.tier_for(D(volume)).taker.value
    if schedule.favour is Favour.PLATFORM:
        assert exact <= fee_small < exact + D("0.01")
    else:
        assert exact - D("0.01") < fee_small <= exact


@given(money(USD, 10**7), st.integers(0, 900), st.integers(0, 500), st.sampled_from(Favour))
def test_gross_for_net_is_minimal(net: Money, rate_bps: int, fixed_cents: int,
                                  favour: Favour) -> None:
    net = Money(abs(net.amount), USD)
    rule = FeeRule(Rate.from_bps(rate_bps), Money.from_minor_units(fixed_cents, USD), favour)
    gross = rule.gross_for_net(net).unwrap()
    left = gross.amount - rule.fee_for(gross).unwrap().amount
    assert left >= net.amount
    below = gross.amount - D("0.01")
    if below >= 0:
        assert below - rule.fee_for(usd(str(below))).unwrap().amount < net.amount


@given(fee_schedules(), money(USD, 10**6), st.integers(0, 10**8), hostile_contexts())
def test_independent_of_caller_context(schedule: FeeSchedule, amount: Money, volume: int,
                                       ctx: decimal.Context) -> None:
    amount = Money(abs(amount.amount), USD)
    expected = (schedule.fee(amount, D(volume), Liquidity.MAKER),
                CARD_PROCESSING.fee_for(amount), CARD_PROCESSING.gross_for_net(amount),
                FeeRule.of("0.029", usd("0.30")),
                FeeSchedule.of([("0", "10", "20"), ("1000", "-2", "15")]))
    with decimal.localcontext(ctx):
        assert (schedule.fee(amount, D(volume), Liquidity.MAKER),
                CARD_PROCESSING.fee_for(amount), CARD_PROCESSING.gross_for_net(amount),
                FeeRule.of("0.029", usd("0.30")),
                FeeSchedule.of([("0", "10", "20"), ("1000", "-2", "15")])) == expected


# Edges found by `make mutate` (revenue): every refusal with its full fields, the rate's
# open upper bound exactly at 1, and a net the first guess of the gross-up cannot reach.


def test_a_currency_mismatch_names_both_currencies() -> None:
    assert CARD_PROCESSING.fee_for(Money(D(1), EUR)) == Failure(DomainError.invalid(
        "money.currency_mismatch", "amount in EUR, the fee in USD", left="USD", right="EUR"))


@given(around(1, places=4))
def test_a_fee_rate_is_below_one_exactly(rate: Decimal) -> None:
    got = FeeRule.of(rate, usd("0"))
    if rate < 1:
        assert got.unwrap().rate == Rate(rate)
    else:
        assert got == Failure(DomainError.all_of("revenue.fee_rule", [DomainError.invalid(
            "revenue.fee_rate", "rate must be below 1", rate=rate)]))


def test_a_raw_rule_reports_every_bad_part_under_one_code() -> None:
    error = FeeRule(Rate(D("NaN")), Money(D("NaN"), USD)).fee_for(usd("1")).failure()
    assert (error.code, [c.fields["field"] for c in error.causes]) == (
        "revenue.fee", ["rate", "fixed fee"])


@given(around(1, places=4), around(0, places=2))
def test_gross_up_refuses_a_rate_of_one_and_a_negative_fixed_fee(rate: Decimal,
                                                                fixed: Decimal) -> None:
    got = FeeRule(Rate(rate), usd(str(fixed))).gross_for_net(usd("1"))
    if 0 <= rate < 1 and fixed >= 0:
        assert got.unwrap().amount > 1
    else:
        error = got.failure()
        assert (error.code, error.message) == (
            "revenue.fee_rate", "the rule needs a rate in [0, 1) and a non-negative fixed fee")
        assert (D(error.fields["rate"]), D(error.fields["fixed"])) == (rate, fixed)


def test_gross_up_steps_past_a_first_guess_that_leaves_too_little() -> None:
    # (100.001 + 0.30) / 0.971 = 103.2966.. -> 103.30, which leaves 100.00 < 100.001; 103.31
    # pays a fee of 3.30 (2.99599 + 0.30 up) and leaves 100.01.
    assert CARD_PROCESSING.gross_for_net(usd("100.001")).unwrap() == usd("103.31")
    assert CARD_PROCESSING.fee_for(usd("103.31")).unwrap() == usd("3.30")


def test_schedule_problems_carry_their_fields() -> None:
    error = FeeSchedule.of([("5", "10", "20"), ("6", "12", "9")]).failure()
    assert error == DomainError.all_of("revenue.fee_schedule", [
        DomainError.invalid("revenue.fee_first_tier", "the first tier must start at 0",
                            min_volume=D(5)),
        DomainError.invalid("revenue.fee_tier_not_monotone",
                            "a higher volume tier must not cost more", index=1),
        DomainError.invalid("revenue.fee_maker_above_taker", "maker rate exceeds taker rate",
                            index=1)])


def test_a_schedule_reports_each_broken_rule_at_its_edge_in_full() -> None:
    """Tier 1 repeats tier 0's volume (order); tier 2's maker fee rises above tier 1's
    (monotone) and equals its own taker fee (allowed); tier 3's rebate exactly offsets its
    taker fee (allowed); tier 4's rebate exceeds it by 1 bp.  Equal neighbouring fees are
    allowed."""
    got = FeeSchedule.of([("0", "10", "20"), ("0", "10", "20"), ("100", "20", "20"),
                          ("200", "-5", "5"), ("300", "-6", "5")])
    assert got == Failure(DomainError.all_of("revenue.fee_schedule", [
        DomainError.invalid("revenue.fee_tier_order", "tier volumes must strictly increase",
                            index=1),
        DomainError.invalid("revenue.fee_tier_not_monotone",
                            "a higher volume tier must not cost more", index=2),
        DomainError.invalid("revenue.fee_rebate_too_large",
                            "maker rebate exceeds the taker fee", index=4)]))
    assert FeeSchedule.of([]) == Failure(DomainError.invalid("revenue.fee_schedule_empty",
                                                             "no tiers given"))
