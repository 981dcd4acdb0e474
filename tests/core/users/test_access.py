"""Laws of the authorization rule, over every principal the roles allow."""

from __future__ import annotations

import attrs
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Success

from astratrade_core.errors import ErrorKind
from astratrade_core.testing.users import principals
from astratrade_core.users import ROLE_SCOPES, Principal, Scope, authorize

owners = st.one_of(st.none(), st.sampled_from(["ann", "bob", "root"]))


@given(principals(), st.sampled_from(Scope), owners)
def test_only_reading_reaches_someone_elses_things_and_only_with_operate(
        who: Principal, scope: Scope, owner: str | None) -> None:
    allowed = isinstance(authorize(who, scope, owner), Success)
    if allowed and owner not in (None, who.user_id):
        assert scope is Scope.READ and Scope.OPERATE in who.scopes
    if not allowed:
        assert authorize(who, scope, owner).failure().kind is ErrorKind.FORBIDDEN


@given(principals(), st.sampled_from(Scope), owners)
def test_more_scopes_never_take_a_permission_away(who: Principal, scope: Scope,
                                                   owner: str | None) -> None:
    wider = attrs.evolve(who, scopes=ROLE_SCOPES[who.role])
    if isinstance(authorize(who, scope, owner), Success):
        assert isinstance(authorize(wider, scope, owner), Success)


@given(principals(), st.sampled_from(Scope))
def test_a_key_holding_the_scope_may_always_act_on_its_own_things(who: Principal,
                                                                  scope: Scope) -> None:
    assert isinstance(authorize(who, scope, who.user_id), Success) == (scope in who.scopes)
