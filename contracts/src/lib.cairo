//! AstraTrade settlement contracts (Cairo 2.6.0).
//!
//! `math` holds the pure fixed-point algorithms shared bit for bit with `astratrade_core`;
//! `components` the access-control and pause components; the contract modules wrap storage
//! around them.  `testing` holds a harness contract the differential tests batch cases through.

pub mod math {
    pub mod accumulator;
    pub mod allocation;
    pub mod checked;
    pub mod fixed_point;
    pub mod inverse;
    pub mod lending;
    pub mod signed;
    pub mod trading;
}
pub mod components {
    pub mod access;
    pub mod erc20;
    pub mod reentrancy;
    pub mod upgrade;
    pub mod votes;
    pub mod pausable;
    pub mod staking_pool;
}
pub mod fixed_point_math;
pub mod vault;
pub mod exchange;
pub mod rewards;
pub mod staking;
pub mod paymaster;
pub mod test_token;
pub mod oracle;
pub mod lending_pool;
pub mod audit_anchor;
pub mod governance_token;
pub mod governor;
pub mod testing {
    pub mod hostile_token;
    pub mod math_harness;
}
