//! `HostileToken` (test only): an ERC-20 that attacks whoever calls it.  Anyone can mint.
//! `arm(target, selector, calldata)` makes the next `transfer` / `transfer_from` call
//! `target.selector(calldata)` before moving tokens (a reentrancy attempt); `set_mode(1)` makes
//! transfers move nothing and return `false`, `set_mode(2)` move nothing and return `true` (a
//! lying token); mode 0 is honest.

use starknet::ContractAddress;

#[starknet::interface]
pub trait IHostileToken<TState> {
    fn mint(ref self: TState, recipient: ContractAddress, amount: u256);
    fn arm(ref self: TState, target: ContractAddress, selector: felt252, calldata: Array<felt252>);
    fn set_mode(ref self: TState, mode: u8);
}

#[starknet::contract]
pub mod HostileToken {
    use astratrade::components::erc20::{ERC20Component, IERC20};
    use starknet::{ContractAddress, SyscallResultTrait, get_caller_address};

    component!(path: ERC20Component, storage: erc20, event: ERC20Event);

    impl ERC20InternalImpl = ERC20Component::InternalImpl<ContractState>;

    #[storage]
    struct Storage {
        #[substorage(v0)]
        erc20: ERC20Component::Storage,
        Hostile_target: ContractAddress,
        Hostile_selector: felt252,
        Hostile_len: u32,
        Hostile_calldata: LegacyMap<u32, felt252>,
        Hostile_mode: u8,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        #[flat]
        ERC20Event: ERC20Component::Event,
    }

    #[generate_trait]
    impl AttackImpl of AttackTrait {
        fn strike(ref self: ContractState) {
            let selector = self.Hostile_selector.read();
            if selector == 0 {
                return;
            }
            self.Hostile_selector.write(0);
            let mut calldata: Array<felt252> = array![];
            let len = self.Hostile_len.read();
            let mut i: u32 = 0;
            while i < len {
                calldata.append(self.Hostile_calldata.read(i));
                i += 1;
            };
            starknet::syscalls::call_contract_syscall(self.Hostile_target.read(), selector,
                calldata.span()).unwrap_syscall();
        }
    }

    #[abi(embed_v0)]
    impl HostileERC20Impl of IERC20<ContractState> {
        fn total_supply(self: @ContractState) -> u256 {
            self.erc20.ERC20_total_supply.read()
        }

        fn balance_of(self: @ContractState, account: ContractAddress) -> u256 {
            self.erc20.ERC20_balances.read(account)
        }

        fn allowance(self: @ContractState, owner: ContractAddress, spender: ContractAddress)
            -> u256 {
            self.erc20.ERC20_allowances.read((owner, spender))
        }

        fn transfer(ref self: ContractState, recipient: ContractAddress, amount: u256) -> bool {
            self.strike();
            let mode = self.Hostile_mode.read();
            if mode != 0 {
                return mode == 2;
            }
            self.erc20.transfer_internal(get_caller_address(), recipient, amount);
            true
        }

        fn transfer_from(ref self: ContractState, sender: ContractAddress,
            recipient: ContractAddress, amount: u256) -> bool {
            self.strike();
            let mode = self.Hostile_mode.read();
            if mode != 0 {
                return mode == 2;
            }
            self.erc20.spend_allowance(sender, get_caller_address(), amount);
            self.erc20.transfer_internal(sender, recipient, amount);
            true
        }

        fn approve(ref self: ContractState, spender: ContractAddress, amount: u256) -> bool {
            self.erc20.approve_internal(get_caller_address(), spender, amount);
            true
        }
    }

    #[abi(embed_v0)]
    impl HostileImpl of super::IHostileToken<ContractState> {
        fn mint(ref self: ContractState, recipient: ContractAddress, amount: u256) {
            self.erc20.mint(recipient, amount);
        }

        fn arm(ref self: ContractState, target: ContractAddress, selector: felt252,
            calldata: Array<felt252>) {
            self.Hostile_target.write(target);
            self.Hostile_selector.write(selector);
            self.Hostile_len.write(calldata.len());
            let mut i: u32 = 0;
            while i < calldata.len() {
                self.Hostile_calldata.write(i, *calldata.at(i));
                i += 1;
            };
        }

        fn set_mode(ref self: ContractState, mode: u8) {
            self.Hostile_mode.write(mode);
        }
    }
}
