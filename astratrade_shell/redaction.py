"""Keeping secrets out of everything the shell shows: log lines, error messages, reprs.

Secrets reach the shell inside URLs and connection strings (a Redis or PostgreSQL password, an
RPC node's API key) and as credentials (a venue's API key and secret).  Every place that may
show such a value -- an ``error:`` line, a log record, a ``repr`` -- passes its text through
:func:`redact_text` (or a URL through :func:`redact_url`), which replaces

* the password of every ``scheme://user:password@host`` URL in the text;
* the value of every secret-looking parameter, in a URL query (``?password=...``,
  ``&api_key=...``, ``token``, ``secret``, ``key``, ``signature``...) or a libpq-style
  ``key=value`` string (``password=...``, ``sslpassword='...'``);
* in a URL, a path segment that looks like an API key (24 or more letters and digits,
  mixing both, as hosted RPC nodes put in their URLs);
* every secret it is given explicitly (:func:`url_secrets` extracts them from a URL even when
  the URL is malformed, raw and percent-decoded), wherever it appears -- so a library that
  echoes the password in its own words (libpq's "invalid percent-encoded token") is caught.

by ``***``.  Nothing here raises: redaction must work on exactly the malformed input that
produced the error being reported.

>>> redact_url("redis://default:S3cret@cache:6379/0")
'redis://default:***@cache:6379/0'
>>> url = "postgresql://app:p%zz@db/prod"
>>> redact_text('invalid percent-encoded token: "p%zz"', url_secrets(url))
'invalid percent-encoded token: "***"'
>>> redact_text("host=db user=app password='s e c' dbname=x")
'host=db user=app password=*** dbname=x'
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from collections.abc import Iterable
from typing import Final

__all__ = ["REDACTED", "RedactingFilter", "redact_text", "redact_url", "url_secrets"]

#: What a secret is replaced by.
REDACTED: Final = "***"

# scheme://user:password@ -- the password runs to the LAST "@" of the token (a password may
# hold an unescaped "@"; over-redacting a path is better than showing half a password).
_USERINFO: Final = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*:)"
                              r"(?P<secret>\S*)(?=@)")
_SECRET_NAMES: Final = (r"(?:[a-z_]*password|passwd|pwd|pass|[a-z_]*token|[a-z_]*secret|"
                        r"api[_-]?key|apikey|access[_-]?key|private[_-]?key|key|auth|"
                        r"signature|sig|credentials?)")
_QUERY: Final = re.compile(rf"(?P<head>[?&;]{_SECRET_NAMES}=)(?P<secret>[^&;#\s]*)",
                           re.IGNORECASE)
_PAIR: Final = re.compile(rf"(?P<head>(?<![\w.-]){_SECRET_NAMES}\s*=\s*)"
                          r"(?P<secret>'(?:[^'\\]|\\.)*'?|\"(?:[^\"\\]|\\.)*\"?|[^\s&;,]*)",
                          re.IGNORECASE)
_URL: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://\S+")
_KEY_SEGMENT: Final = re.compile(r"(?P<head>/)(?P<secret>(?=[A-Za-z0-9_-]*[0-9])"
                                 r"(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{24,})(?=[/?#]|$)")


def _key_segments(url: str) -> list[re.Match[str]]:
    """The key-like segments of one URL's path (never of its host, nor of a file path)."""
    host_start = url.index("://") + 3
    path_start = url.find("/", host_start)
    return [] if path_start < 0 else list(_KEY_SEGMENT.finditer(url, path_start))


def _mask(found: re.Match[str]) -> str:
    return found["head"] + REDACTED


def _mask_key_segments(url: re.Match[str]) -> str:
    text = url[0]
    for match in reversed(_key_segments(text)):
        text = text[:match.start()] + match["head"] + REDACTED + text[match.end():]
    return text


def url_secrets(url: str) -> tuple[str, ...]:
    """The secrets a URL or connection string carries: its password and secret-looking
    parameters, each raw and percent-decoded (read leniently: a malformed URL still yields
    them).

    >>> url_secrets("redis://:a%40b@h/0")
    ('a%40b', 'a@b')
    >>> url_secrets("http://node/rpc?apikey=K1&x=2")
    ('K1',)
    """
    matches = [m for pattern in (_USERINFO, _QUERY, _PAIR) for m in pattern.finditer(url)]
    matches += [m for whole in _URL.finditer(url) for m in _key_segments(whole[0])]
    found: list[str] = []
    for match in matches:
        secret = match["secret"].strip("'\"")
        if secret:
            found += [secret, urllib.parse.unquote(secret)]
    return tuple(dict.fromkeys(found))


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every URL password, secret-looking parameter, key-like URL path segment
    and each of ``secrets`` (raw, percent-encoded and percent-decoded) replaced by ``***``.

    >>> redact_text("cannot reach redis://u:pw@h:1 (pw rejected)", ["pw"])
    'cannot reach redis://u:***@h:1 (*** rejected)'
    >>> redact_text("no store at /tmp/test_a_read_only_store_verifies0/events.db")
    'no store at /tmp/test_a_read_only_store_verifies0/events.db'
    """
    variants = {form for secret in secrets if secret
                for form in (secret, urllib.parse.quote(secret, safe=""),
                             urllib.parse.unquote(secret))}
    for secret in sorted(variants, key=len, reverse=True):  # longest first: no partial leaks
        text = text.replace(secret, REDACTED)
    for pattern in (_USERINFO, _QUERY, _PAIR):
        text = pattern.sub(_mask, text)
    return _URL.sub(_mask_key_segments, text)


def redact_url(url: str) -> str:
    """A URL or connection string fit to show: its password and secret parameters masked.

    >>> redact_url("https://node.example/v0_7/Ab12Cd34Ef56Gh78Ij90Kl12?chain=1")
    'https://node.example/v0_7/***?chain=1'
    >>> redact_url("postgresql://app@db:5432/prod")
    'postgresql://app@db:5432/prod'
    """
    return redact_text(url, url_secrets(url))


class RedactingFilter(logging.Filter):
    """A logging filter that redacts every record's message (URL passwords, secret
    parameters, and the ``secrets`` registered on it).

    >>> record = logging.LogRecord("x", logging.INFO, "", 0, "key=%s at %s", ("k3y", "h"), None)
    >>> f = RedactingFilter(); f.secrets.add("k3y"); f.filter(record), record.getMessage()
    (True, 'key=*** at h')
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: set[str] = set(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        redacted = redact_text(text, self.secrets)
        if redacted != text:
            record.msg, record.args = redacted, ()
        if record.exc_info is not None and record.exc_info[1] is not None:
            # a traceback would print the exception's own text unredacted: keep its redacted
            # message in the record instead
            record.msg = f"{record.msg} ({redact_text(str(record.exc_info[1]), self.secrets)})"
            record.exc_info, record.exc_text = None, None
        return True
