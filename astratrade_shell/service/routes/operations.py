"""Health, readiness and metrics (no authentication: they reveal no user data; bind the
service to loopback or an internal network, as by default)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from astratrade_shell.service.http import platform_of
from astratrade_shell.service.metrics import CONTENT_TYPE, Metrics

__all__ = ["router"]

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    """``ok`` while the process serves requests."""

    status: str


class Readiness(BaseModel):
    """Whether each dependency answers; ``ready`` when all do."""

    ready: bool
    checks: dict[str, bool]
    lag: dict[str, int]


@router.get("/healthz", response_model=Health, summary="Liveness")
async def healthz() -> Any:
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, summary="Readiness (store, read models, bus)",
            responses={503: {"model": Readiness, "description": "A dependency is down"}})
def readyz(request: Request) -> Any:
    platform = platform_of(request)
    checks = platform.ready()
    ready = all(checks.values())
    lag = platform.lag() if checks["store"] and checks["views"] else {}
    body = Readiness(ready=ready, checks=checks, lag=lag)
    return body if ready else JSONResponse(body.model_dump(), status_code=503)


@router.get("/metrics", summary="Prometheus metrics",
            response_class=Response,
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                             "description": "The text exposition format"}})
def metrics(request: Request) -> Response:
    registry: Metrics = request.app.state.metrics
    return Response(registry.exposition(), media_type=CONTENT_TYPE)
