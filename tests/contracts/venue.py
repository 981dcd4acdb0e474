"""A custody venue for the VM tests: a token, an oracle, a Vault and an Exchange wired together.

The Vault allows the token, knows the Exchange (the only account that may settle), the pool
and the insurance fund are funded with real tokens, and one market is listed with a 0.5 %
maintenance and a 10 % initial margin rate.  ``fund`` mints, approves and deposits, as a user
would; ``fill`` publishes the fill price as the oracle mark first unless told otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from astratrade_core.numeric import WAD
from astratrade_shell.starknet.clients import (
    ContractClient,
    ExchangeClient,
    OperatorOracleClient,
    Receipt,
    TestTokenClient,
    VaultClient,
    from_signed,
)
from astratrade_shell.starknet.local import LocalBackend
from tests.contracts.conftest import FEES, INSURANCE, OPERATOR, OWNER, POOL

BTC = int.from_bytes(b"BTC-USD", "big")
MMR = WAD // 200  # 0.5 % maintenance margin
IMR = WAD // 10  # 10 % initial margin
MAX = 2**256 - 1


def wad(value: str) -> int:
    return int(Decimal(value) * WAD)


@contextmanager
def at_time(backend: LocalBackend, timestamp: int) -> Iterator[None]:
    """Run the calls inside at block time ``timestamp`` (the session default is restored)."""
    previous = backend.block_timestamp
    backend.block_timestamp = timestamp
    try:
        yield
    finally:
        backend.block_timestamp = previous


class HostileTokenClient(ContractClient):
    """The test-only attacking token (``contracts/src/testing/hostile_token.cairo``)."""

    contract_name = "HostileToken"

    def mint(self, recipient: int, amount: int) -> Receipt:
        return self.send("mint", caller=OWNER, recipient=recipient, amount=amount)

    def approve(self, caller: int, spender: int, amount: int) -> Receipt:
        return self.send("approve", caller=caller, spender=spender, amount=amount)

    def arm(self, target: int, function: str, calldata: list[int]) -> Receipt:
        from astratrade_shell.starknet.abi import selector  # noqa: PLC0415

        return self.send("arm", caller=OWNER, target=target, selector=selector(function),
                         calldata=calldata)

    def disarm(self) -> Receipt:
        """A reverted attack leaves the token armed (its writes revert too): clear it."""
        return self.send("arm", caller=OWNER, target=0, selector=0, calldata=[])

    def set_mode(self, mode: int) -> Receipt:
        """0 honest, 1 transfers return false, 2 transfers lie (return true, move nothing)."""
        return self.send("set_mode", caller=OWNER, mode=mode)


class Venue:
    """Token + oracle + Vault + Exchange (see the module docstring)."""

    def __init__(self, backend: LocalBackend, *, pool: str = "100000",
                 insurance: str = "0") -> None:
        self.backend = backend
        self.token = TestTokenClient.create(backend, owner=OWNER)
        self.asset = self.token.address
        self.oracle = OperatorOracleClient.deploy(backend, caller=OWNER, owner=OWNER)
        self.oracle.set_operator(OWNER, OPERATOR, True)
        self.vault = VaultClient.deploy(backend, caller=OWNER, owner=OWNER, pool=POOL,
                                        insurance=INSURANCE, fee_recipient=FEES)
        self.vault.set_asset(OWNER, self.asset, True)
        self.exchange = ExchangeClient.deploy(backend, caller=OWNER, owner=OWNER,
                                              vault=self.vault.address,
                                              oracle=self.oracle.address)
        self.vault.set_exchange(OWNER, self.exchange.address)
        self.exchange.set_operator(OWNER, OPERATOR, True)
        self.exchange.list_market(OWNER, BTC, self.asset, MMR, IMR)
        if pool != "0":
            self.fund(POOL, pool)
        if insurance != "0":
            self.insure(insurance)

    def fund(self, user: int, amount: str) -> Receipt:
        """Mint ``amount`` tokens to ``user``, approve the Vault and deposit them."""
        units = wad(amount)
        self.token.mint(OWNER, user, units)
        self.token.approve(user, self.vault.address, units)
        return self.vault.deposit(user, self.asset, units)

    def insure(self, amount: str) -> Receipt:
        """Mint to the owner and pay it into the insurance fund."""
        units = wad(amount)
        self.token.mint(OWNER, OWNER, units)
        self.token.approve(OWNER, self.vault.address, units)
        return self.vault.fund_insurance(OWNER, self.asset, units)

    def mark(self, price: str) -> Receipt:
        return self.oracle.set_price(OPERATOR, BTC, wad(price))

    def balances(self, *accounts: int) -> tuple[int, ...]:
        return tuple(self.vault.balance_of(a, self.asset) for a in accounts)

    def fill(self, user: int, *, buy: bool, quantity: str, price: str, fee: str = "0",
             mark: bool = True) -> int:
        if mark:
            self.mark(price)
        receipt = self.exchange.record_fill(OPERATOR, user, BTC, is_buy=buy,
                                            quantity=wad(quantity), price=wad(price),
                                            fee=wad(fee))
        return from_signed(receipt.result[0])
