"""Commands the shell sends to a portfolio: intentions, validated by ``decide``.

Every command carries what the core must not invent: ``command_id`` (the events it produces
get the ids ``f"{command_id}:{n}"``, ``n = 0, 1, ...``), ``account_id`` (the events'
``stream_id``) and ``issued_at`` (their ``occurred_at``; an aware datetime).  Amounts are
``Decimal`` values parsed by the shell (``astratrade_core.numeric.parse_decimal``);
``decide`` checks their types, bounds and signs again
(``astratrade_core.numeric.check_decimal``: a ``str`` or ``float`` in a ``Decimal`` field is
refused) and reports every problem at once.  ``issued_at`` must be aware and lie in
``[EARLIEST_ISSUED_AT, LATEST_ISSUED_AT)``, so day and hour arithmetic never leaves
``datetime``'s range.

>>> from datetime import UTC, datetime
>>> from decimal import Decimal
>>> Deposit(command_id="c-1", account_id="acct-1", issued_at=datetime(2026, 1, 1, tzinfo=UTC),
...         currency="USD", amount=Decimal("100")).event_id(1)
'c-1:1'
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

import attrs

from astratrade_core.numeric import ZERO
from astratrade_core.risk.limits import RiskPolicy
from astratrade_core.trading.fills import Liquidity
from astratrade_core.trading.orders import PositionMode, PositionSide

__all__ = [
    "EARLIEST_ISSUED_AT",
    "LATEST_ISSUED_AT",
    "ApplyFunding",
    "ChargeFee",
    "ClosePosition",
    "Command",
    "Deposit",
    "ExecuteTrade",
    "LiquidatePosition",
    "MarkPrice",
    "SetPositionMode",
    "Withdraw",
]

#: The earliest ``issued_at`` a command may carry (inclusive).
EARLIEST_ISSUED_AT: Final = datetime(1900, 1, 1, tzinfo=UTC)
#: The bound ``issued_at`` must stay below.
LATEST_ISSUED_AT: Final = datetime(9999, 1, 1, tzinfo=UTC)


@attrs.frozen(kw_only=True)
class Command:
    """Identity, account and time of a command, supplied by the shell."""

    command_id: str
    account_id: str
    issued_at: datetime

    def event_id(self, n: int) -> str:
        """The id of the ``n``-th event this command produces."""
        return f"{self.command_id}:{n}"

    def envelope(self, n: int) -> dict[str, Any]:
        """The envelope fields of the ``n``-th event this command produces: its id, the
        account's stream and the command's time."""
        return {"event_id": self.event_id(n), "stream_id": self.account_id,
                "occurred_at": self.issued_at}


@attrs.frozen(kw_only=True)
class Deposit(Command):
    """Credit ``amount`` (> 0) of ``currency``."""

    currency: str
    amount: Decimal


@attrs.frozen(kw_only=True)
class Withdraw(Command):
    """Debit ``amount`` (> 0); refused if cash or equity in ``currency`` would go negative."""

    currency: str
    amount: Decimal


@attrs.frozen(kw_only=True)
class ChargeFee(Command):
    """Charge a fee outside any fill (> 0); refused if cash would go negative."""

    currency: str
    amount: Decimal
    reason: str


@attrs.frozen(kw_only=True)
class ExecuteTrade(Command):
    """Record a fill of signed ``quantity`` at ``price`` with ``fee`` (quote currency,
    negative = rebate) on the leg ``position_side``, subject to ``policy`` when it adds
    exposure.  In hedge mode a ``LONG`` leg is opened by buys and closed by sells (never below
    zero), a ``SHORT`` leg the reverse.  With a ``contract_size`` (> 0) the instrument is
    inverse: ``quantity`` counts contracts and ``quote_currency`` names the coin the fill
    settles in (its fee and P&L; see :mod:`astratrade_core.portfolio.inverse`)."""

    symbol: str
    quote_currency: str
    quantity: Decimal
    price: Decimal
    policy: RiskPolicy
    fee: Decimal = ZERO
    liquidity: Liquidity = Liquidity.TAKER
    position_side: PositionSide = PositionSide.BOTH
    contract_size: Decimal | None = None


@attrs.frozen(kw_only=True)
class ClosePosition(Command):
    """Close the whole position (leg ``position_side``) in ``symbol`` at ``price`` (never
    blocked by limits); for an inverse leg ``fee`` is in its coin."""

    symbol: str
    price: Decimal
    fee: Decimal = ZERO
    liquidity: Liquidity = Liquidity.TAKER
    position_side: PositionSide = PositionSide.BOTH


@attrs.frozen(kw_only=True)
class LiquidatePosition(Command):
    """The venue liquidated the whole position (leg ``position_side``) in ``symbol`` at
    ``price``, charging ``fee``."""

    symbol: str
    price: Decimal
    fee: Decimal = ZERO
    position_side: PositionSide = PositionSide.BOTH


@attrs.frozen(kw_only=True)
class SetPositionMode(Command):
    """Switch the account to one-way or hedge ``mode``; refused while any position is open
    (Binance -4068), a no-op when the account is already in that mode."""

    mode: PositionMode


@attrs.frozen(kw_only=True)
class ApplyFunding(Command):
    """Settle funding on every open leg of ``symbol``: ``quantity * mark_price * rate`` paid
    (> 0) or received (< 0) by each (in hedge mode the long and the short leg settle
    separately, so with a positive rate one pays and the other receives)."""

    symbol: str
    rate: Decimal
    mark_price: Decimal


@attrs.frozen(kw_only=True)
class MarkPrice(Command):
    """Set the mark price of ``symbol`` (> 0)."""

    symbol: str
    price: Decimal
