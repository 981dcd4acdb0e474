//! `LendingPool`: token-backed supply, borrow, repay, withdraw and liquidation over per-asset
//! reserves with Aave-style ray indexes (`math::lending`), mirrored bit for bit by
//! `astratrade_core.defi.lending` (`update_reserve`, `account_health`, `liquidation_amounts`).
//!
//! * Each reserve keeps a liquidity index (linear growth at the supply rate) and a variable
//!   borrow index (Aave v3.0 compound growth at the borrow rate), both updated by block time
//!   before any action touches the reserve; the rates come from the kinked model at the
//!   utilization of the reserve as it stood since the last update (`debt = ray_mul(total scaled
//!   debt, borrow index)`, `available` = the cash the pool's own books say it holds; a token
//!   donation changes neither).
//! * Balances are scaled: supply mints `floor(amount / liquidity index)` and withdraw burns
//!   `ceil(amount / liquidity index)`; borrow mints `ceil(amount / borrow index)` and repay burns
//!   `floor(amount / borrow index)` (the whole scaled debt when the debt is repaid in full);
//!   balances read as `floor(scaled * liquidity index)` and `ceil(scaled * borrow index)`.
//!   Every rounding favours the pool.
//! * Oracle prices (wad per token unit, `IPriceOracle`) older than `max_price_age` or missing
//!   revert.  Values: collateral `floor(balance * price)`, debt `ceil(debt * price)`; borrowing
//!   capacity `sum floor(value * collateral factor)`, liquidation value `sum floor(value *
//!   liquidation threshold)`, health factor `floor(liquidation value / debt value)` in ray
//!   (u256 max without debt).
//! * `borrow` and `withdraw` revert unless, afterwards, the debt value is within the borrowing
//!   capacity (so the health factor stays >= 1); a withdrawal without any debt reads no price.
//! * `liquidate` only when the health factor is below 1: repays at most `ceil(debt * 50 %)` of
//!   one debt asset (close factor) and moves `floor(repaid * debt price / collateral price *
//!   (1 + bonus))` of the borrower's supply (capped at that supply) to the liquidator's supply.
//! * Checks-effects-interactions and a reentrancy guard on every entry point that calls a
//!   token; a token returning `false` reverts.  `supply` and `borrow` can be paused;
//!   `withdraw`, `repay` and `liquidate` cannot.  Reserves are listed once by the owner.

use astratrade::math::lending::RateModel;
use starknet::ContractAddress;

#[derive(Copy, Drop, Serde, starknet::Store, PartialEq)]
pub struct Reserve {
    pub liquidity_index: u256,
    pub borrow_index: u256,
    pub total_scaled_supply: u256,
    pub total_scaled_debt: u256,
    pub available: u256,
    pub last_update: u64,
}

#[derive(Copy, Drop, Serde, starknet::Store)]
pub struct ReserveConfig {
    pub listed: bool,
    /// The oracle key of the asset's price.
    pub market: felt252,
    pub base_rate: u256,
    pub slope1: u256,
    pub slope2: u256,
    pub optimal_utilization: u256,
    pub reserve_factor_bps: u256,
    pub collateral_factor_bps: u256,
    pub liquidation_threshold_bps: u256,
    pub liquidation_bonus_bps: u256,
}

#[starknet::interface]
pub trait ILendingPool<TState> {
    /// Take `amount` of `asset` (`transfer_from`) and credit the caller's scaled supply.
    fn supply(ref self: TState, asset: ContractAddress, amount: u256);
    /// Burn supply and pay `amount` (`transfer`); never paused.
    fn withdraw(ref self: TState, asset: ContractAddress, amount: u256);
    /// Borrow `amount` of `asset` against the caller's collateral.
    fn borrow(ref self: TState, asset: ContractAddress, amount: u256);
    /// Repay up to `amount` of the caller's debt (`transfer_from`); returns what was repaid.
    fn repay(ref self: TState, asset: ContractAddress, amount: u256) -> u256;
    /// Repay up to `amount` of `user`'s `debt_asset` debt and take `collateral_asset` supply;
    /// returns (repaid, seized).  Only below health factor 1; never paused.
    fn liquidate(ref self: TState, user: ContractAddress, debt_asset: ContractAddress,
        collateral_asset: ContractAddress, amount: u256) -> (u256, u256);
    /// Owner only, once per asset.
    fn list_reserve(ref self: TState, asset: ContractAddress, market: felt252, model: RateModel,
        collateral_factor_bps: u256, liquidation_threshold_bps: u256,
        liquidation_bonus_bps: u256);
    /// Owner only: the oldest acceptable price (1..=86400 seconds).
    fn set_max_price_age(ref self: TState, max_price_age: u64);
    fn pause(ref self: TState);
    fn unpause(ref self: TState);
    /// The reserve as stored (indexes as of its last update).
    fn reserve(self: @TState, asset: ContractAddress) -> Reserve;
    /// The reserve with its indexes grown to the current block time (not written).
    fn reserve_now(self: @TState, asset: ContractAddress) -> Reserve;
    fn reserve_config(self: @TState, asset: ContractAddress) -> ReserveConfig;
    fn reserve_count(self: @TState) -> u32;
    fn scaled_supply_of(self: @TState, user: ContractAddress, asset: ContractAddress) -> u256;
    fn scaled_debt_of(self: @TState, user: ContractAddress, asset: ContractAddress) -> u256;
    /// Current supply balance `floor(scaled * liquidity index)`.
    fn supply_balance_of(self: @TState, user: ContractAddress, asset: ContractAddress) -> u256;
    /// Current debt `ceil(scaled * borrow index)`.
    fn debt_of(self: @TState, user: ContractAddress, asset: ContractAddress) -> u256;
    /// (borrowing capacity, liquidation value, debt value) in wad at the oracle prices.
    fn account_data(self: @TState, user: ContractAddress) -> (u256, u256, u256);
    /// Ray; u256 max without debt.
    fn health_factor(self: @TState, user: ContractAddress) -> u256;
    fn oracle(self: @TState) -> ContractAddress;
    fn max_price_age(self: @TState) -> u64;
}

#[starknet::contract]
pub mod LendingPool {
    use astratrade::components::access::AccessComponent;
    use astratrade::components::erc20::{IERC20Dispatcher, IERC20DispatcherTrait};
    use astratrade::components::pausable::PausableComponent;
    use astratrade::components::reentrancy::ReentrancyGuardComponent;
    use astratrade::math::checked;
    use astratrade::math::fixed_point::{FixedPointImpl, RAY, Rounding, WAD, unwrap_or_panic};
    use astratrade::math::lending::{LendingMathImpl, RateModel, PERCENTAGE_FACTOR};
    use astratrade::oracle::{IPriceOracleDispatcher, IPriceOracleDispatcherTrait};
    use core::num::traits::Zero;
    use starknet::{ContractAddress, get_block_timestamp, get_caller_address,
        get_contract_address};
    use super::{Reserve, ReserveConfig};

    component!(path: AccessComponent, storage: access, event: AccessEvent);
    component!(path: PausableComponent, storage: pausable, event: PausableEvent);
    component!(path: ReentrancyGuardComponent, storage: guard, event: GuardEvent);

    #[abi(embed_v0)]
    impl AccessImpl = AccessComponent::AccessImpl<ContractState>;
    impl AccessInternalImpl = AccessComponent::InternalImpl<ContractState>;
    #[abi(embed_v0)]
    impl PausableImpl = PausableComponent::PausableImpl<ContractState>;
    impl PausableInternalImpl = PausableComponent::InternalImpl<ContractState>;
    impl GuardInternalImpl = ReentrancyGuardComponent::InternalImpl<ContractState>;

    pub const MAX_RESERVES: u32 = 8;
    pub const CLOSE_FACTOR_BPS: u256 = 5000;
    pub const DEFAULT_MAX_PRICE_AGE: u64 = 3600;
    pub const MAX_PRICE_AGE_LIMIT: u64 = 86400;
    const U256_MAX: u256 = 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff;

    pub mod Errors {
        pub const ZERO_AMOUNT: felt252 = 'lending: amount is zero';
        pub const ZERO_ADDRESS: felt252 = 'lending: zero address';
        pub const UNKNOWN_RESERVE: felt252 = 'lending: unknown reserve';
        pub const RESERVE_LISTED: felt252 = 'lending: reserve listed';
        pub const TOO_MANY_RESERVES: felt252 = 'lending: too many reserves';
        pub const BAD_RISK: felt252 = 'lending: bad risk params';
        pub const BAD_PRICE_AGE: felt252 = 'lending: bad price age';
        pub const AMOUNT_TOO_SMALL: felt252 = 'lending: amount too small';
        pub const INSUFFICIENT_SUPPLY: felt252 = 'lending: insufficient supply';
        pub const INSUFFICIENT_LIQUIDITY: felt252 = 'lending: insufficient liquidity';
        pub const UNDERCOLLATERALIZED: felt252 = 'lending: undercollateralized';
        pub const HEALTHY: felt252 = 'lending: account healthy';
        pub const NO_DEBT: felt252 = 'lending: no debt';
        pub const NO_COLLATERAL: felt252 = 'lending: no collateral';
        pub const SELF_LIQUIDATION: felt252 = 'lending: self liquidation';
        pub const NO_PRICE: felt252 = 'lending: no oracle price';
        pub const STALE_PRICE: felt252 = 'lending: stale price';
        pub const TRANSFER_FAILED: felt252 = 'lending: token transfer failed';
        pub const OVERFLOW: felt252 = 'lending: balance overflow';
    }

    #[storage]
    struct Storage {
        #[substorage(v0)]
        access: AccessComponent::Storage,
        #[substorage(v0)]
        pausable: PausableComponent::Storage,
        #[substorage(v0)]
        guard: ReentrancyGuardComponent::Storage,
        Lending_oracle: ContractAddress,
        Lending_max_price_age: u64,
        Lending_configs: LegacyMap<ContractAddress, ReserveConfig>,
        Lending_reserves: LegacyMap<ContractAddress, Reserve>,
        Lending_list: LegacyMap<u32, ContractAddress>,
        Lending_count: u32,
        Lending_supply: LegacyMap<(ContractAddress, ContractAddress), u256>,
        Lending_debt: LegacyMap<(ContractAddress, ContractAddress), u256>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        #[flat]
        AccessEvent: AccessComponent::Event,
        #[flat]
        PausableEvent: PausableComponent::Event,
        #[flat]
        GuardEvent: ReentrancyGuardComponent::Event,
        Supplied: Supplied,
        Withdrawn: Withdrawn,
        Borrowed: Borrowed,
        Repaid: Repaid,
        Liquidated: Liquidated,
        ReserveListed: ReserveListed,
        MaxPriceAgeSet: MaxPriceAgeSet,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Supplied {
        #[key]
        pub user: ContractAddress,
        #[key]
        pub asset: ContractAddress,
        pub amount: u256,
        pub scaled: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Withdrawn {
        #[key]
        pub user: ContractAddress,
        #[key]
        pub asset: ContractAddress,
        pub amount: u256,
        pub scaled: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Borrowed {
        #[key]
        pub user: ContractAddress,
        #[key]
        pub asset: ContractAddress,
        pub amount: u256,
        pub scaled: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Repaid {
        #[key]
        pub user: ContractAddress,
        #[key]
        pub asset: ContractAddress,
        pub payer: ContractAddress,
        pub amount: u256,
        pub scaled: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Liquidated {
        #[key]
        pub user: ContractAddress,
        #[key]
        pub liquidator: ContractAddress,
        pub debt_asset: ContractAddress,
        pub collateral_asset: ContractAddress,
        pub repaid: u256,
        pub seized: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct ReserveListed {
        #[key]
        pub asset: ContractAddress,
        pub market: felt252,
        pub collateral_factor_bps: u256,
        pub liquidation_threshold_bps: u256,
        pub liquidation_bonus_bps: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct MaxPriceAgeSet {
        pub max_price_age: u64,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress, oracle: ContractAddress) {
        self.access.initializer(owner);
        assert(!oracle.is_zero(), Errors::ZERO_ADDRESS);
        self.Lending_oracle.write(oracle);
        self.Lending_max_price_age.write(DEFAULT_MAX_PRICE_AGE);
    }

    fn model_of(config: ReserveConfig) -> RateModel {
        RateModel {
            base_rate: config.base_rate, slope1: config.slope1, slope2: config.slope2,
            optimal_utilization: config.optimal_utilization,
            reserve_factor_bps: config.reserve_factor_bps,
        }
    }

    fn mul_div(a: u256, b: u256, d: u256, rounding: Rounding) -> u256 {
        unwrap_or_panic(FixedPointImpl::try_mul_div(a, b, d, rounding))
    }

    fn min(a: u256, b: u256) -> u256 {
        if a < b {
            a
        } else {
            b
        }
    }

    /// `astratrade_core.defi.lending.update_reserve`: grow both indexes from `last_update` to
    /// `now` at the rates of the reserve as it stood.
    fn grown(reserve: Reserve, config: ReserveConfig, now: u64) -> Reserve {
        if now <= reserve.last_update {
            return reserve;
        }
        let seconds: u256 = (now - reserve.last_update).into();
        let model = model_of(config);
        let debt = mul_div(reserve.total_scaled_debt, reserve.borrow_index, RAY,
            Rounding::HalfUp);
        let utilization = unwrap_or_panic(LendingMathImpl::try_utilization(debt,
            reserve.available));
        let borrow_rate = unwrap_or_panic(LendingMathImpl::try_borrow_rate(model, utilization));
        let supply_rate = unwrap_or_panic(LendingMathImpl::try_supply_rate(model, utilization));
        let linear = unwrap_or_panic(LendingMathImpl::try_linear_interest(supply_rate, seconds));
        let compound = unwrap_or_panic(LendingMathImpl::try_compound_interest(borrow_rate,
            seconds));
        Reserve {
            liquidity_index: mul_div(reserve.liquidity_index, linear, RAY, Rounding::HalfUp),
            borrow_index: mul_div(reserve.borrow_index, compound, RAY, Rounding::HalfUp),
            last_update: now,
            ..reserve
        }
    }

    #[generate_trait]
    impl PoolImpl of PoolTrait {
        fn config(self: @ContractState, asset: ContractAddress) -> ReserveConfig {
            let config = self.Lending_configs.read(asset);
            assert(config.listed, Errors::UNKNOWN_RESERVE);
            config
        }

        fn current(self: @ContractState, asset: ContractAddress) -> Reserve {
            let config = self.config(asset);
            grown(self.Lending_reserves.read(asset), config, get_block_timestamp())
        }

        /// Grow the reserve's indexes to now and store them; returns the reserve.
        fn refresh(ref self: ContractState, asset: ContractAddress) -> Reserve {
            let reserve = self.current(asset);
            self.Lending_reserves.write(asset, reserve);
            reserve
        }

        fn fresh_price(self: @ContractState, market: felt252) -> u256 {
            let oracle = IPriceOracleDispatcher { contract_address: self.Lending_oracle.read() };
            let (price, updated_at) = oracle.price(market);
            assert(price != 0, Errors::NO_PRICE);
            let now = get_block_timestamp();
            assert(now <= updated_at || now - updated_at <= self.Lending_max_price_age.read(),
                Errors::STALE_PRICE);
            price
        }

        fn has_debt(self: @ContractState, user: ContractAddress) -> bool {
            let count = self.Lending_count.read();
            let mut i: u32 = 0;
            let mut found = false;
            while i < count {
                if self.Lending_debt.read((user, self.Lending_list.read(i))) != 0 {
                    found = true;
                    break;
                }
                i += 1;
            };
            found
        }

        /// `astratrade_core.defi.lending.account_health`'s (capacity, liquidation value, debt
        /// value), at the current indexes and oracle prices.
        fn account(self: @ContractState, user: ContractAddress) -> (u256, u256, u256) {
            let count = self.Lending_count.read();
            let mut capacity: u256 = 0;
            let mut threshold: u256 = 0;
            let mut debt_value: u256 = 0;
            let mut i: u32 = 0;
            while i < count {
                let asset = self.Lending_list.read(i);
                let scaled_supply = self.Lending_supply.read((user, asset));
                let scaled_debt = self.Lending_debt.read((user, asset));
                if scaled_supply != 0 || scaled_debt != 0 {
                    let config = self.Lending_configs.read(asset);
                    let reserve = grown(self.Lending_reserves.read(asset), config,
                        get_block_timestamp());
                    let price = self.fresh_price(config.market);
                    if scaled_supply != 0 {
                        let balance = mul_div(scaled_supply, reserve.liquidity_index, RAY,
                            Rounding::Floor);
                        let value = mul_div(balance, price, WAD, Rounding::Floor);
                        capacity = checked::add(capacity, mul_div(value,
                            config.collateral_factor_bps, PERCENTAGE_FACTOR, Rounding::Floor),
                            Errors::OVERFLOW);
                        threshold = checked::add(threshold, mul_div(value,
                            config.liquidation_threshold_bps, PERCENTAGE_FACTOR,
                            Rounding::Floor), Errors::OVERFLOW);
                    }
                    if scaled_debt != 0 {
                        let debt = mul_div(scaled_debt, reserve.borrow_index, RAY,
                            Rounding::Ceil);
                        debt_value = checked::add(debt_value, mul_div(debt, price, WAD,
                            Rounding::Ceil), Errors::OVERFLOW);
                    }
                }
                i += 1;
            };
            (capacity, threshold, debt_value)
        }

        fn assert_collateralized(self: @ContractState, user: ContractAddress) {
            if !self.has_debt(user) {
                return;
            }
            let (capacity, _, debt_value) = self.account(user);
            assert(debt_value <= capacity, Errors::UNDERCOLLATERALIZED);
        }

        fn take(ref self: ContractState, asset: ContractAddress, from: ContractAddress,
            amount: u256) {
            let paid = IERC20Dispatcher { contract_address: asset }
                .transfer_from(from, get_contract_address(), amount);
            assert(paid, Errors::TRANSFER_FAILED);
        }

        fn pay(ref self: ContractState, asset: ContractAddress, to: ContractAddress,
            amount: u256) {
            let paid = IERC20Dispatcher { contract_address: asset }.transfer(to, amount);
            assert(paid, Errors::TRANSFER_FAILED);
        }
    }

    #[abi(embed_v0)]
    impl LendingPoolImpl of super::ILendingPool<ContractState> {
        fn supply(ref self: ContractState, asset: ContractAddress, amount: u256) {
            self.pausable.assert_not_paused();
            assert(amount != 0, Errors::ZERO_AMOUNT);
            self.guard.start();
            let user = get_caller_address();
            let reserve = self.refresh(asset);
            let scaled = mul_div(amount, RAY, reserve.liquidity_index, Rounding::Floor);
            assert(scaled != 0, Errors::AMOUNT_TOO_SMALL);
            self.Lending_supply.write((user, asset), checked::add(
                self.Lending_supply.read((user, asset)), scaled, Errors::OVERFLOW));
            self.Lending_reserves.write(asset, Reserve {
                total_scaled_supply: checked::add(reserve.total_scaled_supply, scaled,
                    Errors::OVERFLOW),
                available: checked::add(reserve.available, amount, Errors::OVERFLOW),
                ..reserve
            });
            self.emit(Supplied { user, asset, amount, scaled });
            self.take(asset, user, amount);
            self.guard.end();
        }

        fn withdraw(ref self: ContractState, asset: ContractAddress, amount: u256) {
            assert(amount != 0, Errors::ZERO_AMOUNT);
            self.guard.start();
            let user = get_caller_address();
            let reserve = self.refresh(asset);
            let scaled = mul_div(amount, RAY, reserve.liquidity_index, Rounding::Ceil);
            self.Lending_supply.write((user, asset), checked::sub(
                self.Lending_supply.read((user, asset)), scaled, Errors::INSUFFICIENT_SUPPLY));
            self.Lending_reserves.write(asset, Reserve {
                // The total is the sum of the scaled balances, so it covers any one of them.
                total_scaled_supply: reserve.total_scaled_supply - scaled,
                available: checked::sub(reserve.available, amount,
                    Errors::INSUFFICIENT_LIQUIDITY),
                ..reserve
            });
            self.assert_collateralized(user);
            self.emit(Withdrawn { user, asset, amount, scaled });
            self.pay(asset, user, amount);
            self.guard.end();
        }

        fn borrow(ref self: ContractState, asset: ContractAddress, amount: u256) {
            self.pausable.assert_not_paused();
            assert(amount != 0, Errors::ZERO_AMOUNT);
            self.guard.start();
            let user = get_caller_address();
            let reserve = self.refresh(asset);
            let scaled = mul_div(amount, RAY, reserve.borrow_index, Rounding::Ceil);
            self.Lending_debt.write((user, asset), checked::add(
                self.Lending_debt.read((user, asset)), scaled, Errors::OVERFLOW));
            self.Lending_reserves.write(asset, Reserve {
                total_scaled_debt: checked::add(reserve.total_scaled_debt, scaled,
                    Errors::OVERFLOW),
                available: checked::sub(reserve.available, amount,
                    Errors::INSUFFICIENT_LIQUIDITY),
                ..reserve
            });
            self.assert_collateralized(user);
            self.emit(Borrowed { user, asset, amount, scaled });
            self.pay(asset, user, amount);
            self.guard.end();
        }

        fn repay(ref self: ContractState, asset: ContractAddress, amount: u256) -> u256 {
            assert(amount != 0, Errors::ZERO_AMOUNT);
            self.guard.start();
            let user = get_caller_address();
            let reserve = self.refresh(asset);
            let scaled_debt = self.Lending_debt.read((user, asset));
            assert(scaled_debt != 0, Errors::NO_DEBT);
            let debt = mul_div(scaled_debt, reserve.borrow_index, RAY, Rounding::Ceil);
            let paid = min(amount, debt);
            let scaled = if paid == debt {
                scaled_debt
            } else {
                mul_div(paid, RAY, reserve.borrow_index, Rounding::Floor)
            };
            self.Lending_debt.write((user, asset), scaled_debt - scaled);
            self.Lending_reserves.write(asset, Reserve {
                total_scaled_debt: reserve.total_scaled_debt - scaled,
                available: checked::add(reserve.available, paid, Errors::OVERFLOW),
                ..reserve
            });
            self.emit(Repaid { user, asset, payer: user, amount: paid, scaled });
            self.take(asset, user, paid);
            self.guard.end();
            paid
        }

        fn liquidate(ref self: ContractState, user: ContractAddress,
            debt_asset: ContractAddress, collateral_asset: ContractAddress, amount: u256
        ) -> (u256, u256) {
            assert(amount != 0, Errors::ZERO_AMOUNT);
            let liquidator = get_caller_address();
            assert(!user.is_zero(), Errors::ZERO_ADDRESS);
            assert(user != liquidator, Errors::SELF_LIQUIDATION);
            self.guard.start();
            let debt_reserve = self.refresh(debt_asset);
            let collateral_reserve = self.refresh(collateral_asset);
            let (_, threshold, debt_value) = self.account(user);
            assert(threshold < debt_value, Errors::HEALTHY);
            let scaled_debt = self.Lending_debt.read((user, debt_asset));
            assert(scaled_debt != 0, Errors::NO_DEBT);
            let scaled_collateral = self.Lending_supply.read((user, collateral_asset));
            assert(scaled_collateral != 0, Errors::NO_COLLATERAL);
            let debt_config = self.Lending_configs.read(debt_asset);
            let collateral_config = self.Lending_configs.read(collateral_asset);
            let debt = mul_div(scaled_debt, debt_reserve.borrow_index, RAY, Rounding::Ceil);
            let collateral = mul_div(scaled_collateral, collateral_reserve.liquidity_index, RAY,
                Rounding::Floor);
            let (repaid, seized) = liquidation_amounts(debt, collateral,
                self.fresh_price(debt_config.market), self.fresh_price(collateral_config.market),
                collateral_config.liquidation_bonus_bps, amount);
            let burned = if repaid == debt {
                scaled_debt
            } else {
                mul_div(repaid, RAY, debt_reserve.borrow_index, Rounding::Floor)
            };
            let moved = if seized == collateral {
                scaled_collateral
            } else {
                mul_div(seized, RAY, collateral_reserve.liquidity_index, Rounding::Ceil)
            };
            self.Lending_debt.write((user, debt_asset), scaled_debt - burned);
            // Read again: the debt and collateral reserves may be the same asset.
            let reserve = self.Lending_reserves.read(debt_asset);
            self.Lending_reserves.write(debt_asset, Reserve {
                total_scaled_debt: reserve.total_scaled_debt - burned,
                available: checked::add(reserve.available, repaid, Errors::OVERFLOW),
                ..reserve
            });
            self.Lending_supply.write((user, collateral_asset), scaled_collateral - moved);
            self.Lending_supply.write((liquidator, collateral_asset), checked::add(
                self.Lending_supply.read((liquidator, collateral_asset)), moved,
                Errors::OVERFLOW));
            self.emit(Liquidated { user, liquidator, debt_asset, collateral_asset, repaid,
                seized });
            self.take(debt_asset, liquidator, repaid);
            self.guard.end();
            (repaid, seized)
        }

        fn list_reserve(ref self: ContractState, asset: ContractAddress, market: felt252,
            model: RateModel, collateral_factor_bps: u256, liquidation_threshold_bps: u256,
            liquidation_bonus_bps: u256) {
            self.access.assert_only_owner();
            assert(!asset.is_zero(), Errors::ZERO_ADDRESS);
            assert(!self.Lending_configs.read(asset).listed, Errors::RESERVE_LISTED);
            let count = self.Lending_count.read();
            assert(count < MAX_RESERVES, Errors::TOO_MANY_RESERVES);
            unwrap_or_panic(LendingMathImpl::check_model(model));
            // cf <= lt <= 100 %, and seizing lt * (1 + bonus) <= 100 % of the collateral.
            assert(collateral_factor_bps <= liquidation_threshold_bps
                && liquidation_threshold_bps <= PERCENTAGE_FACTOR
                && liquidation_bonus_bps <= PERCENTAGE_FACTOR, Errors::BAD_RISK);
            assert(liquidation_threshold_bps * (PERCENTAGE_FACTOR + liquidation_bonus_bps)
                <= PERCENTAGE_FACTOR * PERCENTAGE_FACTOR, Errors::BAD_RISK);
            self.Lending_configs.write(asset, ReserveConfig {
                listed: true, market, base_rate: model.base_rate, slope1: model.slope1,
                slope2: model.slope2, optimal_utilization: model.optimal_utilization,
                reserve_factor_bps: model.reserve_factor_bps, collateral_factor_bps,
                liquidation_threshold_bps, liquidation_bonus_bps,
            });
            self.Lending_reserves.write(asset, Reserve {
                liquidity_index: RAY, borrow_index: RAY, total_scaled_supply: 0,
                total_scaled_debt: 0, available: 0, last_update: get_block_timestamp(),
            });
            self.Lending_list.write(count, asset);
            self.Lending_count.write(count + 1);
            self.emit(ReserveListed { asset, market, collateral_factor_bps,
                liquidation_threshold_bps, liquidation_bonus_bps });
        }

        fn set_max_price_age(ref self: ContractState, max_price_age: u64) {
            self.access.assert_only_owner();
            assert(max_price_age != 0 && max_price_age <= MAX_PRICE_AGE_LIMIT,
                Errors::BAD_PRICE_AGE);
            self.Lending_max_price_age.write(max_price_age);
            self.emit(MaxPriceAgeSet { max_price_age });
        }

        fn pause(ref self: ContractState) {
            self.access.assert_only_owner();
            self.pausable.pause();
        }

        fn unpause(ref self: ContractState) {
            self.access.assert_only_owner();
            self.pausable.unpause();
        }

        fn reserve(self: @ContractState, asset: ContractAddress) -> Reserve {
            self.config(asset);
            self.Lending_reserves.read(asset)
        }

        fn reserve_now(self: @ContractState, asset: ContractAddress) -> Reserve {
            self.current(asset)
        }

        fn reserve_config(self: @ContractState, asset: ContractAddress) -> ReserveConfig {
            self.Lending_configs.read(asset)
        }

        fn reserve_count(self: @ContractState) -> u32 {
            self.Lending_count.read()
        }

        fn scaled_supply_of(self: @ContractState, user: ContractAddress,
            asset: ContractAddress) -> u256 {
            self.Lending_supply.read((user, asset))
        }

        fn scaled_debt_of(self: @ContractState, user: ContractAddress,
            asset: ContractAddress) -> u256 {
            self.Lending_debt.read((user, asset))
        }

        fn supply_balance_of(self: @ContractState, user: ContractAddress,
            asset: ContractAddress) -> u256 {
            let reserve = self.current(asset);
            mul_div(self.Lending_supply.read((user, asset)), reserve.liquidity_index, RAY,
                Rounding::Floor)
        }

        fn debt_of(self: @ContractState, user: ContractAddress, asset: ContractAddress) -> u256 {
            let reserve = self.current(asset);
            mul_div(self.Lending_debt.read((user, asset)), reserve.borrow_index, RAY,
                Rounding::Ceil)
        }

        fn account_data(self: @ContractState, user: ContractAddress) -> (u256, u256, u256) {
            self.account(user)
        }

        fn health_factor(self: @ContractState, user: ContractAddress) -> u256 {
            let (_, threshold, debt_value) = self.account(user);
            health(threshold, debt_value)
        }

        fn oracle(self: @ContractState) -> ContractAddress {
            self.Lending_oracle.read()
        }

        fn max_price_age(self: @ContractState) -> u64 {
            self.Lending_max_price_age.read()
        }
    }

    /// `floor(threshold / debt)` in ray, u256 max without debt or beyond u256.
    fn health(threshold: u256, debt_value: u256) -> u256 {
        if debt_value == 0 {
            return U256_MAX;
        }
        match FixedPointImpl::try_mul_div(threshold, RAY, debt_value, Rounding::Floor) {
            Result::Ok(value) => value,
            Result::Err(_) => U256_MAX,
        }
    }

    /// `astratrade_core.defi.lending.liquidation_amounts`: (repaid, seized).
    fn liquidation_amounts(debt: u256, collateral: u256, debt_price: u256,
        collateral_price: u256, bonus_bps: u256, requested: u256) -> (u256, u256) {
        let max_repay = mul_div(debt, CLOSE_FACTOR_BPS, PERCENTAGE_FACTOR, Rounding::Ceil);
        let repay = min(requested, max_repay);
        let bonus = PERCENTAGE_FACTOR + bonus_bps;
        let seize = mul_div(mul_div(repay, debt_price, collateral_price, Rounding::Floor), bonus,
            PERCENTAGE_FACTOR, Rounding::Floor);
        if seize <= collateral {
            return (repay, seize);
        }
        let fair = mul_div(mul_div(collateral, PERCENTAGE_FACTOR, bonus, Rounding::Ceil),
            collateral_price, debt_price, Rounding::Ceil);
        (min(fair, repay), collateral)
    }
}
