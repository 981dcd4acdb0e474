"""Hypothesis strategies for the user aggregate: plausible command sequences on one user's
stream (for the replay and idempotence laws) and hostile commands (for totality: blank,
non-ASCII and over-long texts, naive or out-of-range instants, unknown zones and currencies,
foreign users and actors of every role).

>>> from hypothesis import given
>>> @given(user_runs())
... def addressed(run):
...     assert all(c.user_id == "ann" for c in run)
...     assert len({c.command_id for c in run}) == len(run)
>>> addressed()
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

import attrs
from hypothesis import strategies as st

from astratrade_core.testing.social import hostile_instants
from astratrade_core.testing.strategies import hostile_texts
from astratrade_core.users.access import ROLE_SCOPES, Principal, Role, Scope
from astratrade_core.users.account import (
    ChangeRole,
    IssueApiKey,
    OpenTradingAccount,
    RegisterUser,
    RevokeApiKey,
    SetPreferences,
    UpdateProfile,
    UserCommand,
)

__all__ = ["KEY_IDS", "T0", "actors", "hostile_user_commands", "principals", "user_commands",
           "user_runs"]

#: The instant plausible commands are issued at.
T0 = datetime(2026, 3, 2, tzinfo=UTC)
#: The key ids plausible commands issue and revoke (few, so revocations find them).
KEY_IDS = ("aaaa1111", "bbbb2222", "cccc3333")

_scopes = st.frozensets(st.sampled_from(Scope), min_size=1)


_SOMEONE = st.sampled_from(["ann", "bob", "root"])


def principals(user_ids: st.SearchStrategy[str] = _SOMEONE) -> st.SearchStrategy[Principal]:
    """Principals of any role with any subset of their role's scopes."""
    def with_scopes(pair: tuple[str, Role]) -> st.SearchStrategy[Principal]:
        user, role = pair
        allowed = sorted(ROLE_SCOPES[role], key=lambda s: s.value)
        return st.frozensets(st.sampled_from(allowed)).map(
            lambda scopes: Principal(user, role, "kkkk0000", scopes))

    return st.tuples(user_ids, st.sampled_from(Role)).flatmap(with_scopes)


def actors() -> st.SearchStrategy[Principal | None]:
    """Mostly the platform (None) or the user themself; sometimes others of any role."""
    own = principals(st.just("ann"))
    return st.one_of(st.none(), own, principals())


def user_commands(command_id: str) -> st.SearchStrategy[UserCommand]:
    """One plausible command to ``ann``'s stream."""
    return _plausible().map(lambda command: attrs.evolve(command, command_id=command_id))


@functools.cache
def _plausible() -> st.SearchStrategy[UserCommand]:
    """Plausible commands with a placeholder id (built once: strategies are values)."""
    base: dict[str, Any] = {"command_id": st.just("c"), "user_id": st.just("ann"),
                            "issued_at": st.just(T0), "actor": actors()}
    return st.one_of(
        st.builds(RegisterUser, **base, display_name=st.sampled_from(["Ann", "A"]),
                  role=st.sampled_from(Role)),
        st.builds(UpdateProfile, **base, display_name=st.sampled_from(["Ann B", "Ann"]),
                  bio=st.sampled_from(["", "trader", "x" * 280])),
        st.builds(SetPreferences, **base,
                  time_zone=st.sampled_from(["UTC", "Europe/Berlin", "Asia/Tokyo"]),
                  display_currency=st.sampled_from(["USD", "EUR"])),
        st.builds(OpenTradingAccount, **base, label=st.sampled_from(["savings", "bot", "x"])),
        st.builds(ChangeRole, **base, role=st.sampled_from(Role)),
        st.builds(IssueApiKey, **base, key_id=st.sampled_from(KEY_IDS),
                  label=st.sampled_from(["bot", ""]), scopes=_scopes,
                  verifier=st.just("scrypt$16384$8$1$c2FsdA$aGFzaA")),
        st.builds(RevokeApiKey, **base, key_id=st.sampled_from(KEY_IDS)),
    )


@st.composite
def user_runs(draw: st.DrawFn, max_size: int = 12) -> list[UserCommand]:
    """A run of plausible commands to ``ann``'s stream, usually opened by registering her
    through the platform, numbered ``c0, c1, ...``."""
    size: int = draw(st.integers(0, max_size))
    commands: list[UserCommand] = [attrs.evolve(draw(_plausible()), command_id=f"c{i}")
                                   for i in range(size)]
    opened: bool = draw(st.booleans())
    if commands and opened:
        commands[0] = RegisterUser(command_id="c0", user_id="ann", issued_at=T0,
                                   display_name="Ann", role=draw(st.sampled_from(Role)))
    return commands


def hostile_user_commands() -> st.SearchStrategy[UserCommand]:
    """Any command of the aggregate's types with hostile values in every field."""
    texts = hostile_texts()
    base: dict[str, Any] = {"command_id": texts, "user_id": st.one_of(texts, st.just("ann")),
                            "issued_at": hostile_instants(), "actor": actors()}
    return st.one_of(
        st.builds(RegisterUser, **base, display_name=texts, role=st.sampled_from(Role)),
        st.builds(UpdateProfile, **base, display_name=texts, bio=texts),
        st.builds(SetPreferences, **base,
                  time_zone=st.one_of(texts, st.sampled_from(
                      ["Mars/Olympus", "../etc/passwd", "America", "Etc/GMT+14", "UTC"])),
                  display_currency=texts),
        st.builds(OpenTradingAccount, **base, label=texts),
        st.builds(ChangeRole, **base, role=st.sampled_from(Role)),
        st.builds(IssueApiKey, **base, key_id=st.one_of(texts, st.sampled_from(KEY_IDS)),
                  label=texts, scopes=st.frozensets(st.sampled_from(Scope)), verifier=texts),
        st.builds(RevokeApiKey, **base, key_id=st.one_of(texts, st.sampled_from(KEY_IDS))),
    )
