"""Vault and Exchange behaviour, executed in the VM: balances, settlement, liquidation, events."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from astratrade_core.numeric import WAD
from astratrade_core.trading import pnl_wad
from astratrade_shell.starknet.backend import ContractReverted
from astratrade_shell.starknet.clients import ExchangeClient, VaultClient, from_signed
from astratrade_shell.starknet.local import LocalBackend
from tests.contracts.conftest import ALICE, BOB, FEES, OPERATOR, OWNER, POOL, STRANGER, USDC

BTC = int.from_bytes(b"BTC-USD", "big")
MMR = WAD // 200  # 0.5 % maintenance margin


def wad(value: str) -> int:
    return int(Decimal(value) * WAD)


class Venue:
    """A Vault and an Exchange wired together, the pool funded, one market listed."""

    def __init__(self, backend: LocalBackend) -> None:
        self.vault = VaultClient.deploy(backend, caller=OWNER, owner=OWNER, pool=POOL,
                                        fee_recipient=FEES)
        self.exchange = ExchangeClient.deploy(backend, caller=OWNER, owner=OWNER,
                                              vault=self.vault.address)
        self.vault.set_operator(OWNER, self.exchange.address, True)
        self.exchange.set_operator(OWNER, OPERATOR, True)
        self.exchange.list_market(OWNER, BTC, USDC, MMR)
        self.vault.deposit(POOL, USDC, wad("100000"))

    def balances(self, *accounts: int) -> tuple[int, ...]:
        return tuple(self.vault.balance_of(a, USDC) for a in accounts)

    def fill(self, user: int, *, buy: bool, quantity: str, price: str, fee: str = "0") -> int:
        receipt = self.exchange.record_fill(OPERATOR, user, BTC, is_buy=buy,
                                            quantity=wad(quantity), price=wad(price), fee=wad(fee))
        return from_signed(receipt.result[0])


@pytest.fixture
def venue(backend: LocalBackend) -> Venue:
    return Venue(backend)


def test_deposit_and_withdraw_emit_keyed_events(venue: Venue) -> None:
    receipt = venue.vault.deposit(ALICE, USDC, wad("250"))
    (event,) = receipt.named("Deposited")
    assert event.from_address == venue.vault.address
    assert event.fields == {"user": ALICE, "asset": USDC, "amount": wad("250"),
                            "balance": wad("250")}
    # keys: selector, user, asset (the #[key] fields); data: amount and balance as u256 limbs.
    raw = receipt.outcome.events[0]
    assert raw.keys[1:] == (ALICE, USDC)
    assert raw.data == (wad("250"), 0, wad("250"), 0)
    (event,) = venue.vault.withdraw(ALICE, USDC, wad("100")).named("Withdrawn")
    assert event.fields["balance"] == wad("150")


def test_withdraw_beyond_balance_and_zero_amounts_revert(venue: Venue) -> None:
    venue.vault.deposit(ALICE, USDC, 5)
    with pytest.raises(ContractReverted, match="vault: insufficient balance"):
        venue.vault.withdraw(ALICE, USDC, 6)
    with pytest.raises(ContractReverted, match="vault: amount is zero"):
        venue.vault.deposit(ALICE, USDC, 0)
    assert venue.balances(ALICE) == (5,)


def test_pause_stops_deposits_until_unpaused(venue: Venue) -> None:
    (event,) = venue.vault.pause(OWNER).named("Paused")
    assert event.fields == {"account": OWNER}
    with pytest.raises(ContractReverted, match="pausable: paused"):
        venue.vault.deposit(ALICE, USDC, 1)
    venue.vault.unpause(OWNER)
    venue.vault.deposit(ALICE, USDC, 1)
    assert venue.balances(ALICE) == (1,)


def test_profit_comes_from_the_pool_and_fees_go_to_the_recipient(venue: Venue) -> None:
    venue.vault.deposit(ALICE, USDC, wad("1000"))
    assert venue.fill(ALICE, buy=True, quantity="0.5", price="40000", fee="2") == 0
    # Closing 0.5 at 41,000: profit 0.5 * 1,000 = 500; fee 2 on each fill.
    assert venue.fill(ALICE, buy=False, quantity="0.5", price="41000", fee="2") == wad("500")
    alice, pool, fees = venue.balances(ALICE, POOL, FEES)
    assert alice == wad("1000") + wad("500") - wad("4")
    assert pool == wad("100000") - wad("500")
    assert fees == wad("4")
    assert venue.exchange.position(ALICE, BTC).quantity == 0


def test_a_loss_is_debited_never_credited(venue: Venue) -> None:
    venue.vault.deposit(ALICE, USDC, wad("1000"))
    venue.fill(ALICE, buy=True, quantity="1", price="100")
    receipt = venue.exchange.record_fill(OPERATOR, ALICE, BTC, is_buy=False, quantity=wad("1"),
                                         price=wad("90"), fee=0)
    assert from_signed(receipt.result[0]) == -wad("10")
    (event,) = receipt.named("FillRecorded")
    assert event.fields["realized_pnl"] == {"mag": wad("10"), "neg": True}
    # The Vault's own event, emitted inside the same transaction, keyed by user and asset.
    (raw,) = [e for e in receipt.outcome.events if e.from_address == venue.vault.address]
    settled = venue.vault.abi.decode_event(raw)
    assert settled is not None
    assert settled.name == "Settled"
    assert raw.keys[1:] == (ALICE, USDC)
    assert settled.fields["pnl"] == {"mag": wad("10"), "neg": True}
    assert settled.fields["balance"] == wad("990")
    assert venue.balances(ALICE, POOL) == (wad("990"), wad("100010"))


def test_short_reversal_realizes_and_reopens_at_the_fill_price(venue: Venue) -> None:
    venue.vault.deposit(ALICE, USDC, wad("1000"))
    venue.fill(ALICE, buy=False, quantity="2", price="50")
    venue.fill(ALICE, buy=False, quantity="2", price="60")  # average entry 55
    assert venue.exchange.position(ALICE, BTC).entry_price == wad("55")
    # Buying 5 at 52 closes the 4 short (+3 each = +12) and opens 1 long at 52.
    assert venue.fill(ALICE, buy=True, quantity="5", price="52") == wad("12")
    position = venue.exchange.position(ALICE, BTC)
    assert (position.quantity, position.entry_price, position.is_long) == (wad("1"), wad("52"),
                                                                           True)


def test_realized_pnl_is_the_cores_pnl_wad(venue: Venue) -> None:
    venue.vault.deposit(ALICE, USDC, wad("1000"))
    venue.fill(ALICE, buy=True, quantity="0.3", price="33.333333333333333333")
    realized = venue.fill(ALICE, buy=False, quantity="0.1", price="33.000000000000000007")
    assert realized == pnl_wad(wad("0.1"), wad("33.333333333333333333"),
                               wad("33.000000000000000007"), True).unwrap()


def test_liquidation_only_below_maintenance_and_only_by_an_operator(venue: Venue) -> None:
    venue.vault.deposit(ALICE, USDC, wad("100"))
    venue.fill(ALICE, buy=True, quantity="1", price="1000")
    # At 901: equity 100 - 99 = 1 < maintenance 901 * 0.005 = 4.505 -> liquidatable.
    # At 905: equity 5 >= 4.525 -> healthy.
    assert not venue.exchange.is_liquidatable(ALICE, BTC, wad("905"))
    with pytest.raises(ContractReverted, match="exchange: position is healthy"):
        venue.exchange.liquidate(OPERATOR, ALICE, BTC, wad("905"))
    with pytest.raises(ContractReverted, match="access: caller not operator"):
        venue.exchange.liquidate(STRANGER, ALICE, BTC, wad("901"))
    receipt = venue.exchange.liquidate(OPERATOR, ALICE, BTC, wad("901"))
    (event,) = receipt.named("Liquidated")
    assert event.fields["realized_pnl"] == {"mag": wad("99"), "neg": True}
    assert event.fields["bad_debt"] == 0
    assert venue.balances(ALICE, POOL) == (wad("1"), wad("100099"))
    assert venue.exchange.position(ALICE, BTC).quantity == 0


def test_liquidation_past_zero_takes_the_balance_and_reports_bad_debt(venue: Venue) -> None:
    venue.vault.deposit(ALICE, USDC, wad("100"))
    venue.fill(ALICE, buy=True, quantity="1", price="1000")
    (event,) = venue.exchange.liquidate(OPERATOR, ALICE, BTC, wad("850")).named("Liquidated")
    assert event.fields["bad_debt"] == wad("50")
    assert venue.balances(ALICE, POOL) == (0, wad("100100"))


FILLS = st.lists(st.tuples(st.sampled_from([ALICE, BOB]), st.booleans(),
                           st.integers(1, 5), st.integers(90, 110), st.integers(0, 3)),
                 min_size=1, max_size=5)


@settings(max_examples=5, database=None)
@given(FILLS)
def test_settlement_conserves_every_balance(backend: LocalBackend,
                                            fills: list[tuple[int, bool, int, int, int]]) -> None:
    venue = Venue(backend)
    for user in (ALICE, BOB):
        venue.vault.deposit(user, USDC, wad("10000"))
    for user, buy, quantity, price, fee in fills:
        venue.fill(user, buy=buy, quantity=str(quantity), price=str(price), fee=str(fee))
    venue.vault.withdraw(BOB, USDC, 1)
    total = sum(venue.balances(ALICE, BOB, POOL, FEES))
    assert total == venue.vault.total_of(USDC) == wad("120000") - 1
