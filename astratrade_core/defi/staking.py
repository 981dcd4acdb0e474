"""Reward distribution and staking pools in integer arithmetic, as a contract computes them.

**Pro-rata distribution** (:func:`distribute_pro_rata`): ``pool = reward + carry``; staker ``i``
with stake ``s_i`` of ``S`` gets ``floor(pool * s_i / S)``; what the floors leave (fewer units
than there are stakers) is carried into the next round.  Nothing is lost or created:
``sum(payouts) + new_carry == reward + carry``.

**Staking pool** (:class:`StakingPool`): a reward-per-share accumulator (the MasterChef /
Synthetix ``rewardPerToken`` scheme) in WAD (10**18) fixed point.  State: ``total_staked``;
``reward_index`` (cumulative reward per staked unit, times WAD); ``carry_wad`` (reward times WAD
emitted but not yet in the index); per account ``staked``, ``paid_index`` and ``owed``.

* ``notify_reward(R)``: ``n = R * WAD + carry_wad``.  With nothing staked, ``carry_wad = n``
  (the reward waits for the next notification after someone stakes).  Otherwise
  ``(delta, carry_wad) = divmod(n, total_staked)`` and ``reward_index += delta``: the index
  division's remainder is carried exactly, so the pool itself loses nothing.
* *settle(account)*: ``owed += mul_div(staked, reward_index - paid_index, WAD, FLOOR)``;
  ``paid_index = reward_index``.  ``stake``, ``unstake`` and ``claim`` settle first, then change
  ``staked`` / ``total_staked``, or pay out and zero ``owed``.
* ``pending(account) = owed + floor(staked * (reward_index - paid_index) / WAD)``.

**Conservation and dust bound** (property-tested over random operation sequences): with
``E`` emitted, ``C`` claimed, ``P`` the sum of every account's pending reward and ``k`` the
number of settlements (stake, unstake and claim calls) plus the number of accounts,
``0 <= E * WAD - (C + P) * WAD - carry_wad < k * WAD`` (exactly 0 when ``k == 0``): every
floor at a settlement or in a pending figure drops less than one unit, and nothing else is
ever dropped.  In particular the
pool never pays out more than was emitted (``C + P <= E``).

Bounds: every amount, the index and ``R * WAD + carry_wad`` must fit u256 (Failure otherwise).

>>> pool = StakingPool().stake("alice", 100).bind(lambda p: p.stake("bob", 300))
>>> pool = pool.bind(lambda p: p.notify_reward(1000)).unwrap()
>>> pool.pending("alice"), pool.pending("bob")
(250, 750)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import attrs
from pyrsistent import pmap
from pyrsistent.typing import PMap
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect_all
from astratrade_core.events.revenue import RewardClaimed
from astratrade_core.money import Currency, Money
from astratrade_core.numeric import U256_MAX, WAD, FixedRounding, mul_div

__all__ = ["Claim", "Distribution", "PoolOp", "StakePosition", "StakingPool", "distribute_pro_rata",
           "fold_pool"]


def _amount_error(field: str, value: int) -> DomainError | None:
    if type(value) is int and 0 <= value <= U256_MAX:  # the common case, tested first
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= U256_MAX:
        return DomainError.invalid("defi.amount", f"{field} must be an integer in u256",
                                   field=field, value=value)
    return None


def _amount(field: str, value: int) -> Result[int, DomainError]:
    problem = _amount_error(field, value)
    return Success(value) if problem is None else Failure(problem)


@attrs.frozen
class Distribution:
    """Payouts in stake order and the units carried into the next round."""

    payouts: tuple[int, ...]
    carry: int


def distribute_pro_rata(reward: int, stakes: Sequence[int],
                        carry: int = 0) -> Result[Distribution, DomainError]:
    """Split ``reward + carry`` over ``stakes`` by floor, carrying the remainder.

    >>> distribute_pro_rata(100, (1, 1, 1)).unwrap()
    Distribution(payouts=(33, 33, 33), carry=1)
    >>> distribute_pro_rata(2, (1, 1, 1), carry=1).unwrap()
    Distribution(payouts=(1, 1, 1), carry=0)
    >>> distribute_pro_rata(5, (0, 0)).unwrap()
    Distribution(payouts=(0, 0), carry=5)
    """
    def split(_: tuple[int, ...]) -> Result[Distribution, DomainError]:
        pool = reward + carry
        total = sum(stakes)
        if total == 0:
            return Success(Distribution(tuple(0 for _ in stakes), pool))
        if pool > U256_MAX or total > U256_MAX:
            return Failure(DomainError.invalid("numeric.overflow", "distribution exceeds u256"))
        payouts = tuple(pool * s // total for s in stakes)
        return Success(Distribution(payouts, pool - sum(payouts)))

    return collect_all("defi.distribution", [
        _amount("reward", reward), _amount("carry", carry),
        *(_amount(f"stakes[{i}]", s) for i, s in enumerate(stakes))]).bind(split)


@attrs.frozen
class StakePosition:
    """One account's stake, the index it was last settled at, and rewards owed to it."""

    staked: int = 0
    paid_index: int = 0
    owed: int = 0


@attrs.frozen
class Claim:
    """The pool after a claim and the amount paid out (raw token units)."""

    pool: StakingPool
    amount: int

    def to_event(self, *, event_id: str, stream_id: str, occurred_at: datetime, pool_id: str,
                 account_id: str, currency: Currency) -> RewardClaimed:
        """The :class:`RewardClaimed` event, the amount read as minor units of ``currency``.

        >>> from datetime import UTC, datetime
        >>> from astratrade_core.money import USDC
        >>> pool = StakingPool().stake("a", 1).bind(lambda p: p.notify_reward(1_500_000))
        >>> claim = pool.bind(lambda p: p.claim("a")).unwrap()
        >>> claim.to_event(event_id="e", stream_id="pool-1", pool_id="pool-1", account_id="a",
        ...                occurred_at=datetime(2026, 1, 1, tzinfo=UTC), currency=USDC).amount
        Decimal('1.500000')
        """
        return RewardClaimed(event_id=event_id, stream_id=stream_id, occurred_at=occurred_at,
                             pool_id=pool_id, account_id=account_id, currency=currency.code,
                             amount=Money.from_minor_units(self.amount, currency).amount)


def _empty_positions() -> PMap[str, StakePosition]:
    return pmap()


@attrs.frozen
class StakingPool:
    """A reward-per-share staking pool (see the module docstring for the exact algorithm)."""

    total_staked: int = 0
    reward_index: int = 0
    carry_wad: int = 0
    emitted: int = 0
    claimed: int = 0
    positions: PMap[str, StakePosition] = attrs.field(factory=_empty_positions)

    def position(self, account: str) -> StakePosition:
        """The account's position (an empty one if it never staked)."""
        found = self.positions.get(account)
        return StakePosition(0, self.reward_index, 0) if found is None else found

    def pending(self, account: str) -> int:
        """Rewards the account could claim now (floored).

        >>> StakingPool().stake("a", 2).bind(lambda p: p.notify_reward(5)).unwrap().pending("a")
        5
        """
        p = self.position(account)
        return p.owed + p.staked * (self.reward_index - p.paid_index) // WAD

    def notify_reward(self, amount: int) -> Result[StakingPool, DomainError]:
        """Emit ``amount`` reward units to the current stakers.

        >>> StakingPool().notify_reward(7).unwrap().carry_wad == 7 * WAD
        True
        """
        problem = _amount_error("reward", amount)
        if problem is not None:
            return Failure(problem)
        numerator = amount * WAD + self.carry_wad
        emitted = self.emitted + amount
        if numerator > U256_MAX or emitted > U256_MAX:
            return Failure(DomainError.invalid("numeric.overflow", "reward exceeds u256"))
        if self.total_staked == 0:
            return Success(StakingPool(0, self.reward_index, numerator, emitted, self.claimed,
                                       self.positions))
        delta, carry = divmod(numerator, self.total_staked)
        if self.reward_index + delta > U256_MAX:
            return Failure(DomainError.invalid("numeric.overflow", "reward index exceeds u256"))
        return Success(StakingPool(self.total_staked, self.reward_index + delta, carry, emitted,
                                   self.claimed, self.positions))

    def _settled(self, account: str) -> tuple[int, int] | Failure[DomainError]:
        """The account's ``(staked, owed)`` once its rewards are settled up to the index, or
        the overflow :func:`mul_div` reports.  Plain values inside: the public methods wrap
        one Result at the end (a hot path: stake and claim call it once each)."""
        p = self.positions.get(account)
        if p is None:
            return 0, 0
        if p.paid_index == self.reward_index:
            return p.staked, p.owed
        # Both factors are in u256 (stakes sum to total_staked, the index only grows), so
        # mul_div(FLOOR) is this floor division unless the quotient leaves u256.
        earned = p.staked * (self.reward_index - p.paid_index) // WAD
        if earned > U256_MAX:
            return Failure(mul_div(p.staked, self.reward_index - p.paid_index, WAD,
                                   FixedRounding.FLOOR).failure())
        return p.staked, p.owed + earned

    def _with(self, account: str, staked: int, owed: int, change: int,
              paid: int) -> StakingPool:
        """This pool with the account settled at the index, holding ``staked`` and ``owed``;
        ``change`` added to the total stake and ``paid`` to the claimed total."""
        return StakingPool(self.total_staked + change, self.reward_index, self.carry_wad,
                           self.emitted, self.claimed + paid,
                           self.positions.set(account, StakePosition(staked, self.reward_index,
                                                                     owed)))

    def stake(self, account: str, amount: int) -> Result[StakingPool, DomainError]:
        """Add ``amount`` to the account's stake (settling its rewards first).

        >>> StakingPool().stake("a", -1).failure().code
        'defi.amount'
        """
        problem = _amount_error("amount", amount)
        if problem is not None:
            return Failure(problem)
        if self.total_staked + amount > U256_MAX:
            return Failure(DomainError.invalid("numeric.overflow", "total stake exceeds u256"))
        settled = self._settled(account)
        if not isinstance(settled, tuple):   # a Failure (``isinstance(x, Failure)``: ABC)
            return settled
        staked, owed = settled
        return Success(self._with(account, staked + amount, owed, amount, 0))

    def unstake(self, account: str, amount: int) -> Result[StakingPool, DomainError]:
        """Withdraw ``amount`` of the account's stake; rewards stay owed until claimed.

        >>> StakingPool().unstake("a", 1).failure().code
        'defi.insufficient_stake'
        """
        problem = _amount_error("amount", amount)
        if problem is not None:
            return Failure(problem)
        staked = self.position(account).staked
        if amount > staked:
            return Failure(DomainError.rejected("defi.insufficient_stake",
                                                "cannot unstake more than is staked",
                                                account=account, amount=amount, staked=staked))
        settled = self._settled(account)
        if not isinstance(settled, tuple):   # a Failure (``isinstance(x, Failure)``: ABC)
            return settled
        staked, owed = settled
        return Success(self._with(account, staked - amount, owed, -amount, 0))

    def claim(self, account: str) -> Result[Claim, DomainError]:
        """Pay out everything the account is owed.

        >>> pool = StakingPool().stake("a", 3).bind(lambda p: p.notify_reward(10)).unwrap()
        >>> pool.claim("a").unwrap().amount   # 3 * (10 * WAD // 3) // WAD = 9; dust 1
        9
        """
        settled = self._settled(account)
        if not isinstance(settled, tuple):   # a Failure (``isinstance(x, Failure)``: ABC)
            return settled
        staked, owed = settled
        return Success(Claim(self._with(account, staked, 0, 0, owed), owed))


# -- the batch fold -----------------------------------------------------------------------------

#: One pool operation for :func:`fold_pool`: ``("stake" | "unstake" | "notify" | "claim",
#: account, amount)`` (``account`` unused by ``notify``, ``amount`` by ``claim``; any other
#: operation name is skipped).
PoolOp = tuple[str, str, int]


def fold_pool(pool: StakingPool, ops: Iterable[PoolOp]) -> StakingPool:
    """The pool after every operation of ``ops`` in order, each applied as its method would
    apply it and an operation the method refuses (a Failure) skipped -- exactly
    ``pool.stake(a, n).value_or(pool)`` and so on, one after the other -- but folded on plain
    integers in local variables and a dict of the accounts touched, with the positions map
    and the pool built once at the end.  The result equals the one-at-a-time fold field for
    field, the positions map down to its iteration order (new accounts enter it in the order
    they were first touched, as the successive ``PMap.set`` calls add them).

    >>> ops = [("stake", "a", 1), ("stake", "b", 3), ("notify", "", 10), ("claim", "b", 0),
    ...        ("unstake", "a", 5)]        # more than a holds: skipped, as unstake refuses it
    >>> folded = fold_pool(StakingPool(), ops)
    >>> folded.claimed, folded.pending("a"), folded == StakingPool().stake("a", 1).bind(
    ...     lambda p: p.stake("b", 3)).bind(lambda p: p.notify_reward(10)).bind(
    ...     lambda p: p.claim("b")).unwrap().pool
    (7, 2, True)
    """
    total, index, carry, emitted, claimed = (pool.total_staked, pool.reward_index,
                                             pool.carry_wad, pool.emitted, pool.claimed)
    held = pool.positions
    touched: dict[str, tuple[int, int, int]] = {}   # account -> (staked, paid_index, owed)
    for op, account, amount in ops:
        if op != "claim" and _amount_error("amount", amount) is not None:
            continue
        if op == "notify":
            numerator = amount * WAD + carry
            if numerator > U256_MAX or emitted + amount > U256_MAX:
                continue
            if total == 0:
                carry = numerator
            else:
                delta, remainder = divmod(numerator, total)
                if index + delta > U256_MAX:
                    continue
                index, carry = index + delta, remainder
            emitted += amount
            continue
        found = touched.get(account)
        if found is None:
            position = held.get(account)
            found = (0, index, 0) if position is None else (
                position.staked, position.paid_index, position.owed)
        staked, paid, owed = found
        if op == "stake":
            if total + amount > U256_MAX:
                continue
            change = amount
        elif op == "unstake":
            if amount > staked:
                continue
            change = -amount
        elif op == "claim":
            change = 0
        else:                          # not an operation: nothing applies it
            continue
        if paid != index:
            earned = staked * (index - paid) // WAD
            if earned > U256_MAX:
                continue
            owed += earned
        total += change
        if op == "claim":
            claimed += owed
            owed = 0
        touched[account] = (staked + change, index, owed)
    positions = held.update({account: StakePosition(*values)
                             for account, values in touched.items()}) if touched else held
    return StakingPool(total, index, carry, emitted, claimed, positions)
