"""Hypothesis strategies for gamification and social values: zones with awkward rules,
instants, trade activities, player statistics, leaderboard rows and scoring inputs, and the
commands of the player and season aggregates -- plausible histories in time order, and
hostile commands (NaN, infinities, exponents far out of bounds, naive times, unknown zones,
empty ids, huge integers) for the law that ``decide`` never raises.

>>> from hypothesis import given
>>> @given(leaderboard_rows(max_size=5))
... def check(rows): assert len({u for u, _ in rows}) == len(rows)
>>> check()
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from astratrade_core.gamification.achievements import PlayerStats
from astratrade_core.gamification.periods import Period
from astratrade_core.gamification.player import (
    GrantStreakFreezes,
    PlayerCommand,
    RecordClanVictory,
    RecordClosedTrade,
    SetTimeZone,
)
from astratrade_core.gamification.season import (
    OpenSeason,
    RecordContribution,
    RemoveFromSeason,
    SeasonCommand,
)
from astratrade_core.gamification.standings import Metric
from astratrade_core.gamification.xp import TRADE_CLOSED, Activity
from astratrade_core.social.battles import MemberPerformance
from astratrade_core.social.reputation import ReputationRecord
from astratrade_core.testing.strategies import decimals

__all__ = [
    "TRICKY_ZONES",
    "activities",
    "any_datetimes",
    "any_decimals",
    "hostile_player_commands",
    "hostile_season_commands",
    "instants",
    "leaderboard_rows",
    "member_performances",
    "player_histories",
    "player_stats",
    "reputation_records",
    "season_histories",
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


def any_decimals() -> st.SearchStrategy[Decimal]:
    """Any ``Decimal`` at all: NaN, sNaN, infinities, -0, magnitudes and exponents far outside
    the parse bounds, as well as ordinary values."""
    return st.one_of(
        st.sampled_from([Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"),
                         Decimal("-Infinity"), Decimal("-0"), Decimal("1E+999999"),
                         Decimal("-1E-999999"), Decimal("9" * 60), Decimal("1E-40")]),
        st.decimals(allow_nan=True, allow_infinity=True),
        decimals(-10**6, 10**6, 2),
    )


def any_datetimes() -> st.SearchStrategy[datetime]:
    """Naive datetimes and aware ones in fixed offsets or awkward zones, anywhere in time."""
    offsets = st.integers(-23 * 60, 23 * 60).map(lambda m: timezone(timedelta(minutes=m)))
    return st.datetimes(timezones=st.one_of(st.none(), offsets, zones()))


def player_histories(user_id: str = "u-1", max_size: int = 30,
                     ) -> st.SearchStrategy[list[PlayerCommand]]:
    """Commands for one player in time order (minutes to days apart, so streaks grow, break
    and cross local midnights), mostly closed trades -- including quick reversals inside the
    wash window -- with now and then a time zone change, a clan victory or freezes."""
    def build(draw: st.DrawFn) -> list[PlayerCommand]:
        at = draw(instants(span=timedelta(days=4000)))
        commands: list[PlayerCommand] = []
        for n in range(draw(st.integers(1, max_size))):
            at += timedelta(minutes=draw(st.sampled_from([0, 3, 30, 600, 1440, 1500, 2900,
                                                          4400])))
            cid = f"{user_id}-c{n}"
            kind = draw(st.sampled_from(["trade"] * 6 + ["zone", "victory", "freezes"]))
            if kind == "trade":
                commands.append(RecordClosedTrade(
                    command_id=cid, user_id=user_id, issued_at=at,
                    instrument=draw(st.sampled_from(["BTCUSD", "ETHUSD"])),
                    side=draw(st.sampled_from(["buy", "sell"])),
                    quantity=draw(st.sampled_from([Decimal("0.1"), Decimal("1")])),
                    notional=draw(decimals(0, 20_000, 2)), pnl=draw(decimals(-500, 500, 2)),
                    pnl_percent=draw(decimals(-150, 150, 2))))
            elif kind == "zone":
                commands.append(SetTimeZone(command_id=cid, user_id=user_id, issued_at=at,
                                            zone=draw(st.sampled_from(TRICKY_ZONES))))
            elif kind == "victory":
                commands.append(RecordClanVictory(
                    command_id=cid, user_id=user_id, issued_at=at,
                    battle_id=draw(st.sampled_from(["b-1", "b-2", "b-3"]))))
            else:
                commands.append(GrantStreakFreezes(command_id=cid, user_id=user_id,
                                                   issued_at=at, count=draw(st.integers(1, 2))))
        return commands

    return st.composite(build)()


def hostile_player_commands(user_id: str = "u-1") -> st.SearchStrategy[PlayerCommand]:
    """Player commands with any values of their declared types."""
    texts = st.one_of(st.text(max_size=80), st.sampled_from(["", user_id, "../../etc",
                                                             "Europe/Berlin", "America"]))
    meta = {"command_id": st.text(max_size=12), "user_id": st.one_of(st.just(user_id), texts),
            "issued_at": any_datetimes()}
    return st.one_of(
        st.builds(RecordClosedTrade, **meta, instrument=texts, side=texts,
                  quantity=any_decimals(), notional=any_decimals(), pnl=any_decimals(),
                  pnl_percent=any_decimals()),
        st.builds(SetTimeZone, **meta, zone=texts),
        st.builds(RecordClanVictory, **meta, battle_id=texts),
        st.builds(GrantStreakFreezes, **meta, count=st.integers()),
    )


def season_histories(board_id: str, period: Period, metric: Metric = Metric.XP,
                     max_size: int = 40) -> st.SearchStrategy[list[SeasonCommand]]:
    """``OpenSeason`` then contributions of a few users (small amounts: many ties) and the
    odd removal, in time order inside (and now and then just outside) ``period``."""
    span = int((period.end - period.start).total_seconds())

    def build(draw: st.DrawFn) -> list[SeasonCommand]:
        commands: list[SeasonCommand] = [OpenSeason(
            command_id=f"{board_id}-open", board_id=board_id, issued_at=period.start,
            metric=metric, period=period)]
        moments = sorted(draw(st.lists(st.integers(-60, span + 60), max_size=max_size)))
        for n, second in enumerate(moments):
            cid, at = f"{board_id}-c{n}", period.start + timedelta(seconds=second)
            user = draw(st.sampled_from([f"u-{k}" for k in range(6)]))
            if draw(st.integers(0, 9)) == 0:
                commands.append(RemoveFromSeason(command_id=cid, board_id=board_id,
                                                 issued_at=at, user_id=user, reason="closed"))
                continue
            commands.append(RecordContribution(
                command_id=cid, board_id=board_id, issued_at=at, user_id=user,
                xp=draw(st.integers(0, 5)),
                pnl=draw(decimals(-5, 5, 2)), volume=draw(decimals(0, 5, 2)),
                invested=draw(st.sampled_from([Decimal(0), Decimal(10), Decimal(30)]))))
        return commands

    return st.composite(build)()


def hostile_season_commands(board_id: str, period: Period,
                            ) -> st.SearchStrategy[SeasonCommand]:
    """Season commands with any values of their declared types."""
    texts = st.one_of(st.text(max_size=40), st.sampled_from(["", board_id, "u-1"]))
    periods = st.one_of(st.just(period), st.builds(Period, st.just(period.kind), texts,
                                                   any_datetimes(), any_datetimes()))
    meta = {"command_id": st.text(max_size=12), "board_id": st.one_of(st.just(board_id),
                                                                      texts),
            "issued_at": any_datetimes()}
    return st.one_of(
        st.builds(OpenSeason, **meta, metric=st.sampled_from(Metric), period=periods,
                  places=st.one_of(st.none(), st.integers())),
        st.builds(RecordContribution, **meta, user_id=texts, xp=st.integers(),
                  pnl=any_decimals(), volume=any_decimals(), invested=any_decimals()),
        st.builds(RemoveFromSeason, **meta, user_id=texts, reason=texts),
    )
