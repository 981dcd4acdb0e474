//! Reward-per-share staking pool (component) with streamed rewards.
//!
//! The accumulator (`math::accumulator`, bit for bit `astratrade_core.defi.staking.StakingPool`)
//! receives rewards from a **stream** (Synthetix-style): `schedule(amount)` adds `amount` to
//! what is left of the current stream and spreads the sum evenly over the next `duration`
//! seconds.  Before every stake, unstake, claim and schedule, `drip` hands the accumulator the
//! part of the stream that has elapsed since the last change:
//! `floor(remaining * (min(now, finish) - last) / (finish - last))` (all of it at `finish`), so a
//! stake made after a reward is scheduled earns only its time-weighted share.  While nothing is
//! staked the stream pauses (its end moves with the clock), so no reward is lost and none waits
//! for the first staker to snipe.
//!
//! Guard against accumulator inflation on a tiny stake (the zkLend failure mode): the total
//! stake is always 0 or at least `MIN_TOTAL_STAKE` units, so one index step is at most
//! `amount * WAD / MIN_TOTAL_STAKE`.  `total_paid <= total_funded` always holds (every share is
//! floored; dust stays in the pool).  `pending_of` is as of the last state change (the last
//! drip), not of the current block.

/// Smallest non-zero total stake (base units).
pub const MIN_TOTAL_STAKE: u256 = 1_000_000;

#[starknet::interface]
pub trait IStakingPool<TState> {
    fn total_staked(self: @TState) -> u256;
    fn staked_of(self: @TState, account: starknet::ContractAddress) -> u256;
    fn pending_of(self: @TState, account: starknet::ContractAddress) -> u256;
    fn reward_index(self: @TState) -> u256;
    fn total_funded(self: @TState) -> u256;
    fn total_paid(self: @TState) -> u256;
    /// The stream: reward units not yet dripped, last drip time, end time, duration.
    fn reward_stream(self: @TState) -> (u256, u64, u64, u64);
}

#[starknet::component]
pub mod StakingPoolComponent {
    use astratrade::math::accumulator::{AccumulatorImpl, PoolState};
    use astratrade::math::checked;
    use astratrade::math::fixed_point::{FixedPointImpl, Rounding, unwrap_or_panic};
    use starknet::{ContractAddress, get_block_timestamp};
    use super::MIN_TOTAL_STAKE;

    pub mod Errors {
        pub const ZERO_AMOUNT: felt252 = 'staking: amount is zero';
        pub const INSUFFICIENT_STAKE: felt252 = 'staking: insufficient stake';
        pub const NOTHING_TO_CLAIM: felt252 = 'staking: nothing to claim';
        pub const BELOW_MINIMUM: felt252 = 'staking: below minimum stake';
        pub const ZERO_DURATION: felt252 = 'staking: zero duration';
        pub const OVERFLOW: felt252 = 'staking: amount overflow';
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
        Pool_stream_remaining: u256,
        Pool_stream_last: u64,
        Pool_stream_finish: u64,
        Pool_duration: u64,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        RewardNotified: RewardNotified,
        Staked: Staked,
        Unstaked: Unstaked,
        RewardClaimed: RewardClaimed,
    }

    /// `amount` scheduled; the stream now holds `remaining` until `finish`.
    #[derive(Drop, starknet::Event)]
    pub struct RewardNotified {
        pub amount: u256,
        pub remaining: u256,
        pub finish: u64,
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
            checked::add(self.Pool_owed.read(account), self.earned(account), Errors::OVERFLOW)
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
        fn reward_stream(self: @ComponentState<TContractState>) -> (u256, u64, u64, u64) {
            (self.Pool_stream_remaining.read(), self.Pool_stream_last.read(),
                self.Pool_stream_finish.read(), self.Pool_duration.read())
        }
    }

    #[generate_trait]
    pub impl InternalImpl<
        TContractState, +HasComponent<TContractState>
    > of InternalTrait<TContractState> {
        fn initializer(ref self: ComponentState<TContractState>, duration: u64) {
            assert(duration != 0, Errors::ZERO_DURATION);
            self.Pool_duration.write(duration);
        }

        fn staked(self: @ComponentState<TContractState>, account: ContractAddress) -> u256 {
            self.Pool_staked.read(account)
        }

        fn earned(self: @ComponentState<TContractState>, account: ContractAddress) -> u256 {
            unwrap_or_panic(AccumulatorImpl::try_earned(self.Pool_staked.read(account),
                self.Pool_reward_index.read(), self.Pool_paid_index.read(account)))
        }

        fn settle(ref self: ComponentState<TContractState>, account: ContractAddress) -> u256 {
            let owed = checked::add(self.Pool_owed.read(account), self.earned(account),
                Errors::OVERFLOW);
            self.Pool_owed.write(account, owed);
            self.Pool_paid_index.write(account, self.Pool_reward_index.read());
            owed
        }

        /// Hand the accumulator the part of the stream elapsed since the last drip.
        fn drip(ref self: ComponentState<TContractState>) {
            let now = get_block_timestamp();
            let last = self.Pool_stream_last.read();
            let remaining = self.Pool_stream_remaining.read();
            if remaining == 0 || now <= last {
                if now > last {
                    self.Pool_stream_last.write(now);
                }
                return;
            }
            let finish = self.Pool_stream_finish.read();
            let total_staked = self.Pool_total_staked.read();
            if total_staked == 0 {
                // Nobody to pay: the stream pauses (the same span starts again from now).
                self.Pool_stream_finish.write(now + (finish - last));
                self.Pool_stream_last.write(now);
                return;
            }
            let end = if now < finish {
                now
            } else {
                finish
            };
            let amount = FixedPointImpl::mul_div(remaining, (end - last).into(),
                (finish - last).into(), Rounding::Floor);
            self.Pool_stream_remaining.write(remaining - amount);
            self.Pool_stream_last.write(now);
            if amount != 0 {
                let pool = PoolState {
                    total_staked, reward_index: self.Pool_reward_index.read(),
                    carry_wad: self.Pool_carry_wad.read(),
                };
                let next = unwrap_or_panic(AccumulatorImpl::try_notify(pool, amount));
                self.Pool_reward_index.write(next.reward_index);
                self.Pool_carry_wad.write(next.carry_wad);
            }
        }

        /// Add `amount` to the stream, spread over the next `duration` seconds.
        fn schedule(ref self: ComponentState<TContractState>, amount: u256) {
            assert(amount != 0, Errors::ZERO_AMOUNT);
            self.drip();
            let now = get_block_timestamp();
            let remaining = checked::add(self.Pool_stream_remaining.read(), amount,
                Errors::OVERFLOW);
            let finish = now + self.Pool_duration.read();
            self.Pool_stream_remaining.write(remaining);
            self.Pool_stream_last.write(now);
            self.Pool_stream_finish.write(finish);
            let total_funded = checked::add(self.Pool_total_funded.read(), amount,
                Errors::OVERFLOW);
            self.Pool_total_funded.write(total_funded);
            self.emit(RewardNotified { amount, remaining, finish, total_funded });
        }

        fn assert_minimum(self: @ComponentState<TContractState>, total: u256) {
            assert(total == 0 || total >= MIN_TOTAL_STAKE, Errors::BELOW_MINIMUM);
        }

        fn stake_for(ref self: ComponentState<TContractState>, account: ContractAddress,
            amount: u256) {
            assert(amount != 0, Errors::ZERO_AMOUNT);
            self.drip();
            let total = checked::add(self.Pool_total_staked.read(), amount, Errors::OVERFLOW);
            self.assert_minimum(total);
            self.Pool_total_staked.write(total);
            self.settle(account);
            let staked = checked::add(self.Pool_staked.read(account), amount, Errors::OVERFLOW);
            self.Pool_staked.write(account, staked);
            self.emit(Staked { account, amount, staked });
        }

        fn unstake_for(ref self: ComponentState<TContractState>, account: ContractAddress,
            amount: u256) {
            assert(amount != 0, Errors::ZERO_AMOUNT);
            let held = self.Pool_staked.read(account);
            assert(amount <= held, Errors::INSUFFICIENT_STAKE);
            self.drip();
            let total = self.Pool_total_staked.read() - amount;
            self.assert_minimum(total);
            self.settle(account);
            self.Pool_staked.write(account, held - amount);
            self.Pool_total_staked.write(total);
            self.emit(Unstaked { account, amount, staked: held - amount });
        }

        fn claim_for(ref self: ComponentState<TContractState>, account: ContractAddress) -> u256 {
            self.drip();
            let owed = self.settle(account);
            assert(owed != 0, Errors::NOTHING_TO_CLAIM);
            self.Pool_owed.write(account, 0);
            self.Pool_total_paid.write(checked::add(self.Pool_total_paid.read(), owed,
                Errors::OVERFLOW));
            self.emit(RewardClaimed { account, amount: owed });
            owed
        }
    }
}
