//! `RewardsDistributor`: distributes funded rewards pro rata to shares the operator assigns
//! (e.g. trading volume or XP points), with the streamed reward-per-share accumulator of
//! `components::staking_pool`.  The owner funds rewards (`transfer_from` of `reward_token`),
//! which stream over the pool's duration; the operator sets each account's shares (the account's
//! accrued rewards are settled first, so share changes never re-price the past); accounts claim
//! in any order and are paid with `transfer` (ledger first, reentrancy guard held).
//! `total_paid() <= total_funded()` always.  Class upgrades are owner-proposed and timelocked
//! (`components::upgrade`, 2 days).

use starknet::ContractAddress;

#[starknet::interface]
pub trait IRewardsDistributor<TState> {
    /// Owner only: pay in `amount` of the reward token and stream it to the share holders.
    fn fund(ref self: TState, amount: u256);
    /// Operator only: set `account`'s shares to `shares`.
    fn set_shares(ref self: TState, account: ContractAddress, shares: u256);
    /// Claim the caller's accrued rewards; returns the amount.
    fn claim(ref self: TState) -> u256;
    fn reward_token(self: @TState) -> ContractAddress;
}

#[starknet::contract]
pub mod RewardsDistributor {
    use astratrade::components::access::AccessComponent;
    use astratrade::components::erc20::{IERC20Dispatcher, IERC20DispatcherTrait};
    use astratrade::components::reentrancy::ReentrancyGuardComponent;
    use astratrade::components::upgrade::{IUpgrade, UpgradeComponent};
    use astratrade::components::staking_pool::StakingPoolComponent;
    use core::num::traits::Zero;
    use starknet::{ClassHash, ContractAddress, get_caller_address, get_contract_address};

    component!(path: AccessComponent, storage: access, event: AccessEvent);
    component!(path: StakingPoolComponent, storage: pool, event: PoolEvent);
    component!(path: ReentrancyGuardComponent, storage: guard, event: GuardEvent);
    component!(path: UpgradeComponent, storage: upgrade, event: UpgradeEvent);

    #[abi(embed_v0)]
    impl AccessImpl = AccessComponent::AccessImpl<ContractState>;
    impl AccessInternalImpl = AccessComponent::InternalImpl<ContractState>;
    #[abi(embed_v0)]
    impl StakingPoolImpl = StakingPoolComponent::StakingPoolImpl<ContractState>;
    impl PoolInternalImpl = StakingPoolComponent::InternalImpl<ContractState>;
    impl GuardInternalImpl = ReentrancyGuardComponent::InternalImpl<ContractState>;
    impl UpgradeInternalImpl = UpgradeComponent::InternalImpl<ContractState>;

    pub mod Errors {
        pub const ZERO_ADDRESS: felt252 = 'rewards: zero address';
        pub const TRANSFER_FAILED: felt252 = 'rewards: token transfer failed';
    }

    #[storage]
    struct Storage {
        #[substorage(v0)]
        access: AccessComponent::Storage,
        #[substorage(v0)]
        pool: StakingPoolComponent::Storage,
        #[substorage(v0)]
        guard: ReentrancyGuardComponent::Storage,
        #[substorage(v0)]
        upgrade: UpgradeComponent::Storage,
        Rewards_token: ContractAddress,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        #[flat]
        AccessEvent: AccessComponent::Event,
        #[flat]
        PoolEvent: StakingPoolComponent::Event,
        #[flat]
        GuardEvent: ReentrancyGuardComponent::Event,
        #[flat]
        UpgradeEvent: UpgradeComponent::Event,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress,
        reward_token: ContractAddress, reward_duration: u64) {
        self.access.initializer(owner);
        assert(!reward_token.is_zero(), Errors::ZERO_ADDRESS);
        self.Rewards_token.write(reward_token);
        self.pool.initializer(reward_duration);
    }

    #[abi(embed_v0)]
    impl RewardsDistributorImpl of super::IRewardsDistributor<ContractState> {
        fn fund(ref self: ContractState, amount: u256) {
            self.access.assert_only_owner();
            self.guard.start();
            self.pool.schedule(amount);
            let paid = IERC20Dispatcher { contract_address: self.Rewards_token.read() }
                .transfer_from(get_caller_address(), get_contract_address(), amount);
            assert(paid, Errors::TRANSFER_FAILED);
            self.guard.end();
        }

        fn set_shares(ref self: ContractState, account: ContractAddress, shares: u256) {
            self.access.assert_only_operator();
            let held = self.pool.staked(account);
            if shares > held {
                self.pool.stake_for(account, shares - held);
            } else if shares < held {
                self.pool.unstake_for(account, held - shares);
            }
        }

        fn claim(ref self: ContractState) -> u256 {
            self.guard.start();
            let account = get_caller_address();
            let amount = self.pool.claim_for(account);
            let paid = IERC20Dispatcher { contract_address: self.Rewards_token.read() }
                .transfer(account, amount);
            assert(paid, Errors::TRANSFER_FAILED);
            self.guard.end();
            amount
        }

        fn reward_token(self: @ContractState) -> ContractAddress {
            self.Rewards_token.read()
        }
    }

    #[abi(embed_v0)]
    impl RewardsUpgradeImpl of IUpgrade<ContractState> {
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
