//! A signed wad amount as sign and magnitude (Cairo 2.6 has no i256).  Zero is never negative,
//! so equal values have equal encodings; `to_python` in the tests reads it as `-mag if neg`.

#[derive(Copy, Drop, Serde, PartialEq, starknet::Store)]
pub struct Signed {
    pub mag: u256,
    pub neg: bool,
}

pub trait SignedTrait {
    fn positive(mag: u256) -> Signed;
    fn negative(mag: u256) -> Signed;
    fn zero() -> Signed;
    fn is_negative(self: @Signed) -> bool;
}

pub impl SignedImpl of SignedTrait {
    fn positive(mag: u256) -> Signed {
        Signed { mag, neg: false }
    }
    fn negative(mag: u256) -> Signed {
        Signed { mag, neg: mag != 0 }
    }
    fn zero() -> Signed {
        Signed { mag: 0, neg: false }
    }
    fn is_negative(self: @Signed) -> bool {
        *self.neg
    }
}
