//! Mark prices: the `IPriceOracle` interface the Exchange reads, and `OperatorOracle`, an
//! implementation fed by operators (for tests and for a deployment whose operator relays an
//! external feed).  The Exchange, not the oracle, enforces freshness and the deviation bound.

#[starknet::interface]
pub trait IPriceOracle<TState> {
    /// The wad price of `market` and the block timestamp it was set at (0, 0 if never).
    fn price(self: @TState, market: felt252) -> (u256, u64);
}

#[starknet::interface]
pub trait IOperatorOracle<TState> {
    /// Operator only: publish `price` (wad, non-zero) for `market` at the current block time.
    fn set_price(ref self: TState, market: felt252, price: u256);
}

#[starknet::contract]
pub mod OperatorOracle {
    use astratrade::components::access::AccessComponent;
    use starknet::{ContractAddress, get_block_timestamp};

    component!(path: AccessComponent, storage: access, event: AccessEvent);

    #[abi(embed_v0)]
    impl AccessImpl = AccessComponent::AccessImpl<ContractState>;
    impl AccessInternalImpl = AccessComponent::InternalImpl<ContractState>;

    pub mod Errors {
        pub const ZERO_PRICE: felt252 = 'oracle: price is zero';
    }

    #[storage]
    struct Storage {
        #[substorage(v0)]
        access: AccessComponent::Storage,
        Oracle_prices: LegacyMap<felt252, (u256, u64)>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        #[flat]
        AccessEvent: AccessComponent::Event,
        PriceSet: PriceSet,
    }

    #[derive(Drop, starknet::Event)]
    pub struct PriceSet {
        #[key]
        pub market: felt252,
        pub price: u256,
        pub updated_at: u64,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress) {
        self.access.initializer(owner);
    }

    #[abi(embed_v0)]
    impl PriceOracleImpl of super::IPriceOracle<ContractState> {
        fn price(self: @ContractState, market: felt252) -> (u256, u64) {
            self.Oracle_prices.read(market)
        }
    }

    #[abi(embed_v0)]
    impl OperatorOracleImpl of super::IOperatorOracle<ContractState> {
        fn set_price(ref self: ContractState, market: felt252, price: u256) {
            self.access.assert_only_operator();
            assert(price != 0, Errors::ZERO_PRICE);
            let updated_at = get_block_timestamp();
            self.Oracle_prices.write(market, (price, updated_at));
            self.emit(PriceSet { market, price, updated_at });
        }
    }
}
