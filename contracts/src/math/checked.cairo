//! Checked u256 addition and subtraction that panic with the caller's contract error instead
//! of the core library's `u256_add Overflow` / `u256_sub Overflow`, so every overflow a user
//! can provoke reverts with a message that names the contract and the quantity.

use core::integer::{u256_overflowing_add, u256_overflow_sub};

/// `a + b`, or a panic with `error` when the sum exceeds 2**256 - 1.
pub fn add(a: u256, b: u256, error: felt252) -> u256 {
    let (sum, overflow) = u256_overflowing_add(a, b);
    assert(!overflow, error);
    sum
}

/// `a - b`, or a panic with `error` when `b > a`.
pub fn sub(a: u256, b: u256, error: felt252) -> u256 {
    let (difference, underflow) = u256_overflow_sub(a, b);
    assert(!underflow, error);
    difference
}

/// `a + b` as a `Result` (for pure math that reports errors instead of panicking).
pub fn try_add(a: u256, b: u256, error: felt252) -> Result<u256, felt252> {
    let (sum, overflow) = u256_overflowing_add(a, b);
    if overflow {
        return Result::Err(error);
    }
    Result::Ok(sum)
}
