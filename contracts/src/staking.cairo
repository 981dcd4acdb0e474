//! `StakingManager`: users stake and unstake their own tokens and claim rewards in any order;
//! operators schedule rewards (paying them in), which stream to the stakers over the pool's
//! duration through `components::staking_pool` (accumulator bit for bit
//! `astratrade_core.defi.staking`).
//!
//! Custody: `stake` takes `stake_token` with `transfer_from`, `unstake` pays it back with
//! `transfer`, `claim` pays `reward_token`, `notify_reward` takes the reward from the operator
//! with `transfer_from`; the ledger is written before each token call and a reentrancy guard
//! holds throughout.  The owner can pause staking; unstaking and claiming stay open while
//! paused, so funds are never locked.  Class upgrades are owner-proposed and timelocked
//! (`components::upgrade`, 2 days), so stakers see one coming in time to leave.

use starknet::ContractAddress;

#[starknet::interface]
pub trait IStakingManager<TState> {
    fn stake(ref self: TState, amount: u256);
    fn unstake(ref self: TState, amount: u256);
    fn claim(ref self: TState) -> u256;
    /// Operator only: pay in `amount` of the reward token and stream it to the stakers.
    fn notify_reward(ref self: TState, amount: u256);
    fn stake_token(self: @TState) -> ContractAddress;
    fn reward_token(self: @TState) -> ContractAddress;
    /// Owner only.
    fn pause(ref self: TState);
    /// Owner only.
    fn unpause(ref self: TState);
}

#[starknet::contract]
pub mod StakingManager {
    use astratrade::components::access::AccessComponent;
    use astratrade::components::erc20::{IERC20Dispatcher, IERC20DispatcherTrait};
    use astratrade::components::pausable::PausableComponent;
    use astratrade::components::reentrancy::ReentrancyGuardComponent;
    use astratrade::components::upgrade::{IUpgrade, UpgradeComponent};
    use astratrade::components::staking_pool::StakingPoolComponent;
    use core::num::traits::Zero;
    use starknet::{ClassHash, ContractAddress, get_caller_address, get_contract_address};

    component!(path: AccessComponent, storage: access, event: AccessEvent);
    component!(path: PausableComponent, storage: pausable, event: PausableEvent);
    component!(path: StakingPoolComponent, storage: pool, event: PoolEvent);
    component!(path: ReentrancyGuardComponent, storage: guard, event: GuardEvent);
    component!(path: UpgradeComponent, storage: upgrade, event: UpgradeEvent);

    #[abi(embed_v0)]
    impl AccessImpl = AccessComponent::AccessImpl<ContractState>;
    impl AccessInternalImpl = AccessComponent::InternalImpl<ContractState>;
    #[abi(embed_v0)]
    impl PausableImpl = PausableComponent::PausableImpl<ContractState>;
    impl PausableInternalImpl = PausableComponent::InternalImpl<ContractState>;
    #[abi(embed_v0)]
    impl StakingPoolImpl = StakingPoolComponent::StakingPoolImpl<ContractState>;
    impl PoolInternalImpl = StakingPoolComponent::InternalImpl<ContractState>;
    impl GuardInternalImpl = ReentrancyGuardComponent::InternalImpl<ContractState>;
    impl UpgradeInternalImpl = UpgradeComponent::InternalImpl<ContractState>;

    pub mod Errors {
        pub const ZERO_ADDRESS: felt252 = 'staking: zero address';
        pub const TRANSFER_FAILED: felt252 = 'staking: token transfer failed';
    }

    #[storage]
    struct Storage {
        #[substorage(v0)]
        access: AccessComponent::Storage,
        #[substorage(v0)]
        pausable: PausableComponent::Storage,
        #[substorage(v0)]
        pool: StakingPoolComponent::Storage,
        #[substorage(v0)]
        guard: ReentrancyGuardComponent::Storage,
        #[substorage(v0)]
        upgrade: UpgradeComponent::Storage,
        Staking_stake_token: ContractAddress,
        Staking_reward_token: ContractAddress,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        #[flat]
        AccessEvent: AccessComponent::Event,
        #[flat]
        PausableEvent: PausableComponent::Event,
        #[flat]
        PoolEvent: StakingPoolComponent::Event,
        #[flat]
        GuardEvent: ReentrancyGuardComponent::Event,
        #[flat]
        UpgradeEvent: UpgradeComponent::Event,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress,
        stake_token: ContractAddress, reward_token: ContractAddress, reward_duration: u64) {
        self.access.initializer(owner);
        assert(!stake_token.is_zero() && !reward_token.is_zero(), Errors::ZERO_ADDRESS);
        self.Staking_stake_token.write(stake_token);
        self.Staking_reward_token.write(reward_token);
        self.pool.initializer(reward_duration);
    }

    #[generate_trait]
    impl TokenImpl of TokenTrait {
        fn pay(ref self: ContractState, token: ContractAddress, to: ContractAddress,
            amount: u256) {
            let paid = IERC20Dispatcher { contract_address: token }.transfer(to, amount);
            assert(paid, Errors::TRANSFER_FAILED);
        }

        fn take(ref self: ContractState, token: ContractAddress, amount: u256) {
            let paid = IERC20Dispatcher { contract_address: token }
                .transfer_from(get_caller_address(), get_contract_address(), amount);
            assert(paid, Errors::TRANSFER_FAILED);
        }
    }

    #[abi(embed_v0)]
    impl StakingManagerImpl of super::IStakingManager<ContractState> {
        fn stake(ref self: ContractState, amount: u256) {
            self.pausable.assert_not_paused();
            self.guard.start();
            self.pool.stake_for(get_caller_address(), amount);
            self.take(self.Staking_stake_token.read(), amount);
            self.guard.end();
        }

        fn unstake(ref self: ContractState, amount: u256) {
            self.guard.start();
            let account = get_caller_address();
            self.pool.unstake_for(account, amount);
            self.pay(self.Staking_stake_token.read(), account, amount);
            self.guard.end();
        }

        fn claim(ref self: ContractState) -> u256 {
            self.guard.start();
            let account = get_caller_address();
            let amount = self.pool.claim_for(account);
            self.pay(self.Staking_reward_token.read(), account, amount);
            self.guard.end();
            amount
        }

        fn notify_reward(ref self: ContractState, amount: u256) {
            self.access.assert_only_operator();
            self.guard.start();
            self.pool.schedule(amount);
            self.take(self.Staking_reward_token.read(), amount);
            self.guard.end();
        }

        fn stake_token(self: @ContractState) -> ContractAddress {
            self.Staking_stake_token.read()
        }

        fn reward_token(self: @ContractState) -> ContractAddress {
            self.Staking_reward_token.read()
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
    impl StakingUpgradeImpl of IUpgrade<ContractState> {
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
