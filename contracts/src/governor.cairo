//! `Governor`: token-weighted proposals of one call each, voted at a snapshot and executed
//! through a built-in timelock (OpenZeppelin `Governor` + `GovernorCountingSimple` +
//! `GovernorVotesQuorumFraction` + a timelock, reduced to one contract; our own code).
//!
//! Life of a proposal (times are block timestamps):
//! * `propose(target, selector, calldata)` by an account holding at least the proposal
//!   threshold of votes one second earlier: `snapshot = now + voting_delay`,
//!   `deadline = snapshot + voting_period`.
//! * `cast_vote(id, support)` while `snapshot < now <= deadline`, once per account, weighted by
//!   the token's `get_past_votes(voter, snapshot)`: votes bought, borrowed or delegated after
//!   the snapshot count for nothing, so a flash loan cannot vote.
//! * After the deadline it has succeeded when `for > against` and `for >= quorum` (the
//!   proposal's quorum fraction of the total supply at the snapshot); `queue(id)` (anyone) sets
//!   `eta = now + timelock_delay` (at least `MIN_TIMELOCK_DELAY`), `execute(id)` (anyone) runs
//!   the call with `call_contract_syscall` from `eta` on; a call that panics reverts the
//!   execution, which stays queued.
//! * The proposer can `cancel` it until it is executed.
//!
//! The governor is its own administrator: `update_settings` only runs as a proposal's call
//! (caller = the governor).  Other contracts are handed to it with their two-step ownership
//! (`transfer_ownership(governor)`, then a proposal calling `accept_ownership`).

use starknet::ContractAddress;

/// The shortest timelock a governor accepts (1 day).
pub const MIN_TIMELOCK_DELAY: u64 = 86400;
/// The longest voting delay, voting period and timelock delay (30 days).
pub const MAX_DURATION: u64 = 2592000;
/// Quorum fractions are in basis points of the supply.
pub const QUORUM_DENOMINATOR: u32 = 10000;

#[derive(Copy, Drop, Serde, PartialEq, starknet::Store)]
pub struct Settings {
    pub voting_delay: u64,
    pub voting_period: u64,
    pub timelock_delay: u64,
    pub quorum_bps: u32,
    pub proposal_threshold: u256,
}

#[derive(Copy, Drop, Serde, starknet::Store)]
pub struct Proposal {
    pub proposer: ContractAddress,
    pub target: ContractAddress,
    pub selector: felt252,
    pub calldata_len: u32,
    pub snapshot: u64,
    pub deadline: u64,
    pub quorum_bps: u32,
    pub for_votes: u256,
    pub against_votes: u256,
    pub eta: u64,
    pub executed: bool,
    pub canceled: bool,
}

#[derive(Copy, Drop, Serde, PartialEq)]
pub enum ProposalState {
    Pending,
    Active,
    Defeated,
    Succeeded,
    Queued,
    Executed,
    Canceled,
}

#[starknet::interface]
pub trait IGovernor<TState> {
    /// Propose `target.selector(calldata)`; returns the proposal id (1, 2, ...).
    fn propose(ref self: TState, target: ContractAddress, selector: felt252,
        calldata: Array<felt252>) -> u64;
    /// Vote for (`true`) or against; returns the weight counted.
    fn cast_vote(ref self: TState, proposal_id: u64, support: bool) -> u256;
    /// Start the timelock of a succeeded proposal.
    fn queue(ref self: TState, proposal_id: u64);
    /// Run a queued proposal's call once its timelock has passed; returns the call's result.
    fn execute(ref self: TState, proposal_id: u64) -> Span<felt252>;
    /// Proposer only, until executed.
    fn cancel(ref self: TState, proposal_id: u64);
    /// The governor itself only (a proposal's call).
    fn update_settings(ref self: TState, settings: Settings);
    fn state(self: @TState, proposal_id: u64) -> ProposalState;
    fn proposal(self: @TState, proposal_id: u64) -> Proposal;
    fn proposal_calldata(self: @TState, proposal_id: u64) -> Array<felt252>;
    fn has_voted(self: @TState, proposal_id: u64, account: ContractAddress) -> bool;
    /// The votes a proposal with the current quorum fraction needs at `timepoint` (< now).
    fn quorum(self: @TState, timepoint: u64) -> u256;
    fn proposal_count(self: @TState) -> u64;
    fn settings(self: @TState) -> Settings;
    fn token(self: @TState) -> ContractAddress;
}

#[starknet::contract]
pub mod Governor {
    use astratrade::components::votes::{IVotesDispatcher, IVotesDispatcherTrait};
    use astratrade::math::fixed_point::{FixedPointImpl, Rounding};
    use core::num::traits::Zero;
    use starknet::{
        ContractAddress, SyscallResultTrait, get_block_timestamp, get_caller_address,
        get_contract_address
    };
    use super::{
        MAX_DURATION, MIN_TIMELOCK_DELAY, Proposal, ProposalState, QUORUM_DENOMINATOR, Settings
    };

    pub mod Errors {
        pub const ZERO_ADDRESS: felt252 = 'governor: zero address';
        pub const BAD_SETTINGS: felt252 = 'governor: bad settings';
        pub const BELOW_THRESHOLD: felt252 = 'governor: below threshold';
        pub const UNKNOWN: felt252 = 'governor: unknown proposal';
        pub const NOT_ACTIVE: felt252 = 'governor: vote not active';
        pub const ALREADY_VOTED: felt252 = 'governor: already voted';
        pub const NO_POWER: felt252 = 'governor: no voting power';
        pub const NOT_SUCCEEDED: felt252 = 'governor: not succeeded';
        pub const NOT_QUEUED: felt252 = 'governor: not queued';
        pub const TOO_EARLY: felt252 = 'governor: timelock not elapsed';
        pub const NOT_PROPOSER: felt252 = 'governor: not proposer';
        pub const NOT_CANCELABLE: felt252 = 'governor: cannot cancel';
        pub const ONLY_GOVERNANCE: felt252 = 'governor: only governance';
    }

    #[storage]
    struct Storage {
        Governor_token: ContractAddress,
        Governor_settings: Settings,
        Governor_count: u64,
        Governor_proposals: LegacyMap<u64, Proposal>,
        Governor_calldata: LegacyMap<(u64, u32), felt252>,
        Governor_voted: LegacyMap<(u64, ContractAddress), bool>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        ProposalCreated: ProposalCreated,
        VoteCast: VoteCast,
        ProposalQueued: ProposalQueued,
        ProposalExecuted: ProposalExecuted,
        ProposalCanceled: ProposalCanceled,
        SettingsUpdated: SettingsUpdated,
    }

    #[derive(Drop, starknet::Event)]
    pub struct ProposalCreated {
        #[key]
        pub proposal_id: u64,
        #[key]
        pub proposer: ContractAddress,
        pub target: ContractAddress,
        pub selector: felt252,
        pub calldata: Array<felt252>,
        pub snapshot: u64,
        pub deadline: u64,
    }

    #[derive(Drop, starknet::Event)]
    pub struct VoteCast {
        #[key]
        pub proposal_id: u64,
        #[key]
        pub voter: ContractAddress,
        pub support: bool,
        pub weight: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct ProposalQueued {
        #[key]
        pub proposal_id: u64,
        pub eta: u64,
    }

    #[derive(Drop, starknet::Event)]
    pub struct ProposalExecuted {
        #[key]
        pub proposal_id: u64,
    }

    #[derive(Drop, starknet::Event)]
    pub struct ProposalCanceled {
        #[key]
        pub proposal_id: u64,
    }

    #[derive(Drop, starknet::Event)]
    pub struct SettingsUpdated {
        pub settings: Settings,
    }

    #[constructor]
    fn constructor(ref self: ContractState, token: ContractAddress, settings: Settings) {
        assert(!token.is_zero(), Errors::ZERO_ADDRESS);
        self.Governor_token.write(token);
        self.write_settings(settings);
    }

    #[generate_trait]
    impl InternalImpl of InternalTrait {
        fn write_settings(ref self: ContractState, settings: Settings) {
            assert(settings.voting_delay <= MAX_DURATION
                && settings.voting_period != 0 && settings.voting_period <= MAX_DURATION
                && settings.timelock_delay >= MIN_TIMELOCK_DELAY
                && settings.timelock_delay <= MAX_DURATION
                && settings.quorum_bps != 0 && settings.quorum_bps <= QUORUM_DENOMINATOR,
                Errors::BAD_SETTINGS);
            self.Governor_settings.write(settings);
            self.emit(SettingsUpdated { settings });
        }

        fn votes(self: @ContractState) -> IVotesDispatcher {
            IVotesDispatcher { contract_address: self.Governor_token.read() }
        }

        fn read(self: @ContractState, proposal_id: u64) -> Proposal {
            assert(proposal_id != 0 && proposal_id <= self.Governor_count.read(),
                Errors::UNKNOWN);
            self.Governor_proposals.read(proposal_id)
        }

        fn quorum_of(self: @ContractState, timepoint: u64, quorum_bps: u32) -> u256 {
            let supply = self.votes().get_past_total_supply(timepoint);
            FixedPointImpl::mul_div(supply, quorum_bps.into(), QUORUM_DENOMINATOR.into(),
                Rounding::Floor)
        }

        fn state_of(self: @ContractState, proposal: Proposal) -> ProposalState {
            let now = get_block_timestamp();
            if proposal.canceled {
                ProposalState::Canceled
            } else if proposal.executed {
                ProposalState::Executed
            } else if now <= proposal.snapshot {
                ProposalState::Pending
            } else if now <= proposal.deadline {
                ProposalState::Active
            } else if proposal.eta != 0 {
                ProposalState::Queued
            } else if proposal.for_votes > proposal.against_votes
                && proposal.for_votes >= self.quorum_of(proposal.snapshot, proposal.quorum_bps) {
                ProposalState::Succeeded
            } else {
                ProposalState::Defeated
            }
        }
    }

    #[abi(embed_v0)]
    impl GovernorImpl of super::IGovernor<ContractState> {
        fn propose(ref self: ContractState, target: ContractAddress, selector: felt252,
            calldata: Array<felt252>) -> u64 {
            assert(!target.is_zero(), Errors::ZERO_ADDRESS);
            let proposer = get_caller_address();
            let settings = self.Governor_settings.read();
            let now = get_block_timestamp();
            if settings.proposal_threshold != 0 {
                let held = if now == 0 {
                    0
                } else {
                    self.votes().get_past_votes(proposer, now - 1)
                };
                assert(held >= settings.proposal_threshold, Errors::BELOW_THRESHOLD);
            }
            let proposal_id = self.Governor_count.read() + 1;
            self.Governor_count.write(proposal_id);
            let snapshot = now + settings.voting_delay;
            let deadline = snapshot + settings.voting_period;
            let data = calldata.span();
            let calldata_len = data.len();
            let mut i: u32 = 0;
            while i < calldata_len {
                self.Governor_calldata.write((proposal_id, i), *data.at(i));
                i += 1;
            };
            self.Governor_proposals.write(proposal_id, Proposal {
                proposer, target, selector, calldata_len, snapshot, deadline,
                quorum_bps: settings.quorum_bps, for_votes: 0, against_votes: 0, eta: 0,
                executed: false, canceled: false
            });
            self.emit(ProposalCreated { proposal_id, proposer, target, selector, calldata,
                snapshot, deadline });
            proposal_id
        }

        fn cast_vote(ref self: ContractState, proposal_id: u64, support: bool) -> u256 {
            let mut proposal = self.read(proposal_id);
            assert(self.state_of(proposal) == ProposalState::Active, Errors::NOT_ACTIVE);
            let voter = get_caller_address();
            assert(!self.Governor_voted.read((proposal_id, voter)), Errors::ALREADY_VOTED);
            let weight = self.votes().get_past_votes(voter, proposal.snapshot);
            assert(weight != 0, Errors::NO_POWER);
            self.Governor_voted.write((proposal_id, voter), true);
            // The weights are parts of the supply at the snapshot: their sum stays within it.
            if support {
                proposal.for_votes += weight;
            } else {
                proposal.against_votes += weight;
            }
            self.Governor_proposals.write(proposal_id, proposal);
            self.emit(VoteCast { proposal_id, voter, support, weight });
            weight
        }

        fn queue(ref self: ContractState, proposal_id: u64) {
            let mut proposal = self.read(proposal_id);
            assert(self.state_of(proposal) == ProposalState::Succeeded, Errors::NOT_SUCCEEDED);
            let eta = get_block_timestamp() + self.Governor_settings.read().timelock_delay;
            proposal.eta = eta;
            self.Governor_proposals.write(proposal_id, proposal);
            self.emit(ProposalQueued { proposal_id, eta });
        }

        fn execute(ref self: ContractState, proposal_id: u64) -> Span<felt252> {
            let mut proposal = self.read(proposal_id);
            assert(self.state_of(proposal) == ProposalState::Queued, Errors::NOT_QUEUED);
            assert(get_block_timestamp() >= proposal.eta, Errors::TOO_EARLY);
            // Effects before the interaction: a re-entered `execute` finds it executed.
            proposal.executed = true;
            self.Governor_proposals.write(proposal_id, proposal);
            self.emit(ProposalExecuted { proposal_id });
            let mut calldata: Array<felt252> = array![];
            let mut i: u32 = 0;
            while i < proposal.calldata_len {
                calldata.append(self.Governor_calldata.read((proposal_id, i)));
                i += 1;
            };
            starknet::syscalls::call_contract_syscall(proposal.target, proposal.selector,
                calldata.span())
                .unwrap_syscall()
        }

        fn cancel(ref self: ContractState, proposal_id: u64) {
            let mut proposal = self.read(proposal_id);
            assert(get_caller_address() == proposal.proposer, Errors::NOT_PROPOSER);
            let state = self.state_of(proposal);
            assert(state != ProposalState::Executed && state != ProposalState::Canceled,
                Errors::NOT_CANCELABLE);
            proposal.canceled = true;
            self.Governor_proposals.write(proposal_id, proposal);
            self.emit(ProposalCanceled { proposal_id });
        }

        fn update_settings(ref self: ContractState, settings: Settings) {
            assert(get_caller_address() == get_contract_address(), Errors::ONLY_GOVERNANCE);
            self.write_settings(settings);
        }

        fn state(self: @ContractState, proposal_id: u64) -> ProposalState {
            self.state_of(self.read(proposal_id))
        }

        fn proposal(self: @ContractState, proposal_id: u64) -> Proposal {
            self.read(proposal_id)
        }

        fn proposal_calldata(self: @ContractState, proposal_id: u64) -> Array<felt252> {
            let proposal = self.read(proposal_id);
            let mut calldata: Array<felt252> = array![];
            let mut i: u32 = 0;
            while i < proposal.calldata_len {
                calldata.append(self.Governor_calldata.read((proposal_id, i)));
                i += 1;
            };
            calldata
        }

        fn has_voted(self: @ContractState, proposal_id: u64, account: ContractAddress) -> bool {
            self.Governor_voted.read((proposal_id, account))
        }

        fn quorum(self: @ContractState, timepoint: u64) -> u256 {
            self.quorum_of(timepoint, self.Governor_settings.read().quorum_bps)
        }

        fn proposal_count(self: @ContractState) -> u64 {
            self.Governor_count.read()
        }

        fn settings(self: @ContractState) -> Settings {
            self.Governor_settings.read()
        }

        fn token(self: @ContractState) -> ContractAddress {
            self.Governor_token.read()
        }
    }
}
