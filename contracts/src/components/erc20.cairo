//! ERC-20 (component): OpenZeppelin's `IERC20` / `IERC20Metadata` interface and its `Transfer` /
//! `Approval` events, AstraTrade's own implementation.
//!
//! * Every balance, allowance and supply change is checked: a transfer beyond the balance, a
//!   spend beyond the allowance and a mint beyond 2**256 - 1 revert with an `erc20:` error
//!   (never the core library's arithmetic panic).
//! * The zero address can neither send, receive, approve nor be approved; minting and burning
//!   go through the internal `mint` / `burn` (events from / to zero, as OpenZeppelin).
//! * An allowance of 2**256 - 1 is unlimited: `transfer_from` does not decrease it.
//! * `transfer` and `transfer_from` return `true` or revert (they never return `false`).

use starknet::ContractAddress;

#[starknet::interface]
pub trait IERC20<TState> {
    fn total_supply(self: @TState) -> u256;
    fn balance_of(self: @TState, account: ContractAddress) -> u256;
    fn allowance(self: @TState, owner: ContractAddress, spender: ContractAddress) -> u256;
    fn transfer(ref self: TState, recipient: ContractAddress, amount: u256) -> bool;
    fn transfer_from(ref self: TState, sender: ContractAddress, recipient: ContractAddress,
        amount: u256) -> bool;
    fn approve(ref self: TState, spender: ContractAddress, amount: u256) -> bool;
}

#[starknet::interface]
pub trait IERC20Metadata<TState> {
    fn name(self: @TState) -> ByteArray;
    fn symbol(self: @TState) -> ByteArray;
    fn decimals(self: @TState) -> u8;
}

#[starknet::component]
pub mod ERC20Component {
    use astratrade::math::checked;
    use core::integer::BoundedInt;
    use core::num::traits::Zero;
    use starknet::{ContractAddress, get_caller_address};

    pub mod Errors {
        pub const INSUFFICIENT_BALANCE: felt252 = 'erc20: insufficient balance';
        pub const INSUFFICIENT_ALLOWANCE: felt252 = 'erc20: insufficient allowance';
        pub const FROM_ZERO: felt252 = 'erc20: transfer from zero';
        pub const TO_ZERO: felt252 = 'erc20: transfer to zero';
        pub const APPROVE_FROM_ZERO: felt252 = 'erc20: approve from zero';
        pub const APPROVE_TO_ZERO: felt252 = 'erc20: approve to zero';
        pub const MINT_TO_ZERO: felt252 = 'erc20: mint to zero';
        pub const BURN_FROM_ZERO: felt252 = 'erc20: burn from zero';
        pub const SUPPLY_OVERFLOW: felt252 = 'erc20: supply overflow';
    }

    #[storage]
    struct Storage {
        ERC20_name: ByteArray,
        ERC20_symbol: ByteArray,
        ERC20_decimals: u8,
        ERC20_total_supply: u256,
        ERC20_balances: LegacyMap<ContractAddress, u256>,
        ERC20_allowances: LegacyMap<(ContractAddress, ContractAddress), u256>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        Transfer: Transfer,
        Approval: Approval,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Transfer {
        #[key]
        pub from: ContractAddress,
        #[key]
        pub to: ContractAddress,
        pub value: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Approval {
        #[key]
        pub owner: ContractAddress,
        #[key]
        pub spender: ContractAddress,
        pub value: u256,
    }

    #[embeddable_as(ERC20Impl)]
    impl ERC20<
        TContractState, +HasComponent<TContractState>
    > of super::IERC20<ComponentState<TContractState>> {
        fn total_supply(self: @ComponentState<TContractState>) -> u256 {
            self.ERC20_total_supply.read()
        }

        fn balance_of(self: @ComponentState<TContractState>, account: ContractAddress) -> u256 {
            self.ERC20_balances.read(account)
        }

        fn allowance(self: @ComponentState<TContractState>, owner: ContractAddress,
            spender: ContractAddress) -> u256 {
            self.ERC20_allowances.read((owner, spender))
        }

        fn transfer(ref self: ComponentState<TContractState>, recipient: ContractAddress,
            amount: u256) -> bool {
            self.transfer_internal(get_caller_address(), recipient, amount);
            true
        }

        fn transfer_from(ref self: ComponentState<TContractState>, sender: ContractAddress,
            recipient: ContractAddress, amount: u256) -> bool {
            self.spend_allowance(sender, get_caller_address(), amount);
            self.transfer_internal(sender, recipient, amount);
            true
        }

        fn approve(ref self: ComponentState<TContractState>, spender: ContractAddress,
            amount: u256) -> bool {
            self.approve_internal(get_caller_address(), spender, amount);
            true
        }
    }

    #[embeddable_as(ERC20MetadataImpl)]
    impl ERC20Metadata<
        TContractState, +HasComponent<TContractState>
    > of super::IERC20Metadata<ComponentState<TContractState>> {
        fn name(self: @ComponentState<TContractState>) -> ByteArray {
            self.ERC20_name.read()
        }

        fn symbol(self: @ComponentState<TContractState>) -> ByteArray {
            self.ERC20_symbol.read()
        }

        fn decimals(self: @ComponentState<TContractState>) -> u8 {
            self.ERC20_decimals.read()
        }
    }

    #[generate_trait]
    pub impl InternalImpl<
        TContractState, +HasComponent<TContractState>
    > of InternalTrait<TContractState> {
        fn initializer(ref self: ComponentState<TContractState>, name: ByteArray,
            symbol: ByteArray, decimals: u8) {
            self.ERC20_name.write(name);
            self.ERC20_symbol.write(symbol);
            self.ERC20_decimals.write(decimals);
        }

        /// Create `amount` tokens for `recipient` (checked against the supply's u256 bound).
        fn mint(ref self: ComponentState<TContractState>, recipient: ContractAddress,
            amount: u256) {
            assert(!recipient.is_zero(), Errors::MINT_TO_ZERO);
            let supply = checked::add(self.ERC20_total_supply.read(), amount,
                Errors::SUPPLY_OVERFLOW);
            self.ERC20_total_supply.write(supply);
            self.credit(recipient, amount);
            self.emit(Transfer { from: Zero::zero(), to: recipient, value: amount });
        }

        /// Destroy `amount` of `account`'s tokens.
        fn burn(ref self: ComponentState<TContractState>, account: ContractAddress,
            amount: u256) {
            assert(!account.is_zero(), Errors::BURN_FROM_ZERO);
            self.debit(account, amount);
            // The supply is the sum of the balances, so it covers any balance burnt.
            self.ERC20_total_supply.write(self.ERC20_total_supply.read() - amount);
            self.emit(Transfer { from: account, to: Zero::zero(), value: amount });
        }

        fn transfer_internal(ref self: ComponentState<TContractState>, sender: ContractAddress,
            recipient: ContractAddress, amount: u256) {
            assert(!sender.is_zero(), Errors::FROM_ZERO);
            assert(!recipient.is_zero(), Errors::TO_ZERO);
            self.debit(sender, amount);
            self.credit(recipient, amount);
            self.emit(Transfer { from: sender, to: recipient, value: amount });
        }

        fn approve_internal(ref self: ComponentState<TContractState>, owner: ContractAddress,
            spender: ContractAddress, amount: u256) {
            assert(!owner.is_zero(), Errors::APPROVE_FROM_ZERO);
            assert(!spender.is_zero(), Errors::APPROVE_TO_ZERO);
            self.ERC20_allowances.write((owner, spender), amount);
            self.emit(Approval { owner, spender, value: amount });
        }

        /// Decrease `owner`'s allowance to `spender` by `amount` (an unlimited one stays).
        fn spend_allowance(ref self: ComponentState<TContractState>, owner: ContractAddress,
            spender: ContractAddress, amount: u256) {
            let current = self.ERC20_allowances.read((owner, spender));
            if current != BoundedInt::max() {
                let left = checked::sub(current, amount, Errors::INSUFFICIENT_ALLOWANCE);
                self.approve_internal(owner, spender, left);
            }
        }

        fn debit(ref self: ComponentState<TContractState>, account: ContractAddress,
            amount: u256) {
            let balance = checked::sub(self.ERC20_balances.read(account), amount,
                Errors::INSUFFICIENT_BALANCE);
            self.ERC20_balances.write(account, balance);
        }

        fn credit(ref self: ComponentState<TContractState>, account: ContractAddress,
            amount: u256) {
            // A balance never exceeds the supply, which `mint` bounds; checked all the same.
            let balance = checked::add(self.ERC20_balances.read(account), amount,
                Errors::SUPPLY_OVERFLOW);
            self.ERC20_balances.write(account, balance);
        }
    }
}
