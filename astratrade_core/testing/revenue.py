"""Hypothesis strategies for the revenue and DeFi types: weights, fee schedules, marketplace
terms, interest-rate models and staking operation sequences; for the revenue and DeFi
aggregates, plausible command histories, hostile commands and the ``handle`` round trip.

>>> from hypothesis import given
>>> @given(fee_schedules())
... def check(schedule): assert schedule.tiers[0].min_volume == 0
>>> check()
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, TypeVar

import attrs
from hypothesis import strategies as st
from returns.result import Success

from astratrade_core.aggregate import Aggregate, Command, Stream, handle
from astratrade_core.defi.lending import InterestRateModel
from astratrade_core.defi.pool import (
    ClaimReward,
    DistributeReward,
    OpenPool,
    PoolCommand,
    Stake,
    Unstake,
)
from astratrade_core.events.envelope import Event
from astratrade_core.events.revenue import (
    MarketplaceSale,
    NFTMinted,
    PremiumPurchased,
    RewardClaimed,
    SubscriptionCancelled,
    SubscriptionChanged,
    SubscriptionCharged,
    TradingFeeCollected,
)
from astratrade_core.money import EUR, USD, USDC, Currency, Money, Rate
from astratrade_core.numeric import RAY, WAD
from astratrade_core.revenue.billing import (
    CancelSubscription,
    ChangePlan,
    RenewSubscription,
    StartSubscription,
    SubscriptionCommand,
)
from astratrade_core.revenue.collection import (
    BuyToken,
    CancelListing,
    CollectionCommand,
    ListToken,
    MintToken,
    OpenCollection,
)
from astratrade_core.revenue.daycount import DayCount
from astratrade_core.revenue.fees import Favour, FeeSchedule, FeeTier, Liquidity
from astratrade_core.revenue.ledger import RevenueStream
from astratrade_core.revenue.marketplace import MarketplaceTerms, MintPricing
from astratrade_core.revenue.platform_ledger import BookRevenue, LedgerCommand, RecordTradingFee
from astratrade_core.revenue.subscriptions import PRESET_PLANS, BillingCycle, Plan

__all__ = [
    "allocation_weights",
    "collection_commands",
    "fee_schedules",
    "handled",
    "hostile_commands",
    "hostile_values",
    "interest_rate_models",
    "ledger_commands",
    "pool_commands",
    "revenue_events",
    "royalty_bps",
    "staking_operations",
    "subscription_commands",
]


def allocation_weights(max_parts: int = 12, max_weight: int = 10**30) -> st.SearchStrategy[
        list[int]]:
    """Non-empty lists of non-negative integer weights with at least one positive weight."""
    return st.lists(st.integers(0, max_weight), min_size=1, max_size=max_parts).filter(any)


def fee_schedules(max_tiers: int = 6) -> st.SearchStrategy[FeeSchedule]:
    """Valid maker/taker schedules: volumes increase, rates never increase, maker <= taker,
    and a maker rebate never exceeds its tier's taker fee."""

    @st.composite
    def build(draw: st.DrawFn) -> FeeSchedule:
        count = draw(st.integers(1, max_tiers))
        gaps = draw(st.lists(st.integers(1, 10**7), min_size=count - 1, max_size=count - 1))
        # Drawn from the top tier down: each lower tier may only cost the same or more.
        taker = draw(st.integers(0, 100))
        maker = draw(st.integers(-taker, taker))
        rates = [(maker, taker)]
        for _ in gaps:
            taker = draw(st.integers(taker, 100))
            maker = draw(st.integers(maker, taker))
            rates.append((maker, taker))
        volumes = [0]
        for gap in gaps:
            volumes.append(volumes[-1] + gap)
        tiers = tuple(FeeTier(Decimal(v), Rate.from_bps(m), Rate.from_bps(t))
                      for v, (m, t) in zip(volumes, reversed(rates), strict=True))
        return FeeSchedule(tiers, draw(st.sampled_from(Favour)))

    return build()


def royalty_bps() -> st.SearchStrategy[tuple[int, int]]:
    """``(platform_bps, creator_bps)`` pairs whose sum stays below 10,000."""
    return st.integers(0, 9_999).flatmap(
        lambda p: st.tuples(st.just(p), st.integers(0, 9_999 - p)))


def interest_rate_models() -> st.SearchStrategy[InterestRateModel]:
    """Kinked models with ray rates up to 300 % and a kink strictly inside (0, 1)."""
    rates = st.integers(0, 3 * RAY)
    return st.builds(InterestRateModel, rates, rates, rates, st.integers(1, RAY - 1),
                     st.integers(0, 10_000))


def staking_operations(accounts: int = 4, max_amount: int = 10**24) -> st.SearchStrategy[
        list[tuple[str, int, int]]]:
    """Sequences of ``(operation, account, amount)`` with operation one of ``stake``,
    ``unstake``, ``claim`` and ``notify`` (amounts are raw token units)."""
    op = st.tuples(st.sampled_from(("stake", "unstake", "claim", "notify")),
                   st.integers(0, accounts - 1), st.integers(0, max_amount))
    return st.lists(op, max_size=40)


_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def revenue_events(currencies: tuple[str, ...] = ("USD", "EUR")) -> st.SearchStrategy[Event]:
    """Events of every type the revenue ledger books (plus ``RewardClaimed``, which it does not),
    with cent amounts, spread over two years."""

    @st.composite
    def build(draw: st.DrawFn) -> Event:
        kind = draw(st.integers(0, 7))
        at = _EPOCH + timedelta(minutes=draw(st.integers(0, 2 * 525_600)))
        common: dict[str, Any] = {
            "event_id": f"e-{draw(st.integers(0, 10**9))}", "stream_id": "s", "occurred_at": at,
        }
        currency = draw(st.sampled_from(currencies))

        def cents(low: int = 0) -> Decimal:
            return Decimal(draw(st.integers(low, 10**8))).scaleb(-2)

        today = at.date()
        if kind == 0:
            return TradingFeeCollected(**common, account_id="a", liquidity="taker",
                                       currency=currency, notional=cents(), fee=cents(-10**6))
        if kind == 1:
            return SubscriptionCharged(**common, subscriber_id="u", plan_id="p",
                                       currency=currency, amount=cents(), period_start=today,
                                       period_end=today + timedelta(days=30))
        if kind == 2:
            return SubscriptionChanged(**common, subscriber_id="u", plan_id="p", tier_rank=1,
                                       cycle="monthly", currency=currency, price=cents(1),
                                       effective_on=today, proration=cents(-10**8))
        if kind == 3:
            return SubscriptionCancelled(**common, subscriber_id="u", currency=currency,
                                         effective_on=today, refund=cents())
        if kind == 4:
            return MarketplaceSale(**common, token_id="t", collection_id="c", seller_id="s",
                                   buyer_id="b", creator_id="c", currency=currency,
                                   price=cents(), platform_fee=cents(), creator_royalty=cents(),
                                   fixed_fee=cents(), seller_proceeds=cents())
        if kind == 5:
            return NFTMinted(**common, token_id="t", collection_id="c", creator_id="c",
                             owner_id="o", currency=currency, price=cents(),
                             platform_fee=cents(), creator_proceeds=cents())
        if kind == 6:
            return PremiumPurchased(**common, account_id="a", feature="f", currency=currency,
                                    amount=cents())
        return RewardClaimed(**common, pool_id="p", account_id="a", currency=currency,
                             amount=cents())

    return build()


# --- aggregates: hostile values, plausible command sequences, the handle round trip --------

_HOSTILE_TEXT = ("", " ", "\t\n", "é", "\x00", "a" * 300, "ann", "bob", "t0", "p", "ships")
_HOSTILE_INTS = (0, 1, -1, True, False, 7, 10_000, 10_001, 366, 367, WAD, 2**128 - 1, 2**128,
                 2**256 - 1, 2**256, -(2**300), 10**100)
_HOSTILE_DECIMALS = (Decimal("NaN"), Decimal("-NaN"), Decimal("sNaN"), Decimal("Infinity"),
                     Decimal("-Infinity"), Decimal("-0"), Decimal("0E-40"), Decimal("1E+999999"),
                     Decimal("1E-999999"), Decimal("0.001"), Decimal("0.01"), Decimal("-9.95"),
                     Decimal("9" * 60), Decimal("1E+23"), Decimal("1E+24"), Decimal("100"))
_HOSTILE_DATES = (date.min, date.max, date(9999, 12, 1), date(1, 1, 31), date(2024, 2, 29),
                  date(2026, 1, 31))


def hostile_values(hint: Any) -> st.SearchStrategy[Any]:
    """Any value of the type ``hint`` names, biased to the edges a careless or malicious
    caller reaches: blank and huge text, ``bool`` where an ``int`` goes, integers beyond u256,
    NaN, signalling NaN, infinities and exponents beyond every bound, naive datetimes, the
    first and last calendar days, and ``attrs`` values (``Money``, ``Currency``, ``Plan``...)
    built with the raw constructor from such parts.  Enums draw their members.

    >>> from hypothesis import given
    >>> @given(hostile_values(Decimal))
    ... def any_decimal(d): assert isinstance(d, Decimal)
    >>> any_decimal()
    """
    if hint is str:
        return st.sampled_from(_HOSTILE_TEXT) | st.text(max_size=20)
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.sampled_from(_HOSTILE_INTS) | st.integers()
    if hint is Decimal:
        return (st.sampled_from(_HOSTILE_DECIMALS)
                | st.decimals(allow_nan=True, allow_infinity=True)
                | st.integers(-(10**6), 10**6).map(lambda n: Decimal(n).scaleb(-2)))
    if hint is date:
        return st.sampled_from(_HOSTILE_DATES) | st.dates()
    if hint is datetime:
        zones = st.sampled_from([None, UTC, timezone(timedelta(hours=14)),
                                 timezone(timedelta(hours=-12))])
        return st.datetimes(timezones=zones)
    return _composite(hint, lambda inner, _: hostile_values(inner))


def _composite(hint: Any, part: Callable[[Any, str], st.SearchStrategy[Any]],
               ) -> st.SearchStrategy[Any]:
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(list(hint))
    if isinstance(hint, type) and attrs.has(hint):
        hints = typing.get_type_hints(hint)
        return st.builds(hint, **{a.alias or a.name: part(hints[a.name], a.name)
                                  for a in attrs.fields(hint) if a.init})
    raise TypeError(f"no strategy for {hint!r}")


_PLAUSIBLE_TEXT = ("ann", "bob", "studio")
_PLAUSIBLE_IDS = {"subscriber_id": ("ann",), "collection_id": ("ships",), "pool_id": ("p",),
                  "token_id": ("t0", "t1", "t2"), "command_id": ("x0", "x1")}
_PLAUSIBLE_INTS = (0, 1, 2, 7, 14, 100, 250, 500, 1_000, WAD)


def _edgy(hint: Any, field: str = "") -> st.SearchStrategy[Any]:
    """Plausible for the revenue aggregates' test streams (subscriber ``ann``, collection
    ``ships``, pool ``p``), one time in ten hostile, field by field."""
    plausible: st.SearchStrategy[Any]
    if hint is str:
        plausible = st.sampled_from(_PLAUSIBLE_IDS.get(field, _PLAUSIBLE_TEXT))
    elif hint is int:
        plausible = st.sampled_from(_PLAUSIBLE_INTS)
    elif hint is bool:
        plausible = st.booleans()
    elif hint is Decimal:
        plausible = st.integers(-(10**6), 10**7).map(lambda n: Decimal(n).scaleb(-2))
    elif hint is date:
        plausible = st.dates(date(2024, 1, 1), date(2028, 12, 31))
    elif hint is datetime:
        plausible = st.datetimes(datetime(2024, 1, 1), datetime(2028, 12, 31),
                                 timezones=st.just(UTC))
    elif hint is Currency:
        plausible = st.sampled_from((USD, USD, USD, USDC, EUR))
    else:
        plausible = _composite(hint, _edgy)
    return st.integers(0, 9).flatmap(lambda k: hostile_values(hint) if k == 0 else plausible)


def hostile_commands(*classes: type[Any]) -> st.SearchStrategy[Any]:
    """Commands of any of ``classes`` -- what a ``decide`` must answer with a ``Result``,
    never an exception.  Each field (and each field of a nested value such as a ``Money``) is
    plausible for the test streams nine times in ten and drawn by :func:`hostile_values`
    otherwise, so a command usually gets past most checks and meets the rest at an edge.

    >>> from hypothesis import given
    >>> from astratrade_core.revenue.billing import RenewSubscription
    >>> @given(hostile_commands(RenewSubscription))
    ... def built(c): assert isinstance(c, RenewSubscription)
    >>> built()
    """
    return st.one_of(*(_composite(cls, _edgy) for cls in classes))


S = TypeVar("S")
C = TypeVar("C", bound=Command)


def handled(aggregate: Aggregate[S, C], commands: Iterable[C],
            stream: Stream[S] | None = None) -> tuple[Stream[S], list[Event]]:
    """Send ``commands`` one by one through :func:`~astratrade_core.aggregate.handle` (from an
    empty stream unless given); the final stream and every accepted event, in order.  Refused
    commands change nothing.

    >>> from astratrade_core.revenue.platform_ledger import PLATFORM_LEDGER
    >>> handled(PLATFORM_LEDGER, [])[0].version
    0
    """
    current = stream if stream is not None else Stream.empty(aggregate)
    accepted: list[Event] = []
    for command in commands:
        match handle(aggregate, current, command):
            case Success((after, events)):
                current = after
                accepted.extend(events)
    return current, accepted


_T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)
_PEOPLE = ("ann", "bob", "cat")


def _cents(low: int, high: int, currency: Currency = USD) -> st.SearchStrategy[Money]:
    return st.integers(low, high).map(lambda units: Money.from_minor_units(units, currency))


def _plans() -> st.SearchStrategy[Plan]:
    custom = st.builds(lambda rank, monthly, yearly: Plan(f"tier-{rank}", f"Tier {rank}", rank,
                                                          monthly, yearly),
                       st.integers(0, 5), _cents(1, 10_000), _cents(1, 100_000))
    return st.sampled_from(PRESET_PLANS) | custom


def subscription_commands(subscriber: str = "ann",
                          max_size: int = 12) -> st.SearchStrategy[list[SubscriptionCommand]]:
    """A subscriber's plausible history: a start, then renewals, plan changes, cancellations
    and restarts on dates that move forward 0-45 days at a time (many of them due, some
    early), with command ids ``c0``, ``c1``, ...  Presets and random plans, both cycles, any
    day-count convention."""

    @st.composite
    def build(draw: st.DrawFn) -> list[SubscriptionCommand]:
        day = draw(st.dates(date(2024, 1, 1), date(2027, 12, 31)))
        count = draw(st.integers(1, max_size))
        commands: list[SubscriptionCommand] = []
        for n in range(count):
            meta: dict[str, Any] = {"command_id": f"c{n}", "issued_at": _T0 + timedelta(days=n),
                    "subscriber_id": subscriber}
            kind = "start" if n == 0 else draw(st.sampled_from(
                ("renew", "renew", "renew", "change", "change", "cancel", "start")))
            if kind == "start":
                commands.append(StartSubscription(
                    **meta, plan=draw(_plans()), cycle=draw(st.sampled_from(BillingCycle)),
                    starts_on=day, trial_days=draw(st.sampled_from((0, 0, 7, 14)))))
            elif kind == "renew":
                commands.append(RenewSubscription(**meta, on=day))
            elif kind == "change":
                commands.append(ChangePlan(**meta, plan=draw(_plans()),
                                           cycle=draw(st.sampled_from(BillingCycle)), on=day,
                                           convention=draw(st.sampled_from(DayCount))))
            else:
                commands.append(CancelSubscription(
                    **meta, on=day, immediately=draw(st.booleans()),
                    convention=draw(st.sampled_from(DayCount))))
            day += timedelta(days=draw(st.integers(0, 45)))
        return commands

    return build()


def collection_commands(collection_id: str = "ships",
                        max_size: int = 16) -> st.SearchStrategy[list[CollectionCommand]]:
    """A collection's plausible history: it opens (a small supply, fees and royalty up to
    20 %), then mints (token ids ``t0``, ``t1``, ... in order), listings, cancellations and
    purchases among three people, aimed by a rough model of who owns what and what is
    listed: mostly the owner lists and someone else buys at the listed price, sometimes
    not (a listing below the minimum, past the supply, by a stranger...)."""
    prices = st.sampled_from((1, 250, 2_500, 10_000, 123_456)).map(
        lambda units: Money.from_minor_units(units, USD))

    @st.composite
    def build(draw: st.DrawFn) -> list[CollectionCommand]:
        commands: list[CollectionCommand] = [OpenCollection(
            command_id="c0", issued_at=_T0, collection_id=collection_id, creator_id="studio",
            pricing=MintPricing(draw(_cents(0, 1_000)), draw(_cents(0, 100)),
                                draw(st.integers(1, 6)), draw(st.integers(0, 2_000))),
            terms=MarketplaceTerms(draw(st.integers(0, 2_000)), draw(_cents(0, 100))),
            royalty_bps=draw(st.integers(0, 2_000)), min_proceeds=draw(_cents(0, 100)))]
        owner: dict[str, str] = {}  # what the history should lead to, to aim the next step
        listed: dict[str, Money] = {}
        for n in range(1, draw(st.integers(1, max_size))):
            meta: dict[str, Any] = {"command_id": f"c{n}",
                                    "issued_at": _T0 + timedelta(hours=n),
                                    "collection_id": collection_id}
            anyone = draw(st.sampled_from(_PEOPLE))
            kind = "mint" if not owner else draw(st.sampled_from(
                ("mint", "list", "list", "cancel", "buy", "buy")))
            if kind == "mint":
                token = f"t{len(owner)}"
                owner[token] = anyone
                commands.append(MintToken(**meta, token_id=token, owner_id=anyone))
                continue
            pool = sorted(listed) if kind != "list" and listed else sorted(owner)
            token = draw(st.sampled_from(pool))
            # Mostly the owner sells and somebody else buys; sometimes not.
            seller = draw(st.sampled_from((owner[token],) * 3 + (anyone,)))
            buyer = draw(st.sampled_from([p for p in _PEOPLE if p != owner[token]]
                                         + [anyone]))
            if kind == "list":
                price = draw(prices)
                if seller == owner[token] and token not in listed:
                    listed[token] = price
                commands.append(ListToken(**meta, token_id=token, seller_id=seller,
                                          price=price))
            elif kind == "cancel":
                if seller == owner[token]:
                    listed.pop(token, None)
                commands.append(CancelListing(**meta, token_id=token, seller_id=seller))
            else:
                price = draw(st.just(listed[token]) | prices) if token in listed else draw(
                    prices)
                if listed.get(token) == price and buyer != owner[token]:
                    owner[token] = buyer
                    del listed[token]
                commands.append(BuyToken(**meta, token_id=token, buyer_id=buyer,
                                         price=price))
        return commands

    return build()


def ledger_commands(max_size: int = 20) -> st.SearchStrategy[list[LedgerCommand]]:
    """Trading fees (rebates included) and booked subscription, marketplace and premium
    amounts (refunds included) in USD and EUR over two years, ids ``c0``, ``c1``, ..."""

    @st.composite
    def one(draw: st.DrawFn, n: int) -> LedgerCommand:
        at = _T0 + timedelta(hours=draw(st.integers(0, 2 * 8_760)))
        currency = draw(st.sampled_from(("USD", "EUR")))
        amount = Decimal(draw(st.integers(-10**6, 10**8))).scaleb(-2)
        if draw(st.booleans()):
            return RecordTradingFee(command_id=f"c{n}", issued_at=at,
                                    account_id=draw(st.sampled_from(_PEOPLE)),
                                    liquidity=draw(st.sampled_from(Liquidity)),
                                    currency=currency,
                                    notional=Decimal(draw(st.integers(0, 10**9))).scaleb(-2),
                                    fee=amount)
        return BookRevenue(command_id=f"c{n}", issued_at=at, source_event_id=f"e{n}:0",
                           stream=draw(st.sampled_from((RevenueStream.SUBSCRIPTIONS,
                                                        RevenueStream.MARKETPLACE,
                                                        RevenueStream.PREMIUM))),
                           account_id=draw(st.sampled_from(_PEOPLE)), currency=currency,
                           amount=amount)

    return st.integers(1, max_size).flatmap(
        lambda size: st.tuples(*(one(n) for n in range(size)))).map(list)


def pool_commands(pool_id: str = "p", accounts: int = 4,
                  max_size: int = 24) -> st.SearchStrategy[list[PoolCommand]]:
    """A pool's plausible history: it opens (USDC rewards), then stakes, unstakes, reward
    distributions and claims by ``accounts`` accounts ``a0``, ``a1``, ..., amounts biased to
    1 wei, one WAD and large values."""
    amounts = st.sampled_from((1, 2, 3, 1_000, WAD, 10**24)) | st.integers(1, 10**24)

    @st.composite
    def build(draw: st.DrawFn) -> list[PoolCommand]:
        commands: list[PoolCommand] = [OpenPool(command_id="c0", issued_at=_T0,
                                                pool_id=pool_id, currency=USDC)]
        for n in range(1, draw(st.integers(1, max_size))):
            meta: dict[str, Any] = {"command_id": f"c{n}", "issued_at": _T0 + timedelta(minutes=n),
                    "pool_id": pool_id}
            account = f"a{draw(st.integers(0, accounts - 1))}"
            kind = draw(st.sampled_from(("stake", "stake", "unstake", "distribute",
                                         "distribute", "claim")))
            if kind == "stake":
                commands.append(Stake(**meta, account_id=account, amount=draw(amounts)))
            elif kind == "unstake":
                commands.append(Unstake(**meta, account_id=account, amount=draw(amounts)))
            elif kind == "distribute":
                commands.append(DistributeReward(**meta, amount=draw(amounts)))
            else:
                commands.append(ClaimReward(**meta, account_id=account))
        return commands

    return build()
