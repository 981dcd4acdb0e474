"""The in-house ERC-20 (``ERC20Component`` in ``TestToken``), executed in the VM.

Worked examples for every entry point and every ``erc20:`` error, the OpenZeppelin event
layout (``Transfer``/``Approval`` with ``from``/``to``/``owner``/``spender`` as keys), the
supply's u256 boundary, and a Hypothesis state machine comparing the contract with a
dictionary model (the supply is the sum of the balances after every step).
"""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from astratrade_shell.starknet.abi import selector
from astratrade_shell.starknet.backend import ContractReverted
from astratrade_shell.starknet.clients import TestTokenClient
from astratrade_shell.starknet.local import LocalBackend
from tests.contracts.conftest import ALICE, BOB, OWNER, STRANGER

MAX = 2**256 - 1


@pytest.fixture
def token(backend: LocalBackend) -> TestTokenClient:
    return TestTokenClient.create(backend, owner=OWNER)


def test_metadata(token: TestTokenClient) -> None:
    assert (token.name(), token.symbol(), token.decimals()) == ("AstraTrade Test USD", "tUSD",
                                                                 18)
    assert token.total_supply() == 0


def test_mint_is_a_transfer_from_zero_and_owner_only(token: TestTokenClient) -> None:
    receipt = token.mint(OWNER, ALICE, 500)
    (event,) = receipt.named("Transfer")
    assert event.fields == {"from": 0, "to": ALICE, "value": 500}
    (raw,) = receipt.outcome.events
    assert raw.keys == (selector("Transfer"), 0, ALICE)  # OpenZeppelin's layout
    assert raw.data == (500, 0)
    assert (token.balance_of(ALICE), token.total_supply()) == (500, 500)
    with pytest.raises(ContractReverted, match="access: caller is not owner"):
        token.mint(STRANGER, STRANGER, 1)
    with pytest.raises(ContractReverted, match="erc20: mint to zero"):
        token.mint(OWNER, 0, 1)


def test_transfer_moves_the_balance_and_reverts_beyond_it(token: TestTokenClient) -> None:
    token.mint(OWNER, ALICE, 100)
    receipt = token.transfer(ALICE, BOB, 30)
    assert receipt.result == (True,)
    (event,) = receipt.named("Transfer")
    assert event.fields == {"from": ALICE, "to": BOB, "value": 30}
    assert (token.balance_of(ALICE), token.balance_of(BOB)) == (70, 30)
    with pytest.raises(ContractReverted, match="erc20: insufficient balance") as refused:
        token.transfer(ALICE, BOB, 71)
    assert refused.value.outcome.events == ()
    with pytest.raises(ContractReverted, match="erc20: transfer to zero"):
        token.transfer(ALICE, 0, 1)
    with pytest.raises(ContractReverted, match="erc20: transfer from zero"):
        token.transfer(0, BOB, 0)
    assert (token.balance_of(ALICE), token.balance_of(BOB), token.total_supply()) == (70, 30,
                                                                                      100)


def test_transfer_from_spends_the_allowance(token: TestTokenClient) -> None:
    token.mint(OWNER, ALICE, 100)
    (approval,) = token.approve(ALICE, BOB, 40).named("Approval")
    assert approval.fields == {"owner": ALICE, "spender": BOB, "value": 40}
    receipt = token.transfer_from(BOB, ALICE, STRANGER, 25)
    assert receipt.result == (True,)
    assert [e.name for e in receipt.events] == ["Approval", "Transfer"]
    assert token.allowance(ALICE, BOB) == 15
    assert token.balance_of(STRANGER) == 25
    with pytest.raises(ContractReverted, match="erc20: insufficient allowance"):
        token.transfer_from(BOB, ALICE, STRANGER, 16)
    with pytest.raises(ContractReverted, match="erc20: insufficient allowance"):
        token.transfer_from(STRANGER, ALICE, STRANGER, 1)
    # Allowance but no balance: the balance check refuses it.
    token.approve(STRANGER, BOB, 30)
    with pytest.raises(ContractReverted, match="erc20: insufficient balance"):
        token.transfer_from(BOB, STRANGER, BOB, 26)


def test_an_unlimited_allowance_is_not_decreased(token: TestTokenClient) -> None:
    token.mint(OWNER, ALICE, 100)
    token.approve(ALICE, BOB, MAX)
    receipt = token.transfer_from(BOB, ALICE, BOB, 60)
    assert receipt.named("Approval") == ()
    assert token.allowance(ALICE, BOB) == MAX


def test_approve_refuses_the_zero_address(token: TestTokenClient) -> None:
    with pytest.raises(ContractReverted, match="erc20: approve to zero"):
        token.approve(ALICE, 0, 1)
    with pytest.raises(ContractReverted, match="erc20: approve from zero"):
        token.approve(0, ALICE, 1)


def test_supply_overflow_is_a_contract_error(token: TestTokenClient) -> None:
    token.mint(OWNER, ALICE, MAX)
    with pytest.raises(ContractReverted) as refused:
        token.mint(OWNER, BOB, 1)
    assert refused.value.message == "erc20: supply overflow"
    assert token.total_supply() == MAX
    # At the boundary a transfer of everything still works (no intermediate overflow).
    token.transfer(ALICE, BOB, MAX)
    assert (token.balance_of(ALICE), token.balance_of(BOB)) == (0, MAX)


def test_burn_destroys_the_callers_tokens(token: TestTokenClient) -> None:
    token.mint(OWNER, ALICE, 10)
    (event,) = token.burn(ALICE, 4).named("Transfer")
    assert event.fields == {"from": ALICE, "to": 0, "value": 4}
    assert (token.balance_of(ALICE), token.total_supply()) == (6, 6)
    with pytest.raises(ContractReverted, match="erc20: insufficient balance"):
        token.burn(ALICE, 7)
    with pytest.raises(ContractReverted, match="erc20: burn from zero"):
        token.burn(0, 0)


ACCOUNTS = st.sampled_from([ALICE, BOB, STRANGER])
AMOUNTS = st.one_of(st.integers(0, 50), st.just(MAX))


class TokenMachine(RuleBasedStateMachine):
    """Random mints, transfers, approvals and transfer_froms against a dictionary model."""

    backend: LocalBackend

    def __init__(self) -> None:
        super().__init__()
        self.token = TestTokenClient.create(self.backend, owner=OWNER)
        self.balances = {ALICE: 0, BOB: 0, STRANGER: 0}
        self.allowances: dict[tuple[int, int], int] = {}

    def attempt(self, send: object, ok: bool) -> None:
        assert callable(send)
        if ok:
            send()
        else:
            with pytest.raises(ContractReverted):
                send()

    @rule(to=ACCOUNTS, amount=st.integers(0, 100))
    def mint(self, to: int, amount: int) -> None:
        self.token.mint(OWNER, to, amount)
        self.balances[to] += amount

    @rule(sender=ACCOUNTS, to=ACCOUNTS, amount=AMOUNTS)
    def transfer(self, sender: int, to: int, amount: int) -> None:
        ok = amount <= self.balances[sender]
        self.attempt(lambda: self.token.transfer(sender, to, amount), ok)
        if ok:
            self.balances[sender] -= amount
            self.balances[to] += amount

    @rule(owner=ACCOUNTS, spender=ACCOUNTS, amount=AMOUNTS)
    def approve(self, owner: int, spender: int, amount: int) -> None:
        self.token.approve(owner, spender, amount)
        self.allowances[owner, spender] = amount

    @rule(spender=ACCOUNTS, owner=ACCOUNTS, to=ACCOUNTS, amount=st.integers(0, 60))
    def transfer_from(self, spender: int, owner: int, to: int, amount: int) -> None:
        allowed = self.allowances.get((owner, spender), 0)
        ok = amount <= allowed and amount <= self.balances[owner]
        self.attempt(lambda: self.token.transfer_from(spender, owner, to, amount), ok)
        if ok:
            if allowed != MAX:
                self.allowances[owner, spender] = allowed - amount
            self.balances[owner] -= amount
            self.balances[to] += amount

    @invariant()
    def supply_is_the_sum_of_the_balances(self) -> None:
        assert self.token.total_supply() == sum(self.balances.values())

    def teardown(self) -> None:
        for account, balance in self.balances.items():
            assert self.token.balance_of(account) == balance


def test_token_state_machine(backend: LocalBackend) -> None:
    TokenMachine.backend = backend
    machine = TokenMachine.TestCase
    machine.settings = settings(max_examples=3, stateful_step_count=6, deadline=None)
    machine().runTest()
