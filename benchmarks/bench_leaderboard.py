"""Leaderboard build, rank queries and incremental updates over 1,000,000 users.

Scores are integer units (XP), user ids strings; ties are frequent (scores in 0..999,999).
Each candidate runs against the obvious baseline in the same process:

* build, rows in arbitrary order: :meth:`Leaderboard.from_units` (index, user map, persistent
  blocks, distinct-score prefix) vs ``sorted()`` of the ``(-score, user)`` tuples alone
  (target: build < 0.5 s);
* build from a snapshot already in rank order (what the shell persists) vs the same sort;
* rank query (competition and dense) for random users vs a dict lookup plus ``bisect`` on a
  flat sorted list of tuples (target: < 1 ms per query);
* top-100 and a user's 10 neighbours (as ranked entries with exact scores) vs two slices of
  the flat list of tuples;
* one incremental update (persistent: the old board stays valid) vs ``bisect.insort`` +
  ``del`` on a mutable flat list (which destroys the previous version).
"""

from __future__ import annotations

import bisect
import random
from datetime import UTC, datetime

from astratrade_core.gamification.leaderboards import Leaderboard, RankStyle
from benchmarks.harness import Comparison, compare

__all__ = ["run"]

_AT = datetime(2026, 1, 1, tzinfo=UTC)


def run(quick: bool) -> list[Comparison]:
    """Time the leaderboard against flat-list baselines (2,000 users when ``quick``)."""
    n = 2_000 if quick else 1_000_000
    rng = random.Random(20261124)
    users = [f"user-{rng.randrange(10**12):012d}-{i}" for i in range(n)]
    scores = [rng.randrange(1_000_000) for _ in range(n)]
    for user in users:
        hash(user)  # ids arrive hashed (they come out of a dict or a database driver)
    tuples = [(-s, u) for s, u in zip(scores, users, strict=True)]
    flat = sorted(tuples)
    by_user = dict(zip(users, scores, strict=True))
    board = Leaderboard.from_units("xp", users, scores).unwrap()
    snapshot_users = [u for _, u in flat]
    snapshot_scores = [-s for s, _ in flat]
    probes = [users[rng.randrange(n)] for _ in range(1000)]
    repeats = 2 if quick else 5
    label = f"{n:,} users"

    def query_baseline() -> None:
        for user in probes:
            bisect.bisect_left(flat, (-by_user[user],))

    def query(style: RankStyle) -> None:
        for user in probes:
            board.rank_of(user, style)

    mutable = list(flat)
    state = {"board": board, "i": 0}

    def update() -> None:
        i = state["i"] = int(state["i"]) + 1  # type: ignore[call-overload]
        current = state["board"]
        assert isinstance(current, Leaderboard)
        state["board"] = current.add(probes[i % 1000], 1, event_id=f"e{i}",
                                     occurred_at=_AT).unwrap()[0]

    def update_baseline() -> None:
        user = probes[rng.randrange(1000)]
        old = (-by_user[user], user)
        index = bisect.bisect_left(mutable, old)
        if index < len(mutable) and mutable[index] == old:
            del mutable[index]
        by_user[user] += 1
        bisect.insort(mutable, (-by_user[user], user))

    anchor = probes[0]

    def neighbours_baseline() -> object:
        at = bisect.bisect_left(flat, (-by_user[anchor], anchor))
        return flat[:100], flat[max(0, at - 5):at + 6]

    return [
        compare(f"leaderboard build ({label}, any order)",
                lambda: Leaderboard.from_units("xp", users, scores),
                "sorted() of (-score, user) tuples", lambda: sorted(tuples),
                repeats=repeats, unit="build", target="< 0.5 s"),
        compare(f"leaderboard build ({label}, snapshot in rank order)",
                lambda: Leaderboard.from_units("xp", snapshot_users, snapshot_scores),
                "sorted() of (-score, user) tuples", lambda: sorted(tuples),
                repeats=repeats, unit="build", target="< 0.5 s"),
        compare(f"rank_of competition ({label})", lambda: query(RankStyle.COMPETITION),
                "dict + bisect on a flat list", query_baseline, repeats=repeats, per=1000,
                unit="query", target="< 1 ms"),
        compare(f"rank_of dense ({label})", lambda: query(RankStyle.DENSE),
                "dict + bisect on a flat list", query_baseline, repeats=repeats, per=1000,
                unit="query", target="< 1 ms"),
        compare(f"top 100 + 10 neighbours ({label})",
                lambda: (board.top(100), board.around(anchor, 5)),
                "slices of a flat list",
                neighbours_baseline,
                repeats=repeats, number=100, unit="query"),
        compare(f"incremental update ({label}, persistent)", update,
                "bisect.insort on a mutable list", update_baseline, repeats=repeats,
                number=200, unit="update"),
    ]
