"""OCO and bracket groups: validation codes, the arming rule, and the law that once an exit
executes the other is cancelled and nothing of the group runs again (whatever the order of
the venue's updates)."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.trading import (
    GroupKind,
    GroupState,
    OrderGroup,
    OrderKind,
    OrderRequest,
    OrderStatus,
    PositionSide,
    Side,
    Trailing,
    validate_group,
)

D = Decimal


def order(cid: str, side: Side, kind: OrderKind = OrderKind.MARKET, quantity: str = "1",
          **fields: object) -> OrderRequest:
    return OrderRequest(client_order_id=cid, account_id="a", symbol="BTC", side=side,
                        quantity=D(quantity), kind=kind, **fields)  # type: ignore[arg-type]


ENTRY = order("e", Side.BUY, OrderKind.LIMIT, limit_price=D("30000"))
STOP = order("sl", Side.SELL, OrderKind.STOP_MARKET, stop_price=D("29000"), reduce_only=True)
TARGET = order("tp", Side.SELL, OrderKind.TAKE_PROFIT_MARKET, stop_price=D("32000"),
               reduce_only=True)
BRACKET = OrderGroup.bracket("b", ENTRY, STOP, TARGET)


def test_a_valid_bracket_and_oco_pass() -> None:
    assert validate_group(BRACKET).unwrap() == BRACKET
    oco = OrderGroup.oco("o", STOP, attrs.evolve(TARGET, kind=OrderKind.LIMIT, stop_price=None,
                                                  limit_price=D("32000")))
    assert validate_group(oco).unwrap().kind is GroupKind.OCO


@pytest.mark.parametrize(("group", "codes"), [
    (OrderGroup(group_id="g", kind=GroupKind.OCO, orders=(STOP,)), ("order.group_members",)),
    (OrderGroup.oco("sl", STOP, TARGET), ("order.group_ids",)),
    (OrderGroup.oco("g", STOP, attrs.evolve(TARGET, symbol="ETH")), ("order.group_market",)),
    (OrderGroup.bracket("b", attrs.evolve(ENTRY, kind=OrderKind.STOP_MARKET), STOP, TARGET),
     ("order.bracket_entry",)),
    (OrderGroup.bracket("b", ENTRY, attrs.evolve(STOP, reduce_only=False), TARGET),
     ("order.bracket_exits",)),
    (OrderGroup.bracket("b", ENTRY, STOP, attrs.evolve(TARGET, quantity=D("2"))),
     ("order.bracket_exits",)),
    (OrderGroup.bracket("b", ENTRY, attrs.evolve(STOP, stop_price=D("32000")), TARGET),
     ("order.bracket_prices",)),
    (OrderGroup.bracket("e", ENTRY, attrs.evolve(STOP, side=Side.BUY), TARGET),
     ("order.group_ids", "order.bracket_exits")),
])
def test_every_group_problem_has_its_code(group: OrderGroup, codes: tuple[str, ...]) -> None:
    error = validate_group(group).failure()
    assert (error.code, error.codes()) == ("order.group", codes)


def test_a_hedge_bracket_needs_no_reduce_only() -> None:
    # on a LONG leg, the sell exits reduce by nature (Binance refuses reduceOnly there)
    legs = [attrs.evolve(o, position_side=PositionSide.LONG, reduce_only=False)
            for o in (ENTRY, STOP, TARGET)]
    assert isinstance(validate_group(OrderGroup.bracket("b", *legs)).unwrap(), OrderGroup)
    trailing = attrs.evolve(STOP, kind=OrderKind.TRAILING_STOP_MARKET, stop_price=None,
                            trailing=Trailing.percent(D("0.01")))
    assert validate_group(OrderGroup.bracket("b", ENTRY, trailing, TARGET)).unwrap()


def test_a_bracket_arms_its_exits_for_what_the_entry_filled() -> None:
    state = GroupState.start(BRACKET)
    assert state.pending() == ("sl", "tp")
    state, actions = state.on_update("e", OrderStatus.OPEN, D("0.4"))  # a partial fill
    assert (actions.place, actions.cancel, state.armed) == ((), (), False)
    state, actions = state.on_update("e", OrderStatus.CANCELLED, D("0.4"))
    assert [(o.client_order_id, o.quantity) for o in actions.place] == [
        ("sl", D("0.4")), ("tp", D("0.4"))]
    assert state.armed and state.pending() == ()


def test_an_entry_that_ends_unfilled_cancels_the_exits() -> None:
    state, actions = GroupState.start(BRACKET).on_update("e", OrderStatus.EXPIRED, D("0"))
    assert (actions.cancel, actions.place, state.done) == (("sl", "tp"), (), True)


def test_cancelling_members() -> None:
    # the entry alone: its final status then decides; an exit: the whole group ends
    state = GroupState.start(BRACKET)
    assert state.on_cancel("e") == (state, state.on_cancel("e")[1])
    assert state.on_cancel("e")[1].cancel == ()
    ended, actions = state.on_cancel("sl")
    assert (ended.done, actions.cancel) == (True, ("e", "tp"))
    oco = GroupState.start(OrderGroup.oco("o", STOP, TARGET))
    assert oco.on_cancel("tp")[1].cancel == ("sl",)


updates = st.lists(st.tuples(st.sampled_from(["e", "sl", "tp"]),
                             st.sampled_from(list(OrderStatus)),
                             st.sampled_from([D(0), D("0.5"), D(1)])), max_size=12)


@given(updates, st.sampled_from([GroupKind.OCO, GroupKind.BRACKET]))
def test_once_an_exit_executes_the_other_is_cancelled_and_the_group_is_over(
        sequence: list[tuple[str, OrderStatus, Decimal]], kind: GroupKind) -> None:
    group = BRACKET if kind is GroupKind.BRACKET else OrderGroup.oco("o", STOP, TARGET)
    state = GroupState.start(group)
    placed = 0
    for cid, status, filled in sequence:
        before = state
        state, actions = state.on_update(cid, status, filled)
        placed += len(actions.place)
        assert placed in (0, 2)  # exits are placed once, together
        if cid in ("sl", "tp") and before.armed and not before.done and (
                filled > 0 or status.is_final):
            assert state.done and actions.cancel == tuple(
                other for other in ("sl", "tp") if other != cid)
        if before.done:
            assert (state, actions.cancel, actions.place) == (before, (), ())


def test_members_with_unusable_values_are_refused_before_they_are_compared() -> None:
    # Totality (tests/test_totality.py): a member quantity of sNaN raised InvalidOperation and a
    # side outside the enum raised AttributeError
    def member(cid: str, **changes: object) -> OrderRequest:
        fields: dict[str, object] = {"client_order_id": cid, "account_id": "a",
                                     "symbol": "BTC", "side": Side.SELL,
                                     "quantity": Decimal("1"), "kind": OrderKind.LIMIT,
                                     "limit_price": Decimal("10")}
        return OrderRequest(**{**fields, **changes})  # type: ignore[arg-type]

    for bad in ({"quantity": Decimal("sNaN")}, {"limit_price": Decimal("NaN")},
                {"side": "not a member"}, {"quantity": "1"}):
        group = OrderGroup.oco("g", member("x", **bad), member("y"))
        assert validate_group(group).failure().codes() == ("order.group_values",)
