"""The ASGI app: :func:`create_app` wires a :class:`~.platform.Platform` to the routes, the
problem-details handlers and the middleware.

Middleware, outermost first (plain ASGI, no per-request task): a **request id**
(``X-Request-Id`` if well-formed, else a new one; echoed on every response and put on every
log line) with the **latency** (a histogram per route template and status, and one JSON log
line per request), a **body limit** (``413`` beyond
``max_body_bytes``, counted as the body streams in, whatever ``Content-Length`` says) and,
only if origins are configured, **CORS** (closed by default: no CORS header is ever sent).
Every refusal is an RFC 9457 problem (:mod:`~.problems`); an unexpected exception is a
``500`` problem that says nothing but the request id, and is logged with it.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, Final

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from astratrade_core.errors import DomainError
from astratrade_shell.service.auth import Limiter, RateLimiter
from astratrade_shell.service.logs import REQUEST_ID
from astratrade_shell.service.metrics import Metrics
from astratrade_shell.service.platform import Platform
from astratrade_shell.service.problems import (
    PROBLEM_MEDIA_TYPE,
    Problem,
    ProblemError,
    problem_body,
    problem_response,
)
from astratrade_shell.service.ratelimit import SharedRateLimiter
from astratrade_shell.service.realtime import Hub, RedisNotifications
from astratrade_shell.service.routes import ROUTERS
from astratrade_shell.service.routes.stream import describe

__all__ = ["create_app"]

_log = logging.getLogger("astratrade.service.http")
_REQUEST_ID: Final = re.compile(r"[A-Za-z0-9._-]{1,64}")


class _BodyLimit:
    """Refuses request bodies longer than ``limit`` bytes with a 413 problem."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        seen = 0
        refused = False

        async def counted() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request" and not refused:
                seen += len(message.get("body", b""))
                if seen > self.limit:   # answer now; the app sees the client go away
                    refused = True
                    await self._refuse(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            if not refused:   # once refused, whatever the app still answers is dropped
                await send(message)

        await self.app(scope, counted, guarded)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = DomainError.invalid("request.too_large",
                                    f"the request body exceeds {self.limit} bytes")
        await problem_response(error, status=413, request_id=REQUEST_ID.get())(
            scope, receive, send)


class _Observe:
    """The request id, the latency histogram and the request's log line, as plain ASGI
    middleware (Starlette's ``BaseHTTPMiddleware`` runs every request in an extra task with
    a memory stream for the body, which cost more CPU than the rest of a small request)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope.get("headers") or () if k == b"x-request-id"), b"")
        text = given.decode("latin-1")
        request_id = text if _REQUEST_ID.fullmatch(text) else uuid.uuid4().hex
        echoed = (b"x-request-id", request_id.encode())
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500

        async def answer(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), echoed]}
            await send(message)

        try:
            await self.app(scope, receive, answer)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            self.metrics.requests.labels(method, route, str(status)).observe(elapsed)
            _log.info("request", extra={"method": method, "route": route, "status": status,
                                        "request_id": request_id,
                                        "duration_ms": round(elapsed * 1000, 3)})
            REQUEST_ID.reset(token)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The schema with the bearer scheme, the Problem schema and the problem responses."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes)
    components = schema.setdefault("components", {})
    components.setdefault("securitySchemes", {})["ApiKey"] = {
        "type": "http", "scheme": "bearer", "bearerFormat": "atk_<user>_<key id>_<secret>"}
    schemas = components.setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    ref = {"$ref": "#/components/schemas/Problem"}
    for path, item in schema["paths"].items():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            codes = ["400", "413", "422", "500"]
            if path.startswith("/v1/"):
                operation["security"] = [{"ApiKey": []}]
                codes += ["401", "403", "404", "409", "429", "503"]
            for code in codes:
                responses.setdefault(code, {
                    "description": "Problem details (RFC 9457)",
                    "content": {PROBLEM_MEDIA_TYPE: {"schema": ref}}})
    schema["x-websocket"] = describe()
    app.openapi_schema = schema
    return schema


def _query_names(dependant: Any) -> Iterator[str]:
    """The query parameters a route and its dependencies declare."""
    yield from (p.alias for p in dependant.query_params)
    for sub in dependant.dependencies:
        yield from _query_names(sub)


async def _declared_query(request: HTTPConnection) -> None:
    """Refuse query parameters the route does not declare (a typo is an error, not a no-op;
    the WebSocket route checks its own).  ``async``: it never blocks, so FastAPI runs it on
    the event loop rather than paying a thread-pool hop per request."""
    if request.scope["type"] != "http":
        return
    dependant = getattr(request.scope.get("route"), "dependant", None)
    if dependant is None or not request.query_params:
        return
    known = set(_query_names(dependant))
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise ProblemError(DomainError.invalid(
            "request.unknown_parameter", f"unknown query parameter(s): "
            f"{', '.join(u[:40] for u in unknown[:5])}"))


@contextmanager
def _notifications(platform: Platform, hub: Hub) -> Iterator[None]:
    """Scale-out: while serving, a thread feeds ``hub`` from the Redis bus's notifications."""
    if platform.redis is None or platform.config.redis is None:
        yield
        return
    import redis  # noqa: PLC0415 - the redis extra, only for scale-out

    from astratrade_shell.bus.redis_streams import all_domains, stream_key  # noqa: PLC0415

    keys = [stream_key(platform.config.redis_prefix, d) for d in all_domains()]
    notifications = RedisNotifications(hub, redis.Redis.from_url(platform.config.redis), keys,
                                       platform.store, platform.writing)
    notifications.start()
    try:
        yield
    finally:
        notifications.stop()


def _limiter(platform: Platform) -> Limiter:
    """Per-key rate limits: shared through Redis when the Redis bus is configured."""
    config = platform.config
    if platform.redis is not None:
        return SharedRateLimiter(platform.redis, config.redis_prefix, config.rate_per_second,
                                 config.burst)
    return RateLimiter(config.rate_per_second, config.burst)


def _hub(platform: Platform) -> Hub:
    """The real-time hub, fed by the bus when embedded (scale-out: :func:`_notifications`)."""
    hub = Hub(capacity=platform.config.ws_queue)
    hub.position = platform.store.last_position()
    if platform.redis is None:
        platform.bus.subscribe(hub.publish)
    return hub


def create_app(platform: Platform, *, close_on_shutdown: bool = True) -> FastAPI:
    """The ASGI application serving ``platform``; with ``close_on_shutdown`` the platform is
    closed when the server shuts down (after the requests in flight)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        _log.info("serving")
        with _notifications(platform, hub):
            yield
        if close_on_shutdown:
            platform.close()
        _log.info("shutdown complete")

    app = FastAPI(title="AstraTrade API", version="1", lifespan=lifespan,
                  dependencies=[Depends(_declared_query)],
                  description="Commands and queries over the AstraTrade core. Decimals are "
                              "JSON strings; refusals are RFC 9457 problem details.")
    config = platform.config
    metrics = Metrics(lambda: (platform.lag(), platform.views.checkpoints()))
    app.state.platform = platform
    app.state.metrics = metrics
    app.state.limiter = _limiter(platform)
    platform.bus.subscribe(lambda _record: metrics.events.inc())
    app.state.hub = hub = _hub(platform)
    for router in ROUTERS:
        app.include_router(router)

    @app.exception_handler(ProblemError)
    async def refused(_: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(exc.error, status=exc.status, request_id=REQUEST_ID.get(),
                                headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def malformed(_: Request, exc: RequestValidationError) -> JSONResponse:
        causes = [DomainError.invalid(
            "request.field", f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}",
            location=".".join(str(p) for p in e.get("loc", ()))) for e in exc.errors()[:20]]
        error = DomainError.all_of("request.invalid", causes)
        return problem_response(error, status=422, request_id=REQUEST_ID.get())

    @app.exception_handler(HTTPException)
    async def transport(_: Request, exc: HTTPException) -> JSONResponse:
        error = DomainError.not_found("request.http", str(exc.detail)[:200]) if (
            exc.status_code == 404) else DomainError.invalid("request.http",
                                                             str(exc.detail)[:200])
        return problem_response(error, status=exc.status_code, request_id=REQUEST_ID.get(),
                                headers=exc.headers)

    @app.exception_handler(Exception)
    async def bug(_: Request, exc: Exception) -> JSONResponse:
        _log.error("unhandled error", exc_info=exc)
        body = problem_body(DomainError.invalid("internal", "an internal error; quote the "
                                                "request id"), status=500,
                            request_id=REQUEST_ID.get())
        body.update(title="Internal error", kind="internal")
        return JSONResponse(body, status_code=500, media_type=PROBLEM_MEDIA_TYPE)

    app.add_middleware(_BodyLimit, limit=config.max_body_bytes)
    if config.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(config.cors_origins),
                           allow_methods=["GET", "POST", "PUT", "DELETE"],
                           allow_headers=["Authorization", "Content-Type", "Idempotency-Key",
                                          "X-Request-Id"])
    app.add_middleware(_Observe, metrics=metrics)   # outermost: every answer has an id
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app
