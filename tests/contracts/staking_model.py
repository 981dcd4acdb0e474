"""The reward stream of ``StakingPoolComponent`` in Python, feeding the core's ``StakingPool``.

The accumulator is ``astratrade_core.defi.staking.StakingPool`` itself; this class adds only
the stream the component keeps in front of it (``contracts/src/components/staking_pool.cairo``):
before every stake, unstake, claim and schedule, the elapsed part
``floor(remaining * (min(now, finish) - last) / (finish - last))`` is notified; with nothing
staked the stream pauses; ``schedule`` adds to what is left and restarts the period.
"""

from __future__ import annotations

import attrs

from astratrade_core.defi import StakingPool

MIN_TOTAL_STAKE = 1_000_000


@attrs.define
class StreamedPool:
    """The core pool plus the component's stream state (mutable: a test's model)."""

    duration: int
    pool: StakingPool = attrs.field(factory=StakingPool)
    remaining: int = 0
    last: int = 0
    finish: int = 0
    funded: int = 0
    paid: int = 0

    def drip(self, now: int) -> None:
        if self.remaining == 0 or now <= self.last:
            self.last = max(self.last, now)
            return
        if self.pool.total_staked == 0:
            self.finish = now + (self.finish - self.last)
            self.last = now
            return
        end = min(now, self.finish)
        amount = self.remaining * (end - self.last) // (self.finish - self.last)
        self.remaining -= amount
        self.last = now
        if amount:
            self.pool = self.pool.notify_reward(amount).unwrap()

    def schedule(self, now: int, amount: int) -> None:
        self.drip(now)
        self.remaining += amount
        self.last = now
        self.finish = now + self.duration
        self.funded += amount

    def allowed(self, total: int) -> bool:
        return total == 0 or total >= MIN_TOTAL_STAKE

    def stake(self, now: int, account: str, amount: int) -> bool:
        """Stake if the total stays 0 or above the minimum; whether it did."""
        if not self.allowed(self.pool.total_staked + amount):
            return False
        self.drip(now)
        self.pool = self.pool.stake(account, amount).unwrap()
        return True

    def unstake(self, now: int, account: str, amount: int) -> bool:
        if not self.allowed(self.pool.total_staked - amount):
            return False
        self.drip(now)
        self.pool = self.pool.unstake(account, amount).unwrap()
        return True

    def claim(self, now: int, account: str) -> int:
        self.drip(now)
        claim = self.pool.claim(account).unwrap()
        self.pool = claim.pool
        self.paid += claim.amount
        return claim.amount
