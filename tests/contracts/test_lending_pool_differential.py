"""Differential test of the deployed ``LendingPool`` against the core's pure functions
(``astratrade_core.defi.lending``: ``update_reserve``, the scaled-balance roundings,
``account_health``, ``liquidation_amounts``).

Hypothesis draws one long sequence of supply / withdraw / borrow / repay / liquidate actions by
three users on two reserves (USD and ETH, ``lending_venue``), interleaved with time advances
(1 second to 60 days) at which the oracle publishes a new ETH price (100 to 4,000, so accounts
fall below health 1 and get liquidated).  A model built only from the core functions predicts
each action's outcome -- the new state, or the exact error string it reverts with -- and after
every action every stored word is compared: both reserves (indexes, scaled totals, available,
last update) and every user's scaled supply and debt, read from storage.  At the end the
contract's views (``reserve_now``, ``account_data``, ``health_factor``, balances) are compared
with the model at a later time.  Amounts mix tiny values (1..1000 units, where the roundings
bite) with large ones.

Each run opens with deposits of both assets, a loan each way and 30 days of interest (so
every later division by an index is inexact; ``OPENING``), then draws
``$ASTRATRADE_DIFFERENTIAL_CASES // 4`` actions if set, else 75 under ``CI`` and 12 otherwise
(each action is one VM call of the 31,000-word pool class: about 0.5 s on a quiet machine,
1.5-4 s on a loaded one); the test asserts it compared at least the opening plus half of them
(time advances are not compared actions) and saw at least three distinct outcomes.
Hypothesis draws the actions in examples of five, each continuing the chain where the previous
one stopped (the chain is the state: nothing to replay), without shrinking or a database.  A
withdrawal that burns ``floor`` instead of ``ceil`` (the core mutated) fails it within a run of
60 cases.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from starknet_py.hash.storage import get_storage_var_address

from astratrade_core.defi.lending import (
    AccountLine,
    ReserveState,
    account_health,
    debt_balance,
    liquidation_amounts,
    scaled_debt_burned,
    scaled_debt_minted,
    scaled_supply_burned,
    scaled_supply_minted,
    supply_balance,
    update_reserve,
)
from astratrade_core.numeric import WAD
from astratrade_shell.starknet.backend import ContractReverted
from astratrade_shell.starknet.local import LocalBackend
from tests.contracts.conftest import ALICE, BOB
from tests.contracts.lending_venue import ETH, MODEL, RISK, T0, USD, Market
from tests.contracts.venue import MAX, at_time

CAROL = 0xC3
USERS = (ALICE, BOB, CAROL)
CASES = int(os.environ.get("ASTRATRADE_DIFFERENTIAL_CASES",
                           "300" if os.environ.get("CI") else "50"))
ACTIONS = max(CASES // 4, 10)
CHUNK = 5
#: Every run starts from a market in use: deposits of both assets and a loan each way.
OPENING: tuple[tuple[Any, ...], ...] = (
    ("supply", BOB, USD, 100_000 * WAD), ("supply", ALICE, ETH, 50 * WAD),
    ("supply", CAROL, ETH, 20 * WAD), ("supply", CAROL, USD, 5_000 * WAD),
    ("borrow", ALICE, USD, 60_000 * WAD), ("borrow", BOB, ETH, 10 * WAD),
    ("advance", 30 * 86_400, 2000),   # both indexes above RAY from here on
)

AMOUNTS = st.one_of(st.integers(1, 1000), st.integers(1, 10**21),
                    st.integers(10**21, 3 * 10**22))
ASSET = st.sampled_from((USD, ETH))
USER = st.sampled_from(USERS)
ACTION = st.one_of(
    st.tuples(st.just("supply"), USER, ASSET, AMOUNTS),
    st.tuples(st.just("withdraw"), USER, ASSET, st.one_of(AMOUNTS, st.just("all"))),
    st.tuples(st.just("borrow"), USER, ASSET, AMOUNTS),
    st.tuples(st.just("repay"), USER, ASSET, st.one_of(AMOUNTS, st.just(MAX))),
    st.tuples(st.just("liquidate"), USER, USER, ASSET, ASSET, AMOUNTS),
    # Alice's USD loan against ETH goes under when ETH falls below 1,500: aim at it often.
    st.tuples(st.just("liquidate"), st.sampled_from((BOB, CAROL)), st.just(ALICE), st.just(USD),
              st.just(ETH), AMOUNTS),
    st.tuples(st.just("advance"), st.one_of(st.integers(1, 3600), st.integers(3600, 60 * 86400)),
              st.integers(100, 4000)),
)


@attrs.define
class Model:
    """The pool as the core functions say it must be."""

    now: int
    prices: dict[int, int]
    reserves: dict[int, ReserveState]
    supply: dict[tuple[int, int], int] = attrs.field(factory=dict)
    debt: dict[tuple[int, int], int] = attrs.field(factory=dict)

    def copy(self) -> Model:
        return Model(self.now, dict(self.prices), dict(self.reserves), dict(self.supply),
                     dict(self.debt))

    def grow(self, market: int) -> ReserveState:
        return update_reserve(MODEL, self.reserves[market], self.now).unwrap()

    def refresh(self, market: int) -> ReserveState:
        self.reserves[market] = self.grow(market)
        return self.reserves[market]

    def health(self, user: int) -> tuple[int, int, int, int]:
        lines = []
        for market in (USD, ETH):
            scaled_supply = self.supply.get((user, market), 0)
            scaled_debt = self.debt.get((user, market), 0)
            if scaled_supply or scaled_debt:
                reserve = self.grow(market)
                cf, lt, _ = RISK[market]
                lines.append(AccountLine(
                    supply_balance(scaled_supply, reserve.liquidity_index).unwrap(),
                    debt_balance(scaled_debt, reserve.borrow_index).unwrap(),
                    self.prices[market], cf, lt))
        h = account_health(tuple(lines)).unwrap()
        return h.borrow_capacity, h.liquidation_value, h.debt_value, h.health_factor

    def collateralized(self, user: int) -> bool:
        if not any(self.debt.get((user, m), 0) for m in (USD, ETH)):
            return True
        capacity, _, debt_value, _ = self.health(user)
        return debt_value <= capacity


Outcome = tuple[Model | None, str]


def _supply(m: Model, user: int, market: int, amount: int) -> Outcome:
    r = m.refresh(market)
    scaled = scaled_supply_minted(amount, r.liquidity_index).unwrap()
    if scaled == 0:
        return None, "lending: amount too small"
    m.reserves[market] = attrs.evolve(r, total_scaled_supply=r.total_scaled_supply + scaled,
                                      available=r.available + amount)
    m.supply[user, market] = m.supply.get((user, market), 0) + scaled
    return m, ""


def _withdraw(m: Model, user: int, market: int, amount: int | str) -> Outcome:
    r = m.refresh(market)
    if amount == "all":
        amount = supply_balance(m.supply.get((user, market), 0), r.liquidity_index).unwrap()
        if amount == 0:
            return None, "lending: amount is zero"
    assert isinstance(amount, int)
    scaled = scaled_supply_burned(amount, r.liquidity_index).unwrap()
    if scaled > m.supply.get((user, market), 0):
        return None, "lending: insufficient supply"
    if amount > r.available:
        return None, "lending: insufficient liquidity"
    m.supply[user, market] -= scaled
    m.reserves[market] = attrs.evolve(r, total_scaled_supply=r.total_scaled_supply - scaled,
                                      available=r.available - amount)
    return (m, "") if m.collateralized(user) else (None, "lending: undercollateralized")


def _borrow(m: Model, user: int, market: int, amount: int) -> Outcome:
    r = m.refresh(market)
    scaled = scaled_debt_minted(amount, r.borrow_index).unwrap()
    if amount > r.available:
        return None, "lending: insufficient liquidity"
    m.debt[user, market] = m.debt.get((user, market), 0) + scaled
    m.reserves[market] = attrs.evolve(r, total_scaled_debt=r.total_scaled_debt + scaled,
                                      available=r.available - amount)
    return (m, "") if m.collateralized(user) else (None, "lending: undercollateralized")


def _repay(m: Model, user: int, market: int, amount: int) -> Outcome:
    r = m.refresh(market)
    scaled_debt = m.debt.get((user, market), 0)
    if scaled_debt == 0:
        return None, "lending: no debt"
    paid = min(amount, debt_balance(scaled_debt, r.borrow_index).unwrap())
    burned = scaled_debt_burned(paid, scaled_debt, r.borrow_index).unwrap()
    m.debt[user, market] = scaled_debt - burned
    m.reserves[market] = attrs.evolve(r, total_scaled_debt=r.total_scaled_debt - burned,
                                      available=r.available + paid)
    return m, ""


def _liquidate(m: Model, liquidator: int, user: int, *markets_and_amount: int) -> Outcome:
    debt_market, collateral_market, amount = markets_and_amount
    if liquidator == user:
        return None, "lending: self liquidation"
    m.refresh(debt_market)
    rc = m.refresh(collateral_market)
    _, threshold, debt_value, _ = m.health(user)
    if not threshold < debt_value:
        return None, "lending: account healthy"
    scaled_debt = m.debt.get((user, debt_market), 0)
    if scaled_debt == 0:
        return None, "lending: no debt"
    scaled_collateral = m.supply.get((user, collateral_market), 0)
    if scaled_collateral == 0:
        return None, "lending: no collateral"
    rd = m.reserves[debt_market]
    debt = debt_balance(scaled_debt, rd.borrow_index).unwrap()
    collateral = supply_balance(scaled_collateral, rc.liquidity_index).unwrap()
    repaid, seized = liquidation_amounts(
        debt, collateral, debt_price=m.prices[debt_market],
        collateral_price=m.prices[collateral_market],
        bonus_bps=RISK[collateral_market][2], requested=amount).unwrap()
    burned = scaled_debt_burned(repaid, scaled_debt, rd.borrow_index).unwrap()
    moved = (scaled_collateral if seized == collateral
             else scaled_supply_burned(seized, rc.liquidity_index).unwrap())
    m.debt[user, debt_market] = scaled_debt - burned
    m.reserves[debt_market] = attrs.evolve(rd, total_scaled_debt=rd.total_scaled_debt - burned,
                                           available=rd.available + repaid)
    m.supply[user, collateral_market] = scaled_collateral - moved
    m.supply[liquidator, collateral_market] = (
        m.supply.get((liquidator, collateral_market), 0) + moved)
    return m, ""


PREDICT: dict[str, Callable[..., Outcome]] = {
    "supply": _supply, "withdraw": _withdraw, "borrow": _borrow, "repay": _repay,
    "liquidate": _liquidate}


def predict(model: Model, action: tuple[Any, ...]) -> Outcome:
    """The state after ``action``, or ``None`` and the error the contract must revert with
    (the checks in the contract's order; a revert leaves the model as it was)."""
    return PREDICT[action[0]](model.copy(), *action[1:])


def words(backend: LocalBackend, address: int, name: str, *keys: int, count: int) -> list[int]:
    base = get_storage_var_address(name, *keys)
    return [backend.storage(address, base + i) for i in range(count)]


def u256(low: int, high: int) -> int:
    return low + (high << 128)


def stored(market: Market, assets: dict[int, int]) -> tuple[dict[int, ReserveState],
                                                            dict[tuple[int, int], int],
                                                            dict[tuple[int, int], int]]:
    """Every word the model predicts, read from the pool's storage."""
    address, backend = market.pool.address, market.backend
    reserves = {}
    for key, asset in assets.items():
        w = words(backend, address, "Lending_reserves", asset, count=11)
        reserves[key] = ReserveState(u256(w[0], w[1]), u256(w[2], w[3]), u256(w[4], w[5]),
                                     u256(w[6], w[7]), u256(w[8], w[9]), w[10])
    supply, debt = {}, {}
    for user in USERS:
        for key, asset in assets.items():
            s = words(backend, address, "Lending_supply", user, asset, count=2)
            d = words(backend, address, "Lending_debt", user, asset, count=2)
            supply[user, key], debt[user, key] = u256(*s), u256(*d)
    return reserves, supply, debt


def perform(market: Market, assets: dict[int, int], action: tuple[Any, ...]) -> str:
    """Send ``action`` to the pool; '' or the revert message."""
    pool, kind = market.pool, action[0]
    try:
        if kind == "supply":
            pool.supply(action[1], assets[action[2]], action[3])
        elif kind == "withdraw":
            amount = action[3]
            if amount == "all":
                amount = pool.supply_balance_of(action[1], assets[action[2]])
            pool.withdraw(action[1], assets[action[2]], amount)
        elif kind == "borrow":
            pool.borrow(action[1], assets[action[2]], action[3])
        elif kind == "repay":
            pool.repay(action[1], assets[action[2]], action[3])
        else:
            pool.liquidate(action[1], action[2], assets[action[3]], assets[action[4]],
                           action[5])
    except ContractReverted as reverted:
        return reverted.message
    return ""


def test_pool_matches_the_core_functions(backend: LocalBackend) -> None:
    market = Market(backend)
    assets = {USD: market.usd.address, ETH: market.eth.address}
    with at_time(backend, T0):
        for user in USERS:
            for token in (market.usd, market.eth):
                market.fund(user, token, 10**30)
    start = Model(T0, {USD: WAD, ETH: 2000 * WAD},
                  {USD: ReserveState.listed(T0), ETH: ReserveState.listed(T0)})
    compared = [0]
    outcomes: set[str] = set()
    state = {"model": start}

    def act(step: int, action: tuple[Any, ...]) -> None:
        model = state["model"]
        if action[0] == "advance":
            model = model.copy()
            model.now += action[1]
            model.prices[ETH] = action[2] * WAD
            with at_time(backend, model.now):
                market.prices(usd=WAD, eth=action[2] * WAD)
            state["model"] = model
            return
        expected, error = predict(model, action)
        with at_time(backend, model.now):
            got = perform(market, assets, action)
        assert got == error, (step, action, got, error)
        outcomes.add(error or action[0])
        if expected is not None:
            state["model"] = model = expected
        reserves, supply, debt = stored(market, assets)
        assert reserves == model.reserves, (step, action)
        for key in supply:
            assert supply[key] == model.supply.get(key, 0), (step, action, key)
            assert debt[key] == model.debt.get(key, 0), (step, action, key)
        compared[0] += 1

    for step, action in enumerate(OPENING):
        act(step, action)

    # The chain is the state: each example continues where the previous one stopped (the
    # first example Hypothesis generates is its simplest; the later ones are random).
    @settings(max_examples=math.ceil(ACTIONS / CHUNK), database=None,
              phases=[Phase.generate], deadline=None)
    @given(st.lists(ACTION, min_size=CHUNK, max_size=CHUNK))
    def run(drawn: list[tuple[Any, ...]]) -> None:
        for action in drawn:
            act(compared[0], action)

    run()
    # The views at a later time, with fresh prices: indexes grown, balances, health.
    model = state["model"].copy()
    model.now += 86_400
    with at_time(backend, model.now):
        market.prices(usd=WAD, eth=model.prices[ETH])
        for key, asset in assets.items():
            assert market.pool.reserve_now(asset) == model.grow(key)
        for user in USERS:
            capacity, threshold, debt_value, health = model.health(user)
            assert market.pool.account_data(user) == (capacity, threshold, debt_value)
            assert market.pool.health_factor(user) == health
            reserve = model.grow(ETH)
            assert market.pool.supply_balance_of(user, assets[ETH]) == supply_balance(
                model.supply.get((user, ETH), 0), reserve.liquidity_index).unwrap()
            reserve = model.grow(USD)
            assert market.pool.debt_of(user, assets[USD]) == debt_balance(
                model.debt.get((user, USD), 0), reserve.borrow_index).unwrap()
    assert compared[0] >= len(OPENING) - 1 + ACTIONS // 2, (compared[0], ACTIONS)
    assert len(outcomes) >= 3, outcomes
    print(f"lending differential: {compared[0]} actions compared, outcomes {sorted(outcomes)}")
