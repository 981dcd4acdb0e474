//! `FixedPointMath`: the shared integer algorithms exposed as view functions, so an off-chain
//! preview can ask the chain for the exact integer the settlement contracts compute.  Every
//! function panics with the math error (`'math: ...'`, `'trading: ...'`, `'inverse: ...'`,
//! `'alloc: ...'`) where the Python core returns a Failure.

use astratrade::math::fixed_point::Rounding;
use astratrade::math::signed::Signed;

#[starknet::interface]
pub trait IFixedPointMath<TState> {
    fn mul_div(self: @TState, a: u256, b: u256, d: u256, rounding: Rounding) -> u256;
    fn wad_mul(self: @TState, a: u256, b: u256, rounding: Rounding) -> u256;
    fn wad_div(self: @TState, a: u256, b: u256, rounding: Rounding) -> u256;
    fn ray_mul(self: @TState, a: u256, b: u256, rounding: Rounding) -> u256;
    fn ray_div(self: @TState, a: u256, b: u256, rounding: Rounding) -> u256;
    fn pnl(self: @TState, quantity: u256, entry_price: u256, current_price: u256, is_long: bool)
        -> Signed;
    fn position_size(self: @TState, balance: u256, risk: u256, stop_distance: u256) -> u256;
    fn liquidation_price(self: @TState, quantity: u256, entry_price: u256, margin: u256,
        maintenance_rate: u256, maintenance_amount: u256, is_long: bool) -> u256;
    fn allocate(self: @TState, total: u256, weights: Array<u256>) -> Array<u256>;
    fn inverse_pnl(self: @TState, contracts: u256, contract_size: u256, entry_price: u256,
        exit_price: u256, is_long: bool) -> Signed;
    fn inverse_notional(self: @TState, contracts: u256, contract_size: u256, price: u256,
        rounding: Rounding) -> u256;
    fn inverse_fee(self: @TState, contracts: u256, contract_size: u256, price: u256, rate: u256)
        -> u256;
    fn inverse_average_entry(self: @TState, contracts: u256, entry_price: u256, added: u256,
        price: u256, is_long: bool) -> u256;
    fn inverse_liquidation_price(self: @TState, contracts: u256, contract_size: u256,
        entry_price: u256, margin: u256, maintenance_rate: u256, maintenance_amount: u256,
        is_long: bool) -> u256;
}

#[starknet::contract]
pub mod FixedPointMath {
    use astratrade::math::allocation::AllocationImpl;
    use astratrade::math::fixed_point::{FixedPointImpl, Rounding, unwrap_or_panic};
    use astratrade::math::inverse::InverseMathImpl;
    use astratrade::math::signed::Signed;
    use astratrade::math::trading::TradingMathImpl;

    #[storage]
    struct Storage {}

    #[abi(embed_v0)]
    impl FixedPointMathImpl of super::IFixedPointMath<ContractState> {
        fn mul_div(self: @ContractState, a: u256, b: u256, d: u256, rounding: Rounding) -> u256 {
            FixedPointImpl::mul_div(a, b, d, rounding)
        }
        fn wad_mul(self: @ContractState, a: u256, b: u256, rounding: Rounding) -> u256 {
            FixedPointImpl::wad_mul(a, b, rounding)
        }
        fn wad_div(self: @ContractState, a: u256, b: u256, rounding: Rounding) -> u256 {
            FixedPointImpl::wad_div(a, b, rounding)
        }
        fn ray_mul(self: @ContractState, a: u256, b: u256, rounding: Rounding) -> u256 {
            FixedPointImpl::ray_mul(a, b, rounding)
        }
        fn ray_div(self: @ContractState, a: u256, b: u256, rounding: Rounding) -> u256 {
            FixedPointImpl::ray_div(a, b, rounding)
        }
        fn pnl(self: @ContractState, quantity: u256, entry_price: u256, current_price: u256,
            is_long: bool) -> Signed {
            unwrap_or_panic(TradingMathImpl::try_pnl(quantity, entry_price, current_price, is_long))
        }
        fn position_size(self: @ContractState, balance: u256, risk: u256, stop_distance: u256)
            -> u256 {
            unwrap_or_panic(TradingMathImpl::try_position_size(balance, risk, stop_distance))
        }
        fn liquidation_price(self: @ContractState, quantity: u256, entry_price: u256,
            margin: u256, maintenance_rate: u256, maintenance_amount: u256, is_long: bool) -> u256 {
            unwrap_or_panic(TradingMathImpl::try_liquidation_price(quantity, entry_price, margin,
                maintenance_rate, maintenance_amount, is_long))
        }
        fn allocate(self: @ContractState, total: u256, weights: Array<u256>) -> Array<u256> {
            unwrap_or_panic(AllocationImpl::try_allocate(total, weights.span()))
        }
        fn inverse_pnl(self: @ContractState, contracts: u256, contract_size: u256,
            entry_price: u256, exit_price: u256, is_long: bool) -> Signed {
            unwrap_or_panic(InverseMathImpl::try_pnl(contracts, contract_size, entry_price,
                exit_price, is_long))
        }
        fn inverse_notional(self: @ContractState, contracts: u256, contract_size: u256,
            price: u256, rounding: Rounding) -> u256 {
            unwrap_or_panic(InverseMathImpl::try_notional(contracts, contract_size, price,
                rounding))
        }
        fn inverse_fee(self: @ContractState, contracts: u256, contract_size: u256, price: u256,
            rate: u256) -> u256 {
            unwrap_or_panic(InverseMathImpl::try_fee(contracts, contract_size, price, rate))
        }
        fn inverse_average_entry(self: @ContractState, contracts: u256, entry_price: u256,
            added: u256, price: u256, is_long: bool) -> u256 {
            unwrap_or_panic(InverseMathImpl::try_average_entry(contracts, entry_price, added,
                price, is_long))
        }
        fn inverse_liquidation_price(self: @ContractState, contracts: u256, contract_size: u256,
            entry_price: u256, margin: u256, maintenance_rate: u256, maintenance_amount: u256,
            is_long: bool) -> u256 {
            unwrap_or_panic(InverseMathImpl::try_liquidation_price(contracts, contract_size,
                entry_price, margin, maintenance_rate, maintenance_amount, is_long))
        }
    }
}
