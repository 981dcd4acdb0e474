"""Orders and closes book their fills through the group commit (service.writes), and
concurrent requests stay exact: one account's orders are served one at a time, a retried
command id never trades twice, and orders on different accounts proceed side by side."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest

from astratrade_core.portfolio import PORTFOLIO, Deposit
from astratrade_shell.exchanges.port import Side
from astratrade_shell.service.orders import close_position, place_order
from astratrade_shell.service.platform import Platform
from astratrade_shell.service.writes import WriteQueue
from tests.shell.service.support import Service


def _platform(service: Service) -> Platform:
    found: Platform = service.client.app.state.platform  # type: ignore[attr-defined]
    return found


def _fund(platform: Platform, account: str) -> None:
    platform.writes.execute(PORTFOLIO, account, Deposit(
        command_id=f"fund-{account}", account_id=account, issued_at=platform.app.now(),
        currency="USD", amount=Decimal(100000))).unwrap()


def _together(count: int, work: Any) -> list[Any]:
    """``work(n)`` in ``count`` threads released at once; the answers (or exceptions)."""
    start = threading.Barrier(count)
    answers: list[Any] = [None] * count

    def run(n: int) -> None:
        start.wait()
        try:
            answers[n] = work(n)
        except Exception as exc:  # collected and asserted on by the caller
            answers[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def test_fills_and_closes_are_stored_through_the_group_commit(
        service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    platform = _platform(service)
    _fund(platform, "ann")
    queued: list[str] = []
    original = WriteQueue.execute

    def spy(self: WriteQueue, aggregate: Any, stream_id: str, command: Any) -> Any:
        queued.append(command.command_id)
        return original(self, aggregate, stream_id, command)

    monkeypatch.setattr(WriteQueue, "execute", spy)
    records, duplicate = place_order(platform, "ann", "o-1", symbol="BTCUSD", side=Side.BUY,
                                     quantity=Decimal("0.01"))
    assert not duplicate and [r.event_type for r in records] == ["TradeExecuted"]
    closed, _ = close_position(platform, "ann", "c-1", "BTCUSD")
    assert [r.event_type for r in closed] == ["TradeExecuted", "PositionClosed"]
    assert queued == ["o-1:trade:0", "c-1:trade:0"]   # each fill went through the queue


def test_concurrent_retries_of_one_order_trade_once(service: Service) -> None:
    platform = _platform(service)
    _fund(platform, "ann")
    answers = _together(6, lambda _: place_order(platform, "ann", "same", symbol="BTCUSD",
                                                 side=Side.BUY, quantity=Decimal("0.01")))
    assert not [a for a in answers if isinstance(a, Exception)], answers
    assert sorted(duplicate for _, duplicate in answers) == [False] + [True] * 5
    assert len({tuple(r.position for r in records) for records, _ in answers}) == 1
    state = platform.app.load(PORTFOLIO, "ann").state
    assert state.position("BTCUSD").quantity == Decimal("0.01")   # one trade, not six


def test_orders_on_many_accounts_at_once_are_all_booked(service: Service) -> None:
    platform = _platform(service)
    accounts = [f"u{n}" for n in range(8)]
    for account in accounts:
        _fund(platform, account)
    answers = _together(8, lambda n: place_order(platform, accounts[n], f"o-{n}",
                                                 symbol="BTCUSD", side=Side.BUY,
                                                 quantity=Decimal("0.01")))
    assert not [a for a in answers if isinstance(a, Exception)], answers
    for account in accounts:
        held = platform.app.load(PORTFOLIO, account).state.position("BTCUSD").quantity
        assert held == Decimal("0.01")
    # the venue saw each order once
    assert all(platform.exchange.position(a, "BTCUSD") == Decimal("0.01") for a in accounts)
