//! The reward-per-share accumulator of `astratrade_core.defi.staking.StakingPool`, as pure
//! functions over its state (the storage wrapper is `components::staking_pool`):
//!
//! * notify(R): `n = R * WAD + carry_wad`; nothing staked -> `carry_wad = n`; otherwise
//!   `(delta, carry_wad) = divmod(n, total_staked)` and `reward_index += delta`.
//! * settle: `owed += mul_div(staked, reward_index - paid_index, WAD, FLOOR)`;
//!   `paid_index = reward_index`.

use astratrade::math::fixed_point::{Errors, FixedPointImpl, Rounding, WAD};

#[derive(Copy, Drop, Serde, PartialEq)]
pub struct PoolState {
    pub total_staked: u256,
    pub reward_index: u256,
    pub carry_wad: u256,
}

pub trait AccumulatorTrait {
    /// The pool after emitting `amount` reward units to the current stakers.
    fn try_notify(pool: PoolState, amount: u256) -> Result<PoolState, felt252>;
    /// Rewards accrued by `staked` units since `paid_index` (floored).
    fn try_earned(staked: u256, reward_index: u256, paid_index: u256) -> Result<u256, felt252>;
}

pub impl AccumulatorImpl of AccumulatorTrait {
    fn try_notify(pool: PoolState, amount: u256) -> Result<PoolState, felt252> {
        let (scaled, overflow) = core::integer::u256_overflow_mul(amount, WAD);
        if overflow {
            return Result::Err(Errors::OVERFLOW);
        }
        let (numerator, overflow) = core::integer::u256_overflowing_add(scaled, pool.carry_wad);
        if overflow {
            return Result::Err(Errors::OVERFLOW);
        }
        if pool.total_staked == 0 {
            return Result::Ok(
                PoolState { total_staked: 0, reward_index: pool.reward_index, carry_wad: numerator }
            );
        }
        let delta = numerator / pool.total_staked;
        let carry = numerator % pool.total_staked;
        let (index, overflow) = core::integer::u256_overflowing_add(pool.reward_index, delta);
        if overflow {
            return Result::Err(Errors::OVERFLOW);
        }
        Result::Ok(PoolState { total_staked: pool.total_staked, reward_index: index, carry_wad: carry })
    }

    fn try_earned(staked: u256, reward_index: u256, paid_index: u256) -> Result<u256, felt252> {
        FixedPointImpl::try_mul_div(staked, reward_index - paid_index, WAD, Rounding::Floor)
    }
}
