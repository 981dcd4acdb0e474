"""Leaderboards against a brute-force sort (the reference): every rank style, top-N,
neighbours, incremental updates and removals (tiny blocks force splits and empty blocks),
persistence of old versions, events, value semantics, and the batch path against one update
at a time."""

from __future__ import annotations

import decimal
import random
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.gamification.leaderboards import (
    MAX_PLACES,
    Leaderboard,
    RankedEntry,
    RankStyle,
    to_units,
)
from astratrade_core.gamification.rank_index import RankIndex
from astratrade_core.testing import hostile_contexts, leaderboard_rows

AT = datetime(2026, 1, 1, tzinfo=UTC)
Model = dict[str, tuple[int, int]]   # user -> (units, sequence)


def brute(model: Model, style: RankStyle, places: int = 0) -> list[RankedEntry]:
    order = sorted(model.items(), key=lambda item: (-item[1][0], item[1][1]))
    scores = [units for units, _ in model.values()]
    out = []
    for position, (user, (units, _)) in enumerate(order):
        if style is RankStyle.COMPETITION:
            rank = 1 + sum(1 for s in scores if s > units)
        elif style is RankStyle.DENSE:
            rank = 1 + len({s for s in scores if s > units})
        else:
            rank = position + 1
        out.append(RankedEntry(user, Decimal(units).scaleb(-places), rank))
    return out


def check(board: Leaderboard, model: Model) -> None:
    assert len(board) == len(model)
    for style in RankStyle:
        expected = brute(model, style, board.places)
        assert list(board.top(len(model) + 3, style)) == expected
        assert list(board.top(2, style)) == expected[:2]
        for position, entry in enumerate(expected):
            assert board.rank_of(entry.user_id, style).unwrap() == entry.rank
            assert list(board.around(entry.user_id, 2, style)) == expected[
                max(0, position - 2):position + 3]
    assert board.rank_of("nobody").value_or(None) is None
    assert board.around("nobody", 3) == ()


def test_worked_example_rank_styles() -> None:
    rows = [("ann", 300), ("bob", 200), ("cat", 200), ("dan", 100), ("eve", 100), ("fay", 50)]
    board = Leaderboard.build("xp", rows).unwrap()

    def ranks(style: RankStyle) -> list[int]:
        return [e.rank for e in board.top(6, style)]

    assert ranks(RankStyle.COMPETITION) == [1, 2, 2, 4, 4, 6]   # "1224"
    assert ranks(RankStyle.DENSE) == [1, 2, 2, 3, 3, 4]         # "1223"
    assert ranks(RankStyle.ORDINAL) == [1, 2, 3, 4, 5, 6]
    # bob reached 200 before cat (row order), so bob is listed first.
    assert [e.user_id for e in board.top(3)] == ["ann", "bob", "cat"]
    # cat gains 0: nothing changes; cat gains 1: 201 passes bob.
    same, events = board.add("cat", 0, event_id="e0", occurred_at=AT).unwrap()
    assert same is board and events == ()
    moved, events = board.add("cat", 1, event_id="e1", occurred_at=AT).unwrap()
    # cat was 2nd (tied with bob) and is 2nd alone: its competition rank did not change, so
    # no event; bob drops to 3rd (only the mover's rank change is announced).
    assert events == ()
    assert moved.rank_of("cat").unwrap() == 2 and moved.rank_of("bob").unwrap() == 3


def test_events_on_rank_change_only() -> None:
    board = Leaderboard.build("pnl", [("a", "10.00"), ("b", "5.00")], places=2).unwrap()
    board, events = board.set("c", "7.50", event_id="e1", occurred_at=AT).unwrap()
    assert [(e.user_id, e.previous_rank, e.rank, e.score) for e in events] == [
        ("c", None, 2, Decimal("7.50"))]
    board, events = board.set("c", "8", event_id="e2", occurred_at=AT).unwrap()
    assert events == ()                                  # still second
    board, events = board.set("c", "10", event_id="e3", occurred_at=AT).unwrap()
    assert [(e.previous_rank, e.rank, e.board_id, e.event_id) for e in events] == [
        (2, 1, "pnl", "e3")]                             # tie with a: competition rank 1
    assert [e.user_id for e in board.top(3)] == ["a", "c", "b"]   # a was there first
    assert board.set("c", "0.001", event_id="x", occurred_at=AT).failure().code == (
        "leaderboard.precision")
    assert to_units("1e-2", 2).unwrap() == 1
    assert Leaderboard.build("x", [("a", 0.5)]).failure().codes() == (  # type: ignore[list-item]  # a float on purpose
        "numeric.float_rejected",)


def _operations() -> st.SearchStrategy[list[tuple[str, str, int]]]:
    return st.lists(st.tuples(st.sampled_from(["set", "add", "add", "remove"]),
                              st.sampled_from([f"u-{n}" for n in range(25)]),
                              st.integers(-6, 6)), max_size=40)


@given(rows=leaderboard_rows(), block=st.integers(1, 5), style=st.sampled_from(RankStyle))
def test_build_matches_brute_force(rows: list[tuple[str, int]], block: int,
                                   style: RankStyle) -> None:
    board = Leaderboard.build("b", rows, block_size=block).unwrap()
    model = {user: (units, seq) for seq, (user, units) in enumerate(rows)}
    assert list(board.top(len(rows), style)) == brute(model, style)


@given(rows=leaderboard_rows(max_size=30, max_score=5), ops=_operations(),
       block=st.integers(1, 4), dense_first=st.booleans())
def test_incremental_updates_match_brute_force(rows: list[tuple[str, int]],
                                               ops: list[tuple[str, str, int]],
                                               block: int, dense_first: bool) -> None:
    board = Leaderboard.build("b", rows, block_size=block).unwrap()
    model: Model = {user: (units, seq) for seq, (user, units) in enumerate(rows)}
    seq = len(rows)
    if dense_first:   # the distinct-score counts are then carried along by every update
        check(board, model)
    for n, (op, user, value) in enumerate(ops):
        old_board, old_model = board, dict(model)
        if op == "remove":
            removed = board.remove(user)
            if user in model:
                board = removed.unwrap()
                del model[user]
            else:
                assert removed.failure().code == "leaderboard.unknown_user"
            continue
        current = model.get(user, (0, -1))[0]
        target = value if op == "set" else current + value
        before = board.rank_of(user).value_or(None)
        if op == "set":
            board, events = board.set(user, value, event_id=f"e{n}", occurred_at=AT).unwrap()
        else:
            board, events = board.add(user, value, event_id=f"e{n}", occurred_at=AT).unwrap()
        if user not in model or model[user][0] != target:
            model[user] = (target, seq)
        seq += 1
        after = board.rank_of(user).unwrap()
        assert [(e.user_id, e.previous_rank, e.rank) for e in events] == (
            [] if before == after else [(user, before, after)])
        # The previous version is untouched.
        assert list(old_board.top(100)) == brute(old_model, RankStyle.COMPETITION)
    check(board, model)     # when not dense_first, the counts are computed only now


@given(rows=leaderboard_rows(max_size=30, max_score=5), ops=_operations(),
       block=st.integers(1, 4))
def test_equal_entries_make_equal_boards(rows: list[tuple[str, int]],
                                         ops: list[tuple[str, str, int]], block: int) -> None:
    board = Leaderboard.build("b", rows, block_size=block).unwrap()
    for n, (op, user, value) in enumerate(ops):
        if op == "remove":
            board = board.without(user)
        else:
            board = board.set(user, value, event_id=f"e{n}", occurred_at=AT).unwrap()[0]
    users = [user for user, _ in board.rows()]
    rebuilt = Leaderboard.from_units("b", users, [units for _, units in board.rows()]).unwrap()
    assert rebuilt == board and hash(rebuilt) == hash(board)
    assert len({board, rebuilt}) == 1
    assert board != Leaderboard.from_units("other", users, [u for _, u in board.rows()]
                                           ).unwrap()
    assert board != Leaderboard.from_units("b", users, [u for _, u in board.rows()],
                                           places=1).unwrap()


def test_tie_order_is_part_of_the_value() -> None:
    # Hand-built: the same scores reached in a different order are different rankings.
    first = Leaderboard.build("b", [("ann", 5), ("bob", 5)]).unwrap()
    second = Leaderboard.build("b", [("bob", 5), ("ann", 5)]).unwrap()
    assert first != second
    assert [e.user_id for e in first.top(2)] == ["ann", "bob"]
    assert [e.user_id for e in second.top(2)] == ["bob", "ann"]
    # bob drops to 4 and climbs back to 5: he reached 5 again after ann, as in `first`.
    again = second.assign("bob", 4).assign("bob", 5)
    assert again == first and hash(again) == hash(first)
    assert repr(again) == "Leaderboard('b', places=0, entries=2)"
    assert first != "b"


@given(rows=leaderboard_rows(max_size=40, max_score=4),
       changes=st.lists(st.tuples(st.sampled_from([f"u-{n}" for n in range(30)]),
                                  st.one_of(st.none(), st.integers(-4, 4))), max_size=60),
       block=st.integers(1, 4))
def test_a_batch_equals_one_change_at_a_time(rows: list[tuple[str, int]],
                                             changes: list[tuple[str, int | None]],
                                             block: int) -> None:
    board = Leaderboard.build("b", rows, block_size=block).unwrap()
    one_by_one = board
    for user, units in changes:
        one_by_one = one_by_one.without(user) if units is None else one_by_one.assign(user,
                                                                                      units)
    # Batches above 16 changes take the rebuild path; both paths must agree exactly.
    batched = board.assign_all(changes)
    assert batched == one_by_one
    assert list(batched.top(100, RankStyle.DENSE)) == list(one_by_one.top(100,
                                                                          RankStyle.DENSE))


def test_removal_worked_example() -> None:
    board = Leaderboard.build("xp", [("ann", 300), ("bob", 200), ("cat", 200), ("dan", 100)]
                              ).unwrap()
    without_bob = board.remove("bob").unwrap()
    # Hand-computed: cat moves up to 2nd, dan to 3rd; ann is untouched.
    assert [(e.user_id, e.rank) for e in without_bob.top(4)] == [
        ("ann", 1), ("cat", 2), ("dan", 3)]
    assert "bob" not in without_bob and "bob" in board and 7 not in board
    assert without_bob.rank_of("bob").value_or(None) is None
    assert without_bob.remove("bob").failure().kind.value == "not_found"
    # bob comes back with 200: he reached it after cat, so he is listed after cat.
    back, events = without_bob.set("bob", 200, event_id="e", occurred_at=AT).unwrap()
    assert [e.user_id for e in back.top(4)] == ["ann", "cat", "bob", "dan"]
    assert [(e.previous_rank, e.rank) for e in events] == [(None, 2)]
    assert Leaderboard.empty("x").without("nobody") == Leaderboard.empty("x")


def test_large_board_spans_many_blocks() -> None:
    users = [f"u{n:05d}" for n in range(5000)]
    units = [(n * 7919) % 613 for n in range(5000)]          # many ties, scattered
    board = Leaderboard.from_units("big", users, units, block_size=64).unwrap()
    model = {u: (s, i) for i, (u, s) in enumerate(zip(users, units, strict=True))}
    expected = brute(model, RankStyle.DENSE)
    assert list(board.top(5000, RankStyle.DENSE)) == expected
    for entry in expected[::97]:
        assert board.rank_of(entry.user_id, RankStyle.DENSE).unwrap() == entry.rank
    board, _ = board.set("u00000", 10_000, event_id="e", occurred_at=AT).unwrap()
    assert board.rank_of("u00000").unwrap() == 1
    assert board.top(1)[0].user_id == "u00000"


def test_thousands_of_updates_and_removals_match_brute_force() -> None:
    # Enough distinct users changing for the user map to merge its recent changes (every 64)
    # into the middle map, and the middle map (past 512 users here) into the base, removed
    # users included; the order is compared with a sort of the model.
    rng = random.Random(7)
    board = Leaderboard.build("b", [(f"u{n}", n % 7) for n in range(50)], block_size=8
                              ).unwrap()
    model: Model = {f"u{n}": (n % 7, n) for n in range(50)}
    for seq in range(50, 4050):
        user = f"u{rng.randrange(1500)}"
        if rng.random() < 0.2:
            board = board.without(user)
            model.pop(user, None)
            continue
        units = rng.randrange(-3, 12)
        board = board.assign(user, units)
        if model.get(user, (None, 0))[0] != units:
            model[user] = (units, seq)
        if seq % 1000 == 0:
            order = sorted(model.items(), key=lambda item: (-item[1][0], item[1][1]))
            assert list(board.rows()) == [(user, units) for user, (units, _) in order]
            assert all(board.rank_of(user).unwrap() == 1 + sum(
                1 for u, _ in model.values() if u > units) for user, (units, _) in order[::97])
    assert len(board) == len(model) > 512


def test_build_failures() -> None:
    assert Leaderboard.from_units("b", ["a"], [1, 2]).failure().code == "leaderboard.rows"
    assert Leaderboard.build("b", [("a", 1), ("a", 2)]).failure().code == (
        "leaderboard.duplicate_user")
    empty = Leaderboard.empty("b")
    assert len(empty) == 0 and empty.top(5) == () and empty.rank_of("a").value_or(0) == 0
    board, events = empty.add("a", 3, event_id="e", occurred_at=AT).unwrap()
    assert events[0].rank == 1 and board.score_of("a").unwrap() == 3


@pytest.mark.parametrize("places", [0, 2])
@given(ctx=hostile_contexts(), rows=leaderboard_rows(max_size=20), delta=st.integers(-9, 9))
def test_leaderboard_ignores_the_callers_context(places: int, ctx: decimal.Context,
                                                 rows: list[tuple[str, int]],
                                                 delta: int) -> None:
    scaled = [(u, Decimal(s).scaleb(-places)) for u, s in rows]

    def run() -> object:
        board = Leaderboard.build("b", scaled, places).unwrap()
        board, events = board.add("u-new", Decimal(delta).scaleb(-places), event_id="e",
                                  occurred_at=AT).unwrap()
        return board.top(50, RankStyle.DENSE), events, to_units(Decimal("1.25"), 2)

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected


@given(ctx=hostile_contexts(), rows=leaderboard_rows(max_size=30), radius=st.integers(0, 3))
def test_queries_ignore_the_callers_context(ctx: decimal.Context, rows: list[tuple[str, int]],
                                            radius: int) -> None:
    def run() -> object:
        board = Leaderboard.from_units("b", [u for u, _ in rows], [s for _, s in rows],
                                       places=2, block_size=3).unwrap()
        board, events = board.set("u-x", "0.05", event_id="e", occurred_at=AT).unwrap()
        return ([(board.rank_of(u, style), board.score_of(u), board.around(u, radius, style))
                 for u, _ in rows for style in RankStyle], events,
                Leaderboard.empty("e", 2).add("a", "1.10", event_id="x", occurred_at=AT))

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected


def test_places_units_and_times_of_the_wrong_type_are_refused() -> None:
    # Totality (tests/test_totality.py): a float or bool ``places`` was stored as is, to_units with
    # 11876197 places raised InvalidOperation, and a naive ``occurred_at`` made an event that
    # does not encode
    assert to_units(Decimal("0.01726334"), 11876197).failure().code == "leaderboard.places"
    assert to_units("1", MAX_PLACES).unwrap() == 10**28
    assert Leaderboard.build("b", [], True).failure().code == "leaderboard.places"
    assert Leaderboard.from_units("b", [], [], 0.1).failure().code == "leaderboard.places"  # type: ignore[arg-type]
    assert Leaderboard.from_units("b", ["a"], [1.5]).failure().code == "leaderboard.units"  # type: ignore[list-item]
    assert Leaderboard.from_units("b", [], [], block_size=1.0).failure().code == (  # type: ignore[arg-type]
        "leaderboard.block_size")
    board = Leaderboard.empty("b")
    naive = datetime(2026, 1, 1)
    for update in (board.set_units("a", 5, event_id="e", occurred_at=naive),
                   board.set("a", "5", event_id="e", occurred_at=naive),
                   board.add("a", 5, event_id="e", occurred_at=naive),
                   board.set_units("a", True, event_id="e",
                                   occurred_at=naive.replace(tzinfo=UTC))):
        assert update.failure().kind.value == "invalid"
    late = datetime.max.replace(tzinfo=timezone(timedelta(hours=-23)))  # no UTC instant
    assert board.set("a", "2", event_id="e", occurred_at=late).failure().code == (
        "gamification.time_range")
    assert board.set_units("a", 5, event_id="e", occurred_at=naive.replace(tzinfo=UTC)
                           ).unwrap()[0].units_of("a").unwrap() == 5


def test_the_user_map_made_on_first_use_answers_like_one_made_at_once() -> None:
    # from_units defers the user -> seq map to the first lookup by user: boards whose first
    # use is a lookup, an update, a removal, a batch, a top list or an equality all agree
    # with the model, and versions sharing the deferred map stay independent.
    users = [f"u{n:03d}" for n in range(300)]
    units = [(n * 37) % 41 for n in range(300)]
    model = {u: (s, i) for i, (u, s) in enumerate(zip(users, units, strict=True))}

    def fresh() -> Leaderboard:
        return Leaderboard.from_units("b", users, units, block_size=16).unwrap()

    check(fresh(), model)
    assert fresh() == Leaderboard.build("b", list(zip(users, units, strict=True)),
                                        block_size=16).unwrap()
    assert fresh().top(3) == fresh().top(3) and "u007" in fresh() and "zz" not in fresh()
    base = fresh()
    moved = base.assign("u010", 100)
    gone = base.without("u011")
    assert moved.rank_of("u010").unwrap() == 1 and "u011" not in gone
    assert base.units_of("u010").unwrap() == units[10] and "u011" in base
    many = fresh().assign_all([(f"u{n:03d}", n) for n in range(0, 300, 2)])
    rebuilt = dict(model)
    for n in range(0, 300, 2):
        if rebuilt[f"u{n:03d}"][0] != n:
            rebuilt[f"u{n:03d}"] = (n, 1000 + n)
    check(many, rebuilt)
    assert many.rank_of("u299").unwrap() == 1 + sum(1 for u, _ in rebuilt.values()
                                                     if u > rebuilt["u299"][0])


@given(units=st.lists(st.integers(-5, 5) | st.integers(-(10**30), 10**30), max_size=70),
       block=st.integers(1, 9), appended=st.lists(st.integers(-6, 6), max_size=5))
def test_indexing_scores_equals_indexing_their_negations(units: list[int], block: int,
                                                         appended: list[int]) -> None:
    # of_units (the build's path: the scores kept, negated on read) is of_negs of the
    # negations: the same blocks, first keys, offsets and column, also after appends.
    fast = RankIndex.of_units(units, block)
    reference = RankIndex.of_negs([-u for u in units], block)
    assert [list(b) for b in fast.blocks] == [list(b) for b in reference.blocks]
    assert (fast.firsts, fast.offsets) == (reference.firsts, reference.offsets)
    for neg in appended:
        fast, seq = fast.insert(neg)
        reference, same = reference.insert(neg)
        assert seq == same
    assert list(fast.negs.values()) == list(reference.negs.values())
    assert fast.negs.pick(range(len(fast.negs))) == reference.negs.pick(range(len(fast.negs)))
    assert [fast.negs[i] for i in range(len(fast.negs))] == list(reference.negs.values())
    assert list(fast.seqs()) == list(reference.seqs())
    for neg in (-7, -5, 0, 3, 6):
        assert fast.better(neg) == reference.better(neg)
        assert fast.distinct_better(neg) == reference.distinct_better(neg)
