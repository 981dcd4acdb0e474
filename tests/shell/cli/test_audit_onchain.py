"""``astratrade audit anchor --onchain`` and ``audit verify --onchain`` end to end: the store's
head written to the ``AuditAnchor`` contract on a local chain saved in a file, read back by a
later process, and truncation or a re-hashed rewrite before an anchor caught (exit 1), with
every other failure one ``error:`` line and its documented exit code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import Result

from astratrade_shell.starknet.anchor import LOCAL_ANCHORER, AuditAnchorClient
from astratrade_shell.starknet.local import LocalBackend
from astratrade_shell.store import open_sqlite_store
from tests.shell.bus.redis_fixtures import xp_event
from tests.shell.cli.test_audit import _error, _rehash_everything, _sql, _store, run

ANCHORED = re.compile(r"^anchored (\d+:[0-9a-f]{64}) in AuditAnchor 0x[0-9a-f]+ on the local "
                      r"chain (.+) \(anchor (\d+)\)$")


def _head(path: Path) -> str:
    result = run("audit", "head", "--store", str(path))
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def _anchor(path: Path, state: Path) -> Result:
    return run("audit", "anchor", "--onchain", "--store", str(path), "--chain-state", str(state))


def _verify(path: Path, state: Path) -> Result:
    return run("audit", "verify", "--onchain", "--store", str(path), "--chain-state", str(state))


def test_anchored_heads_catch_truncation_and_rehashed_rewrites(tmp_path: Path) -> None:
    path, state = tmp_path / "events.db", tmp_path / "chain.json"
    _store(path, 4)
    first = _anchor(path, state)
    assert first.exit_code == 0, first.output
    found = ANCHORED.match(first.stdout.strip())
    assert found is not None and found[1] == _head(path) and found[3] == "1"
    assert json.loads(state.read_text())["format"] == "astratrade-local-chain/1"
    # A later process reads the anchor back from the file.
    ok = _verify(path, state)
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.strip() == (f"ok: 4 records, chain intact, 1 anchor(s) hold (1 on-chain), "
                                 f"head {found[1]}")
    # The store grows: a second anchor; the same head again is not written twice.
    store = open_sqlite_store(path).unwrap()
    store.append("u-1", [xp_event("u-1", 4, 5), xp_event("u-1", 5, 5)], 4).unwrap()
    store.close()
    second = _anchor(path, state)
    assert second.exit_code == 0 and second.stdout.startswith(f"anchored {_head(path)} in ")
    assert second.stdout.strip().endswith("(anchor 2)")
    again = _anchor(path, state)
    assert again.exit_code == 0 and again.stdout.startswith(f"already anchored: {_head(path)}")
    original = path.read_bytes()
    # The last records deleted: the chain alone holds, the on-chain anchor at 6 does not.
    _sql(path, "DELETE FROM events WHERE position > 4")
    assert run("audit", "verify", "--store", str(path)).exit_code == 0
    truncated = _verify(path, state)
    assert truncated.exit_code == 1 and truncated.stdout == ""
    assert _error(truncated) == ("error: store.audit_broken: record at position 5: position 5 "
                                 "is missing: the store ends at position 4, an anchor says 6 "
                                 "(truncated)")
    # ...and the shorter head cannot be anchored over the longer one.
    saved = state.read_bytes()
    refused = _anchor(path, state)
    assert refused.exit_code == 1 and "record at position 5" in _error(refused)
    assert state.read_bytes() == saved
    # Record 2 rewritten and every hash recomputed: named at the first anchor (position 4).
    path.write_bytes(original)
    _sql(path, "UPDATE events SET data = ? WHERE position = 2", xp_event("u-1", 1, 999).data)
    _rehash_everything(path)
    assert run("audit", "verify", "--store", str(path)).exit_code == 0
    rewritten = _verify(path, state)
    assert rewritten.exit_code == 1
    assert _error(rewritten).startswith("error: store.audit_broken: record at position 4: the "
                                        "chain does not pass through the anchor 4:")


def test_the_contract_refusing_the_anchorer_is_exit_1(tmp_path: Path) -> None:
    # The saved chain's contract changed hands: the local anchorer is no longer allowed.
    path, state = tmp_path / "events.db", tmp_path / "chain.json"
    _store(path, 2)
    with LocalBackend() as chain:
        client = AuditAnchorClient.deploy(chain, caller=LOCAL_ANCHORER, owner=LOCAL_ANCHORER)
        client.transfer_ownership(LOCAL_ANCHORER, 0x5757)
        client.accept_ownership(0x5757)
        chain.save_state(state)
    saved = state.read_bytes()
    refused = _anchor(path, state)
    assert refused.exit_code == 1
    assert _error(refused) == "error: chain.refused: anchor: caller not anchorer"
    assert state.read_bytes() == saved
    nothing = _verify(path, state)
    assert nothing.exit_code == 0
    assert "0 anchor(s) hold (0 on-chain)" in nothing.stdout


def test_an_empty_store_has_nothing_to_anchor(tmp_path: Path) -> None:
    path, state = tmp_path / "events.db", tmp_path / "chain.json"
    _store(path, 0)
    result = _anchor(path, state)
    assert result.exit_code == 1
    assert _error(result) == "error: chain.nothing_to_anchor: the store holds no records"
    assert not state.exists()


@pytest.mark.parametrize(("arguments", "code", "message"), [
    (["anchor"], 2, "error: audit anchor writes on-chain only: pass --onchain"),
    (["verify", "--chain-state", "{state}"], 2,
     "error: --chain-state applies with --onchain only"),
    (["verify", "--onchain", "--chain-state", "{state}"], 2,
     "error: chain.missing_state: no chain state {state} (nothing was anchored there)"),
    (["verify", "--onchain"], 2, "error: chain.bad_state: --chain-state FILE (the local chain) "
                                 "or ASTRATRADE_AUDIT_ANCHOR with"),
    (["anchor", "--onchain"], 2, "error: chain.bad_state: --chain-state FILE"),
])
def test_usage_errors_need_no_chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    arguments: list[str], code: int, message: str) -> None:
    monkeypatch.delenv("ASTRATRADE_AUDIT_ANCHOR", raising=False)
    path, state = tmp_path / "events.db", tmp_path / "missing.json"
    _store(path, 1)
    result = run("audit", *[a.format(state=state) for a in arguments], "--store", str(path))
    assert result.exit_code == code
    assert _error(result).startswith(message.format(state=state))


def test_a_file_that_is_not_a_chain_state_is_bad_input(tmp_path: Path) -> None:
    path, state = tmp_path / "events.db", tmp_path / "chain.json"
    _store(path, 1)
    state.write_text('{"format": "something else"}')
    result = _verify(path, state)
    assert result.exit_code == 2
    assert _error(result) == (f"error: chain.bad_state: {state}: not an AstraTrade chain state "
                              "(format 'something else')")


def test_an_unreachable_node_is_exit_4(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "events.db"
    _store(path, 1)
    monkeypatch.setenv("ASTRATRADE_AUDIT_ANCHOR", "0x1234")
    monkeypatch.setenv("ASTRATRADE_STARKNET_RPC_URL", "http://127.0.0.1:9/rpc?apikey=s3cret")
    result = run("audit", "verify", "--onchain", "--store", str(path))
    assert result.exit_code == 4
    assert _error(result).startswith("error: chain.unavailable: ")
    assert "s3cret" not in result.output
    monkeypatch.setenv("ASTRATRADE_AUDIT_ANCHOR", "nowhere")
    bad = run("audit", "verify", "--onchain", "--store", str(path))
    assert bad.exit_code == 2
    assert _error(bad) == ("error: chain.bad_state: ASTRATRADE_AUDIT_ANCHOR: not an address: "
                           "'nowhere'")

