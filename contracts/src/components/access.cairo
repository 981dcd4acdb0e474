//! Access control: one owner and a set of operators (OpenZeppelin-style component).
//!
//! The owner grants and revokes the operator role and transfers ownership; contracts call
//! `assert_only_owner` / `assert_only_operator` from their privileged entry points.

use starknet::ContractAddress;

#[starknet::interface]
pub trait IAccess<TState> {
    fn owner(self: @TState) -> ContractAddress;
    fn is_operator(self: @TState, account: ContractAddress) -> bool;
    fn transfer_ownership(ref self: TState, new_owner: ContractAddress);
    fn set_operator(ref self: TState, account: ContractAddress, enabled: bool);
}

#[starknet::component]
pub mod AccessComponent {
    use core::num::traits::Zero;
    use starknet::{ContractAddress, get_caller_address};

    pub mod Errors {
        pub const NOT_OWNER: felt252 = 'access: caller is not owner';
        pub const NOT_OPERATOR: felt252 = 'access: caller not operator';
        pub const ZERO_ADDRESS: felt252 = 'access: zero address';
    }

    #[storage]
    struct Storage {
        Access_owner: ContractAddress,
        Access_operators: LegacyMap<ContractAddress, bool>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        OwnershipTransferred: OwnershipTransferred,
        OperatorUpdated: OperatorUpdated,
    }

    #[derive(Drop, starknet::Event)]
    pub struct OwnershipTransferred {
        #[key]
        pub previous_owner: ContractAddress,
        #[key]
        pub new_owner: ContractAddress,
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

        fn is_operator(self: @ComponentState<TContractState>, account: ContractAddress) -> bool {
            self.Access_operators.read(account)
        }

        fn transfer_ownership(ref self: ComponentState<TContractState>, new_owner: ContractAddress) {
            self.assert_only_owner();
            assert(!new_owner.is_zero(), Errors::ZERO_ADDRESS);
            let previous_owner = self.Access_owner.read();
            self.Access_owner.write(new_owner);
            self.emit(OwnershipTransferred { previous_owner, new_owner });
        }

        fn set_operator(
            ref self: ComponentState<TContractState>, account: ContractAddress, enabled: bool
        ) {
            self.assert_only_owner();
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
            assert(get_caller_address() == self.Access_owner.read(), Errors::NOT_OWNER);
        }

        fn assert_only_operator(self: @ComponentState<TContractState>) {
            assert(self.Access_operators.read(get_caller_address()), Errors::NOT_OPERATOR);
        }
    }
}
