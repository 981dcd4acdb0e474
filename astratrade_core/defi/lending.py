"""Lending maths in ray (10**27) fixed point, as the on-chain code computes it.

Mirrors Aave's ``WadRayMath``, ``PercentageMath``, ``MathUtils`` and the two-slope interest
rate strategy (aave-v3-core, ``contracts/protocol/libraries/math`` and
``DefaultReserveInterestRateStrategy``).  Every function takes and returns unsigned integers;
a rate of ``0.05 * RAY`` is 5 % a year.

**Primitives** (all half-up, via :func:`~astratrade_core.numeric.mul_div`, whose product is
double width, so only the result must fit u256):

* ``ray_mul(a, b) = (a * b + RAY / 2) // RAY``;
* ``ray_div(a, b) = (a * RAY + b // 2) // b``;
* ``percent_mul(v, bps) = (v * bps + 5000) // 10000``.

**Rates.** (One deliberate departure from Aave: each slope term is ONE half-up ``mul_div``
where Aave rounds twice, ``ray_div(ray_mul(U, slope1), U_opt)``.  Aave's double rounding is not
monotone for a tiny kink -- with ``U_opt = 1`` (in ray units) and ``slope1 = RAY/2`` it gives
100 % at ``U = 1`` but 50 % at ``U = 2`` -- whereas one rounding is monotone in ``U``, exact at
the kink and equal to Aave's whenever Aave's intermediate product is exact.)

Utilization ``U = debt.ray_div(debt + available)`` (0 without debt, capped at RAY).
With ``U_opt`` the kink:

* ``U <= U_opt``: ``borrow = base + mul_div(slope1, U, U_opt, HALF_UP)``;
* ``U > U_opt``: ``borrow = base + slope1 + mul_div(slope2, U - U_opt, RAY - U_opt, HALF_UP)``;
* ``supply = percent_mul(ray_mul(borrow, U), 10000 - reserve_factor_bps)``.

**Accrual** over ``dt`` seconds (a year is ``SECONDS_PER_YEAR = 365 * 86400``):

* linear: ``RAY + rate * dt // SECONDS_PER_YEAR``;
* compound (binomial approximation, three terms, Aave v3 ``calculateCompoundedInterest``):
  ``p2 = ray_mul(rate, rate) // Y**2``, ``p3 = ray_mul(p2, rate) // Y``,
  ``RAY + rate*dt // Y + dt*(dt-1)*p2 // 2 + dt*(dt-1)*max(dt-2, 0)*p3 // 6`` (floor divisions);
* compound, Aave v3.3 (:attr:`CompoundingFormula.AAVE_V3_3`; aave-v3-origin,
  ``MathUtils.calculateCompoundedInterest``): ``x = rate*dt // Y``, then
  ``RAY + x + ray_mul(x, x // 2 + ray_mul(x, x // 6))`` -- the same three terms of ``e**x``,
  rounded differently; ``ray_mul`` reverts like Aave's when ``a * b + RAY/2`` exceeds u256
  (:class:`~astratrade_core.fixedpoint.Overflow`), and ``rate * dt`` beyond u256 (which Aave
  leaves unchecked) is a ``numeric.overflow`` failure;
* a balance or index grows as ``ray_mul(value, factor)``.

>>> model = InterestRateModel.of("0", "0.04", "0.75", "0.8", 1000).unwrap()
>>> u = utilization(total_debt=80 * RAY, available_liquidity=20 * RAY).unwrap()
>>> u == 8 * RAY // 10, borrow_rate(model, u).unwrap() == 4 * RAY // 100
(True, True)
"""

from __future__ import annotations

import enum

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect
from astratrade_core.fixedpoint import Overflow
from astratrade_core.fixedpoint import ray_mul as _ray_mul
from astratrade_core.numeric import (
    RAY,
    U256_MAX,
    WAD,
    DecimalInput,
    FixedRounding,
    Rounding,
    is_u256,
    mul_div,
    parse_non_negative,
    to_fixed,
)

__all__ = [
    "CLOSE_FACTOR_BPS",
    "HALF_RAY",
    "SECONDS_PER_YEAR",
    "AccountHealth",
    "AccountLine",
    "CompoundingFormula",
    "InterestRateModel",
    "ReserveState",
    "account_health",
    "accrue",
    "borrow_rate",
    "compound_interest",
    "debt_balance",
    "health_factor",
    "linear_interest",
    "liquidation_amounts",
    "percent_mul",
    "ray_div",
    "ray_mul",
    "scaled_debt_burned",
    "scaled_debt_minted",
    "scaled_supply_burned",
    "scaled_supply_minted",
    "supply_balance",
    "supply_rate",
    "update_reserve",
    "utilization",
]

HALF_RAY = RAY // 2
_U64_MAX = 2**64 - 1  # Starknet block times are u64
#: Aave's year: 365 days, leap years ignored.
SECONDS_PER_YEAR = 365 * 24 * 60 * 60
_PERCENTAGE_FACTOR = 10_000


def ray_mul(a: int, b: int) -> Result[int, DomainError]:
    """``a * b`` in ray, rounded half up.

    >>> ray_mul(15 * RAY // 10, 2 * RAY).unwrap() == 3 * RAY
    True
    >>> ray_mul(1, HALF_RAY).unwrap(), ray_mul(1, HALF_RAY - 1).unwrap()
    (1, 0)
    """
    return mul_div(a, b, RAY, FixedRounding.HALF_UP)


def ray_div(a: int, b: int) -> Result[int, DomainError]:
    """``a / b`` in ray, rounded half up.

    >>> ray_div(1, 3).unwrap() == RAY // 3
    True
    >>> ray_div(2, 3).unwrap() == 2 * RAY // 3 + 1
    True
    """
    return mul_div(a, RAY, b, FixedRounding.HALF_UP)


def percent_mul(value: int, bps: int) -> Result[int, DomainError]:
    """``value * bps / 10000`` rounded half up (Aave's ``PercentageMath.percentMul``).

    >>> percent_mul(10_005, 5000).unwrap()   # 5002.5 -> 5003
    5003
    """
    return mul_div(value, bps, _PERCENTAGE_FACTOR, FixedRounding.HALF_UP)


@attrs.frozen
class InterestRateModel:
    """A kinked (two-slope) model; rates and the kink in ray, reserve factor in bps."""

    base_rate: int
    slope1: int
    slope2: int
    optimal_utilization: int
    reserve_factor_bps: int

    @classmethod
    def of(cls, base_rate: DecimalInput, slope1: DecimalInput, slope2: DecimalInput,
           optimal_utilization: DecimalInput,
           reserve_factor_bps: int) -> Result[InterestRateModel, DomainError]:
        """Build from decimal fractions (``"0.04"`` is 4 %), converted to ray exactly (no
        parsed input has more than 28 fractional digits; the 28th is rounded half up).

        >>> InterestRateModel.of("0", "0.04", "-1", "1", 10_001).failure().codes()
        ('numeric.negative', 'defi.optimal_utilization', 'defi.reserve_factor')
        """
        def ray(value: DecimalInput, field: str) -> Result[int, DomainError]:
            return parse_non_negative(value, field).bind(
                lambda d: to_fixed(d, RAY, Rounding.HALF_UP))

        kink = ray(optimal_utilization, "optimal_utilization").bind(
            lambda k: Success(k) if 0 < k < RAY else Failure(DomainError.invalid(
                "defi.optimal_utilization", "the kink must lie strictly between 0 and 1",
                optimal_utilization=optimal_utilization)))
        reserve: Result[int, DomainError] = (
            Success(reserve_factor_bps)
            if not isinstance(reserve_factor_bps, bool)
            and 0 <= reserve_factor_bps <= _PERCENTAGE_FACTOR
            else Failure(DomainError.invalid("defi.reserve_factor",
                                             "reserve factor must be 0..10000 bps",
                                             reserve_factor_bps=reserve_factor_bps)))
        return collect("defi.interest_rate_model", ray(base_rate, "base_rate"),
                       ray(slope1, "slope1"), ray(slope2, "slope2"), kink, reserve,
                       ).map(lambda parts: cls(*parts))


def utilization(total_debt: int, available_liquidity: int) -> Result[int, DomainError]:
    """``debt / (debt + available)`` in ray; 0 without debt, never above RAY.

    >>> utilization(0, 0).unwrap()
    0
    >>> utilization(1, 2).unwrap() == RAY // 3
    True
    """
    if not (0 <= total_debt <= U256_MAX and 0 <= available_liquidity <= U256_MAX):
        return Failure(DomainError.invalid("defi.amount", "amounts must be u256",
                                      total_debt=total_debt, available=available_liquidity))
    if total_debt == 0:
        return Success(0)
    return ray_div(total_debt, total_debt + available_liquidity).map(lambda u: min(u, RAY))


def borrow_rate(model: InterestRateModel, utilization_ray: int) -> Result[int, DomainError]:
    """The variable borrow rate (ray per year) at a utilization (ray, ``0..RAY``).

    >>> m = InterestRateModel.of("0.01", "0.04", "0.75", "0.8", 1000).unwrap()
    >>> borrow_rate(m, RAY).unwrap() == 80 * RAY // 100   # 1 % + 4 % + 75 %
    True
    """
    if not 0 <= utilization_ray <= RAY:
        return Failure(DomainError.invalid("defi.utilization", "utilization must be in [0, RAY]",
                                      utilization=utilization_ray))
    kink = model.optimal_utilization
    if utilization_ray <= kink:
        return mul_div(model.slope1, utilization_ray, kink, FixedRounding.HALF_UP).map(
            lambda x: model.base_rate + x)
    return mul_div(model.slope2, utilization_ray - kink, RAY - kink, FixedRounding.HALF_UP).map(
        lambda x: model.base_rate + model.slope1 + x)


def supply_rate(model: InterestRateModel, utilization_ray: int) -> Result[int, DomainError]:
    """What suppliers earn: ``borrow * U * (1 - reserve factor)``, in ray per year.

    >>> m = InterestRateModel.of("0", "0.04", "0.75", "0.8", 1000).unwrap()
    >>> supply_rate(m, 8 * RAY // 10).unwrap() == 288 * RAY // 10_000   # 4 % * 0.8 * 0.9
    True
    """
    return borrow_rate(model, utilization_ray).bind(
        lambda b: ray_mul(b, utilization_ray)).bind(
        lambda x: percent_mul(x, _PERCENTAGE_FACTOR - model.reserve_factor_bps))


def _check_accrual(rate: int, seconds: int) -> DomainError | None:
    if not (is_u256(rate) and is_u256(seconds) and seconds <= 2**40):  # ints, not floats
        return DomainError.invalid("defi.accrual",
                                   "rate must be a u256 integer and seconds an integer in "
                                   "0..2**40", rate=rate, seconds=seconds)
    return None


def linear_interest(rate: int, seconds: int) -> Result[int, DomainError]:
    """The linear growth factor over ``seconds`` (ray): ``RAY + rate * dt // year``.

    >>> linear_interest(RAY // 10, SECONDS_PER_YEAR // 2).unwrap() == RAY + RAY // 20
    True
    """
    problem = _check_accrual(rate, seconds)
    if problem is not None:
        return Failure(problem)
    return _fit(RAY + rate * seconds // SECONDS_PER_YEAR)


class CompoundingFormula(enum.Enum):
    """Which Aave ``MathUtils.calculateCompoundedInterest`` :func:`compound_interest` mirrors.

    ``AAVE_V3_0``: the binomial terms of ``(1 + rate/Y)**dt`` (aave-v3-core).
    ``AAVE_V3_3``: the terms ``1 + x + x**2/2 + x**3/6`` of ``e**x`` with ``x = rate*dt/Y``
    (aave-v3-origin, v3.3 on).  Both drop the fourth and later terms.
    """

    AAVE_V3_0 = "aave_v3.0"
    AAVE_V3_3 = "aave_v3.3"


def compound_interest(rate: int, seconds: int,
                      formula: CompoundingFormula = CompoundingFormula.AAVE_V3_0,
                      ) -> Result[int, DomainError]:
    """The compound growth factor over ``seconds`` (ray), by Aave's approximation ``formula``.

    It slightly under-accrues versus exact per-second compounding (the fourth and later terms
    are dropped), never over.

    >>> compound_interest(RAY // 10, 0).unwrap() == RAY
    True
    >>> # Aave v3.3's own comment: 100,000 % a year for 10,000 years gives 1.666667166e20
    >>> f = compound_interest(1000 * RAY, 10_000 * SECONDS_PER_YEAR, CompoundingFormula.AAVE_V3_3)
    >>> f.unwrap() // RAY
    166666716666676666667
    """
    problem = _check_accrual(rate, seconds)
    if problem is not None:
        return Failure(problem)
    if seconds == 0:
        return Success(RAY)
    if formula is CompoundingFormula.AAVE_V3_3:
        return _compound_v3_3(rate, seconds)
    year = SECONDS_PER_YEAR
    power_two = ray_mul(rate, rate).map(lambda x: x // (year * year))
    power_three = power_two.bind(lambda p2: ray_mul(p2, rate)).map(lambda x: x // year)

    def total(p2: int, p3: int) -> Result[int, DomainError]:
        second = seconds * (seconds - 1) * p2 // 2
        third = seconds * (seconds - 1) * max(seconds - 2, 0) * p3 // 6
        return _fit(RAY + rate * seconds // year + second + third)

    return power_two.bind(lambda p2: power_three.bind(lambda p3: total(p2, p3)))


def _compound_v3_3(rate: int, seconds: int) -> Result[int, DomainError]:
    if rate * seconds > U256_MAX:
        return Failure(DomainError.invalid("numeric.overflow", "rate * seconds exceeds u256",
                                           seconds=seconds))
    x = rate * seconds // SECONDS_PER_YEAR
    return _ray_mul(x, x // 6, overflow=Overflow.AAVE).bind(
        lambda cubic: _ray_mul(x, x // 2 + cubic, overflow=Overflow.AAVE)).bind(
        lambda terms: _fit(RAY + x + terms))


def _fit(value: int) -> Result[int, DomainError]:
    if value > U256_MAX:
        return Failure(DomainError.invalid("numeric.overflow", "result exceeds u256"))
    return Success(value)


def accrue(value: int, rate: int, seconds: int, *, compound: bool = True,
           formula: CompoundingFormula = CompoundingFormula.AAVE_V3_0,
           ) -> Result[int, DomainError]:
    """Grow a balance or a ray index at ``rate`` for ``seconds``: ``ray_mul(value, factor)``.

    >>> accrue(1_000_000, RAY // 10, SECONDS_PER_YEAR, compound=False).unwrap()
    1100000
    """
    factor = (compound_interest(rate, seconds, formula) if compound
              else linear_interest(rate, seconds))
    return factor.bind(lambda f: ray_mul(value, f))


# --- The LendingPool contract's state transitions (``contracts/src/lending_pool.cairo``) ------

#: The share of one debt a single liquidation may repay (rounded up), in bps.
CLOSE_FACTOR_BPS = 5000


@attrs.frozen
class ReserveState:
    """One reserve of the pool: both ray indexes, the scaled totals, the cash the pool's books
    say it holds (``available``) and the block time of the last index update."""

    liquidity_index: int
    borrow_index: int
    total_scaled_supply: int
    total_scaled_debt: int
    available: int
    last_update: int

    @classmethod
    def listed(cls, now: int) -> ReserveState:
        """A reserve just listed at block time ``now``: both indexes at RAY, nothing in it."""
        return cls(RAY, RAY, 0, 0, 0, now)


def update_reserve(model: InterestRateModel, reserve: ReserveState,
                   now: int) -> Result[ReserveState, DomainError]:
    """Grow both indexes from ``reserve.last_update`` to ``now`` (unchanged when ``now`` is not
    later), at the rates of the reserve as it stood: ``debt = ray_mul(total scaled debt, borrow
    index)``, ``U = utilization(debt, available)``; the liquidity index grows linearly at the
    supply rate, the borrow index compounds (Aave v3.0) at the borrow rate, each by ``ray_mul``.

    >>> m = InterestRateModel.of("0", "0.04", "0.75", "0.8", 0).unwrap()
    >>> r = ReserveState(RAY, RAY, 100, 80, 20, 0)      # U = 80 %: borrow 4 %, supply 3.2 %
    >>> g = update_reserve(m, r, SECONDS_PER_YEAR).unwrap()
    >>> g.liquidity_index == RAY + 32 * RAY // 1000, g.last_update == SECONDS_PER_YEAR
    (True, True)
    >>> update_reserve(m, r, True).failure().code   # a block time is a u64 integer
    'defi.block_time'
    """
    if not (is_u256(now) and now <= _U64_MAX):
        return Failure(DomainError.invalid("defi.block_time",
                                           "now must be an integer block time in 0..2**64-1",
                                           now=now))
    if now <= reserve.last_update:
        return Success(reserve)
    seconds = now - reserve.last_update

    def grow(u: int) -> Result[ReserveState, DomainError]:
        return borrow_rate(model, u).bind(_fit).bind(
            lambda b: supply_rate(model, u).bind(
                lambda s: linear_interest(s, seconds).bind(
                    lambda lin: compound_interest(b, seconds).bind(
                        lambda comp: ray_mul(reserve.liquidity_index, lin).bind(
                            lambda li: ray_mul(reserve.borrow_index, comp).map(
                                lambda bi: attrs.evolve(reserve, liquidity_index=li,
                                                        borrow_index=bi,
                                                        last_update=now)))))))

    return ray_mul(reserve.total_scaled_debt, reserve.borrow_index).bind(
        lambda debt: utilization(debt, reserve.available)).bind(grow)


def scaled_supply_minted(amount: int, liquidity_index: int) -> Result[int, DomainError]:
    """The scaled supply a deposit of ``amount`` mints: ``floor(amount * RAY / index)``.

    >>> scaled_supply_minted(10, 3 * RAY // 2).unwrap()   # 6.67 -> 6
    6
    """
    return mul_div(amount, RAY, liquidity_index, FixedRounding.FLOOR)


def scaled_supply_burned(amount: int, liquidity_index: int) -> Result[int, DomainError]:
    """The scaled supply a withdrawal of ``amount`` burns: ``ceil(amount * RAY / index)``.

    >>> scaled_supply_burned(10, 3 * RAY // 2).unwrap()   # 6.67 -> 7
    7
    """
    return mul_div(amount, RAY, liquidity_index, FixedRounding.CEIL)


def scaled_debt_minted(amount: int, borrow_index: int) -> Result[int, DomainError]:
    """The scaled debt a borrow of ``amount`` mints: ``ceil(amount * RAY / index)``."""
    return mul_div(amount, RAY, borrow_index, FixedRounding.CEIL)


def scaled_debt_burned(amount: int, scaled_debt: int,
                       borrow_index: int) -> Result[int, DomainError]:
    """The scaled debt a repayment of ``amount`` (at most the debt) burns: all of it when
    ``amount`` is the whole debt, else ``floor(amount * RAY / index)``.

    >>> scaled_debt_burned(7, 5, 3 * RAY // 2).unwrap()  # the debt is ceil(7.5) = 8
    4
    >>> scaled_debt_burned(8, 5, 3 * RAY // 2).unwrap()
    5
    """
    return debt_balance(scaled_debt, borrow_index).bind(
        lambda debt: Success(scaled_debt) if amount == debt
        else mul_div(amount, RAY, borrow_index, FixedRounding.FLOOR))


def supply_balance(scaled: int, liquidity_index: int) -> Result[int, DomainError]:
    """A supply balance: ``floor(scaled * index / RAY)``."""
    return mul_div(scaled, liquidity_index, RAY, FixedRounding.FLOOR)


def debt_balance(scaled: int, borrow_index: int) -> Result[int, DomainError]:
    """A debt: ``ceil(scaled * index / RAY)``.

    >>> debt_balance(5, 3 * RAY // 2).unwrap()
    8
    """
    return mul_div(scaled, borrow_index, RAY, FixedRounding.CEIL)


@attrs.frozen
class AccountLine:
    """One asset of an account: its supply and debt balances (token units), the oracle price
    (wad per unit) and the reserve's collateral factor and liquidation threshold (bps)."""

    supply: int
    debt: int
    price: int
    collateral_factor_bps: int
    liquidation_threshold_bps: int


@attrs.frozen
class AccountHealth:
    """Wad values at the oracle prices and the health factor (ray; u256 max without debt)."""

    borrow_capacity: int
    liquidation_value: int
    debt_value: int
    health_factor: int


def health_factor(liquidation_value: int, debt_value: int) -> Result[int, DomainError]:
    """``floor(liquidation value * RAY / debt value)``; u256 max without debt or beyond u256.

    >>> health_factor(3, 4).unwrap() == 3 * RAY // 4
    True
    >>> health_factor(1, 0).unwrap() == U256_MAX
    True
    """
    if debt_value == 0:
        return Success(U256_MAX)
    return mul_div(liquidation_value, RAY, debt_value, FixedRounding.FLOOR).lash(
        lambda e: Success(U256_MAX) if e.code == "numeric.overflow" else Failure(e))


def account_health(lines: tuple[AccountLine, ...]) -> Result[AccountHealth, DomainError]:
    """Sum an account's lines as the pool does: collateral value ``floor(supply * price)``,
    capacity ``floor(value * cf)``, liquidation value ``floor(value * lt)`` per line, debt
    value ``ceil(debt * price)``; a line without supply or debt reads no price.

    >>> line = AccountLine(supply=10**18, debt=0, price=2 * 10**18,
    ...                    collateral_factor_bps=7500, liquidation_threshold_bps=8000)
    >>> debt = AccountLine(supply=0, debt=10**18, price=10**18,
    ...                    collateral_factor_bps=0, liquidation_threshold_bps=0)
    >>> h = account_health((line, debt)).unwrap()
    >>> h.borrow_capacity, h.liquidation_value, h.health_factor == 16 * RAY // 10
    (1500000000000000000, 1600000000000000000, True)
    """
    capacity, liquidation, debt_value = 0, 0, 0
    for line in lines:
        parts = _line_values(line)
        if isinstance(parts, Failure):
            return parts
        cap, liq, owed = parts.value_or((0, 0, 0))
        capacity, liquidation, debt_value = capacity + cap, liquidation + liq, debt_value + owed
        if max(capacity, liquidation, debt_value) > U256_MAX:
            return Failure(DomainError.invalid("numeric.overflow", "account sums exceed u256"))
    return health_factor(liquidation, debt_value).map(
        lambda hf: AccountHealth(capacity, liquidation, debt_value, hf))


def _line_values(line: AccountLine) -> Result[tuple[int, int, int], DomainError]:
    """(capacity, liquidation value, debt value) of one line; zero parts read no price."""
    supply: Result[tuple[int, int], DomainError] = Success((0, 0))
    if line.supply != 0:
        supply = mul_div(line.supply, line.price, WAD, FixedRounding.FLOOR).bind(
            lambda v: collect("defi.account", percent_floor(v, line.collateral_factor_bps),
                              percent_floor(v, line.liquidation_threshold_bps)))
    debt: Result[int, DomainError] = (
        mul_div(line.debt, line.price, WAD, FixedRounding.CEIL) if line.debt != 0
        else Success(0))
    return supply.bind(lambda s: debt.map(lambda d: (s[0], s[1], d)))


def percent_floor(value: int, bps: int) -> Result[int, DomainError]:
    """``floor(value * bps / 10000)`` (collateral values round down)."""
    return mul_div(value, bps, _PERCENTAGE_FACTOR, FixedRounding.FLOOR)


def liquidation_amounts(debt: int, collateral: int, *, debt_price: int, collateral_price: int,
                        bonus_bps: int, requested: int) -> Result[tuple[int, int], DomainError]:
    """What one liquidation repays and seizes (token units): repay ``min(requested, ceil(debt
    * close factor))``; seize ``floor(floor(repay * debt price / collateral price) * (1 +
    bonus))``; when that exceeds the collateral, seize all of it and repay ``min(repay,
    ceil(ceil(collateral / (1 + bonus)) * collateral price / debt price))``.

    >>> prices = {"debt_price": 10**18, "collateral_price": 10**18}
    >>> liquidation_amounts(100, 1000, **prices, bonus_bps=500, requested=80).unwrap()
    (50, 52)
    >>> liquidation_amounts(100, 21, **prices, bonus_bps=500, requested=80).unwrap()  # short
    (20, 21)
    """
    bonus = _PERCENTAGE_FACTOR + bonus_bps

    def seize(repay: int) -> Result[tuple[int, int], DomainError]:
        return mul_div(repay, debt_price, collateral_price, FixedRounding.FLOOR).bind(
            lambda base: mul_div(base, bonus, _PERCENTAGE_FACTOR, FixedRounding.FLOOR)).bind(
            lambda seized: Success((repay, seized)) if seized <= collateral
            else mul_div(collateral, _PERCENTAGE_FACTOR, bonus, FixedRounding.CEIL).bind(
                lambda c: mul_div(c, collateral_price, debt_price, FixedRounding.CEIL)).map(
                lambda fair: (min(fair, repay), collateral)))

    return mul_div(debt, CLOSE_FACTOR_BPS, _PERCENTAGE_FACTOR, FixedRounding.CEIL).bind(
        lambda most: seize(min(requested, most)))
