"""The canonical codec on trade events, against the JSON it produces, timed in the same run.

* ``encode`` one event at a time, and ``encode_all`` on the whole batch (what a store append
  calls), against ``json.dumps`` of prebuilt dicts (sorted keys, compact: what a hand-written
  encoder would call after building its dict, so the baseline skips every conversion the codec
  does).  The store's batched append wants >= 500k encodes/s.
* ``decode`` against ``json.loads`` alone (the floor: the codec parses with it, then checks
  and builds the event).

The events are ``bench_replay``'s 20-symbol ``TradeExecuted`` fills (strings, four decimals
and a timestamp each).
"""

from __future__ import annotations

import json

from astratrade_core.events import PLATFORM_EVENTS
from astratrade_core.events.codec import decode, encode, encode_all
from benchmarks.bench_replay import trade_events
from benchmarks.harness import Comparison, compare

__all__ = ["run"]


def run(quick: bool) -> list[Comparison]:
    """Encode and decode ``TradeExecuted`` events (100,000; 2,000 when ``quick``)."""
    count = 2_000 if quick else 100_000
    events = trade_events(count)
    encoded = encode_all(events)
    dicts = [json.loads(b) for b in encoded]
    dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode
    repeats = 2 if quick else 5
    label = f"{count:,} TradeExecuted"
    return [
        compare(f"codec encode, one at a time ({label})", lambda: [encode(e) for e in events],
                "json.dumps of prebuilt dicts", lambda: [dumps(d) for d in dicts],
                repeats=repeats, per=count, unit="event", target=">= 500k events/s"),
        compare(f"codec encode_all, one batch ({label})", lambda: encode_all(events),
                "json.dumps of prebuilt dicts", lambda: [dumps(d) for d in dicts],
                repeats=repeats, per=count, unit="event", target=">= 500k events/s"),
        compare(f"codec decode ({label})",
                lambda: [decode(b, PLATFORM_EVENTS) for b in encoded],
                "json.loads only", lambda: [json.loads(b) for b in encoded],
                repeats=repeats, per=count, unit="event", target="(for the record)"),
    ]
