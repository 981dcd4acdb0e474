//! Inverse (coin-margined) contract math on wad (1e18) unsigned integers, mirroring
//! `astratrade_core.trading.inverse` (`inverse_pnl_wad`, `inverse_notional_wad`,
//! `inverse_fee_wad`, `inverse_average_entry_wad`) and
//! `astratrade_core.trading.inverse_margin.inverse_isolated_liquidation_price_wad`.
//! A contract is worth `contract_size` quote units; values, P&L, fees and margin are in the base
//! coin.  Products are checked u256 multiplications (`Err(OVERFLOW)` where the Python version
//! fails with `numeric.overflow`), formed in the same order; each result is one `try_mul_div`.

use astratrade::math::fixed_point::{FixedPointImpl, Rounding, WAD};
use astratrade::math::signed::{Signed, SignedImpl};
use astratrade::math::trading::{checked_add, checked_mul};

pub mod InverseErrors {
    pub const BAD_INPUT: felt252 = 'inverse: bad input';
}

pub trait InverseMathTrait {
    /// Signed coin P&L of `contracts` from `entry_price` to `exit_price`:
    /// `contracts * size * |exit - entry| / (entry * exit)`, a gain rounded down, a loss up.
    fn try_pnl(contracts: u256, contract_size: u256, entry_price: u256, exit_price: u256,
        is_long: bool) -> Result<Signed, felt252>;
    /// `contracts * size / price`: the value in coin, rounded as asked.
    fn try_notional(contracts: u256, contract_size: u256, price: u256, rounding: Rounding)
        -> Result<u256, felt252>;
    /// `contracts * size / price * rate`, rounded up (owed to the protocol).
    fn try_fee(contracts: u256, contract_size: u256, price: u256, rate: u256)
        -> Result<u256, felt252>;
    /// The harmonic average entry after adding `added` at `price` to `contracts` at
    /// `entry_price`, rounded against the trader (up for a long, down for a short).
    fn try_average_entry(contracts: u256, entry_price: u256, added: u256, price: u256,
        is_long: bool) -> Result<u256, felt252>;
    /// Isolated liquidation price for one maintenance bracket; 0 means "none" (covered short).
    fn try_liquidation_price(contracts: u256, contract_size: u256, entry_price: u256,
        margin: u256, maintenance_rate: u256, maintenance_amount: u256, is_long: bool)
        -> Result<u256, felt252>;
}

pub impl InverseMathImpl of InverseMathTrait {
    fn try_pnl(contracts: u256, contract_size: u256, entry_price: u256, exit_price: u256,
        is_long: bool) -> Result<Signed, felt252> {
        let face = checked_mul(contracts, contract_size)?;
        let span = checked_mul(entry_price, exit_price)?;
        let gains = (exit_price >= entry_price) == is_long;
        let move = if exit_price >= entry_price {
            exit_price - entry_price
        } else {
            entry_price - exit_price
        };
        if gains {
            let gain = FixedPointImpl::try_mul_div(face, move, span, Rounding::Floor)?;
            Result::Ok(SignedImpl::positive(gain))
        } else {
            let loss = FixedPointImpl::try_mul_div(face, move, span, Rounding::Ceil)?;
            Result::Ok(SignedImpl::negative(loss))
        }
    }

    fn try_notional(contracts: u256, contract_size: u256, price: u256, rounding: Rounding)
        -> Result<u256, felt252> {
        FixedPointImpl::try_mul_div(contracts, contract_size, price, rounding)
    }

    fn try_fee(contracts: u256, contract_size: u256, price: u256, rate: u256)
        -> Result<u256, felt252> {
        let face = checked_mul(contracts, contract_size)?;
        let scale = checked_mul(WAD, price)?;
        FixedPointImpl::try_mul_div(face, rate, scale, Rounding::Ceil)
    }

    fn try_average_entry(contracts: u256, entry_price: u256, added: u256, price: u256,
        is_long: bool) -> Result<u256, felt252> {
        if contracts == 0 {
            return Result::Ok(price);
        }
        let total = checked_add(contracts, added)?;
        let span = checked_mul(entry_price, price)?;
        let held = checked_mul(contracts, price)?;
        let adding = checked_mul(added, entry_price)?;
        let denominator = checked_add(held, adding)?;
        let rounding = if is_long {
            Rounding::Ceil
        } else {
            Rounding::Floor
        };
        FixedPointImpl::try_mul_div(total, span, denominator, rounding)
    }

    fn try_liquidation_price(contracts: u256, contract_size: u256, entry_price: u256,
        margin: u256, maintenance_rate: u256, maintenance_amount: u256, is_long: bool)
        -> Result<u256, felt252> {
        if contracts == 0 || contract_size == 0 || entry_price == 0 || maintenance_rate >= WAD {
            return Result::Err(InverseErrors::BAD_INPUT);
        }
        let face = checked_mul(contracts, contract_size)?;
        let held = checked_add(margin, maintenance_amount)?;
        let cover = checked_mul(entry_price, held)?;
        if is_long {
            let scale = checked_mul(entry_price, WAD + maintenance_rate)?;
            let rest = checked_add(cover, face)?;
            let denominator = checked_mul(WAD, rest)?;
            FixedPointImpl::try_mul_div(face, scale, denominator, Rounding::Ceil)
        } else {
            let scale = checked_mul(entry_price, WAD - maintenance_rate)?;
            if face <= cover {
                return Result::Ok(0);
            }
            let denominator = checked_mul(WAD, face - cover)?;
            FixedPointImpl::try_mul_div(face, scale, denominator, Rounding::Floor)
        }
    }
}
