//! `AuditAnchor`: the event store's audit-chain heads, kept where the store's writers cannot
//! rewrite them.
//!
//! `astratrade audit anchor --onchain` writes a head `(position, head_hash)` (the store's record
//! count and the SHA-256 link hash of its last record, as `audit head` prints `POSITION:HASH`);
//! `audit verify --onchain` reads every anchor back and requires the store's chain to reach each
//! position and pass through each hash there.  Only the owner or an operator anchors; positions
//! strictly increase, so an anchor can never be replaced by an older or equal one (a forger who
//! truncated the store cannot anchor the shorter head over the longer one).  Every anchor is kept
//! (`anchor_at`), `latest_anchor` is the newest.  What the contract does not do: read the store,
//! or know whether a hash is the store's — it records what an authorised anchorer sent.

use starknet::ContractAddress;

#[starknet::interface]
pub trait IAuditAnchor<TState> {
    /// Owner or operator: record `head_hash` as the chain's hash at `position` (> the last one).
    fn anchor(ref self: TState, position: u64, head_hash: u256);
    /// The newest anchor `(position, head_hash)`; `(0, 0)` before the first.
    fn latest_anchor(self: @TState) -> (u64, u256);
    /// How many anchors were recorded.
    fn anchor_count(self: @TState) -> u64;
    /// The anchor recorded `index`-th (0-based).
    fn anchor_at(self: @TState, index: u64) -> (u64, u256);
    /// Whether `account` may anchor (the owner or an operator).
    fn is_anchorer(self: @TState, account: ContractAddress) -> bool;
}

#[starknet::contract]
pub mod AuditAnchor {
    use astratrade::components::access::{AccessComponent, IAccess};
    use starknet::{ContractAddress, get_caller_address};

    component!(path: AccessComponent, storage: access, event: AccessEvent);

    #[abi(embed_v0)]
    impl AccessImpl = AccessComponent::AccessImpl<ContractState>;
    impl AccessInternalImpl = AccessComponent::InternalImpl<ContractState>;

    pub mod Errors {
        pub const NOT_ANCHORER: felt252 = 'anchor: caller not anchorer';
        pub const NOT_INCREASING: felt252 = 'anchor: position not after last';
        pub const NO_SUCH_ANCHOR: felt252 = 'anchor: no such anchor';
    }

    #[storage]
    struct Storage {
        #[substorage(v0)]
        access: AccessComponent::Storage,
        Anchor_count: u64,
        Anchor_positions: LegacyMap<u64, u64>,
        Anchor_hashes: LegacyMap<u64, u256>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        #[flat]
        AccessEvent: AccessComponent::Event,
        Anchored: Anchored,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Anchored {
        #[key]
        pub position: u64,
        #[key]
        pub head_hash: u256,
        #[key]
        pub anchorer: ContractAddress,
        pub index: u64,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress) {
        self.access.initializer(owner);
    }

    #[abi(embed_v0)]
    impl AuditAnchorImpl of super::IAuditAnchor<ContractState> {
        fn anchor(ref self: ContractState, position: u64, head_hash: u256) {
            let anchorer = get_caller_address();
            assert(self.is_anchorer(anchorer), Errors::NOT_ANCHORER);
            let index = self.Anchor_count.read();
            if index != 0 {
                assert(position > self.Anchor_positions.read(index - 1), Errors::NOT_INCREASING);
            } else {
                assert(position != 0, Errors::NOT_INCREASING);
            }
            self.Anchor_positions.write(index, position);
            self.Anchor_hashes.write(index, head_hash);
            self.Anchor_count.write(index + 1);
            self.emit(Anchored { position, head_hash, anchorer, index });
        }

        fn latest_anchor(self: @ContractState) -> (u64, u256) {
            let count = self.Anchor_count.read();
            if count == 0 {
                return (0, 0);
            }
            (self.Anchor_positions.read(count - 1), self.Anchor_hashes.read(count - 1))
        }

        fn anchor_count(self: @ContractState) -> u64 {
            self.Anchor_count.read()
        }

        fn anchor_at(self: @ContractState, index: u64) -> (u64, u256) {
            assert(index < self.Anchor_count.read(), Errors::NO_SUCH_ANCHOR);
            (self.Anchor_positions.read(index), self.Anchor_hashes.read(index))
        }

        fn is_anchorer(self: @ContractState, account: ContractAddress) -> bool {
            account == self.owner() || self.is_operator(account)
        }
    }
}
