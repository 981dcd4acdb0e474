"""``GET /v1/stream`` (WebSocket): live channels with authentication, back-pressure and
resume (:mod:`~astratrade_shell.service.realtime`).

``ws://HOST/v1/stream?channels=leaderboard,account:ann&from=120``

1. The API key comes in the ``Authorization: Bearer`` header or, for browsers (which cannot
   set it), as the first text message ``{"key": "atk_..."}`` within 10 s.  It goes through
   the same authentication and rate limit as HTTP.
2. Each channel is authorized like the matching HTTP query: ``leaderboard`` and ``battles``
   need ``read``; ``account:<id>`` needs ``read`` on an account the caller owns (operators
   and admins may watch any); ``revenue`` needs ``operate``.
3. With ``from``, the channels' records after that position are replayed from the store;
   then ``{"type": "live", "position": P}`` and live messages follow.  Each event message is
   ``{"type": "event", "channel", "position", "event"}`` (the event as in HTTP answers).
4. Refusals close the socket with a code and the problem code as the reason: ``4400`` bad
   request, ``4401`` authentication, ``4403`` not allowed, ``4429`` rate limited, and
   ``4008`` a client too slow to keep up (its reason is ``slow_consumer from=<last
   position delivered>``: reconnect with that ``from``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from itertools import islice
from typing import Any, Final

from fastapi import APIRouter, WebSocket
from returns.result import Failure
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect, WebSocketState

from astratrade_core.users import Principal, Scope, account_owner, authorize
from astratrade_shell.service.auth import authenticate
from astratrade_shell.service.metrics import Metrics
from astratrade_shell.service.platform import Platform
from astratrade_shell.service.problems import ProblemError
from astratrade_shell.service.realtime import (
    SLOW_CONSUMER,
    Channel,
    Delivery,
    Hub,
    Subscriber,
    parse_channel,
)

__all__ = ["describe", "router"]

router = APIRouter(tags=["real time"])

_KEY_TIMEOUT_S: Final = 10.0
_PAGE: Final = 500
_MAX_CHANNELS: Final = 16
_CODES: Final = {401: 4401, 403: 4403, 429: 4429}


class _CloseError(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason[:120]


def _channels(text: str, principal: Principal) -> list[Channel]:
    names = [n for n in text.split(",") if n][:_MAX_CHANNELS + 1]
    if not names or len(names) > _MAX_CHANNELS:
        raise _CloseError(4400, "stream.channels")
    chosen = []
    for name in names:
        parsed = parse_channel(name)
        if isinstance(parsed, Failure):
            raise _CloseError(4400, parsed.failure().code)
        channel = parsed.unwrap()
        if channel.account is not None:
            scope, owner = Scope.READ, account_owner(channel.account)
        else:
            scope, owner = (Scope.OPERATE if channel.name == "revenue" else Scope.READ), None
        checked = authorize(principal, scope, owner)
        if isinstance(checked, Failure):
            raise _CloseError(4403, checked.failure().code)
        chosen.append(channel)
    return chosen


def _start(text: str | None) -> int | None:
    if text is None:
        return None
    if not text.isdigit() or len(text) > 18:
        raise _CloseError(4400, "stream.from")
    return int(text)


async def _key(websocket: WebSocket) -> str | None:
    header = websocket.headers.get("authorization")
    if header:
        return header
    try:
        first = await asyncio.wait_for(websocket.receive_text(), _KEY_TIMEOUT_S)
        key = json.loads(first).get("key")
    except (TimeoutError, ValueError, AttributeError):
        return None
    return f"Bearer {key}" if isinstance(key, str) else None


def _page(platform: Platform, hub: Hub, subscriber: Subscriber,
          after: int) -> tuple[list[Delivery], int | None]:
    """Up to a page of records after ``after``: the deliveries and the last position read
    (None: the store holds nothing after ``after``)."""
    with platform.writing:
        records = list(islice(platform.store.read_all(after + 1), _PAGE))
    if not records:
        return [], None
    return hub.deliveries(subscriber, records), records[-1].position


async def _send(websocket: WebSocket, metrics: Metrics, delivery: Delivery) -> None:
    for text in delivery[1]:
        await websocket.send_text(text)
        metrics.ws_messages.inc()


async def _replay(websocket: WebSocket, platform: Platform, hub: Hub, *, metrics: Metrics,
                  subscriber: Subscriber, cursor: int) -> int:
    """Send the stored records after ``cursor`` until the store has no more; the last
    position read."""
    while True:
        deliveries, last = await run_in_threadpool(_page, platform, hub, subscriber, cursor)
        for delivery in deliveries:
            await _send(websocket, metrics, delivery)
        if last is not None:
            cursor = last
        elif subscriber.overflowed:   # live records dropped meanwhile: the store has them
            subscriber.reset()
        else:
            return cursor


async def _live(websocket: WebSocket, metrics: Metrics, subscriber: Subscriber,
                cursor: int) -> None:
    while True:
        await subscriber.wakeup.wait()
        subscriber.wakeup.clear()
        if subscriber.closed:
            return
        if subscriber.overflowed:
            metrics.ws_dropped.inc()
            raise _CloseError(SLOW_CONSUMER, f"slow_consumer from={cursor}")
        while subscriber.queue:
            delivery = subscriber.queue.popleft()
            if delivery[0] > cursor:
                await _send(websocket, metrics, delivery)
                cursor = delivery[0]


async def _watch(websocket: WebSocket, subscriber: Subscriber) -> None:
    """Notice the client going away while nothing is being sent."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass
    subscriber.close()


@router.websocket("/v1/stream", name="stream")
async def stream(websocket: WebSocket) -> None:
    """Live channels (see the module docstring)."""
    platform: Platform = websocket.app.state.platform
    hub: Hub = websocket.app.state.hub
    metrics: Metrics = websocket.app.state.metrics
    await websocket.accept()
    subscriber: Subscriber | None = None
    watcher: asyncio.Task[None] | None = None
    try:
        params = websocket.query_params
        unknown = set(params) - {"channels", "from"}
        if unknown:
            raise _CloseError(4400, "request.unknown_parameter")
        start = _start(params.get("from"))
        header = await _key(websocket)
        try:
            who = await run_in_threadpool(authenticate, platform, websocket.app.state.limiter,
                                          metrics, header)
        except ProblemError as refused:
            raise _CloseError(_CODES.get(refused.status or 0, 4401), refused.error.code) from None
        channels = _channels(params.get("channels", ""), who.principal)
        subscriber = hub.subscribe(channels)
        metrics.ws_clients.inc()
        watcher = asyncio.create_task(_watch(websocket, subscriber))
        cursor = 0 if start is None else await _replay(
            websocket, platform, hub, metrics=metrics, subscriber=subscriber, cursor=start)
        await websocket.send_text(json.dumps({"type": "live", "position": cursor,
                                              "channels": [c.name for c in channels]}))
        await _live(websocket, metrics, subscriber, cursor)
    except _CloseError as refused:
        await _close(websocket, refused.code, refused.reason)
    except (WebSocketDisconnect, RuntimeError, OSError):
        pass   # the client went away mid-send
    finally:
        if watcher is not None:
            watcher.cancel()
        if subscriber is not None:
            hub.unsubscribe(subscriber)
            metrics.ws_clients.dec()


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    if websocket.application_state == WebSocketState.CONNECTED:
        with contextlib.suppress(RuntimeError, OSError, WebSocketDisconnect):
            await websocket.close(code=code, reason=reason)


def describe() -> dict[str, Any]:
    """The channel catalogue for the OpenAPI document (``x-websocket``), AsyncAPI-like."""
    event = {"type": "object", "required": ["type", "channel", "position", "event"],
             "properties": {"type": {"const": "event"}, "channel": {"type": "string"},
                            "position": {"type": "integer"},
                            "event": {"type": "object",
                                      "description": "The event as HTTP answers show it"}}}
    return {
        "url": "/v1/stream?channels=NAME[,NAME...][&from=POSITION]",
        "authentication": "Authorization: Bearer <key>, or a first message {\"key\": ...}",
        "channels": {
            "leaderboard": {"scope": "read", "events": sorted(
                ["XPGained", "AchievementUnlocked"])},
            "account:<id>": {"scope": "read (own account; operators and admins: any)",
                             "events": "the account's portfolio events"},
            "battles": {"scope": "read", "events": sorted(
                ["ClanBattleScheduled", "ClanBattleResolved", "ClanRatingChanged"])},
            "revenue": {"scope": "operate", "events": "platform ledger fees and revenue, "
                                                     "subscription events"},
        },
        "messages": {"event": event, "live": {
            "type": "object", "properties": {"type": {"const": "live"},
                                             "position": {"type": "integer"},
                                             "channels": {"type": "array"}}}},
        "close_codes": {"4400": "bad request", "4401": "authentication failed",
                        "4403": "channel not allowed", "4429": "rate limited",
                        str(SLOW_CONSUMER): "too slow: reconnect with from=<position>"},
    }

