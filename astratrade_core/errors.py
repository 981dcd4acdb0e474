"""Domain errors as values.

A :class:`DomainError` is what every expected failure in the core returns inside
``Failure(...)``: a stable machine ``code`` (``"risk.max_leverage"``), a human ``message``, the
offending ``fields`` as strings, and, when a validation finds several problems at once, the
individual problems in ``causes``.

>>> err = DomainError.of("risk.max_leverage", "leverage 12 exceeds 10", leverage="12", limit="10")
>>> err.code, err.fields["limit"]
('risk.max_leverage', '10')
>>> str(err)
'risk.max_leverage: leverage 12 exceeds 10'
>>> both = DomainError.all_of("risk.violations", [err, DomainError.of("risk.x", "x")])
>>> [c.code for c in both.causes]
['risk.max_leverage', 'risk.x']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs
from pyrsistent import pmap
from pyrsistent.typing import PMap

__all__ = ["DomainError"]


def _to_pmap(fields: Mapping[str, str]) -> PMap[str, str]:
    return pmap(fields)


@attrs.frozen
class DomainError:
    """An expected failure: machine code, human message, structured fields, nested causes."""

    code: str
    message: str
    fields: PMap[str, str] = attrs.field(factory=pmap, converter=_to_pmap)
    causes: tuple[DomainError, ...] = ()

    @classmethod
    def of(cls, code: str, message: str, /, **fields: object) -> DomainError:
        """Build an error; every field value is stored as its ``str`` form."""
        return cls(code, message, pmap({k: str(v) for k, v in fields.items()}))

    @classmethod
    def all_of(cls, code: str, causes: Iterable[DomainError]) -> DomainError:
        """Bundle several problems found by one validation into a single error."""
        found = tuple(causes)
        return cls(code, "; ".join(c.message for c in found), pmap(), found)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def codes(self) -> tuple[str, ...]:
        """The codes of the causes, or this error's own code when it has none.

        >>> DomainError.of("a", "m").codes()
        ('a',)
        """
        return tuple(c.code for c in self.causes) or (self.code,)
