// AstraTrade's own `core::num::traits` for the Cairo 2.6.0 corelib shipped in cairo-lang 0.13.1.
// The shipped corelib declares `pub mod traits;` in num.cairo but omits this file; integer.cairo,
// math.cairo, felt_252.cairo and starknet/*.cairo implement the traits below, so their names and
// method signatures are fixed by those impls.  `contracts/build.py` checks that this file (via
// `ASTRATRADE_CORELIB`) is the one the compiler loaded.

/// Marker checked by the build: only the assembled corelib defines it.
pub const ASTRATRADE_CORELIB: felt252 = 'astratrade-corelib-2.6.0';

/// The additive identity.
pub trait Zero<T> {
    fn zero() -> T;
    fn is_zero(self: @T) -> bool;
    fn is_non_zero(self: @T) -> bool;
}

/// The multiplicative identity.
pub trait One<T> {
    fn one() -> T;
    fn is_one(self: @T) -> bool;
    fn is_non_one(self: @T) -> bool;
}

/// The width of a type in bits.
pub trait BitSize<T> {
    fn bits() -> usize;
}

pub use ops::overflowing::{OverflowingAdd, OverflowingSub, OverflowingMul};
pub use ops::wrapping::{WrappingAdd, WrappingSub, WrappingMul};

pub mod ops {
    pub mod overflowing {
        /// Addition returning the wrapped result and whether it overflowed.
        pub trait OverflowingAdd<T> {
            fn overflowing_add(self: T, v: T) -> (T, bool);
        }
        /// Subtraction returning the wrapped result and whether it underflowed.
        pub trait OverflowingSub<T> {
            fn overflowing_sub(self: T, v: T) -> (T, bool);
        }
        /// Multiplication returning the wrapped result and whether it overflowed.
        pub trait OverflowingMul<T> {
            fn overflowing_mul(self: T, v: T) -> (T, bool);
        }
    }

    pub mod wrapping {
        /// Addition modulo the type's range.
        pub trait WrappingAdd<T> {
            fn wrapping_add(self: T, v: T) -> T;
        }
        /// Subtraction modulo the type's range.
        pub trait WrappingSub<T> {
            fn wrapping_sub(self: T, v: T) -> T;
        }
        /// Multiplication modulo the type's range.
        pub trait WrappingMul<T> {
            fn wrapping_mul(self: T, v: T) -> T;
        }

        /// Wrapping operations derived from the overflowing ones (used by integer.cairo).
        pub(crate) mod overflow_based {
            use core::num::traits::ops::overflowing::{
                OverflowingAdd, OverflowingSub, OverflowingMul
            };

            pub(crate) impl TWrappingAdd<T, +OverflowingAdd<T>, +Drop<T>> of super::WrappingAdd<T> {
                fn wrapping_add(self: T, v: T) -> T {
                    let (result, _) = self.overflowing_add(v);
                    result
                }
            }
            pub(crate) impl TWrappingSub<T, +OverflowingSub<T>, +Drop<T>> of super::WrappingSub<T> {
                fn wrapping_sub(self: T, v: T) -> T {
                    let (result, _) = self.overflowing_sub(v);
                    result
                }
            }
            pub(crate) impl TWrappingMul<T, +OverflowingMul<T>, +Drop<T>> of super::WrappingMul<T> {
                fn wrapping_mul(self: T, v: T) -> T {
                    let (result, _) = self.overflowing_mul(v);
                    result
                }
            }
        }
    }
}
