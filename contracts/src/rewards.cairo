//! `RewardsDistributor`: distributes funded rewards pro rata to shares the operator assigns
//! (e.g. trading volume or XP points), with the reward-per-share accumulator of
//! `components::staking_pool`.  The owner funds rewards; the operator sets each account's shares
//! (the account's accrued rewards are settled first, so share changes never re-price the past);
//! accounts claim in any order.  Claims are recorded as paid (ledger only, like the Vault);
//! `total_paid() <= total_funded()` always.

use starknet::ContractAddress;

#[starknet::interface]
pub trait IRewardsDistributor<TState> {
    /// Owner only: emit `amount` reward units to the current share holders.
    fn fund(ref self: TState, amount: u256);
    /// Operator only: set `account`'s shares to `shares`.
    fn set_shares(ref self: TState, account: ContractAddress, shares: u256);
    /// Claim the caller's accrued rewards; returns the amount.
    fn claim(ref self: TState) -> u256;
}

#[starknet::contract]
pub mod RewardsDistributor {
    use astratrade::components::access::AccessComponent;
    use astratrade::components::staking_pool::StakingPoolComponent;
    use starknet::{ContractAddress, get_caller_address};

    component!(path: AccessComponent, storage: access, event: AccessEvent);
    component!(path: StakingPoolComponent, storage: pool, event: PoolEvent);

    #[abi(embed_v0)]
    impl AccessImpl = AccessComponent::AccessImpl<ContractState>;
    impl AccessInternalImpl = AccessComponent::InternalImpl<ContractState>;
    #[abi(embed_v0)]
    impl StakingPoolImpl = StakingPoolComponent::StakingPoolImpl<ContractState>;
    impl PoolInternalImpl = StakingPoolComponent::InternalImpl<ContractState>;

    #[storage]
    struct Storage {
        #[substorage(v0)]
        access: AccessComponent::Storage,
        #[substorage(v0)]
        pool: StakingPoolComponent::Storage,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        #[flat]
        AccessEvent: AccessComponent::Event,
        #[flat]
        PoolEvent: StakingPoolComponent::Event,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress) {
        self.access.initializer(owner);
    }

    #[abi(embed_v0)]
    impl RewardsDistributorImpl of super::IRewardsDistributor<ContractState> {
        fn fund(ref self: ContractState, amount: u256) {
            self.access.assert_only_owner();
            self.pool.notify(amount);
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
            self.pool.claim_for(get_caller_address())
        }
    }
}
