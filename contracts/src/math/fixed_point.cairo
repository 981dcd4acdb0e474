//! Unsigned fixed-point arithmetic: `mul_div` with a 512-bit intermediate product, and the
//! wad (1e18) / ray (1e27) helpers built on it.  Mirrors `astratrade_core.numeric.mul_div`:
//! the same quotient, the same rounding, and an `Err` exactly where the Python core returns a
//! Failure (`numeric.division_by_zero`, `numeric.overflow`).

use core::integer::{u256_wide_mul, u512_safe_div_rem_by_u256, u512};

pub const WAD: u256 = 1_000_000_000_000_000_000;
pub const RAY: u256 = 1_000_000_000_000_000_000_000_000_000;

pub mod Errors {
    pub const DIVISION_BY_ZERO: felt252 = 'math: division by zero';
    pub const OVERFLOW: felt252 = 'math: overflow';
}

/// How a non-exact quotient is rounded (`astratrade_core.numeric.FixedRounding`).
#[derive(Copy, Drop, Serde, PartialEq)]
pub enum Rounding {
    Floor,
    Ceil,
    HalfUp,
}

/// The quotient and remainder of `a * b / d` with the product at double width.
pub fn wide_div_rem(a: u256, b: u256, d: u256) -> Result<(u512, u256), felt252> {
    let divisor: NonZero<u256> = match d.try_into() {
        Option::Some(value) => value,
        Option::None => { return Result::Err(Errors::DIVISION_BY_ZERO); },
    };
    Result::Ok(u512_safe_div_rem_by_u256(u256_wide_mul(a, b), divisor))
}

/// The low 256 bits of a u512, or `Err(OVERFLOW)` if the high half is not zero.
pub fn narrow(value: u512) -> Result<u256, felt252> {
    if value.limb2 != 0 || value.limb3 != 0 {
        return Result::Err(Errors::OVERFLOW);
    }
    Result::Ok(u256 { low: value.limb0, high: value.limb1 })
}

pub trait FixedPointTrait {
    /// `a * b / d` rounded as asked; `Err` on a zero divisor or a quotient beyond u256.
    fn try_mul_div(a: u256, b: u256, d: u256, rounding: Rounding) -> Result<u256, felt252>;
    /// `try_mul_div` that panics with the error.
    fn mul_div(a: u256, b: u256, d: u256, rounding: Rounding) -> u256;
    /// `a * b / WAD`, `a * WAD / b`, `a * b / RAY`, `a * RAY / b` as `Result`s.
    fn try_wad_mul(a: u256, b: u256, rounding: Rounding) -> Result<u256, felt252>;
    fn try_wad_div(a: u256, b: u256, rounding: Rounding) -> Result<u256, felt252>;
    fn try_ray_mul(a: u256, b: u256, rounding: Rounding) -> Result<u256, felt252>;
    fn try_ray_div(a: u256, b: u256, rounding: Rounding) -> Result<u256, felt252>;
    /// `a * b / WAD`.
    fn wad_mul(a: u256, b: u256, rounding: Rounding) -> u256;
    /// `a * WAD / b`.
    fn wad_div(a: u256, b: u256, rounding: Rounding) -> u256;
    /// `a * b / RAY`.
    fn ray_mul(a: u256, b: u256, rounding: Rounding) -> u256;
    /// `a * RAY / b`.
    fn ray_div(a: u256, b: u256, rounding: Rounding) -> u256;
}

pub impl FixedPointImpl of FixedPointTrait {
    fn try_mul_div(a: u256, b: u256, d: u256, rounding: Rounding) -> Result<u256, felt252> {
        let (quotient, remainder) = wide_div_rem(a, b, d)?;
        let quotient = narrow(quotient)?;
        if remainder == 0 {
            return Result::Ok(quotient);
        }
        let round_up = match rounding {
            Rounding::Floor => false,
            Rounding::Ceil => true,
            // remainder >= d - remainder  <=>  remainder >= d / 2 (exactly, no overflow).
            Rounding::HalfUp => remainder >= d - remainder,
        };
        if !round_up {
            return Result::Ok(quotient);
        }
        if quotient == core::integer::BoundedInt::max() {
            return Result::Err(Errors::OVERFLOW);
        }
        Result::Ok(quotient + 1)
    }

    fn mul_div(a: u256, b: u256, d: u256, rounding: Rounding) -> u256 {
        unwrap_or_panic(FixedPointImpl::try_mul_div(a, b, d, rounding))
    }

    fn try_wad_mul(a: u256, b: u256, rounding: Rounding) -> Result<u256, felt252> {
        FixedPointImpl::try_mul_div(a, b, WAD, rounding)
    }

    fn try_wad_div(a: u256, b: u256, rounding: Rounding) -> Result<u256, felt252> {
        FixedPointImpl::try_mul_div(a, WAD, b, rounding)
    }

    fn try_ray_mul(a: u256, b: u256, rounding: Rounding) -> Result<u256, felt252> {
        FixedPointImpl::try_mul_div(a, b, RAY, rounding)
    }

    fn try_ray_div(a: u256, b: u256, rounding: Rounding) -> Result<u256, felt252> {
        FixedPointImpl::try_mul_div(a, RAY, b, rounding)
    }

    fn wad_mul(a: u256, b: u256, rounding: Rounding) -> u256 {
        unwrap_or_panic(FixedPointImpl::try_wad_mul(a, b, rounding))
    }

    fn wad_div(a: u256, b: u256, rounding: Rounding) -> u256 {
        unwrap_or_panic(FixedPointImpl::try_wad_div(a, b, rounding))
    }

    fn ray_mul(a: u256, b: u256, rounding: Rounding) -> u256 {
        unwrap_or_panic(FixedPointImpl::try_ray_mul(a, b, rounding))
    }

    fn ray_div(a: u256, b: u256, rounding: Rounding) -> u256 {
        unwrap_or_panic(FixedPointImpl::try_ray_div(a, b, rounding))
    }
}

/// The value, or a panic whose data is the error felt (a short string).
pub fn unwrap_or_panic<T, +Drop<T>>(result: Result<T, felt252>) -> T {
    match result {
        Result::Ok(value) => value,
        Result::Err(error) => panic_with_felt252(error),
    }
}
