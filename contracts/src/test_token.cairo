//! `TestToken`: an ERC-20 (the in-house `ERC20Component`) whose owner can mint, for tests and
//! test networks.  Not a production token: the owner can create any amount.

use starknet::ContractAddress;

#[starknet::interface]
pub trait ITestToken<TState> {
    /// Owner only: create `amount` tokens for `recipient`.
    fn mint(ref self: TState, recipient: ContractAddress, amount: u256);
    /// Destroy `amount` of the caller's own tokens.
    fn burn(ref self: TState, amount: u256);
}

#[starknet::contract]
pub mod TestToken {
    use astratrade::components::access::AccessComponent;
    use astratrade::components::erc20::ERC20Component;
    use starknet::{ContractAddress, get_caller_address};

    component!(path: AccessComponent, storage: access, event: AccessEvent);
    component!(path: ERC20Component, storage: erc20, event: ERC20Event);

    #[abi(embed_v0)]
    impl AccessImpl = AccessComponent::AccessImpl<ContractState>;
    impl AccessInternalImpl = AccessComponent::InternalImpl<ContractState>;
    #[abi(embed_v0)]
    impl ERC20Impl = ERC20Component::ERC20Impl<ContractState>;
    #[abi(embed_v0)]
    impl ERC20MetadataImpl = ERC20Component::ERC20MetadataImpl<ContractState>;
    impl ERC20InternalImpl = ERC20Component::InternalImpl<ContractState>;

    #[storage]
    struct Storage {
        #[substorage(v0)]
        access: AccessComponent::Storage,
        #[substorage(v0)]
        erc20: ERC20Component::Storage,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        #[flat]
        AccessEvent: AccessComponent::Event,
        #[flat]
        ERC20Event: ERC20Component::Event,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress, name: ByteArray,
        symbol: ByteArray, decimals: u8) {
        self.access.initializer(owner);
        self.erc20.initializer(name, symbol, decimals);
    }

    #[abi(embed_v0)]
    impl TestTokenImpl of super::ITestToken<ContractState> {
        fn mint(ref self: ContractState, recipient: ContractAddress, amount: u256) {
            self.access.assert_only_owner();
            self.erc20.mint(recipient, amount);
        }

        fn burn(ref self: ContractState, amount: u256) {
            self.erc20.burn(get_caller_address(), amount);
        }
    }
}
