//! Largest-remainder allocation for small n, mirroring
//! `astratrade_core.revenue.allocation.allocate_units` (rank form, no sort):
//! `q_i = floor(T * w_i / W)`, `r_i = (T * w_i) mod W` (products at u512), `L = T - sum(q_i)`;
//! part `i` gets `q_i + 1` iff `rank_i < L`, where
//! `rank_i = #{j : r_j > r_i or (r_j == r_i and j < i)}`.  O(n^2): at most `MAX_PARTS` parts.

use astratrade::math::fixed_point::{narrow, wide_div_rem};

pub const MAX_PARTS: u32 = 64;

pub mod AllocationErrors {
    pub const PARTS: felt252 = 'alloc: need 1..64 weights';
    pub const ZERO_WEIGHTS: felt252 = 'alloc: weights sum to zero';
    pub const WEIGHT_SUM: felt252 = 'alloc: weight sum overflow';
}

pub trait AllocationTrait {
    fn try_allocate(total: u256, weights: Span<u256>) -> Result<Array<u256>, felt252>;
}

pub impl AllocationImpl of AllocationTrait {
    fn try_allocate(total: u256, weights: Span<u256>) -> Result<Array<u256>, felt252> {
        let n = weights.len();
        if n == 0 || n > MAX_PARTS {
            return Result::Err(AllocationErrors::PARTS);
        }
        // W = sum(w), checked.
        let mut weight_sum: u256 = 0;
        let mut overflow = false;
        let mut i = 0;
        loop {
            if i == n {
                break;
            }
            let (sum, carry) = core::integer::u256_overflowing_add(weight_sum, *weights.at(i));
            weight_sum = sum;
            if carry {
                overflow = true;
            }
            i += 1;
        };
        if overflow {
            return Result::Err(AllocationErrors::WEIGHT_SUM);
        }
        if weight_sum == 0 {
            return Result::Err(AllocationErrors::ZERO_WEIGHTS);
        }
        let mut quotients: Array<u256> = ArrayTrait::new();
        let mut remainders: Array<u256> = ArrayTrait::new();
        let mut allocated: u256 = 0;
        let mut i = 0;
        loop {
            if i == n {
                break;
            }
            // q_i <= T, so narrowing and the running sum cannot overflow.
            let (q, r) = wide_div_rem(total, *weights.at(i), weight_sum).unwrap();
            let q = narrow(q).unwrap();
            quotients.append(q);
            remainders.append(r);
            allocated += q;
            i += 1;
        };
        let leftover = total - allocated;
        let quotients = quotients.span();
        let remainders = remainders.span();
        let mut parts: Array<u256> = ArrayTrait::new();
        let mut i = 0;
        loop {
            if i == n {
                break;
            }
            let r_i = *remainders.at(i);
            let mut rank: u256 = 0;
            let mut j = 0;
            loop {
                if j == n {
                    break;
                }
                let r_j = *remainders.at(j);
                if r_j > r_i || (r_j == r_i && j < i) {
                    rank += 1;
                }
                j += 1;
            };
            let q_i = *quotients.at(i);
            parts.append(if rank < leftover {
                q_i + 1
            } else {
                q_i
            });
            i += 1;
        };
        Result::Ok(parts)
    }
}
