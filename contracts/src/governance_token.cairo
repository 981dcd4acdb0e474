//! `GovernanceToken`: an ERC-20 (the in-house `ERC20Component`) with vote checkpoints and
//! delegation (`components::votes`, OpenZeppelin `ERC20Votes` semantics, timestamp clock).
//!
//! * Every mint, burn and transfer moves the voting units of the two balances' delegates and
//!   checkpoints the total supply, so `get_past_votes` / `get_past_total_supply` answer what
//!   was true at any past second; a governor reading them at a proposal's snapshot ignores
//!   tokens acquired after it.
//! * The supply is capped at `MAX_SUPPLY` (2**128 - 1, `'govtoken: supply cap exceeded'`), so
//!   no sum of votes can leave u256.
//! * The owner mints (hand ownership to the governor to make minting a governance decision);
//!   holders burn their own tokens.

use starknet::ContractAddress;

/// The supply cap (2**128 - 1 units).
pub const MAX_SUPPLY: u256 = 0xffffffffffffffffffffffffffffffff;

#[starknet::interface]
pub trait IGovernanceToken<TState> {
    /// Owner only: create `amount` tokens for `recipient` (within `MAX_SUPPLY`).
    fn mint(ref self: TState, recipient: ContractAddress, amount: u256);
    /// Destroy `amount` of the caller's own tokens.
    fn burn(ref self: TState, amount: u256);
    fn max_supply(self: @TState) -> u256;
}

#[starknet::contract]
pub mod GovernanceToken {
    use astratrade::components::access::AccessComponent;
    use astratrade::components::erc20::{ERC20Component, IERC20};
    use astratrade::components::votes::{IVotes, VotesComponent};
    use core::num::traits::Zero;
    use starknet::{ContractAddress, get_caller_address};
    use super::MAX_SUPPLY;

    component!(path: AccessComponent, storage: access, event: AccessEvent);
    component!(path: ERC20Component, storage: erc20, event: ERC20Event);
    component!(path: VotesComponent, storage: votes, event: VotesEvent);

    #[abi(embed_v0)]
    impl AccessImpl = AccessComponent::AccessImpl<ContractState>;
    impl AccessInternalImpl = AccessComponent::InternalImpl<ContractState>;
    #[abi(embed_v0)]
    impl ERC20MetadataImpl = ERC20Component::ERC20MetadataImpl<ContractState>;
    impl ERC20InternalImpl = ERC20Component::InternalImpl<ContractState>;
    impl VotesInternalImpl = VotesComponent::InternalImpl<ContractState>;

    pub mod Errors {
        pub const SUPPLY_CAP: felt252 = 'govtoken: supply cap exceeded';
    }

    #[storage]
    struct Storage {
        #[substorage(v0)]
        access: AccessComponent::Storage,
        #[substorage(v0)]
        erc20: ERC20Component::Storage,
        #[substorage(v0)]
        votes: VotesComponent::Storage,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        #[flat]
        AccessEvent: AccessComponent::Event,
        #[flat]
        ERC20Event: ERC20Component::Event,
        #[flat]
        VotesEvent: VotesComponent::Event,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress, name: ByteArray,
        symbol: ByteArray, decimals: u8) {
        self.access.initializer(owner);
        self.erc20.initializer(name, symbol, decimals);
    }

    /// ERC-20 entry points: the component's own code, then the voting units move.
    #[abi(embed_v0)]
    impl ERC20VotesImpl of IERC20<ContractState> {
        fn total_supply(self: @ContractState) -> u256 {
            self.erc20.ERC20_total_supply.read()
        }

        fn balance_of(self: @ContractState, account: ContractAddress) -> u256 {
            self.erc20.ERC20_balances.read(account)
        }

        fn allowance(self: @ContractState, owner: ContractAddress, spender: ContractAddress)
            -> u256 {
            self.erc20.ERC20_allowances.read((owner, spender))
        }

        fn transfer(ref self: ContractState, recipient: ContractAddress, amount: u256) -> bool {
            let sender = get_caller_address();
            self.erc20.transfer_internal(sender, recipient, amount);
            self.votes.transfer_voting_units(sender, recipient, amount);
            true
        }

        fn transfer_from(ref self: ContractState, sender: ContractAddress,
            recipient: ContractAddress, amount: u256) -> bool {
            self.erc20.spend_allowance(sender, get_caller_address(), amount);
            self.erc20.transfer_internal(sender, recipient, amount);
            self.votes.transfer_voting_units(sender, recipient, amount);
            true
        }

        fn approve(ref self: ContractState, spender: ContractAddress, amount: u256) -> bool {
            self.erc20.approve_internal(get_caller_address(), spender, amount);
            true
        }
    }

    #[abi(embed_v0)]
    impl VotesImpl of IVotes<ContractState> {
        fn clock(self: @ContractState) -> u64 {
            self.votes.clock()
        }

        fn get_votes(self: @ContractState, account: ContractAddress) -> u256 {
            self.votes.get_votes(account)
        }

        fn get_past_votes(self: @ContractState, account: ContractAddress, timepoint: u64)
            -> u256 {
            self.votes.get_past_votes(account, timepoint)
        }

        fn get_past_total_supply(self: @ContractState, timepoint: u64) -> u256 {
            self.votes.get_past_total_supply(timepoint)
        }

        fn delegates(self: @ContractState, account: ContractAddress) -> ContractAddress {
            self.votes.delegates(account)
        }

        fn delegate(ref self: ContractState, delegatee: ContractAddress) {
            let account = get_caller_address();
            let units = self.erc20.ERC20_balances.read(account);
            self.votes.delegate(account, delegatee, units);
        }

        fn num_checkpoints(self: @ContractState, account: ContractAddress) -> u32 {
            self.votes.num_checkpoints(account)
        }

        fn checkpoint(self: @ContractState, account: ContractAddress, pos: u32) -> (u64, u256) {
            self.votes.checkpoint(account, pos)
        }
    }

    #[abi(embed_v0)]
    impl GovernanceTokenImpl of super::IGovernanceToken<ContractState> {
        fn mint(ref self: ContractState, recipient: ContractAddress, amount: u256) {
            self.access.assert_only_owner();
            self.erc20.mint(recipient, amount);
            assert(self.erc20.ERC20_total_supply.read() <= MAX_SUPPLY, Errors::SUPPLY_CAP);
            self.votes.transfer_voting_units(Zero::zero(), recipient, amount);
        }

        fn burn(ref self: ContractState, amount: u256) {
            let account = get_caller_address();
            self.erc20.burn(account, amount);
            self.votes.transfer_voting_units(account, Zero::zero(), amount);
        }

        fn max_supply(self: @ContractState) -> u256 {
            MAX_SUPPLY
        }
    }
}
