//! Trading math on wad (1e18) unsigned integers, mirroring `astratrade_core.trading`:
//! `pnl_wad`, `position_size_wad` (pnl.py) and `isolated_liquidation_price_wad` (margin.py).
//! Products are checked u256 multiplications (`Err(OVERFLOW)` where the Python version fails
//! with `numeric.overflow`); divisions go through `try_mul_div`.

use astratrade::math::fixed_point::{Errors, FixedPointImpl, Rounding, WAD};
use astratrade::math::signed::{Signed, SignedImpl};

pub mod TradingErrors {
    pub const BAD_INPUT: felt252 = 'trading: bad input';
}

/// `a * b`, or `Err(OVERFLOW)` beyond u256 (shared with `math::inverse`).
pub fn checked_mul(a: u256, b: u256) -> Result<u256, felt252> {
    let (product, overflow) = core::integer::u256_overflow_mul(a, b);
    if overflow {
        return Result::Err(Errors::OVERFLOW);
    }
    Result::Ok(product)
}

/// `a + b`, or `Err(OVERFLOW)` beyond u256.
pub fn checked_add(a: u256, b: u256) -> Result<u256, felt252> {
    let (sum, overflow) = core::integer::u256_overflowing_add(a, b);
    if overflow {
        return Result::Err(Errors::OVERFLOW);
    }
    Result::Ok(sum)
}

pub trait TradingMathTrait {
    /// Signed P&L of `quantity` moved from `entry_price` to `current_price`: a gain rounds down,
    /// a loss rounds up (both in the protocol's favour).
    fn try_pnl(quantity: u256, entry_price: u256, current_price: u256, is_long: bool)
        -> Result<Signed, felt252>;
    /// `floor(balance * risk / stop_distance)`: the size risking `risk` of `balance`.
    fn try_position_size(balance: u256, risk: u256, stop_distance: u256) -> Result<u256, felt252>;
    /// Isolated liquidation price for one maintenance bracket; 0 means "none".
    fn try_liquidation_price(quantity: u256, entry_price: u256, margin: u256,
        maintenance_rate: u256, maintenance_amount: u256, is_long: bool) -> Result<u256, felt252>;
}

pub impl TradingMathImpl of TradingMathTrait {
    fn try_pnl(quantity: u256, entry_price: u256, current_price: u256, is_long: bool)
        -> Result<Signed, felt252> {
        let gains = (current_price >= entry_price) == is_long;
        let move = if current_price >= entry_price {
            current_price - entry_price
        } else {
            entry_price - current_price
        };
        if gains {
            let gain = FixedPointImpl::try_mul_div(quantity, move, WAD, Rounding::Floor)?;
            Result::Ok(SignedImpl::positive(gain))
        } else {
            let loss = FixedPointImpl::try_mul_div(quantity, move, WAD, Rounding::Ceil)?;
            Result::Ok(SignedImpl::negative(loss))
        }
    }

    fn try_position_size(balance: u256, risk: u256, stop_distance: u256) -> Result<u256, felt252> {
        FixedPointImpl::try_mul_div(balance, risk, stop_distance, Rounding::Floor)
    }

    fn try_liquidation_price(quantity: u256, entry_price: u256, margin: u256,
        maintenance_rate: u256, maintenance_amount: u256, is_long: bool) -> Result<u256, felt252> {
        if quantity == 0 || maintenance_rate >= WAD {
            return Result::Err(TradingErrors::BAD_INPUT);
        }
        let base = checked_mul(quantity, entry_price)?;
        let cover = checked_mul(checked_add(margin, maintenance_amount)?, WAD)?;
        if is_long {
            let denominator = checked_mul(quantity, WAD - maintenance_rate)?;
            if base <= cover {
                return Result::Ok(0);
            }
            FixedPointImpl::try_mul_div(base - cover, WAD, denominator, Rounding::Ceil)
        } else {
            let denominator = checked_mul(quantity, WAD + maintenance_rate)?;
            let numerator = checked_add(base, cover)?;
            FixedPointImpl::try_mul_div(numerator, WAD, denominator, Rounding::Floor)
        }
    }
}

/// The volume-weighted entry price after adding `added` at `price` to `quantity` at `entry`,
/// rounded against the trader: up for a long, down for a short (the exact average is
/// `entry + (price - entry) * added / (quantity + added)`).  Behaviour-tested; the Python core
/// keeps a Decimal cost basis instead of an integer average.
pub fn try_average_entry(quantity: u256, entry: u256, added: u256, price: u256, is_long: bool)
    -> Result<u256, felt252> {
    if quantity == 0 {
        return Result::Ok(price);
    }
    let total = checked_add(quantity, added)?;
    if price >= entry {
        let rounding = if is_long {
            Rounding::Ceil
        } else {
            Rounding::Floor
        };
        Result::Ok(entry + FixedPointImpl::try_mul_div(price - entry, added, total, rounding)?)
    } else {
        let rounding = if is_long {
            Rounding::Floor
        } else {
            Rounding::Ceil
        };
        Result::Ok(entry - FixedPointImpl::try_mul_div(entry - price, added, total, rounding)?)
    }
}
