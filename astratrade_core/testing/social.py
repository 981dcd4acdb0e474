"""Hypothesis strategies for the social aggregates: plausible command sequences (for the
replay and idempotence laws) and hostile commands (for totality: every value of the declared
field types, including naive or out-of-range instants, NaN and unbounded numbers, blank
ids, unknown currencies, duplicated and foreign users).

Plausible commands draw users from :data:`USERS`, address one stream (``"orion"``,
``"b-1"``, ``"ch-1"``) and put times around :data:`T0`; the ``*_runs`` strategies are lists of
them, mostly opened by a command that creates the stream and numbered ``c0, c1, ...`` (unique
ids), so random runs reach every state.

>>> from hypothesis import given
>>> @given(clan_runs())
... def addressed(run):
...     assert all(c.clan_id == "orion" for c in run)
...     assert len({c.command_id for c in run}) == len(run)
>>> addressed()
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from astratrade_core.gamification.periods import Period, PeriodKind
from astratrade_core.gamification.standings import Contribution, Metric
from astratrade_core.money import BTC, USD, Currency, Money
from astratrade_core.social.battles import (
    BattleCommand,
    MemberStreak,
    ResolveBattle,
    ScheduleBattle,
    TradeOutcome,
)
from astratrade_core.social.challenges import (
    AcceptChallenge,
    ChallengeCommand,
    CompleteChallenge,
    CreateChallenge,
    DeclineChallenge,
    ExpireChallenge,
)
from astratrade_core.social.clans import (
    ClanCommand,
    ClanRules,
    DisbandClan,
    FoundClan,
    InviteMember,
    JoinClan,
    LeaveClan,
    RecordBattleResult,
    RemoveMember,
    Role,
    SetRole,
)
from astratrade_core.testing.strategies import decimals, hostile_decimals, hostile_texts

__all__ = [
    "T0",
    "USERS",
    "WINDOW",
    "battle_commands",
    "battle_runs",
    "challenge_commands",
    "challenge_runs",
    "clan_commands",
    "clan_rules",
    "clan_runs",
    "hostile_battle_commands",
    "hostile_challenge_commands",
    "hostile_clan_commands",
    "hostile_instants",
    "hostile_ints",
    "hostile_money",
    "hostile_periods",
]

#: The instant plausible commands are drawn around.
T0 = datetime(2026, 3, 2, tzinfo=UTC)
#: The battle period and challenge window of plausible commands: one week from ``T0``.
WINDOW = Period(PeriodKind.WEEKLY, "2026-W10", T0, T0 + timedelta(days=7))
#: The users plausible commands name.
USERS = ("ann", "bob", "cat", "dan", "eve", "fay")

_ids = st.uuids().map(lambda u: f"cmd-{u.hex[:12]}")
_users = st.sampled_from(USERS)
# Actors are mostly the founder, so role changes and removals get past "not allowed".
_actors = st.one_of(st.just(USERS[0]), _users)
# Challenges are among three friends, so acceptances and contributions usually match.
_friends = st.sampled_from(USERS[:3])


# ------------------------------------------------------------------------- hostile values

def _hostile_names() -> st.SearchStrategy[str]:
    """Any text (:func:`~astratrade_core.testing.strategies.hostile_texts`) or a known user."""
    return st.one_of(hostile_texts(), _users)


def hostile_ints() -> st.SearchStrategy[int]:
    """Small, boundary, negative and enormous integers."""
    return st.one_of(st.integers(-3, 60), st.sampled_from(
        [-(2**70), -100_001, -101, 100, 101, 500, 501, 100_000, 100_001, 2**70]),
        st.integers())


def hostile_instants() -> st.SearchStrategy[datetime]:
    """Instants near :data:`T0` and the window's edges, naive datetimes, odd offsets and the
    ends of the calendar (``datetime.min`` east of UTC has no UTC equivalent)."""
    east, west = timezone(timedelta(hours=14)), timezone(timedelta(hours=-12, minutes=-30))
    near = st.integers(-3 * 86_400, 10 * 86_400).map(lambda s: T0 + timedelta(seconds=s))
    return st.one_of(
        near, st.sampled_from([WINDOW.start, WINDOW.end, WINDOW.end - timedelta(microseconds=1),
                               WINDOW.start + timedelta(microseconds=1)]),
        near.map(lambda t: t.replace(tzinfo=None)), near.map(lambda t: t.astimezone(west)),
        st.sampled_from([datetime.min.replace(tzinfo=east), datetime.max.replace(tzinfo=west),
                         datetime.min.replace(tzinfo=UTC), datetime.max, datetime.min]))


def hostile_periods() -> st.SearchStrategy[Period]:
    """Periods with any bounds: empty, inverted, naive, mixed."""
    return st.one_of(st.just(WINDOW), st.builds(
        Period, st.sampled_from(PeriodKind), _hostile_names(), hostile_instants(),
        hostile_instants()))


def hostile_money() -> st.SearchStrategy[Money]:
    """Money with hostile amounts and currencies (bad codes, negative or huge minor units)."""
    currencies = st.one_of(st.sampled_from([USD, BTC]), st.builds(
        Currency, st.sampled_from(["USD", "usd", "", "X"]), hostile_ints()))
    return st.one_of(st.just(Money(Decimal("1.00"), USD)),
                     st.builds(Money, hostile_decimals(), currencies))


def _weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """Draw from each strategy with its weight (``st.one_of`` merges repeated branches)."""
    return st.sampled_from([s for weight, s in choices for _ in range(weight)]).flatmap(
        lambda chosen: chosen)


def _pick(values: st.SearchStrategy[Any], plausible: st.SearchStrategy[Any],
          hostile: bool) -> st.SearchStrategy[Any]:
    return values if hostile else plausible


# -------------------------------------------------------------------------------- clans

def clan_rules() -> st.SearchStrategy[ClanRules]:
    """Valid rules with small limits, so capacity and officer seats run out in tests."""
    return st.builds(ClanRules, st.integers(2, 4), st.integers(0, 2), st.booleans(),
                     st.booleans())


def _clan_commands(hostile: bool) -> st.SearchStrategy[ClanCommand]:
    text = _pick(_hostile_names(), _users, hostile)
    actor = _pick(_hostile_names(), _actors, hostile)
    at = _pick(hostile_instants(), st.just(T0), hostile)
    clan = _pick(_hostile_names(), st.just("orion"), hostile)
    rules = _pick(st.builds(ClanRules, hostile_ints(), hostile_ints(), st.booleans(),
                            st.booleans()), clan_rules(), hostile)
    current = st.one_of(st.none(), _pick(_hostile_names(), st.just("lyra"), hostile))
    change = _pick(hostile_ints(), st.integers(-32, 32), hostile)
    battle = _pick(_hostile_names(), st.sampled_from(["b-1", "b-2"]), hostile)
    common: dict[str, Any] = {"command_id": _ids, "clan_id": clan, "issued_at": at}
    growing = (
        st.builds(JoinClan, **common, user_id=text,
                  current_clan=current if hostile else st.none()),
        st.builds(InviteMember, **common, inviter_id=actor, invitee_id=text),
        st.builds(SetRole, **common, by=actor, user_id=text, role=st.sampled_from(Role)),
    )
    return _weighted(  # clans mostly grow before they shrink
        *((3, command) for command in growing),
        (1, st.builds(FoundClan, **common,
                      name=_pick(_hostile_names(), st.just("Orion"), hostile), leader_id=text,
                      rules=rules, current_clan=current)),
        (1, st.builds(LeaveClan, **common, user_id=text)),
        (1, st.builds(RemoveMember, **common, by=actor, user_id=text)),
        (1, st.builds(DisbandClan, **common, by=text)),
        (1, st.builds(RecordBattleResult, **common, battle_id=battle, rating_change=change)),
    )


def clan_commands() -> st.SearchStrategy[ClanCommand]:
    """Any clan command with plausible values (many are still refused by the rules)."""
    return _clan_commands(hostile=False)


def hostile_clan_commands() -> st.SearchStrategy[ClanCommand]:
    """Any clan command with hostile values."""
    return _clan_commands(hostile=True)


# ------------------------------------------------------------------------------ battles

def _trades(hostile: bool) -> st.SearchStrategy[tuple[TradeOutcome, ...]]:
    trade = st.builds(
        TradeOutcome,
        trade_id=_pick(_hostile_names(), st.sampled_from([f"t{n}" for n in range(8)]), hostile),
        user_id=_pick(_hostile_names(), _users, hostile),
        closed_at=_pick(hostile_instants(), st.integers(0, 7 * 86_400 - 1).map(
            lambda s: T0 + timedelta(seconds=s)), hostile),
        pnl=_pick(hostile_decimals(), decimals(-500, 500, 2), hostile))
    return st.lists(trade, max_size=6).map(tuple)


def _streaks(hostile: bool) -> st.SearchStrategy[tuple[MemberStreak, ...]]:
    streak = st.builds(MemberStreak, user_id=_pick(_hostile_names(), _users, hostile),
                       days=_pick(hostile_ints(), st.integers(0, 30), hostile))
    return st.lists(streak, max_size=6).map(tuple)


def _rosters(hostile: bool) -> st.SearchStrategy[tuple[tuple[str, ...], tuple[str, ...]]]:
    if hostile:
        roster = st.lists(hostile_texts(), max_size=4).map(tuple)
        return st.tuples(roster, roster)
    return st.permutations(USERS).flatmap(lambda users: st.integers(1, len(users) - 1).map(
        lambda cut: (tuple(users[:cut]), tuple(users[cut:]))))


def _battle_commands(hostile: bool) -> st.SearchStrategy[BattleCommand]:
    at = _pick(hostile_instants(), st.sampled_from(
        [T0, WINDOW.end - timedelta(microseconds=1), WINDOW.end]), hostile)
    battle = _pick(_hostile_names(), st.just("b-1"), hostile)
    clans = _pick(st.tuples(hostile_texts(), hostile_texts()), st.just(("orion", "lyra")),
                  hostile)
    rating = _pick(hostile_ints(), st.integers(1200, 1800), hostile)
    schedule = st.builds(
        lambda cid, bid, when, pair, period, rosters, k: ScheduleBattle(
            command_id=cid, battle_id=bid, issued_at=when, clan_a=pair[0], clan_b=pair[1],
            period=period, roster_a=rosters[0], roster_b=rosters[1], k_factor=k),
        _ids, battle, at, clans, _pick(hostile_periods(), st.just(WINDOW), hostile),
        _rosters(hostile), _pick(hostile_ints(), st.integers(1, 100), hostile))
    resolve = st.builds(ResolveBattle, command_id=_ids, battle_id=battle, issued_at=at,
                        rating_a=rating, rating_b=rating, trades=_trades(hostile),
                        streaks=_streaks(hostile))
    return st.one_of(schedule, resolve)


def battle_commands() -> st.SearchStrategy[BattleCommand]:
    """Schedule and resolve commands for battle ``b-1`` with plausible facts."""
    return _battle_commands(hostile=False)


def hostile_battle_commands() -> st.SearchStrategy[BattleCommand]:
    """Battle commands with hostile values."""
    return _battle_commands(hostile=True)


# --------------------------------------------------------------------------- challenges

def _contributions(hostile: bool) -> st.SearchStrategy[tuple[Contribution, ...]]:
    amount = _pick(hostile_decimals(), decimals(-100, 100, 2), hostile)
    item = st.builds(
        Contribution, user_id=_pick(_hostile_names(), _friends, hostile),
        source_id=_pick(_hostile_names(), st.sampled_from(["s1", "s2", "s3"]), hostile),
        occurred_at=_pick(hostile_instants(), st.integers(0, 7 * 86_400 - 1).map(
            lambda s: T0 + timedelta(seconds=s)), hostile),
        xp=_pick(hostile_ints(), st.integers(0, 100), hostile), pnl=amount, volume=amount,
        invested=_pick(hostile_decimals(), decimals(0, 100, 2), hostile))
    return st.lists(item, max_size=4).map(tuple)


def _challenge_commands(hostile: bool) -> st.SearchStrategy[ChallengeCommand]:
    def at(*instants: datetime) -> st.SearchStrategy[datetime]:
        # Each command mostly at a time its rules accept, sometimes just past the edge.
        return _pick(hostile_instants(), st.sampled_from(instants), hostile)

    early = at(T0 - timedelta(hours=1), T0, T0, T0 + timedelta(microseconds=1))
    challenge = _pick(_hostile_names(), st.just("ch-1"), hostile)
    user = _pick(_hostile_names(), _friends, hostile)
    participants = _pick(st.lists(hostile_texts(), max_size=4).map(tuple), st.lists(
        _friends, min_size=2, max_size=3, unique=True).map(tuple), hostile)
    cents = st.integers(0, 500).map(lambda n: Money.from_minor_units(n, USD))
    money = _pick(hostile_money(), cents, hostile)
    common: dict[str, Any] = {"command_id": _ids, "challenge_id": challenge}
    create = participants.flatmap(lambda people: st.builds(
        CreateChallenge, **common, issued_at=early,
        creator_id=user if hostile or not people else st.sampled_from(people),
        participants=st.just(people), metric=st.sampled_from(Metric),
        window=_pick(hostile_periods(), st.just(WINDOW), hostile), stake=money,
        reward=money))
    accept = st.builds(AcceptChallenge, **common, issued_at=early, user_id=user)
    return _weighted(  # acceptances mostly, so challenges get under way
        (1, create), (4, accept),
        (1, st.builds(DeclineChallenge, **common, issued_at=early, user_id=user)),
        (1, st.builds(ExpireChallenge, **common, issued_at=at(T0, T0 + timedelta(seconds=1)))),
        (2, st.builds(CompleteChallenge, **common, contributions=_contributions(hostile),
                      issued_at=at(WINDOW.end - timedelta(microseconds=1), WINDOW.end,
                                   WINDOW.end))),
    )


def challenge_commands() -> st.SearchStrategy[ChallengeCommand]:
    """Commands for challenge ``ch-1`` with plausible values around its window."""
    return _challenge_commands(hostile=False)


def hostile_challenge_commands() -> st.SearchStrategy[ChallengeCommand]:
    """Challenge commands with hostile values."""
    return _challenge_commands(hostile=True)


# ----------------------------------------------------------------------------------- runs

def _runs(first: st.SearchStrategy[Any], then: st.SearchStrategy[Any], min_size: int,
          max_size: int) -> st.SearchStrategy[list[Any]]:
    """Three runs in four open with ``first``; commands are numbered ``c0, c1, ...``."""
    opening = st.integers(0, 3).flatmap(lambda n: st.lists(first, min_size=min(n, 1),
                                                           max_size=1))
    return st.tuples(opening, st.lists(then, min_size=min_size, max_size=max_size)).map(
        lambda parts: [attrs.evolve(c, command_id=f"c{n}")
                       for n, c in enumerate([*parts[0], *parts[1]])])


def clan_runs(max_size: int = 40) -> st.SearchStrategy[list[ClanCommand]]:
    """Runs of plausible clan commands, mostly after ``ann`` founds ``orion``."""
    founding = st.builds(FoundClan, command_id=st.just("found"), clan_id=st.just("orion"),
                         issued_at=st.just(T0), name=st.just("Orion"),
                         leader_id=st.just(USERS[0]), rules=clan_rules())
    return _runs(founding, clan_commands(), min(10, max_size), max_size)


def battle_runs(max_size: int = 8) -> st.SearchStrategy[list[BattleCommand]]:
    """Runs of plausible battle commands, mostly after the battle is scheduled."""
    scheduling = battle_commands().filter(lambda c: isinstance(c, ScheduleBattle))
    return _runs(scheduling, battle_commands(), 1, max_size)


def challenge_runs(max_size: int = 12) -> st.SearchStrategy[list[ChallengeCommand]]:
    """Runs of plausible challenge commands, mostly after the challenge is created."""
    creation = challenge_commands().filter(
        lambda c: isinstance(c, CreateChallenge) and c.issued_at <= T0)
    return _runs(creation, challenge_commands(), min(3, max_size), max_size)
