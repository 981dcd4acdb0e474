"""Vault custody and Exchange settlement, executed in the VM: tokens, margin, bad debt, oracle.

Each attack of issue 18 ("Why") has a test here that now fails to attack.
"""

from __future__ import annotations

from typing import Any

import pytest

from astratrade_core.numeric import WAD
from astratrade_core.trading import pnl_wad
from astratrade_shell.starknet.backend import ContractReverted
from astratrade_shell.starknet.clients import ExchangeClient, VaultClient, from_signed
from astratrade_shell.starknet.local import ExecutorError, LocalBackend
from tests.contracts.conftest import ALICE, BOB, FEES, INSURANCE, OPERATOR, OWNER, POOL, STRANGER
from tests.contracts.venue import (
    BTC,
    IMR,
    MAX,
    MMR,
    HostileTokenClient,
    Venue,
    at_time,
    wad,
)


@pytest.fixture
def venue(backend: LocalBackend) -> Venue:
    return Venue(backend)


def test_deposit_takes_tokens_and_withdraw_pays_them(venue: Venue) -> None:
    receipt = venue.fund(ALICE, "250")
    (event,) = receipt.named("Deposited")
    assert event.fields == {"user": ALICE, "asset": venue.asset, "amount": wad("250"),
                            "balance": wad("250")}
    raw = next(e for e in receipt.outcome.events if e.from_address == venue.vault.address)
    assert raw.keys[1:] == (ALICE, venue.asset)
    assert venue.token.balance_of(ALICE) == 0
    assert venue.vault.held_of(venue.asset) == wad("100250") == venue.vault.total_of(venue.asset)
    (event,) = venue.vault.withdraw(ALICE, venue.asset, wad("100")).named("Withdrawn")
    assert event.fields["balance"] == wad("150")
    assert venue.token.balance_of(ALICE) == wad("100")
    assert venue.vault.is_solvent(venue.asset)


def test_attack_a_deposit_without_tokens_is_refused(venue: Venue) -> None:
    """Issue 18: a stranger deposited 2**255 without holding a token."""
    with pytest.raises(ContractReverted, match="erc20: insufficient allowance"):
        venue.vault.deposit(STRANGER, venue.asset, 2**255)
    venue.token.approve(STRANGER, venue.vault.address, MAX)
    with pytest.raises(ContractReverted, match="erc20: insufficient balance"):
        venue.vault.deposit(STRANGER, venue.asset, 2**255)
    assert venue.vault.balance_of(STRANGER, venue.asset) == 0
    with pytest.raises(ContractReverted, match="vault: insufficient balance"):
        venue.vault.withdraw(STRANGER, venue.asset, 1)
    with pytest.raises(ContractReverted, match="vault: amount is zero"):
        venue.vault.withdraw(STRANGER, venue.asset, 0)
    with pytest.raises(ContractReverted, match="vault: amount is zero"):
        venue.vault.deposit(STRANGER, venue.asset, 0)


def test_only_allowlisted_assets_are_taken_and_a_delisted_one_can_leave(venue: Venue) -> None:
    venue.fund(ALICE, "10")
    other = venue.token.create(venue.backend, owner=OWNER)
    other.mint(OWNER, ALICE, 5)
    other.approve(ALICE, venue.vault.address, 5)
    with pytest.raises(ContractReverted, match="vault: asset not allowed"):
        venue.vault.deposit(ALICE, other.address, 5)
    (event,) = venue.vault.set_asset(OWNER, venue.asset, False).named("AssetUpdated")
    assert event.fields == {"asset": venue.asset, "allowed": False}
    venue.vault.withdraw(ALICE, venue.asset, wad("10"))
    assert venue.token.balance_of(ALICE) == wad("10")


def test_attack_pausing_never_freezes_withdrawals_closes_or_liquidations(venue: Venue) -> None:
    venue.fund(ALICE, "1000")
    venue.fill(ALICE, buy=True, quantity="1", price="1000")
    venue.fund(BOB, "100")
    venue.fill(BOB, buy=True, quantity="1", price="1000")
    venue.vault.pause(OWNER)
    venue.exchange.pause(OWNER)
    with pytest.raises(ContractReverted, match="pausable: paused"):
        venue.fund(ALICE, "1")
    with pytest.raises(ContractReverted, match="pausable: paused"):
        venue.fill(ALICE, buy=True, quantity="1", price="1000")
    with pytest.raises(ContractReverted, match="pausable: paused"):
        venue.fill(ALICE, buy=False, quantity="2", price="1000")  # a reversal opens
    assert venue.fill(ALICE, buy=False, quantity="1", price="1010") == wad("10")  # a close
    venue.vault.withdraw(ALICE, venue.asset, wad("10"))
    venue.mark("901")  # BOB: equity 1 < maintenance 4.505
    venue.exchange.liquidate(OPERATOR, BOB, BTC)
    assert venue.exchange.position(BOB, BTC).quantity == 0
    venue.exchange.unpause(OWNER)
    with pytest.raises(ContractReverted, match="pausable: not paused"):
        venue.exchange.unpause(OWNER)


def test_attack_only_the_exchange_settles(venue: Venue) -> None:
    """Issue 18: the owner made an account a Vault operator, which settled a balance away."""
    venue.fund(ALICE, "100")
    venue.vault.set_operator(OWNER, STRANGER, True)
    with pytest.raises(ContractReverted, match="vault: caller not exchange"):
        venue.vault.settle(STRANGER, ALICE, venue.asset, -wad("100"), 0)
    with pytest.raises(ContractReverted, match="vault: caller not exchange"):
        venue.vault.cover(STRANGER, venue.asset, 1)
    with pytest.raises(ContractReverted, match="vault: exchange already set"):
        venue.vault.set_exchange(OWNER, STRANGER)
    assert venue.balances(ALICE) == (wad("100"),)


def test_profit_comes_from_the_pool_and_fees_go_to_the_recipient(venue: Venue) -> None:
    venue.fund(ALICE, "3000")  # 0.5 at 40,000 needs 2,000 of initial margin
    assert venue.fill(ALICE, buy=True, quantity="0.5", price="40000", fee="2") == 0
    assert venue.fill(ALICE, buy=False, quantity="0.5", price="41000", fee="2") == wad("500")
    alice, pool, fees = venue.balances(ALICE, POOL, FEES)
    assert alice == wad("3000") + wad("500") - wad("4")
    assert pool == wad("100000") - wad("500")
    assert fees == wad("4")
    assert venue.exchange.position(ALICE, BTC).quantity == 0
    assert venue.exchange.open_positions(BTC) == 0


def test_a_loss_is_debited_never_credited(venue: Venue) -> None:
    venue.fund(ALICE, "1000")
    venue.fill(ALICE, buy=True, quantity="1", price="100")
    venue.mark("90")
    receipt = venue.exchange.record_fill(OPERATOR, ALICE, BTC, is_buy=False, quantity=wad("1"),
                                         price=wad("90"), fee=0)
    assert from_signed(receipt.result[0]) == -wad("10")
    (event,) = receipt.named("FillRecorded")
    assert event.fields["realized_pnl"] == {"mag": wad("10"), "neg": True}
    (raw,) = [e for e in receipt.outcome.events if e.from_address == venue.vault.address]
    settled = venue.vault.abi.decode_event(raw)
    assert settled is not None
    assert settled.name == "Settled"
    assert raw.keys[1:] == (ALICE, venue.asset)
    assert venue.balances(ALICE, POOL) == (wad("990"), wad("100010"))


def test_reversal_realizes_and_reopens_at_the_fill_price(venue: Venue) -> None:
    venue.fund(ALICE, "1000")
    venue.fill(ALICE, buy=False, quantity="2", price="50")
    venue.fill(ALICE, buy=False, quantity="2", price="52")
    assert venue.exchange.position(ALICE, BTC).entry_price == wad("51")
    assert venue.fill(ALICE, buy=True, quantity="5", price="50") == wad("4")
    position = venue.exchange.position(ALICE, BTC)
    assert (position.quantity, position.entry_price, position.is_long) == (wad("1"), wad("50"),
                                                                           True)


def test_realized_pnl_is_the_cores_pnl_wad(venue: Venue) -> None:
    venue.fund(ALICE, "1000")
    venue.fill(ALICE, buy=True, quantity="0.3", price="33.333333333333333333")
    realized = venue.fill(ALICE, buy=False, quantity="0.1", price="33.000000000000000007")
    assert realized == pnl_wad(wad("0.1"), wad("33.333333333333333333"),
                               wad("33.000000000000000007"), True).unwrap()


def test_attack_no_position_without_initial_margin(venue: Venue) -> None:
    """Issue 18: a 1,000,000-unit long at 1000 opened with zero collateral."""
    with pytest.raises(ContractReverted, match="exchange: below initial margin"):
        venue.fill(STRANGER, buy=True, quantity="1000000", price="1000")
    venue.fund(ALICE, "100")
    venue.fill(ALICE, buy=True, quantity="1", price="1000")  # 100 >= 1000 * 10 %
    with pytest.raises(ContractReverted, match="exchange: below initial margin"):
        venue.fill(ALICE, buy=True, quantity="0.001", price="1000")  # growing needs more
    assert venue.exchange.position(ALICE, BTC).quantity == wad("1")
    assert venue.exchange.open_positions(BTC) == 1


def test_attack_a_losing_close_settles_and_insurance_covers_the_bad_debt(
        backend: LocalBackend) -> None:
    """Issue 18: a losing close reverted (position stuck); bad debt was only an event."""
    venue = Venue(backend, insurance="20")
    venue.fund(ALICE, "100")
    venue.fill(ALICE, buy=True, quantity="1", price="1000")
    venue.mark("850")
    receipt = venue.exchange.record_fill(OPERATOR, ALICE, BTC, is_buy=False, quantity=wad("1"),
                                         price=wad("850"), fee=wad("1"))
    (fill,) = receipt.named("FillRecorded")
    assert fill.fields["realized_pnl"] == {"mag": wad("100"), "neg": True}
    assert fill.fields["fee"] == 0  # nothing left to pay it with
    (debt,) = receipt.named("BadDebt")
    assert debt.fields == {"asset": venue.asset, "amount": wad("50"), "covered": wad("20"),
                           "outstanding": wad("30")}
    assert venue.exchange.bad_debt(venue.asset) == wad("30")
    assert venue.balances(ALICE, POOL, INSURANCE) == (0, wad("100120"), 0)
    venue.insure("100")
    assert int(venue.exchange.cover_bad_debt(STRANGER, venue.asset).result[0]) == wad("30")
    assert venue.exchange.bad_debt(venue.asset) == 0
    assert int(venue.exchange.cover_bad_debt(STRANGER, venue.asset).result[0]) == 0
    assert venue.balances(POOL, INSURANCE) == (wad("100150"), wad("70"))
    assert venue.vault.total_of(venue.asset) == venue.vault.held_of(venue.asset)


def test_attack_a_live_market_cannot_be_relisted(venue: Venue) -> None:
    """Issue 18: list_market overwrote a live market under an open position."""
    venue.fund(ALICE, "1000")
    venue.fill(ALICE, buy=True, quantity="1", price="1000")
    with pytest.raises(ContractReverted, match="exchange: market has positions"):
        venue.exchange.list_market(OWNER, BTC, venue.asset, WAD // 2, WAD // 2)
    venue.fill(ALICE, buy=False, quantity="1", price="1000")
    (event,) = venue.exchange.list_market(OWNER, BTC, venue.asset, MMR * 2,
                                          IMR).named("MarketListed")
    assert event.fields["maintenance_rate"] == MMR * 2
    with pytest.raises(ContractReverted, match="exchange: rate must be < 1"):
        venue.exchange.list_market(OWNER, 7, venue.asset, 0, WAD)
    with pytest.raises(ContractReverted, match="exchange: initial < maintenance"):
        venue.exchange.list_market(OWNER, 7, venue.asset, IMR, MMR)
    with pytest.raises(ContractReverted, match="exchange: zero address"):
        venue.exchange.list_market(OWNER, 7, 0, MMR, IMR)


def test_liquidation_uses_the_oracle_mark_and_only_below_maintenance(venue: Venue) -> None:
    venue.fund(ALICE, "100")
    venue.fill(ALICE, buy=True, quantity="1", price="1000")
    # At 905: equity 5 >= 4.525 -> healthy.  At 901: equity 1 < 4.505 -> liquidatable.
    venue.mark("905")
    assert not venue.exchange.is_liquidatable(ALICE, BTC)
    with pytest.raises(ContractReverted, match="exchange: position is healthy"):
        venue.exchange.liquidate(OPERATOR, ALICE, BTC)
    venue.mark("901")
    with pytest.raises(ContractReverted, match="access: caller not operator"):
        venue.exchange.liquidate(STRANGER, ALICE, BTC)
    receipt = venue.exchange.liquidate(OPERATOR, ALICE, BTC)
    (event,) = receipt.named("Liquidated")
    assert event.fields["mark_price"] == wad("901")
    assert event.fields["realized_pnl"] == {"mag": wad("99"), "neg": True}
    assert venue.balances(ALICE, POOL) == (wad("1"), wad("100099"))
    with pytest.raises(ContractReverted, match="exchange: no position"):
        venue.exchange.liquidate(OPERATOR, ALICE, BTC)


def test_liquidation_past_zero_stores_uncovered_bad_debt(venue: Venue) -> None:
    venue.fund(ALICE, "100")
    venue.fill(ALICE, buy=True, quantity="1", price="1000")
    venue.mark("850")
    (event,) = venue.exchange.liquidate(OPERATOR, ALICE, BTC).named("Liquidated")
    assert event.fields["bad_debt"] == wad("50")
    assert venue.exchange.bad_debt(venue.asset) == wad("50")
    assert venue.balances(ALICE, POOL) == (0, wad("100100"))


def test_a_timed_call_does_not_move_the_chains_default_block_time(venue: Venue) -> None:
    """cairo-lang copies a successful call's block into the chain's state; the executor sets
    every call's block, so a call that names no time runs at the default (1) after one that
    did (the oracle test below once failed when an earlier file left the clock at 1000+)."""
    with at_time(venue.backend, 5_000):
        venue.mark("1000")
    assert venue.oracle.price(BTC) == (wad("1000"), 5_000)
    venue.mark("1001")
    assert venue.oracle.price(BTC) == (wad("1001"), 1)


def test_oracle_prices_must_be_fresh_present_and_near_the_fill(venue: Venue) -> None:
    venue.fund(ALICE, "1000")
    with pytest.raises(ContractReverted, match="exchange: no oracle price"):
        venue.fill(ALICE, buy=True, quantity="1", price="1000", mark=False)
    venue.mark("1000")
    with pytest.raises(ContractReverted, match="exchange: price off mark"):
        venue.fill(ALICE, buy=True, quantity="1", price="1051", mark=False)
    venue.fill(ALICE, buy=True, quantity="1", price="1050", mark=False)  # exactly 5 %
    assert venue.exchange.price_bounds() == (300, WAD // 20)
    with at_time(venue.backend, 302):
        with pytest.raises(ContractReverted, match="exchange: stale price"):
            venue.exchange.is_liquidatable(ALICE, BTC)
        venue.exchange.set_price_bounds(OWNER, 301, WAD // 20)
        assert venue.exchange.mark_price(BTC) == wad("1000")
    with pytest.raises(ContractReverted, match="exchange: bad price bounds"):
        venue.exchange.set_price_bounds(OWNER, 0, 0)
    with pytest.raises(ContractReverted, match="exchange: bad price bounds"):
        venue.exchange.set_price_bounds(OWNER, 60, WAD + 1)
    with pytest.raises(ContractReverted, match="oracle: price is zero"):
        venue.oracle.set_price(OPERATOR, BTC, 0)
    with pytest.raises(ContractReverted, match="exchange: unknown market"):
        venue.exchange.record_fill(OPERATOR, ALICE, 7, is_buy=True, quantity=1, price=1, fee=0)
    with pytest.raises(ContractReverted, match="exchange: quantity is zero"):
        venue.exchange.record_fill(OPERATOR, ALICE, BTC, is_buy=True, quantity=0, price=1, fee=0)
    with pytest.raises(ContractReverted, match="exchange: price is zero"):
        venue.exchange.record_fill(OPERATOR, ALICE, BTC, is_buy=True, quantity=1, price=0, fee=0)


def test_the_pool_cannot_trade_against_itself_and_pays_only_what_it_has(
        backend: LocalBackend) -> None:
    venue = Venue(backend, pool="10")
    venue.fund(ALICE, "1000")
    with pytest.raises(ContractReverted, match="vault: cannot settle pool"):
        venue.fill(POOL, buy=True, quantity="0.001", price="1000", fee="1")
    venue.fill(ALICE, buy=True, quantity="1", price="1000")
    with pytest.raises(ContractReverted, match="vault: pool insufficient"):
        venue.fill(ALICE, buy=False, quantity="1", price="1040")


def test_attack_reentrancy_and_lying_tokens_are_refused(backend: LocalBackend) -> None:
    venue = Venue(backend)
    hostile = HostileTokenClient.deploy(backend, caller=OWNER)
    venue.vault.set_asset(OWNER, hostile.address, True)
    hostile.mint(ALICE, 100)
    hostile.approve(ALICE, venue.vault.address, MAX)
    venue.vault.deposit(ALICE, hostile.address, 50)
    # During the next deposit's transfer_from the token calls back into the Vault.
    hostile.arm(venue.vault.address, "withdraw", [hostile.address, 50, 0])
    with pytest.raises(ContractReverted, match="reentrancy: reentrant call"):
        venue.vault.deposit(ALICE, hostile.address, 10)
    hostile.disarm()
    hostile.set_mode(1)
    with pytest.raises(ContractReverted, match="vault: token transfer failed"):
        venue.vault.withdraw(ALICE, hostile.address, 10)
    hostile.set_mode(2)  # credits without paying: the invariant view says so
    venue.vault.deposit(ALICE, hostile.address, MAX - 50)
    assert not venue.vault.is_solvent(hostile.address)
    with pytest.raises(ContractReverted, match="vault: balance overflow"):
        venue.vault.deposit(ALICE, hostile.address, 1)
    assert venue.vault.balance_of(ALICE, hostile.address) == MAX


def test_equity_overflow_is_a_contract_error(backend: LocalBackend) -> None:
    venue = Venue(backend, pool="0")
    venue.token.mint(OWNER, ALICE, MAX)
    venue.token.approve(ALICE, venue.vault.address, MAX)
    venue.vault.deposit(ALICE, venue.asset, MAX)
    venue.fill(ALICE, buy=True, quantity="1", price="1000")
    venue.mark("1010")
    with pytest.raises(ContractReverted, match="exchange: amount overflow"):
        venue.fill(ALICE, buy=True, quantity="1", price="1010", mark=False)


def test_zero_addresses_are_refused(backend: LocalBackend) -> None:
    venue = Venue(backend, pool="0")
    with pytest.raises(ContractReverted, match="vault: zero address"):
        venue.vault.set_fee_recipient(OWNER, 0)
    with pytest.raises(ContractReverted, match="vault: zero address"):
        venue.vault.set_asset(OWNER, 0, True)
    (event,) = venue.vault.set_fee_recipient(OWNER, BOB).named("FeeRecipientSet")
    assert event.fields == {"fee_recipient": BOB}
    assert int(venue.vault.view("fee_recipient")[0]) == BOB
    assert venue.vault.exchange() == venue.exchange.address
    assert venue.vault.insurance() == INSURANCE
    assert venue.vault.is_asset_allowed(venue.asset)
    assert venue.exchange.oracle() == venue.oracle.address
    constructors: list[dict[str, Any]] = [
        {"pool": 0, "insurance": INSURANCE, "fee_recipient": FEES},
        {"pool": POOL, "insurance": 0, "fee_recipient": FEES},
        {"pool": POOL, "insurance": INSURANCE, "fee_recipient": 0}]
    for constructor in constructors:
        with pytest.raises(ExecutorError, match="vault: zero address"):
            VaultClient.deploy(backend, caller=OWNER, owner=OWNER, **constructor)
    with pytest.raises(ExecutorError, match="exchange: zero address"):
        ExchangeClient.deploy(backend, caller=OWNER, owner=OWNER, vault=0,
                              oracle=venue.oracle.address)
    with pytest.raises(ExecutorError, match="access: zero address"):
        VaultClient.deploy(backend, caller=OWNER, owner=0, pool=POOL, insurance=INSURANCE,
                           fee_recipient=FEES)
