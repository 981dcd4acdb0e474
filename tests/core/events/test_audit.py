"""The audit chain: the link definition, and every kind of tampering is found at its index."""

from __future__ import annotations

import hashlib
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st
from returns.result import Failure, Success

from astratrade_core.events.audit import (
    GENESIS_HASH,
    BreakCause,
    ChainBreak,
    ChainHead,
    chain_hashes,
    link_hash,
    record_content,
    verify_chain,
)

Pairs = list[tuple[bytes, bytes]]

# Distinct records (equal neighbours would make a swap a no-op, which is not tampering).
records = st.lists(st.binary(max_size=40), min_size=1, max_size=12, unique=True)


def _chain(data: list[bytes]) -> Pairs:
    return list(zip(data, chain_hashes(data), strict=True))


def test_genesis_link_matches_the_published_sha256_of_32_zero_bytes() -> None:
    # SHA-256 of 32 zero bytes (a widely published test value, e.g. the empty Merkle leaf
    # of many chains): 66687aad f862bd77 6c8fc18b 8e9f8e20 08971485 6ee233b3 902a591d 0d5f2925
    assert bytes(32) == GENESIS_HASH
    assert link_hash(GENESIS_HASH, b"").hex() == (
        "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925")


def test_link_is_sha256_of_predecessor_then_bytes() -> None:
    first = link_hash(GENESIS_HASH, b"abc")
    assert first == hashlib.sha256(bytes(32) + b"abc").digest()
    assert link_hash(first, b"d") == hashlib.sha256(first + b"d").digest()
    assert chain_hashes([b"abc", b"d"]) == (first, link_hash(first, b"d"))


def test_empty_chain_verifies_to_its_start() -> None:
    assert verify_chain([]) == Success(ChainHead(0, GENESIS_HASH))
    assert verify_chain([], anchor=ChainHead(0, GENESIS_HASH)) == Success(
        ChainHead(0, GENESIS_HASH))


def test_break_converts_to_a_domain_error() -> None:
    error = ChainBreak(4, b"\x01", b"\x02").error
    assert (error.code, error.fields["index"], error.fields["expected"],
            error.fields["found"]) == ("audit.broken_link", "4", "01", "02")


@given(records)
def test_an_untouched_chain_verifies(data: list[bytes]) -> None:
    pairs = _chain(data)
    head = ChainHead(len(data), pairs[-1][1])
    assert verify_chain(pairs) == Success(head)
    assert verify_chain(pairs, anchor=head) == Success(head)


@given(records, st.data())
def test_a_tail_verifies_from_its_checkpoint(data: list[bytes], draw: st.DataObject) -> None:
    pairs = _chain(data)
    cut = draw.draw(st.integers(0, len(pairs)))
    start = GENESIS_HASH if cut == 0 else pairs[cut - 1][1]
    assert verify_chain(pairs[cut:], start=start).unwrap().head == pairs[-1][1]


@given(records, st.data())
def test_any_single_byte_change_is_found_at_its_record(data: list[bytes],
                                                       draw: st.DataObject) -> None:
    pairs = _chain(data)
    k = draw.draw(st.integers(0, len(pairs) - 1))
    in_hash = draw.draw(st.booleans()) or not pairs[k][0]
    target = bytearray(pairs[k][1] if in_hash else pairs[k][0])
    at = draw.draw(st.integers(0, len(target) - 1))
    target[at] ^= draw.draw(st.integers(1, 255))
    pairs[k] = (pairs[k][0], bytes(target)) if in_hash else (bytes(target), pairs[k][1])
    result = verify_chain(pairs)
    assert isinstance(result, Failure)
    assert result.failure().index == k


@given(records, st.data())
def test_any_deletion_is_found(data: list[bytes], draw: st.DataObject) -> None:
    pairs = _chain(data)
    anchor = ChainHead(len(pairs), pairs[-1][1])
    k = draw.draw(st.integers(0, len(pairs) - 1))
    del pairs[k]
    # The removed record's successor, now at index k, no longer links; a removed last record
    # is a truncation only the anchor can reveal.
    assert verify_chain(pairs, anchor=anchor).failure().index == k
    if k < len(pairs):
        assert verify_chain(pairs).failure().index == k


@given(records, st.data())
def test_any_insertion_is_found(data: list[bytes], draw: st.DataObject) -> None:
    pairs = _chain(data)
    anchor = ChainHead(len(pairs), pairs[-1][1])
    n = len(pairs)
    k = draw.draw(st.integers(0, n))
    forged = draw.draw(st.binary(max_size=40))
    assume(k == n or forged != data[k])  # else it is the original, and the copy follows it
    # The strongest forger links the inserted record correctly to its predecessor, so the
    # displaced original (now at k + 1) is the first bad link -- unless the forged record
    # lands on or beyond the anchored end, where the anchor pins it down at k itself.
    previous = GENESIS_HASH if k == 0 else pairs[k - 1][1]
    pairs.insert(k, (forged, link_hash(previous, forged)))
    assert verify_chain(pairs, anchor=anchor).failure().index == (k if k >= n - 1 else k + 1)
    if k < n:
        assert verify_chain(pairs).failure().index == k + 1


@given(records.filter(lambda d: len(d) >= 2), st.data())
def test_any_reordering_is_found(data: list[bytes], draw: st.DataObject) -> None:
    pairs = _chain(data)
    i = draw.draw(st.integers(0, len(pairs) - 2))
    j = draw.draw(st.integers(i + 1, len(pairs) - 1))
    pairs[i], pairs[j] = pairs[j], pairs[i]
    assert verify_chain(pairs).failure().index == i


@given(records, st.data())
def test_a_consistent_rewrite_is_found_only_against_an_anchor(data: list[bytes],
                                                              draw: st.DataObject) -> None:
    pairs = _chain(data)
    anchor = ChainHead(len(pairs), pairs[-1][1])
    k = draw.draw(st.integers(0, len(pairs) - 1))
    forged = [*data[:k], data[k] + b"!", *data[k + 1:]]
    rewritten = _chain(forged)  # every hash recomputed: internally consistent
    assert isinstance(verify_chain(rewritten), Success)
    assert verify_chain(rewritten, anchor=anchor).failure().index == len(pairs) - 1


@given(records, st.binary(max_size=40))
def test_an_append_beyond_the_anchor_is_found(data: list[bytes], extra: bytes) -> None:
    pairs = _chain(data)
    anchor = ChainHead(len(pairs), pairs[-1][1])
    pairs.append((extra, link_hash(pairs[-1][1], extra)))
    assert verify_chain(pairs, anchor=anchor).failure() == ChainBreak(
        len(pairs) - 1, b"", pairs[-1][1], BreakCause.BEYOND_ANCHOR)


@given(records, st.data())
def test_a_checkpoint_catches_truncation_and_a_consistent_rewrite_before_it(
        data: list[bytes], draw: st.DataObject) -> None:
    pairs = _chain(data)
    n = draw.draw(st.integers(1, len(pairs)))
    checkpoint = ChainHead(n, pairs[n - 1][1])
    # Untouched, with more records after the checkpoint: fine (unlike an end anchor).
    assert verify_chain(pairs, checkpoints=[checkpoint]) == Success(
        ChainHead(len(pairs), pairs[-1][1]))
    # The last records deleted, down to below the checkpoint: the first missing index.
    keep = draw.draw(st.integers(0, n - 1))
    assert verify_chain(pairs[:keep], checkpoints=[checkpoint]).failure() == ChainBreak(
        keep, b"", b"", BreakCause.MISSING)
    # Record k <= n rewritten and every hash recomputed: consistent, but not through the
    # checkpoint, which names its own index.
    k = draw.draw(st.integers(0, n - 1))
    rewritten = _chain([*data[:k], data[k] + b"!", *data[k + 1:]])
    assert isinstance(verify_chain(rewritten), Success)
    assert verify_chain(rewritten, checkpoints=[checkpoint]).failure() == ChainBreak(
        n - 1, checkpoint.head, rewritten[n - 1][1], BreakCause.ANCHOR_MISMATCH)


def test_a_checkpoint_at_zero_is_the_start() -> None:
    assert verify_chain([], checkpoints=[ChainHead(0, GENESIS_HASH)]) == Success(
        ChainHead(0, GENESIS_HASH))
    assert verify_chain([], checkpoints=[ChainHead(0, b"\x01" * 32)]).failure() == ChainBreak(
        0, b"\x01" * 32, GENESIS_HASH, BreakCause.ANCHOR_MISMATCH)


_cells = st.fixed_dictionaries({
    "position": st.integers(), "stream_id": st.text(), "version": st.integers(),
    "event_id": st.text(), "event_type": st.text(), "schema_version": st.integers(),
    "command_id": st.none() | st.text(), "data": st.binary()})


@given(_cells, _cells)
def test_record_content_is_injective(a: dict[str, Any], b: dict[str, Any]) -> None:
    # Different records (any field, text with lone surrogates included) never share bytes.
    assert (record_content(**a) == record_content(**b)) == (a == b)


@given(_cells, st.data())
def test_record_content_changes_with_any_one_field(a: dict[str, Any],
                                                   draw: st.DataObject) -> None:
    field = draw.draw(st.sampled_from(sorted(a)))
    b = draw.draw(_cells)
    assume(b[field] != a[field])
    assert record_content(**a) != record_content(**(a | {field: b[field]}))


def test_record_content_covers_every_field_by_hand() -> None:
    # Laid out by hand from the format in record_content's docstring.
    def field(tag: bytes, raw: bytes) -> bytes:
        return tag + len(raw).to_bytes(8, "big") + raw

    assert record_content(position=12, stream_id="s", version=-3, event_id="e", event_type="T",
                          schema_version=1, command_id=None, data=b"{}") == (
        b"astratrade.record.2\n" + field(b"i", b"12") + field(b"s", b"s") + field(b"i", b"-3")
        + field(b"s", b"e") + field(b"s", b"T") + field(b"i", b"1") + field(b"n", b"")
        + field(b"b", b"{}"))


def test_contradictory_checkpoints_never_verify() -> None:
    pairs = _chain([b"a", b"b"])
    both = [ChainHead(1, pairs[0][1]), ChainHead(1, pairs[1][1])]
    for order in (both, both[::-1]):
        # No head is expected at a length pinned twice: the break says so with an empty one.
        assert verify_chain(pairs, checkpoints=order).failure() == ChainBreak(
            0, b"", pairs[0][1], BreakCause.ANCHOR_MISMATCH)


def test_a_broken_link_reports_the_hash_expected_and_the_hash_stored() -> None:
    pairs = _chain([b"a", b"b", b"c"])
    tampered = [pairs[0], (b"B", pairs[1][1]), pairs[2]]
    assert verify_chain(tampered).failure() == ChainBreak(
        1, link_hash(pairs[0][1], b"B"), pairs[1][1], BreakCause.LINK)


def _field(tag: bytes, raw: bytes) -> bytes:
    return tag + len(raw).to_bytes(8, "big") + raw


def test_record_content_with_a_command_id_and_lone_surrogates_by_hand() -> None:
    # A present command id is tagged "s"; text with lone surrogates (which a store may hand
    # back) still encodes, each surrogate as its three "surrogatepass" bytes.
    assert record_content(position=0, stream_id="\ud800", version=1, event_id="e\udfff",
                          event_type="T", schema_version=2, command_id="c\udc00",
                          data=b"") == (
        b"astratrade.record.2\n" + _field(b"i", b"0") + _field(b"s", b"\xed\xa0\x80")
        + _field(b"i", b"1") + _field(b"s", b"e\xed\xbf\xbf") + _field(b"s", b"T")
        + _field(b"i", b"2") + _field(b"s", b"c\xed\xb0\x80") + _field(b"b", b""))
