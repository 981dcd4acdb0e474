"""The audit chain: the link definition, and every kind of tampering is found at its index."""

from __future__ import annotations

import hashlib

from hypothesis import assume, given
from hypothesis import strategies as st
from returns.result import Failure, Success

from astratrade_core.events.audit import (
    GENESIS_HASH,
    ChainBreak,
    ChainHead,
    chain_hashes,
    link_hash,
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
        len(pairs) - 1, b"", pairs[-1][1])
