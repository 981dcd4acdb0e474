"""``summarize``'s fast paths give bit-identical results: the batch parse of plain decimal
strings, the equity curve reused from the compounding check, one pass of central sums for the
variance, skewness and kurtosis, one downside pass, and the Ulcer sum that skips new highs.

The reference below is the summary as it was computed before those paths existed: each kernel
called on its own, every string through ``parse_decimal``, the curve compounded twice."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from returns.converters import result_to_maybe
from returns.maybe import Maybe, Nothing, Some
from returns.result import Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.numeric import (
    CONTEXT,
    MAX_FRACTION_DIGITS,
    MAX_INTEGER_DIGITS,
    ONE,
    ZERO,
    parse_decimal,
    parse_plain_decimals,
)
from astratrade_core.risk import MetricConventions, RiskSummary, SeriesKind, summarize
from astratrade_core.risk.distribution import (
    kurtosis_of,
    omega_of,
    required_per_period,
    skewness_of,
    tail_ratio_of,
)
from astratrade_core.risk.metrics import (
    cagr_of,
    calmar_of,
    check_risk_free,
    downside_deviation_of,
    historical_cvar_of,
    historical_var_of,
    moments_of,
    parametric_of,
    sharpe_of,
    sortino_of,
    volatility_of,
)
from astratrade_core.risk.series import (
    Inputs,
    drawdowns_of,
    equity_of,
    max_drawdown_of,
    rounded,
    signed_loss,
    ulcer_of,
)
from astratrade_core.testing import metric_conventions, return_series


def _reference(returns: tuple[Decimal, ...], c: MetricConventions) -> RiskSummary:
    """The summary of valid ``returns`` as computed before the fast paths (RETURNS kind)."""
    periods = c.periods_per_year
    rate = check_risk_free(Inputs(), c.risk_free, c.risk_free_basis, periods)
    alpha = CONTEXT.subtract(ONE, c.confidence)
    threshold = CONTEXT.add(rate, required_per_period(Inputs(), c.omega_required_return,
                                                      periods))

    def out(value: Decimal) -> Decimal:
        return rounded(value, c.places, c.rounding)

    def loss(value: Decimal) -> Decimal:
        return out(signed_loss(value, c.loss_sign))

    def ratio(value: Result[Decimal, DomainError]) -> Maybe[Decimal]:
        return result_to_maybe(value.map(out))

    def parametric(shortfall: bool) -> Maybe[Decimal]:
        if c.confidence in (ZERO, ONE):
            return Nothing
        return Some(loss(parametric_of(moments, alpha, shortfall)))

    equity = equity_of(returns)
    growth = CONTEXT.divide(equity[-1], equity[0])
    moments = moments_of(returns, c.ddof)
    ordered = tuple(sorted(returns))
    fall = max_drawdown_of(equity)
    annual = cagr_of(growth, len(returns), periods)
    squares = ZERO
    for d in drawdowns_of(equity):
        squares = CONTEXT.add(squares, CONTEXT.multiply(d, d))
    return RiskSummary(
        kind=SeriesKind.RETURNS, observations=len(returns), periods=len(returns),
        total_return=out(CONTEXT.subtract(growth, ONE)), cagr=ratio(annual),
        mean_return=out(moments.mean), volatility=out(volatility_of(moments, periods)),
        downside_deviation=out(downside_deviation_of(returns, c.target_return,
                                                     c.downside_divisor, periods)),
        sharpe=ratio(sharpe_of(moments, rate, periods)),
        sortino=ratio(sortino_of(returns, moments.mean, c.target_return, c.downside_divisor,
                                 periods)),
        max_drawdown=fall.rounded(c.places, c.rounding, c.loss_sign),
        calmar=ratio(annual.bind(lambda a: calmar_of(a, fall.fraction))),
        historical_var=loss(historical_var_of(ordered, alpha, c.quantile_method)),
        historical_cvar=loss(historical_cvar_of(ordered, alpha)),
        parametric_var=parametric(shortfall=False), parametric_cvar=parametric(shortfall=True),
        skewness=ratio(skewness_of(returns, c.moment_estimator)),
        kurtosis=ratio(kurtosis_of(returns, c.moment_estimator)),
        omega=ratio(omega_of(returns, threshold)),
        tail_ratio=ratio(tail_ratio_of(ordered, c.tail_cutoff)),
        ulcer_index=out(CONTEXT.sqrt(CONTEXT.divide(squares, Decimal(len(equity))))),
        conventions=c,
    )


@given(return_series(min_size=2, max_size=60, places=6), metric_conventions())
def test_the_summary_is_bit_identical_to_the_reference(returns: list[Decimal],
                                                        c: MetricConventions) -> None:
    expected = _reference(tuple(returns), c)
    assert summarize(returns, SeriesKind.RETURNS, c).unwrap() == expected
    # Plain strings take the batch parse; the same numbers, the same summary.
    assert summarize([str(r) for r in returns], SeriesKind.RETURNS, c).unwrap() == expected
    assert summarize(iter([f"{r:f}" for r in returns]), SeriesKind.RETURNS, c).unwrap() == \
        expected


@given(st.lists(st.decimals(Decimal("0.01"), Decimal("1000"), places=2), min_size=1,
                max_size=60))
def test_the_ulcer_sum_skipping_new_highs_is_the_same_sum(equity: list[Decimal]) -> None:
    squares = ZERO
    for d in drawdowns_of(tuple(equity)):
        squares = CONTEXT.add(squares, CONTEXT.multiply(d, d))
    expected = CONTEXT.sqrt(CONTEXT.divide(squares, Decimal(len(equity))))
    assert ulcer_of(tuple(equity)) == expected


def test_one_bad_string_sends_the_series_down_the_careful_path() -> None:
    # Every problem is still reported, with its index, whatever the fast path declined.
    error = summarize(["0.01", "1e-2", "x", " 0.5 ", "nan"]).failure()
    assert error.code == "risk.metrics.series"
    assert error.fields["invalid"] == "2"
    # "1e-2" and " 0.5 " are valid for parse_decimal: the careful path accepts them.
    assert summarize(["0.01", "1e-2", " 0.5 "]).unwrap() == summarize(
        ["0.01", "0.01", "0.5"]).unwrap()


# ------------------------------------------------------------------ parse_plain_decimals

_DIGITS = st.text("0123456789", min_size=1, max_size=MAX_INTEGER_DIGITS + 2)
_FRACTION = st.text("0123456789", max_size=MAX_FRACTION_DIGITS + 2)
_PLAINISH = st.builds(lambda sign, whole, dot, frac: f"{sign}{whole}{dot}{frac}",
                      st.sampled_from(["", "-", "+"]), _DIGITS | st.just(""),
                      st.sampled_from(["", "."]), _FRACTION)


@given(st.lists(_PLAINISH | st.text(max_size=8) | st.integers(-10, 10), max_size=6))
def test_the_batch_parse_is_parse_decimal_or_declines(values: list[object]) -> None:
    fast = parse_plain_decimals(values)
    if fast is None:
        return
    expected = [parse_decimal(v).unwrap() for v in values]
    assert list(fast) == expected
    assert [d.as_tuple() for d in fast] == [d.as_tuple() for d in expected]


@given(st.lists(_PLAINISH, min_size=1, max_size=6))
def test_every_accepted_plain_string_takes_the_fast_path(values: list[str]) -> None:
    accepted = all(isinstance(parse_decimal(v), Success) for v in values)
    within = all(len(v.lstrip("+-").split(".")[0]) <= MAX_INTEGER_DIGITS
                 and len(v.split(".")[1] if "." in v else "") <= MAX_FRACTION_DIGITS
                 for v in values)
    if accepted and within:
        assert parse_plain_decimals(values) is not None


def test_batch_parse_edges() -> None:
    biggest = "9" * MAX_INTEGER_DIGITS + "." + "9" * MAX_FRACTION_DIGITS
    assert parse_plain_decimals([biggest]) == (Decimal(biggest),)
    # One digit more on either side: parse_decimal's bounds, so the fast path declines.
    assert parse_plain_decimals(["1" + "0" * MAX_INTEGER_DIGITS]) is None
    assert parse_plain_decimals(["0." + "0" * MAX_FRACTION_DIGITS + "1"]) is None
    # Negative zero and a zero with places become parse_decimal's plain zero.
    assert [d.as_tuple() for d in parse_plain_decimals(["-0", "0.000", "+.0"]) or ()] == \
        [ZERO.as_tuple()] * 3
    assert parse_plain_decimals([]) == ()
    assert parse_plain_decimals(["1", None]) is None
    assert parse_plain_decimals(["1", "."]) is None


# ------------------------------------------------------------------ max_drawdown_of's bar

def _max_drawdown_reference(equity: tuple[Decimal, ...]) -> tuple[object, ...]:
    """``max_drawdown_of`` before the bar: both products for every value below the peak."""
    mul = CONTEXT.multiply
    peak_value, peak_index = equity[0], 0
    best = (equity[0], equity[0], 0, 0)
    for index, value in enumerate(equity):
        if value >= peak_value:
            peak_value, peak_index = value, index
        elif mul(value, best[0]) < mul(best[1], peak_value):
            best = (peak_value, value, peak_index, index)
    top, bottom, top_index, bottom_index = best
    recovery = None
    if bottom < top:
        recovery = next((i for i in range(bottom_index + 1, len(equity)) if equity[i] >= top),
                        None)
    return top, bottom, top_index, bottom_index, recovery, len(equity) - 1


def _fall(equity: tuple[Decimal, ...]) -> tuple[object, ...]:
    found = max_drawdown_of(equity)
    return (found.peak_value, found.trough_value, found.peak_index, found.trough_index,
            found.recovery_index, found.last_index)


@given(return_series(min_size=1, max_size=80, places=6))
def test_the_bar_finds_the_same_fall_on_compounded_curves(returns: list[Decimal]) -> None:
    # 120-digit equity values, as summarize measures them
    equity = equity_of(tuple(returns))
    assert _fall(equity) == _max_drawdown_reference(equity)


@given(st.lists(st.sampled_from([Decimal(v) for v in ("1", "2", "3", "4", "6", "8", "9",
                                                      "12", "0.5", "1.5", "4.5")]),
                min_size=1, max_size=40))
def test_the_bar_finds_the_same_fall_with_equal_ratios(equity: list[Decimal]) -> None:
    # equal fractions (1/2 = 2/4 = 3/6 = 4.5/9): the first trough of the deepest one wins
    assert _fall(tuple(equity)) == _max_drawdown_reference(tuple(equity))


def test_a_fall_within_the_margin_of_the_best_is_still_compared() -> None:
    tiny = Decimal("1e-110")
    # the second fall is deeper than the first by a relative 1e-110: below the bar's margin
    equity = (Decimal(100), Decimal(50), Decimal(100), CONTEXT.subtract(Decimal(50), tiny),
              Decimal(60))
    assert _fall(equity) == _max_drawdown_reference(equity)
    assert max_drawdown_of(equity).trough_index == 3
    # a value equal to the best ratio is not deeper: the first trough stays
    assert max_drawdown_of((Decimal(100), Decimal(50), Decimal(100), Decimal(50))
                           ).trough_index == 1
