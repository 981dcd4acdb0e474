"""Friend challenges: two or more users compete on a metric over a window for a pot; the
challenge aggregate, one stream per challenge.

A :class:`FriendChallenge` names its participants (2..50, distinct), the metric (XP,
realized P&L, ROI % or volume -- the leaderboard metrics), the window (a half-open UTC
:class:`~astratrade_core.gamification.periods.Period`), the stake each participant puts in
and an optional platform reward, both in one currency and in whole minor units.

**Life** (:data:`CHALLENGE`):

===================== ===================================================================
command               events; rules (a refusal lists every broken rule)
===================== ===================================================================
``CreateChallenge``   ``ChallengeCreated``; valid terms, the creator a participant (accepted
                      from the start), created no later than the window's start
``AcceptChallenge``   ``ChallengeAccepted``; a participant who has not answered, no later than
                      the window's start; the last acceptance puts the challenge on
``DeclineChallenge``  ``ChallengeDeclined``; a participant who has not accepted (acceptance
                      binds): the challenge is called off
``ExpireChallenge``   ``ChallengeExpired``; after the window's start while someone has still
                      not accepted: the challenge is called off
``CompleteChallenge`` ``ChallengeCompleted``; every participant accepted, the window has
                      closed; the contributions (facts the shell gathered) are participants',
                      inside the window, each ``(user, source)`` once, amounts in bounds
===================== ===================================================================

**Settlement** (:func:`settle_challenge`): every participant's score is computed from their
contributions inside the window (:func:`challenge_scores`; ROI % is floored to 1e-4 %, a
participant with nothing invested scores ROI 0).  The highest score wins; *all* participants
sharing it are winners.  The pot ``stake * participants + reward`` is split between the
winners in whole minor units by :func:`~astratrade_core.revenue.allocation.split_evenly`
(shares differ by at most one minor unit; the extra units go to winners in participant order),
so the payouts add up to the pot exactly: no unit is created or lost.

>>> from datetime import UTC, datetime
>>> from decimal import Decimal
>>> from astratrade_core.money import USD, Money
>>> from astratrade_core.gamification.periods import Period, PeriodKind
>>> window = Period(PeriodKind.WEEKLY, "w", datetime(2026, 3, 2, tzinfo=UTC),
...                 datetime(2026, 3, 9, tzinfo=UTC))
>>> c = FriendChallenge.of(challenge_id="ch-1", participants=("ann", "bob", "cat"),
...                        metric=Metric.XP, window=window, stake=Money.of("1.00", USD).unwrap(),
...                        reward=Money.of("0.01", USD).unwrap()).unwrap()
>>> done = settle_challenge(c, {"ann": Decimal(50), "bob": Decimal(50), "cat": Decimal(10)}
...                         ).unwrap()
>>> done.winners, [str(s.payout) for s in done.standings]   # 3.01 split two ways
(('ann', 'bob'), ['1.51', '1.50', '0.00'])
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Final, assert_never

import attrs
from pyrsistent import pset
from pyrsistent.typing import PSet
from returns.result import Failure, Result, Success

from astratrade_core.aggregate import Aggregate, Decision
from astratrade_core.errors import DomainError, collect_all
from astratrade_core.events.envelope import Event
from astratrade_core.events.social import (
    ChallengeAccepted,
    ChallengeCompleted,
    ChallengeCreated,
    ChallengeDeclined,
    ChallengeExpired,
    ChallengeStanding,
)
from astratrade_core.gamification.periods import Period, PeriodKind
from astratrade_core.gamification.standings import Contribution, Metric, roi_percent
from astratrade_core.money import Currency, Money
from astratrade_core.numeric import CONTEXT, ZERO, Rounding, parse_decimal
from astratrade_core.revenue.allocation import split_evenly
from astratrade_core.social.checks import aware, distinct, named, require

__all__ = [
    "CHALLENGE",
    "CHALLENGE_EVENTS",
    "MAX_PARTICIPANTS",
    "AcceptChallenge",
    "Challenge",
    "ChallengeCommand",
    "ChallengeStatus",
    "CompleteChallenge",
    "CreateChallenge",
    "DeclineChallenge",
    "ExpireChallenge",
    "FriendChallenge",
    "Metric",
    "Settlement",
    "challenge_scores",
    "decide",
    "evolve",
    "settle_challenge",
]

#: At most this many users in one challenge.
MAX_PARTICIPANTS: Final = 50


def _window(window: Period) -> list[Result[Any, DomainError]]:
    start = aware("challenge", window.start, "window.start")
    end = aware("challenge", window.end, "window.end")
    match start, end:
        case Success(first), Success(last):
            return [require(first < last, DomainError.invalid(
                "challenge.window", "the window is empty", start=first, end=last))]
        case _:
            return [start, end]


def _amount(money: Money, field: str) -> Result[Decimal, DomainError]:
    return parse_decimal(money.amount, field).bind(
        lambda amount: require(amount >= 0, DomainError.invalid(
            "challenge.negative", f"{field} must be >= 0", field=field)).map(lambda _: amount))


def _money(stake: Money, reward: Money) -> list[Result[Any, DomainError]]:
    currency = Currency.of(stake.currency.code, stake.currency.minor_unit)
    amounts = [_amount(stake, "stake"), _amount(reward, "reward")]
    checks: list[Result[Any, DomainError]] = [
        currency,
        require(stake.currency == reward.currency, DomainError.invalid(
            "challenge.currency", "stake and reward must share a currency",
            stake=stake.currency.code, reward=reward.currency.code)),
        *amounts,
    ]
    if all(isinstance(r, Success) for r in (currency, *amounts)):
        whole = all(m.rounded(Rounding.DOWN).amount == m.amount for m in (stake, reward)
                    if m.currency == stake.currency)
        checks.append(require(whole, DomainError.invalid(
            "challenge.minor_unit", "amounts must be whole minor units")))
    return checks


def _terms(challenge_id: str, participants: tuple[str, ...], window: Period, stake: Money,
           reward: Money) -> list[Result[Any, DomainError]]:
    return [
        named("challenge", challenge_id, "challenge_id"),
        require(2 <= len(participants) <= MAX_PARTICIPANTS and len(set(participants)) == len(
            participants), DomainError.invalid(
                "challenge.participants", f"need 2..{MAX_PARTICIPANTS} distinct participants",
                count=len(participants))),
        *(named("challenge", user, f"participants[{n}]")
          for n, user in enumerate(participants)),
        *_window(window),
        *_money(stake, reward),
    ]


@attrs.frozen(kw_only=True)
class FriendChallenge:
    """A challenge's terms (build them with :meth:`of`)."""

    challenge_id: str
    participants: tuple[str, ...]
    metric: Metric
    window: Period
    stake: Money
    reward: Money

    @classmethod
    def of(cls, *, challenge_id: str, participants: tuple[str, ...], metric: Metric,
           window: Period, stake: Money, reward: Money) -> Result[FriendChallenge, DomainError]:
        """Validate: 2..50 distinct participants, a non-empty window with aware bounds, stake
        and reward >= 0 in one valid currency and in whole minor units.

        >>> from datetime import UTC, datetime
        >>> from astratrade_core.money import USD, EUR, Money
        >>> w = Period(PeriodKind.DAILY, "d", datetime(2026, 1, 1, tzinfo=UTC),
        ...            datetime(2026, 1, 2, tzinfo=UTC))
        >>> FriendChallenge.of(challenge_id="c", participants=("a", "a"), metric=Metric.XP,
        ...     window=w, stake=Money.of("0.001", USD).unwrap(),
        ...     reward=Money.zero(EUR)).failure().codes()
        ('challenge.participants', 'challenge.currency', 'challenge.minor_unit')
        """
        return collect_all("challenge.invalid", _terms(
            challenge_id, participants, window, stake, reward)).map(lambda _: cls(
                challenge_id=challenge_id, participants=participants, metric=metric,
                window=window, stake=stake, reward=reward))

    @property
    def pot(self) -> Money:
        """``stake * participants + reward``."""
        return Money(CONTEXT.add(CONTEXT.multiply(self.stake.amount,
                                                  Decimal(len(self.participants))),
                                 self.reward.amount), self.stake.currency)


def challenge_scores(challenge: FriendChallenge, contributions: Iterable[Contribution],
                     ) -> dict[str, Decimal]:
    """Each participant's score on the challenge metric from contributions inside the window
    (others are ignored).  ROI % is floored to 1e-4 %; no capital invested scores 0.

    >>> from datetime import UTC, datetime
    >>> from astratrade_core.money import USD, Money
    >>> w = Period(PeriodKind.DAILY, "d", datetime(2026, 1, 1, tzinfo=UTC),
    ...            datetime(2026, 1, 2, tzinfo=UTC))
    >>> c = FriendChallenge.of(challenge_id="c", participants=("a", "b"),
    ...     metric=Metric.ROI_PERCENT, window=w, stake=Money.zero(USD),
    ...     reward=Money.zero(USD)).unwrap()
    >>> challenge_scores(c, [Contribution(user_id="a", source_id="t", occurred_at=w.start,
    ...                      pnl=Decimal("1"), invested=Decimal("3"))])
    {'a': Decimal('33.3333'), 'b': Decimal('0')}
    """
    pnl = dict.fromkeys(challenge.participants, ZERO)
    invested = dict.fromkeys(challenge.participants, ZERO)
    xp = dict.fromkeys(challenge.participants, ZERO)
    volume = dict.fromkeys(challenge.participants, ZERO)
    for c in contributions:
        if c.user_id not in pnl or not challenge.window.contains(c.occurred_at):
            continue
        pnl[c.user_id] = CONTEXT.add(pnl[c.user_id], c.pnl)
        invested[c.user_id] = CONTEXT.add(invested[c.user_id], c.invested)
        xp[c.user_id] = CONTEXT.add(xp[c.user_id], Decimal(c.xp))
        volume[c.user_id] = CONTEXT.add(volume[c.user_id], CONTEXT.abs(c.volume))
    if challenge.metric is Metric.XP:
        return xp
    if challenge.metric is Metric.REALIZED_PNL:
        return pnl
    if challenge.metric is Metric.VOLUME:
        return volume
    return {user: roi_percent(pnl[user], invested[user]).value_or(ZERO)
            for user in challenge.participants}


@attrs.frozen
class Settlement:
    """Who won and every participant's score, stake and payout, in participant order."""

    winners: tuple[str, ...]
    standings: tuple[ChallengeStanding, ...]


def settle_challenge(challenge: FriendChallenge, scores: Mapping[str, Decimal],
                     ) -> Result[Settlement, DomainError]:
    """Pick the winners (all who share the top score) and split the pot between them.

    ``scores`` must hold exactly the participants, each a finite number within the parse
    bounds, and the terms must be valid (as :meth:`FriendChallenge.of` checks them); every
    problem is reported.
    """
    missing = [u for u in challenge.participants if u not in scores]
    extra = sorted(set(scores) - set(challenge.participants))
    checks = [*_terms(challenge.challenge_id, challenge.participants, challenge.window,
                      challenge.stake, challenge.reward),
              require(not (missing or extra), DomainError.invalid(
                  "challenge.scores", "scores must cover the participants",
                  missing=",".join(missing), extra=",".join(extra)))]
    checks += [parse_decimal(scores[u], f"scores[{u}]").map(lambda _: None)
               for u in challenge.participants if u in scores]

    def split(_: object) -> Result[Settlement, DomainError]:
        best = max(scores[u] for u in challenge.participants)
        winners = tuple(u for u in challenge.participants if scores[u] == best)
        zero = Money.from_minor_units(0, challenge.stake.currency).amount

        def settle(shares: tuple[Money, ...]) -> Settlement:
            payout = dict(zip(winners, (s.amount for s in shares), strict=True))
            return Settlement(winners, tuple(
                ChallengeStanding(user_id=u, score=scores[u], stake=challenge.stake.amount,
                                  payout=payout.get(u, zero))
                for u in challenge.participants))

        return split_evenly(challenge.pot, len(winners)).map(settle)

    return collect_all("challenge.settle_refused", checks).bind(split)


# ------------------------------------------------------------------------------ aggregate

class ChallengeStatus(enum.Enum):
    """Where a challenge's stream is in its life."""

    UNCREATED = "uncreated"
    OPEN = "open"            # waiting for acceptances
    ACTIVE = "active"        # everyone accepted
    COMPLETED = "completed"
    DECLINED = "declined"
    EXPIRED = "expired"


_CLOSED: Final = frozenset({ChallengeStatus.COMPLETED, ChallengeStatus.DECLINED,
                            ChallengeStatus.EXPIRED})


@attrs.frozen
class Challenge:
    """A challenge's state: its terms (None before it is created), the creator, who has
    accepted, and the settlement once completed.  :attr:`EMPTY` is a stream with no events."""

    terms: FriendChallenge | None = None
    creator_id: str = ""
    status: ChallengeStatus = ChallengeStatus.UNCREATED
    accepted: PSet[str] = attrs.field(factory=pset)
    result: ChallengeCompleted | None = None

    EMPTY: ClassVar[Challenge]

    @property
    def pending(self) -> tuple[str, ...]:
        """Participants who have not accepted, in participant order."""
        if self.terms is None:
            return ()
        return tuple(u for u in self.terms.participants if u not in self.accepted)


Challenge.EMPTY = Challenge()


@attrs.frozen(kw_only=True)
class _ChallengeCommand:
    command_id: str
    challenge_id: str
    issued_at: datetime


@attrs.frozen(kw_only=True)
class CreateChallenge(_ChallengeCommand):
    """``creator_id`` (one of ``participants``) proposes the terms."""

    creator_id: str
    participants: tuple[str, ...]
    metric: Metric
    window: Period
    stake: Money
    reward: Money


@attrs.frozen(kw_only=True)
class AcceptChallenge(_ChallengeCommand):
    """``user_id`` accepts."""

    user_id: str


@attrs.frozen(kw_only=True)
class DeclineChallenge(_ChallengeCommand):
    """``user_id`` declines, which calls the challenge off."""

    user_id: str


@attrs.frozen(kw_only=True)
class ExpireChallenge(_ChallengeCommand):
    """Call off a challenge whose window started before everyone accepted (sent by the
    shell's scheduler)."""


@attrs.frozen(kw_only=True)
class CompleteChallenge(_ChallengeCommand):
    """Settle the challenge from the participants' contributions inside the window."""

    contributions: tuple[Contribution, ...] = ()


#: Every command the challenge aggregate decides.
ChallengeCommand = (CreateChallenge | AcceptChallenge | DeclineChallenge | ExpireChallenge
                    | CompleteChallenge)

#: The events a challenge's stream holds.
CHALLENGE_EVENTS: Final[tuple[type[Event], ...]] = (
    ChallengeCreated, ChallengeAccepted, ChallengeDeclined, ChallengeExpired,
    ChallengeCompleted)


def _envelope(c: _ChallengeCommand) -> dict[str, Any]:
    return {"event_id": f"{c.command_id}:0", "stream_id": c.challenge_id,
            "occurred_at": c.issued_at, "challenge_id": c.challenge_id}


def _create(challenge: Challenge, c: CreateChallenge) -> Decision:
    issued = aware("challenge", c.issued_at, "issued_at")
    checks = [
        issued,
        named("challenge", c.creator_id, "creator_id"),
        require(c.creator_id in c.participants, DomainError.invalid(
            "challenge.creator", "the creator must be a participant", user=c.creator_id)),
        *_terms(c.challenge_id, c.participants, c.window, c.stake, c.reward),
        require(challenge.status is ChallengeStatus.UNCREATED, DomainError.conflict(
            "challenge.exists", "this challenge already exists",
            challenge=c.challenge_id)),
    ]
    match issued, aware("challenge", c.window.start, "window.start"):
        case Success(at), Success(start):
            checks.append(require(at <= start, DomainError.rejected(
                "challenge.started", "the window has started: nobody could accept any more",
                starts=start)))
    return collect_all("challenge.create_refused", checks).map(lambda _: (ChallengeCreated(
        **_envelope(c), creator_id=c.creator_id, participants=c.participants,
        metric=c.metric.value, window_kind=c.window.kind.value, window_label=c.window.label,
        window_start=c.window.start, window_end=c.window.end, currency=c.stake.currency.code,
        minor_unit=c.stake.currency.minor_unit, stake=c.stake.amount,
        reward=c.reward.amount),))


def _existing(code: str, challenge: Challenge, c: _ChallengeCommand,
              *inputs: Result[Any, DomainError]) -> Result[FriendChallenge, DomainError]:
    """Stage one of every command on an existing challenge: well-formed input, sent to
    this challenge, which is not over."""
    terms = challenge.terms
    if terms is None:
        exists: Result[FriendChallenge, DomainError] = Failure(DomainError.not_found(
            "challenge.not_found", "no such challenge", challenge=c.challenge_id))
    elif c.challenge_id != terms.challenge_id:
        exists = Failure(DomainError.invalid(
            "challenge.wrong_stream", "the command names another challenge",
            challenge=terms.challenge_id, given=c.challenge_id))
    elif challenge.status in _CLOSED:
        exists = Failure(DomainError.conflict(
            "challenge.closed", f"the challenge is {challenge.status.value}",
            challenge=c.challenge_id))
    else:
        exists = Success(terms)
    return collect_all(code, [aware("challenge", c.issued_at, "issued_at"), *inputs, exists]
                       ).bind(lambda _: exists)


def _answer(challenge: Challenge, terms: FriendChallenge, user_id: str,
            ) -> list[Result[Any, DomainError]]:
    return [
        require(user_id in terms.participants, DomainError.rejected(
            "challenge.not_participant", f"{user_id} is not in this challenge",
            user=user_id)),
        require(user_id not in challenge.accepted, DomainError.conflict(
            "challenge.already_accepted", f"{user_id} has already accepted", user=user_id)),
    ]


def _accept(challenge: Challenge, c: AcceptChallenge) -> Decision:
    def rules(terms: FriendChallenge) -> Decision:
        return collect_all("challenge.accept_refused", [
            *_answer(challenge, terms, c.user_id),
            require(c.issued_at <= terms.window.start, DomainError.rejected(
                "challenge.started", "the window has started", starts=terms.window.start)),
        ]).map(lambda _: (ChallengeAccepted(**_envelope(c), user_id=c.user_id),))

    return _existing("challenge.accept_refused", challenge, c,
                     named("challenge", c.user_id, "user_id")).bind(rules)


def _decline(challenge: Challenge, c: DeclineChallenge) -> Decision:
    def rules(terms: FriendChallenge) -> Decision:
        return collect_all("challenge.decline_refused", _answer(challenge, terms, c.user_id)
                           ).map(lambda _: (ChallengeDeclined(**_envelope(c),
                                                              user_id=c.user_id),))

    return _existing("challenge.decline_refused", challenge, c,
                     named("challenge", c.user_id, "user_id")).bind(rules)


def _expire(challenge: Challenge, c: ExpireChallenge) -> Decision:
    def rules(terms: FriendChallenge) -> Decision:
        return collect_all("challenge.expire_refused", [
            require(challenge.status is ChallengeStatus.OPEN, DomainError.rejected(
                "challenge.active", "everyone accepted: the challenge is on")),
            require(c.issued_at > terms.window.start, DomainError.rejected(
                "challenge.not_expired", "acceptances are open until the window starts",
                starts=terms.window.start)),
        ]).map(lambda _: (ChallengeExpired(**_envelope(c), pending=challenge.pending),))

    return _existing("challenge.expire_refused", challenge, c).bind(rules)


def _contribution(terms: FriendChallenge, n: int, item: Contribution,
                  ) -> list[Result[Any, DomainError]]:
    field = f"contributions[{n}]"
    when = aware("challenge", item.occurred_at, f"{field}.occurred_at").bind(
        lambda at: require(terms.window.contains(at), DomainError.invalid(
            "challenge.outside_window", f"{field}: outside the challenge window",
            field=field, occurred_at=at)))
    return [
        require(item.user_id in terms.participants, DomainError.invalid(
            "challenge.foreign_contribution", f"{field}: {item.user_id} is not a participant",
            field=field, user=item.user_id)),
        when,
        parse_decimal(item.xp, f"{field}.xp"),
        parse_decimal(item.pnl, f"{field}.pnl"),
        parse_decimal(item.volume, f"{field}.volume"),
        parse_decimal(item.invested, f"{field}.invested"),
    ]


def _complete(challenge: Challenge, c: CompleteChallenge) -> Decision:
    def completed(terms: FriendChallenge, settled: Settlement) -> tuple[Event, ...]:
        return (ChallengeCompleted(
            **_envelope(c), metric=terms.metric.value, currency=terms.stake.currency.code,
            reward=terms.reward.amount, winners=settled.winners,
            standings=settled.standings),)

    def rules(terms: FriendChallenge) -> Decision:
        checks = [
            require(challenge.status is ChallengeStatus.ACTIVE, DomainError.rejected(
                "challenge.awaiting_acceptance", "not everyone has accepted",
                pending=",".join(challenge.pending))),
            require(c.issued_at >= terms.window.end, DomainError.rejected(
                "challenge.not_over", "the window has not closed", ends=terms.window.end)),
            *(check for n, item in enumerate(c.contributions)
              for check in _contribution(terms, n, item)),
            distinct("challenge", (f"{i.user_id}/{i.source_id}" for i in c.contributions),
                     "contributions (user/source)"),
        ]
        return collect_all("challenge.complete_refused", checks).bind(
            lambda _: settle_challenge(terms, challenge_scores(terms, c.contributions))).map(
            lambda settled: completed(terms, settled))

    return _existing("challenge.complete_refused", challenge, c).bind(rules)


def decide(challenge: Challenge, command: ChallengeCommand) -> Decision:
    """The events ``command`` produces against ``challenge``, or every reason it is refused.

    >>> from datetime import UTC, datetime
    >>> decide(Challenge.EMPTY, ExpireChallenge(command_id="c", challenge_id="ch",
    ...        issued_at=datetime(2026, 1, 1, tzinfo=UTC))).failure().codes()
    ('challenge.not_found',)
    """
    match command:
        case CreateChallenge():
            return _create(challenge, command)
        case AcceptChallenge():
            return _accept(challenge, command)
        case DeclineChallenge():
            return _decline(challenge, command)
        case ExpireChallenge():
            return _expire(challenge, command)
        case CompleteChallenge():
            return _complete(challenge, command)
        case _:
            assert_never(command)


def evolve(challenge: Challenge, events: Iterable[Event]) -> Challenge:
    """Fold a batch of events into ``challenge`` (events of other streams are ignored); a
    challenge stream holds at most ``participants + 1`` events, so the fold needs no
    thawing."""
    for event in events:
        if isinstance(event, ChallengeCreated):
            currency = Currency(event.currency, event.minor_unit)
            terms = FriendChallenge(
                challenge_id=event.challenge_id, participants=event.participants,
                metric=Metric(event.metric),
                window=Period(PeriodKind(event.window_kind), event.window_label,
                              event.window_start, event.window_end),
                stake=Money(event.stake, currency), reward=Money(event.reward, currency))
            challenge = Challenge(terms, event.creator_id, ChallengeStatus.OPEN,
                                  pset([event.creator_id]))
        elif isinstance(event, ChallengeAccepted):
            accepted = challenge.accepted.add(event.user_id)
            everyone = challenge.terms is not None and all(
                user in accepted for user in challenge.terms.participants)
            challenge = attrs.evolve(challenge, accepted=accepted, status=(
                ChallengeStatus.ACTIVE if everyone else challenge.status))
        elif isinstance(event, ChallengeDeclined):
            challenge = attrs.evolve(challenge, status=ChallengeStatus.DECLINED)
        elif isinstance(event, ChallengeExpired):
            challenge = attrs.evolve(challenge, status=ChallengeStatus.EXPIRED)
        elif isinstance(event, ChallengeCompleted):
            challenge = attrs.evolve(challenge, status=ChallengeStatus.COMPLETED, result=event)
    return challenge


#: The challenge aggregate: one stream per challenge, ``stream_id == challenge_id``.
CHALLENGE: Final[Aggregate[Challenge, ChallengeCommand]] = Aggregate(
    "challenge", Challenge.EMPTY, decide, evolve, CHALLENGE_EVENTS)
