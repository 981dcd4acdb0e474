"""A Hypothesis state machine over token + Vault + Exchange + liquidation + insurance fund.

Random deposits, withdrawals, mark moves, fills (opening, growing, reducing, reversing; some
refused by the initial-margin check), liquidations, insurance top-ups and bad-debt cover, with
conservation asserted after every step:

* the tokens the Vault holds equal every deposit minus every withdrawal (the model's count);
* the ledger total (``total_of``) equals the sum of every ledger account (users, pool, fee
  recipient, insurance fund) and the tokens held (``is_solvent``);
* no ledger balance is ever negative (u256) and refused fills leave everything unchanged.

Example counts are modest so ``make test`` stays fast (each step is a few VM calls).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from astratrade_shell.starknet.backend import ContractReverted
from astratrade_shell.starknet.local import LocalBackend
from tests.contracts.conftest import ALICE, BOB, FEES, INSURANCE, OPERATOR, POOL
from tests.contracts.venue import BTC, Venue, wad

USERS = st.sampled_from([ALICE, BOB])
ACCOUNTS = (ALICE, BOB, POOL, FEES, INSURANCE)


class CustodyMachine(RuleBasedStateMachine):
    backend: LocalBackend

    def __init__(self) -> None:
        super().__init__()
        self.venue = Venue(self.backend, pool="2000", insurance="50")
        self.held = wad("2050")
        self.price = 1000
        self.venue.mark(str(self.price))

    @rule(user=USERS, amount=st.integers(1, 500))
    def deposit(self, user: int, amount: int) -> None:
        self.venue.fund(user, str(amount))
        self.held += wad(str(amount))

    @rule(user=USERS, share=st.integers(1, 100))
    def withdraw(self, user: int, share: int) -> None:
        (balance,) = self.venue.balances(user)
        amount = balance * share // 100
        if amount:
            self.venue.vault.withdraw(user, self.venue.asset, amount)
            self.held -= amount

    @rule(move=st.integers(-60, 60))
    def move_mark(self, move: int) -> None:
        self.price = max(500, self.price + move)
        self.venue.mark(str(self.price))

    @rule(user=USERS, buy=st.booleans(), tenths=st.integers(1, 30), fee=st.integers(0, 2))
    def fill(self, user: int, buy: bool, tenths: int, fee: int) -> None:
        before = self.venue.balances(*ACCOUNTS)
        try:
            self.venue.fill(user, buy=buy, quantity=str(Decimal(tenths) / 10),
                            price=str(self.price), fee=str(fee), mark=False)
        except ContractReverted as refused:
            assert refused.message in {"exchange: below initial margin",
                                       "vault: pool insufficient",
                                       "vault: insufficient balance"}, refused.message
            assert self.venue.balances(*ACCOUNTS) == before

    @rule(user=USERS)
    def liquidate(self, user: int) -> None:
        if self.venue.exchange.position(user, BTC).quantity == 0:
            return
        if self.venue.exchange.is_liquidatable(user, BTC):
            self.venue.exchange.liquidate(OPERATOR, user, BTC)
            assert self.venue.exchange.position(user, BTC).quantity == 0

    @rule(amount=st.integers(1, 100))
    def insure_and_cover(self, amount: int) -> None:
        self.venue.insure(str(amount))
        self.held += wad(str(amount))
        debt = self.venue.exchange.bad_debt(self.venue.asset)
        self.venue.exchange.cover_bad_debt(OPERATOR, self.venue.asset)
        assert self.venue.exchange.bad_debt(self.venue.asset) <= debt

    @invariant()
    def conserved(self) -> None:
        vault, asset = self.venue.vault, self.venue.asset
        assert vault.held_of(asset) == self.held
        assert vault.total_of(asset) == sum(self.venue.balances(*ACCOUNTS)) == self.held


def test_custody_conserves_value_after_every_step(backend: LocalBackend) -> None:
    CustodyMachine.backend = backend
    case = CustodyMachine.TestCase
    case.settings = settings(max_examples=2, stateful_step_count=8, deadline=None)
    case().runTest()
