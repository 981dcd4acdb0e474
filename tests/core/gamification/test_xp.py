"""XP rule tables: the historic presets reproduce the platform's numbers, caps and
anti-farming hold, and nothing depends on the caller's decimal context."""

from __future__ import annotations

import decimal
import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.gamification.xp import (
    HISTORIC_MILESTONES,
    HISTORIC_PRESETS,
    HISTORIC_TRADE_RESULT,
    HISTORIC_TRADING,
    STANDARD,
    TRADE_CLOSED,
    Activity,
    Milestone,
    XPLedger,
    XPRule,
    XPRuleTable,
    award_xp,
    rule_xp,
)
from astratrade_core.testing import activities, hostile_contexts

D = Decimal
T0 = datetime(2026, 3, 1, 10, tzinfo=UTC)


def trade(n: int, *, at: datetime = T0, notional: str = "1000", pnl: str = "0",
          pct: str = "0", side: str = "", qty: str = "0", user: str = "u-1") -> Activity:
    return Activity(activity_id=f"t-{n}", user_id=user, kind=TRADE_CLOSED, occurred_at=at,
                    instrument="BTC-USD", side=side, quantity=D(qty), notional=D(notional),
                    pnl=D(pnl), pnl_percent=D(pct))


def xp_of(table: XPRuleTable, activity: Activity, streak: int = 0) -> int:
    return award_xp(table, XPLedger.empty(activity.user_id), activity, streak).unwrap().xp


def test_historic_trade_result_numbers() -> None:
    # xp = int(10 * m), m = min(2, 1 + pnl%/100) on a profit, 0.5 otherwise.
    assert xp_of(HISTORIC_TRADE_RESULT, trade(1, pnl="250", pct="25")) == 12   # int(12.5)
    assert xp_of(HISTORIC_TRADE_RESULT, trade(2, pnl="9", pct="0.9")) == 10    # int(10.09)
    assert xp_of(HISTORIC_TRADE_RESULT, trade(3, pnl="1500", pct="150")) == 20  # m capped at 2
    assert xp_of(HISTORIC_TRADE_RESULT, trade(4, pnl="99.99", pct="99.99")) == 19  # int(19.999)
    assert xp_of(HISTORIC_TRADE_RESULT, trade(5, pnl="-40", pct="-4")) == 5    # int(10 * 0.5)
    assert xp_of(HISTORIC_TRADE_RESULT, trade(6, pnl="0", pct="0")) == 5       # not a profit


def test_historic_trading_numbers() -> None:
    # xp = int(0.1 * volume + max(0.5 * pnl, 0)).
    assert xp_of(HISTORIC_TRADING, trade(1, notional="1234", pnl="-50")) == 123  # int(123.4)
    assert xp_of(HISTORIC_TRADING, trade(2, notional="1000", pnl="333.33")) == 266  # 266.665
    assert xp_of(HISTORIC_TRADING, trade(3, notional="5", pnl="1")) == 1       # 0.5 + 0.5
    assert xp_of(HISTORIC_TRADING, trade(4, notional="9", pnl="0")) == 0       # int(0.9)
    award = award_xp(HISTORIC_TRADING, XPLedger.empty("u-1"), trade(4, notional="9")).unwrap()
    assert award.events == ()


def test_historic_milestones() -> None:
    ledger = XPLedger.empty("u-1")
    paid: dict[int, int] = {}
    for n in range(1, 10_001):
        award = award_xp(HISTORIC_MILESTONES, ledger, trade(n, at=T0 + timedelta(seconds=n))
                         ).unwrap()
        ledger = award.ledger
        if award.xp:
            paid[n] = award.xp
    assert paid == {10: 50, 100: 200, 1000: 500, 10_000: 2000}
    assert ledger.total_xp == 2750


@given(activity=activities())
def test_historic_trade_result_matches_a_fraction_reference(activity: Activity) -> None:
    pct = Fraction(activity.pnl_percent)
    m = min(Fraction(2), 1 + abs(pct) / 100) if activity.pnl > 0 else Fraction(1, 2)
    assert rule_xp(HISTORIC_TRADE_RESULT.rules[0], activity) == math.floor(10 * m)


@given(activity=activities())
def test_historic_trading_matches_a_fraction_reference(activity: Activity) -> None:
    raw = Fraction(1, 10) * Fraction(activity.notional) + max(
        Fraction(1, 2) * Fraction(activity.pnl), Fraction(0))
    assert rule_xp(HISTORIC_TRADING.rules[0], activity) == math.floor(raw)


def test_streak_multiplier_and_per_trade_cap() -> None:
    # STANDARD: 10 * 1.25 (25 % profit) * 1.3 (3-day streak) = 16.25 -> 16.
    assert xp_of(STANDARD, trade(1, pnl="250", pct="25"), streak=3) == 16
    # 10 * 2 * 1.5 (streak multiplier capped) = 30.
    assert xp_of(STANDARD, trade(2, pnl="5000", pct="500"), streak=40) == 30
    capped = XPRuleTable.of(name="c", rules=(XPRule(name="r", kind=TRADE_CLOSED,
                                                    per_volume=D(1), per_award_cap=100),)
                            ).unwrap()
    assert xp_of(capped, trade(3, notional="12345")) == 100


def test_minimum_notional_blocks_rules_and_milestones() -> None:
    table = XPRuleTable.of(name="m", rules=(XPRule(name="r", kind=TRADE_CLOSED, base=D(10),
                                                   min_notional=D(10)),),
                           milestones=(Milestone(2, 100),)).unwrap()
    ledger = XPLedger.empty("u-1")
    gained = []
    for n, notional in enumerate(["9.99", "10", "9.99", "10"]):
        award = award_xp(table, ledger, trade(n, at=T0 + timedelta(minutes=n),
                                              notional=notional)).unwrap()
        ledger = award.ledger
        gained.append(award.xp)
    # Dust trades earn nothing and do not count: the 2nd eligible trade is the 4th.
    assert gained == [0, 10, 0, 110]


def test_daily_cap_in_the_players_zone() -> None:
    table = XPRuleTable.of(name="d", rules=(XPRule(name="r", kind=TRADE_CLOSED, base=D(400)),),
                           daily_cap=1000).unwrap()
    tokyo = ZoneInfo("Asia/Tokyo")
    ledger = XPLedger.empty("u-1")
    # 14:00..14:59 UTC is 23:xx in Tokyo; 15:00 UTC is the next local day.
    times = [datetime(2026, 3, 1, 14, m, tzinfo=UTC) for m in (0, 10, 20, 30)] + [
        datetime(2026, 3, 1, 15, 0, tzinfo=UTC)]
    gained = []
    for n, at in enumerate(times):
        award = award_xp(table, ledger, trade(n, at=at), zone=tokyo).unwrap()
        ledger = award.ledger
        gained.append(award.xp)
    assert gained == [400, 400, 200, 0, 400]
    assert ledger.total_xp == 1400


def test_self_cancelling_trades_earn_nothing() -> None:
    ledger = XPLedger.empty("u-1")
    plan = [("buy", 0, 15), ("sell", 5, 0), ("buy", 9, 0), ("sell", 30, 15)]
    gained = []
    for n, (side, minute, _) in enumerate(plan):
        award = award_xp(STANDARD, ledger, trade(n, at=T0 + timedelta(minutes=minute),
                                                  side=side, qty="1", pnl="10", pct="50"),
                         ).unwrap()
        ledger = award.ledger
        gained.append(award.xp)
    # 10 * 1.5 = 15; the sell 5 min later reverses the buy; the buy at 9 min reverses that
    # sell; the sell at 30 min has nothing to reverse inside the 10-minute window.
    assert gained == [p[2] for p in plan]


def test_failures() -> None:
    other = trade(1, user="u-2")
    assert award_xp(STANDARD, XPLedger.empty("u-1"), other).failure().code == (
        "gamification.wrong_ledger")
    ledger = award_xp(STANDARD, XPLedger.empty("u-1"), trade(1)).unwrap().ledger
    early = trade(2, at=T0 - timedelta(seconds=1))
    assert award_xp(STANDARD, ledger, early).failure().code == "gamification.out_of_order"
    assert award_xp(STANDARD, ledger, trade(3), -1).failure().code == "gamification.streak"
    bad = XPRuleTable.of(name="b", rules=(XPRule(name="a", kind="k"), XPRule(name="a", kind="k")),
                         milestones=(Milestone(0, 5),), daily_cap=-1)
    assert bad.failure().codes() == ("gamification.rule_duplicate", "gamification.milestones",
                                     "gamification.table_limits")
    assert Activity.of(activity_id="a", user_id="u", kind="k", occurred_at=T0, side="hold",
                       pnl=0.5,  # type: ignore[arg-type]  # a float, on purpose
                       ).failure().codes() == ("gamification.side",
                                                      "numeric.float_rejected")
    ok = Activity.of(activity_id="a", user_id="u", kind="k", occurred_at=T0, notional="12.5")
    assert ok.unwrap().notional == D("12.5")


def test_presets_are_valid_tables() -> None:
    for table in HISTORIC_PRESETS.values():
        rebuilt = XPRuleTable.of(name=table.name, rules=table.rules, milestones=table.milestones,
                                 milestone_kind=table.milestone_kind, daily_cap=table.daily_cap,
                                 wash_window=table.wash_window)
        assert rebuilt.unwrap() == table


@given(acts=st.lists(activities(), max_size=25), streak=st.integers(0, 30))
def test_ledger_laws(acts: list[Activity], streak: int) -> None:
    ledger = XPLedger.empty("u-1")
    per_day: dict[object, int] = {}
    for activity in sorted(acts, key=lambda a: a.occurred_at):
        award = award_xp(STANDARD, ledger, activity, streak).unwrap()
        assert award.xp >= 0
        assert award.xp == sum(e.amount for e in award.events)
        assert award.ledger.total_xp == ledger.total_xp + award.xp
        assert all(e.amount > 0 for e in award.events)
        capped = sum(e.amount for e in award.events if not e.reason.startswith("milestone"))
        day = activity.occurred_at.date()
        per_day[day] = per_day.get(day, 0) + capped
        assert per_day[day] <= 1000
        ledger = award.ledger


@given(ctx=hostile_contexts(), acts=st.lists(activities(), min_size=1, max_size=8),
       streak=st.integers(0, 10))
def test_award_ignores_the_callers_context(ctx: decimal.Context, acts: list[Activity],
                                           streak: int) -> None:
    ordered = sorted(acts, key=lambda a: a.occurred_at)

    def run() -> list[object]:
        out: list[object] = []
        for table in HISTORIC_PRESETS.values():
            ledger = XPLedger.empty("u-1")
            for activity in ordered:
                award = award_xp(table, ledger, activity, streak).unwrap()
                ledger = award.ledger
                out.append(award)
        return out

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected


@given(ctx=hostile_contexts(), notional=st.integers(0, 10**6), base=st.integers(0, 100))
def test_validation_ignores_the_callers_context(ctx: decimal.Context, notional: int,
                                                base: int) -> None:
    def run() -> object:
        activity = Activity.of(activity_id="a", user_id="u", kind=TRADE_CLOSED, occurred_at=T0,
                               notional=f"{notional}.125", pnl="-1.5", pnl_percent="-0.75")
        table = XPRuleTable.of(name="t", rules=(XPRule(name="r", kind=TRADE_CLOSED,
                                                       base=D(base), per_volume=D("0.001")),),
                               daily_cap=500)
        return activity, table, rule_xp(table.unwrap().rules[0], activity.unwrap())

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected


def test_a_float_daily_cap_is_refused() -> None:
    # Totality (tests/test_totality.py): XPRuleTable.of stored a float daily cap
    assert XPRuleTable.of(name="t", daily_cap=6.4e16).failure().codes() == (  # type: ignore[arg-type]
        "gamification.table_limits",)
    assert XPRuleTable.of(name="t", daily_cap=100).unwrap().daily_cap == 100
