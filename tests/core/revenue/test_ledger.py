"""Revenue ledger: what each event books, and the reconciliation law over random events."""

from __future__ import annotations

import decimal
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from returns.maybe import Nothing, Some

from astratrade_core.events.envelope import Event
from astratrade_core.events.revenue import MarketplaceSale, RewardClaimed, SubscriptionCancelled
from astratrade_core.revenue.ledger import (
    LedgerKey,
    Period,
    RevenueEntry,
    RevenueLedger,
    RevenueStream,
    project_ledger,
    revenue_entry,
)
from astratrade_core.testing import hostile_contexts, revenue_events

D = Decimal
T = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)


def test_what_events_book() -> None:
    sale = MarketplaceSale(
        event_id="s", stream_id="nft", occurred_at=T, token_id="1", collection_id="c",
        seller_id="s", buyer_id="b", creator_id="c", currency="USD", price=D("1000"),
        platform_fee=D("25"), creator_royalty=D("50"), fixed_fee=D("5"),
        seller_proceeds=D("920"))
    # The platform keeps 25 + 5 = 30 of the 1000; the royalty and proceeds are not revenue.
    assert revenue_entry(sale) == Some(RevenueEntry(RevenueStream.MARKETPLACE, "USD", D("30"),
                                                    date(2026, 3, 31)))
    refund = SubscriptionCancelled(event_id="c", stream_id="sub", occurred_at=T,
                                   subscriber_id="u", currency="USD",
                                   effective_on=date(2026, 3, 31), refund=D("4.50"))
    assert revenue_entry(refund).unwrap().amount == D("-4.50")
    claim = RewardClaimed(event_id="r", stream_id="pool", occurred_at=T, pool_id="p",
                          account_id="a", currency="USD", amount=D("7"))
    assert revenue_entry(claim) == Nothing
    # Dated in UTC: 23:30 UTC on Mar 31 is Apr 1 in UTC+2, but the ledger books Mar 31 (UTC).
    local = datetime(2026, 4, 1, 1, 30, tzinfo=timezone(timedelta(hours=2)))
    moved = SubscriptionCancelled(event_id="c", stream_id="sub", occurred_at=local,
                                  subscriber_id="u", currency="USD",
                                  effective_on=date(2026, 3, 31), refund=D("0"))
    assert revenue_entry(moved).unwrap().on == date(2026, 3, 31)
    ledger = project_ledger([sale, refund, claim], Period.QUARTER)
    assert ledger.entries == 2
    assert ledger.totals == {
        LedgerKey(RevenueStream.MARKETPLACE, "2026-Q1", "USD"): D("30"),
        LedgerKey(RevenueStream.SUBSCRIPTIONS, "2026-Q1", "USD"): D("-4.50"),
    }
    assert ledger.total("USD") == D("25.50") and ledger.total("EUR") == 0
    assert ledger.record(sale).total("USD") == D("55.50")


event_lists = st.lists(revenue_events(), max_size=30)


@given(event_lists, st.sampled_from(Period))
def test_reconciliation_law(events: list[Event], period: Period) -> None:
    ledger = project_ledger(events, period)
    for currency in ("USD", "EUR"):
        booked = [e.unwrap().amount for e in map(revenue_entry, events)
                  if isinstance(e, Some) and e.unwrap().currency == currency]
        assert ledger.total(currency) == sum(booked, D(0))
        assert sum(ledger.by_stream(currency).values(), D(0)) == ledger.total(currency)
        assert sum(ledger.by_period(currency).values(), D(0)) == ledger.total(currency)
    assert ledger.entries == sum(1 for e in events if not isinstance(e, RewardClaimed))


@given(event_lists, event_lists, st.sampled_from(Period))
def test_merge_of_halves_is_the_whole_in_any_order(a: list[Event], b: list[Event],
                                                  period: Period) -> None:
    whole = project_ledger(a + b, period)
    assert project_ledger(a, period).merge(project_ledger(b, period)).unwrap() == whole
    assert project_ledger(b + a, period) == whole
    assert project_ledger(b, period, project_ledger(a, period)) == whole


def test_merge_rejects_other_granularity() -> None:
    err = RevenueLedger(Period.DAY).merge(RevenueLedger(Period.MONTH)).failure()
    assert err.code == "revenue.ledger_granularity"


@given(event_lists, hostile_contexts())
def test_independent_of_caller_context(events: list[Event], ctx: decimal.Context) -> None:
    def run() -> object:
        ledger = project_ledger(events, Period.MONTH)
        return (ledger, ledger.total("USD"), ledger.by_stream("EUR"), ledger.by_period("USD"),
                ledger.merge(ledger), [revenue_entry(e) for e in events],
                [ledger.record(e) for e in events[:3]], [p.key(date(2026, 5, 17)) for p in Period])

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected
