"""Leaderboard build, rank queries and incremental updates over 1,000,000 users.

Scores are integer units (XP), user ids strings; ties are frequent (scores in 0..999,999).
Each candidate runs against the obvious baseline in the same process:

* build, rows in arbitrary order: :meth:`Leaderboard.from_units` (duplicate check, stable sort on
  the score alone, blocks) vs ``sorted()`` of the ``(-score, user)`` tuples alone
  (target: build < 0.5 s);
* build from a snapshot already in rank order (what :meth:`Leaderboard.rows` gives) vs the
  same sort;
* a build followed by a first query by user, which makes the board's user -> seq map (built
  on first use, like the dense counts; for the record: what a board costs before its first
  ``rank_of``);
* rank query (competition and dense) for random users vs a dict lookup plus ``bisect`` on a
  flat sorted list of tuples (target: < 1 ms per query); the dense rank's distinct-score
  counts are computed by the first dense query after a build, which has its own line (no
  target: it happens once per board, and never for a board nobody asks a dense rank of);
* top-100 as ranked entries with exact scores vs a slice of the flat list (target: < 100 us),
  and a user's 10 neighbours vs two slices;
* one incremental update (persistent: the old board stays valid) vs ``bisect.insort`` +
  ``del`` on a mutable flat list, which destroys the previous version (target: <= 1.5x).
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable
from datetime import UTC, datetime

from astratrade_core.gamification.leaderboards import Leaderboard, RankStyle
from benchmarks.harness import Comparison, compare

__all__ = ["run"]

_AT = datetime(2026, 1, 1, tzinfo=UTC)


def _board(users: list[str], scores: list[int]) -> Leaderboard:
    built = Leaderboard.from_units("xp", users, scores).value_or(None)
    if built is None:
        raise SystemExit("the benchmark data must build a board")
    return built


def _updates(board: Leaderboard, probes: list[str]) -> Callable[[], object]:
    """One ``add`` per call, each on the board the previous call returned."""
    state = [board]
    count = iter(range(10**9))

    def update() -> object:
        i = next(count)
        current = state[0]
        state[0] = current.add(probes[i % len(probes)], 1, event_id=f"e{i}",
                               occurred_at=_AT).map(lambda done: done[0]).value_or(current)
        return state[0]

    return update


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
    board = _board(users, scores)
    untouched = _board(users, scores)   # never asked a dense rank (see "first dense query")
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

    def first_dense() -> object:
        fresh = untouched.assign(probes[0], -1)   # a new version: its counts are not cached
        return fresh.rank_of(probes[1], RankStyle.DENSE)

    def single_query_baseline() -> object:
        return bisect.bisect_left(flat, (-by_user[probes[1]],))

    mutable = list(flat)

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
        return flat[max(0, at - 5):at + 6]

    board.rank_of(anchor, RankStyle.DENSE)   # the one-off count, timed on its own line
    return [
        compare(f"leaderboard build ({label}, any order)",
                lambda: Leaderboard.from_units("xp", users, scores),
                "sorted() of (-score, user) tuples", lambda: sorted(tuples),
                repeats=repeats, unit="build", target="< 0.5 s"),
        compare(f"leaderboard build ({label}, snapshot in rank order)",
                lambda: Leaderboard.from_units("xp", snapshot_users, snapshot_scores),
                "sorted() of (-score, user) tuples", lambda: sorted(tuples),
                repeats=repeats, unit="build", target="< 0.5 s"),
        compare(f"leaderboard build + first rank_of by user ({label}, any order)",
                lambda: Leaderboard.from_units("xp", users, scores).map(
                    lambda built: built.rank_of(anchor)),
                "sorted() of (-score, user) tuples", lambda: sorted(tuples),
                repeats=2 if quick else 3, unit="build", target="(for the record)"),
        compare(f"rank_of competition ({label})", lambda: query(RankStyle.COMPETITION),
                "dict + bisect on a flat list", query_baseline, repeats=repeats, per=1000,
                unit="query", target="< 1 ms"),
        compare(f"rank_of dense ({label})", lambda: query(RankStyle.DENSE),
                "dict + bisect on a flat list", query_baseline, repeats=repeats, per=1000,
                unit="query", target="< 1 ms"),
        compare(f"first dense rank_of after a build ({label}, once per board)", first_dense,
                "dict + bisect on a flat list", single_query_baseline, repeats=2,
                unit="query"),
        compare(f"top 100 ({label})", lambda: board.top(100), "a slice of a flat list",
                lambda: flat[:100], repeats=repeats, number=100, unit="query",
                target="< 100 us"),
        compare(f"10 neighbours of a user ({label})", lambda: board.around(anchor, 5),
                "bisect + a slice of a flat list", neighbours_baseline, repeats=repeats,
                number=100, unit="query"),
        compare(f"incremental update ({label}, persistent)", _updates(board, probes),
                "bisect.insort on a mutable list", update_baseline, repeats=repeats,
                number=200, unit="update", target="<= 1.5x"),
    ]
