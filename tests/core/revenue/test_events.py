"""Revenue events survive the canonical codec unchanged, including optional dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given
from returns.result import Success

from astratrade_core.events import PLATFORM_EVENTS
from astratrade_core.events.codec import decode, encode
from astratrade_core.events.envelope import Event
from astratrade_core.events.revenue import REVENUE_EVENTS, SubscriptionStarted
from astratrade_core.testing import revenue_events


def test_every_revenue_event_is_registered_at_version_one() -> None:
    registry = PLATFORM_EVENTS.types
    names = [cls.event_type for cls in REVENUE_EVENTS]
    assert len(names) == 9
    assert {name: registry[name].schema_version for name in names} == dict.fromkeys(names, 1)


@given(revenue_events())
def test_round_trip(event: Event) -> None:
    assert decode(encode(event), PLATFORM_EVENTS) == Success(event)


def test_subscription_started_with_and_without_trial() -> None:
    for trial in (None, date(2026, 2, 1)):
        event = SubscriptionStarted(
            event_id="s", stream_id="sub-a", occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
            subscriber_id="a", plan_id="captain", tier_rank=2, cycle="monthly", currency="USD",
            price=Decimal("19.95"), starts_on=date(2026, 1, 1), trial_ends_on=trial)
        assert decode(encode(event), PLATFORM_EVENTS) == Success(event)
