//! `Paymaster`: a gas *sponsorship budget* ledger, not a protocol-level paymaster.
//!
//! What it does: the owner refills a sponsorship budget and configures XP tiers (minimum XP ->
//! gas allowance per epoch of `EPOCH_SECONDS`); an operator records each user's XP; an
//! authorised relayer (a role the owner grants) calls `sponsor(user, amount)` after paying a
//! user's transaction fee itself, which checks and consumes the user's remaining allowance for
//! the current epoch and the global budget, and emits `Sponsored`.
//!
//! The budget is token-backed: `refill` takes `token` from the owner with `transfer_from`, and
//! `sponsor` reimburses the relayer with `transfer` of the sponsored amount (ledger written
//! first, reentrancy guard held), so the tokens held always cover `budget`.  Class upgrades are
//! owner-proposed and timelocked (`components::upgrade`, 2 days).
//!
//! What it does not do: Starknet has no protocol paymaster hook a contract can implement like
//! ERC-4337's `validatePaymasterUserOp`; fees are paid by the sending account.  This contract
//! neither pays fees nor validates transactions: it is the on-chain, auditable record and
//! reimbursement of who may be sponsored and how much, which an off-chain relayer (e.g. a
//! SNIP-9 outside-execution relayer) consults and debits.

use starknet::ContractAddress;

#[starknet::interface]
pub trait IPaymaster<TState> {
    /// Owner only: add `amount` to the sponsorship budget.
    fn refill(ref self: TState, amount: u256);
    /// Owner only: tier `tier` (0-based, ascending XP) needs `min_xp` and allows `allowance`.
    fn set_tier(ref self: TState, tier: u32, min_xp: u256, allowance: u256);
    /// Owner only: grant or revoke the relayer role.
    fn set_relayer(ref self: TState, relayer: ContractAddress, enabled: bool);
    /// Operator only: record a user's XP.
    fn set_xp(ref self: TState, user: ContractAddress, xp: u256);
    /// Relayer only: consume `amount` of `user`'s allowance and of the budget.
    fn sponsor(ref self: TState, user: ContractAddress, amount: u256);
    fn budget(self: @TState) -> u256;
    fn tier_of(self: @TState, user: ContractAddress) -> u32;
    fn allowance_of(self: @TState, user: ContractAddress) -> u256;
    fn remaining_of(self: @TState, user: ContractAddress) -> u256;
    fn is_relayer(self: @TState, account: ContractAddress) -> bool;
    /// The token the budget is held in.
    fn token(self: @TState) -> ContractAddress;
}

pub const EPOCH_SECONDS: u64 = 86400;
pub const MAX_TIERS: u32 = 16;

#[starknet::contract]
pub mod Paymaster {
    use astratrade::components::access::AccessComponent;
    use astratrade::components::erc20::{IERC20Dispatcher, IERC20DispatcherTrait};
    use astratrade::components::reentrancy::ReentrancyGuardComponent;
    use astratrade::components::upgrade::{IUpgrade, UpgradeComponent};
    use astratrade::math::checked;
    use core::num::traits::Zero;
    use starknet::{
        ClassHash, ContractAddress, get_block_timestamp, get_caller_address, get_contract_address
    };
    use super::{EPOCH_SECONDS, MAX_TIERS};

    component!(path: AccessComponent, storage: access, event: AccessEvent);
    component!(path: ReentrancyGuardComponent, storage: guard, event: GuardEvent);
    component!(path: UpgradeComponent, storage: upgrade, event: UpgradeEvent);

    #[abi(embed_v0)]
    impl AccessImpl = AccessComponent::AccessImpl<ContractState>;
    impl AccessInternalImpl = AccessComponent::InternalImpl<ContractState>;
    impl GuardInternalImpl = ReentrancyGuardComponent::InternalImpl<ContractState>;
    impl UpgradeInternalImpl = UpgradeComponent::InternalImpl<ContractState>;

    pub mod Errors {
        pub const NOT_RELAYER: felt252 = 'paymaster: caller not relayer';
        pub const ZERO_AMOUNT: felt252 = 'paymaster: amount is zero';
        pub const OVER_ALLOWANCE: felt252 = 'paymaster: over allowance';
        pub const OVER_BUDGET: felt252 = 'paymaster: over budget';
        pub const BAD_TIER: felt252 = 'paymaster: bad tier';
        pub const ZERO_ADDRESS: felt252 = 'paymaster: zero address';
        pub const TRANSFER_FAILED: felt252 = 'paymaster: transfer failed';
        pub const OVERFLOW: felt252 = 'paymaster: amount overflow';
    }

    #[storage]
    struct Storage {
        #[substorage(v0)]
        access: AccessComponent::Storage,
        #[substorage(v0)]
        guard: ReentrancyGuardComponent::Storage,
        #[substorage(v0)]
        upgrade: UpgradeComponent::Storage,
        Paymaster_token: ContractAddress,
        Paymaster_budget: u256,
        Paymaster_tier_count: u32,
        Paymaster_tier_min_xp: LegacyMap<u32, u256>,
        Paymaster_tier_allowance: LegacyMap<u32, u256>,
        Paymaster_xp: LegacyMap<ContractAddress, u256>,
        Paymaster_relayers: LegacyMap<ContractAddress, bool>,
        Paymaster_used: LegacyMap<(ContractAddress, u64), u256>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        #[flat]
        AccessEvent: AccessComponent::Event,
        #[flat]
        GuardEvent: ReentrancyGuardComponent::Event,
        #[flat]
        UpgradeEvent: UpgradeComponent::Event,
        Refilled: Refilled,
        TierSet: TierSet,
        RelayerUpdated: RelayerUpdated,
        XpUpdated: XpUpdated,
        Sponsored: Sponsored,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Refilled {
        pub amount: u256,
        pub budget: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct TierSet {
        #[key]
        pub tier: u32,
        pub min_xp: u256,
        pub allowance: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct RelayerUpdated {
        #[key]
        pub relayer: ContractAddress,
        pub enabled: bool,
    }

    #[derive(Drop, starknet::Event)]
    pub struct XpUpdated {
        #[key]
        pub user: ContractAddress,
        pub xp: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Sponsored {
        #[key]
        pub user: ContractAddress,
        #[key]
        pub relayer: ContractAddress,
        pub amount: u256,
        pub epoch: u64,
        pub remaining: u256,
        pub budget: u256,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress, token: ContractAddress) {
        self.access.initializer(owner);
        assert(!token.is_zero(), Errors::ZERO_ADDRESS);
        self.Paymaster_token.write(token);
    }

    #[generate_trait]
    impl TierImpl of TierTrait {
        fn epoch(self: @ContractState) -> u64 {
            get_block_timestamp() / EPOCH_SECONDS
        }

        /// The highest configured tier whose minimum XP the user reaches (tier 0 otherwise).
        fn tier(self: @ContractState, user: ContractAddress) -> u32 {
            let xp = self.Paymaster_xp.read(user);
            let count = self.Paymaster_tier_count.read();
            let mut best = 0;
            let mut i = 0;
            loop {
                if i == count {
                    break;
                }
                if xp >= self.Paymaster_tier_min_xp.read(i) {
                    best = i;
                }
                i += 1;
            };
            best
        }

        fn allowance(self: @ContractState, user: ContractAddress) -> u256 {
            if self.Paymaster_tier_count.read() == 0 {
                return 0;
            }
            let tier = self.tier(user);
            if self.Paymaster_xp.read(user) < self.Paymaster_tier_min_xp.read(tier) {
                return 0;
            }
            self.Paymaster_tier_allowance.read(tier)
        }

        fn remaining(self: @ContractState, user: ContractAddress) -> u256 {
            let allowance = self.allowance(user);
            let used = self.Paymaster_used.read((user, self.epoch()));
            if used >= allowance {
                0
            } else {
                allowance - used
            }
        }
    }

    #[abi(embed_v0)]
    impl PaymasterImpl of super::IPaymaster<ContractState> {
        fn refill(ref self: ContractState, amount: u256) {
            self.access.assert_only_owner();
            assert(amount != 0, Errors::ZERO_AMOUNT);
            self.guard.start();
            let budget = checked::add(self.Paymaster_budget.read(), amount, Errors::OVERFLOW);
            self.Paymaster_budget.write(budget);
            self.emit(Refilled { amount, budget });
            let paid = IERC20Dispatcher { contract_address: self.Paymaster_token.read() }
                .transfer_from(get_caller_address(), get_contract_address(), amount);
            assert(paid, Errors::TRANSFER_FAILED);
            self.guard.end();
        }

        fn set_tier(ref self: ContractState, tier: u32, min_xp: u256, allowance: u256) {
            self.access.assert_only_owner();
            let count = self.Paymaster_tier_count.read();
            assert(tier <= count && tier < MAX_TIERS, Errors::BAD_TIER);
            if tier > 0 {
                assert(min_xp > self.Paymaster_tier_min_xp.read(tier - 1), Errors::BAD_TIER);
            }
            if tier + 1 < count {
                assert(min_xp < self.Paymaster_tier_min_xp.read(tier + 1), Errors::BAD_TIER);
            }
            if tier == count {
                self.Paymaster_tier_count.write(count + 1);
            }
            self.Paymaster_tier_min_xp.write(tier, min_xp);
            self.Paymaster_tier_allowance.write(tier, allowance);
            self.emit(TierSet { tier, min_xp, allowance });
        }

        fn set_relayer(ref self: ContractState, relayer: ContractAddress, enabled: bool) {
            self.access.assert_only_owner();
            assert(!relayer.is_zero(), Errors::ZERO_ADDRESS);
            self.Paymaster_relayers.write(relayer, enabled);
            self.emit(RelayerUpdated { relayer, enabled });
        }

        fn set_xp(ref self: ContractState, user: ContractAddress, xp: u256) {
            self.access.assert_only_operator();
            self.Paymaster_xp.write(user, xp);
            self.emit(XpUpdated { user, xp });
        }

        fn sponsor(ref self: ContractState, user: ContractAddress, amount: u256) {
            let relayer = get_caller_address();
            assert(self.Paymaster_relayers.read(relayer), Errors::NOT_RELAYER);
            assert(amount != 0, Errors::ZERO_AMOUNT);
            let remaining = self.remaining(user);
            assert(amount <= remaining, Errors::OVER_ALLOWANCE);
            let budget = self.Paymaster_budget.read();
            assert(amount <= budget, Errors::OVER_BUDGET);
            self.guard.start();
            let epoch = self.epoch();
            self.Paymaster_used.write((user, epoch),
                checked::add(self.Paymaster_used.read((user, epoch)), amount, Errors::OVERFLOW));
            self.Paymaster_budget.write(budget - amount);
            self.emit(Sponsored { user, relayer, amount, epoch, remaining: remaining - amount,
                budget: budget - amount });
            let paid = IERC20Dispatcher { contract_address: self.Paymaster_token.read() }
                .transfer(relayer, amount);
            assert(paid, Errors::TRANSFER_FAILED);
            self.guard.end();
        }

        fn budget(self: @ContractState) -> u256 {
            self.Paymaster_budget.read()
        }

        fn tier_of(self: @ContractState, user: ContractAddress) -> u32 {
            self.tier(user)
        }

        fn allowance_of(self: @ContractState, user: ContractAddress) -> u256 {
            self.allowance(user)
        }

        fn remaining_of(self: @ContractState, user: ContractAddress) -> u256 {
            self.remaining(user)
        }

        fn is_relayer(self: @ContractState, account: ContractAddress) -> bool {
            self.Paymaster_relayers.read(account)
        }

        fn token(self: @ContractState) -> ContractAddress {
            self.Paymaster_token.read()
        }
    }

    #[abi(embed_v0)]
    impl PaymasterUpgradeImpl of IUpgrade<ContractState> {
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
