//! Access control (OpenZeppelin-style component): one owner, an operator role and its admin.
//!
//! * Ownership moves in two steps: the owner proposes (`transfer_ownership`), the proposed
//!   account accepts (`accept_ownership`), so a mistyped address cannot take (or lose) the
//!   contract.  The owner can cancel a proposal by proposing again, or `renounce_ownership`,
//!   which leaves the contract without an owner for good (owner-only functions then revert).
//! * The operator role has an admin (`operator_admin`, set by the owner) who may grant and
//!   revoke operators besides the owner; the owner decides who the admin is.
//! * The zero address is refused as owner, pending owner, operator and operator admin.

use starknet::ContractAddress;

#[starknet::interface]
pub trait IAccess<TState> {
    fn owner(self: @TState) -> ContractAddress;
    fn pending_owner(self: @TState) -> ContractAddress;
    fn operator_admin(self: @TState) -> ContractAddress;
    fn is_operator(self: @TState, account: ContractAddress) -> bool;
    /// Owner only: propose `new_owner`, who must call `accept_ownership`.
    fn transfer_ownership(ref self: TState, new_owner: ContractAddress);
    /// Pending owner only: take the contract over.
    fn accept_ownership(ref self: TState);
    /// Owner only: give up ownership for good.
    fn renounce_ownership(ref self: TState);
    /// Owner only: appoint the account that may grant and revoke operators.
    fn set_operator_admin(ref self: TState, admin: ContractAddress);
    /// Owner or operator admin: grant or revoke the operator role.
    fn set_operator(ref self: TState, account: ContractAddress, enabled: bool);
}

#[starknet::component]
pub mod AccessComponent {
    use core::num::traits::Zero;
    use starknet::{ContractAddress, get_caller_address};

    pub mod Errors {
        pub const NOT_OWNER: felt252 = 'access: caller is not owner';
        pub const NOT_OPERATOR: felt252 = 'access: caller not operator';
        pub const NOT_PENDING_OWNER: felt252 = 'access: caller not pending';
        pub const NOT_ROLE_ADMIN: felt252 = 'access: caller not role admin';
        pub const ZERO_ADDRESS: felt252 = 'access: zero address';
    }

    #[storage]
    struct Storage {
        Access_owner: ContractAddress,
        Access_pending_owner: ContractAddress,
        Access_operator_admin: ContractAddress,
        Access_operators: LegacyMap<ContractAddress, bool>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        OwnershipTransferStarted: OwnershipTransferStarted,
        OwnershipTransferred: OwnershipTransferred,
        RoleAdminChanged: RoleAdminChanged,
        OperatorUpdated: OperatorUpdated,
    }

    #[derive(Drop, starknet::Event)]
    pub struct OwnershipTransferStarted {
        #[key]
        pub previous_owner: ContractAddress,
        #[key]
        pub new_owner: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    pub struct OwnershipTransferred {
        #[key]
        pub previous_owner: ContractAddress,
        #[key]
        pub new_owner: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    pub struct RoleAdminChanged {
        #[key]
        pub role: felt252,
        pub previous_admin: ContractAddress,
        pub new_admin: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    pub struct OperatorUpdated {
        #[key]
        pub account: ContractAddress,
        pub enabled: bool,
    }

    #[embeddable_as(AccessImpl)]
    impl Access<
        TContractState, +HasComponent<TContractState>
    > of super::IAccess<ComponentState<TContractState>> {
        fn owner(self: @ComponentState<TContractState>) -> ContractAddress {
            self.Access_owner.read()
        }

        fn pending_owner(self: @ComponentState<TContractState>) -> ContractAddress {
            self.Access_pending_owner.read()
        }

        fn operator_admin(self: @ComponentState<TContractState>) -> ContractAddress {
            self.Access_operator_admin.read()
        }

        fn is_operator(self: @ComponentState<TContractState>, account: ContractAddress) -> bool {
            self.Access_operators.read(account)
        }

        fn transfer_ownership(ref self: ComponentState<TContractState>, new_owner: ContractAddress) {
            self.assert_only_owner();
            assert(!new_owner.is_zero(), Errors::ZERO_ADDRESS);
            self.Access_pending_owner.write(new_owner);
            self.emit(OwnershipTransferStarted {
                previous_owner: self.Access_owner.read(), new_owner
            });
        }

        fn accept_ownership(ref self: ComponentState<TContractState>) {
            let caller = get_caller_address();
            let pending = self.Access_pending_owner.read();
            assert(!pending.is_zero() && caller == pending, Errors::NOT_PENDING_OWNER);
            let previous_owner = self.Access_owner.read();
            self.Access_owner.write(caller);
            self.Access_pending_owner.write(Zero::zero());
            self.emit(OwnershipTransferred { previous_owner, new_owner: caller });
        }

        fn renounce_ownership(ref self: ComponentState<TContractState>) {
            self.assert_only_owner();
            let previous_owner = self.Access_owner.read();
            self.Access_owner.write(Zero::zero());
            self.Access_pending_owner.write(Zero::zero());
            self.emit(OwnershipTransferred { previous_owner, new_owner: Zero::zero() });
        }

        fn set_operator_admin(ref self: ComponentState<TContractState>, admin: ContractAddress) {
            self.assert_only_owner();
            assert(!admin.is_zero(), Errors::ZERO_ADDRESS);
            let previous_admin = self.Access_operator_admin.read();
            self.Access_operator_admin.write(admin);
            self.emit(RoleAdminChanged { role: 'operator', previous_admin, new_admin: admin });
        }

        fn set_operator(
            ref self: ComponentState<TContractState>, account: ContractAddress, enabled: bool
        ) {
            let caller = get_caller_address();
            assert(caller == self.Access_owner.read()
                || (!caller.is_zero() && caller == self.Access_operator_admin.read()),
                Errors::NOT_ROLE_ADMIN);
            assert(!account.is_zero(), Errors::ZERO_ADDRESS);
            self.Access_operators.write(account, enabled);
            self.emit(OperatorUpdated { account, enabled });
        }
    }

    #[generate_trait]
    pub impl InternalImpl<
        TContractState, +HasComponent<TContractState>
    > of InternalTrait<TContractState> {
        fn initializer(ref self: ComponentState<TContractState>, owner: ContractAddress) {
            assert(!owner.is_zero(), Errors::ZERO_ADDRESS);
            self.Access_owner.write(owner);
            self.emit(OwnershipTransferred { previous_owner: Zero::zero(), new_owner: owner });
        }

        fn assert_only_owner(self: @ComponentState<TContractState>) {
            let caller = get_caller_address();
            // A renounced contract has owner zero: nobody (not even the zero caller) passes.
            assert(!caller.is_zero() && caller == self.Access_owner.read(), Errors::NOT_OWNER);
        }

        fn assert_only_operator(self: @ComponentState<TContractState>) {
            assert(self.Access_operators.read(get_caller_address()), Errors::NOT_OPERATOR);
        }
    }
}
