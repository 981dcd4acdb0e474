//! Reward-per-share staking pool (component), the storage wrapper around `math::accumulator`:
//! the state and the algorithm of `astratrade_core.defi.staking.StakingPool`.  Stake, unstake and
//! claim settle the account first; rewards are emitted with `notify`.  The pool tracks
//! `total_funded` (every notified reward) and `total_paid` (every claim); the accumulator floors
//! every share, so `total_paid <= total_funded` always holds.

#[starknet::interface]
pub trait IStakingPool<TState> {
    fn total_staked(self: @TState) -> u256;
    fn staked_of(self: @TState, account: starknet::ContractAddress) -> u256;
    fn pending_of(self: @TState, account: starknet::ContractAddress) -> u256;
    fn reward_index(self: @TState) -> u256;
    fn total_funded(self: @TState) -> u256;
    fn total_paid(self: @TState) -> u256;
}

#[starknet::component]
pub mod StakingPoolComponent {
    use astratrade::math::accumulator::{AccumulatorImpl, PoolState};
    use astratrade::math::fixed_point::unwrap_or_panic;
    use starknet::ContractAddress;

    pub mod Errors {
        pub const ZERO_AMOUNT: felt252 = 'staking: amount is zero';
        pub const INSUFFICIENT_STAKE: felt252 = 'staking: insufficient stake';
        pub const NOTHING_TO_CLAIM: felt252 = 'staking: nothing to claim';
    }

    #[storage]
    struct Storage {
        Pool_total_staked: u256,
        Pool_reward_index: u256,
        Pool_carry_wad: u256,
        Pool_total_funded: u256,
        Pool_total_paid: u256,
        Pool_staked: LegacyMap<ContractAddress, u256>,
        Pool_paid_index: LegacyMap<ContractAddress, u256>,
        Pool_owed: LegacyMap<ContractAddress, u256>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        RewardNotified: RewardNotified,
        Staked: Staked,
        Unstaked: Unstaked,
        RewardClaimed: RewardClaimed,
    }

    #[derive(Drop, starknet::Event)]
    pub struct RewardNotified {
        pub amount: u256,
        pub reward_index: u256,
        pub total_funded: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Staked {
        #[key]
        pub account: ContractAddress,
        pub amount: u256,
        pub staked: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Unstaked {
        #[key]
        pub account: ContractAddress,
        pub amount: u256,
        pub staked: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct RewardClaimed {
        #[key]
        pub account: ContractAddress,
        pub amount: u256,
    }

    #[embeddable_as(StakingPoolImpl)]
    impl StakingPool<
        TContractState, +HasComponent<TContractState>
    > of super::IStakingPool<ComponentState<TContractState>> {
        fn total_staked(self: @ComponentState<TContractState>) -> u256 {
            self.Pool_total_staked.read()
        }
        fn staked_of(self: @ComponentState<TContractState>, account: ContractAddress) -> u256 {
            self.Pool_staked.read(account)
        }
        fn pending_of(self: @ComponentState<TContractState>, account: ContractAddress) -> u256 {
            self.Pool_owed.read(account) + self.earned(account)
        }
        fn reward_index(self: @ComponentState<TContractState>) -> u256 {
            self.Pool_reward_index.read()
        }
        fn total_funded(self: @ComponentState<TContractState>) -> u256 {
            self.Pool_total_funded.read()
        }
        fn total_paid(self: @ComponentState<TContractState>) -> u256 {
            self.Pool_total_paid.read()
        }
    }

    #[generate_trait]
    pub impl InternalImpl<
        TContractState, +HasComponent<TContractState>
    > of InternalTrait<TContractState> {
        fn staked(self: @ComponentState<TContractState>, account: ContractAddress) -> u256 {
            self.Pool_staked.read(account)
        }

        fn earned(self: @ComponentState<TContractState>, account: ContractAddress) -> u256 {
            unwrap_or_panic(AccumulatorImpl::try_earned(self.Pool_staked.read(account),
                self.Pool_reward_index.read(), self.Pool_paid_index.read(account)))
        }

        fn settle(ref self: ComponentState<TContractState>, account: ContractAddress) -> u256 {
            let owed = self.Pool_owed.read(account) + self.earned(account);
            self.Pool_owed.write(account, owed);
            self.Pool_paid_index.write(account, self.Pool_reward_index.read());
            owed
        }

        fn notify(ref self: ComponentState<TContractState>, amount: u256) {
            assert(amount != 0, Errors::ZERO_AMOUNT);
            let pool = PoolState {
                total_staked: self.Pool_total_staked.read(),
                reward_index: self.Pool_reward_index.read(),
                carry_wad: self.Pool_carry_wad.read(),
            };
            let next = unwrap_or_panic(AccumulatorImpl::try_notify(pool, amount));
            self.Pool_reward_index.write(next.reward_index);
            self.Pool_carry_wad.write(next.carry_wad);
            let total_funded = self.Pool_total_funded.read() + amount;
            self.Pool_total_funded.write(total_funded);
            self.emit(RewardNotified { amount, reward_index: next.reward_index, total_funded });
        }

        fn stake_for(ref self: ComponentState<TContractState>, account: ContractAddress,
            amount: u256) {
            assert(amount != 0, Errors::ZERO_AMOUNT);
            self.Pool_total_staked.write(self.Pool_total_staked.read() + amount);
            self.settle(account);
            let staked = self.Pool_staked.read(account) + amount;
            self.Pool_staked.write(account, staked);
            self.emit(Staked { account, amount, staked });
        }

        fn unstake_for(ref self: ComponentState<TContractState>, account: ContractAddress,
            amount: u256) {
            assert(amount != 0, Errors::ZERO_AMOUNT);
            let held = self.Pool_staked.read(account);
            assert(amount <= held, Errors::INSUFFICIENT_STAKE);
            self.settle(account);
            self.Pool_staked.write(account, held - amount);
            self.Pool_total_staked.write(self.Pool_total_staked.read() - amount);
            self.emit(Unstaked { account, amount, staked: held - amount });
        }

        fn claim_for(ref self: ComponentState<TContractState>, account: ContractAddress) -> u256 {
            let owed = self.settle(account);
            assert(owed != 0, Errors::NOTHING_TO_CLAIM);
            self.Pool_owed.write(account, 0);
            self.Pool_total_paid.write(self.Pool_total_paid.read() + owed);
            self.emit(RewardClaimed { account, amount: owed });
            owed
        }
    }
}
