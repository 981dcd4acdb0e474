"""Reputation: the documented formula, its bounds and its monotonicity."""

from __future__ import annotations

import decimal

import attrs
from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.social.reputation import (
    MAX_REPUTATION,
    MIN_REPUTATION,
    ReputationRecord,
    reputation,
    reputation_tier,
)
from astratrade_core.testing import hostile_contexts, reputation_records

POSITIVE = ("account_age_days", "challenges_completed", "battles_fought", "achievements")
PENALTIES = ("challenges_defaulted", "reports_upheld")


def test_worked_examples() -> None:
    assert reputation(ReputationRecord()) == 500
    # 500 + min(100, 299 // 3 = 99) + min(200, 10 * 25) + 0 + 0 - 50 * 1 = 749
    assert reputation(ReputationRecord(account_age_days=299, challenges_completed=25,
                                       challenges_defaulted=1)) == 749
    # 500 + 0 + 0 + min(100, 2 * 7 = 14) + min(100, 5 * 30) - 100 * 2 = 414
    assert reputation(ReputationRecord(battles_fought=7, achievements=30,
                                       reports_upheld=2)) == 414
    assert reputation_tier(414) == "neutral"
    assert ReputationRecord.of(achievements=3).unwrap().achievements == 3
    bad = ReputationRecord.of(achievements=True, battles_fought=-1, karma=1).failure()
    assert [(c.code, c.fields["field"]) for c in bad.causes] == [
        ("reputation.count", "achievements"), ("reputation.count", "battles_fought"),
        ("reputation.unknown_count", "karma")]


@given(record=reputation_records())
def test_bounds(record: ReputationRecord) -> None:
    assert MIN_REPUTATION <= reputation(record) <= MAX_REPUTATION


@given(record=reputation_records(), field=st.sampled_from(POSITIVE + PENALTIES),
       extra=st.integers(1, 500))
def test_monotone(record: ReputationRecord, field: str, extra: int) -> None:
    more = attrs.evolve(record, **{field: getattr(record, field) + extra})
    if field in POSITIVE:
        assert reputation(more) >= reputation(record)
    else:
        assert reputation(more) <= reputation(record)


@given(ctx=hostile_contexts(), record=reputation_records())
def test_reputation_ignores_the_callers_context(ctx: decimal.Context,
                                                record: ReputationRecord) -> None:
    expected = (reputation(record), reputation_tier(reputation(record)))
    with decimal.localcontext(ctx):
        assert (reputation(record), reputation_tier(reputation(record))) == expected
