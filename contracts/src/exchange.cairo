//! `Exchange`: settlement of trades recorded by the operator.
//!
//! The operator (the matching engine's account) records fills.  Each user has one position per
//! market (quantity, volume-weighted entry, side).  A fill in the position's direction grows it;
//! a fill against it closes `min(quantity, fill)` and realizes `pnl` with the shared math
//! (`math::trading`, the Python core's `pnl_wad`); a fill larger than the position reverses it at
//! the fill price.  The realized P&L and the fee are settled into the `Vault` (the Exchange must
//! hold the Vault's operator role): a loss is debited from the user, never credited.
//!
//! Liquidation is allowed only to an operator and only when the account's equity in the
//! market's asset (vault balance + unrealized P&L at `mark_price`) is below the maintenance
//! margin `quantity * mark * maintenance_rate` (rounded up).  The position is closed at the mark;
//! a loss larger than the balance takes the whole balance and the rest is reported as
//! `bad_debt` (the pool absorbs it).  Mark prices come from the operator: there is no oracle.

use astratrade::math::signed::Signed;
use starknet::ContractAddress;

#[derive(Copy, Drop, Serde, PartialEq, starknet::Store)]
pub struct Market {
    pub asset: ContractAddress,
    pub maintenance_rate: u256,
    pub listed: bool,
}

#[derive(Copy, Drop, Serde, PartialEq, starknet::Store)]
pub struct Position {
    pub quantity: u256,
    pub entry_price: u256,
    pub is_long: bool,
}

#[starknet::interface]
pub trait IExchange<TState> {
    /// Owner only: list a market settled in `asset` with a wad maintenance rate below 1.
    fn list_market(ref self: TState, market: felt252, asset: ContractAddress,
        maintenance_rate: u256);
    /// Operator only: record a fill and settle its realized P&L and fee.
    fn record_fill(ref self: TState, user: ContractAddress, market: felt252, is_buy: bool,
        quantity: u256, price: u256, fee: u256) -> Signed;
    /// Operator only: liquidate a position whose equity is below the maintenance margin.
    fn liquidate(ref self: TState, user: ContractAddress, market: felt252, mark_price: u256);
    fn is_liquidatable(self: @TState, user: ContractAddress, market: felt252, mark_price: u256)
        -> bool;
    fn position(self: @TState, user: ContractAddress, market: felt252) -> Position;
    fn market(self: @TState, market: felt252) -> Market;
    fn vault(self: @TState) -> ContractAddress;
    /// Owner only.
    fn pause(ref self: TState);
    /// Owner only.
    fn unpause(ref self: TState);
}

#[starknet::contract]
pub mod Exchange {
    use astratrade::components::access::AccessComponent;
    use astratrade::components::pausable::PausableComponent;
    use astratrade::math::fixed_point::{FixedPointImpl, Rounding, WAD, unwrap_or_panic};
    use astratrade::math::signed::{Signed, SignedImpl};
    use astratrade::math::trading::{TradingMathImpl, try_average_entry};
    use astratrade::vault::{IVaultDispatcher, IVaultDispatcherTrait};
    use starknet::ContractAddress;
    use super::{Market, Position};

    component!(path: AccessComponent, storage: access, event: AccessEvent);
    component!(path: PausableComponent, storage: pausable, event: PausableEvent);

    #[abi(embed_v0)]
    impl AccessImpl = AccessComponent::AccessImpl<ContractState>;
    impl AccessInternalImpl = AccessComponent::InternalImpl<ContractState>;
    #[abi(embed_v0)]
    impl PausableImpl = PausableComponent::PausableImpl<ContractState>;
    impl PausableInternalImpl = PausableComponent::InternalImpl<ContractState>;

    pub mod Errors {
        pub const UNKNOWN_MARKET: felt252 = 'exchange: unknown market';
        pub const BAD_RATE: felt252 = 'exchange: rate must be < 1';
        pub const ZERO_QUANTITY: felt252 = 'exchange: quantity is zero';
        pub const ZERO_PRICE: felt252 = 'exchange: price is zero';
        pub const NO_POSITION: felt252 = 'exchange: no position';
        pub const HEALTHY: felt252 = 'exchange: position is healthy';
    }

    #[storage]
    struct Storage {
        #[substorage(v0)]
        access: AccessComponent::Storage,
        #[substorage(v0)]
        pausable: PausableComponent::Storage,
        Exchange_vault: ContractAddress,
        Exchange_markets: LegacyMap<felt252, Market>,
        Exchange_positions: LegacyMap<(ContractAddress, felt252), Position>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        #[flat]
        AccessEvent: AccessComponent::Event,
        #[flat]
        PausableEvent: PausableComponent::Event,
        MarketListed: MarketListed,
        FillRecorded: FillRecorded,
        Liquidated: Liquidated,
    }

    #[derive(Drop, starknet::Event)]
    pub struct MarketListed {
        #[key]
        pub market: felt252,
        pub asset: ContractAddress,
        pub maintenance_rate: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct FillRecorded {
        #[key]
        pub user: ContractAddress,
        #[key]
        pub market: felt252,
        pub is_buy: bool,
        pub quantity: u256,
        pub price: u256,
        pub fee: u256,
        pub realized_pnl: Signed,
        pub position: Position,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Liquidated {
        #[key]
        pub user: ContractAddress,
        #[key]
        pub market: felt252,
        #[key]
        pub liquidator: ContractAddress,
        pub quantity: u256,
        pub mark_price: u256,
        pub realized_pnl: Signed,
        pub bad_debt: u256,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress, vault: ContractAddress) {
        self.access.initializer(owner);
        self.Exchange_vault.write(vault);
    }

    #[generate_trait]
    impl SettlementImpl of SettlementTrait {
        fn listed(self: @ContractState, market: felt252) -> Market {
            let listed = self.Exchange_markets.read(market);
            assert(listed.listed, Errors::UNKNOWN_MARKET);
            listed
        }

        fn vault_dispatcher(self: @ContractState) -> IVaultDispatcher {
            IVaultDispatcher { contract_address: self.Exchange_vault.read() }
        }

        /// (liquidatable, unrealized pnl at the mark, user's balance)
        fn health(self: @ContractState, user: ContractAddress, market: felt252, mark_price: u256)
            -> (bool, Signed, u256) {
            let listed = self.listed(market);
            let position = self.Exchange_positions.read((user, market));
            assert(position.quantity != 0, Errors::NO_POSITION);
            let pnl = unwrap_or_panic(TradingMathImpl::try_pnl(position.quantity,
                position.entry_price, mark_price, position.is_long));
            let notional = FixedPointImpl::mul_div(position.quantity, mark_price, WAD,
                Rounding::Ceil);
            let maintenance = FixedPointImpl::mul_div(notional, listed.maintenance_rate, WAD,
                Rounding::Ceil);
            let balance = self.vault_dispatcher().balance_of(user, listed.asset);
            // equity = balance + pnl < maintenance, without leaving u256.
            let liquidatable = if pnl.neg {
                balance < maintenance + pnl.mag
            } else {
                balance + pnl.mag < maintenance
            };
            (liquidatable, pnl, balance)
        }
    }

    #[abi(embed_v0)]
    impl ExchangeImpl of super::IExchange<ContractState> {
        fn list_market(ref self: ContractState, market: felt252, asset: ContractAddress,
            maintenance_rate: u256) {
            self.access.assert_only_owner();
            assert(maintenance_rate < WAD, Errors::BAD_RATE);
            self.Exchange_markets.write(market, Market { asset, maintenance_rate, listed: true });
            self.emit(MarketListed { market, asset, maintenance_rate });
        }

        fn record_fill(ref self: ContractState, user: ContractAddress, market: felt252,
            is_buy: bool, quantity: u256, price: u256, fee: u256) -> Signed {
            self.access.assert_only_operator();
            self.pausable.assert_not_paused();
            assert(quantity != 0, Errors::ZERO_QUANTITY);
            assert(price != 0, Errors::ZERO_PRICE);
            let listed = self.listed(market);
            let held = self.Exchange_positions.read((user, market));
            let mut realized = SignedImpl::zero();
            let next = if held.quantity == 0 || held.is_long == is_buy {
                let entry = unwrap_or_panic(try_average_entry(held.quantity, held.entry_price,
                    quantity, price, is_buy));
                Position { quantity: held.quantity + quantity, entry_price: entry, is_long: is_buy }
            } else {
                let closed = if quantity < held.quantity {
                    quantity
                } else {
                    held.quantity
                };
                realized = unwrap_or_panic(TradingMathImpl::try_pnl(closed, held.entry_price,
                    price, held.is_long));
                if quantity > held.quantity {
                    Position { quantity: quantity - held.quantity, entry_price: price,
                        is_long: is_buy }
                } else if quantity == held.quantity {
                    Position { quantity: 0, entry_price: 0, is_long: false }
                } else {
                    Position { quantity: held.quantity - quantity, entry_price: held.entry_price,
                        is_long: held.is_long }
                }
            };
            self.Exchange_positions.write((user, market), next);
            if realized.mag != 0 || fee != 0 {
                self.vault_dispatcher().settle(user, listed.asset, realized, fee);
            }
            self.emit(FillRecorded { user, market, is_buy, quantity, price, fee,
                realized_pnl: realized, position: next });
            realized
        }

        fn liquidate(ref self: ContractState, user: ContractAddress, market: felt252,
            mark_price: u256) {
            self.access.assert_only_operator();
            self.pausable.assert_not_paused();
            let (liquidatable, pnl, balance) = self.health(user, market, mark_price);
            assert(liquidatable, Errors::HEALTHY);
            let listed = self.listed(market);
            let position = self.Exchange_positions.read((user, market));
            let mut bad_debt = 0;
            let mut settled = pnl;
            if pnl.neg && pnl.mag > balance {
                bad_debt = pnl.mag - balance;
                settled = SignedImpl::negative(balance);
            }
            self.Exchange_positions.write((user, market),
                Position { quantity: 0, entry_price: 0, is_long: false });
            if settled.mag != 0 {
                self.vault_dispatcher().settle(user, listed.asset, settled, 0);
            }
            self.emit(Liquidated { user, market, liquidator: starknet::get_caller_address(),
                quantity: position.quantity, mark_price, realized_pnl: settled, bad_debt });
        }

        fn is_liquidatable(self: @ContractState, user: ContractAddress, market: felt252,
            mark_price: u256) -> bool {
            let (liquidatable, _, _) = self.health(user, market, mark_price);
            liquidatable
        }

        fn position(self: @ContractState, user: ContractAddress, market: felt252) -> Position {
            self.Exchange_positions.read((user, market))
        }

        fn market(self: @ContractState, market: felt252) -> Market {
            self.Exchange_markets.read(market)
        }

        fn vault(self: @ContractState) -> ContractAddress {
            self.Exchange_vault.read()
        }

        fn pause(ref self: ContractState) {
            self.access.assert_only_owner();
            self.pausable.pause();
        }

        fn unpause(ref self: ContractState) {
            self.access.assert_only_owner();
            self.pausable.unpause();
        }
    }
}
