//! Test-only harness: runs many cases of the `Result`-returning math in one call, so the
//! differential tests can push thousands of Hypothesis cases through the VM (one VM call costs
//! tens of milliseconds; one case inside a batch costs well under one).  Each outcome is
//! `(ok, value, error)`.  Not part of the product: `FixedPointMath` is the public face, and the
//! tests also call it case by case.

use astratrade::math::fixed_point::Rounding;
use astratrade::math::lending::RateModel;
use astratrade::math::signed::Signed;

/// One lending case: `op` 0 utilization(a = debt, b = available), 1 borrow rate(model,
/// a = utilization), 2 supply rate(model, a), 3 linear interest(a = rate, b = seconds),
/// 4 compound interest(a, b).
#[derive(Copy, Drop, Serde)]
pub struct LendingCase {
    pub op: u8,
    pub a: u256,
    pub b: u256,
    pub model: RateModel,
}

#[derive(Copy, Drop, Serde)]
pub struct MulDivCase {
    pub a: u256,
    pub b: u256,
    pub d: u256,
    pub rounding: Rounding,
}

/// `op`: 0 wad_mul, 1 wad_div, 2 ray_mul, 3 ray_div.
#[derive(Copy, Drop, Serde)]
pub struct ScaledCase {
    pub op: u8,
    pub a: u256,
    pub b: u256,
    pub rounding: Rounding,
}

#[derive(Copy, Drop, Serde)]
pub struct PnlCase {
    pub quantity: u256,
    pub entry_price: u256,
    pub current_price: u256,
    pub is_long: bool,
}

#[derive(Copy, Drop, Serde)]
pub struct LiquidationCase {
    pub quantity: u256,
    pub entry_price: u256,
    pub margin: u256,
    pub maintenance_rate: u256,
    pub maintenance_amount: u256,
    pub is_long: bool,
}

#[derive(Drop, Serde)]
pub struct AllocationCase {
    pub total: u256,
    pub weights: Array<u256>,
}

/// One staking operation: kind 0 stake, 1 unstake, 2 claim, 3 notify (account ignored).
#[derive(Copy, Drop, Serde)]
pub struct StakeOp {
    pub kind: u8,
    pub account: u32,
    pub amount: u256,
}

/// `op` of an inverse value case: 0 notional (with `rounding`), 1 fee (`rate`).
#[derive(Copy, Drop, Serde)]
pub struct InverseValueCase {
    pub op: u8,
    pub contracts: u256,
    pub contract_size: u256,
    pub price: u256,
    pub rate: u256,
    pub rounding: Rounding,
}

#[derive(Copy, Drop, Serde)]
pub struct InversePnlCase {
    pub contracts: u256,
    pub contract_size: u256,
    pub entry_price: u256,
    pub exit_price: u256,
    pub is_long: bool,
}

#[derive(Copy, Drop, Serde)]
pub struct InverseEntryCase {
    pub contracts: u256,
    pub entry_price: u256,
    pub added: u256,
    pub price: u256,
    pub is_long: bool,
}

#[derive(Copy, Drop, Serde)]
pub struct InverseLiquidationCase {
    pub contracts: u256,
    pub contract_size: u256,
    pub entry_price: u256,
    pub margin: u256,
    pub maintenance_rate: u256,
    pub maintenance_amount: u256,
    pub is_long: bool,
}

#[derive(Copy, Drop, Serde)]
pub struct Outcome {
    pub ok: bool,
    pub value: u256,
    pub error: felt252,
}

#[derive(Copy, Drop, Serde)]
pub struct SignedOutcome {
    pub ok: bool,
    pub value: Signed,
    pub error: felt252,
}

#[derive(Drop, Serde)]
pub struct ArrayOutcome {
    pub ok: bool,
    pub value: Array<u256>,
    pub error: felt252,
}

#[starknet::interface]
pub trait IMathHarness<TState> {
    fn mul_div_batch(self: @TState, cases: Array<MulDivCase>) -> Array<Outcome>;
    fn scaled_batch(self: @TState, cases: Array<ScaledCase>) -> Array<Outcome>;
    fn pnl_batch(self: @TState, cases: Array<PnlCase>) -> Array<SignedOutcome>;
    fn position_size_batch(self: @TState, cases: Array<MulDivCase>) -> Array<Outcome>;
    fn liquidation_price_batch(self: @TState, cases: Array<LiquidationCase>) -> Array<Outcome>;
    fn allocate_batch(self: @TState, cases: Array<AllocationCase>) -> Array<ArrayOutcome>;
    /// Replays `ops` on a fresh pool of `accounts` accounts; returns each op's outcome (a
    /// claim's value is the amount paid) followed by one outcome per account holding its
    /// final pending reward.
    fn staking_run(self: @TState, accounts: u32, ops: Array<StakeOp>) -> Array<Outcome>;
    fn inverse_pnl_batch(self: @TState, cases: Array<InversePnlCase>) -> Array<SignedOutcome>;
    fn inverse_value_batch(self: @TState, cases: Array<InverseValueCase>) -> Array<Outcome>;
    fn inverse_entry_batch(self: @TState, cases: Array<InverseEntryCase>) -> Array<Outcome>;
    fn inverse_liquidation_batch(self: @TState, cases: Array<InverseLiquidationCase>)
        -> Array<Outcome>;
    fn lending_batch(self: @TState, cases: Array<LendingCase>) -> Array<Outcome>;
}

pub fn outcome(result: Result<u256, felt252>) -> Outcome {
    match result {
        Result::Ok(value) => Outcome { ok: true, value, error: 0 },
        Result::Err(error) => Outcome { ok: false, value: 0, error },
    }
}

/// `values` with element `index` replaced by `value`.
fn replaced(values: @Array<u256>, index: u32, value: u256) -> Array<u256> {
    let mut out = ArrayTrait::new();
    let mut i = 0;
    loop {
        if i == values.len() {
            break;
        }
        out.append(if i == index {
            value
        } else {
            *values.at(i)
        });
        i += 1;
    };
    out
}

#[starknet::contract]
pub mod MathHarness {
    use astratrade::math::accumulator::{AccumulatorImpl, PoolState};
    use astratrade::math::allocation::AllocationImpl;
    use astratrade::math::fixed_point::{FixedPointImpl, Errors};
    use astratrade::math::inverse::InverseMathImpl;
    use astratrade::math::lending::LendingMathImpl;
    use super::LendingCase;
    use astratrade::math::signed::SignedImpl;
    use astratrade::math::trading::TradingMathImpl;
    use super::{
        AllocationCase, ArrayOutcome, LiquidationCase, MulDivCase, Outcome, PnlCase, ScaledCase,
        SignedOutcome, StakeOp, outcome, replaced
    };
    use super::{InverseEntryCase, InverseLiquidationCase, InversePnlCase, InverseValueCase};

    #[storage]
    struct Storage {}

    #[abi(embed_v0)]
    impl MathHarnessImpl of super::IMathHarness<ContractState> {
        fn mul_div_batch(self: @ContractState, cases: Array<MulDivCase>) -> Array<Outcome> {
            let mut out = ArrayTrait::new();
            let mut cases = cases.span();
            loop {
                match cases.pop_front() {
                    Option::Some(case) => {
                        let c = *case;
                        out.append(outcome(FixedPointImpl::try_mul_div(c.a, c.b, c.d, c.rounding)));
                    },
                    Option::None => { break; },
                };
            };
            out
        }

        fn scaled_batch(self: @ContractState, cases: Array<ScaledCase>) -> Array<Outcome> {
            let mut out = ArrayTrait::new();
            let mut cases = cases.span();
            loop {
                match cases.pop_front() {
                    Option::Some(case) => {
                        let c = *case;
                        let result = if c.op == 0 {
                            FixedPointImpl::try_wad_mul(c.a, c.b, c.rounding)
                        } else if c.op == 1 {
                            FixedPointImpl::try_wad_div(c.a, c.b, c.rounding)
                        } else if c.op == 2 {
                            FixedPointImpl::try_ray_mul(c.a, c.b, c.rounding)
                        } else {
                            FixedPointImpl::try_ray_div(c.a, c.b, c.rounding)
                        };
                        out.append(outcome(result));
                    },
                    Option::None => { break; },
                };
            };
            out
        }

        fn pnl_batch(self: @ContractState, cases: Array<PnlCase>) -> Array<SignedOutcome> {
            let mut out = ArrayTrait::new();
            let mut cases = cases.span();
            loop {
                match cases.pop_front() {
                    Option::Some(case) => {
                        let c = *case;
                        out.append(match TradingMathImpl::try_pnl(c.quantity, c.entry_price,
                            c.current_price, c.is_long) {
                            Result::Ok(value) => SignedOutcome { ok: true, value, error: 0 },
                            Result::Err(error) => SignedOutcome {
                                ok: false, value: SignedImpl::zero(), error
                            },
                        });
                    },
                    Option::None => { break; },
                };
            };
            out
        }

        fn position_size_batch(self: @ContractState, cases: Array<MulDivCase>) -> Array<Outcome> {
            let mut out = ArrayTrait::new();
            let mut cases = cases.span();
            loop {
                match cases.pop_front() {
                    Option::Some(case) => {
                        let c = *case;
                        out.append(outcome(TradingMathImpl::try_position_size(c.a, c.b, c.d)));
                    },
                    Option::None => { break; },
                };
            };
            out
        }

        fn liquidation_price_batch(self: @ContractState, cases: Array<LiquidationCase>)
            -> Array<Outcome> {
            let mut out = ArrayTrait::new();
            let mut cases = cases.span();
            loop {
                match cases.pop_front() {
                    Option::Some(case) => {
                        let c = *case;
                        out.append(outcome(TradingMathImpl::try_liquidation_price(c.quantity,
                            c.entry_price, c.margin, c.maintenance_rate, c.maintenance_amount,
                            c.is_long)));
                    },
                    Option::None => { break; },
                };
            };
            out
        }

        fn allocate_batch(self: @ContractState, cases: Array<AllocationCase>)
            -> Array<ArrayOutcome> {
            let mut out = ArrayTrait::new();
            let mut cases = cases.span();
            loop {
                match cases.pop_front() {
                    Option::Some(case) => {
                        out.append(match AllocationImpl::try_allocate(*case.total,
                            case.weights.span()) {
                            Result::Ok(value) => ArrayOutcome { ok: true, value, error: 0 },
                            Result::Err(error) => ArrayOutcome {
                                ok: false, value: ArrayTrait::new(), error
                            },
                        });
                    },
                    Option::None => { break; },
                };
            };
            out
        }

        fn staking_run(self: @ContractState, accounts: u32, ops: Array<StakeOp>) -> Array<Outcome> {
            let mut staked: Array<u256> = ArrayTrait::new();
            let mut paid: Array<u256> = ArrayTrait::new();
            let mut owed: Array<u256> = ArrayTrait::new();
            let mut i = 0;
            loop {
                if i == accounts {
                    break;
                }
                staked.append(0);
                paid.append(0);
                owed.append(0);
                i += 1;
            };
            let mut pool = PoolState { total_staked: 0, reward_index: 0, carry_wad: 0 };
            let mut out = ArrayTrait::new();
            let mut ops = ops.span();
            loop {
                let op = match ops.pop_front() {
                    Option::Some(op) => *op,
                    Option::None => { break; },
                };
                if op.kind == 3 {
                    match AccumulatorImpl::try_notify(pool, op.amount) {
                        Result::Ok(next) => {
                            pool = next;
                            out.append(outcome(Result::Ok(0)));
                        },
                        Result::Err(error) => { out.append(outcome(Result::Err(error))); },
                    };
                    continue;
                }
                let a = op.account;
                let mine = *staked.at(a);
                if op.kind == 1 && op.amount > mine {
                    out.append(outcome(Result::Err('staking: insufficient stake')));
                    continue;
                }
                if op.kind == 0 {
                    let (_, overflow) = core::integer::u256_overflowing_add(pool.total_staked,
                        op.amount);
                    if overflow {
                        out.append(outcome(Result::Err(Errors::OVERFLOW)));
                        continue;
                    }
                }
                let earned = AccumulatorImpl::try_earned(mine, pool.reward_index, *paid.at(a));
                if earned.is_err() {
                    out.append(outcome(earned));
                    continue;
                }
                let earned = earned.unwrap();
                let settled_owed = *owed.at(a) + earned;
                paid = replaced(@paid, a, pool.reward_index);
                if op.kind == 0 {
                    staked = replaced(@staked, a, mine + op.amount);
                    pool = PoolState {
                        total_staked: pool.total_staked + op.amount,
                        reward_index: pool.reward_index,
                        carry_wad: pool.carry_wad
                    };
                    owed = replaced(@owed, a, settled_owed);
                    out.append(outcome(Result::Ok(0)));
                } else if op.kind == 1 {
                    staked = replaced(@staked, a, mine - op.amount);
                    pool = PoolState {
                        total_staked: pool.total_staked - op.amount,
                        reward_index: pool.reward_index,
                        carry_wad: pool.carry_wad
                    };
                    owed = replaced(@owed, a, settled_owed);
                    out.append(outcome(Result::Ok(0)));
                } else {
                    owed = replaced(@owed, a, 0);
                    out.append(outcome(Result::Ok(settled_owed)));
                }
            };
            let mut i = 0;
            loop {
                if i == accounts {
                    break;
                }
                let earned = AccumulatorImpl::try_earned(*staked.at(i), pool.reward_index,
                    *paid.at(i));
                out.append(outcome(match earned {
                    Result::Ok(value) => Result::Ok(*owed.at(i) + value),
                    Result::Err(error) => Result::Err(error),
                }));
                i += 1;
            };
            out
        }

        fn inverse_pnl_batch(self: @ContractState, cases: Array<InversePnlCase>)
            -> Array<SignedOutcome> {
            let mut out = ArrayTrait::new();
            let mut cases = cases.span();
            loop {
                match cases.pop_front() {
                    Option::Some(case) => {
                        let c = *case;
                        out.append(match InverseMathImpl::try_pnl(c.contracts, c.contract_size,
                            c.entry_price, c.exit_price, c.is_long) {
                            Result::Ok(value) => SignedOutcome { ok: true, value, error: 0 },
                            Result::Err(error) => SignedOutcome {
                                ok: false, value: SignedImpl::zero(), error
                            },
                        });
                    },
                    Option::None => { break; },
                };
            };
            out
        }

        fn inverse_value_batch(self: @ContractState, cases: Array<InverseValueCase>)
            -> Array<Outcome> {
            let mut out = ArrayTrait::new();
            let mut cases = cases.span();
            loop {
                match cases.pop_front() {
                    Option::Some(case) => {
                        let c = *case;
                        let result = if c.op == 0 {
                            InverseMathImpl::try_notional(c.contracts, c.contract_size, c.price,
                                c.rounding)
                        } else {
                            InverseMathImpl::try_fee(c.contracts, c.contract_size, c.price, c.rate)
                        };
                        out.append(outcome(result));
                    },
                    Option::None => { break; },
                };
            };
            out
        }

        fn inverse_entry_batch(self: @ContractState, cases: Array<InverseEntryCase>)
            -> Array<Outcome> {
            let mut out = ArrayTrait::new();
            let mut cases = cases.span();
            loop {
                match cases.pop_front() {
                    Option::Some(case) => {
                        let c = *case;
                        out.append(outcome(InverseMathImpl::try_average_entry(c.contracts,
                            c.entry_price, c.added, c.price, c.is_long)));
                    },
                    Option::None => { break; },
                };
            };
            out
        }

        fn inverse_liquidation_batch(self: @ContractState, cases: Array<InverseLiquidationCase>)
            -> Array<Outcome> {
            let mut out = ArrayTrait::new();
            let mut cases = cases.span();
            loop {
                match cases.pop_front() {
                    Option::Some(case) => {
                        let c = *case;
                        out.append(outcome(InverseMathImpl::try_liquidation_price(c.contracts,
                            c.contract_size, c.entry_price, c.margin, c.maintenance_rate,
                            c.maintenance_amount, c.is_long)));
                    },
                    Option::None => { break; },
                };
            };
            out
        }

        fn lending_batch(self: @ContractState, cases: Array<LendingCase>) -> Array<Outcome> {
            let mut out = ArrayTrait::new();
            let mut cases = cases.span();
            loop {
                match cases.pop_front() {
                    Option::Some(case) => {
                        let c = *case;
                        let result = if c.op == 0 {
                            LendingMathImpl::try_utilization(c.a, c.b)
                        } else if c.op == 1 {
                            LendingMathImpl::try_borrow_rate(c.model, c.a)
                        } else if c.op == 2 {
                            LendingMathImpl::try_supply_rate(c.model, c.a)
                        } else if c.op == 3 {
                            LendingMathImpl::try_linear_interest(c.a, c.b)
                        } else {
                            LendingMathImpl::try_compound_interest(c.a, c.b)
                        };
                        out.append(outcome(result));
                    },
                    Option::None => { break; },
                };
            };
            out
        }
    }
}
