"""Pre-trade risk limits: a policy value, the exposure a trade would create, every breach.

:class:`RiskPolicy` holds the limits (``None`` switches an optional one off);
:class:`Exposure` is what the account would look like **after** the proposed trade, in the
trade's quote currency; :func:`evaluate` returns **all** breached limits as
:class:`~astratrade_core.events.trading.LimitBreach` values (empty when the trade may go
ahead).  The portfolio's ``decide`` builds the exposure and records a ``RiskLimitHit`` event
instead of the trade when anything is breached.

Limits and their stable codes (a limit is breached when the actual value is *strictly* above
it, except the daily loss limit, breached once the day's loss has *reached* it):

==============================  ================================================================
``risk.insufficient_cash``      cash after the trade's fee and realized P&L is negative (always on)
``risk.non_positive_equity``    equity (cash + unrealized) after the trade is ``<= 0`` (always on)
``risk.max_leverage``           gross notional / equity
``risk.max_position_notional``  ``|position| * price`` in the traded symbol
``risk.max_concentration``      that notional / equity (a fraction: ``0.25`` = 25 %)
``risk.daily_loss_limit``       today's net realized loss (positive amount)
``risk.max_open_positions``     open positions, account-wide
``risk.max_trades_per_window``  trades inside ``trade_window``, this one included
==============================  ================================================================

Ratios are compared without dividing (``gross > max_leverage * equity``), so the verdict is
exact; the reported ``actual`` ratio is divided under :data:`~astratrade_core.numeric.CONTEXT`.
With non-positive equity the two ratio limits are not evaluated (the equity breach says why).

>>> from decimal import Decimal as D
>>> policy = RiskPolicy.of(max_leverage="5", max_open_positions=2).unwrap()
>>> after = Exposure(cash=D("1000"), equity=D("1000"), gross_notional=D("6000"),
...                  symbol_notional=D("6000"), open_positions=3, day_loss=D("0"),
...                  trades_in_window=1)
>>> for b in evaluate(policy, after):  # 6000 / 1000 = 6 > 5; 3 > 2
...     print(b.code, b.limit, b.actual)
risk.max_leverage 5 6
risk.max_open_positions 2 3
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Final

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.events.trading import LimitBreach
from astratrade_core.numeric import CONTEXT, ZERO, DecimalInput, parse_positive

__all__ = ["MAX_TRADE_WINDOW", "Exposure", "RiskPolicy", "adds_exposure", "evaluate", "check"]

#: The longest ``trade_window`` a policy may use (the portfolio remembers a day of trades).
MAX_TRADE_WINDOW: Final = timedelta(hours=24)

_mul = CONTEXT.multiply
_div = CONTEXT.divide


@attrs.frozen(kw_only=True)
class RiskPolicy:
    """Pre-trade limits.  Amounts are in the traded instrument's quote currency; build with
    :meth:`of` to validate."""

    max_leverage: Decimal
    max_position_notional: Decimal | None = None
    max_concentration: Decimal | None = None
    daily_loss_limit: Decimal | None = None
    max_open_positions: int | None = None
    max_trades_per_window: int | None = None
    trade_window: timedelta = MAX_TRADE_WINDOW

    @classmethod
    def of(cls, *, max_leverage: DecimalInput, max_position_notional: DecimalInput | None = None,
           max_concentration: DecimalInput | None = None,
           daily_loss_limit: DecimalInput | None = None,
           max_open_positions: int | None = None, max_trades_per_window: int | None = None,
           trade_window: timedelta = MAX_TRADE_WINDOW) -> Result[RiskPolicy, DomainError]:
        """Validate every limit (positive numbers, counts >= 0, window in ``(0, 24 h]``),
        reporting all problems at once.

        >>> RiskPolicy.of(max_leverage="0", max_open_positions=-1).failure().codes()
        ('numeric.not_positive', 'risk.invalid_count')
        """
        problems: list[DomainError] = []

        def positive(value: DecimalInput | None, name: str) -> Decimal | None:
            if value is None:
                return None
            parsed = parse_positive(value, name)
            if isinstance(parsed, Failure):
                problems.append(parsed.failure())
            return parsed.value_or(None)

        def count(value: int | None, name: str) -> None:
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 0):
                problems.append(DomainError.invalid("risk.invalid_count",
                                               f"{name}: must be a whole number >= 0",
                                               field=name, value=value))

        leverage = positive(max_leverage, "max_leverage")
        notional = positive(max_position_notional, "max_position_notional")
        concentration = positive(max_concentration, "max_concentration")
        loss = positive(daily_loss_limit, "daily_loss_limit")
        count(max_open_positions, "max_open_positions")
        count(max_trades_per_window, "max_trades_per_window")
        if not timedelta(0) < trade_window <= MAX_TRADE_WINDOW:
            problems.append(DomainError.invalid("risk.invalid_window",
                                           "trade_window: must be in (0, 24 h]",
                                           field="trade_window", value=trade_window))
        if problems or leverage is None:
            return Failure(DomainError.all_of("risk.invalid_policy", problems))
        return Success(cls(max_leverage=leverage, max_position_notional=notional,
                           max_concentration=concentration, daily_loss_limit=loss,
                           max_open_positions=max_open_positions,
                           max_trades_per_window=max_trades_per_window,
                           trade_window=trade_window))


@attrs.frozen(kw_only=True)
class Exposure:
    """The account after a proposed trade, in the trade's quote currency.

    ``cash`` and ``equity`` (cash + unrealized P&L at marks) after the fill;
    ``gross_notional`` sums ``|quantity| * mark`` over open positions in that currency;
    ``symbol_notional`` is the traded symbol's; ``open_positions`` counts every non-flat
    position; ``day_loss`` is today's net realized loss before the trade (positive = loss);
    ``trades_in_window`` counts the policy window's trades including this one."""

    cash: Decimal
    equity: Decimal
    gross_notional: Decimal
    symbol_notional: Decimal
    open_positions: int
    day_loss: Decimal
    trades_in_window: int


def evaluate(policy: RiskPolicy, exposure: Exposure) -> tuple[LimitBreach, ...]:
    """Every limit the exposure breaches, in the order of the table above.

    >>> from decimal import Decimal as D
    >>> policy = RiskPolicy(max_leverage=D("10"), max_concentration=D("0.5"))
    >>> fine = Exposure(cash=D("100"), equity=D("120"), gross_notional=D("1200"),
    ...                 symbol_notional=D("60"), open_positions=1, day_loss=D("0"),
    ...                 trades_in_window=1)
    >>> evaluate(policy, fine)
    ()
    >>> [b.code for b in evaluate(policy, attrs.evolve(fine, cash=D("-1"), equity=D("0")))]
    ['risk.insufficient_cash', 'risk.non_positive_equity']
    """
    found: list[LimitBreach] = []
    equity = exposure.equity
    if exposure.cash < 0:
        found.append(LimitBreach("risk.insufficient_cash", ZERO, exposure.cash))
    if equity <= 0:
        found.append(LimitBreach("risk.non_positive_equity", ZERO, equity))
    elif exposure.gross_notional > _mul(policy.max_leverage, equity):
        found.append(LimitBreach("risk.max_leverage", policy.max_leverage,
                                 _div(exposure.gross_notional, equity)))
    cap = policy.max_position_notional
    if cap is not None and exposure.symbol_notional > cap:
        found.append(LimitBreach("risk.max_position_notional", cap, exposure.symbol_notional))
    share = policy.max_concentration
    if share is not None and equity > 0 and exposure.symbol_notional > _mul(share, equity):
        found.append(LimitBreach("risk.max_concentration", share,
                                 _div(exposure.symbol_notional, equity)))
    loss = policy.daily_loss_limit
    if loss is not None and exposure.day_loss >= loss:
        found.append(LimitBreach("risk.daily_loss_limit", loss, exposure.day_loss))
    most = policy.max_open_positions
    if most is not None and exposure.open_positions > most:
        found.append(LimitBreach("risk.max_open_positions", Decimal(most),
                                 Decimal(exposure.open_positions)))
    trades = policy.max_trades_per_window
    if trades is not None and exposure.trades_in_window > trades:
        found.append(LimitBreach("risk.max_trades_per_window", Decimal(trades),
                                 Decimal(exposure.trades_in_window)))
    return tuple(found)


def check(policy: RiskPolicy, exposure: Exposure) -> Result[Exposure, DomainError]:
    """:func:`evaluate` as a ``Result``: the exposure, or one error whose causes are all the
    breaches (code ``risk.limits``; each cause carries ``limit`` and ``actual``).

    >>> from decimal import Decimal as D
    >>> policy = RiskPolicy(max_leverage=D("2"), daily_loss_limit=D("50"))
    >>> heavy = Exposure(cash=D("10"), equity=D("10"), gross_notional=D("30"),
    ...                  symbol_notional=D("30"), open_positions=1, day_loss=D("50"),
    ...                  trades_in_window=1)
    >>> check(policy, heavy).failure().codes()
    ('risk.max_leverage', 'risk.daily_loss_limit')
    """
    breaches = evaluate(policy, exposure)
    if not breaches:
        return Success(exposure)
    return Failure(DomainError.all_of("risk.limits", [
        DomainError.rejected(
            b.code, f"{b.code.removeprefix('risk.')}: {b.actual} exceeds {b.limit}",
                       limit=b.limit, actual=b.actual) for b in breaches]))


def adds_exposure(before: Decimal, after: Decimal) -> bool:
    """Whether a position going from ``before`` to ``after`` (signed sizes) takes on risk:
    it opens, reverses or grows; a reduction or a close never needs the limits.

    >>> adds_exposure(Decimal(2), Decimal(3)), adds_exposure(Decimal(2), Decimal(-1))
    (True, True)
    >>> adds_exposure(Decimal(2), Decimal(1)), adds_exposure(Decimal(2), Decimal(0))
    (False, False)
    """
    if after == 0:
        return False
    return (before == 0 or (before > 0) != (after > 0)
            or CONTEXT.abs(after) > CONTEXT.abs(before))
