"""Orders on the paper exchange, booked through ``Application.execute``.

The journey of a trade (docs/architecture.md, section 5) for one HTTP request:

1. the order is first *decided* against the account (the platform's
   :data:`~astratrade_shell.community.POLICY` at the venue's price): a breach of a pre-trade
   limit is stored as ``RiskLimitHit`` under the command id and answered as a refusal -- the
   order never reaches the venue;
2. otherwise the venue fills it (``client_order_id`` = the command id, so a retried submission
   never trades twice on a venue that remembers it);
3. each execution becomes an ``ExecuteTrade`` whose command id derives from the command id
   (:func:`~astratrade_shell.exchanges.ccxt_venue.fill_commands`), executed through the
   application -- so a retried request never books a fill twice, whichever process serves it.

Closing a position sends the opposite market order for its whole size; a reducing fill is
never blocked by limits and ends in ``PositionClosed``.

Concurrency: the orders of one account are served one at a time in a process (a lock per
account), so a retried request and the order it repeats never overlap and each decision
sees the fills booked before it; the venue is called under its own lock (the paper exchange
is not thread-safe).  The decision in step 1 (and a refusal's record) runs under the
process's write lock; the fills of step 3 go through the group commit
(:mod:`~astratrade_shell.service.writes`), stored in one transaction with whatever other
commands arrive meanwhile -- the process no longer holds its write lock across an order's
venue call and commits.  A withdrawal on the same account that lands between the decision
and the booking is seen by the booking (``ExecuteTrade`` decides the limits again), exactly
as when another API process serves it.  Only market orders are accepted
until prices move in the service (the market loop arrives with ``serve --demo``).
"""

from __future__ import annotations

import threading
from decimal import Decimal

from pyrsistent import pmap
from returns.maybe import Some
from returns.result import Failure

from astratrade_core.errors import DomainError, ErrorKind
from astratrade_core.events.trading import RiskLimitHit
from astratrade_core.numeric import CONTEXT
from astratrade_core.portfolio import PORTFOLIO, ExecuteTrade, PortfolioState
from astratrade_shell.app import Executed
from astratrade_shell.exchanges.ccxt_venue import fill_commands
from astratrade_shell.exchanges.port import OrderKind, OrderRequest, Side
from astratrade_shell.projections import decode_record
from astratrade_shell.service.platform import Platform
from astratrade_shell.service.problems import ProblemError
from astratrade_shell.store.records import StoredEvent

__all__ = ["close_position", "place_order"]


def _earlier(platform: Platform, command_id: str) -> tuple[StoredEvent, ...] | None:
    """What an earlier request with this command id stored (a retry), if anything."""
    for probe in (command_id, f"{command_id}:trade:0"):
        found = platform.store.find_command(probe)
        if isinstance(found, Some):
            records: tuple[StoredEvent, ...] = found.unwrap().records
            return records
    return None


def _refusal(platform: Platform, records: tuple[StoredEvent, ...]) -> ProblemError | None:
    """The problem for a stored ``RiskLimitHit``: every breached limit is a cause."""
    if not records or records[0].event_type != "RiskLimitHit":
        return None
    hit = decode_record(records[0], platform.app.registry)
    breaches = hit.breaches if isinstance(hit, RiskLimitHit) else ()
    return ProblemError(DomainError(
        "risk.limit_hit", ErrorKind.REJECTED, "the order breaks the platform's pre-trade "
        "limits; the refusal is recorded and nothing was sent to the venue",
        pmap({"position": str(records[0].position)}),
        tuple(DomainError.rejected(b.code, f"{b.code}: {b.actual} exceeds {b.limit}",
                                   limit=b.limit, actual=b.actual) for b in breaches)))


def _account_lock(platform: Platform, account_id: str) -> threading.Lock:
    """The lock serving one account's orders in this process."""
    found = platform.order_locks.get(account_id)
    if found is None:
        found = platform.order_locks.setdefault(account_id, threading.Lock())  # atomic
    return found


def _book(platform: Platform, account_id: str, command_id: str, symbol: str,
          signed: Decimal) -> tuple[tuple[StoredEvent, ...], bool]:
    """Submit and book one market order (the caller holds the account's order lock)."""
    earlier = _earlier(platform, command_id)
    if earlier is not None:
        refusal = _refusal(platform, earlier)
        if refusal is not None:
            raise refusal
        return earlier, True
    price = platform.exchange.price(symbol)
    quote = platform.quote_currency.get(symbol)
    if price is None or quote is None:
        raise ProblemError(DomainError.not_found("exchange.unknown_symbol",
                                                 f"no market {symbol[:20]!r}", symbol=symbol[:20]))
    now = platform.app.now()
    probe = ExecuteTrade(command_id=command_id, account_id=account_id, issued_at=now,
                         symbol=symbol, quote_currency=quote, quantity=signed, price=price,
                         policy=platform.policy)
    with platform.writing:
        state = platform.app.load(PORTFOLIO, account_id).state
        decided = PORTFOLIO.decide(state, probe)
        if isinstance(decided, Failure):
            raise ProblemError(decided.failure())
        if isinstance(decided.unwrap()[0], RiskLimitHit):
            platform.app.execute(PORTFOLIO, account_id, probe)  # the refusal is recorded
            refusal = _refusal(platform, tuple(
                platform.store.find_command(command_id).unwrap().records))
            raise refusal or AssertionError("a RiskLimitHit was just stored")
    side = Side.BUY if signed > 0 else Side.SELL
    with platform.venue:
        report = platform.exchange.submit(OrderRequest(
            client_order_id=command_id, account_id=account_id, symbol=symbol, side=side,
            quantity=CONTEXT.abs(signed), kind=OrderKind.MARKET))
    if isinstance(report, Failure):
        raise ProblemError(report.failure())
    records: list[StoredEvent] = []
    for command in fill_commands(report.unwrap(), quote_currency=quote, policy=platform.policy,
                                 issued_at=now):
        records.extend(_executed(platform, account_id, command).records)
    return tuple(records), False


def _executed(platform: Platform, account_id: str,
              command: ExecuteTrade) -> Executed[PortfolioState]:
    outcome = platform.writes.execute(PORTFOLIO, account_id, command)  # group commit
    if isinstance(outcome, Failure):
        raise ProblemError(outcome.failure())
    return outcome.unwrap()


def place_order(platform: Platform, account_id: str, command_id: str, *, symbol: str,
                side: Side, quantity: Decimal) -> tuple[tuple[StoredEvent, ...], bool]:
    """Decide, submit and book a market order; the stored records and whether the request
    was a retry."""
    if quantity <= 0:
        raise ProblemError(DomainError.invalid("order.quantity", "quantity: must be positive"))
    signed = quantity if side is Side.BUY else CONTEXT.minus(quantity)
    with _account_lock(platform, account_id):
        return _book(platform, account_id, command_id, symbol, signed)


def close_position(platform: Platform, account_id: str, command_id: str,
                   symbol: str) -> tuple[tuple[StoredEvent, ...], bool]:
    """Close the whole position in ``symbol`` with the opposite market order."""
    with _account_lock(platform, account_id):
        earlier = _earlier(platform, command_id)
        if earlier is not None:
            return earlier, True
        with platform.writing:
            held = platform.app.load(PORTFOLIO, account_id).state.position(symbol).quantity
        if held == 0:
            raise ProblemError(DomainError.not_found("portfolio.no_position",
                                                     f"no open position in {symbol[:20]}",
                                                     symbol=symbol[:20]))
        return _book(platform, account_id, command_id, symbol, CONTEXT.minus(held))
