"""Calldata, results and events from a contract's ABI, with starknet-py's serializers.

:class:`ContractAbi` parses a Sierra ABI once and encodes a call's arguments to felts, decodes
its return felts to Python values (u256 -> ``int``, ``bool``, structs -> ``dict``, enums ->
``(variant, value)``) and decodes emitted events by their first key (the selector of the event
struct's name; component events are ``#[flat]``, so their own name is the first key).
"""

from __future__ import annotations

import keyword
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from astratrade_shell.starknet.backend import EmittedEvent

__all__ = ["ContractAbi", "DecodedEvent", "plain", "selector"]


def selector(name: str) -> int:
    """The entry point / event selector of ``name`` (``sn_keccak``).

    >>> hex(selector("transfer"))
    '0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e'
    """
    from starknet_py.hash.selector import get_selector_from_name  # noqa: PLC0415

    return int(get_selector_from_name(name))


def plain(value: Any) -> Any:
    """starknet-py's decoded values as plain Python: dicts, lists, ``(variant, value)``."""
    from starknet_py.cairo.data_types import CairoType  # noqa: F401, PLC0415
    from starknet_py.serialization.tuple_dataclass import TupleDataclass  # noqa: PLC0415

    if isinstance(value, TupleDataclass):
        data = value.as_dict()
        return {key: plain(item) for key, item in data.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if hasattr(value, "variant") and hasattr(value, "value"):
        return (value.variant, plain(value.value))
    return value


_KEYWORD_FIELDS = {f"{word}_": word for word in keyword.kwlist}


def _field(name: str) -> str:
    """An event member's name as a dataclass field (``from`` -> ``from_``)."""
    return f"{name}_" if keyword.iskeyword(name) else name


@attrs.frozen
class DecodedEvent:
    """An event by name (the struct's short name) with its fields decoded."""

    name: str
    from_address: int
    fields: Mapping[str, Any]


class ContractAbi:
    """Encoders and decoders for every function, the constructor and every event of an ABI."""

    def __init__(self, abi: Sequence[Mapping[str, Any]]) -> None:
        from starknet_py.abi.v2.parser import AbiParser  # noqa: PLC0415
        from starknet_py.serialization.factory import (  # noqa: PLC0415
            serializer_for_constructor_v2,
            serializer_for_function_v1,
            serializer_for_payload,
        )

        parsed = AbiParser([dict(entry) for entry in abi]).parse()
        functions = dict(parsed.functions)
        for interface in parsed.interfaces.values():
            functions.update(interface.items)
        self._functions = {name: serializer_for_function_v1(f) for name, f in functions.items()}
        self._constructor = (serializer_for_constructor_v2(parsed.constructor)
                             if parsed.constructor is not None else None)
        self._events: dict[int, tuple[str, Any, Any]] = {}
        for event in parsed.events.values():
            members = getattr(event, "types", {})
            keys = list(getattr(event, "keys", []))
            if not hasattr(event, "keys") or any(
                    type(t).__name__ == "EventType" for t in members.values()):
                continue
            short = event.name.split("::")[-1]
            # starknet-py decodes into dataclasses, whose fields cannot be Python keywords
            # (OpenZeppelin's `Transfer` has `from`): decode as `from_`, report as `from`.
            key_types = {_field(k): members[k] for k in keys}
            data_types = {_field(k): t for k, t in members.items() if k not in keys}
            self._events[selector(short)] = (short, serializer_for_payload(key_types),
                                             serializer_for_payload(data_types))

    @property
    def function_names(self) -> tuple[str, ...]:
        """Every external/view function in the ABI."""
        return tuple(sorted(self._functions))

    def calldata(self, function: str, /, **arguments: Any) -> list[int]:
        """Encode ``function``'s arguments."""
        encoded: list[int] = self._functions[function].serialize(**arguments)
        return encoded

    def constructor_calldata(self, **arguments: Any) -> list[int]:
        """Encode the constructor's arguments (empty when there is no constructor)."""
        if self._constructor is None:
            return []
        encoded: list[int] = self._constructor.serialize(**arguments)
        return encoded

    def results(self, function: str, retdata: Sequence[int]) -> tuple[Any, ...]:
        """Decode ``function``'s return felts into plain Python values."""
        decoded = self._functions[function].deserialize(list(retdata))
        return tuple(plain(item) for item in decoded)

    def decode_event(self, event: EmittedEvent) -> DecodedEvent | None:
        """Decode one emitted event (``None`` if its selector is not in this ABI)."""
        if not event.keys or event.keys[0] not in self._events:
            return None
        name, key_serializer, data_serializer = self._events[event.keys[0]]
        decoded = {**plain(key_serializer.deserialize(list(event.keys[1:]))),
                   **plain(data_serializer.deserialize(list(event.data)))}
        fields = {_KEYWORD_FIELDS.get(name, name): value for name, value in decoded.items()}
        return DecodedEvent(name, event.from_address, fields)
