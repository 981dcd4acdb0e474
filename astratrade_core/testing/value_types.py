"""A Hypothesis strategy for every public value type of the core, and their registration.

:func:`value_types` maps each class named in a core module's ``__all__`` -- value types,
commands, events, states, enums -- to a strategy; :func:`register_strategies` registers them
with Hypothesis, after which ``st.from_type(Money)`` (or ``st.builds`` of anything that takes
one) draws from the table.  A totality test passes the table to
:func:`~astratrade_core.testing.strategies.hostile_values`, which draws the *scalars* a careless
caller passes (NaN, huge integers, text where a ``Decimal`` goes) and takes everything else
from here:

- value types (``Money``, ``Instrument``, a ``Plan``) are drawn valid -- reusing the tailored
  strategies of this package where there is one, else built field by field from plausible
  values of the declared types -- because a value type's invariants are its constructor's
  business;
- commands (what a ``decide`` must answer) mix plausible ones with ones whose every field is
  hostile;
- an aggregate's state is the fold of a short run of its commands through
  :func:`~astratrade_core.aggregate.handle`, so it is a state the aggregate can reach;
- an enum draws its members.

>>> from hypothesis import given, settings, strategies as st
>>> from astratrade_core.money import Money
>>> register_strategies()
>>> @settings(max_examples=10)
... @given(st.from_type(Money))
... def check(m): assert m.amount.is_finite()
>>> check()
"""

from __future__ import annotations

import enum
import functools
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st
from pyrsistent import pmap, pset, pvector
from returns.maybe import Nothing, Some
from returns.result import Success

from astratrade_core import (
    aggregate,
    defi,
    errors,
    events,
    fixedpoint,
    gamification,
    instrument,
    money,
    numeric,
    policies,
    portfolio,
    revenue,
    risk,
    social,
    trading,
    users,
)
from astratrade_core.aggregate import Aggregate, Stream, handle
from astratrade_core.errors import DomainError
from astratrade_core.events import PLATFORM_EVENTS, EventRegistry
from astratrade_core.events.envelope import Event
from astratrade_core.gamification import rank_index
from astratrade_core.gamification.leaderboards import Leaderboard
from astratrade_core.gamification.levels import LEVEL_CURVES, LevelCurve
from astratrade_core.gamification.periods import PeriodKind, period_containing
from astratrade_core.testing.events import event_of
from astratrade_core.testing.events import events as any_events
from astratrade_core.testing.gamification import (
    activities,
    leaderboard_rows,
    member_performances,
    player_histories,
    player_stats,
    reputation_records,
)
from astratrade_core.testing.revenue import (
    collection_commands,
    fee_schedules,
    interest_rate_models,
    ledger_commands,
    pool_commands,
    subscription_commands,
)
from astratrade_core.testing.risk_metrics import metric_conventions
from astratrade_core.testing.social import (
    battle_runs,
    challenge_runs,
    clan_rules,
    clan_runs,
)
from astratrade_core.testing.strategies import (
    currencies,
    decimals,
    hostile_values,
    rates,
)
from astratrade_core.testing.strategies import (
    money as money_values,
)
from astratrade_core.testing.trading import (
    fills,
    hostile_orders,
    instruments,
    margin_tier_sets,
    portfolio_states,
    positions,
    trading_fee_schedules,
)
from astratrade_core.testing.users import principals, user_runs

__all__ = ["public_types", "register_strategies", "value_types"]

#: The packages and modules whose ``__all__`` is the core's public surface (the subpackages
#: re-export their modules' names; the few that do not are listed themselves).
SURFACE: tuple[types.ModuleType, ...] = (
    aggregate, errors, fixedpoint, instrument, money, numeric, policies, defi, events,
    gamification, portfolio, revenue, risk, social, trading, users, rank_index,
)

_T0 = datetime(2026, 1, 5, 12, tzinfo=UTC)
_IDS = ("ann", "bob", "c0", "t0", "BTCUSD")


def _event_types() -> list[type[Event]]:
    found: list[type[Event]] = []
    pending: list[type[Event]] = [Event]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def public_types() -> tuple[type, ...]:
    """Every class named in the ``__all__`` of :data:`SURFACE`, and every event type."""
    found: dict[type, None] = {}
    for module in SURFACE:
        for name in module.__all__:
            item = getattr(module, name)
            if isinstance(item, type) and item.__module__.startswith("astratrade_core"):
                found[item] = None
    for cls in _event_types():
        found[cls] = None
    try:
        from astratrade_core import batch  # noqa: PLC0415 - numpy: the dev extra only
    except ImportError:  # pragma: no cover - numpy is a dev dependency
        return tuple(found)
    found[batch.Column] = None
    return tuple(found)


def _plausible(hint: object, table: Mapping[object, st.SearchStrategy[Any]],
               ) -> st.SearchStrategy[Any]:
    """Plausible, bounded values of a declared type (a value type's field)."""
    scalars: dict[object, st.SearchStrategy[Any]] = {
        Decimal: decimals(-10**6, 10**6, 4), int: st.integers(0, 10**6),
        str: st.sampled_from(_IDS), bool: st.booleans(), type(None): st.none(),
        datetime: st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1),
                               timezones=st.just(UTC)),
        date: st.dates(date(2020, 1, 1), date(2030, 1, 1)),
        timedelta: st.timedeltas(timedelta(0), timedelta(days=30)),
        bytes: st.binary(max_size=32), object: decimals(-100, 100, 2),
    }
    if hint in table:
        return table[hint]
    if hint in scalars:
        return scalars[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        return st.one_of([_plausible(a, table) for a in args])
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(_plausible(args[0], table), max_size=3).map(tuple)
        return st.tuples(*(_plausible(a, table) for a in args))
    name = getattr(origin, "__name__", "")
    if name in ("PMap", "Mapping", "dict"):
        return st.dictionaries(_plausible(args[0], table), _plausible(args[1], table),
                               max_size=3).map(pmap)
    if name in ("PSet", "frozenset", "AbstractSet"):
        return st.frozensets(_plausible(args[0], table), max_size=3).map(pset)
    if name in ("PVector", "Sequence", "list"):
        return st.lists(_plausible(args[0], table), max_size=3).map(pvector)
    if name == "Maybe" or getattr(hint, "__name__", "") == "Maybe":
        inner = _plausible(args[0], table) if args else st.none()
        return st.just(Nothing) | inner.map(Some)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(list(hint))
    raise LookupError(f"no plausible strategy for {hint!r}")


def _fields(cls: type, part: Callable[[object], st.SearchStrategy[Any]],
            ) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(cls)
    return st.builds(cls, **{a.alias or a.name: part(hints[a.name])
                             for a in attrs.fields(cls) if a.init})


def _folded(machine: Aggregate[Any, Any], runs: st.SearchStrategy[list[Any]],
            ) -> st.SearchStrategy[Any]:
    """The state ``machine`` reaches after a run of commands (refused ones change nothing)."""
    def fold(commands: Iterable[Any]) -> Any:
        stream = Stream.empty(machine)
        for command in commands:
            match handle(machine, stream, command):
                case Success((stream, _)):
                    pass
        return stream.state

    return runs.map(fold)


def _tailored() -> dict[object, st.SearchStrategy[Any]]:
    """The types this package already has a strategy for, and the ones whose invariants a
    field-by-field build would break."""
    tailored: dict[object, st.SearchStrategy[Any]] = {
        money.Currency: currencies(), money.Money: money_values(), money.Rate: rates(),
        instrument.Instrument: instruments(),
        instrument.MarginTier: margin_tier_sets().map(lambda tiers: tiers[-1]),
        trading.Position: positions(), trading.Fill: fills(),
        trading.FeeSchedule: trading_fee_schedules(), trading.OrderRequest: hostile_orders(),
        revenue.FeeSchedule: fee_schedules(), defi.InterestRateModel: interest_rate_models(),
        risk.MetricConventions: metric_conventions(), gamification.PlayerStats: player_stats(),
        gamification.Activity: activities(), gamification.Period: st.builds(
            lambda kind, at: period_containing(kind, at, UTC).unwrap(),
            st.sampled_from([k for k in PeriodKind if k is not PeriodKind.SEASON]),
            st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1), timezones=st.just(UTC))),
        social.MemberPerformance: member_performances(),
        social.ReputationRecord: reputation_records(), social.ClanRules: clan_rules(),
        users.Principal: principals(), Event: any_events(), EventRegistry: st.just(PLATFORM_EVENTS),
        DomainError: st.builds(DomainError.invalid, st.sampled_from(_IDS), st.text(max_size=20)),
        LevelCurve: st.sampled_from(list(LEVEL_CURVES.values())),
        Leaderboard: st.builds(lambda rows, places: Leaderboard.build("board", rows, places),
                               leaderboard_rows(max_size=8), st.integers(0, 2))
        .map(lambda built: built.unwrap()),
        rank_index.RankIndex: st.lists(st.integers(-100, 100), max_size=8).map(
            rank_index.RankIndex.of_negs),
        rank_index.Column: st.lists(st.integers(), max_size=8).map(rank_index.Column.of),
        Stream: st.just(Stream.empty(portfolio.PORTFOLIO)),
        events.Upcast: st.builds(events.Upcast, st.sampled_from(PLATFORM_EVENTS.names()),
                                 st.integers(1, 3), st.just(dict)),
        Aggregate: st.sampled_from([
            portfolio.PORTFOLIO, defi.STAKING_POOL, gamification.PLAYER, gamification.SEASON,
            revenue.COLLECTION, revenue.PLATFORM_LEDGER, revenue.SUBSCRIPTION, social.BATTLE,
            social.CHALLENGE, social.CLAN, users.USER]),
        # states: what the aggregate reaches after a run of plausible commands
        portfolio.PortfolioState: portfolio_states(max_commands=6),
        defi.PoolState: _folded(defi.STAKING_POOL, pool_commands(max_size=8)),
        gamification.PlayerState: _folded(gamification.PLAYER, player_histories(max_size=8)),
        gamification.SeasonState: st.just(gamification.SEASON.initial),
        revenue.SubscriptionState: _folded(revenue.SUBSCRIPTION, subscription_commands()),
        revenue.CollectionState: _folded(revenue.COLLECTION, collection_commands()),
        revenue.RevenueLedger: _folded(revenue.PLATFORM_LEDGER, ledger_commands(max_size=6)),
        social.ClanBattle: _folded(social.BATTLE, battle_runs()),
        social.Challenge: _folded(social.CHALLENGE, challenge_runs()),
        social.Clan: _folded(social.CLAN, clan_runs(max_size=12)),
        users.UserState: _folded(users.USER, user_runs()),
    }
    try:  # the columnar kernels need numpy, which the core does not require
        from astratrade_core import batch  # noqa: PLC0415 - numpy: the dev extra only
    except ImportError:  # pragma: no cover - numpy is a dev dependency
        return tailored
    tailored[batch.Column] = st.builds(batch.Column.of_units,
                                       st.lists(st.integers(-10**20, 10**20), max_size=6),
                                       st.integers(0, 18))
    return tailored


def _command_types() -> set[type]:
    """The commands of every aggregate (``decide``'s second argument)."""
    found: set[type] = {portfolio.Command, gamification.PlayerCommand,
                        gamification.SeasonCommand}
    for union in (defi.PoolCommand, revenue.SubscriptionCommand, revenue.CollectionCommand,
                  revenue.LedgerCommand, social.BattleCommand, social.ChallengeCommand,
                  social.ClanCommand, users.UserCommand):
        found.update(typing.get_args(union))
    for base in (portfolio.Command, gamification.PlayerCommand, gamification.SeasonCommand):
        found.update(base.__subclasses__())
    return found


@functools.cache
def value_types() -> Mapping[object, st.SearchStrategy[Any]]:
    """A strategy for every class of :func:`public_types` (see the module's docstring)."""
    table: dict[object, st.SearchStrategy[Any]] = {}
    tailored = _tailored()
    commands = _command_types()

    def plausible(hint: object) -> st.SearchStrategy[Any]:
        return _plausible(hint, table)

    def hostile(hint: object) -> st.SearchStrategy[Any]:
        return hostile_values(hint, table)

    def strategy(cls: type) -> st.SearchStrategy[Any]:
        if cls in tailored:
            return tailored[cls]
        if cls is aggregate.Command:  # the protocol every aggregate's command follows
            return st.one_of([table[c] for c in sorted(commands, key=lambda c: c.__qualname__)])
        if issubclass(cls, enum.Enum):
            return st.sampled_from(list(cls))
        if issubclass(cls, Event):
            return event_of(cls)
        if cls in commands:
            return _fields(cls, plausible) | _fields(cls, hostile)
        if attrs.has(cls):
            return _fields(cls, plausible)
        raise LookupError(f"no strategy for {cls!r}")

    def deferred(cls: type) -> st.SearchStrategy[Any]:
        return st.deferred(lambda: strategy(cls))

    for cls in (*public_types(), *tailored):
        if isinstance(cls, type):
            table[cls] = deferred(cls)
    return table


def register_strategies() -> None:
    """Register :func:`value_types` with Hypothesis (``st.from_type`` draws from it)."""
    for cls, strategy in value_types().items():
        if isinstance(cls, type):
            st.register_type_strategy(cls, strategy)
