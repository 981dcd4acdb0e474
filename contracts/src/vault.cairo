//! `Vault`: per-user, per-asset collateral ledger.
//!
//! Users deposit and withdraw their own balances (never below zero, never while paused).  An
//! operator (the `Exchange`) settles realized P&L and fees: a profit moves from the `pool`
//! account (the counterparty / insurance balance) to the user, a loss moves from the user to
//! the pool, a fee from the user to the `fee_recipient`.  Settlement only moves value between
//! accounts of one asset, so `total_of(asset)` (deposits minus withdrawals) always equals the sum
//! of every balance of that asset.  The vault is a ledger: moving the ERC-20 tokens themselves
//! (transfer_from on deposit, transfer on withdraw) is not implemented here (see the README).

use astratrade::math::signed::Signed;
use starknet::ContractAddress;

#[starknet::interface]
pub trait IVault<TState> {
    fn deposit(ref self: TState, asset: ContractAddress, amount: u256);
    fn withdraw(ref self: TState, asset: ContractAddress, amount: u256);
    fn balance_of(self: @TState, user: ContractAddress, asset: ContractAddress) -> u256;
    fn total_of(self: @TState, asset: ContractAddress) -> u256;
    fn pool(self: @TState) -> ContractAddress;
    fn fee_recipient(self: @TState) -> ContractAddress;
    /// Operator only: settle a realized P&L and a fee for `user` in `asset`.
    fn settle(ref self: TState, user: ContractAddress, asset: ContractAddress, pnl: Signed,
        fee: u256);
    /// Owner only.
    fn pause(ref self: TState);
    /// Owner only.
    fn unpause(ref self: TState);
}

#[starknet::contract]
pub mod Vault {
    use astratrade::components::access::AccessComponent;
    use astratrade::components::pausable::PausableComponent;
    use astratrade::math::signed::Signed;
    use starknet::{ContractAddress, get_caller_address};

    component!(path: AccessComponent, storage: access, event: AccessEvent);
    component!(path: PausableComponent, storage: pausable, event: PausableEvent);

    #[abi(embed_v0)]
    impl AccessImpl = AccessComponent::AccessImpl<ContractState>;
    impl AccessInternalImpl = AccessComponent::InternalImpl<ContractState>;
    #[abi(embed_v0)]
    impl PausableImpl = PausableComponent::PausableImpl<ContractState>;
    impl PausableInternalImpl = PausableComponent::InternalImpl<ContractState>;

    pub mod Errors {
        pub const ZERO_AMOUNT: felt252 = 'vault: amount is zero';
        pub const INSUFFICIENT_BALANCE: felt252 = 'vault: insufficient balance';
        pub const POOL_INSUFFICIENT: felt252 = 'vault: pool insufficient';
        pub const SELF_SETTLEMENT: felt252 = 'vault: cannot settle pool';
    }

    #[storage]
    struct Storage {
        #[substorage(v0)]
        access: AccessComponent::Storage,
        #[substorage(v0)]
        pausable: PausableComponent::Storage,
        Vault_balances: LegacyMap<(ContractAddress, ContractAddress), u256>,
        Vault_totals: LegacyMap<ContractAddress, u256>,
        Vault_pool: ContractAddress,
        Vault_fee_recipient: ContractAddress,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        #[flat]
        AccessEvent: AccessComponent::Event,
        #[flat]
        PausableEvent: PausableComponent::Event,
        Deposited: Deposited,
        Withdrawn: Withdrawn,
        Settled: Settled,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Deposited {
        #[key]
        pub user: ContractAddress,
        #[key]
        pub asset: ContractAddress,
        pub amount: u256,
        pub balance: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Withdrawn {
        #[key]
        pub user: ContractAddress,
        #[key]
        pub asset: ContractAddress,
        pub amount: u256,
        pub balance: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Settled {
        #[key]
        pub user: ContractAddress,
        #[key]
        pub asset: ContractAddress,
        pub pnl: Signed,
        pub fee: u256,
        pub balance: u256,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress, pool: ContractAddress,
        fee_recipient: ContractAddress) {
        self.access.initializer(owner);
        self.Vault_pool.write(pool);
        self.Vault_fee_recipient.write(fee_recipient);
    }

    #[generate_trait]
    impl LedgerImpl of LedgerTrait {
        fn credit(ref self: ContractState, user: ContractAddress, asset: ContractAddress,
            amount: u256) -> u256 {
            let balance = self.Vault_balances.read((user, asset)) + amount;
            self.Vault_balances.write((user, asset), balance);
            balance
        }

        fn debit(ref self: ContractState, user: ContractAddress, asset: ContractAddress,
            amount: u256, error: felt252) -> u256 {
            let balance = self.Vault_balances.read((user, asset));
            assert(balance >= amount, error);
            self.Vault_balances.write((user, asset), balance - amount);
            balance - amount
        }
    }

    #[abi(embed_v0)]
    impl VaultImpl of super::IVault<ContractState> {
        fn deposit(ref self: ContractState, asset: ContractAddress, amount: u256) {
            self.pausable.assert_not_paused();
            assert(amount != 0, Errors::ZERO_AMOUNT);
            let user = get_caller_address();
            let balance = self.credit(user, asset, amount);
            self.Vault_totals.write(asset, self.Vault_totals.read(asset) + amount);
            self.emit(Deposited { user, asset, amount, balance });
        }

        fn withdraw(ref self: ContractState, asset: ContractAddress, amount: u256) {
            self.pausable.assert_not_paused();
            assert(amount != 0, Errors::ZERO_AMOUNT);
            let user = get_caller_address();
            let balance = self.debit(user, asset, amount, Errors::INSUFFICIENT_BALANCE);
            self.Vault_totals.write(asset, self.Vault_totals.read(asset) - amount);
            self.emit(Withdrawn { user, asset, amount, balance });
        }

        fn balance_of(self: @ContractState, user: ContractAddress, asset: ContractAddress) -> u256 {
            self.Vault_balances.read((user, asset))
        }

        fn total_of(self: @ContractState, asset: ContractAddress) -> u256 {
            self.Vault_totals.read(asset)
        }

        fn pool(self: @ContractState) -> ContractAddress {
            self.Vault_pool.read()
        }

        fn fee_recipient(self: @ContractState) -> ContractAddress {
            self.Vault_fee_recipient.read()
        }

        fn settle(ref self: ContractState, user: ContractAddress, asset: ContractAddress,
            pnl: Signed, fee: u256) {
            self.access.assert_only_operator();
            self.pausable.assert_not_paused();
            let pool = self.Vault_pool.read();
            assert(user != pool, Errors::SELF_SETTLEMENT);
            if pnl.neg {
                // A loss is debited from the user and credited to the pool, never the reverse.
                self.debit(user, asset, pnl.mag, Errors::INSUFFICIENT_BALANCE);
                self.credit(pool, asset, pnl.mag);
            } else if pnl.mag != 0 {
                self.debit(pool, asset, pnl.mag, Errors::POOL_INSUFFICIENT);
                self.credit(user, asset, pnl.mag);
            }
            if fee != 0 {
                self.debit(user, asset, fee, Errors::INSUFFICIENT_BALANCE);
                self.credit(self.Vault_fee_recipient.read(), asset, fee);
            }
            let balance = self.Vault_balances.read((user, asset));
            self.emit(Settled { user, asset, pnl, fee, balance });
        }

        fn pause(ref self: ContractState) {
            self.access.assert_only_owner();
            self.pausable.pause();
        }

        fn unpause(ref self: ContractState) {
            self.access.assert_only_owner();
            self.pausable.unpause();
        }
    }
}
