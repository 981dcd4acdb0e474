//! Lending maths in ray (1e27): the kinked (two-slope) rate model, utilization, and the linear
//! and compound growth factors of the indexes.  Mirrors `astratrade_core.defi.lending` bit for
//! bit (Aave's `WadRayMath`, `PercentageMath`, `MathUtils.calculateCompoundedInterest` of v3.0
//! and the two-slope strategy, each slope term one half-up `mul_div`); an `Err` exactly where
//! the Python core returns a Failure:
//!
//! * `'lending: bad model'` <-> a model the core's `InterestRateModel.of` refuses (kink not
//!   strictly between 0 and RAY, reserve factor above 10000 bps);
//! * `'lending: bad utilization'` <-> `defi.utilization` (above RAY);
//! * `'lending: bad accrual'` <-> `defi.accrual` (seconds above 2**40);
//! * `'math: overflow'` <-> `numeric.overflow` (a result beyond u256) and, for `utilization`,
//!   `numeric.fixed_range` (debt + available beyond u256).
//!
//! Aave v3.3's compound formula (`CompoundingFormula.AAVE_V3_3`) is not mirrored.

use astratrade::math::checked::try_add;
use astratrade::math::fixed_point::{Errors as MathErrors, FixedPointImpl, RAY, Rounding};

pub const SECONDS_PER_YEAR: u256 = 31_536_000;
pub const PERCENTAGE_FACTOR: u256 = 10_000;
pub const MAX_ACCRUAL_SECONDS: u256 = 0x10000000000; // 2**40

pub mod Errors {
    pub const BAD_MODEL: felt252 = 'lending: bad model';
    pub const BAD_UTILIZATION: felt252 = 'lending: bad utilization';
    pub const BAD_ACCRUAL: felt252 = 'lending: bad accrual';
}

/// `astratrade_core.defi.lending.InterestRateModel`: rates and the kink in ray, the reserve
/// factor in basis points.
#[derive(Copy, Drop, Serde, PartialEq)]
pub struct RateModel {
    pub base_rate: u256,
    pub slope1: u256,
    pub slope2: u256,
    pub optimal_utilization: u256,
    pub reserve_factor_bps: u256,
}

pub trait LendingMathTrait {
    /// Whether the core would build this model.
    fn check_model(model: RateModel) -> Result<(), felt252>;
    /// `debt / (debt + available)` in ray, half up; 0 without debt, never above RAY.
    fn try_utilization(total_debt: u256, available: u256) -> Result<u256, felt252>;
    /// The borrow rate (ray per year) at a utilization.
    fn try_borrow_rate(model: RateModel, utilization: u256) -> Result<u256, felt252>;
    /// `percent_mul(ray_mul(borrow, U), 10000 - reserve factor)`.
    fn try_supply_rate(model: RateModel, utilization: u256) -> Result<u256, felt252>;
    /// `RAY + rate * seconds // year`.
    fn try_linear_interest(rate: u256, seconds: u256) -> Result<u256, felt252>;
    /// Aave v3.0's three binomial terms of `(1 + rate / year) ** seconds`.
    fn try_compound_interest(rate: u256, seconds: u256) -> Result<u256, felt252>;
}

fn overflow_checked_add(a: u256, b: u256) -> Result<u256, felt252> {
    try_add(a, b, MathErrors::OVERFLOW)
}

pub impl LendingMathImpl of LendingMathTrait {
    fn check_model(model: RateModel) -> Result<(), felt252> {
        if model.optimal_utilization == 0 || model.optimal_utilization >= RAY
            || model.reserve_factor_bps > PERCENTAGE_FACTOR {
            return Result::Err(Errors::BAD_MODEL);
        }
        Result::Ok(())
    }

    fn try_utilization(total_debt: u256, available: u256) -> Result<u256, felt252> {
        if total_debt == 0 {
            return Result::Ok(0);
        }
        let total = overflow_checked_add(total_debt, available)?;
        let u = FixedPointImpl::try_mul_div(total_debt, RAY, total, Rounding::HalfUp)?;
        Result::Ok(if u > RAY { RAY } else { u })
    }

    fn try_borrow_rate(model: RateModel, utilization: u256) -> Result<u256, felt252> {
        LendingMathImpl::check_model(model)?;
        if utilization > RAY {
            return Result::Err(Errors::BAD_UTILIZATION);
        }
        let kink = model.optimal_utilization;
        if utilization <= kink {
            let slope = FixedPointImpl::try_mul_div(model.slope1, utilization, kink,
                Rounding::HalfUp)?;
            return overflow_checked_add(model.base_rate, slope);
        }
        let steep = FixedPointImpl::try_mul_div(model.slope2, utilization - kink, RAY - kink,
            Rounding::HalfUp)?;
        overflow_checked_add(overflow_checked_add(model.base_rate, model.slope1)?, steep)
    }

    fn try_supply_rate(model: RateModel, utilization: u256) -> Result<u256, felt252> {
        let borrow = LendingMathImpl::try_borrow_rate(model, utilization)?;
        let earned = FixedPointImpl::try_mul_div(borrow, utilization, RAY, Rounding::HalfUp)?;
        FixedPointImpl::try_mul_div(earned, PERCENTAGE_FACTOR - model.reserve_factor_bps,
            PERCENTAGE_FACTOR, Rounding::HalfUp)
    }

    fn try_linear_interest(rate: u256, seconds: u256) -> Result<u256, felt252> {
        if seconds > MAX_ACCRUAL_SECONDS {
            return Result::Err(Errors::BAD_ACCRUAL);
        }
        let growth = FixedPointImpl::try_mul_div(rate, seconds, SECONDS_PER_YEAR,
            Rounding::Floor)?;
        overflow_checked_add(RAY, growth)
    }

    fn try_compound_interest(rate: u256, seconds: u256) -> Result<u256, felt252> {
        if seconds > MAX_ACCRUAL_SECONDS {
            return Result::Err(Errors::BAD_ACCRUAL);
        }
        if seconds == 0 {
            return Result::Ok(RAY);
        }
        let year = SECONDS_PER_YEAR;
        let power_two = FixedPointImpl::try_mul_div(rate, rate, RAY, Rounding::HalfUp)?
            / (year * year);
        let power_three = FixedPointImpl::try_mul_div(power_two, rate, RAY, Rounding::HalfUp)?
            / year;
        let pairs = seconds * (seconds - 1); // < 2**80
        let triples = if seconds > 2 { pairs * (seconds - 2) } else { 0 }; // < 2**120
        let first = FixedPointImpl::try_mul_div(rate, seconds, year, Rounding::Floor)?;
        let second = FixedPointImpl::try_mul_div(pairs, power_two, 2, Rounding::Floor)?;
        let third = FixedPointImpl::try_mul_div(triples, power_three, 6, Rounding::Floor)?;
        overflow_checked_add(overflow_checked_add(overflow_checked_add(RAY, first)?, second)?,
            third)
    }
}
