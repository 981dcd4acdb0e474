"""Friend challenges: the aggregate's life (create, accept, decline, expire, complete) at the
edges of its window, winners and ties, and pots split to the minor unit without loss."""

from __future__ import annotations

import decimal
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

from astratrade_core.aggregate import Stream, handle
from astratrade_core.errors import DomainError, ErrorKind
from astratrade_core.events import ChallengeCompleted, ChallengeExpired
from astratrade_core.gamification.periods import Period, PeriodKind
from astratrade_core.gamification.standings import Contribution, Metric
from astratrade_core.money import BTC, EUR, USD, Currency, Money
from astratrade_core.social.challenges import (
    CHALLENGE,
    AcceptChallenge,
    Challenge,
    ChallengeCommand,
    ChallengeStatus,
    CompleteChallenge,
    CreateChallenge,
    DeclineChallenge,
    ExpireChallenge,
    FriendChallenge,
    challenge_scores,
    settle_challenge,
)
from astratrade_core.testing import (
    decimals,
    hostile_contexts,
    hostile_decimals,
    hostile_money,
    hostile_periods,
    hostile_texts,
)

D = Decimal
START = datetime(2026, 3, 2, tzinfo=UTC)
WINDOW = Period(PeriodKind.WEEKLY, "w", START, START + timedelta(days=7))
END = WINDOW.end
BEFORE = START - timedelta(hours=1)
TICK = timedelta(microseconds=1)
_n = iter(range(10**6))


def usd(amount: str) -> Money:
    return Money.of(amount, USD).unwrap()


def create(users: tuple[str, ...] = ("ann", "bob", "cat"), stake: str = "1.00",
           reward: str = "0.01", metric: Metric = Metric.XP, at: datetime = BEFORE,
           ) -> CreateChallenge:
    return CreateChallenge(command_id="create", challenge_id="ch", issued_at=at,
                           creator_id=users[0], participants=users, metric=metric,
                           window=WINDOW, stake=usd(stake), reward=usd(reward))


def accept(user: str, at: datetime = BEFORE) -> AcceptChallenge:
    return AcceptChallenge(command_id=f"a{next(_n)}", challenge_id="ch", issued_at=at,
                           user_id=user)


def xp(user: str, amount: int, source: str = "s", at: datetime = START) -> Contribution:
    return Contribution(user_id=user, source_id=source, occurred_at=at, xp=amount)


def complete(*contributions: Contribution, at: datetime = END) -> CompleteChallenge:
    return CompleteChallenge(command_id="done", challenge_id="ch", issued_at=at,
                             contributions=contributions)


def run(*commands: ChallengeCommand) -> Stream[Challenge]:
    stream: Stream[Challenge] = Stream.empty(CHALLENGE)
    for command in commands:
        stream = handle(CHALLENGE, stream, command).unwrap()[0]
    return stream


def refused(stream: Stream[Challenge], command: ChallengeCommand) -> DomainError:
    return CHALLENGE.decide(stream.state, command).failure()


def on() -> Stream[Challenge]:
    return run(create(), accept("bob"), accept("cat"))


def test_a_challenge_is_on_once_everyone_accepts() -> None:
    stream = run(create())
    assert stream.state.status is ChallengeStatus.OPEN
    assert stream.state.pending == ("bob", "cat")       # the creator accepted by creating
    stream = handle(CHALLENGE, stream, accept("bob")).unwrap()[0]
    assert stream.state.status is ChallengeStatus.OPEN
    assert on().state.status is ChallengeStatus.ACTIVE and on().state.pending == ()


def test_completion_splits_an_uneven_pot_without_losing_a_cent() -> None:
    # pot = 3 * 1.00 + 0.01 = 3.01; ann and bob tie on 50 XP: 1.51 + 1.50 (ann listed first).
    decided = CHALLENGE.decide(on().state, complete(
        xp("ann", 30), xp("ann", 20, "s2"), xp("bob", 50), xp("cat", 10))).unwrap()
    event = decided[0]
    assert isinstance(event, ChallengeCompleted) and event.event_id == "done:0"
    assert event.winners == ("ann", "bob")
    assert [(s.user_id, s.score, s.payout) for s in event.standings] == [
        ("ann", D(50), D("1.51")), ("bob", D(50), D("1.50")), ("cat", D(10), D("0.00"))]
    # Three-way tie on a 1.00 pot: 0.34 + 0.33 + 0.33.
    even = run(create(stake="0.33"), accept("bob"), accept("cat"))
    three = CHALLENGE.decide(even.state, complete()).unwrap()[0]
    assert isinstance(three, ChallengeCompleted)
    assert [s.payout for s in three.standings] == [D("0.34"), D("0.33"), D("0.33")]
    done = handle(CHALLENGE, even, complete()).unwrap()[0]
    assert done.state.status is ChallengeStatus.COMPLETED and done.state.result == three
    assert refused(done, complete()).codes() == ("challenge.closed",)


def test_acceptance_closes_when_the_window_starts() -> None:
    stream = run(create())
    assert CHALLENGE.decide(stream.state, accept("bob", START)).map(len).unwrap() == 1
    late = refused(stream, accept("bob", START + TICK))
    assert late.codes() == ("challenge.started",) and late.kind is ErrorKind.REJECTED
    assert CHALLENGE.decide(Challenge.EMPTY, create(at=START)).map(len).unwrap() == 1
    assert refused(Stream.empty(CHALLENGE), create(at=START + TICK)).codes() == (
        "challenge.started",)
    assert refused(stream, accept("ann")).codes() == ("challenge.already_accepted",)
    assert refused(stream, accept("zed")).codes() == ("challenge.not_participant",)


def test_an_unanswered_challenge_expires_after_the_start() -> None:
    stream = run(create(), accept("cat"))
    expire = ExpireChallenge(command_id="x", challenge_id="ch", issued_at=START)
    assert refused(stream, expire).codes() == ("challenge.not_expired",)
    expired = CHALLENGE.decide(stream.state, ExpireChallenge(
        command_id="x", challenge_id="ch", issued_at=START + TICK)).unwrap()[0]
    assert isinstance(expired, ChallengeExpired) and expired.pending == ("bob",)
    assert refused(on(), ExpireChallenge(command_id="x", challenge_id="ch", issued_at=END)
                   ).codes() == ("challenge.active",)


def test_declining_calls_it_off_but_acceptance_binds() -> None:
    stream = run(create(), accept("bob"))
    decline = DeclineChallenge(command_id="d", challenge_id="ch", issued_at=BEFORE,
                               user_id="cat")
    off = handle(CHALLENGE, stream, decline).unwrap()[0]
    assert off.state.status is ChallengeStatus.DECLINED
    closed = refused(off, accept("cat"))
    assert closed.codes() == ("challenge.closed",) and closed.kind is ErrorKind.CONFLICT
    bound = DeclineChallenge(command_id="d2", challenge_id="ch", issued_at=BEFORE,
                             user_id="bob")
    assert refused(stream, bound).codes() == ("challenge.already_accepted",)


def test_completion_needs_everyone_and_a_closed_window() -> None:
    waiting = run(create(), accept("bob"))
    error = refused(waiting, complete(at=END - TICK))
    assert error.codes() == ("challenge.awaiting_acceptance", "challenge.not_over")
    assert CHALLENGE.decide(on().state, complete(at=END)).map(len).unwrap() == 1


def test_the_contributions_are_checked() -> None:
    facts = complete(xp("ann", 1), xp("ann", 2),                 # the same (user, source)
                     xp("zed", 5), xp("bob", 1, "s3", END),      # foreign; after the window
                     Contribution(user_id="cat", source_id="s4", occurred_at=START,
                                  pnl=D("NaN")))
    error = refused(on(), facts)
    assert error.codes() == ("challenge.foreign_contribution", "challenge.outside_window",
                             "numeric.not_finite", "challenge.duplicate")
    assert error.kind is ErrorKind.INVALID
    assert refused(Stream.empty(CHALLENGE), complete()).kind is ErrorKind.NOT_FOUND


def test_creation_validates_the_terms() -> None:
    bad = CreateChallenge(
        command_id="c", challenge_id="ch", issued_at=BEFORE, creator_id="eve",
        participants=("a", "a"), metric=Metric.XP, window=Period(PeriodKind.DAILY, "d", END,
                                                                  END),
        stake=Money(D("-1"), Currency("usd", 2)), reward=Money(D("0.001"), EUR))
    assert refused(Stream.empty(CHALLENGE), bad).codes() == (
        "challenge.creator", "challenge.participants", "challenge.window",
        "money.currency_code", "challenge.currency", "challenge.negative")
    hostile = CreateChallenge(
        command_id="c", challenge_id="ch", issued_at=BEFORE.replace(tzinfo=None),
        creator_id="a", participants=("a", "b"), metric=Metric.XP, window=WINDOW,
        stake=Money(D("sNaN"), USD), reward=Money(D("1"), Currency("USD", 99)))
    assert refused(Stream.empty(CHALLENGE), hostile).codes() == (
        "challenge.naive_time", "challenge.currency", "numeric.not_finite")
    assert refused(run(create()), create()).codes() == ("challenge.exists",)


def test_friend_challenge_terms() -> None:
    bad = FriendChallenge.of(challenge_id="c", participants=("a",), metric=Metric.XP,
                             window=Period(PeriodKind.DAILY, "d", END, END),
                             stake=Money.of("-1", USD).unwrap(), reward=Money.zero(EUR))
    assert bad.failure().codes() == ("challenge.participants", "challenge.window",
                                     "challenge.currency", "challenge.negative")
    fifty = tuple(f"u{n}" for n in range(50))
    assert FriendChallenge.of(challenge_id="c", participants=fifty, metric=Metric.XP,
                              window=WINDOW, stake=usd("0"), reward=usd("0")).map(
        lambda c: len(c.participants)).unwrap() == 50
    assert FriendChallenge.of(challenge_id="c", participants=(*fifty, "u50"), metric=Metric.XP,
                              window=WINDOW, stake=usd("0"), reward=usd("0")
                              ).failure().codes() == ("challenge.participants",)


def terms(users: tuple[str, ...], stake: str = "1.00", reward: str = "0",
          metric: Metric = Metric.XP, currency: Currency = USD) -> FriendChallenge:
    return FriendChallenge.of(challenge_id="ch", participants=users, metric=metric,
                              window=WINDOW, stake=Money.of(stake, currency).unwrap(),
                              reward=Money.of(reward, currency).unwrap()).unwrap()


def test_settlement_failures_and_satoshis() -> None:
    c = terms(("ann", "bob"))
    assert settle_challenge(c, {"ann": D(1)}).failure().codes() == ("challenge.scores",)
    extra = settle_challenge(c, {"ann": D(1), "bob": D(1), "eve": D(1)}).failure()
    assert extra.causes[0].fields["extra"] == "eve"
    assert settle_challenge(c, {"ann": D("NaN"), "bob": D(1)}).failure().codes() == (
        "numeric.not_finite",)
    # Everyone tied: three one-satoshi stakes come back to their owners exactly.
    sats = terms(("x", "y", "z"), stake="0.00000001", currency=BTC)
    back = settle_challenge(sats, {"x": D(0), "y": D(0), "z": D(0)}).unwrap()
    assert [s.payout for s in back.standings] == [D("1E-8")] * 3


def test_scores_from_contributions() -> None:
    def contribution(user: str, hours: int, **amounts: object) -> Contribution:
        return Contribution(user_id=user, source_id="s", occurred_at=START + timedelta(
            hours=hours), **amounts)  # type: ignore[arg-type]

    rows = [contribution("a", 1, xp=30, pnl=D("4"), volume=D("-100"), invested=D("40")),
            contribution("a", 2, xp=5, pnl=D("-1"), volume=D("50"), invested=D("20")),
            contribution("b", 3, xp=50, pnl=D("1"), volume=D("10"), invested=D("3")),
            contribution("b", 24 * 7, xp=1000),                    # after the window
            contribution("z", 1, xp=999)]                          # not a participant
    scores = {m: challenge_scores(terms(("a", "b"), metric=m), rows) for m in Metric}
    assert scores[Metric.XP] == {"a": D(35), "b": D(50)}
    assert scores[Metric.REALIZED_PNL] == {"a": D(3), "b": D(1)}
    assert scores[Metric.VOLUME] == {"a": D(150), "b": D(10)}
    # a: 100 * 3 / 60 = 5 %; b: 100 * 1 / 3 = 33.3333 % (floored).
    assert scores[Metric.ROI_PERCENT] == {"a": D("5.0000"), "b": D("33.3333")}


@given(n=st.integers(2, 12), stake_cents=st.integers(0, 10**6), reward_cents=st.integers(0, 999),
       data=st.data())
def test_payouts_conserve_the_pot(n: int, stake_cents: int, reward_cents: int,
                                  data: st.DataObject) -> None:
    users = tuple(f"u{i}" for i in range(n))
    c = terms(users, stake=str(D(stake_cents).scaleb(-2)),
              reward=str(D(reward_cents).scaleb(-2)))
    scores = {u: data.draw(decimals(0, 3, 0)) for u in users}
    done = settle_challenge(c, scores).unwrap()
    payouts = [s.payout for s in done.standings]
    assert sum(payouts) == D(n * stake_cents + reward_cents).scaleb(-2)
    best = max(scores.values())
    assert done.winners == tuple(u for u in users if scores[u] == best)
    won = [s.payout for s in done.standings if s.user_id in done.winners]
    assert max(won) - min(won) <= D("0.01")
    assert all(s.payout == 0 for s in done.standings if s.user_id not in done.winners)


@given(ctx=hostile_contexts(), amounts=st.lists(decimals(-100, 100, 4), min_size=3,
                                                max_size=3))
def test_challenges_ignore_the_callers_context(ctx: decimal.Context,
                                               amounts: list[Decimal]) -> None:
    users = ("ann", "bob", "cat")

    def run_all() -> object:
        rows = [Contribution(user_id=u, source_id="s", occurred_at=START, pnl=a,
                             invested=D("7"), volume=a) for u, a in zip(users, amounts,
                                                                        strict=True)]
        return [CHALLENGE.decide(run(create(metric=m, stake="0.07", reward="0.05"),
                                     accept("bob"), accept("cat")).state, complete(*rows))
                for m in Metric]

    expected = run_all()
    with decimal.localcontext(ctx):
        assert run_all() == expected


@given(stake=hostile_money(), reward=hostile_money(), window=hostile_periods(),
       people=st.lists(hostile_texts(), max_size=4), scores=st.lists(hostile_decimals(),
                                                                     max_size=4))
def test_settlement_answers_any_terms_and_scores(stake: Money, reward: Money, window: Period,
                                                 people: list[str],
                                                 scores: list[Decimal]) -> None:
    raw = FriendChallenge(challenge_id="ch", participants=tuple(people), metric=Metric.XP,
                          window=window, stake=stake, reward=reward)
    settled = settle_challenge(raw, dict(zip(people, scores, strict=False)))
    assert isinstance(settled, Success | Failure)
    if isinstance(settled, Success):
        assert sum(s.payout for s in settled.unwrap().standings) == raw.pot.amount
