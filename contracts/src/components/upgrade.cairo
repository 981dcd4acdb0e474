//! Timelocked class upgrade (component): the owner proposes a new class hash, which can be
//! executed (`replace_class_syscall`) only after `UPGRADE_DELAY` seconds, or cancelled.  Users
//! see `UpgradeProposed` (with the time it becomes executable) long enough in advance to leave.

use starknet::ClassHash;

/// Seconds between proposing an upgrade and being able to execute it (2 days).
pub const UPGRADE_DELAY: u64 = 172800;

#[starknet::interface]
pub trait IUpgrade<TState> {
    /// Owner only: propose `class_hash`; executable from `now + UPGRADE_DELAY`.
    fn propose_upgrade(ref self: TState, class_hash: ClassHash);
    /// Owner only: drop the pending proposal.
    fn cancel_upgrade(ref self: TState);
    /// Owner only: replace this contract's class with the proposed one once the delay passed.
    fn execute_upgrade(ref self: TState);
    /// The proposed class hash (zero if none) and the earliest execution time.
    fn pending_upgrade(self: @TState) -> (ClassHash, u64);
}

#[starknet::component]
pub mod UpgradeComponent {
    use core::num::traits::Zero;
    use starknet::{ClassHash, SyscallResultTrait, get_block_timestamp};
    use super::UPGRADE_DELAY;

    pub mod Errors {
        pub const ZERO_CLASS: felt252 = 'upgrade: zero class hash';
        pub const NONE_PENDING: felt252 = 'upgrade: nothing pending';
        pub const TOO_EARLY: felt252 = 'upgrade: timelock not elapsed';
    }

    #[storage]
    struct Storage {
        Upgrade_pending: ClassHash,
        Upgrade_ready_at: u64,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        UpgradeProposed: UpgradeProposed,
        UpgradeCancelled: UpgradeCancelled,
        Upgraded: Upgraded,
    }

    #[derive(Drop, starknet::Event)]
    pub struct UpgradeProposed {
        #[key]
        pub class_hash: ClassHash,
        pub ready_at: u64,
    }

    #[derive(Drop, starknet::Event)]
    pub struct UpgradeCancelled {
        #[key]
        pub class_hash: ClassHash,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Upgraded {
        #[key]
        pub class_hash: ClassHash,
    }

    #[generate_trait]
    pub impl InternalImpl<
        TContractState, +HasComponent<TContractState>
    > of InternalTrait<TContractState> {
        fn propose(ref self: ComponentState<TContractState>, class_hash: ClassHash) {
            assert(!class_hash.is_zero(), Errors::ZERO_CLASS);
            let ready_at = get_block_timestamp() + UPGRADE_DELAY;
            self.Upgrade_pending.write(class_hash);
            self.Upgrade_ready_at.write(ready_at);
            self.emit(UpgradeProposed { class_hash, ready_at });
        }

        fn cancel(ref self: ComponentState<TContractState>) {
            let class_hash = self.Upgrade_pending.read();
            assert(!class_hash.is_zero(), Errors::NONE_PENDING);
            self.Upgrade_pending.write(Zero::zero());
            self.Upgrade_ready_at.write(0);
            self.emit(UpgradeCancelled { class_hash });
        }

        fn execute(ref self: ComponentState<TContractState>) {
            let class_hash = self.Upgrade_pending.read();
            assert(!class_hash.is_zero(), Errors::NONE_PENDING);
            assert(get_block_timestamp() >= self.Upgrade_ready_at.read(), Errors::TOO_EARLY);
            self.Upgrade_pending.write(Zero::zero());
            self.Upgrade_ready_at.write(0);
            self.emit(Upgraded { class_hash });
            starknet::syscalls::replace_class_syscall(class_hash).unwrap_syscall();
        }

        fn pending(self: @ComponentState<TContractState>) -> (ClassHash, u64) {
            (self.Upgrade_pending.read(), self.Upgrade_ready_at.read())
        }
    }
}
