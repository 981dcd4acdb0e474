"""Revenue events survive the canonical codec unchanged, including optional dates, and a
version-1 ``SubscriptionStarted`` is lifted to version 2 with its minor unit."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.events import PLATFORM_EVENTS
from astratrade_core.events.codec import decode, encode
from astratrade_core.events.envelope import Event
from astratrade_core.events.revenue import REVENUE_EVENTS, SubscriptionStarted
from astratrade_core.testing import event_of, revenue_events
from tests.core.revenue.laws import survives_the_codec

VERSIONS = {"SubscriptionStarted": 2}


def test_every_revenue_event_is_registered_at_its_version() -> None:
    registry = PLATFORM_EVENTS.types
    names = [cls.event_type for cls in REVENUE_EVENTS]
    assert len(names) == len(set(names)) == 17
    assert {name: registry[name].schema_version for name in names} == {
        name: VERSIONS.get(name, 1) for name in names}


@given(revenue_events())
def test_round_trip(event: Event) -> None:
    assert survives_the_codec(event)


@given(st.sampled_from(REVENUE_EVENTS).flatmap(event_of))
def test_every_type_round_trips(event: Event) -> None:
    assert survives_the_codec(event)


def started(trial: date | None) -> SubscriptionStarted:
    return SubscriptionStarted(
        event_id="s", stream_id="sub-a", occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
        subscriber_id="a", plan_id="captain", tier_rank=2, cycle="monthly", currency="USD",
        minor_unit=2, price=Decimal("19.95"), starts_on=date(2026, 1, 1), trial_ends_on=trial)


def test_subscription_started_with_and_without_trial() -> None:
    for trial in (None, date(2026, 2, 1)):
        assert survives_the_codec(started(trial))


def test_version_one_subscription_started_gets_the_minor_unit_of_its_price() -> None:
    # Version 1 had no minor_unit; its prices were written at the currency's minor unit, so
    # "19.95" lifts to 2, "1000" (a zero-decimal currency) to 0 and "0.000750" to 6.
    for price, digits in (("19.95", 2), ("1000", 0), ("0.000750", 6)):
        v2 = encode(started(None)).decode()
        v1 = (v2.replace('"minor_unit":2,', "").replace('"version":2', '"version":1')
              .replace('"price":"19.95"', f'"price":"{price}"'))
        lifted = decode(v1.encode(), PLATFORM_EVENTS).unwrap()
        assert isinstance(lifted, SubscriptionStarted)
        assert (lifted.minor_unit, lifted.price) == (digits, Decimal(price))
