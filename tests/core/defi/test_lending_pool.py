"""The LendingPool's pure transitions (``astratrade_core.defi.lending``): reserve updates,
scaled balances, account health and liquidation amounts, pinned by hand and by laws (every
rounding favours the pool; a liquidation never seizes more than the collateral)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.defi.lending import (
    SECONDS_PER_YEAR,
    AccountLine,
    InterestRateModel,
    ReserveState,
    account_health,
    debt_balance,
    health_factor,
    liquidation_amounts,
    scaled_debt_burned,
    scaled_debt_minted,
    scaled_supply_burned,
    scaled_supply_minted,
    supply_balance,
    update_reserve,
)
from astratrade_core.numeric import RAY, U256_MAX, WAD

MODEL = InterestRateModel(0, 4 * RAY // 100, 75 * RAY // 100, 80 * RAY // 100, 1000)
AMOUNTS = st.integers(1, 10**30)
INDEXES = st.integers(RAY, 50 * RAY)


def test_reserve_update_by_hand() -> None:
    # 80 of 100 lent: U = 80 % (the kink), borrow 4 %, supply 4 % * 0.8 * (1 - 10 %) = 2.88 %.
    reserve = ReserveState(RAY, RAY, 100 * WAD, 80 * WAD, 20 * WAD, 1_000)
    year = update_reserve(MODEL, reserve, 1_000 + SECONDS_PER_YEAR).unwrap()
    assert year.liquidity_index == RAY + 288 * RAY // 10_000   # linear: exactly 1.0288
    assert year.last_update == 1_000 + SECONDS_PER_YEAR
    # One second compounds one term only: RAY + floor(4 % * RAY / year).
    second = update_reserve(MODEL, reserve, 1_001).unwrap()
    assert second.borrow_index == RAY + (4 * RAY // 100) // SECONDS_PER_YEAR
    assert (second.total_scaled_supply, second.available) == (100 * WAD, 20 * WAD)


def test_no_time_or_time_going_back_changes_nothing() -> None:
    reserve = ReserveState(RAY, RAY, 10, 5, 5, 50)
    assert update_reserve(MODEL, reserve, 50).unwrap() is reserve
    assert update_reserve(MODEL, reserve, 49).unwrap() is reserve


def test_no_debt_no_growth_and_a_bad_period_fails() -> None:
    idle = ReserveState(RAY, RAY, 10, 0, 10, 0)
    assert update_reserve(MODEL, idle, 10**9).unwrap() == ReserveState(RAY, RAY, 10, 0, 10,
                                                                       10**9)
    assert update_reserve(MODEL, idle, 2**40 + 1).failure().code == "defi.accrual"


def test_a_block_time_is_a_u64_integer() -> None:
    # True is an int to Python, not a block time; the u64 edge is the last time allowed.
    reserve = ReserveState(RAY, RAY, 10, 5, 5, 2**64 - 1)
    for bad in (True, -1, 2**64):
        assert update_reserve(MODEL, reserve, bad).failure().code == "defi.block_time"
    assert update_reserve(MODEL, reserve, 2**64 - 1).unwrap() is reserve


def test_scaled_rounding_by_hand() -> None:
    index = 3 * RAY // 2
    assert scaled_supply_minted(10, index).unwrap() == 6    # 6.67 down
    assert scaled_supply_burned(10, index).unwrap() == 7    # up
    assert scaled_debt_minted(10, index).unwrap() == 7      # up
    assert supply_balance(6, index).unwrap() == 9
    assert debt_balance(7, index).unwrap() == 11            # 10.5 up
    assert scaled_debt_burned(10, 7, index).unwrap() == 6   # partial: 6.67 down
    assert scaled_debt_burned(11, 7, index).unwrap() == 7   # the whole debt: every unit
    assert scaled_supply_minted(1, 0).failure().code == "numeric.division_by_zero"


@given(AMOUNTS, INDEXES)
def test_supply_never_pays_back_more_than_it_took(amount: int, index: int) -> None:
    scaled = scaled_supply_minted(amount, index).unwrap()
    assert supply_balance(scaled, index).unwrap() <= amount
    # Withdrawing the whole balance burns no more than the position.
    balance = supply_balance(scaled, index).unwrap()
    assert scaled_supply_burned(balance, index).unwrap() <= scaled


@given(AMOUNTS, INDEXES)
def test_a_borrower_owes_at_least_what_was_lent(amount: int, index: int) -> None:
    scaled = scaled_debt_minted(amount, index).unwrap()
    debt = debt_balance(scaled, index).unwrap()
    assert debt >= amount
    assert scaled_debt_burned(debt, scaled, index).unwrap() == scaled
    assert scaled_debt_burned(debt - 1, scaled, index).unwrap() <= scaled


def test_account_health_by_hand() -> None:
    # 1 ETH at 2000 (cf 75 %, lt 80 %) against 1000.5 USD of debt at 1.
    eth = AccountLine(WAD, 0, 2000 * WAD, 7500, 8000)
    usd = AccountLine(0, 1000 * WAD + WAD // 2, WAD, 0, 0)
    health = account_health((eth, usd)).unwrap()
    assert health.borrow_capacity == 1500 * WAD
    assert health.liquidation_value == 1600 * WAD
    assert health.debt_value == 1000 * WAD + WAD // 2
    assert health.health_factor == 1600 * WAD * RAY // (1000 * WAD + WAD // 2)
    # Values round against the account: 1 unit at price 0.5 is worth 0 as collateral, 1 as debt.
    assert account_health((AccountLine(1, 1, WAD // 2, 10_000, 10_000),)).unwrap() \
        .health_factor == 0
    assert account_health(()).unwrap().health_factor == U256_MAX


def test_health_factor_edges() -> None:
    assert health_factor(0, 1).unwrap() == 0
    assert health_factor(U256_MAX, 1).unwrap() == U256_MAX        # beyond u256: capped
    assert health_factor(1, 1).unwrap() == RAY


def test_account_sums_beyond_u256_fail() -> None:
    line = AccountLine(0, U256_MAX, WAD, 0, 0)
    assert account_health((line, line)).failure().code == "numeric.overflow"


def test_liquidation_by_hand() -> None:
    one = {"debt_price": WAD, "collateral_price": WAD}
    # The close factor: at most ceil(50 % of 101) = 51.
    assert liquidation_amounts(101, 1000, **one, bonus_bps=500, requested=10**6).unwrap() \
        == (51, 53)                                  # floor(51 * 1.05) = 53
    # A debt of 1 can be closed (ceil).
    assert liquidation_amounts(1, 1000, **one, bonus_bps=0, requested=1).unwrap() == (1, 1)
    # Debt in USD (price 1), collateral ETH at 2000, 10 % bonus: 1000 USD buys 0.55 ETH.
    eth = {"debt_price": WAD, "collateral_price": 2000 * WAD}
    assert liquidation_amounts(4000 * WAD, 10 * WAD, **eth, bonus_bps=1000,
                               requested=1000 * WAD).unwrap() == (1000 * WAD, 55 * WAD // 100)
    # Only 0.11 ETH left: it all goes, for ceil(0.1 ETH) * 2000 = 200 USD.
    assert liquidation_amounts(4000 * WAD, 11 * WAD // 100, **eth, bonus_bps=1000,
                               requested=1000 * WAD).unwrap() == (200 * WAD, 11 * WAD // 100)
    assert liquidation_amounts(1, 1, debt_price=WAD, collateral_price=0, bonus_bps=0,
                               requested=1).failure().code == "numeric.division_by_zero"


@given(st.tuples(st.integers(1, 10**30), st.integers(1, 10**30), st.integers(1, 10**24),
                 st.integers(1, 10**24), st.integers(0, 10_000), st.integers(1, 10**31)))
def test_liquidation_laws(case: tuple[int, int, int, int, int, int]) -> None:
    debt, collateral, debt_price, collateral_price, bonus, requested = case
    repaid, seized = liquidation_amounts(debt, collateral, debt_price=debt_price,
                                         collateral_price=collateral_price, bonus_bps=bonus,
                                         requested=requested).unwrap()
    assert repaid <= min(requested, -(-debt // 2))
    assert seized <= collateral
    # The seized value never exceeds the repaid value plus the bonus.
    assert seized * collateral_price * 10_000 <= repaid * debt_price * (10_000 + bonus)
