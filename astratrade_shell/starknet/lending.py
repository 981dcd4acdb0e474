"""The ``LendingPool`` contract's client (``contracts/src/lending_pool.cairo``).

Amounts are token units, prices wad, indexes and the health factor ray; ``reserve`` and
``reserve_now`` return the core's :class:`~astratrade_core.defi.lending.ReserveState`, so a
test compares the contract with :func:`~astratrade_core.defi.lending.update_reserve` directly::

    pool = LendingPoolClient.deploy(backend, caller=OWNER, owner=OWNER, oracle=oracle.address)
    pool.list_reserve(OWNER, token.address, market=USD, model=model, collateral_factor_bps=7500,
                      liquidation_threshold_bps=8000, liquidation_bonus_bps=500)
    token.approve(ALICE, pool.address, 10**18)
    pool.supply(ALICE, token.address, 10**18)
"""

from __future__ import annotations

from typing import Any

import attrs

from astratrade_core.defi.lending import InterestRateModel, ReserveState
from astratrade_shell.starknet.clients import PausableClient, Receipt

__all__ = ["LendingPoolClient", "ReserveView"]


@attrs.frozen
class ReserveView:
    """A reserve's listing: oracle key, rate model and risk parameters (bps)."""

    listed: bool
    market: int
    model: InterestRateModel
    collateral_factor_bps: int
    liquidation_threshold_bps: int
    liquidation_bonus_bps: int


def model_calldata(model: InterestRateModel) -> dict[str, int]:
    """The contract's ``RateModel`` struct for a core model."""
    return {"base_rate": model.base_rate, "slope1": model.slope1, "slope2": model.slope2,
            "optimal_utilization": model.optimal_utilization,
            "reserve_factor_bps": model.reserve_factor_bps}


def _reserve(raw: dict[str, Any]) -> ReserveState:
    return ReserveState(int(raw["liquidity_index"]), int(raw["borrow_index"]),
                        int(raw["total_scaled_supply"]), int(raw["total_scaled_debt"]),
                        int(raw["available"]), int(raw["last_update"]))


class LendingPoolClient(PausableClient):
    """Supply, borrow, repay, withdraw and liquidate against per-asset reserves (pausing
    stops supply and borrow)."""

    contract_name = "LendingPool"

    def supply(self, caller: int, asset: int, amount: int) -> Receipt:
        """Take ``amount`` (the caller approved the pool) and credit the caller's supply."""
        return self.send("supply", caller=caller, asset=asset, amount=amount)

    def withdraw(self, caller: int, asset: int, amount: int) -> Receipt:
        """Burn supply and pay ``amount``; never paused."""
        return self.send("withdraw", caller=caller, asset=asset, amount=amount)

    def borrow(self, caller: int, asset: int, amount: int) -> Receipt:
        """Borrow ``amount`` against the caller's collateral."""
        return self.send("borrow", caller=caller, asset=asset, amount=amount)

    def repay(self, caller: int, asset: int, amount: int) -> Receipt:
        """Repay up to ``amount`` of the caller's debt; ``result[0]`` is what was repaid."""
        return self.send("repay", caller=caller, asset=asset, amount=amount)

    def liquidate(self, caller: int, user: int, debt_asset: int, collateral_asset: int,
                  amount: int) -> Receipt:
        """Below health factor 1 only; ``result[0]`` is ``(repaid, seized)``."""
        return self.send("liquidate", caller=caller, user=user, debt_asset=debt_asset,
                         collateral_asset=collateral_asset, amount=amount)

    def list_reserve(self, caller: int, asset: int, *, market: int, model: InterestRateModel,
                     collateral_factor_bps: int, liquidation_threshold_bps: int,
                     liquidation_bonus_bps: int) -> Receipt:
        """Owner only, once per asset."""
        return self.send("list_reserve", caller=caller, asset=asset, market=market,
                         model=model_calldata(model),
                         collateral_factor_bps=collateral_factor_bps,
                         liquidation_threshold_bps=liquidation_threshold_bps,
                         liquidation_bonus_bps=liquidation_bonus_bps)

    def set_max_price_age(self, caller: int, max_price_age: int) -> Receipt:
        """Owner only: 1..=86400 seconds."""
        return self.send("set_max_price_age", caller=caller, max_price_age=max_price_age)

    def reserve(self, asset: int) -> ReserveState:
        """The reserve as stored (indexes as of its last update)."""
        return _reserve(self.view("reserve", asset=asset)[0])

    def reserve_now(self, asset: int) -> ReserveState:
        """The reserve grown to the current block time (not written)."""
        return _reserve(self.view("reserve_now", asset=asset)[0])

    def reserve_config(self, asset: int) -> ReserveView:
        """The listing of ``asset`` (``listed`` false when never listed)."""
        raw = self.view("reserve_config", asset=asset)[0]
        model = InterestRateModel(int(raw["base_rate"]), int(raw["slope1"]), int(raw["slope2"]),
                                  int(raw["optimal_utilization"]),
                                  int(raw["reserve_factor_bps"]))
        return ReserveView(bool(raw["listed"]), int(raw["market"]), model,
                           int(raw["collateral_factor_bps"]),
                           int(raw["liquidation_threshold_bps"]),
                           int(raw["liquidation_bonus_bps"]))

    def reserve_count(self) -> int:
        """How many reserves are listed."""
        return int(self.view("reserve_count")[0])

    def scaled_supply_of(self, user: int, asset: int) -> int:
        """The user's scaled supply."""
        return int(self.view("scaled_supply_of", user=user, asset=asset)[0])

    def scaled_debt_of(self, user: int, asset: int) -> int:
        """The user's scaled debt."""
        return int(self.view("scaled_debt_of", user=user, asset=asset)[0])

    def supply_balance_of(self, user: int, asset: int) -> int:
        """The user's supply balance now (rounded down)."""
        return int(self.view("supply_balance_of", user=user, asset=asset)[0])

    def debt_of(self, user: int, asset: int) -> int:
        """The user's debt now (rounded up)."""
        return int(self.view("debt_of", user=user, asset=asset)[0])

    def account_data(self, user: int) -> tuple[int, int, int]:
        """(borrowing capacity, liquidation value, debt value), wad at the oracle prices."""
        capacity, liquidation, debt = self.view("account_data", user=user)[0]
        return int(capacity), int(liquidation), int(debt)

    def health_factor(self, user: int) -> int:
        """Ray; 2**256 - 1 without debt."""
        return int(self.view("health_factor", user=user)[0])

    def oracle(self) -> int:
        """The ``IPriceOracle`` prices come from."""
        return int(self.view("oracle")[0])

    def max_price_age(self) -> int:
        """The oldest acceptable price, in seconds."""
        return int(self.view("max_price_age")[0])
