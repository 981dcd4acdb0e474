//! `Exchange`: settlement of trades recorded by the operator, marked to an oracle.
//!
//! The operator (the matching engine's account) records fills.  Each user has one position per
//! market (quantity, volume-weighted entry, side).  A fill in the position's direction grows it;
//! a fill against it closes `min(quantity, fill)` and realizes `pnl` with the shared math
//! (`math::trading`, the Python core's `pnl_wad`); a fill larger than the position reverses it at
//! the fill price.  The realized P&L and the fee settle into the `Vault` (only this contract may
//! call `Vault.settle`).
//!
//! * Mark prices come from an `IPriceOracle`: a price older than `max_price_age` seconds or
//!   missing reverts; a fill price further than `max_deviation` (wad fraction) from the mark
//!   reverts.
//! * A fill that opens, grows or reverses a position must leave equity (balance + unrealized
//!   P&L at the mark) at or above the initial margin `quantity * mark * initial_rate` (rounded
//!   up).  Such fills stop while paused; fills that only reduce, and liquidations, never do.
//! * A close whose loss exceeds the balance takes the balance (and waives the fee it cannot
//!   pay) instead of reverting; the shortfall is bad debt, covered from the Vault's insurance
//!   fund as far as it goes, and the rest stored per asset (`bad_debt`) until
//!   `cover_bad_debt` finds funds.
//! * Liquidation (operator only) is allowed only when equity at the oracle mark is below the
//!   maintenance margin `quantity * mark * maintenance_rate` (rounded up); it closes at the
//!   mark.  Equity counts the user's whole Vault balance of the market's asset: positions in
//!   several markets of one asset share it (no cross-market margin netting).
//! * A listed market cannot be relisted (asset or rates changed) while it has open positions.

use astratrade::math::signed::Signed;
use starknet::ContractAddress;

/// Default oldest acceptable oracle price, in seconds.
pub const DEFAULT_MAX_PRICE_AGE: u64 = 300;
/// Default largest fill-price deviation from the mark (wad: 5 %).
pub const DEFAULT_MAX_DEVIATION: u256 = 50_000_000_000_000_000;
/// Largest `max_price_age` the owner can set (one day).
pub const MAX_PRICE_AGE_LIMIT: u64 = 86400;

#[derive(Copy, Drop, Serde, PartialEq, starknet::Store)]
pub struct Market {
    pub asset: ContractAddress,
    pub maintenance_rate: u256,
    pub initial_rate: u256,
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
    /// Owner only: list (or, with no open position, relist) a market settled in `asset`, with
    /// wad maintenance and initial margin rates, `maintenance <= initial < 1`.
    fn list_market(ref self: TState, market: felt252, asset: ContractAddress,
        maintenance_rate: u256, initial_rate: u256);
    /// Operator only: record a fill and settle its realized P&L and fee.
    fn record_fill(ref self: TState, user: ContractAddress, market: felt252, is_buy: bool,
        quantity: u256, price: u256, fee: u256) -> Signed;
    /// Operator only: liquidate a position below maintenance margin at the oracle mark.
    fn liquidate(ref self: TState, user: ContractAddress, market: felt252);
    /// Anyone: cover stored bad debt of `asset` from the insurance fund; returns what it moved.
    fn cover_bad_debt(ref self: TState, asset: ContractAddress) -> u256;
    /// Owner only: oracle freshness (seconds, 1..=86400) and fill deviation (wad, <= 1).
    fn set_price_bounds(ref self: TState, max_price_age: u64, max_deviation: u256);
    fn is_liquidatable(self: @TState, user: ContractAddress, market: felt252) -> bool;
    fn mark_price(self: @TState, market: felt252) -> u256;
    fn position(self: @TState, user: ContractAddress, market: felt252) -> Position;
    fn market(self: @TState, market: felt252) -> Market;
    fn open_positions(self: @TState, market: felt252) -> u64;
    fn bad_debt(self: @TState, asset: ContractAddress) -> u256;
    fn price_bounds(self: @TState) -> (u64, u256);
    fn vault(self: @TState) -> ContractAddress;
    fn oracle(self: @TState) -> ContractAddress;
    /// Owner only.
    fn pause(ref self: TState);
    /// Owner only.
    fn unpause(ref self: TState);
}

#[starknet::contract]
pub mod Exchange {
    use astratrade::components::access::AccessComponent;
    use astratrade::components::pausable::PausableComponent;
    use astratrade::components::upgrade::{IUpgrade, UpgradeComponent};
    use astratrade::math::checked;
    use astratrade::math::fixed_point::{FixedPointImpl, Rounding, WAD, unwrap_or_panic};
    use astratrade::math::signed::{Signed, SignedImpl};
    use astratrade::math::trading::{TradingMathImpl, try_average_entry};
    use astratrade::oracle::{IPriceOracleDispatcher, IPriceOracleDispatcherTrait};
    use astratrade::vault::{IVaultDispatcher, IVaultDispatcherTrait};
    use core::num::traits::Zero;
    use starknet::{ClassHash, ContractAddress, get_block_timestamp, get_caller_address};
    use super::{
        DEFAULT_MAX_DEVIATION, DEFAULT_MAX_PRICE_AGE, MAX_PRICE_AGE_LIMIT, Market, Position
    };

    component!(path: AccessComponent, storage: access, event: AccessEvent);
    component!(path: PausableComponent, storage: pausable, event: PausableEvent);
    component!(path: UpgradeComponent, storage: upgrade, event: UpgradeEvent);

    #[abi(embed_v0)]
    impl AccessImpl = AccessComponent::AccessImpl<ContractState>;
    impl AccessInternalImpl = AccessComponent::InternalImpl<ContractState>;
    #[abi(embed_v0)]
    impl PausableImpl = PausableComponent::PausableImpl<ContractState>;
    impl PausableInternalImpl = PausableComponent::InternalImpl<ContractState>;
    impl UpgradeInternalImpl = UpgradeComponent::InternalImpl<ContractState>;

    pub mod Errors {
        pub const UNKNOWN_MARKET: felt252 = 'exchange: unknown market';
        pub const BAD_RATE: felt252 = 'exchange: rate must be < 1';
        pub const INITIAL_BELOW_MAINTENANCE: felt252 = 'exchange: initial < maintenance';
        pub const MARKET_HAS_POSITIONS: felt252 = 'exchange: market has positions';
        pub const ZERO_QUANTITY: felt252 = 'exchange: quantity is zero';
        pub const ZERO_PRICE: felt252 = 'exchange: price is zero';
        pub const NO_POSITION: felt252 = 'exchange: no position';
        pub const HEALTHY: felt252 = 'exchange: position is healthy';
        pub const INITIAL_MARGIN: felt252 = 'exchange: below initial margin';
        pub const NO_PRICE: felt252 = 'exchange: no oracle price';
        pub const STALE_PRICE: felt252 = 'exchange: stale price';
        pub const OFF_MARK: felt252 = 'exchange: price off mark';
        pub const BAD_BOUNDS: felt252 = 'exchange: bad price bounds';
        pub const ZERO_ADDRESS: felt252 = 'exchange: zero address';
        pub const OVERFLOW: felt252 = 'exchange: amount overflow';
    }

    #[storage]
    struct Storage {
        #[substorage(v0)]
        access: AccessComponent::Storage,
        #[substorage(v0)]
        pausable: PausableComponent::Storage,
        #[substorage(v0)]
        upgrade: UpgradeComponent::Storage,
        Exchange_vault: ContractAddress,
        Exchange_oracle: ContractAddress,
        Exchange_max_price_age: u64,
        Exchange_max_deviation: u256,
        Exchange_markets: LegacyMap<felt252, Market>,
        Exchange_open: LegacyMap<felt252, u64>,
        Exchange_positions: LegacyMap<(ContractAddress, felt252), Position>,
        Exchange_bad_debt: LegacyMap<ContractAddress, u256>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        #[flat]
        AccessEvent: AccessComponent::Event,
        #[flat]
        PausableEvent: PausableComponent::Event,
        #[flat]
        UpgradeEvent: UpgradeComponent::Event,
        MarketListed: MarketListed,
        FillRecorded: FillRecorded,
        Liquidated: Liquidated,
        BadDebt: BadDebt,
        PriceBoundsSet: PriceBoundsSet,
    }

    #[derive(Drop, starknet::Event)]
    pub struct MarketListed {
        #[key]
        pub market: felt252,
        pub asset: ContractAddress,
        pub maintenance_rate: u256,
        pub initial_rate: u256,
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

    /// A shortfall: `amount` new bad debt, `covered` by insurance now, `outstanding` after.
    #[derive(Drop, starknet::Event)]
    pub struct BadDebt {
        #[key]
        pub asset: ContractAddress,
        pub amount: u256,
        pub covered: u256,
        pub outstanding: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct PriceBoundsSet {
        pub max_price_age: u64,
        pub max_deviation: u256,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress, vault: ContractAddress,
        oracle: ContractAddress) {
        self.access.initializer(owner);
        assert(!vault.is_zero() && !oracle.is_zero(), Errors::ZERO_ADDRESS);
        self.Exchange_vault.write(vault);
        self.Exchange_oracle.write(oracle);
        self.Exchange_max_price_age.write(DEFAULT_MAX_PRICE_AGE);
        self.Exchange_max_deviation.write(DEFAULT_MAX_DEVIATION);
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

        /// The oracle's price for `market`, refused when missing or older than allowed.
        fn fresh_mark(self: @ContractState, market: felt252) -> u256 {
            let oracle = IPriceOracleDispatcher { contract_address: self.Exchange_oracle.read() };
            let (price, updated_at) = oracle.price(market);
            assert(price != 0, Errors::NO_PRICE);
            let now = get_block_timestamp();
            assert(now <= updated_at || now - updated_at <= self.Exchange_max_price_age.read(),
                Errors::STALE_PRICE);
            price
        }

        /// Whether `balance + pnl < quantity * mark * rate` (rounded up), without leaving u256.
        fn below(self: @ContractState, position: Position, mark: u256, rate: u256,
            balance: u256) -> (bool, Signed) {
            let pnl = unwrap_or_panic(TradingMathImpl::try_pnl(position.quantity,
                position.entry_price, mark, position.is_long));
            let notional = FixedPointImpl::mul_div(position.quantity, mark, WAD, Rounding::Ceil);
            let required = FixedPointImpl::mul_div(notional, rate, WAD, Rounding::Ceil);
            let below = if pnl.neg {
                balance < checked::add(required, pnl.mag, Errors::OVERFLOW)
            } else {
                checked::add(balance, pnl.mag, Errors::OVERFLOW) < required
            };
            (below, pnl)
        }

        /// (liquidatable, unrealized pnl at the mark, user's balance, mark)
        fn health(self: @ContractState, user: ContractAddress, market: felt252)
            -> (bool, Signed, u256, u256) {
            let listed = self.listed(market);
            let position = self.Exchange_positions.read((user, market));
            assert(position.quantity != 0, Errors::NO_POSITION);
            let mark = self.fresh_mark(market);
            let balance = self.vault_dispatcher().balance_of(user, listed.asset);
            let (liquidatable, pnl) = self.below(position, mark, listed.maintenance_rate,
                balance);
            (liquidatable, pnl, balance, mark)
        }

        /// Cover `amount` of new bad debt from insurance; store the rest.
        fn absorb(ref self: ContractState, asset: ContractAddress, amount: u256) {
            let covered = self.vault_dispatcher().cover(asset, amount);
            let outstanding = checked::add(self.Exchange_bad_debt.read(asset), amount - covered,
                Errors::OVERFLOW);
            self.Exchange_bad_debt.write(asset, outstanding);
            self.emit(BadDebt { asset, amount, covered, outstanding });
        }

        fn track_open(ref self: ContractState, market: felt252, before: u256, after: u256) {
            if before == 0 && after != 0 {
                self.Exchange_open.write(market, self.Exchange_open.read(market) + 1);
            } else if before != 0 && after == 0 {
                self.Exchange_open.write(market, self.Exchange_open.read(market) - 1);
            }
        }
    }

    #[abi(embed_v0)]
    impl ExchangeImpl of super::IExchange<ContractState> {
        fn list_market(ref self: ContractState, market: felt252, asset: ContractAddress,
            maintenance_rate: u256, initial_rate: u256) {
            self.access.assert_only_owner();
            assert(!asset.is_zero(), Errors::ZERO_ADDRESS);
            assert(initial_rate < WAD, Errors::BAD_RATE);
            assert(maintenance_rate <= initial_rate, Errors::INITIAL_BELOW_MAINTENANCE);
            assert(self.Exchange_open.read(market) == 0, Errors::MARKET_HAS_POSITIONS);
            self.Exchange_markets.write(market,
                Market { asset, maintenance_rate, initial_rate, listed: true });
            self.emit(MarketListed { market, asset, maintenance_rate, initial_rate });
        }

        fn record_fill(ref self: ContractState, user: ContractAddress, market: felt252,
            is_buy: bool, quantity: u256, price: u256, fee: u256) -> Signed {
            self.access.assert_only_operator();
            assert(quantity != 0, Errors::ZERO_QUANTITY);
            assert(price != 0, Errors::ZERO_PRICE);
            let listed = self.listed(market);
            let mark = self.fresh_mark(market);
            let gap = if price > mark {
                price - mark
            } else {
                mark - price
            };
            let allowed = FixedPointImpl::mul_div(mark, self.Exchange_max_deviation.read(), WAD,
                Rounding::Floor);
            assert(gap <= allowed, Errors::OFF_MARK);
            let held = self.Exchange_positions.read((user, market));
            let grows = held.quantity == 0 || held.is_long == is_buy || quantity > held.quantity;
            if grows {
                self.pausable.assert_not_paused();
            }
            let mut realized = SignedImpl::zero();
            let next = if held.quantity == 0 || held.is_long == is_buy {
                let entry = unwrap_or_panic(try_average_entry(held.quantity, held.entry_price,
                    quantity, price, is_buy));
                Position { quantity: checked::add(held.quantity, quantity, Errors::OVERFLOW),
                    entry_price: entry, is_long: is_buy }
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
            self.track_open(market, held.quantity, next.quantity);
            let vault = self.vault_dispatcher();
            let balance = vault.balance_of(user, listed.asset);
            let mut settled = realized;
            let mut charged = fee;
            let mut shortfall = 0;
            if realized.neg && realized.mag > balance {
                shortfall = realized.mag - balance;
                settled = SignedImpl::negative(balance);
            }
            if !grows {
                // A pure reduction never reverts for want of funds: the fee takes what is left.
                let left = if realized.neg {
                    balance - settled.mag
                } else {
                    checked::add(balance, realized.mag, Errors::OVERFLOW)
                };
                if charged > left {
                    charged = left;
                }
            }
            if settled.mag != 0 || charged != 0 {
                vault.settle(user, listed.asset, settled, charged);
            }
            if shortfall != 0 {
                self.absorb(listed.asset, shortfall);
            }
            if grows {
                let equity = vault.balance_of(user, listed.asset);
                let (below, _) = self.below(next, mark, listed.initial_rate, equity);
                assert(!below, Errors::INITIAL_MARGIN);
            }
            self.emit(FillRecorded { user, market, is_buy, quantity, price, fee: charged,
                realized_pnl: settled, position: next });
            settled
        }

        fn liquidate(ref self: ContractState, user: ContractAddress, market: felt252) {
            self.access.assert_only_operator();
            let (liquidatable, pnl, balance, mark) = self.health(user, market);
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
            self.track_open(market, position.quantity, 0);
            if settled.mag != 0 {
                self.vault_dispatcher().settle(user, listed.asset, settled, 0);
            }
            if bad_debt != 0 {
                self.absorb(listed.asset, bad_debt);
            }
            self.emit(Liquidated { user, market, liquidator: get_caller_address(),
                quantity: position.quantity, mark_price: mark, realized_pnl: settled, bad_debt });
        }

        fn cover_bad_debt(ref self: ContractState, asset: ContractAddress) -> u256 {
            let outstanding = self.Exchange_bad_debt.read(asset);
            if outstanding == 0 {
                return 0;
            }
            let covered = self.vault_dispatcher().cover(asset, outstanding);
            self.Exchange_bad_debt.write(asset, outstanding - covered);
            self.emit(BadDebt { asset, amount: 0, covered, outstanding: outstanding - covered });
            covered
        }

        fn set_price_bounds(ref self: ContractState, max_price_age: u64, max_deviation: u256) {
            self.access.assert_only_owner();
            assert(max_price_age != 0 && max_price_age <= MAX_PRICE_AGE_LIMIT
                && max_deviation <= WAD, Errors::BAD_BOUNDS);
            self.Exchange_max_price_age.write(max_price_age);
            self.Exchange_max_deviation.write(max_deviation);
            self.emit(PriceBoundsSet { max_price_age, max_deviation });
        }

        fn is_liquidatable(self: @ContractState, user: ContractAddress, market: felt252) -> bool {
            let (liquidatable, _, _, _) = self.health(user, market);
            liquidatable
        }

        fn mark_price(self: @ContractState, market: felt252) -> u256 {
            self.fresh_mark(market)
        }

        fn position(self: @ContractState, user: ContractAddress, market: felt252) -> Position {
            self.Exchange_positions.read((user, market))
        }

        fn market(self: @ContractState, market: felt252) -> Market {
            self.Exchange_markets.read(market)
        }

        fn open_positions(self: @ContractState, market: felt252) -> u64 {
            self.Exchange_open.read(market)
        }

        fn bad_debt(self: @ContractState, asset: ContractAddress) -> u256 {
            self.Exchange_bad_debt.read(asset)
        }

        fn price_bounds(self: @ContractState) -> (u64, u256) {
            (self.Exchange_max_price_age.read(), self.Exchange_max_deviation.read())
        }

        fn vault(self: @ContractState) -> ContractAddress {
            self.Exchange_vault.read()
        }

        fn oracle(self: @ContractState) -> ContractAddress {
            self.Exchange_oracle.read()
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

    #[abi(embed_v0)]
    impl ExchangeUpgradeImpl of IUpgrade<ContractState> {
        fn propose_upgrade(ref self: ContractState, class_hash: ClassHash) {
            self.access.assert_only_owner();
            self.upgrade.propose(class_hash);
        }

        fn cancel_upgrade(ref self: ContractState) {
            self.access.assert_only_owner();
            self.upgrade.cancel();
        }

        fn execute_upgrade(ref self: ContractState) {
            self.access.assert_only_owner();
            self.upgrade.execute();
        }

        fn pending_upgrade(self: @ContractState) -> (ClassHash, u64) {
            self.upgrade.pending()
        }
    }
}
