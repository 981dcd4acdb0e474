"""Structured JSON logs: one object per line, with the request id, and no secrets.

:class:`JsonFormatter` writes ``ts``, ``level``, ``logger``, ``message``, the
``request_id`` (the record's own, else the one the request middleware set for the duration of
the request) and only the
whitelisted extra fields below; an API key, a password or a URL never reaches a record
because nothing logs them and no other extra field is copied.

>>> import logging
>>> record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
>>> record.key_id = "k1"; record.authorization = "Bearer atk_secret"
>>> line = JsonFormatter().format(record)
>>> '"key_id":"k1"' in line, "atk_secret" in line
(True, False)
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime
from typing import Final

__all__ = ["REQUEST_ID", "JsonFormatter", "configure_logging"]

#: The id of the request being served (``-`` outside a request).
REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

_FIELDS: Final = ("method", "route", "status", "duration_ms", "reason", "key_id", "user_id",
                  "code", "model", "position")


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object (see the module docstring)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name,
            "message": record.getMessage(),
            "request_id": record.__dict__.get("request_id") or REQUEST_ID.get()}
        for field in _FIELDS:
            value = record.__dict__.get(field)
            if value is not None:
                entry[field] = value
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
        return json.dumps(entry, separators=(",", ":"), default=str)


def configure_logging(level: str = "info") -> None:
    """Send the service's logs (``astratrade.*``) to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("astratrade")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
