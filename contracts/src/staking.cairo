//! `StakingManager`: users stake and unstake their own units and claim rewards in any order;
//! the operator notifies rewards (funding them), which accrue per staked unit through the
//! accumulator of `components::staking_pool` (bit for bit `astratrade_core.defi.staking`).
//! Staking is a ledger (no token transfer here; see the README).  The owner can pause staking;
//! unstaking and claiming stay open while paused, so funds are never locked.

#[starknet::interface]
pub trait IStakingManager<TState> {
    fn stake(ref self: TState, amount: u256);
    fn unstake(ref self: TState, amount: u256);
    fn claim(ref self: TState) -> u256;
    /// Operator only: emit `amount` reward units to the current stakers.
    fn notify_reward(ref self: TState, amount: u256);
    /// Owner only.
    fn pause(ref self: TState);
    /// Owner only.
    fn unpause(ref self: TState);
}

#[starknet::contract]
pub mod StakingManager {
    use astratrade::components::access::AccessComponent;
    use astratrade::components::pausable::PausableComponent;
    use astratrade::components::staking_pool::StakingPoolComponent;
    use starknet::{ContractAddress, get_caller_address};

    component!(path: AccessComponent, storage: access, event: AccessEvent);
    component!(path: PausableComponent, storage: pausable, event: PausableEvent);
    component!(path: StakingPoolComponent, storage: pool, event: PoolEvent);

    #[abi(embed_v0)]
    impl AccessImpl = AccessComponent::AccessImpl<ContractState>;
    impl AccessInternalImpl = AccessComponent::InternalImpl<ContractState>;
    #[abi(embed_v0)]
    impl PausableImpl = PausableComponent::PausableImpl<ContractState>;
    impl PausableInternalImpl = PausableComponent::InternalImpl<ContractState>;
    #[abi(embed_v0)]
    impl StakingPoolImpl = StakingPoolComponent::StakingPoolImpl<ContractState>;
    impl PoolInternalImpl = StakingPoolComponent::InternalImpl<ContractState>;

    #[storage]
    struct Storage {
        #[substorage(v0)]
        access: AccessComponent::Storage,
        #[substorage(v0)]
        pausable: PausableComponent::Storage,
        #[substorage(v0)]
        pool: StakingPoolComponent::Storage,
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
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress) {
        self.access.initializer(owner);
    }

    #[abi(embed_v0)]
    impl StakingManagerImpl of super::IStakingManager<ContractState> {
        fn stake(ref self: ContractState, amount: u256) {
            self.pausable.assert_not_paused();
            self.pool.stake_for(get_caller_address(), amount);
        }

        fn unstake(ref self: ContractState, amount: u256) {
            self.pool.unstake_for(get_caller_address(), amount);
        }

        fn claim(ref self: ContractState) -> u256 {
            self.pool.claim_for(get_caller_address())
        }

        fn notify_reward(ref self: ContractState, amount: u256) {
            self.access.assert_only_operator();
            self.pool.notify(amount);
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
