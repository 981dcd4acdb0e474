//! Vote checkpoints and delegation (component), OpenZeppelin `Votes` semantics with the block
//! timestamp as the clock (`clock()` is `get_block_timestamp()`).
//!
//! * Voting power is delegated, never held: an account's tokens count for the account it
//!   delegates to (itself included, after `delegate(self)`); undelegated tokens count for
//!   nobody.  Every change of a delegate's power appends a checkpoint `(timestamp, votes)` (or
//!   rewrites the last one when it is from the same timestamp), and so does every change of
//!   the total supply.
//! * `get_past_votes(account, t)` and `get_past_total_supply(t)` answer the value at the end of
//!   timestamp `t` by binary search over the checkpoints (O(log n) storage reads); `t` must be
//!   strictly in the past (`'votes: future lookup'`), because the present second can still
//!   change.  A governor reading votes at a past snapshot therefore ignores tokens bought,
//!   borrowed or delegated after it (the flash-vote attack).
//! * The owning contract calls `transfer_voting_units` on every mint, burn and transfer and
//!   `delegate` with the delegator's balance; amounts are bounded by its supply cap, so the
//!   sums here cannot overflow.

use starknet::ContractAddress;

#[starknet::interface]
pub trait IVotes<TState> {
    /// The current clock: the block timestamp.
    fn clock(self: @TState) -> u64;
    /// The voting power delegated to `account` now.
    fn get_votes(self: @TState, account: ContractAddress) -> u256;
    /// The voting power delegated to `account` at the end of second `timepoint` (< now).
    fn get_past_votes(self: @TState, account: ContractAddress, timepoint: u64) -> u256;
    /// The total supply at the end of second `timepoint` (< now).
    fn get_past_total_supply(self: @TState, timepoint: u64) -> u256;
    /// The account `account` delegates to (zero: none).
    fn delegates(self: @TState, account: ContractAddress) -> ContractAddress;
    /// Delegate the caller's voting power to `delegatee` (the caller itself to vote; zero to
    /// withdraw it).
    fn delegate(ref self: TState, delegatee: ContractAddress);
    fn num_checkpoints(self: @TState, account: ContractAddress) -> u32;
    /// `account`'s checkpoint `pos`: (timestamp, votes).
    fn checkpoint(self: @TState, account: ContractAddress, pos: u32) -> (u64, u256);
}

#[derive(Copy, Drop, Serde, starknet::Store)]
pub struct Checkpoint {
    pub key: u64,
    pub value: u256,
}

#[starknet::component]
pub mod VotesComponent {
    use core::num::traits::Zero;
    use starknet::{ContractAddress, get_block_timestamp};
    use super::Checkpoint;

    pub mod Errors {
        pub const FUTURE_LOOKUP: felt252 = 'votes: future lookup';
        pub const DECREASING_KEY: felt252 = 'votes: decreasing timepoint';
        pub const NO_CHECKPOINT: felt252 = 'votes: no such checkpoint';
    }

    #[storage]
    struct Storage {
        Votes_delegates: LegacyMap<ContractAddress, ContractAddress>,
        Votes_count: LegacyMap<ContractAddress, u32>,
        Votes_checkpoints: LegacyMap<(ContractAddress, u32), Checkpoint>,
        Votes_supply_count: u32,
        Votes_supply_checkpoints: LegacyMap<u32, Checkpoint>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        DelegateChanged: DelegateChanged,
        DelegateVotesChanged: DelegateVotesChanged,
    }

    #[derive(Drop, starknet::Event)]
    pub struct DelegateChanged {
        #[key]
        pub delegator: ContractAddress,
        #[key]
        pub from_delegate: ContractAddress,
        #[key]
        pub to_delegate: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    pub struct DelegateVotesChanged {
        #[key]
        pub delegate: ContractAddress,
        pub previous_votes: u256,
        pub new_votes: u256,
    }

    #[generate_trait]
    pub impl InternalImpl<
        TContractState, +HasComponent<TContractState>
    > of InternalTrait<TContractState> {
        fn at(self: @ComponentState<TContractState>, account: ContractAddress, pos: u32)
            -> Checkpoint {
            self.Votes_checkpoints.read((account, pos))
        }

        fn supply_at(self: @ComponentState<TContractState>, pos: u32) -> Checkpoint {
            self.Votes_supply_checkpoints.read(pos)
        }

        fn clock(self: @ComponentState<TContractState>) -> u64 {
            get_block_timestamp()
        }

        fn delegates(self: @ComponentState<TContractState>, account: ContractAddress)
            -> ContractAddress {
            self.Votes_delegates.read(account)
        }

        fn get_votes(self: @ComponentState<TContractState>, account: ContractAddress) -> u256 {
            let count = self.Votes_count.read(account);
            if count == 0 {
                return 0;
            }
            self.at(account, count - 1).value
        }

        fn get_past_votes(self: @ComponentState<TContractState>, account: ContractAddress,
            timepoint: u64) -> u256 {
            assert(timepoint < get_block_timestamp(), Errors::FUTURE_LOOKUP);
            // The last checkpoint with key <= timepoint: the first with key > timepoint, - 1.
            let mut low: u32 = 0;
            let mut high: u32 = self.Votes_count.read(account);
            while low < high {
                let mid = low + (high - low) / 2;
                if self.at(account, mid).key > timepoint {
                    high = mid;
                } else {
                    low = mid + 1;
                }
            };
            if high == 0 {
                0
            } else {
                self.at(account, high - 1).value
            }
        }

        fn get_past_total_supply(self: @ComponentState<TContractState>, timepoint: u64) -> u256 {
            assert(timepoint < get_block_timestamp(), Errors::FUTURE_LOOKUP);
            let mut low: u32 = 0;
            let mut high: u32 = self.Votes_supply_count.read();
            while low < high {
                let mid = low + (high - low) / 2;
                if self.supply_at(mid).key > timepoint {
                    high = mid;
                } else {
                    low = mid + 1;
                }
            };
            if high == 0 {
                0
            } else {
                self.supply_at(high - 1).value
            }
        }

        fn num_checkpoints(self: @ComponentState<TContractState>, account: ContractAddress)
            -> u32 {
            self.Votes_count.read(account)
        }

        fn checkpoint(self: @ComponentState<TContractState>, account: ContractAddress, pos: u32)
            -> (u64, u256) {
            assert(pos < self.Votes_count.read(account), Errors::NO_CHECKPOINT);
            let found = self.at(account, pos);
            (found.key, found.value)
        }

        /// `account` now delegates its `units` (its balance) to `delegatee`.
        fn delegate(ref self: ComponentState<TContractState>, account: ContractAddress,
            delegatee: ContractAddress, units: u256) {
            let from_delegate = self.Votes_delegates.read(account);
            self.Votes_delegates.write(account, delegatee);
            self.emit(DelegateChanged { delegator: account, from_delegate,
                to_delegate: delegatee });
            self.move_delegate_votes(from_delegate, delegatee, units);
        }

        /// Book `amount` tokens moving from `from` to `to` (zero `from`: a mint, zero `to`: a
        /// burn); the owning contract calls it on every balance change.
        fn transfer_voting_units(ref self: ComponentState<TContractState>,
            from: ContractAddress, to: ContractAddress, amount: u256) {
            if from.is_zero() || to.is_zero() {
                let count = self.Votes_supply_count.read();
                let supply = if count == 0 {
                    0
                } else {
                    self.supply_at(count - 1).value
                };
                // The token checked the supply (mint) and the balance (burn) already.
                let next = if from.is_zero() {
                    supply + amount
                } else {
                    supply - amount
                };
                self.push_supply(next);
            }
            self.move_delegate_votes(self.Votes_delegates.read(from),
                self.Votes_delegates.read(to), amount);
        }

        fn move_delegate_votes(ref self: ComponentState<TContractState>,
            from: ContractAddress, to: ContractAddress, amount: u256) {
            if from == to || amount == 0 {
                return;
            }
            if !from.is_zero() {
                let previous_votes = self.get_votes(from);
                // `from`'s votes include the delegator's balance, which covers `amount`.
                let new_votes = previous_votes - amount;
                self.push(from, new_votes);
                self.emit(DelegateVotesChanged { delegate: from, previous_votes, new_votes });
            }
            if !to.is_zero() {
                let previous_votes = self.get_votes(to);
                // Every delegate's votes are part of the supply, which the token caps.
                let new_votes = previous_votes + amount;
                self.push(to, new_votes);
                self.emit(DelegateVotesChanged { delegate: to, previous_votes, new_votes });
            }
        }

        fn push(ref self: ComponentState<TContractState>, account: ContractAddress,
            value: u256) {
            let key = get_block_timestamp();
            let count = self.Votes_count.read(account);
            if count > 0 {
                let last = self.at(account, count - 1);
                assert(last.key <= key, Errors::DECREASING_KEY);
                if last.key == key {
                    self.Votes_checkpoints.write((account, count - 1), Checkpoint { key, value });
                    return;
                }
            }
            self.Votes_checkpoints.write((account, count), Checkpoint { key, value });
            self.Votes_count.write(account, count + 1);
        }

        fn push_supply(ref self: ComponentState<TContractState>, value: u256) {
            let key = get_block_timestamp();
            let count = self.Votes_supply_count.read();
            if count > 0 {
                let last = self.supply_at(count - 1);
                assert(last.key <= key, Errors::DECREASING_KEY);
                if last.key == key {
                    self.Votes_supply_checkpoints.write(count - 1, Checkpoint { key, value });
                    return;
                }
            }
            self.Votes_supply_checkpoints.write(count, Checkpoint { key, value });
            self.Votes_supply_count.write(count + 1);
        }
    }
}
