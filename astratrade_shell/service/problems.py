"""RFC 9457 problem details: every refusal the service answers, as
``application/problem+json``.

A domain refusal's status comes from its :class:`~astratrade_core.errors.ErrorKind`, never
from its code's spelling:

==================  ======  ============================================================
kind                status  why
==================  ======  ============================================================
``invalid``         422     the body is well-formed JSON but a value cannot be used
``rejected``        422     a rule refuses the request as asked; asking again will not help
``forbidden``       403     the key's role or scopes do not allow it
``not_found``       404     what it refers to does not exist
``conflict``        409     the state moved on or already holds it (a retry after reading
                            the current state may succeed)
``unavailable``     503     the store, bus or venue cannot be reached
==================  ======  ============================================================

Rejections are 422 rather than 409 on purpose: 409 says "the resource's current state
conflicts" (retry after a re-read), which is what the ``conflict`` kind means; a rule's
refusal does not go away by retrying.  The service adds transport-level problems of its own:
401 (no or a bad API key), 413 (body too large), 429 (rate limit, with ``Retry-After``),
400/422 for malformed requests, 500 for a bug (logged with the request id, nothing else
said).

The body: ``type`` (``urn:astratrade:problem:<code>``), ``title``, ``status``, ``detail``,
``code``, ``kind``, ``fields`` (strings), ``causes`` (the problems of a bundled error, each
with ``code``, ``kind``, ``message``, ``fields``) and ``request_id``.

>>> from astratrade_core.errors import DomainError
>>> body = problem_body(DomainError.rejected("risk.max_leverage", "too much", limit="10"))
>>> body["status"], body["type"], body["fields"]
(422, 'urn:astratrade:problem:risk.max_leverage', {'limit': '10'})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from astratrade_core.errors import DomainError, ErrorKind

__all__ = ["PROBLEM_MEDIA_TYPE", "STATUS_BY_KIND", "Cause", "Problem", "ProblemError",
           "problem_body", "problem_response"]

PROBLEM_MEDIA_TYPE: Final = "application/problem+json"

STATUS_BY_KIND: Final[Mapping[ErrorKind, int]] = {
    ErrorKind.INVALID: 422,
    ErrorKind.REJECTED: 422,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.UNAVAILABLE: 503,
}

_TITLES: Final = {
    ErrorKind.INVALID: "Invalid input", ErrorKind.REJECTED: "Refused by a rule",
    ErrorKind.FORBIDDEN: "Forbidden", ErrorKind.NOT_FOUND: "Not found",
    ErrorKind.CONFLICT: "Conflict", ErrorKind.UNAVAILABLE: "Unavailable",
}


_STATUS_TITLES: Final = {400: "Bad request", 401: "Unauthorized", 405: "Method not allowed",
                         413: "Payload too large", 429: "Too many requests",
                         500: "Internal error"}


class Cause(BaseModel):
    """One problem of a bundled error."""

    code: str
    kind: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict)


class Problem(BaseModel):
    """An RFC 9457 problem details object with the domain error's code, kind and fields."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    kind: str
    fields: dict[str, str] = Field(default_factory=dict)
    causes: list[Cause] = Field(default_factory=list)
    request_id: str | None = None


def _leaves(error: DomainError) -> list[DomainError]:
    if not error.causes:
        return [error]
    return [leaf for cause in error.causes for leaf in _leaves(cause)]


def problem_body(error: DomainError, *, status: int | None = None,
                 request_id: str | None = None) -> dict[str, Any]:
    """The problem details for ``error`` (``status`` overrides the kind's)."""
    causes = [] if not error.causes else [
        {"code": c.code, "kind": c.kind.value, "message": c.message, "fields": dict(c.fields)}
        for c in _leaves(error)]
    title = _STATUS_TITLES.get(status or 0, _TITLES[error.kind])
    return {"type": f"urn:astratrade:problem:{error.code}", "title": title,
            "status": status or STATUS_BY_KIND[error.kind], "detail": error.message,
            "code": error.code, "kind": error.kind.value, "fields": dict(error.fields),
            "causes": causes, "request_id": request_id}


def problem_response(error: DomainError, *, status: int | None = None,
                     request_id: str | None = None,
                     headers: Mapping[str, str] | None = None) -> JSONResponse:
    """The HTTP response carrying :func:`problem_body`."""
    body = problem_body(error, status=status, request_id=request_id)
    return JSONResponse(body, status_code=body["status"], media_type=PROBLEM_MEDIA_TYPE,
                        headers=dict(headers or {}))


class ProblemError(Exception):
    """Raised inside a route or dependency to answer with a problem (a refusal, not a bug)."""

    def __init__(self, error: DomainError, *, status: int | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.status = status
        self.headers = dict(headers or {})
