"""The staking pool aggregate: one stream per pool (``pool-<id>``).

The rules are :class:`~astratrade_core.defi.staking.StakingPool`'s -- the reward-per-share
accumulator in WAD, the index remainder carried exactly, every payout floored -- so the
conservation law and the dust bound of :mod:`astratrade_core.defi.staking` hold for the
stream's state: with ``k`` settlements (stakes, unstakes and claims) plus accounts,
``0 <= (emitted - claimed - sum(pending)) * WAD - carry_wad < k * WAD``.  Amounts are raw
integer units, as on-chain; a claim is recorded in the pool's reward currency, one raw unit
being one minor unit.

=====================  ====================================================================
command                events (or failure)
=====================  ====================================================================
``OpenPool``           ``StakingPoolOpened``; ``defi.pool_exists`` (conflict)
``Stake``              ``Staked``
``Unstake``            ``Unstaked``; ``defi.insufficient_stake`` (rejected) beyond the
                       account's stake
``DistributeReward``   ``RewardDistributed``: the reward is spread over the current stake
                       (held until someone stakes when nobody does)
``ClaimReward``        ``RewardClaimed`` for everything the account is owed;
                       ``defi.nothing_to_claim`` (rejected) when that is zero
=====================  ====================================================================

Every command but ``OpenPool`` fails with ``defi.no_pool`` (not found) before the pool opens.
Malformed values (a naive ``issued_at``, blank ids, an amount that is zero, negative or beyond
u256, an invalid currency) fail with ``defi.invalid_command`` listing every problem; sums
that would leave u256 fail with ``numeric.overflow``.

>>> from datetime import UTC, datetime
>>> from astratrade_core.aggregate import Stream, handle
>>> from astratrade_core.money import USDC
>>> t = datetime(2026, 1, 1, tzinfo=UTC)
>>> stream = Stream.empty(STAKING_POOL)
>>> for command in (OpenPool(command_id="o", issued_at=t, pool_id="p", currency=USDC),
...                 Stake(command_id="s1", issued_at=t, pool_id="p", account_id="ann",
...                       amount=100),
...                 Stake(command_id="s2", issued_at=t, pool_id="p", account_id="bob",
...                       amount=300),
...                 DistributeReward(command_id="d", issued_at=t, pool_id="p", amount=1000)):
...     stream, _ = handle(STAKING_POOL, stream, command).unwrap()
>>> stream.state.pool.pending("ann"), stream.state.pool.pending("bob")
(250, 750)
>>> claim = ClaimReward(command_id="c", issued_at=t, pool_id="p", account_id="bob")
>>> stream, (claimed,) = handle(STAKING_POOL, stream, claim).unwrap()
>>> claimed.amount, claimed.currency
(Decimal('0.000750'), 'USDC')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Final, TypeVar

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.aggregate import Aggregate, Decision
from astratrade_core.defi.staking import PoolOp, StakingPool, fold_pool
from astratrade_core.errors import DomainError, collect
from astratrade_core.events.envelope import Event
from astratrade_core.events.revenue import (
    RewardClaimed,
    RewardDistributed,
    Staked,
    StakingPoolOpened,
    Unstaked,
)
from astratrade_core.money import Currency
from astratrade_core.numeric import U256_MAX
from astratrade_core.revenue.commands import (
    RevenueCommand,
    aware,
    bundled,
    currency_of,
    name,
)

__all__ = [
    "STAKING_POOL",
    "STAKING_POOL_EVENTS",
    "ClaimReward",
    "DistributeReward",
    "OpenPool",
    "PoolCommand",
    "PoolState",
    "Stake",
    "Unstake",
    "decide_pool",
    "evolve_pool",
    "evolve_pool_reference",
    "pool_stream",
]


def pool_stream(pool_id: str) -> str:
    """The stream of a staking pool.

    >>> pool_stream("strk-1")
    'pool-strk-1'
    """
    return f"pool-{pool_id}"


@attrs.frozen(kw_only=True)
class OpenPool(RevenueCommand):
    """Open ``pool_id``, paying rewards in ``currency``."""

    pool_id: str
    currency: Currency


@attrs.frozen(kw_only=True)
class Stake(RevenueCommand):
    """Add ``amount`` raw units to ``account_id``'s stake."""

    pool_id: str
    account_id: str
    amount: int


@attrs.frozen(kw_only=True)
class Unstake(RevenueCommand):
    """Withdraw ``amount`` raw units of ``account_id``'s stake (rewards stay owed)."""

    pool_id: str
    account_id: str
    amount: int


@attrs.frozen(kw_only=True)
class DistributeReward(RevenueCommand):
    """Emit ``amount`` raw reward units to the current stakers."""

    pool_id: str
    amount: int


@attrs.frozen(kw_only=True)
class ClaimReward(RevenueCommand):
    """Pay ``account_id`` everything it is owed."""

    pool_id: str
    account_id: str


#: Every command the staking pool aggregate decides.
PoolCommand = OpenPool | Stake | Unstake | DistributeReward | ClaimReward


@attrs.frozen
class PoolState:
    """A pool's stream folded: its id and reward currency (``None`` before it opens) and the
    accumulator itself."""

    EMPTY: ClassVar[PoolState]

    pool_id: str = ""
    currency: Currency | None = None
    pool: StakingPool = attrs.field(factory=StakingPool)


PoolState.EMPTY = PoolState()

T = TypeVar("T")


def _positive(value: int, field: str) -> Result[int, DomainError]:
    if isinstance(value, bool) or not 0 < value <= U256_MAX:
        return Failure(DomainError.invalid("defi.amount",
                                           f"{field}: must be an integer in 1..2**256-1",
                                           field=field, value=value))
    return Success(value)


def _checked(c: PoolCommand, *ids: tuple[str, str],
             fields: Result[T, DomainError]) -> Result[T, DomainError]:
    """``fields`` once the time and every id check out, or every problem at once."""
    return collect("defi.invalid_command", aware(c), name(c.pool_id, "pool_id"),
                   collect("defi.ids", *(name(v, f) for v, f in ids)) if ids
                   else Success(()), fields,
                   ).alt(lambda error: bundled("defi.invalid_command", error)).map(
        lambda values: values[3])


def _open_pool(state: PoolState, c: PoolCommand) -> Result[Currency, DomainError]:
    if state.currency is None:
        return Failure(DomainError.not_found("defi.no_pool", f"pool {c.pool_id} is not open",
                                             pool_id=c.pool_id))
    if state.pool_id != c.pool_id:
        return Failure(DomainError.invalid("defi.wrong_pool",
                                           f"this stream is pool {state.pool_id}",
                                           pool_id=c.pool_id, stream_pool=state.pool_id))
    return Success(state.currency)


def _open(state: PoolState, c: OpenPool) -> Decision:
    def opened(currency: Currency) -> Decision:
        if state.currency is not None:
            return Failure(DomainError.conflict("defi.pool_exists",
                                                f"pool {state.pool_id} is already open",
                                                pool_id=state.pool_id))
        return Success((StakingPoolOpened(
            **c.envelope(pool_stream(c.pool_id), 0), pool_id=c.pool_id,
            currency=currency.code, minor_unit=currency.minor_unit),))

    return _checked(c, fields=currency_of(c.currency)).bind(opened)


def _stake(state: PoolState, c: Stake) -> Decision:
    return _checked(c, (c.account_id, "account_id"), fields=_positive(c.amount, "amount")
                    ).bind(lambda amount: _open_pool(state, c).bind(
        lambda _: state.pool.stake(c.account_id, amount))).map(lambda _: (Staked(
            **c.envelope(pool_stream(c.pool_id), 0), pool_id=c.pool_id,
            account_id=c.account_id, amount=c.amount),))


def _unstake(state: PoolState, c: Unstake) -> Decision:
    return _checked(c, (c.account_id, "account_id"), fields=_positive(c.amount, "amount")
                    ).bind(lambda amount: _open_pool(state, c).bind(
        lambda _: state.pool.unstake(c.account_id, amount))).map(lambda _: (Unstaked(
            **c.envelope(pool_stream(c.pool_id), 0), pool_id=c.pool_id,
            account_id=c.account_id, amount=c.amount),))


def _distribute(state: PoolState, c: DistributeReward) -> Decision:
    return _checked(c, fields=_positive(c.amount, "amount")).bind(
        lambda amount: _open_pool(state, c).bind(
            lambda _: state.pool.notify_reward(amount))).map(lambda _: (RewardDistributed(
                **c.envelope(pool_stream(c.pool_id), 0), pool_id=c.pool_id,
                amount=c.amount),))


def _claim(state: PoolState, c: ClaimReward) -> Decision:
    def claimed(currency: Currency) -> Decision:
        def paid(amount: int) -> Decision:
            if amount == 0:
                return Failure(DomainError.rejected("defi.nothing_to_claim",
                                                    f"{c.account_id} is owed nothing",
                                                    account_id=c.account_id))
            return state.pool.claim(c.account_id).map(lambda claim: (claim.to_event(
                **c.envelope(pool_stream(c.pool_id), 0), pool_id=c.pool_id,
                account_id=c.account_id, currency=currency),))

        return paid(state.pool.pending(c.account_id))

    return _checked(c, (c.account_id, "account_id"), fields=Success(None)).bind(
        lambda _: _open_pool(state, c)).bind(claimed)


_RULES: Final[dict[type[Any], Callable[[PoolState, Any], Decision]]] = {
    OpenPool: _open,
    Stake: _stake,
    Unstake: _unstake,
    DistributeReward: _distribute,
    ClaimReward: _claim,
}


def decide_pool(state: PoolState, command: PoolCommand) -> Decision:
    """The events ``command`` produces against a pool's ``state``, or why not (see the module
    docstring)."""
    return _RULES[type(command)](state, command)


def evolve_pool(state: PoolState, events: Iterable[Event]) -> PoolState:
    """Fold a pool's events into its state through the same
    :class:`~astratrade_core.defi.staking.StakingPool` operations ``decide`` checked (so an
    event always applies; one that could not would leave the pool unchanged).

    The events become operations folded at once on integers
    (:func:`~astratrade_core.defi.staking.fold_pool`): the same state as
    :func:`evolve_pool_reference`, one operation at a time, field for field."""
    pool_id, currency = state.pool_id, state.currency
    ops: list[PoolOp] = []
    add = ops.append
    for event in events:
        if isinstance(event, Staked):
            add(("stake", event.account_id, event.amount))
        elif isinstance(event, Unstaked):
            add(("unstake", event.account_id, event.amount))
        elif isinstance(event, RewardDistributed):
            add(("notify", "", event.amount))
        elif isinstance(event, RewardClaimed):
            add(("claim", event.account_id, 0))
        elif isinstance(event, StakingPoolOpened):
            pool_id, currency = event.pool_id, Currency(event.currency, event.minor_unit)
    return PoolState(pool_id, currency, fold_pool(state.pool, ops) if ops else state.pool)


def evolve_pool_reference(state: PoolState, events: Iterable[Event]) -> PoolState:
    """:func:`evolve_pool` one :class:`StakingPool` method call per event (the reference
    its batch fold is tested against)."""
    pool_id, currency, pool = state.pool_id, state.currency, state.pool
    for event in events:
        if isinstance(event, Staked):
            pool = pool.stake(event.account_id, event.amount).value_or(pool)
        elif isinstance(event, Unstaked):
            pool = pool.unstake(event.account_id, event.amount).value_or(pool)
        elif isinstance(event, RewardDistributed):
            pool = pool.notify_reward(event.amount).value_or(pool)
        elif isinstance(event, RewardClaimed):
            pool = pool.claim(event.account_id).map(lambda claim: claim.pool).value_or(pool)
        elif isinstance(event, StakingPoolOpened):
            pool_id, currency = event.pool_id, Currency(event.currency, event.minor_unit)
    return PoolState(pool_id, currency, pool)


#: The staking pool events, the ones this aggregate produces and folds.
STAKING_POOL_EVENTS: Final[tuple[type[Event], ...]] = (
    StakingPoolOpened, Staked, Unstaked, RewardDistributed, RewardClaimed)

#: The staking pool as an :class:`~astratrade_core.aggregate.Aggregate`: one stream per
#: pool, :func:`pool_stream`.
STAKING_POOL: Final[Aggregate[PoolState, PoolCommand]] = Aggregate(
    "staking-pool", PoolState.EMPTY, decide_pool, evolve_pool, STAKING_POOL_EVENTS)
