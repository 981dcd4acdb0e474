"""The canonical codec: exact bytes, exact round trips for every type of the platform registry,
typed errors for every malformed input, upcasting, and independence from the caller's context.

The specimen events below are test-only: they enter only the registries this module builds,
never :data:`PLATFORM_EVENTS`."""

from __future__ import annotations

import decimal
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from returns.result import Failure, Success

from astratrade_core.events import (
    PLATFORM_EVENTS,
    Event,
    EventRegistry,
    Upcast,
    event_type,
)
from astratrade_core.events.codec import (
    _decode_careful,
    _decode_envelope,
    _event_codec,
    _loads,
    _Reject,
    decode,
    encode,
    encode_all,
    payload_fields,
)
from astratrade_core.testing import codec_decimals, event_of, events, hostile_contexts

T0 = datetime(2026, 3, 4, 5, 6, 7, 890, tzinfo=UTC)


@attrs.frozen
class Leg:
    """A nested record, as domain events may carry."""

    venue: str
    size: Decimal
    note: str | None = None


@event_type("CodecSpecimen", version=1)
@attrs.frozen(kw_only=True)
class CodecSpecimen(Event):
    """One field of every kind the codec supports."""

    zeta: str
    amount: Decimal
    count: int
    flag: bool
    on: date
    at: datetime
    maybe: Decimal | None
    legs: tuple[Leg, ...]


#: The platform's types plus the specimen (to decode it), built explicitly.
REGISTRY = PLATFORM_EVENTS.merge(EventRegistry.of([CodecSpecimen]))


def _specimen(**changes: Any) -> CodecSpecimen:
    base = CodecSpecimen(
        event_id="e-1", stream_id="acct-7", occurred_at=T0, zeta="ü\"\n", amount=Decimal("1.50"),
        count=-3, flag=True, on=date(2026, 1, 31), at=datetime(1999, 12, 31, 23, 59, tzinfo=UTC),
        maybe=None, legs=(Leg("X", Decimal("1E+3")), Leg("Y", Decimal("-0.000000100"), "n")))
    return attrs.evolve(base, **changes)


def test_worked_example_bytes() -> None:
    # Written out by hand from the format in docs/events.md: sorted keys at every level, no
    # whitespace, ASCII with \\uXXXX escapes (u-umlaut is U+00FC), decimals in scientific-string
    # form with their exponent (1E+3 stays 1E+3, -0.000000100 is -1.00E-7), timestamps with
    # six fractional digits and Z.
    expected = (
        b'{"event_id":"e-1","occurred_at":"2026-03-04T05:06:07.000890Z","payload":{'
        b'"amount":"1.50","at":"1999-12-31T23:59:00.000000Z","count":-3,"flag":true,'
        b'"legs":[{"note":null,"size":"1E+3","venue":"X"},'
        b'{"note":"n","size":"-1.00E-7","venue":"Y"}],"maybe":null,"on":"2026-01-31",'
        b'"zeta":"\\u00fc\\"\\n"},"stream_id":"acct-7","type":"CodecSpecimen","version":1}'
    )
    assert encode(_specimen()) == expected
    assert decode(expected, REGISTRY) == Success(_specimen())
    assert decode(expected.decode("ascii"), REGISTRY) == Success(_specimen())
    # The platform registry does not know test-only types.
    assert decode(expected, PLATFORM_EVENTS).failure().code == "codec.unknown_type"


def test_payload_fields_are_sorted_with_resolved_types() -> None:
    assert payload_fields(CodecSpecimen) == (
        ("amount", Decimal), ("at", datetime), ("count", int), ("flag", bool),
        ("legs", tuple[Leg, ...]), ("maybe", Decimal | None), ("on", date), ("zeta", str))


def _reference(value: object) -> object:
    """An independent oracle: the JSON value the format prescribes, built with isinstance."""
    if isinstance(value, Event):
        payload = {a.name: _reference(getattr(value, a.name)) for a in attrs.fields(type(value))
                   if a.name not in ("event_id", "stream_id", "occurred_at")}
        return {"event_id": value.event_id, "stream_id": value.stream_id,
                "occurred_at": _reference(value.occurred_at), "payload": payload,
                "type": value.event_type, "version": value.schema_version}
    if isinstance(value, Decimal):
        return str(value)  # the default context prints capital-E scientific strings
    if isinstance(value, datetime):
        d = value.astimezone(UTC)
        return (f"{d.year:04d}-{d.month:02d}-{d.day:02d}T{d.hour:02d}:{d.minute:02d}:"
                f"{d.second:02d}.{d.microsecond:06d}Z")
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if isinstance(value, tuple):
        return [_reference(v) for v in value]
    record: Any = type(value)
    if attrs.has(record):
        return {a.name: _reference(getattr(value, a.name)) for a in attrs.fields(record)}
    return value


@pytest.mark.parametrize("name", PLATFORM_EVENTS.names())
@settings(max_examples=60)
@given(data=st.data())
def test_every_platform_type_round_trips_exactly(name: str, data: st.DataObject) -> None:
    event = data.draw(event_of(PLATFORM_EVENTS.types[name]))
    encoded = encode(event)
    assert decode(encoded, PLATFORM_EVENTS) == Success(event)
    # Byte-identical re-encoding: decimals keep their exponents, datetimes their microseconds.
    assert encode(decode(encoded, PLATFORM_EVENTS).unwrap()) == encoded
    assert encoded == json.dumps(_reference(event), sort_keys=True, separators=(",", ":"),
                                 ensure_ascii=True).encode("ascii")


@given(events(), hostile_contexts())
def test_results_do_not_depend_on_the_callers_context(event: Event,
                                                       ctx: decimal.Context) -> None:
    encoded = encode(event)
    ctx.capitals = 0  # lower-case exponents would change str(Decimal), not the codec
    with decimal.localcontext(ctx):
        assert encode(event) == encoded
        decoded = decode(encoded, PLATFORM_EVENTS)
    assert decoded == Success(event)


@given(codec_decimals())
def test_decimal_exponents_survive(amount: Decimal) -> None:
    event = _specimen(amount=amount, maybe=amount)
    back = decode(encode(event), REGISTRY).unwrap()
    assert isinstance(back, CodecSpecimen)
    assert back.amount.as_tuple() == amount.as_tuple()


def test_other_timezones_are_stored_as_the_same_instant_in_utc() -> None:
    tokyo = timezone(timedelta(hours=9))
    event = _specimen(occurred_at=datetime(2026, 3, 4, 14, 6, 7, 890, tzinfo=tokyo))
    assert encode(event) == encode(_specimen())
    assert decode(encode(event), REGISTRY).unwrap().occurred_at == event.occurred_at


def test_encoding_a_naive_datetime_is_a_bug() -> None:
    with pytest.raises(ValueError, match="naive"):
        encode(_specimen(at=datetime(2026, 1, 1)))


def test_encoding_a_non_finite_decimal_is_a_bug() -> None:
    with pytest.raises(ValueError, match="non-finite"):
        encode(_specimen(amount=Decimal("NaN")))


def _tampered(**payload_changes: object) -> bytes:
    raw = json.loads(encode(_specimen()))
    raw["payload"].update(payload_changes)
    raw["payload"] = {k: v for k, v in raw["payload"].items() if v is not _DROP}
    return json.dumps(raw).encode()


_DROP = object()


@pytest.mark.parametrize(("data", "code", "path"), [
    (b"", "codec.bad_json", None),
    (b"\xff\xfe", "codec.bad_json", None),
    (b"[1, 2]", "codec.bad_envelope", "$"),
    (b'{"type": "CodecSpecimen"}', "codec.bad_envelope", "$"),
    (b"[" * 5_000, "codec.bad_json", None),  # deep enough for RecursionError at the default limit
    (b'{"x": NaN}', "codec.bad_json", None),
    (_tampered(amount="1e5"), "codec.bad_decimal", "$.payload.amount"),
    (_tampered(amount="NaN"), "codec.bad_decimal", "$.payload.amount"),
    (_tampered(amount="Infinity"), "codec.bad_decimal", "$.payload.amount"),
    (_tampered(amount=" 1"), "codec.bad_decimal", "$.payload.amount"),
    (_tampered(amount="1_000"), "codec.bad_decimal", "$.payload.amount"),
    (_tampered(amount="1" * 300), "codec.bad_decimal", "$.payload.amount"),
    (_tampered(amount="1E+99999999"), "codec.bad_decimal", "$.payload.amount"),
    (_tampered(amount="\u0661"), "codec.bad_decimal", "$.payload.amount"),  # Arabic-Indic 1
    (_tampered(amount=1.5), "codec.bad_decimal", "$.payload.amount"),
    (_tampered(amount=15), "codec.bad_decimal", "$.payload.amount"),
    (_tampered(count=True), "codec.bad_value", "$.payload.count"),
    (_tampered(count="3"), "codec.bad_value", "$.payload.count"),
    (_tampered(count=3.0), "codec.bad_value", "$.payload.count"),
    (_tampered(flag=1), "codec.bad_value", "$.payload.flag"),
    (_tampered(zeta=None), "codec.bad_value", "$.payload.zeta"),
    (_tampered(at="2026-01-01T00:00:00Z"), "codec.bad_datetime", "$.payload.at"),
    (_tampered(at="2026-01-01T00:00:00.000000+00:00"), "codec.bad_datetime", "$.payload.at"),
    (_tampered(at="2026-02-30T00:00:00.000000Z"), "codec.bad_datetime", "$.payload.at"),
    (_tampered(on="2026-13-01"), "codec.bad_date", "$.payload.on"),
    (_tampered(on="20260101"), "codec.bad_date", "$.payload.on"),
    (_tampered(legs={"venue": "X"}), "codec.bad_value", "$.payload.legs"),
    (_tampered(legs=[[]]), "codec.bad_value", "$.payload.legs[0]"),
    (_tampered(legs=[{"venue": "X", "size": "1"}]), "codec.missing_field", "$.payload.legs[0]"),
    (_tampered(amount=_DROP), "codec.missing_field", "$.payload"),
    (_tampered(extra="x"), "codec.unexpected_field", "$.payload"),
])
def test_malformed_input_is_a_typed_failure(data: bytes, code: str, path: str | None) -> None:
    result = decode(data, REGISTRY)
    assert isinstance(result, Failure)
    error = result.failure()
    assert error.code == code
    if path is not None:
        assert error.fields["path"] == path


def _envelope(**changes: object) -> bytes:
    raw = json.loads(encode(_specimen()))
    raw.update(changes)
    return json.dumps(raw).encode()


@pytest.mark.parametrize(("data", "code"), [
    (_envelope(type="NoSuchEvent"), "codec.unknown_type"),
    (_envelope(type=7), "codec.bad_value"),
    (_envelope(version=2), "codec.unsupported_version"),
    (_envelope(version=0), "codec.unsupported_version"),
    (_envelope(version="1"), "codec.bad_value"),
    (_envelope(payload=[]), "codec.bad_value"),
    (_envelope(event_id=1), "codec.bad_value"),
])
def test_bad_envelopes_are_typed_failures(data: bytes, code: str) -> None:
    assert decode(data, REGISTRY).failure().code == code


def test_every_problem_in_one_record_is_reported() -> None:
    data = _tampered(amount="x", count="y", extra=1, zeta=_DROP)
    error = decode(data, REGISTRY).failure()
    assert error.code == "codec.bad_payload"
    assert sorted(error.codes()) == sorted(["codec.missing_field", "codec.unexpected_field",
                                            "codec.bad_decimal", "codec.bad_value"])


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    assert isinstance(decode(data, REGISTRY), Success | Failure)


@given(events(), st.data())
def test_corrupted_encodings_never_raise(event: Event, draw: st.DataObject) -> None:
    data = bytearray(encode(event))
    at = draw.draw(st.integers(0, len(data) - 1))
    data[at] = draw.draw(st.integers(0, 255))
    result = decode(bytes(data), PLATFORM_EVENTS)
    if isinstance(result, Success):  # a change inside a string may still decode
        assert decode(encode(result.unwrap()), PLATFORM_EVENTS) == result


# ------------------------------------------------------------------ fast paths == reference
# encode fills a per-class template through C-level converters, encode_all does it column by
# column, and decode tries a grouped fast path before the careful one: each must agree with
# the JSON oracle above (encoding) or with the careful path (decoding) on every type.

def _ascii_event(cls: type[Event]) -> st.SearchStrategy[Event]:
    """Events whose strings need no escaping (the common case the fast paths are built for)."""
    text = st.text(st.characters(min_codepoint=32, max_codepoint=126))
    return event_of(cls).flatmap(lambda e: st.builds(
        attrs.evolve, st.just(e), event_id=text, stream_id=text))


def _oracle(event: Event) -> bytes:
    return json.dumps(_reference(event), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True).encode("ascii")


@pytest.mark.parametrize("name", PLATFORM_EVENTS.names())
@settings(max_examples=15)
@given(data=st.data())
def test_fast_encoders_match_the_reference_bytes(name: str, data: st.DataObject) -> None:
    cls = PLATFORM_EVENTS.types[name]
    batch = data.draw(st.lists(event_of(cls) | _ascii_event(cls), min_size=1, max_size=4))
    expected = [_oracle(e) for e in batch]
    assert [encode(e) for e in batch] == expected
    assert encode_all(batch) == expected
    assert encode_all(iter(batch)) == expected


@given(st.lists(events(), max_size=12))
def test_encode_all_of_mixed_types_keeps_the_order(batch: list[Event]) -> None:
    assert encode_all(batch) == [_oracle(e) for e in batch]


@given(st.datetimes(timezones=st.builds(
    lambda minutes: timezone(timedelta(minutes=minutes)), st.integers(-1439, 1439))))
def test_any_offset_and_microsecond_encode_as_the_utc_instant(at: datetime) -> None:
    try:
        utc = at.astimezone(UTC)
    except OverflowError:  # the instant is outside datetime's range in UTC
        with pytest.raises(OverflowError):
            encode(_specimen(occurred_at=at))
        return
    expected = _oracle(_specimen(occurred_at=utc))
    assert encode(_specimen(occurred_at=at)) == expected
    assert encode_all([_specimen(occurred_at=at)]) == [expected]


@pytest.mark.parametrize("at", [
    datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2026, 1, 1, 0, 0, 0, 1000, tzinfo=UTC), datetime(2026, 1, 1, 0, 0, 0, 999, tzinfo=UTC),
])
def test_datetime_edges(at: datetime) -> None:
    assert encode(_specimen(occurred_at=at)) == _oracle(_specimen(occurred_at=at))


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("-sNaN"), Decimal("Infinity"),
                                 Decimal("-Infinity")])
def test_both_encoders_refuse_a_non_finite_decimal(bad: Decimal) -> None:
    fine = _specimen()
    with pytest.raises(ValueError, match="non-finite"):
        encode(_specimen(amount=bad))
    with pytest.raises(ValueError, match="non-finite"):
        encode_all([fine, _specimen(amount=bad)])
    with pytest.raises(ValueError, match="non-finite"):
        encode_all([_specimen(maybe=bad)])
    with pytest.raises(ValueError, match="naive"):
        encode_all([fine, _specimen(occurred_at=datetime(2026, 1, 1))])


def test_encode_all_of_nothing_is_empty() -> None:
    assert encode_all([]) == []


@pytest.mark.parametrize("name", PLATFORM_EVENTS.names())
@settings(max_examples=15)
@given(data=st.data())
def test_fast_decoding_matches_the_careful_path(name: str, data: st.DataObject) -> None:
    event = data.draw(event_of(PLATFORM_EVENTS.types[name]))
    raw = _loads(encode(event).decode("ascii"))
    # Canonical bytes of the current version always take the fast path ...
    assert _event_codec(type(event)).decode_fast(raw) == event
    # ... and it builds exactly what the careful path builds.
    assert _decode_careful(raw, PLATFORM_EVENTS) == event


def _outcome(decoder: Any, raw: object) -> object:
    try:
        return Success(decoder(raw, PLATFORM_EVENTS))
    except _Reject as rejected:
        return Failure(rejected.error)


@given(events(), st.data())
def test_the_fast_path_never_changes_an_outcome(event: Event, draw: st.DataObject) -> None:
    data = bytearray(encode(event))
    at = draw.draw(st.integers(0, len(data) - 1))
    data[at] = draw.draw(st.sampled_from(b'0129.-E+|"\\ aZT:,{}[]eN'))
    try:
        raw = _loads(bytes(data).decode("utf-8"))
    except ValueError:
        return
    assert _outcome(_decode_envelope, raw) == _outcome(_decode_careful, raw)


# ------------------------------------------------------------------------------- upcasting

@event_type("CodecRenamed", version=2)
@attrs.frozen(kw_only=True)
class CodecRenamed(Event):
    """Version 2 renamed ``label`` (version 1) to ``title`` and added ``priority``."""

    title: str
    priority: int


def _lift_v1(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    lifted = {k: v for k, v in payload.items() if k != "label"}
    lifted["title"] = payload.get("label", "")
    lifted["priority"] = 0
    return lifted


def _renamed(version: int, payload: dict[str, object]) -> bytes:
    return json.dumps({"event_id": "e", "stream_id": "s", "occurred_at":
                       "2026-01-01T00:00:00.000000Z", "type": "CodecRenamed",
                       "version": version, "payload": payload}).encode()


def _with(*upcasts: Upcast) -> EventRegistry:
    return EventRegistry.of([CodecRenamed], upcasts)


def test_upcasters_lift_old_payloads_to_the_current_version() -> None:
    v1 = _renamed(1, {"label": "hello"})
    lifted = decode(v1, _with(Upcast("CodecRenamed", 1, _lift_v1))).unwrap()
    assert lifted == CodecRenamed(event_id="e", stream_id="s",
                                  occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
                                  title="hello", priority=0)
    # Re-encoding writes the current version.
    assert b'"version":2' in encode(lifted)


def test_missing_or_bad_upcasters_are_typed_failures() -> None:
    v1 = _renamed(1, {"label": "hello"})
    assert decode(v1, _with()).failure().code == "codec.no_upcaster"
    assert decode(_renamed(3, {}), _with()).failure().code == "codec.unsupported_version"
    def garbled(payload: Mapping[str, Any]) -> Mapping[str, Any]:
        return {"title": 1}  # the wrong type for title, and priority missing

    assert decode(v1, _with(Upcast("CodecRenamed", 1, garbled))).failure().code == \
        "codec.bad_payload"


def test_a_number_whose_exponent_is_beyond_any_bound_is_a_failure() -> None:
    # Totality (tests/test_totality.py): decode raised InvalidOperation for such a JSON
    # number (and a caller's context without that trap would have made it NaN)
    for text in ("1e-10000000000000000000000", "[1E+999999999999999999999]",
                 '{"x": 1e99999999999999999999}'):
        assert decode(text, PLATFORM_EVENTS).failure().code == "codec.bad_value"
        assert decode(text.encode(), PLATFORM_EVENTS).failure().code == "codec.bad_value"
    with decimal.localcontext(decimal.Context(traps=[])):
        assert decode("1e-10000000000000000000000", PLATFORM_EVENTS).failure().code == (
            "codec.bad_value")
