"""A lending market for the VM tests: two test tokens (USD and ETH), an operator-fed oracle and
a ``LendingPool`` listing both, at block time :data:`T0` with fresh prices (USD 1, ETH 2000).

USD: the Aave-like kinked model (0 + 4 % to an 80 % kink, + 75 % above, 10 % reserve factor),
collateral factor 80 %, liquidation threshold 85 %, bonus 5 %.  ETH: the same model, 75 %,
80 %, 10 %.  ``fund`` mints and approves without limit, as a user would before supplying.
"""

from __future__ import annotations

from astratrade_core.defi.lending import InterestRateModel
from astratrade_core.numeric import RAY, WAD
from astratrade_shell.starknet.clients import OperatorOracleClient, Receipt, TestTokenClient
from astratrade_shell.starknet.lending import LendingPoolClient
from astratrade_shell.starknet.local import LocalBackend
from tests.contracts.conftest import OPERATOR, OWNER
from tests.contracts.venue import MAX, at_time

T0 = 1_700_000_000
USD = int.from_bytes(b"USD", "big")
ETH = int.from_bytes(b"ETH-USD", "big")
MODEL = InterestRateModel(0, 4 * RAY // 100, 75 * RAY // 100, 80 * RAY // 100, 1000)
RISK = {USD: (8000, 8500, 500), ETH: (7500, 8000, 1000)}


class Market:
    """Tokens + oracle + pool (see the module docstring)."""

    def __init__(self, backend: LocalBackend) -> None:
        self.backend = backend
        with at_time(backend, T0):
            self.usd = TestTokenClient.create(backend, owner=OWNER)
            self.eth = TestTokenClient.create(backend, owner=OWNER, name="Test Ether",
                                              symbol="tETH")
            self.oracle = OperatorOracleClient.deploy(backend, caller=OWNER, owner=OWNER)
            self.oracle.set_operator(OWNER, OPERATOR, True)
            self.pool = LendingPoolClient.deploy(backend, caller=OWNER, owner=OWNER,
                                                 oracle=self.oracle.address)
            for token, market in ((self.usd, USD), (self.eth, ETH)):
                cf, lt, bonus = RISK[market]
                self.pool.list_reserve(OWNER, token.address, market=market, model=MODEL,
                                       collateral_factor_bps=cf, liquidation_threshold_bps=lt,
                                       liquidation_bonus_bps=bonus)
            self.prices(usd=WAD, eth=2000 * WAD)

    def token(self, asset: int) -> TestTokenClient:
        return self.usd if asset == self.usd.address else self.eth

    def prices(self, *, usd: int | None = None, eth: int | None = None) -> None:
        """Publish prices at the backend's current block time."""
        if usd is not None:
            self.oracle.set_price(OPERATOR, USD, usd)
        if eth is not None:
            self.oracle.set_price(OPERATOR, ETH, eth)

    def fund(self, user: int, token: TestTokenClient, amount: int) -> None:
        token.mint(OWNER, user, amount)
        token.approve(user, self.pool.address, MAX)

    def supply(self, user: int, token: TestTokenClient, amount: int) -> Receipt:
        self.fund(user, token, amount)
        return self.pool.supply(user, token.address, amount)
