"""The service's configuration: defaults < a TOML file < the environment < command-line flags.

Every setting has a default that runs the embedded platform (an SQLite store and an in-process
bus, one process, loopback only).  A TOML file (``--config FILE`` or ``$ASTRATRADE_CONFIG``)
overrides the defaults, ``ASTRATRADE_*`` variables override the file, and flags override
everything: the later source wins key by key.

==================  =====================  ===================================  ==============
setting             TOML key               environment                          default
==================  =====================  ===================================  ==============
host                ``host``               ``ASTRATRADE_HOST``                  ``127.0.0.1``
port                ``port``               ``ASTRATRADE_PORT``                  ``8000``
store               ``store``              ``ASTRATRADE_STORE``                 ``astratrade.db``
schema              ``schema``             ``ASTRATRADE_SCHEMA``                (none)
redis               ``redis``              ``ASTRATRADE_REDIS_URL``             (none: in-process)
Redis key prefix    ``redis_prefix``       ``ASTRATRADE_REDIS_PREFIX``          ``astratrade``
feed read models    ``feed``               ``ASTRATRADE_FEED``                  ``true``
rate per key        ``rate_per_second``    ``ASTRATRADE_RATE_PER_SECOND``       ``20``
burst per key       ``burst``              ``ASTRATRADE_BURST``                 ``40``
body limit          ``max_body_bytes``     ``ASTRATRADE_MAX_BODY_BYTES``        ``65536``
push queue          ``ws_queue``           ``ASTRATRADE_WS_QUEUE``              ``1024``
group commit size   ``write_batch``        ``ASTRATRADE_WRITE_BATCH``           ``64``
CORS origins        ``cors_origins``       ``ASTRATRADE_CORS_ORIGINS`` (comma)  (none: closed)
key hashing cost    ``scrypt_n``           ``ASTRATRADE_SCRYPT_N``              ``32768``
log level           ``log_level``          ``ASTRATRADE_LOG_LEVEL``             ``info``
==================  =====================  ===================================  ==============

``store`` is an SQLite file or a ``postgresql://`` URL; with ``redis`` set the bus is Redis
Streams and, unless ``feed`` is true, the read models are fed by ``astratrade worker``
processes (the scale-out set-up, docs/deployment.md).  ``write_batch`` is the most commands
one group commit stores in one transaction (``1``: every command commits alone).

>>> load_config(environ={"ASTRATRADE_PORT": "9000"}, flags={"host": "127.0.0.2"}).unwrap()
... # doctest: +ELLIPSIS
ServiceConfig(host='127.0.0.2', port=9000, store='astratrade.db', ...)
>>> load_config(environ={"ASTRATRADE_PORT": "x"}).failure().code
'config.invalid'
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError

__all__ = ["CONFIG_VARIABLE", "ServiceConfig", "load_config"]

#: The environment variable naming a TOML configuration file.
CONFIG_VARIABLE: Final = "ASTRATRADE_CONFIG"


@attrs.frozen(kw_only=True)
class ServiceConfig:
    """Every setting of ``astratrade serve`` (see the module docstring)."""

    host: str = "127.0.0.1"
    port: int = 8000
    store: str = "astratrade.db"
    schema: str | None = None
    redis: str | None = None
    redis_prefix: str = "astratrade"
    feed: bool = True
    rate_per_second: float = 20.0
    burst: int = 40
    max_body_bytes: int = 65_536
    ws_queue: int = 1024
    write_batch: int = 64
    cors_origins: tuple[str, ...] = ()
    scrypt_n: int = 32_768
    log_level: str = "info"

    @property
    def scale_out(self) -> bool:
        """Whether the bus is Redis Streams (several processes share the store)."""
        return self.redis is not None


_ENV: Final = {
    "host": "ASTRATRADE_HOST", "port": "ASTRATRADE_PORT", "store": "ASTRATRADE_STORE",
    "schema": "ASTRATRADE_SCHEMA", "redis": "ASTRATRADE_REDIS_URL",
    "redis_prefix": "ASTRATRADE_REDIS_PREFIX", "feed": "ASTRATRADE_FEED",
    "rate_per_second": "ASTRATRADE_RATE_PER_SECOND", "burst": "ASTRATRADE_BURST",
    "max_body_bytes": "ASTRATRADE_MAX_BODY_BYTES", "cors_origins": "ASTRATRADE_CORS_ORIGINS",
    "ws_queue": "ASTRATRADE_WS_QUEUE", "write_batch": "ASTRATRADE_WRITE_BATCH",
    "scrypt_n": "ASTRATRADE_SCRYPT_N", "log_level": "ASTRATRADE_LOG_LEVEL",
}
_LEVELS: Final = ("critical", "error", "warning", "info", "debug")


def _coerce(name: str, value: Any) -> Any:
    """A setting's value from TOML or text, typed as :class:`ServiceConfig` declares it."""
    if name in ("port", "burst", "max_body_bytes", "scrypt_n", "ws_queue", "write_batch"):
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError("an integer")
        number = int(value)
        bounds = {"port": (1, 65_535), "burst": (1, 10**6), "max_body_bytes": (256, 10**8),
                  "scrypt_n": (2, 2**20), "ws_queue": (1, 10**6), "write_batch": (1, 10_000)}[name]
        if not bounds[0] <= number <= bounds[1] or (
                name == "scrypt_n" and number & (number - 1)):
            raise ValueError(f"within {bounds[0]}..{bounds[1]}"
                             + (" and a power of 2" if name == "scrypt_n" else ""))
        return number
    if name == "rate_per_second":
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError("a number")
        rate = float(value)  # a request rate, not money
        if not 0 < rate <= 10**6:
            raise ValueError("within (0, 1000000]")
        return rate
    if name == "feed":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("1", "true", "yes", "on"):
            return True
        if str(value).lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError("true or false")
    if name == "cors_origins":
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            raise ValueError("a list of origins")
        return tuple(i.strip() for i in items if i.strip())
    if name == "log_level":
        if str(value).lower() not in _LEVELS:
            raise ValueError(f"one of {', '.join(_LEVELS)}")
        return str(value).lower()
    if value is not None and not isinstance(value, str):
        raise ValueError("a string")
    return value or None if name in ("schema", "redis") else value


def load_config(*, file: str | Path | None = None, environ: Mapping[str, str] | None = None,
                flags: Mapping[str, Any] | None = None) -> Result[ServiceConfig, DomainError]:
    """The configuration from the sources in precedence order (later wins): defaults, the
    TOML ``file`` (or ``$ASTRATRADE_CONFIG``), ``environ``'s ``ASTRATRADE_*`` variables,
    ``flags`` (None values are "not given").  Every bad setting is reported at once
    (``config.invalid``); an unreadable file is ``config.file``."""
    env = os.environ if environ is None else environ
    layers: list[tuple[str, Mapping[str, Any]]] = []
    path = file if file is not None else env.get(CONFIG_VARIABLE)
    if path:
        try:
            with open(path, "rb") as handle:
                layers.append((str(path), tomllib.load(handle)))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            return Failure(DomainError.invalid("config.file", f"cannot read {path}: {exc}"))
    layers.append(("environment", {k: env[v] for k, v in _ENV.items() if v in env}))
    layers.append(("flags", {k: v for k, v in (flags or {}).items() if v is not None}))
    values: dict[str, Any] = {}
    problems: list[str] = []
    for source, layer in layers:
        for key, raw in layer.items():
            if key not in _ENV:
                problems.append(f"{source}: unknown setting {key!r}")
                continue
            try:
                values[key] = _coerce(key, raw)
            except ValueError as exc:
                problems.append(f"{source}: {key} must be {exc}")
    if problems:
        return Failure(DomainError.invalid("config.invalid", "; ".join(problems)))
    return Success(ServiceConfig(**values))
