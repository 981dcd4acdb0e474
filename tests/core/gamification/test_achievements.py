"""Achievements: conditions evaluated exactly, several per type, each unlocked exactly once
even when the whole history is replayed."""

from __future__ import annotations

import decimal
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from pyrsistent import pset
from pyrsistent.typing import PSet

from astratrade_core.events.gamification import AchievementUnlocked
from astratrade_core.gamification.achievements import (
    DEFAULT_CATALOG,
    Achievement,
    AllOf,
    AnyOf,
    Catalog,
    ClanVictories,
    PlayerStats,
    ProfitableTrades,
    StreakLength,
    TradeCount,
    VolumeAtLeast,
    WinRate,
    apply_unlock,
    holds,
    observe_clan_victory,
    observe_streak,
    observe_trade,
    unlock,
)
from astratrade_core.testing import decimals, hostile_contexts, player_stats

D = Decimal
AT = datetime(2026, 1, 1, tzinfo=UTC)

LADDER = Catalog.of([
    Achievement(achievement_id=f"profit_{n}", title=f"{n} winners",
                condition=ProfitableTrades(n), xp_reward=n) for n in (1, 10, 100)
]).unwrap()


def test_conditions_worked_examples() -> None:
    stats = PlayerStats(trades=50, profitable_trades=30, volume=D("100000.00"),
                        realized_pnl=D("12.5"), longest_streak=7, clan_victories=0)
    assert holds(TradeCount(50), stats) and not holds(TradeCount(51), stats)
    assert holds(VolumeAtLeast(D("100000")), stats)
    # 30 / 50 = 0.6 exactly: 0.6 holds, 0.6000001 does not.
    assert holds(WinRate(D("0.6"), 50), stats)
    assert not holds(WinRate(D("0.6000001"), 50), stats)
    assert not holds(WinRate(D("0.1"), 51), stats)          # too few trades
    assert holds(StreakLength(7), stats) and not holds(ClanVictories(1), stats)
    assert holds(AnyOf((ClanVictories(1), StreakLength(7))), stats)
    assert not holds(AllOf((ClanVictories(1), StreakLength(7))), stats)
    assert not holds(WinRate(D("0"), 0), PlayerStats())     # no trades: no win rate


def test_many_achievements_of_one_type_unlock_together() -> None:
    stats = PlayerStats(trades=150, profitable_trades=120)
    events = unlock(LADDER, stats, frozenset(), user_id="u", source_id="s", occurred_at=AT)
    assert [(e.achievement_id, e.xp_reward) for e in events] == [
        ("profit_1", 1), ("profit_10", 10), ("profit_100", 100)]
    assert [e.event_id for e in events] == [
        "s/achievement/profit_1", "s/achievement/profit_10", "s/achievement/profit_100"]


def test_catalog_validation_and_default_catalog() -> None:
    same = Achievement(achievement_id="x", title="x", condition=TradeCount(1))
    assert Catalog.of([same, same]).failure().code == "gamification.achievement_duplicate"
    negative = Achievement(achievement_id="y", title="y", condition=TradeCount(1), xp_reward=-1)
    assert Catalog.of([negative]).failure().code == "gamification.achievement_reward"
    assert Catalog.of(DEFAULT_CATALOG.achievements).unwrap() == DEFAULT_CATALOG


def test_projection_folds() -> None:
    stats = observe_trade(PlayerStats(), pnl=D("5"), notional=D("-100"))
    stats = observe_trade(stats, pnl=D("-7"), notional=D("50"))
    stats = observe_clan_victory(observe_streak(stats, 4))
    assert stats == PlayerStats(trades=2, profitable_trades=1, volume=D("150"),
                                realized_pnl=D("-2"), longest_streak=4, clan_victories=1)


History = list[tuple[str, Decimal, Decimal]]


def _histories() -> st.SearchStrategy[History]:
    step = st.one_of(
        st.tuples(st.just("trade"), decimals(-1000, 1000, 2), decimals(0, 50_000, 2)),
        st.tuples(st.just("streak"), st.integers(0, 40).map(Decimal), st.just(D(0))),
        st.tuples(st.just("victory"), st.just(D(0)), st.just(D(0))),
    )
    return st.lists(step, max_size=80)


def _run(history: History, unlocked: PSet[str]) -> tuple[PSet[str],
                                                         list[AchievementUnlocked]]:
    stats = PlayerStats()
    emitted: list[AchievementUnlocked] = []
    for n, (kind, a, b) in enumerate(history):
        if kind == "trade":
            stats = observe_trade(stats, pnl=a, notional=b)
        elif kind == "streak":
            stats = observe_streak(stats, int(a))
        else:
            stats = observe_clan_victory(stats)
        for event in unlock(DEFAULT_CATALOG, stats, unlocked, user_id="u", source_id=f"s-{n}",
                            occurred_at=AT):
            emitted.append(event)
            unlocked = apply_unlock(unlocked, event)
    return unlocked, emitted


@given(history=_histories())
def test_each_achievement_unlocks_exactly_once_under_replay(history: History) -> None:
    unlocked, emitted = _run(history, pset())
    ids = [e.achievement_id for e in emitted]
    assert len(ids) == len(set(ids))
    # Replaying the same history on top of the result unlocks nothing new...
    again, more = _run(history, unlocked)
    assert more == [] and again == unlocked
    # ...and re-applying every event (a duplicated stream) is a no-op.
    folded: PSet[str] = pset()
    for event in emitted + emitted:
        folded = apply_unlock(folded, event)
    assert folded == unlocked


@given(stats=player_stats())
def test_unlock_is_exactly_the_holding_conditions(stats: PlayerStats) -> None:
    events = unlock(DEFAULT_CATALOG, stats, frozenset(), user_id="u", source_id="s",
                    occurred_at=AT)
    assert {e.achievement_id for e in events} == {
        a.achievement_id for a in DEFAULT_CATALOG.achievements if holds(a.condition, stats)}


@given(ctx=hostile_contexts(), stats=player_stats(), pnl=decimals(-1000, 1000, 2),
       notional=decimals(0, 10**6, 2))
def test_achievements_ignore_the_callers_context(ctx: decimal.Context, stats: PlayerStats,
                                                 pnl: Decimal, notional: Decimal) -> None:
    def run() -> object:
        folded = observe_trade(stats, pnl=pnl, notional=notional)
        return folded, unlock(DEFAULT_CATALOG, folded, frozenset(), user_id="u",
                              source_id="s", occurred_at=AT)

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected


@given(ctx=hostile_contexts(), stats=player_stats(), streak=st.integers(0, 60))
def test_folds_and_catalogs_ignore_the_callers_context(ctx: decimal.Context,
                                                       stats: PlayerStats, streak: int) -> None:
    def run() -> object:
        folded = observe_clan_victory(observe_streak(stats, streak))
        unlocked: PSet[str] = pset()
        for event in unlock(LADDER, folded, unlocked, user_id="u", source_id="s",
                            occurred_at=AT):
            unlocked = apply_unlock(unlocked, event)
        return (folded, unlocked, Catalog.of(DEFAULT_CATALOG.achievements),
                [holds(a.condition, folded) for a in DEFAULT_CATALOG.achievements])

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected
