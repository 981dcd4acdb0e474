"""``AuditAnchor``: heads recorded by the owner or an operator, positions strictly increasing,
every anchor kept, ``#[key]`` events; and the local chain's state surviving its process."""

from __future__ import annotations

from pathlib import Path

import pytest

from astratrade_core.events.audit import ChainHead
from astratrade_shell.starknet.abi import selector
from astratrade_shell.starknet.anchor import AuditAnchorClient, head_to_chain
from astratrade_shell.starknet.backend import ContractReverted
from astratrade_shell.starknet.local import ChainStateError, LocalBackend
from tests.contracts.conftest import OPERATOR, OWNER, STRANGER

NOT_ANCHORER = "anchor: caller not anchorer"
NOT_INCREASING = "anchor: position not after last"
NO_SUCH_ANCHOR = "anchor: no such anchor"
U64_MAX = 2**64 - 1


def _head(position: int, fill: int) -> ChainHead:
    return ChainHead(position, bytes([fill]) * 32)


@pytest.fixture
def anchor(backend: LocalBackend) -> AuditAnchorClient:
    client = AuditAnchorClient.deploy(backend, caller=OWNER, owner=OWNER)
    client.set_operator(OWNER, OPERATOR, True)
    return client


def test_a_new_contract_has_no_anchor(anchor: AuditAnchorClient) -> None:
    assert anchor.latest() is None
    assert anchor.view("latest_anchor") == ([0, 0],)
    assert anchor.count() == 0
    assert anchor.anchors() == ()
    with pytest.raises(ContractReverted) as refused:
        anchor.at(0)
    assert refused.value.message == NO_SUCH_ANCHOR


def test_owner_and_operator_anchor_and_every_anchor_is_kept(anchor: AuditAnchorClient) -> None:
    first, second = _head(4, 0xAB), _head(6, 0xFF)
    receipt = anchor.anchor(OWNER, first)
    (event,) = receipt.named("Anchored")
    assert event.fields == {"position": 4, "head_hash": int("ab" * 32, 16), "anchorer": OWNER,
                            "index": 0}
    anchor.anchor(OPERATOR, second)
    assert anchor.latest() == second
    assert anchor.count() == 2
    assert anchor.anchors() == (first, second)
    assert anchor.at(1) == second
    with pytest.raises(ContractReverted, match=NO_SUCH_ANCHOR):
        anchor.at(2)


def test_the_event_keys_are_position_hash_and_anchorer(anchor: AuditAnchorClient) -> None:
    # A u256 key is two felts (low, high): an indexer filters on the head's position and hash.
    head = ChainHead(7, bytes(range(32)))
    (raw,) = anchor.anchor(OWNER, head).outcome.events
    value = int.from_bytes(head.head, "big")
    assert raw.keys == (selector("Anchored"), 7, value % 2**128, value >> 128, OWNER)
    assert raw.data == (0,)


@pytest.mark.parametrize(("earlier", "later"), [(5, 5), (5, 4), (U64_MAX, 1)])
def test_positions_must_increase(anchor: AuditAnchorClient, earlier: int, later: int) -> None:
    anchor.anchor(OWNER, _head(earlier, 1))
    with pytest.raises(ContractReverted) as refused:
        anchor.anchor(OWNER, _head(later, 2))
    assert refused.value.message == NOT_INCREASING
    assert refused.value.outcome.events == ()
    assert anchor.anchors() == (_head(earlier, 1),)


def test_position_zero_is_never_an_anchor(anchor: AuditAnchorClient) -> None:
    # An empty store's head is the genesis: there is nothing to anchor.
    with pytest.raises(ContractReverted, match=NOT_INCREASING):
        anchor.anchor(OWNER, ChainHead(0, bytes(32)))
    assert anchor.count() == 0


def test_extremes_round_trip(anchor: AuditAnchorClient) -> None:
    top = ChainHead(U64_MAX, b"\xff" * 32)
    anchor.anchor(OWNER, ChainHead(1, bytes(32)))
    anchor.anchor(OWNER, top)
    assert anchor.anchors() == (ChainHead(1, bytes(32)), top)
    assert head_to_chain(top) == (U64_MAX, 2**256 - 1)


def test_strangers_and_revoked_operators_are_refused(anchor: AuditAnchorClient) -> None:
    assert anchor.is_anchorer(OWNER) and anchor.is_anchorer(OPERATOR)
    assert not anchor.is_anchorer(STRANGER)
    with pytest.raises(ContractReverted) as refused:
        anchor.anchor(STRANGER, _head(1, 1))
    assert refused.value.message == NOT_ANCHORER
    anchor.set_operator(OWNER, OPERATOR, False)
    with pytest.raises(ContractReverted, match=NOT_ANCHORER):
        anchor.anchor(OPERATOR, _head(1, 1))
    anchor.transfer_ownership(OWNER, STRANGER)
    anchor.anchor(OWNER, _head(1, 1))  # only proposed: the owner is still the owner
    anchor.accept_ownership(STRANGER)
    with pytest.raises(ContractReverted, match=NOT_ANCHORER):
        anchor.anchor(OWNER, _head(1, 1))
    anchor.anchor(STRANGER, _head(2, 2))
    assert anchor.count() == 2


def test_a_saved_chain_is_the_same_chain_in_another_process(backend: LocalBackend,
                                                            tmp_path: Path) -> None:
    state = tmp_path / "chain.json"
    client = AuditAnchorClient.deploy(backend, caller=OWNER, owner=OWNER)
    client.anchor(OWNER, _head(3, 0x33))
    backend.save_state(state)
    with LocalBackend() as second:
        second.load_state(state)
        assert second.contracts() == backend.contracts()
        assert second.contracts()[client.address] == "AuditAnchor"
        again = AuditAnchorClient(second, client.address, client.abi)
        assert again.anchors() == (_head(3, 0x33),)
        with pytest.raises(ContractReverted, match=NOT_INCREASING):
            again.anchor(OWNER, _head(3, 0x44))
        again.anchor(OWNER, _head(9, 0x99))
        # A later deployment does not reuse the saved contract's address.
        other = AuditAnchorClient.deploy(second, caller=OWNER, owner=OWNER)
        assert other.address > client.address
        assert again.owner() == OWNER and again.count() == 2


def test_a_state_file_that_is_not_one_or_a_rebuilt_class_is_refused(backend: LocalBackend,
                                                                   tmp_path: Path) -> None:
    state = tmp_path / "chain.json"
    AuditAnchorClient.deploy(backend, caller=OWNER, owner=OWNER)
    backend.save_state(state)
    saved = state.read_text()
    cases = {
        "{}": "not an AstraTrade chain state (format 'None')",
        "[1]": "not an AstraTrade chain state (AttributeError",
        saved.replace('"storage": [', '"storage": [["zz", "0x1", "0x1"], ', 1):
            "not an AstraTrade chain state (ValueError",
        saved.replace('"class_hash": "0x', '"class_hash": "0x1', 1):
            "was rebuilt since the chain state was saved (class_hash",
    }
    with LocalBackend() as fresh:
        for text, reason in cases.items():
            state.write_text(text)
            with pytest.raises(ChainStateError) as refused:
                fresh.load_state(state)
            assert reason in str(refused.value)
        assert fresh.contracts() == {}
