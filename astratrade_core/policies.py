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
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from astratrade_core.aggregate import Command
from astratrade_core.events.envelope import Event
from astratrade_core.events.gamification import AchievementUnlocked, XPGained
from astratrade_core.events.trading import PositionClosed
from astratrade_core.gamification.periods import Period
from astratrade_core.gamification.player import PLAYER, RecordClosedTrade, player_stream
from astratrade_core.gamification.season import SEASON, RecordContribution
from astratrade_core.numeric import CONTEXT, ZERO
from astratrade_core.trading.fills import PositionState

__all__ = ["Dispatch", "Policy", "player_activity", "xp_standings"]


@attrs.frozen
class Dispatch:
    """``command`` for the stream ``stream_id`` of the aggregate named ``aggregate``."""

    aggregate: str
    stream_id: str
    command: Command


#: An event in, the commands it causes out (usually none).
Policy = Callable[[Event], tuple[Dispatch, ...]]


# --- the game -------------------------------------------------------------------------------


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
    roi = ZERO if cost.is_zero() else PositionState(quantity, cost).roi_percent(
        exit_price).value_or(ZERO)
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
