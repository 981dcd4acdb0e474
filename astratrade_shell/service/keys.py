"""API keys: how they are made, shown once, hashed slowly and checked.

A key reads ``atk_<user id>_<key id>_<secret>``: the user id and key id are public (they say
whose key it is and which one, so a request is checked against exactly one stored verifier);
the secret is 32 random bytes (``secrets.token_urlsafe``), shown once to whoever issued the
key and never stored.  The user's stream stores a *verifier*:

``scrypt$<n>$<r>$<p>$<salt, base64>$<digest, base64>``

made by :class:`KeyHasher` with ``hashlib.scrypt`` (memory-hard, in the standard library
through OpenSSL, so the service needs no compiled extension; Argon2id would need
``argon2-cffi``).  The cost parameters travel with each verifier, so raising ``n`` later
keeps old keys valid.  The default ``n = 2**15, r = 8, p = 1`` uses 32 MiB and ~50-100 ms
per check on the reference machine; because a 256-bit random secret cannot be guessed, a
successful check is remembered in memory for ``remember_s`` seconds, so the cost is paid once
per key and process, not per request -- while revocation is still checked on every request
against the stream.

Nothing in memory holds a key: what is remembered is keyed by an HMAC-SHA-256 of the
presented key under a random secret of the process (:func:`fingerprint`), which never leaves
it -- a memory dump shows no key and no unkeyed hash to test guesses against offline.
:class:`VerifiedKeys` goes one step further for the request path: it remembers, per
fingerprint, what authentication concluded *at a version of the user's stream*, and answers
only while the stream is still at that version, so any change to the user (a revoked key, a
new role, new scopes) is seen by the very next request.

>>> hasher = KeyHasher(n=2**4)
>>> issued = new_key("ann")
>>> issued.text.startswith("atk_ann_" + issued.key_id + "_")
True
>>> verifier = hasher.verifier(issued.text)
>>> hasher.matches(issued.text, verifier), hasher.matches(issued.text + "x", verifier)
(True, False)
>>> parse_key(issued.text) == ("ann", issued.key_id)
True
>>> parse_key("atk_ann_short") is None
True
>>> seen: VerifiedKeys[str] = VerifiedKeys()
>>> seen.remember(issued.text, 3, "ann's principal")
>>> seen.recall(issued.text, 3), seen.recall(issued.text, 4), seen.recall(issued.text, 3)
("ann's principal", None, None)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections import OrderedDict
from typing import Final, Generic, TypeVar

import attrs

__all__ = ["IssuedKey", "KeyHasher", "VerifiedKeys", "fingerprint", "new_key", "parse_key"]

T = TypeVar("T")

#: The process's secret for :func:`fingerprint` (random per process, never stored or sent).
_PROCESS_SECRET: Final = secrets.token_bytes(32)

_KEY: Final = re.compile(r"atk_([a-z0-9][a-z0-9_]{0,31})_([a-z0-9]{16})_([A-Za-z0-9_-]{43})")
_MAX_KEY_LENGTH: Final = 120


@attrs.frozen(repr=False)
class IssuedKey:
    """A fresh key: its public id and the full text shown once (never logged)."""

    key_id: str
    text: str

    def __repr__(self) -> str:
        return f"IssuedKey(key_id={self.key_id!r}, text=<redacted>)"


def new_key(user_id: str) -> IssuedKey:
    """A new random key for ``user_id``."""
    key_id = secrets.token_hex(8)
    return IssuedKey(key_id, f"atk_{user_id}_{key_id}_{secrets.token_urlsafe(32)}")


def parse_key(text: str) -> tuple[str, str] | None:
    """``(user id, key id)`` of a well-formed key, else None (nothing else is inspected)."""
    if len(text) > _MAX_KEY_LENGTH:
        return None
    found = _KEY.fullmatch(text)
    return None if found is None else (found.group(1), found.group(2))


def fingerprint(*parts: str) -> bytes:
    """HMAC-SHA-256 of ``parts`` under the process's random secret: what the process keys
    its memory of verified keys by, instead of the keys themselves."""
    return hmac.new(_PROCESS_SECRET, "\0".join(parts).encode(), hashlib.sha256).digest()


class VerifiedKeys(Generic[T]):
    """What authenticating a key concluded, remembered at the version of the user's stream it
    was concluded at (see the module docstring); thread-safe, at most ``size`` keys (the least
    recently used are forgotten first).

    ``recall(key, version)`` answers only if the stream is still at ``version``; a stale entry
    is dropped, so a changed user is always authenticated afresh.
    """

    def __init__(self, size: int = 10_000) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self._size = size
        self._entries: OrderedDict[bytes, tuple[int, T]] = OrderedDict()
        self._lock = threading.Lock()

    def recall(self, key: str, version: int) -> T | None:
        """What was concluded for ``key`` when its user's stream was at ``version``."""
        found = fingerprint(key)
        with self._lock:
            entry = self._entries.get(found)
            if entry is None:
                return None
            if entry[0] != version:
                del self._entries[found]
                return None
            self._entries.move_to_end(found)
            return entry[1]

    def remember(self, key: str, version: int, value: T) -> None:
        """Remember ``value`` for ``key`` at its user's stream ``version``."""
        found = fingerprint(key)
        with self._lock:
            self._entries[found] = (version, value)
            self._entries.move_to_end(found)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def forget(self, key: str) -> None:
        """Drop what was remembered for ``key`` (if anything)."""
        with self._lock:
            self._entries.pop(fingerprint(key), None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


class KeyHasher:
    """Makes and checks scrypt verifiers (see the module docstring)."""

    def __init__(self, *, n: int = 2**15, r: int = 8, p: int = 1,
                 remember_s: float = 300.0) -> None:
        self.n, self.r, self.p = n, r, p
        self.remember_s = remember_s
        self._seen: dict[bytes, float] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
        return hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p,
                              maxmem=256 * 1024 * 1024, dklen=32)

    def verifier(self, key: str) -> str:
        """The verifier to store for ``key`` (a fresh random salt each time)."""
        salt = secrets.token_bytes(16)
        digest = self._scrypt(key, salt, self.n, self.r, self.p)
        return "$".join(("scrypt", str(self.n), str(self.r), str(self.p), _b64(salt),
                         _b64(digest)))

    def matches(self, key: str, verifier: str) -> bool:
        """Whether ``key`` is the one ``verifier`` was made from (constant-time compare)."""
        remembered = fingerprint(verifier, key)
        now = time.monotonic()
        with self._lock:
            if self._seen.get(remembered, 0.0) > now:
                return True
        parts = verifier.split("$")
        if len(parts) != 6 or parts[0] != "scrypt":
            return False
        try:
            n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
            salt, digest = _unb64(parts[4]), _unb64(parts[5])
            actual = self._scrypt(key, salt, n, r, p)
        except (ValueError, MemoryError):
            return False
        if not hmac.compare_digest(actual, digest):
            return False
        with self._lock:
            if len(self._seen) > 10_000:
                self._seen = {k: t for k, t in self._seen.items() if t > now}
            self._seen[remembered] = now + self.remember_s
        return True


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
