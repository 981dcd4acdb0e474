"""The ``LendingPool`` in the VM: worked examples computed by hand, every refusal with its
error string, and the attacks (borrowing without collateral, withdrawing collateral that backs
a loan, liquidating a healthy account, acting on a stale price, re-entering through a token)."""

from __future__ import annotations

import pytest

from astratrade_core.defi.lending import SECONDS_PER_YEAR, InterestRateModel
from astratrade_core.numeric import RAY, U256_MAX, WAD
from astratrade_shell.starknet.backend import ContractReverted
from astratrade_shell.starknet.clients import TestTokenClient
from astratrade_shell.starknet.lending import LendingPoolClient
from astratrade_shell.starknet.local import LocalBackend
from tests.contracts.conftest import ALICE, BOB, OWNER, STRANGER
from tests.contracts.lending_venue import ETH, MODEL, T0, USD, Market
from tests.contracts.venue import MAX, HostileTokenClient, at_time

CAROL = 0xC3


def borrowed_market(backend: LocalBackend) -> Market:
    """Bob supplies 10,000 USD; Alice supplies 10 ETH (worth 20,000) and borrows 8,000 USD."""
    market = Market(backend)
    with at_time(backend, T0):
        market.supply(BOB, market.usd, 10_000 * WAD)
        market.supply(ALICE, market.eth, 10 * WAD)
        market.pool.borrow(ALICE, market.usd.address, 8_000 * WAD)
    return market


def test_supply_borrow_accrue_repay_withdraw_by_hand(backend: LocalBackend) -> None:
    market = borrowed_market(backend)
    pool, usd = market.pool, market.usd.address
    with at_time(backend, T0):
        # 80 % of the USD lent out: exactly the kink.
        reserve = pool.reserve(usd)
        assert (reserve.liquidity_index, reserve.borrow_index) == (RAY, RAY)
        assert (reserve.total_scaled_supply, reserve.total_scaled_debt, reserve.available) \
            == (10_000 * WAD, 8_000 * WAD, 2_000 * WAD)
        # Capacity 20,000 * 75 %, liquidation value 20,000 * 80 %, debt 8,000: health 2.
        assert pool.account_data(ALICE) == (15_000 * WAD, 16_000 * WAD, 8_000 * WAD)
        assert pool.health_factor(ALICE) == 2 * RAY
        assert pool.health_factor(BOB) == U256_MAX
        assert market.usd.balance_of(ALICE) == 8_000 * WAD
    with at_time(backend, T0 + 1):
        # One second at 4 %: the borrow index gains floor(0.04 RAY / year) = 1268391679350583460.
        assert pool.reserve_now(usd).borrow_index == RAY + 1_268_391_679_350_583_460
        # 8,000 * that, rounded up: 8000.000000010147133434805 (the ...4804.6 rounds up).
        assert pool.debt_of(ALICE, usd) == 8_000 * WAD + 10_147_133_434_805
    with at_time(backend, T0 + SECONDS_PER_YEAR):
        market.prices(usd=WAD, eth=2000 * WAD)
        # Suppliers earn 4 % * 80 % * (1 - 10 %) = 2.88 %, linearly: exactly 10,288.
        assert pool.reserve_now(usd).liquidity_index == RAY + 288 * RAY // 10_000
        assert pool.supply_balance_of(BOB, usd) == 10_288 * WAD
        # The borrower compounds (Aave v3.0's three binomial terms): 8000 * (1 + 0.04 +
        # 0.0008 + ~1.05e-5) = 8326.48..., the cubic term floored as Aave floors it.
        debt = pool.debt_of(ALICE, usd)
        assert 8_326_480 * WAD // 1000 < debt < 8_326_490 * WAD // 1000
        market.fund(ALICE, market.usd, 1_000 * WAD)
        repaid = pool.repay(ALICE, usd, MAX)  # more than owed: exactly the debt is taken
        assert repaid.result[0] == debt
        assert pool.scaled_debt_of(ALICE, usd) == 0
        assert market.usd.balance_of(ALICE) == 9_000 * WAD - debt
    with at_time(backend, T0 + SECONDS_PER_YEAR + 10 * 86_400):
        # No debt: the collateral comes back without reading a (by now stale) price.
        pool.withdraw(ALICE, market.eth.address, 10 * WAD)
        assert market.eth.balance_of(ALICE) == 10 * WAD
        # Nothing lent any more: no interest, Bob takes his 10,288 out.
        pool.withdraw(BOB, usd, 10_288 * WAD)
        assert pool.scaled_supply_of(BOB, usd) == 0
        left = pool.reserve(usd)
        # The reserve factor's share stays in the pool, and the books match the tokens held.
        assert left.available == 2_000 * WAD + debt - 10_288 * WAD > 0
        assert market.usd.balance_of(pool.address) == left.available
        assert left.total_scaled_supply == 0


def test_liquidation_by_hand(backend: LocalBackend) -> None:
    market = borrowed_market(backend)
    pool, usd, eth = market.pool, market.usd.address, market.eth.address
    with at_time(backend, T0):
        market.fund(CAROL, market.usd, 10_000 * WAD)
        with pytest.raises(ContractReverted, match="lending: account healthy"):
            pool.liquidate(CAROL, ALICE, usd, eth, 1_000 * WAD)
        # ETH falls to 900: liquidation value 10 * 900 * 80 % = 7,200 < 8,000 of debt.
        market.prices(eth=900 * WAD)
        assert pool.health_factor(ALICE) == 9 * RAY // 10
        with pytest.raises(ContractReverted, match="lending: self liquidation"):
            pool.liquidate(ALICE, ALICE, usd, eth, 1)
        with pytest.raises(ContractReverted, match="lending: no debt"):
            pool.liquidate(CAROL, ALICE, eth, eth, 1)
        with pytest.raises(ContractReverted, match="lending: no collateral"):
            pool.liquidate(CAROL, ALICE, usd, usd, 1)
        receipt = pool.liquidate(CAROL, ALICE, usd, eth, 10_000 * WAD)
        # The close factor caps the repayment at 50 % of 8,000; 4,000 USD buys 4.444... ETH at
        # 900, plus the 10 % bonus: floor(4444444444444444444 * 1.1) = 4888888888888888888.
        seized = 4_888_888_888_888_888_888
        assert tuple(receipt.result[0]) == (4_000 * WAD, seized)
        assert receipt.named("Liquidated")[0].fields["seized"] == seized
        assert pool.debt_of(ALICE, usd) == 4_000 * WAD
        assert pool.scaled_supply_of(ALICE, eth) == 10 * WAD - seized
        assert pool.scaled_supply_of(CAROL, eth) == seized
        assert market.usd.balance_of(CAROL) == 6_000 * WAD
        assert pool.reserve(usd).available == 6_000 * WAD
        # The liquidator takes the seized collateral out as tokens.
        pool.withdraw(CAROL, eth, seized)
        assert market.eth.balance_of(CAROL) == seized


def test_attacks_borrow_without_collateral_and_withdraw_backing(backend: LocalBackend) -> None:
    market = borrowed_market(backend)
    pool, usd, eth = market.pool, market.usd.address, market.eth.address
    with at_time(backend, T0):
        with pytest.raises(ContractReverted, match="lending: undercollateralized"):
            pool.borrow(STRANGER, usd, 1)
        with pytest.raises(ContractReverted, match="lending: undercollateralized"):
            pool.withdraw(ALICE, eth, 10 * WAD)
        # 6 ETH still carry 9,000 of capacity >= 8,000: 4 may go, then not one more.
        pool.withdraw(ALICE, eth, 4 * WAD)
        with pytest.raises(ContractReverted, match="lending: undercollateralized"):
            pool.withdraw(ALICE, eth, WAD)
        with pytest.raises(ContractReverted, match="lending: undercollateralized"):
            pool.borrow(ALICE, usd, 1_000 * WAD + 1)
        pool.borrow(ALICE, usd, 1_000 * WAD)           # exactly at the capacity
        assert pool.account_data(ALICE) == (9_000 * WAD, 9_600 * WAD, 9_000 * WAD)
        market.supply(CAROL, market.eth, 100 * WAD)
        with pytest.raises(ContractReverted, match="lending: insufficient liquidity"):
            pool.borrow(CAROL, usd, 1_000 * WAD + 1)   # only 1,000 USD left
        with pytest.raises(ContractReverted, match="lending: insufficient supply"):
            pool.withdraw(BOB, usd, 10_000 * WAD + 1)


def test_attack_stale_and_missing_prices(backend: LocalBackend) -> None:
    market = borrowed_market(backend)
    pool, usd, eth = market.pool, market.usd.address, market.eth.address
    with at_time(backend, T0 + 3_601):   # the default bound is one hour
        market.fund(CAROL, market.usd, 10_000 * WAD)
        for action in (lambda: pool.borrow(ALICE, usd, 1),
                       lambda: pool.withdraw(ALICE, eth, 1),
                       lambda: pool.liquidate(CAROL, ALICE, usd, eth, 1),
                       lambda: pool.health_factor(ALICE)):
            with pytest.raises(ContractReverted, match="lending: stale price"):
                action()
        # Repaying needs no price.
        market.fund(ALICE, market.usd, WAD)
        assert pool.repay(ALICE, usd, WAD).result[0] == WAD
        pool.set_max_price_age(OWNER, 7_200)
        assert pool.max_price_age() == 7_200
        pool.borrow(ALICE, usd, 1)
        # A listed asset whose market has no price: supplying reads none, borrowing must.
        dai = TestTokenClient.create(backend, owner=OWNER, name="Test Dai", symbol="tDAI")
        pool.list_reserve(OWNER, dai.address, market=int.from_bytes(b"NONE", "big"),
                          model=MODEL, collateral_factor_bps=0, liquidation_threshold_bps=0,
                          liquidation_bonus_bps=0)
        market.supply(CAROL, dai, 100 * WAD)
        with pytest.raises(ContractReverted, match="lending: no oracle price"):
            pool.borrow(BOB, dai.address, 1)


def test_refusals_of_listing_and_bounds(backend: LocalBackend) -> None:
    market = Market(backend)
    pool = market.pool
    risk = {"collateral_factor_bps": 0, "liquidation_threshold_bps": 0,
            "liquidation_bonus_bps": 0}
    with pytest.raises(ContractReverted, match="lending: reserve listed"):
        pool.list_reserve(OWNER, market.usd.address, market=USD, model=MODEL, **risk)
    with pytest.raises(ContractReverted, match="lending: zero address"):
        pool.list_reserve(OWNER, 0, market=USD, model=MODEL, **risk)
    bad_kink = InterestRateModel(0, 0, 0, RAY, 0)
    with pytest.raises(ContractReverted, match="lending: bad model"):
        pool.list_reserve(OWNER, 0x1001, market=USD, model=bad_kink, **risk)
    for cf, lt, bonus in ((8001, 8000, 0), (0, 10_001, 0), (0, 0, 10_001),
                          (9000, 9600, 500)):   # 96 % * 1.05 > 100 %: seizing would not fit
        with pytest.raises(ContractReverted, match="lending: bad risk params"):
            pool.list_reserve(OWNER, 0x1001, market=USD, model=MODEL, collateral_factor_bps=cf,
                              liquidation_threshold_bps=lt, liquidation_bonus_bps=bonus)
    pool.list_reserve(OWNER, 0x1001, market=USD, model=MODEL, collateral_factor_bps=9000,
                      liquidation_threshold_bps=9500, liquidation_bonus_bps=526)  # 99.97 %
    for n in range(5):
        pool.list_reserve(OWNER, 0x2000 + n, market=USD, model=MODEL, **risk)
    assert pool.reserve_count() == 8
    with pytest.raises(ContractReverted, match="lending: too many reserves"):
        pool.list_reserve(OWNER, 0x3000, market=USD, model=MODEL, **risk)
    for age in (0, 86_401):
        with pytest.raises(ContractReverted, match="lending: bad price age"):
            pool.set_max_price_age(OWNER, age)
    with pytest.raises(ContractReverted, match="lending: unknown reserve"):
        pool.supply(ALICE, 0x3000, 1)
    with pytest.raises(ContractReverted, match="lending: unknown reserve"):
        pool.reserve(0x3000)
    assert not pool.reserve_config(0x3000).listed
    config = pool.reserve_config(market.eth.address)
    assert (config.market, config.model, config.collateral_factor_bps,
            config.liquidation_threshold_bps, config.liquidation_bonus_bps) \
        == (ETH, MODEL, 7500, 8000, 1000)
    with pytest.raises(Exception, match="lending: zero address"):
        LendingPoolClient.deploy(backend, caller=OWNER, owner=OWNER, oracle=0)
    assert pool.oracle() == market.oracle.address


def test_refusals_of_amounts_and_pause(backend: LocalBackend) -> None:
    market = borrowed_market(backend)
    pool, usd, eth = market.pool, market.usd.address, market.eth.address
    with at_time(backend, T0):
        for action in (pool.supply, pool.withdraw, pool.borrow, pool.repay):
            with pytest.raises(ContractReverted, match="lending: amount is zero"):
                action(ALICE, usd, 0)
        with pytest.raises(ContractReverted, match="lending: amount is zero"):
            pool.liquidate(BOB, ALICE, usd, eth, 0)
        with pytest.raises(ContractReverted, match="lending: zero address"):
            pool.liquidate(BOB, 0, usd, eth, 1)
        with pytest.raises(ContractReverted, match="lending: no debt"):
            pool.repay(BOB, usd, 1)
        # Pausing stops supply and borrow only.
        pool.pause(OWNER)
        assert pool.is_paused()
        with pytest.raises(ContractReverted, match="pausable: paused"):
            market.supply(CAROL, market.usd, WAD)
        with pytest.raises(ContractReverted, match="pausable: paused"):
            pool.borrow(ALICE, usd, WAD)
        market.prices(eth=900 * WAD)
        market.fund(CAROL, market.usd, 10_000 * WAD)
        pool.liquidate(CAROL, ALICE, usd, eth, WAD)      # liquidation is never paused
        market.usd.approve(ALICE, pool.address, MAX)
        pool.repay(ALICE, usd, WAD)                      # nor repayment
        pool.withdraw(BOB, usd, WAD)                     # nor withdrawal
        pool.unpause(OWNER)
        pool.borrow(BOB, eth, WAD)   # Bob's 9,999 USD carry 7,999 of capacity: 1 ETH is 900
    with at_time(backend, T0 + 86_400):
        # Once the liquidity index is above 1, one unit mints no scaled supply: refused.
        assert pool.reserve_now(usd).liquidity_index > RAY
        with pytest.raises(ContractReverted, match="lending: amount too small"):
            market.supply(CAROL, market.usd, 1)
        market.supply(CAROL, market.usd, 2)
        assert pool.scaled_supply_of(CAROL, usd) == 1
        # Carol's 2 units are worth floor(1 * index) = 1: the rounding kept the pool whole.
        assert pool.supply_balance_of(CAROL, usd) == 1


def test_overflow_is_a_contract_error(backend: LocalBackend) -> None:
    market = Market(backend)
    with at_time(backend, T0):
        market.supply(ALICE, market.usd, U256_MAX)
        with pytest.raises(ContractReverted, match="lending: balance overflow"):
            market.pool.supply(BOB, market.usd.address, 1)  # checked before any token call


def test_attack_reentrancy_and_failing_tokens(backend: LocalBackend) -> None:
    market = Market(backend)
    pool = market.pool
    hostile = HostileTokenClient.deploy(backend, caller=OWNER)
    with at_time(backend, T0):
        pool.list_reserve(OWNER, hostile.address, market=USD, model=MODEL,
                          collateral_factor_bps=5000, liquidation_threshold_bps=6000,
                          liquidation_bonus_bps=500)
        hostile.mint(ALICE, 1_000)
        hostile.approve(ALICE, pool.address, MAX)
        pool.supply(ALICE, hostile.address, 500)
        # During the next supply's transfer_from the token calls back into the pool.
        hostile.arm(pool.address, "withdraw", [hostile.address, 500, 0])
        with pytest.raises(ContractReverted, match="reentrancy: reentrant call"):
            pool.supply(ALICE, hostile.address, 10)
        hostile.disarm()
        hostile.set_mode(1)  # transfers return false
        with pytest.raises(ContractReverted, match="lending: token transfer failed"):
            pool.withdraw(ALICE, hostile.address, 10)
        with pytest.raises(ContractReverted, match="lending: token transfer failed"):
            pool.supply(ALICE, hostile.address, 10)
        assert pool.scaled_supply_of(ALICE, hostile.address) == 500
