"""Hypothesis strategies for gamification and social values: zones with awkward rules,
instants, trade activities, player statistics, leaderboard rows and scoring inputs.

>>> from hypothesis import given
>>> @given(leaderboard_rows(max_size=5))
... def check(rows): assert len({u for u, _ in rows}) == len(rows)
>>> check()
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from astratrade_core.gamification.achievements import PlayerStats
from astratrade_core.gamification.xp import TRADE_CLOSED, Activity
from astratrade_core.social.battles import MemberPerformance
from astratrade_core.social.reputation import ReputationRecord
from astratrade_core.testing.strategies import decimals

__all__ = [
    "TRICKY_ZONES",
    "activities",
    "instants",
    "leaderboard_rows",
    "member_performances",
    "player_stats",
    "reputation_records",
    "user_ids",
    "zones",
]

#: Zones whose rules break naive day arithmetic: DST (including 30-minute and midnight
#: changes), the date line (both sides, and Samoa's skipped 30 December 2011), odd offsets.
TRICKY_ZONES = (
    "UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Santiago",
    "Pacific/Apia", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Pacific/Chatham",
    "Asia/Kathmandu", "America/St_Johns",
)


def zones() -> st.SearchStrategy[tzinfo]:
    """One of :data:`TRICKY_ZONES` as a ``ZoneInfo``."""
    return st.sampled_from(TRICKY_ZONES).map(ZoneInfo)


def instants(start: datetime = datetime(2010, 1, 1, tzinfo=UTC),
             span: timedelta = timedelta(days=6000)) -> st.SearchStrategy[datetime]:
    """Aware UTC instants in ``[start, start + span]`` at one-second resolution."""
    seconds = int(span.total_seconds())
    return st.integers(0, seconds).map(lambda s: start + timedelta(seconds=s))


def user_ids() -> st.SearchStrategy[str]:
    """Short user ids like ``u-17``."""
    return st.integers(0, 10**6).map(lambda n: f"u-{n}")


def activities(user_id: str = "u-1") -> st.SearchStrategy[Activity]:
    """Closed trades with exact notional, P&L and P&L % (cents, basis points)."""
    return st.builds(
        lambda n, at, notional, pnl, pct, side, qty: Activity(
            activity_id=f"t-{n}", user_id=user_id, kind=TRADE_CLOSED, occurred_at=at,
            instrument="BTC-USD", side=side, quantity=qty, notional=notional, pnl=pnl,
            pnl_percent=pct),
        st.integers(0, 10**9), instants(), decimals(0, 10**7, 2), decimals(-10**6, 10**6, 2),
        decimals(-500, 500, 2), st.sampled_from(["", "buy", "sell"]),
        decimals(0, 100, 3),
    )


def player_stats() -> st.SearchStrategy[PlayerStats]:
    """Consistent statistics (profitable trades never exceed trades)."""
    return st.integers(0, 500).flatmap(lambda trades: st.builds(
        PlayerStats, st.just(trades), st.integers(0, trades), decimals(0, 10**7, 2),
        decimals(-10**6, 10**6, 2), st.integers(0, 400), st.integers(0, 50)))


def leaderboard_rows(max_size: int = 60, max_score: int = 20,
                     ) -> st.SearchStrategy[list[tuple[str, int]]]:
    """Rows ``(user_id, units)`` with unique users and many ties (small score range)."""
    return st.lists(st.tuples(user_ids(), st.integers(-max_score, max_score)),
                    max_size=max_size, unique_by=lambda row: row[0])


def member_performances(user_id: str = "u-1") -> st.SearchStrategy[MemberPerformance]:
    """A clan member's results over a battle period (P&L in cents)."""
    return st.builds(MemberPerformance, st.just(user_id), st.integers(0, 1000),
                     decimals(-10**6, 10**6, 2), st.integers(0, 365))


def reputation_records() -> st.SearchStrategy[ReputationRecord]:
    """Valid reputation inputs, including records far past every cap."""
    count = st.integers(0, 2000)
    return st.builds(ReputationRecord, account_age_days=st.integers(0, 5000),
                     challenges_completed=count, battles_fought=count, achievements=count,
                     challenges_defaulted=st.integers(0, 20), reports_upheld=st.integers(0, 10))
