// AstraTrade's own `core::prelude::v2023_10` (also used for edition 2023_11) for the Cairo 2.6.0
// corelib shipped in cairo-lang 0.13.1 (the sdist omits it).  These editions enforce visibility,
// so the prelude re-exports only public items: the core types and traits a contract uses
// without importing them.  The contracts in this repository are built with this prelude.

pub use core::{
    RangeCheck, SegmentArena, assert, bool, felt252, keccak, math, never, panic_with_felt252,
    to_byte_array, usize
};

pub use core::array::{Array, ArrayTrait, Span, SpanTrait};
pub use core::box::{Box, BoxTrait};
pub use core::bytes_31::{Bytes31Trait, bytes31};
pub use core::byte_array::{ByteArray, ByteArrayTrait};
pub use core::clone::Clone;
pub use core::dict::{Felt252Dict, Felt252DictTrait, SquashedFelt252Dict};
pub use core::gas::GasBuiltin;
pub use core::integer::{Bitwise, i128, i16, i32, i64, i8, u128, u16, u256, u32, u64, u8};
pub use core::nullable::{Nullable, NullableTrait};
pub use core::option::{Option, OptionTrait};
pub use core::panics::{Panic, PanicResult, panic};
pub use core::result::{Result, ResultTrait};
pub use core::pedersen::Pedersen;
pub use core::poseidon::Poseidon;
pub use core::serde::Serde;
pub use core::starknet;
pub use core::starknet::System;
pub use core::traits::{
    Add, AddEq, BitAnd, BitNot, BitOr, BitXor, Copy, Default, Destruct, Div, DivEq, DivRem, Drop,
    Felt252DictValue, Index, IndexView, Into, Mul, MulEq, Neg, Not, PanicDestruct, PartialEq,
    PartialOrd, Rem, RemEq, Sub, SubEq, TryInto
};
pub use core::zeroable::NonZero;
