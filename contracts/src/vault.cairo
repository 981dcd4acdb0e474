//! `Vault`: token custody and the per-user, per-asset collateral ledger.
//!
//! * `deposit` takes the tokens with `transfer_from` (the caller approves the Vault first) and
//!   credits the caller; `withdraw` debits the caller and pays with `transfer`.  Only assets on
//!   the owner's allowlist can be deposited; withdrawals of a delisted asset stay open.
//! * Checks-effects-interactions: the ledger is written before the token is called, and every
//!   entry point that calls a token holds the reentrancy guard.  A token returning `false`
//!   reverts the whole call.
//! * Invariant (`is_solvent`): the tokens the Vault holds are at least the sum of every ledger
//!   balance of that asset (users, fee recipient, `pool`, `insurance`), which `total_of` tracks.
//! * `settle` (P&L and fees) and `cover` (insurance -> pool) are callable only by the Exchange
//!   (set once by the owner); they move value between ledger accounts of one asset, never
//!   create it.  Deposits can be paused; withdrawals and settlement (closes, liquidations)
//!   cannot.
//! * Administration: two-step ownership, zero addresses refused, timelocked class upgrade.

use astratrade::math::signed::Signed;
use starknet::ContractAddress;

#[starknet::interface]
pub trait IVault<TState> {
    /// Take `amount` of `asset` from the caller (`transfer_from`) and credit it.
    fn deposit(ref self: TState, asset: ContractAddress, amount: u256);
    /// Debit the caller and pay `amount` of `asset` (`transfer`); never paused.
    fn withdraw(ref self: TState, asset: ContractAddress, amount: u256);
    /// Take `amount` of `asset` from the caller and credit the insurance fund.
    fn fund_insurance(ref self: TState, asset: ContractAddress, amount: u256);
    fn balance_of(self: @TState, user: ContractAddress, asset: ContractAddress) -> u256;
    /// The sum of every ledger balance of `asset`.
    fn total_of(self: @TState, asset: ContractAddress) -> u256;
    /// The tokens of `asset` the Vault holds (`asset.balance_of(vault)`).
    fn held_of(self: @TState, asset: ContractAddress) -> u256;
    /// Whether `held_of(asset) >= total_of(asset)`.
    fn is_solvent(self: @TState, asset: ContractAddress) -> bool;
    fn pool(self: @TState) -> ContractAddress;
    fn insurance(self: @TState) -> ContractAddress;
    fn fee_recipient(self: @TState) -> ContractAddress;
    fn exchange(self: @TState) -> ContractAddress;
    fn is_asset_allowed(self: @TState, asset: ContractAddress) -> bool;
    /// Exchange only: settle a realized P&L and a fee for `user` in `asset`.
    fn settle(ref self: TState, user: ContractAddress, asset: ContractAddress, pnl: Signed,
        fee: u256);
    /// Exchange only: move up to `amount` from the insurance fund to the pool; returns it.
    fn cover(ref self: TState, asset: ContractAddress, amount: u256) -> u256;
    /// Owner only, once: the Exchange allowed to settle.
    fn set_exchange(ref self: TState, exchange: ContractAddress);
    /// Owner only: allow or refuse deposits of `asset`.
    fn set_asset(ref self: TState, asset: ContractAddress, allowed: bool);
    /// Owner only.
    fn set_fee_recipient(ref self: TState, fee_recipient: ContractAddress);
    /// Owner only.
    fn pause(ref self: TState);
    /// Owner only.
    fn unpause(ref self: TState);
}

#[starknet::contract]
pub mod Vault {
    use astratrade::components::access::AccessComponent;
    use astratrade::components::erc20::{IERC20Dispatcher, IERC20DispatcherTrait};
    use astratrade::components::pausable::PausableComponent;
    use astratrade::components::reentrancy::ReentrancyGuardComponent;
    use astratrade::components::upgrade::{IUpgrade, UpgradeComponent};
    use astratrade::math::checked;
    use astratrade::math::signed::Signed;
    use core::num::traits::Zero;
    use starknet::{ClassHash, ContractAddress, get_caller_address, get_contract_address};

    component!(path: AccessComponent, storage: access, event: AccessEvent);
    component!(path: PausableComponent, storage: pausable, event: PausableEvent);
    component!(path: ReentrancyGuardComponent, storage: guard, event: GuardEvent);
    component!(path: UpgradeComponent, storage: upgrade, event: UpgradeEvent);

    #[abi(embed_v0)]
    impl AccessImpl = AccessComponent::AccessImpl<ContractState>;
    impl AccessInternalImpl = AccessComponent::InternalImpl<ContractState>;
    #[abi(embed_v0)]
    impl PausableImpl = PausableComponent::PausableImpl<ContractState>;
    impl PausableInternalImpl = PausableComponent::InternalImpl<ContractState>;
    impl GuardInternalImpl = ReentrancyGuardComponent::InternalImpl<ContractState>;
    impl UpgradeInternalImpl = UpgradeComponent::InternalImpl<ContractState>;

    pub mod Errors {
        pub const ZERO_AMOUNT: felt252 = 'vault: amount is zero';
        pub const INSUFFICIENT_BALANCE: felt252 = 'vault: insufficient balance';
        pub const POOL_INSUFFICIENT: felt252 = 'vault: pool insufficient';
        pub const SELF_SETTLEMENT: felt252 = 'vault: cannot settle pool';
        pub const NOT_EXCHANGE: felt252 = 'vault: caller not exchange';
        pub const EXCHANGE_SET: felt252 = 'vault: exchange already set';
        pub const ASSET_NOT_ALLOWED: felt252 = 'vault: asset not allowed';
        pub const ZERO_ADDRESS: felt252 = 'vault: zero address';
        pub const TRANSFER_FAILED: felt252 = 'vault: token transfer failed';
        pub const OVERFLOW: felt252 = 'vault: balance overflow';
    }

    #[storage]
    struct Storage {
        #[substorage(v0)]
        access: AccessComponent::Storage,
        #[substorage(v0)]
        pausable: PausableComponent::Storage,
        #[substorage(v0)]
        guard: ReentrancyGuardComponent::Storage,
        #[substorage(v0)]
        upgrade: UpgradeComponent::Storage,
        Vault_balances: LegacyMap<(ContractAddress, ContractAddress), u256>,
        Vault_totals: LegacyMap<ContractAddress, u256>,
        Vault_allowed: LegacyMap<ContractAddress, bool>,
        Vault_pool: ContractAddress,
        Vault_insurance: ContractAddress,
        Vault_fee_recipient: ContractAddress,
        Vault_exchange: ContractAddress,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        #[flat]
        AccessEvent: AccessComponent::Event,
        #[flat]
        PausableEvent: PausableComponent::Event,
        #[flat]
        GuardEvent: ReentrancyGuardComponent::Event,
        #[flat]
        UpgradeEvent: UpgradeComponent::Event,
        Deposited: Deposited,
        Withdrawn: Withdrawn,
        Settled: Settled,
        Covered: Covered,
        AssetUpdated: AssetUpdated,
        ExchangeSet: ExchangeSet,
        FeeRecipientSet: FeeRecipientSet,
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

    #[derive(Drop, starknet::Event)]
    pub struct Covered {
        #[key]
        pub asset: ContractAddress,
        pub requested: u256,
        pub covered: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct AssetUpdated {
        #[key]
        pub asset: ContractAddress,
        pub allowed: bool,
    }

    #[derive(Drop, starknet::Event)]
    pub struct ExchangeSet {
        #[key]
        pub exchange: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    pub struct FeeRecipientSet {
        #[key]
        pub fee_recipient: ContractAddress,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress, pool: ContractAddress,
        insurance: ContractAddress, fee_recipient: ContractAddress) {
        self.access.initializer(owner);
        assert(!pool.is_zero() && !insurance.is_zero() && !fee_recipient.is_zero(),
            Errors::ZERO_ADDRESS);
        self.Vault_pool.write(pool);
        self.Vault_insurance.write(insurance);
        self.Vault_fee_recipient.write(fee_recipient);
    }

    #[generate_trait]
    impl LedgerImpl of LedgerTrait {
        fn credit(ref self: ContractState, user: ContractAddress, asset: ContractAddress,
            amount: u256) -> u256 {
            let balance = checked::add(self.Vault_balances.read((user, asset)), amount,
                Errors::OVERFLOW);
            self.Vault_balances.write((user, asset), balance);
            balance
        }

        fn debit(ref self: ContractState, user: ContractAddress, asset: ContractAddress,
            amount: u256, error: felt252) -> u256 {
            let balance = checked::sub(self.Vault_balances.read((user, asset)), amount, error);
            self.Vault_balances.write((user, asset), balance);
            balance
        }

        /// Checks and effects of a deposit to `account`, then the `transfer_from`.
        fn take(ref self: ContractState, account: ContractAddress, asset: ContractAddress,
            amount: u256) -> u256 {
            self.pausable.assert_not_paused();
            assert(amount != 0, Errors::ZERO_AMOUNT);
            assert(self.Vault_allowed.read(asset), Errors::ASSET_NOT_ALLOWED);
            self.guard.start();
            let balance = self.credit(account, asset, amount);
            self.Vault_totals.write(asset, checked::add(self.Vault_totals.read(asset), amount,
                Errors::OVERFLOW));
            let paid = IERC20Dispatcher { contract_address: asset }
                .transfer_from(get_caller_address(), get_contract_address(), amount);
            assert(paid, Errors::TRANSFER_FAILED);
            self.guard.end();
            balance
        }

        fn assert_only_exchange(self: @ContractState) {
            let exchange = self.Vault_exchange.read();
            assert(!exchange.is_zero() && get_caller_address() == exchange, Errors::NOT_EXCHANGE);
        }
    }

    #[abi(embed_v0)]
    impl VaultImpl of super::IVault<ContractState> {
        fn deposit(ref self: ContractState, asset: ContractAddress, amount: u256) {
            let user = get_caller_address();
            let balance = self.take(user, asset, amount);
            self.emit(Deposited { user, asset, amount, balance });
        }

        fn withdraw(ref self: ContractState, asset: ContractAddress, amount: u256) {
            assert(amount != 0, Errors::ZERO_AMOUNT);
            self.guard.start();
            let user = get_caller_address();
            let balance = self.debit(user, asset, amount, Errors::INSUFFICIENT_BALANCE);
            // The total is the sum of the balances, so it covers any balance debited.
            self.Vault_totals.write(asset, self.Vault_totals.read(asset) - amount);
            self.emit(Withdrawn { user, asset, amount, balance });
            let paid = IERC20Dispatcher { contract_address: asset }.transfer(user, amount);
            assert(paid, Errors::TRANSFER_FAILED);
            self.guard.end();
        }

        fn fund_insurance(ref self: ContractState, asset: ContractAddress, amount: u256) {
            let insurance = self.Vault_insurance.read();
            let balance = self.take(insurance, asset, amount);
            self.emit(Deposited { user: insurance, asset, amount, balance });
        }

        fn balance_of(self: @ContractState, user: ContractAddress, asset: ContractAddress) -> u256 {
            self.Vault_balances.read((user, asset))
        }

        fn total_of(self: @ContractState, asset: ContractAddress) -> u256 {
            self.Vault_totals.read(asset)
        }

        fn held_of(self: @ContractState, asset: ContractAddress) -> u256 {
            IERC20Dispatcher { contract_address: asset }.balance_of(get_contract_address())
        }

        fn is_solvent(self: @ContractState, asset: ContractAddress) -> bool {
            self.held_of(asset) >= self.Vault_totals.read(asset)
        }

        fn pool(self: @ContractState) -> ContractAddress {
            self.Vault_pool.read()
        }

        fn insurance(self: @ContractState) -> ContractAddress {
            self.Vault_insurance.read()
        }

        fn fee_recipient(self: @ContractState) -> ContractAddress {
            self.Vault_fee_recipient.read()
        }

        fn exchange(self: @ContractState) -> ContractAddress {
            self.Vault_exchange.read()
        }

        fn is_asset_allowed(self: @ContractState, asset: ContractAddress) -> bool {
            self.Vault_allowed.read(asset)
        }

        fn settle(ref self: ContractState, user: ContractAddress, asset: ContractAddress,
            pnl: Signed, fee: u256) {
            self.assert_only_exchange();
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

        fn cover(ref self: ContractState, asset: ContractAddress, amount: u256) -> u256 {
            self.assert_only_exchange();
            let insurance = self.Vault_insurance.read();
            let available = self.Vault_balances.read((insurance, asset));
            let covered = if amount < available {
                amount
            } else {
                available
            };
            if covered != 0 {
                self.debit(insurance, asset, covered, Errors::INSUFFICIENT_BALANCE);
                self.credit(self.Vault_pool.read(), asset, covered);
            }
            self.emit(Covered { asset, requested: amount, covered });
            covered
        }

        fn set_exchange(ref self: ContractState, exchange: ContractAddress) {
            self.access.assert_only_owner();
            assert(!exchange.is_zero(), Errors::ZERO_ADDRESS);
            assert(self.Vault_exchange.read().is_zero(), Errors::EXCHANGE_SET);
            self.Vault_exchange.write(exchange);
            self.emit(ExchangeSet { exchange });
        }

        fn set_asset(ref self: ContractState, asset: ContractAddress, allowed: bool) {
            self.access.assert_only_owner();
            assert(!asset.is_zero(), Errors::ZERO_ADDRESS);
            self.Vault_allowed.write(asset, allowed);
            self.emit(AssetUpdated { asset, allowed });
        }

        fn set_fee_recipient(ref self: ContractState, fee_recipient: ContractAddress) {
            self.access.assert_only_owner();
            assert(!fee_recipient.is_zero(), Errors::ZERO_ADDRESS);
            self.Vault_fee_recipient.write(fee_recipient);
            self.emit(FeeRecipientSet { fee_recipient });
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

    #[abi(embed_v0)]
    impl VaultUpgradeImpl of IUpgrade<ContractState> {
        fn propose_upgrade(ref self: ContractState, class_hash: ClassHash) {
            self.access.assert_only_owner();
            self.upgrade.propose(class_hash);
        }

        fn cancel_upgrade(ref self: ContractState) {
            self.access.assert_only_owner();
            self.upgrade.cancel();
        }

        fn execute_upgrade(ref self: ContractState) {
            self.access.assert_only_owner();
            self.upgrade.execute();
        }

        fn pending_upgrade(self: @ContractState) -> (ClassHash, u64) {
            self.upgrade.pending()
        }
    }
}
