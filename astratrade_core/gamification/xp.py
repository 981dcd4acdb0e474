"""XP rules as data: a rule table evaluated by one pure function, :func:`award_xp`.

A :class:`XPRuleTable` holds rules keyed by activity kind, milestone awards, a daily cap and
an anti-farming window.  For every rule whose ``kind`` matches the activity::

    raw = (base + per_volume * notional + per_profit * max(pnl, 0))
          * profit_multiplier * streak_multiplier
    xp  = min(round(raw, 0, rule.rounding), per_award_cap)           # an integer
    xp  = min(xp, daily_cap - xp_already_awarded_today)              # rules that count

``profit_multiplier`` is ``min(cap, 1 + slope * |pnl %|)`` on a profit (``pnl > 0``) and
``on_loss`` otherwise (a break-even trade is not a profit); ``streak_multiplier`` is
``min(cap, 1 + per_day * streak_days)``.  All arithmetic is exact (``CONTEXT``); the only
rounding is the named one per rule, applied once to the rule's total.

**Anti-farming.**  A rule only pays when ``notional >= min_notional`` (and, with
``profitable_only``, on a profit).  When the table has a ``wash_window``, a trade that reverses
a recorded trade (same instrument, opposite side, equal quantity) no older than the window is
*self-cancelling*: it earns nothing and does not count towards milestones.  Every sided trade
is recorded, so repeated round trips inside the window stay worthless.

**Milestones** pay when the count of eligible activities of ``milestone_kind`` reaches a
threshold; they are one-off and not subject to caps.  The daily cap counts XP by calendar day
in the time zone the caller passes (the user's own); the day's counter resets at local
midnight.

**Historic presets** reproduce the platform's old formulas (float ``int(...)`` truncation of a
non-negative value is ``Rounding.DOWN``; exact decimals replace floats, so a value the float
code computed as ``k - 1e-15`` for an exact integer ``k`` now gives ``k``):

* :data:`HISTORIC_TRADE_RESULT` -- ``xp = int(10 * m)``, ``m = min(2, 1 + |pnl%|/100)`` on a
  profit, ``0.5`` on a loss.  A 25 % winner: ``int(10 * 1.25) = 12``; a loser: ``5``.
* :data:`HISTORIC_TRADING` -- ``xp = int(0.1 * volume + max(0.5 * pnl, 0))``.
* :data:`HISTORIC_MILESTONES` -- 10/100/1000/10000 trades = 50/200/500/2000 XP.

>>> from datetime import UTC, datetime
>>> from decimal import Decimal
>>> trade = Activity(activity_id="t-1", user_id="u-1", kind=TRADE_CLOSED,
...                  occurred_at=datetime(2026, 3, 1, 12, tzinfo=UTC),
...                  notional=Decimal("1000"), pnl=Decimal("250"), pnl_percent=Decimal("25"))
>>> award = award_xp(HISTORIC_TRADE_RESULT, XPLedger.empty("u-1"), trade).unwrap()
>>> award.xp, award.events[0].reason, award.ledger.total_xp
(12, 'trade_result', 12)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from types import MappingProxyType
from typing import Final

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect
from astratrade_core.events.gamification import XPGained
from astratrade_core.numeric import CONTEXT, ONE, ZERO, DecimalInput, Rounding, parse_decimal
from astratrade_core.numeric import quantize as _quantize

__all__ = [
    "HISTORIC_MILESTONES",
    "HISTORIC_PRESETS",
    "HISTORIC_TRADE_RESULT",
    "HISTORIC_TRADING",
    "STANDARD",
    "TRADE_CLOSED",
    "Activity",
    "Milestone",
    "ProfitMultiplier",
    "RecentTrade",
    "StreakMultiplier",
    "XPAward",
    "XPLedger",
    "XPRule",
    "XPRuleTable",
    "award_xp",
    "rule_xp",
]

#: The activity kind of a closed trade (the kind the presets score).
TRADE_CLOSED: Final = "trade_closed"
_SIDES: Final = frozenset({"", "buy", "sell"})


@attrs.frozen(kw_only=True)
class Activity:
    """Something a player did, as the shell reports it.

    ``notional`` is the trade's absolute value in quote currency, ``pnl`` the realized P&L,
    ``pnl_percent`` the P&L in percent of the position's cost (``25`` means 25 %), as the
    platform displays it.  ``side``/``quantity``/``instrument`` feed wash detection.
    """

    activity_id: str
    user_id: str
    kind: str
    occurred_at: datetime
    instrument: str = ""
    side: str = ""
    quantity: Decimal = ZERO
    notional: Decimal = ZERO
    pnl: Decimal = ZERO
    pnl_percent: Decimal = ZERO

    @classmethod
    def of(cls, *, activity_id: str, user_id: str, kind: str, occurred_at: datetime,
           instrument: str = "", side: str = "", quantity: DecimalInput = "0",
           notional: DecimalInput = "0", pnl: DecimalInput = "0",
           pnl_percent: DecimalInput = "0") -> Result[Activity, DomainError]:
        """Validate and parse (numbers as str/int/Decimal; every problem is reported).

        >>> Activity.of(activity_id="a", user_id="u", kind="k", occurred_at=datetime(2026, 1, 1),
        ...             notional="-1").failure().codes()
        ('gamification.naive_time', 'gamification.negative')
        """
        aware: Result[datetime, DomainError] = (
            Success(occurred_at) if occurred_at.utcoffset() is not None else Failure(
                DomainError.invalid("gamification.naive_time",
                                    "occurred_at must be timezone-aware")))
        sided: Result[str, DomainError] = Success(side) if side in _SIDES else Failure(
            DomainError.invalid("gamification.side", "side must be buy, sell or ''", side=side))
        return collect("gamification.activity", aware, sided,
                       _non_negative(quantity, "quantity"), _non_negative(notional, "notional"),
                       parse_decimal(pnl, "pnl"), parse_decimal(pnl_percent, "pnl_percent"),
                       ).map(lambda values: cls(
                           activity_id=activity_id, user_id=user_id, kind=kind,
                           occurred_at=occurred_at, instrument=instrument, side=side,
                           quantity=values[2], notional=values[3], pnl=values[4],
                           pnl_percent=values[5]))


def _non_negative(raw: DecimalInput, field: str) -> Result[Decimal, DomainError]:
    """``raw`` parsed, or ``gamification.negative`` below zero."""
    def check(value: Decimal) -> Result[Decimal, DomainError]:
        if value < 0:
            return Failure(DomainError.invalid("gamification.negative",
                                               f"{field} must not be negative", field=field))
        return Success(value)

    return parse_decimal(raw, field).bind(check)


@attrs.frozen
class ProfitMultiplier:
    """``min(cap, 1 + slope * |pnl %|)`` on a profit, ``on_loss`` otherwise."""

    slope: Decimal = Decimal("0.01")
    cap: Decimal = Decimal(2)
    on_loss: Decimal = Decimal("0.5")

    def factor(self, pnl: Decimal, pnl_percent: Decimal) -> Decimal:
        """The multiplier for one trade.

        >>> ProfitMultiplier().factor(Decimal("5"), Decimal("150")), ProfitMultiplier().factor(
        ...     Decimal("-5"), Decimal("-3"))
        (Decimal('2'), Decimal('0.5'))
        """
        if pnl <= 0:
            return self.on_loss
        scaled = CONTEXT.add(ONE, CONTEXT.multiply(self.slope, CONTEXT.abs(pnl_percent)))
        return min(self.cap, scaled)


@attrs.frozen
class StreakMultiplier:
    """``min(cap, 1 + per_day * streak_days)``."""

    per_day: Decimal = Decimal("0.1")
    cap: Decimal = Decimal("1.5")

    def factor(self, streak_days: int) -> Decimal:
        """The multiplier for a streak of ``streak_days`` days.

        >>> StreakMultiplier().factor(3), StreakMultiplier().factor(30)
        (Decimal('1.3'), Decimal('1.5'))
        """
        return min(self.cap, CONTEXT.add(ONE, CONTEXT.multiply(self.per_day,
                                                               Decimal(streak_days))))


@attrs.frozen(kw_only=True)
class XPRule:
    """One row of a rule table (see the module docstring for the formula)."""

    name: str
    kind: str
    base: Decimal = ZERO
    per_volume: Decimal = ZERO
    per_profit: Decimal = ZERO
    profit_multiplier: ProfitMultiplier | None = None
    streak_multiplier: StreakMultiplier | None = None
    min_notional: Decimal = ZERO
    profitable_only: bool = False
    per_award_cap: int | None = None
    counts_toward_daily_cap: bool = True
    rounding: Rounding = Rounding.DOWN


@attrs.frozen
class Milestone:
    """``xp`` awarded once, when the eligible activity count reaches ``count``."""

    count: int
    xp: int


@attrs.frozen(kw_only=True)
class XPRuleTable:
    """A complete XP policy: rules, milestones, a daily cap and the wash-trade window."""

    name: str
    rules: tuple[XPRule, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    milestone_kind: str = TRADE_CLOSED
    daily_cap: int | None = None
    wash_window: timedelta | None = None

    @classmethod
    def of(cls, *, name: str, rules: tuple[XPRule, ...] = (),
           milestones: tuple[Milestone, ...] = (), milestone_kind: str = TRADE_CLOSED,
           daily_cap: int | None = None, wash_window: timedelta | None = None,
           ) -> Result[XPRuleTable, DomainError]:
        """Validate: unique rule names, non-negative parameters, multipliers >= 0, positive
        distinct milestone counts, caps >= 0, a positive window.

        >>> XPRuleTable.of(name="t", rules=(XPRule(name="a", kind="k", base=Decimal(-1)),)
        ...                ).failure().codes()
        ('gamification.rule_negative',)
        """
        problems: list[DomainError] = []
        names = [rule.name for rule in rules]
        if len(set(names)) != len(names):
            problems.append(DomainError.invalid("gamification.rule_duplicate",
                                           "rule names must be unique", table=name))
        for rule in rules:
            numbers = [rule.base, rule.per_volume, rule.per_profit, rule.min_notional]
            for mult in (rule.profit_multiplier, rule.streak_multiplier):
                if mult is not None:
                    numbers += [getattr(mult, f.name) for f in attrs.fields(type(mult))]
            if any(n < 0 or not n.is_finite() for n in numbers) or (
                    rule.per_award_cap is not None and rule.per_award_cap < 0):
                problems.append(DomainError.invalid("gamification.rule_negative",
                                               "rule parameters must be non-negative",
                                               rule=rule.name))
        counts = [m.count for m in milestones]
        if len(set(counts)) != len(counts) or any(c < 1 for c in counts) or any(
                m.xp < 0 for m in milestones):
            problems.append(DomainError.invalid("gamification.milestones",
                                           "milestone counts must be distinct and positive",
                                           table=name))
        if (daily_cap is not None and (type(daily_cap) is not int or daily_cap < 0)) or (
                wash_window is not None and wash_window <= timedelta(0)):
            problems.append(DomainError.invalid("gamification.table_limits",
                                           "daily cap must be an integer >= 0 and the "
                                           "window positive",
                                           table=name))
        if problems:
            return Failure(DomainError.all_of("gamification.rule_table", problems))
        return Success(cls(name=name, rules=rules, milestones=milestones,
                           milestone_kind=milestone_kind, daily_cap=daily_cap,
                           wash_window=wash_window))


@attrs.frozen
class RecentTrade:
    """A sided trade inside the wash window: what a reversing trade is compared with."""

    instrument: str
    side: str
    quantity: Decimal
    at: datetime


@attrs.frozen(kw_only=True)
class XPLedger:
    """A player's XP state for one rule table: lifetime XP, today's capped XP, the eligible
    activity count (for milestones) and the trades inside the wash window."""

    user_id: str
    total_xp: int = 0
    day: date | None = None
    xp_today: int = 0
    counted: int = 0
    last_at: datetime | None = None
    recent: tuple[RecentTrade, ...] = ()

    @classmethod
    def empty(cls, user_id: str) -> XPLedger:
        """A new player's ledger."""
        return cls(user_id=user_id)


@attrs.frozen
class XPAward:
    """The result of one activity: the new ledger, the XP awarded, and the events."""

    ledger: XPLedger
    xp: int
    events: tuple[XPGained, ...]


def rule_xp(rule: XPRule, activity: Activity, streak_days: int = 0) -> int:
    """The XP one rule awards for one activity before the daily cap (0 when a condition
    fails or the kinds differ).

    >>> from datetime import UTC, datetime
    >>> t = Activity(activity_id="t", user_id="u", kind=TRADE_CLOSED,
    ...              occurred_at=datetime(2026, 1, 1, tzinfo=UTC), notional=Decimal("1234"),
    ...              pnl=Decimal("-50"), pnl_percent=Decimal("-4"))
    >>> rule_xp(HISTORIC_TRADING.rules[0], t)   # int(0.1 * 1234 + max(-25, 0)) = int(123.4)
    123
    """
    if rule.kind != activity.kind or activity.notional < rule.min_notional or (
            rule.profitable_only and activity.pnl <= 0):
        return 0
    _add, _mul = CONTEXT.add, CONTEXT.multiply
    raw = _add(_add(rule.base, _mul(rule.per_volume, activity.notional)),
               _mul(rule.per_profit, max(activity.pnl, ZERO)))
    if rule.profit_multiplier is not None:
        raw = _mul(raw, rule.profit_multiplier.factor(activity.pnl, activity.pnl_percent))
    if rule.streak_multiplier is not None:
        raw = _mul(raw, rule.streak_multiplier.factor(streak_days))
    xp = int(_quantize(raw, 0, rule.rounding))
    return xp if rule.per_award_cap is None else min(xp, rule.per_award_cap)


def _is_wash(table: XPRuleTable, recent: tuple[RecentTrade, ...], activity: Activity) -> bool:
    if table.wash_window is None or not activity.side:
        return False
    opposite = "sell" if activity.side == "buy" else "buy"
    return any(t.instrument == activity.instrument and t.side == opposite
               and t.quantity == activity.quantity for t in recent)


def award_xp(table: XPRuleTable, ledger: XPLedger, activity: Activity, streak_days: int = 0,
             zone: tzinfo = UTC, *, stream_id: str | None = None,
             ) -> Result[XPAward, DomainError]:
    """Evaluate every rule of ``table`` for ``activity``: the XP, the new ledger, the events.

    ``streak_days`` is the player's current streak (from :mod:`.streaks`); ``zone`` is the
    player's time zone, which decides the day the daily cap counts.  Activities must arrive in
    time order per ledger; one event ``XPGained`` per paying rule or milestone, with event ids
    ``"<activity_id>/xp/<rule>"``, written to ``stream_id`` (the user id by default).

    >>> from datetime import UTC, datetime
    >>> ledger = XPLedger.empty("u-1")
    >>> for n in range(10):
    ...     t = Activity(activity_id=f"t-{n}", user_id="u-1", kind=TRADE_CLOSED,
    ...                  occurred_at=datetime(2026, 3, 1, n, tzinfo=UTC))
    ...     award = award_xp(HISTORIC_MILESTONES, ledger, t).unwrap()
    ...     ledger = award.ledger
    >>> award.xp, award.events[0].reason, ledger.total_xp
    (50, 'milestone_10', 50)
    """
    if activity.user_id != ledger.user_id:
        return Failure(DomainError.invalid("gamification.wrong_ledger",
                                      "activity belongs to another player",
                                      user=activity.user_id, ledger=ledger.user_id))
    if ledger.last_at is not None and activity.occurred_at < ledger.last_at:
        return Failure(DomainError.rejected("gamification.out_of_order",
                                      "activities must be applied in time order",
                                      activity=activity.activity_id))
    if streak_days < 0:
        return Failure(DomainError.invalid("gamification.streak", "streak must be >= 0",
                                      streak=streak_days))
    day = activity.occurred_at.astimezone(zone).date()
    xp_today = ledger.xp_today if day == ledger.day else 0
    recent = ledger.recent
    if table.wash_window is not None:
        horizon = activity.occurred_at - table.wash_window
        recent = tuple(t for t in recent if t.at >= horizon)
    wash = _is_wash(table, recent, activity)
    if table.wash_window is not None and activity.side:
        recent = (*recent, RecentTrade(activity.instrument, activity.side, activity.quantity,
                                        activity.occurred_at))
    total = ledger.total_xp
    counted = ledger.counted
    events: list[XPGained] = []
    stream = activity.user_id if stream_id is None else stream_id

    def emit(amount: int, reason: str) -> None:
        nonlocal total
        total += amount
        events.append(XPGained(
            event_id=f"{activity.activity_id}/xp/{reason}", stream_id=stream,
            occurred_at=activity.occurred_at, user_id=activity.user_id, amount=amount,
            reason=reason, source_id=activity.activity_id, total_xp=total))

    if not wash:
        for rule in table.rules:
            xp = rule_xp(rule, activity, streak_days)
            if rule.counts_toward_daily_cap and table.daily_cap is not None:
                xp = max(0, min(xp, table.daily_cap - xp_today))
            if xp > 0:
                if rule.counts_toward_daily_cap:
                    xp_today += xp
                emit(xp, rule.name)
        if activity.kind == table.milestone_kind and (
                activity.notional >= _milestone_floor(table)):
            counted += 1
            for milestone in table.milestones:
                if milestone.count == counted and milestone.xp > 0:
                    emit(milestone.xp, f"milestone_{milestone.count}")
    new_ledger = XPLedger(user_id=ledger.user_id, total_xp=total, day=day, xp_today=xp_today,
                          counted=counted, last_at=activity.occurred_at, recent=recent)
    return Success(XPAward(new_ledger, total - ledger.total_xp, tuple(events)))


def _milestone_floor(table: XPRuleTable) -> Decimal:
    """Milestones count only activities that meet the smallest minimum notional of the
    table's rules for that kind (so dust trades cannot farm milestones)."""
    floors = [r.min_notional for r in table.rules if r.kind == table.milestone_kind]
    return min(floors) if floors else ZERO


#: ``xp = int(10 * m)``, ``m = min(2, 1 + |pnl%| / 100)`` on a profit, 0.5 on a loss.
HISTORIC_TRADE_RESULT: Final = XPRuleTable(
    name="historic_trade_result",
    rules=(XPRule(name="trade_result", kind=TRADE_CLOSED, base=Decimal(10),
                  profit_multiplier=ProfitMultiplier()),),
)
#: ``xp = int(0.1 * volume + max(0.5 * pnl, 0))``.
HISTORIC_TRADING: Final = XPRuleTable(
    name="historic_trading",
    rules=(XPRule(name="trading", kind=TRADE_CLOSED, per_volume=Decimal("0.1"),
                  per_profit=Decimal("0.5")),),
)
#: 10 / 100 / 1000 / 10000 trades = 50 / 200 / 500 / 2000 XP.
HISTORIC_MILESTONES: Final = XPRuleTable(
    name="historic_milestones",
    milestones=(Milestone(10, 50), Milestone(100, 200), Milestone(1000, 500),
                Milestone(10000, 2000)),
)
#: The recommended policy: the historic trade-result rule with a streak bonus (+10 % a day,
#: at most x1.5), at most 100 XP a trade, 1,000 XP a day, trades of at least 10 (quote
#: currency) and no XP for round trips within 10 minutes; the historic milestones.
STANDARD: Final = XPRuleTable(
    name="standard",
    rules=(XPRule(name="trade_result", kind=TRADE_CLOSED, base=Decimal(10),
                  profit_multiplier=ProfitMultiplier(), streak_multiplier=StreakMultiplier(),
                  min_notional=Decimal(10), per_award_cap=100),),
    milestones=HISTORIC_MILESTONES.milestones,
    daily_cap=1000,
    wash_window=timedelta(minutes=10),
)
#: Every shipped table by name.
HISTORIC_PRESETS: Final[Mapping[str, XPRuleTable]] = MappingProxyType({
    t.name: t for t in (HISTORIC_TRADE_RESULT, HISTORIC_TRADING, HISTORIC_MILESTONES, STANDARD)
})
