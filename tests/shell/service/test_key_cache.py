"""The memory of verified keys (service.keys.VerifiedKeys, used by service.auth): a key is
checked against its slow verifier once per version of its user's stream, any change to the
user is seen by the very next request -- in this process or another one on the same store --
and nothing in memory is the key or an unkeyed hash of it."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from astratrade_core.users import RevokeApiKey, user_stream
from astratrade_shell.service.keys import KeyHasher, VerifiedKeys, fingerprint
from astratrade_shell.service.platform import Platform, open_platform
from tests.shell.service.support import Service, config_for, running


def _platform(service: Service) -> Platform:
    found: Platform = service.client.app.state.platform  # type: ignore[attr-defined]
    return found


def _count_checks(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every slow-verifier check the platform's hasher makes (and make them all go to
    scrypt: the hasher's own memory is emptied first)."""
    checked: list[str] = []
    original = KeyHasher.matches

    def counting(self: KeyHasher, key: str, verifier: str) -> bool:
        checked.append(key)
        self._seen.clear()
        return original(self, key, verifier)

    monkeypatch.setattr(KeyHasher, "matches", counting)
    return checked


def test_a_key_is_verified_once_per_version_of_its_user(
        service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    ann = service.user("ann")
    checked = _count_checks(_platform(service), monkeypatch)
    for _ in range(3):
        assert service.call("GET", "/v1/accounts/ann", ann).status_code == 200
    assert checked == [ann]                      # once, then remembered
    assert service.call("POST", "/v1/accounts/ann/deposits", ann,
                        json={"currency": "USD", "amount": "5"}).status_code == 200
    assert checked == [ann]                      # a deposit is not on the user's stream
    assert service.call("PUT", "/v1/users/ann/profile", ann,
                        json={"display_name": "Ann B"}).status_code == 200
    assert service.call("GET", "/v1/accounts/ann", ann).status_code == 200
    assert checked == [ann, ann]                 # the user changed: verified afresh


def test_revocation_takes_effect_on_the_next_request(service: Service) -> None:
    ann = service.user("ann")
    key_id = ann.split("_")[2]
    assert service.call("GET", "/v1/accounts/ann", ann).status_code == 200   # remembered
    assert service.call("DELETE", f"/v1/users/ann/keys/{key_id}",
                        service.admin_key).status_code == 200
    refused = service.call("GET", "/v1/accounts/ann", ann)
    assert refused.status_code == 401 and refused.json()["code"] == "auth.invalid"


def test_revocation_by_another_process_on_the_store_takes_effect_at_once(
        tmp_path: Path) -> None:
    store = tmp_path / "events.db"
    with running(store) as service:
        ann = service.user("ann")
        key_id = ann.split("_")[2]
        assert service.call("GET", "/v1/accounts/ann", ann).status_code == 200
        other = open_platform(config_for(store)).unwrap()   # a second service on the store
        try:
            revoked = other.app.execute(other.app.aggregate("user"), user_stream("ann"),
                                        RevokeApiKey(command_id="elsewhere", user_id="ann",
                                                     issued_at=other.app.now(), key_id=key_id))
            assert revoked.unwrap().version > 0
        finally:
            other.close()
        assert service.call("GET", "/v1/accounts/ann", ann).status_code == 401


def test_a_lowered_role_narrows_the_next_request(service: Service) -> None:
    ops = service.user("ops", role="operator")
    assert service.call("GET", "/v1/accounts/root", ops).status_code == 200   # operators read
    assert service.call("PUT", "/v1/users/ops/role", service.admin_key,
                        json={"role": "trader"}).status_code == 200
    assert service.call("GET", "/v1/accounts/root", ops).status_code == 403


def test_failed_checks_are_never_remembered(service: Service) -> None:
    ann = service.user("ann")
    forged = ann[:-1] + ("A" if ann[-1] != "A" else "B")
    for _ in range(2):
        assert service.call("GET", "/v1/accounts/ann", forged).status_code == 401
    assert service.call("GET", "/v1/accounts/ann", ann).status_code == 200


def test_memory_holds_no_key_and_no_unkeyed_hash(service: Service) -> None:
    ann = service.user("ann")
    assert service.call("GET", "/v1/accounts/ann", ann).status_code == 200
    platform = _platform(service)
    remembered: dict[bytes, Any] = dict(platform.verified_keys._entries)
    remembered.update(platform.hasher._seen)
    assert fingerprint(ann) in remembered
    for key in remembered:
        assert ann.encode() not in key
        assert key != hashlib.sha256(ann.encode()).digest()
    assert ann not in repr(remembered)


def test_the_memory_is_bounded_and_forgets_the_least_recently_used() -> None:
    seen: VerifiedKeys[int] = VerifiedKeys(size=2)
    seen.remember("a", 1, 10)
    seen.remember("b", 1, 20)
    assert seen.recall("a", 1) == 10      # a is now the most recently used
    seen.remember("c", 1, 30)             # b goes
    assert (seen.recall("a", 1), seen.recall("b", 1), seen.recall("c", 1)) == (10, None, 30)
    assert len(seen) == 2
    assert seen.recall("a", 2) is None and len(seen) == 1   # a stale entry is dropped
    seen.forget("c")
    assert len(seen) == 0
    with pytest.raises(ValueError, match="at least 1"):
        VerifiedKeys(size=0)
