"""Friend challenges: winners, ties, and pots split to the minor unit without loss."""

from __future__ import annotations

import decimal
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.gamification.periods import Period, PeriodKind
from astratrade_core.gamification.standings import Contribution, Metric
from astratrade_core.money import BTC, EUR, USD, Currency, Money
from astratrade_core.social.challenges import (
    FriendChallenge,
    challenge_scores,
    settle_challenge,
)
from astratrade_core.testing import decimals, hostile_contexts

D = Decimal
START = datetime(2026, 3, 2, tzinfo=UTC)
WINDOW = Period(PeriodKind.WEEKLY, "w", START, START + timedelta(days=7))
END = WINDOW.end


def challenge(users: tuple[str, ...], stake: str = "1.00", reward: str = "0",
              metric: Metric = Metric.XP, currency: Currency = USD) -> FriendChallenge:
    return FriendChallenge.of(challenge_id="ch", participants=users, metric=metric,
                              window=WINDOW, stake=Money.of(stake, currency).unwrap(),
                              reward=Money.of(reward, currency).unwrap()).unwrap()


def test_single_winner_takes_the_pot() -> None:
    c = challenge(("ann", "bob"), stake="5.00", reward="1.00")
    done = settle_challenge(c, {"ann": D(10), "bob": D(12)}, END).unwrap()
    # pot = 2 * 5.00 + 1.00 = 11.00
    assert done.winners == ("bob",)
    assert [(s.user_id, s.payout) for s in done.standings] == [("ann", D("0.00")),
                                                               ("bob", D("11.00"))]
    assert done.event_id == "ch/completed" and done.currency == "USD"


def test_ties_split_without_losing_a_unit() -> None:
    # 3 * 1.00 + 0.01 = 3.01 between ann and bob: 1.51 + 1.50 (ann listed first).
    c = challenge(("ann", "bob", "cat"), reward="0.01")
    done = settle_challenge(c, {"ann": D(5), "bob": D("5.0"), "cat": D(1)}, END).unwrap()
    assert done.winners == ("ann", "bob")
    assert [s.payout for s in done.standings] == [D("1.51"), D("1.50"), D("0.00")]
    # Everyone tied: 3 satoshi stakes come back to their owners exactly.
    sats = challenge(("x", "y", "z"), stake="0.00000001", currency=BTC)
    back = settle_challenge(sats, {"x": D(0), "y": D(0), "z": D(0)}, END).unwrap()
    assert [s.payout for s in back.standings] == [D("1E-8")] * 3


def test_failures() -> None:
    c = challenge(("ann", "bob"))
    assert settle_challenge(c, {"ann": D(1)}, END).failure().code == "challenge.scores"
    extra = {"ann": D(1), "bob": D(1), "eve": D(1)}
    assert settle_challenge(c, extra, END).failure().fields["extra"] == "eve"
    early = settle_challenge(c, {"ann": D(1), "bob": D(1)}, END - timedelta(microseconds=1))
    assert early.failure().code == "challenge.not_over"
    bad = FriendChallenge.of(challenge_id="c", participants=("a",), metric=Metric.XP,
                             window=Period(PeriodKind.DAILY, "d", END, END),
                             stake=Money.of("-1", USD).unwrap(), reward=Money.zero(EUR))
    assert bad.failure().codes() == ("challenge.participants", "challenge.window",
                                     "challenge.currency", "challenge.negative")


def test_scores_from_contributions() -> None:
    def contribution(user: str, hours: int, **amounts: object) -> Contribution:
        return Contribution(user_id=user, source_id="s", occurred_at=START + timedelta(
            hours=hours), **amounts)  # type: ignore[arg-type]

    rows = [contribution("a", 1, xp=30, pnl=D("4"), volume=D("-100"), invested=D("40")),
            contribution("a", 2, xp=5, pnl=D("-1"), volume=D("50"), invested=D("20")),
            contribution("b", 3, xp=50, pnl=D("1"), volume=D("10"), invested=D("3")),
            contribution("b", 24 * 7, xp=1000),                    # after the window
            contribution("z", 1, xp=999)]                          # not a participant
    scores = {m: challenge_scores(challenge(("a", "b"), metric=m), rows) for m in Metric}
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
    c = challenge(users, stake=str(D(stake_cents).scaleb(-2)),
                  reward=str(D(reward_cents).scaleb(-2)))
    scores = {u: data.draw(decimals(0, 3, 0)) for u in users}
    done = settle_challenge(c, scores, END).unwrap()
    payouts = [s.payout for s in done.standings]
    assert sum(payouts) == D(n * stake_cents + reward_cents).scaleb(-2)
    best = max(scores.values())
    assert done.winners == tuple(u for u in users if scores[u] == best)
    won = [s.payout for s in done.standings if s.user_id in done.winners]
    assert max(won) - min(won) <= D("0.01")
    assert all(s.payout == 0 for s in done.standings if s.user_id not in done.winners)


@given(ctx=hostile_contexts(), scores=st.lists(decimals(-100, 100, 4), min_size=3,
                                                max_size=3))
def test_challenges_ignore_the_callers_context(ctx: decimal.Context,
                                               scores: list[Decimal]) -> None:
    users = ("a", "b", "c")

    def run() -> object:
        c = challenge(users, stake="0.07", reward="0.05")
        rows = [Contribution(user_id=u, source_id="s", occurred_at=START, pnl=s,
                             invested=D("7"), volume=s) for u, s in zip(users, scores,
                                                                        strict=True)]
        return ([challenge_scores(challenge(users, metric=m), rows) for m in Metric],
                settle_challenge(c, dict(zip(users, scores, strict=True)), END), c.pot)

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected
