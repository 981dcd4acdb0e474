"""Prometheus metrics of one service app (``GET /metrics``, text exposition format).

==========================================  =========  ======================================
metric                                      type       labels
==========================================  =========  ======================================
``astratrade_http_request_duration_seconds`` histogram  ``method``, ``route`` (the template,
                                                       never the raw path), ``status``
``astratrade_auth_failures_total``          counter    ``reason`` (missing, malformed,
                                                       invalid, rate_limited)
``astratrade_events_published_total``       counter    (events this process appended; the
                                                       events/s figure is its ``rate()``)
``astratrade_readmodel_lag_events``         gauge      ``model``: stored events the read model
                                                       has yet to apply (worker lag)
``astratrade_readmodel_position``           gauge      ``model``: its checkpoint
``astratrade_websocket_clients``            gauge      (WebSocket subscribers connected now)
``astratrade_websocket_messages_total``     counter    (messages pushed to subscribers)
``astratrade_websocket_dropped_total``      counter    (subscribers dropped as too slow)
==========================================  =========  ======================================

Each app has its own registry, so several apps in one process (tests) count separately.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

__all__ = ["CONTENT_TYPE", "Metrics"]

#: The media type of the exposition format.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0)


class _Lag(Collector):
    def __init__(self, lag: Callable[[], tuple[Mapping[str, int], Mapping[str, int]]]) -> None:
        self._lag = lag

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            lags, positions = self._lag()
        except Exception:  # a store that cannot answer shows no lag rather than a 500
            return
        lag = GaugeMetricFamily("astratrade_readmodel_lag_events",
                                "Stored events a read model has yet to apply", labels=["model"])
        position = GaugeMetricFamily("astratrade_readmodel_position",
                                     "A read model's checkpoint", labels=["model"])
        for name in sorted(lags):
            lag.add_metric([name], lags[name])
            position.add_metric([name], positions.get(name, 0))
        yield lag
        yield position


class Metrics:
    """The app's registry and instruments; ``lag`` answers (lag, checkpoint) per model."""

    def __init__(self, lag: Callable[[], tuple[Mapping[str, int], Mapping[str, int]]]) -> None:
        self.registry = CollectorRegistry()
        self.requests = Histogram("astratrade_http_request_duration_seconds",
                                  "HTTP request latency", ["method", "route", "status"],
                                  buckets=_BUCKETS, registry=self.registry)
        self.auth_failures = Counter("astratrade_auth_failures_total",
                                     "Failed authentications", ["reason"],
                                     registry=self.registry)
        self.events = Counter("astratrade_events_published_total",
                              "Events this process appended and published",
                              registry=self.registry)
        self.ws_clients = Gauge("astratrade_websocket_clients",
                                "WebSocket subscribers connected", registry=self.registry)
        self.ws_messages = Counter("astratrade_websocket_messages",
                                   "Messages pushed to WebSocket subscribers",
                                   registry=self.registry)
        self.ws_dropped = Counter("astratrade_websocket_dropped",
                                  "WebSocket subscribers dropped as too slow",
                                  registry=self.registry)
        self.registry.register(_Lag(lag))

    def exposition(self) -> bytes:
        """Every metric in the text format."""
        return generate_latest(self.registry)
