// AstraTrade's own `core::prelude::v2023_01` for the Cairo 2.6.0 corelib shipped in cairo-lang
// 0.13.1 (the sdist omits it).  The compiler glob-imports this module into every module of a crate
// built with edition 2023_01, so it brings into scope what lib.cairo itself imports: the core
// types, traits and the helper functions every contract expects without a `use`.  Edition
// 2023_01 does not enforce visibility, so crate-private helpers are listed too.

use core::{
    BoolBitAnd, BoolBitOr, BoolBitXor, BoolFelt252DictValue, BoolIntoFelt252, BoolNot,
    BoolPartialEq, BoolSerde, Felt252Add, Felt252AddEq, Felt252Default, Felt252Felt252DictValue,
    Felt252Mul, Felt252MulEq, Felt252Neg, Felt252PartialEq, Felt252Serde, Felt252Sub, Felt252SubEq,
    Felt252TryIntoNonZero, RangeCheck, SegmentArena, assert, bool, bool_and_impl, bool_not_impl,
    bool_or_impl, bool_to_felt252, bool_xor_impl, drop, dup, felt252, felt252_add, felt252_const,
    felt252_div, felt252_is_zero, felt252_mul, felt252_sub, never, panic_with_felt252, usize
};

use core::{array, array::{Array, ArrayTrait, Span, SpanTrait}};
use core::{box, box::{Box, BoxTrait}};
use core::{
    bytes_31,
    bytes_31::{
        Bytes31IndexView, Bytes31IntoFelt252, Bytes31Trait, Felt252TryIntoBytes31, bytes31,
        bytes31_const
    }
};
use core::{
    byte_array, byte_array::{ByteArray, ByteArrayIndexView, ByteArrayStringLiteral, ByteArrayTrait}
};
use core::{clone, clone::Clone};
use core::cmp;
use core::debug;
use core::{
    dict,
    dict::{
        Felt252Dict, Felt252DictTrait, SquashedFelt252Dict, felt252_dict_new, felt252_dict_squash
    }
};
use core::{ec, ec::{EcOp, EcPoint, EcState}};
use core::ecdsa;
use core::{gas, gas::{BuiltinCosts, GasBuiltin, get_builtin_costs}};
use core::hash;
use core::{
    integer,
    integer::{
        Bitwise, Felt252IntoU256, Felt252TryIntoU128, Felt252TryIntoU16, Felt252TryIntoU32,
        Felt252TryIntoU64, Felt252TryIntoU8, I128IntoFelt252, I16IntoFelt252, I32IntoFelt252,
        I64IntoFelt252, I8IntoFelt252, NumericLiteral, U128IntoFelt252, U16IntoFelt252,
        U32IntoFelt252, U64IntoFelt252, U8IntoFelt252, i128, i16, i32, i64, i8, u128, u128_is_zero,
        u128_sqrt, u16, u256, u256_sqrt, u32, u64, u8
    }
};
use core::internal;
use core::keccak;
use core::math;
use core::{nullable, nullable::{Nullable, NullableTrait, match_nullable, null, nullable_from_box}};
use core::{option, option::{Option, OptionTrait}};
use core::{panics, panics::{Panic, PanicResult, panic}};
use core::{pedersen, pedersen::Pedersen};
use core::{poseidon, poseidon::Poseidon};
use core::{result, result::{Result, ResultTrait}};
use core::{serde, serde::Serde};
use core::{starknet, starknet::System};
use core::{string, string::StringLiteral};
use core::testing;
use core::to_byte_array;
use core::{
    traits,
    traits::{
        Add, AddEq, BitAnd, BitNot, BitOr, BitXor, Copy, Default, Destruct, Div, DivEq, DivRem,
        Drop, Felt252DictValue, Index, IndexView, Into, Mul, MulEq, Neg, Not, PanicDestruct,
        PartialEq, PartialOrd, Rem, RemEq, Sub, SubEq, TryInto, TupleSize0Copy, TupleSize0Drop
    }
};
use core::{zeroable, zeroable::{NonZero, Zeroable}};
