//! Reentrancy guard (OpenZeppelin-style component): entry points that call out to a token wrap
//! their body in `start()` / `end()`; a call back into any guarded entry point of the same
//! contract while one is running reverts.

#[starknet::component]
pub mod ReentrancyGuardComponent {
    pub mod Errors {
        pub const REENTRANT_CALL: felt252 = 'reentrancy: reentrant call';
    }

    #[storage]
    struct Storage {
        Reentrancy_entered: bool,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {}

    #[generate_trait]
    pub impl InternalImpl<
        TContractState, +HasComponent<TContractState>
    > of InternalTrait<TContractState> {
        fn start(ref self: ComponentState<TContractState>) {
            assert(!self.Reentrancy_entered.read(), Errors::REENTRANT_CALL);
            self.Reentrancy_entered.write(true);
        }

        fn end(ref self: ComponentState<TContractState>) {
            self.Reentrancy_entered.write(false);
        }
    }
}
