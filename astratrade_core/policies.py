"""Pure cross-domain policies: an event in, the commands it causes elsewhere out.

A :data:`Policy` is a function of one stored event alone.  It answers the
:class:`Dispatch` values -- a command addressed to a stream of an aggregate (by the
aggregate's name) -- that the event causes; the shell runs each through
``Application.execute``.  Every command a policy makes takes its id from the event it reacted
to, so running a policy twice (a worker restarting, a retry) stores nothing twice.

The game:

* :func:`player_activity` -- a closed position (``PositionClosed`` version 2) becomes a
  ``RecordClosedTrade`` for the account's player stream; version-1 records, which lack the
  position's size, cost and exit price, cause nothing.
* :func:`xp_standings` -- every XP a player earns (``XPGained``, an ``AchievementUnlocked``
  reward) becomes a ``RecordContribution`` to a season's standings whose period contains it.
* :func:`clan_victories` -- a resolved clan battle (``ClanBattleResolved`` version 2) becomes
  a ``RecordClanVictory`` for every member of the winning roster; a draw and version-1
  records, which do not name the roster, cause nothing.  (The clans' own ratings move through
  :func:`astratrade_core.social.clan_ratings`.)

Revenue (:data:`REVENUE_POLICIES`):

* :func:`trading_fee_revenue` -- a fill's fee becomes a ``RecordTradingFee`` on the platform
  ledger.
* :func:`platform_revenue` -- subscription and marketplace revenue becomes a ``BookRevenue``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import attrs
from returns.maybe import Some

from astratrade_core.aggregate import Command
from astratrade_core.events.envelope import Event
from astratrade_core.events.gamification import AchievementUnlocked, XPGained
from astratrade_core.events.revenue import (
    MarketplaceSale,
    NFTMinted,
    PremiumPurchased,
    SubscriptionCancelled,
    SubscriptionChanged,
    SubscriptionCharged,
)
from astratrade_core.events.social import ClanBattleResolved
from astratrade_core.events.trading import PositionClosed, PositionLiquidated, TradeExecuted
from astratrade_core.gamification.periods import Period
from astratrade_core.gamification.player import (
    PLAYER,
    RecordClanVictory,
    RecordClosedTrade,
    player_stream,
)
from astratrade_core.gamification.season import SEASON, RecordContribution
from astratrade_core.numeric import CONTEXT, ONE, ZERO
from astratrade_core.portfolio.evolve import book
from astratrade_core.revenue.fees import Liquidity
from astratrade_core.revenue.ledger import RevenueStream, revenue_entry
from astratrade_core.revenue.platform_ledger import (
    PLATFORM_LEDGER,
    PLATFORM_LEDGER_STREAM,
    BookRevenue,
    RecordTradingFee,
)
from astratrade_core.trading.fills import PositionState
from astratrade_core.trading.inverse import InverseState

__all__ = [
    "REVENUE_POLICIES",
    "Dispatch",
    "Policy",
    "clan_victories",
    "platform_revenue",
    "player_activity",
    "trading_fee_revenue",
    "xp_standings",
]


@attrs.frozen
class Dispatch:
    """``command`` for the stream ``stream_id`` of the aggregate named ``aggregate``."""

    aggregate: str
    stream_id: str
    command: Command


#: An event in, the commands it causes out (usually none).
Policy = Callable[[Event], tuple[Dispatch, ...]]


# --- the game -------------------------------------------------------------------------------


def _closed_roi(quantity: Decimal, cost: Decimal, exit_price: Decimal,
                contract_size: Decimal | None) -> Decimal:
    """A closed position's ROI at its exit price: linear, or inverse (in coin: the cost basis
    is the value at entry, ``quantity * size / entry``, so ``entry = quantity * size / cost``).

    >>> from decimal import Decimal as D
    >>> _closed_roi(D("10"), D("0.025"), D("50000"), D("100"))  # 0.005 / 0.025 BTC
    Decimal('20.0')
    """
    if contract_size is None:
        return PositionState(quantity, cost).roi_percent(exit_price).value_or(ZERO)
    entry = CONTEXT.divide(CONTEXT.multiply(quantity, contract_size), cost)
    return InverseState(contract_size, quantity, entry).roi_percent(
        exit_price, ONE).value_or(ZERO)


def player_activity(event: Event) -> tuple[Dispatch, ...]:
    """A closed position scored for its account's player (the account id is the user id).

    The command (id ``"player:<event id>"``, at the event's time) carries the symbol, the
    closing side (``"sell"`` closes a long), the position's absolute quantity, the notional
    ``|cost_basis|``, the net P&L ``realized - fees - funding`` and the position's ROI at the
    exit price (:meth:`~astratrade_core.trading.fills.PositionState.roi_percent`, 0 for a
    zero cost basis).

    >>> from datetime import UTC, datetime
    >>> from decimal import Decimal as D
    >>> closed = PositionClosed(event_id="c-9:1", stream_id="ann", occurred_at=datetime(
    ...     2026, 3, 1, tzinfo=UTC), symbol="BTCUSD", quote_currency="USD",
    ...     realized_pnl=D("250"), fees_paid=D("6"), funding_paid=D("-1"), quantity=D("0.1"),
    ...     cost_basis=D("6000"), exit_price=D("62500"))
    >>> (dispatch,) = player_activity(closed)
    >>> c = dispatch.command
    >>> dispatch.stream_id, c.command_id, c.side, c.notional, c.pnl  # 250 - 6 - (-1)
    ('player-ann', 'player:c-9:1', 'sell', Decimal('6000'), Decimal('245'))
    >>> c.pnl_percent   # (0.1 * 62500 - 6000) / 6000 * 100 # doctest: +ELLIPSIS
    Decimal('4.1666666...67')
    """
    if not isinstance(event, PositionClosed):
        return ()
    quantity, cost, exit_price = event.quantity, event.cost_basis, event.exit_price
    if quantity is None or cost is None or exit_price is None:
        return ()   # a version-1 record: not enough to score the trade
    numbers = (quantity, cost, exit_price, event.realized_pnl, event.fees_paid,
               event.funding_paid)
    if not all(n.is_finite() for n in numbers) or quantity.is_zero():
        return ()
    roi = ZERO if cost.is_zero() else _closed_roi(quantity, cost, exit_price,
                                                  event.contract_size)
    net = CONTEXT.subtract(CONTEXT.subtract(event.realized_pnl, event.fees_paid),
                           event.funding_paid)
    command = RecordClosedTrade(
        command_id=f"player:{event.event_id}", user_id=event.stream_id,
        issued_at=event.occurred_at, instrument=event.symbol,
        side="sell" if quantity > 0 else "buy", quantity=CONTEXT.abs(quantity),
        notional=CONTEXT.abs(cost), pnl=net, pnl_percent=roi)
    return (Dispatch(PLAYER.name, player_stream(event.stream_id), command),)


def xp_standings(board_id: str, period: Period) -> Policy:
    """The policy that adds every XP a player earns inside ``period`` to the standings
    ``board_id`` (a season stream opened for :attr:`~.Metric.XP`): command ids
    ``"standings:<board id>:<event id>"``.

    >>> from datetime import UTC, datetime
    >>> from astratrade_core.gamification.periods import PeriodKind
    >>> q1 = Period(PeriodKind.SEASON, "q1", datetime(2026, 1, 1, tzinfo=UTC),
    ...             datetime(2026, 4, 1, tzinfo=UTC))
    >>> gained = XPGained(event_id="p:c-9:1/xp/trade_result", stream_id="player-ann",
    ...                   occurred_at=datetime(2026, 3, 1, tzinfo=UTC), user_id="ann",
    ...                   amount=13, reason="trade_result", source_id="p:c-9:1", total_xp=13)
    >>> (dispatch,) = xp_standings("xp-q1", q1)(gained)
    >>> dispatch.aggregate, dispatch.stream_id, dispatch.command.xp
    ('season', 'xp-q1', 13)
    """
    def policy(event: Event) -> tuple[Dispatch, ...]:
        match event:
            case XPGained():
                amount = event.amount
            case AchievementUnlocked():
                amount = event.xp_reward
            case _:
                return ()
        at = event.occurred_at
        if amount <= 0 or at.utcoffset() is None or not period.contains(at):
            return ()
        return (Dispatch(SEASON.name, board_id, RecordContribution(
            command_id=f"standings:{board_id}:{event.event_id}", board_id=board_id,
            issued_at=at, user_id=event.user_id, xp=amount)),)

    return policy


def clan_victories(event: Event) -> tuple[Dispatch, ...]:
    """Every member of a battle's winning roster is credited with the victory on their
    player stream: one ``RecordClanVictory`` per member of ``winning_members`` (command id
    ``"victory:<event id>:<member>"``, at the battle's resolution time), in roster order.

    A draw (an empty roster) causes nothing, nor does a version-1 record (``winning_members``
    is ``None``: it did not say who fought), nor any other event.

    >>> from datetime import UTC, datetime
    >>> from decimal import Decimal
    >>> won = ClanBattleResolved(event_id="b-1:0", stream_id="b-1", battle_id="b-1",
    ...     occurred_at=datetime(2026, 2, 1, tzinfo=UTC), clan_a="orion", clan_b="lyra",
    ...     score_a=Decimal(40), score_b=Decimal(25), winner="orion", rating_a_before=1500,
    ...     rating_a_after=1516, rating_b_before=1500, rating_b_after=1484,
    ...     winning_members=("ann", "bob"))
    >>> [(d.aggregate, d.stream_id, d.command.command_id) for d in clan_victories(won)]
    [('player', 'player-ann', 'victory:b-1:0:ann'), ('player', 'player-bob', 'victory:b-1:0:bob')]
    >>> clan_victories(attrs.evolve(won, winning_members=None))
    ()
    """
    if not isinstance(event, ClanBattleResolved) or event.winning_members is None:
        return ()
    return tuple(
        Dispatch(PLAYER.name, player_stream(member), RecordClanVictory(
            command_id=f"victory:{event.event_id}:{member}", user_id=member,
            issued_at=event.occurred_at, battle_id=event.battle_id))
        for member in event.winning_members)


# --- revenue: the platform ledger records what the platform earns --------------------------

def _liquidity(value: str) -> Liquidity:
    return Liquidity.MAKER if value == "maker" else Liquidity.TAKER


def trading_fee_revenue(event: Event) -> tuple[Dispatch, ...]:
    """A fill's trading fee, recorded in the platform ledger.

    ``TradeExecuted`` records its fee with its liquidity (``"maker"`` or ``"taker"``); a
    ``PositionLiquidated`` records its liquidation fee as a taker fee.  The notional is
    ``|quantity| * price``, the currency the quote currency, the account the event's stream
    (an inverse fill's, with a ``contract_size``: ``|contracts| * size / price`` in its coin,
    :func:`booked <astratrade_core.portfolio.evolve.book>` at 28 places).
    A zero fee is no revenue and dispatches nothing; a maker rebate (a negative fee) is
    recorded.  The command id is ``f"fee:{event.event_id}"``.

    >>> from datetime import UTC, datetime
    >>> from decimal import Decimal
    >>> fill = TradeExecuted(event_id="c-7:0", stream_id="ann",
    ...     occurred_at=datetime(2026, 1, 2, tzinfo=UTC), symbol="BTCUSD", quote_currency="USD",
    ...     quantity=Decimal("-0.5"), price=Decimal("30000"), fee=Decimal("7.5"),
    ...     liquidity="taker", realized_pnl=Decimal("0"))
    >>> (dispatch,) = trading_fee_revenue(fill)
    >>> dispatch.aggregate, dispatch.stream_id, dispatch.command.command_id
    ('platform-ledger', 'platform-fees', 'fee:c-7:0')
    >>> dispatch.command.notional, dispatch.command.fee, dispatch.command.liquidity.value
    (Decimal('15000.0'), Decimal('7.5'), 'taker')
    """
    match event:
        case TradeExecuted(liquidity=liquidity) if event.fee != 0:
            kind = _liquidity(liquidity)
        case PositionLiquidated() if event.fee != 0:
            kind = Liquidity.TAKER
        case _:
            return ()
    notional = CONTEXT.multiply(CONTEXT.abs(event.quantity), event.price)
    if event.contract_size is not None:   # an inverse fill: its value and fee in coin
        notional = book(CONTEXT.divide(CONTEXT.multiply(CONTEXT.abs(event.quantity),
                                                        event.contract_size), event.price))
    return (Dispatch(PLATFORM_LEDGER.name, PLATFORM_LEDGER_STREAM, RecordTradingFee(
        command_id=f"fee:{event.event_id}", issued_at=event.occurred_at,
        account_id=event.stream_id, liquidity=kind, currency=event.quote_currency,
        notional=notional, fee=event.fee)),)


def _account(event: Event) -> str:
    """Who paid: the subscriber, the buyer or minter, the premium account."""
    match event:
        case SubscriptionCharged() | SubscriptionChanged() | SubscriptionCancelled():
            return event.subscriber_id
        case MarketplaceSale():
            return event.buyer_id
        case NFTMinted():
            return event.owner_id
        case PremiumPurchased():
            return event.account_id
    return event.stream_id


def platform_revenue(event: Event) -> tuple[Dispatch, ...]:
    """Revenue earned in another stream -- a subscription charge, proration or refund, a
    mint's or a sale's platform fees, a premium purchase -- booked in the platform ledger.

    The amount and stream are what :func:`~astratrade_core.revenue.ledger.revenue_entry`
    books for the event (a zero proration too, so the ledger counts what a projection of
    every stream counts); trading fees, which the ledger records itself, dispatch nothing.
    The command id is ``f"book:{event.event_id}"``.

    >>> from datetime import UTC, date, datetime
    >>> from decimal import Decimal
    >>> charge = SubscriptionCharged(event_id="s-1:1", stream_id="subscription-ann",
    ...     occurred_at=datetime(2026, 1, 1, tzinfo=UTC), subscriber_id="ann",
    ...     plan_id="navigator", currency="USD", amount=Decimal("9.95"),
    ...     period_start=date(2026, 1, 1), period_end=date(2026, 2, 1))
    >>> (dispatch,) = platform_revenue(charge)
    >>> c = dispatch.command
    >>> c.command_id, c.source_event_id, c.stream.value, c.account_id, c.amount
    ('book:s-1:1', 's-1:1', 'subscriptions', 'ann', Decimal('9.95'))
    """
    match revenue_entry(event):
        case Some(entry) if entry.stream is not RevenueStream.TRADING_FEES:
            return (Dispatch(PLATFORM_LEDGER.name, PLATFORM_LEDGER_STREAM, BookRevenue(
                command_id=f"book:{event.event_id}", issued_at=event.occurred_at,
                source_event_id=event.event_id, stream=entry.stream,
                account_id=_account(event), currency=entry.currency, amount=entry.amount)),)
    return ()


#: The revenue policies, for the shell to run on every stored event.
REVENUE_POLICIES: tuple[Policy, ...] = (trading_fee_revenue, platform_revenue)
