"""Trading events on the wire: exact bytes, version-1 fills still load after the
``liquidity`` field was added in version 2, and records written before hedge mode (version 3's
``position_side``) load as one-way legs, records written before inverse contracts (version 4's
``contract_size``) as linear ones."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import attrs
from returns.result import Success

from astratrade_core.events import (
    PLATFORM_EVENTS,
    EventRegistry,
    LimitBreach,
    PositionLiquidated,
    RiskLimitHit,
    TradeExecuted,
    decode,
    encode,
)
from astratrade_core.events.trading import TRADING_EVENTS

T0 = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
TRADE = TradeExecuted(event_id="c7:0", stream_id="acct-1", occurred_at=T0, symbol="BTCUSD",
                      quote_currency="USD", quantity=Decimal("-0.5"), price=Decimal("32000"),
                      fee=Decimal("3.20"), liquidity="taker",
                      realized_pnl=Decimal("1000.0"))

# A version-1 record exactly as it was stored before maker/taker fees existed.
V1 = (b'{"event_id":"c7:0","occurred_at":"2026-05-01T09:30:00.000000Z","payload":{'
      b'"fee":"3.20","price":"32000","quantity":"-0.5","quote_currency":"USD",'
      b'"realized_pnl":"1000.0","symbol":"BTCUSD"},"stream_id":"acct-1",'
      b'"type":"TradeExecuted","version":1}')


def test_trade_bytes_are_canonical() -> None:
    assert encode(TRADE) == (
        b'{"event_id":"c7:0","occurred_at":"2026-05-01T09:30:00.000000Z","payload":{'
        b'"contract_size":null,"fee":"3.20","liquidity":"taker","position_side":"both",'
        b'"price":"32000","quantity":"-0.5","quote_currency":"USD","realized_pnl":"1000.0",'
        b'"symbol":"BTCUSD"},"stream_id":"acct-1","type":"TradeExecuted","version":4}')


def test_version_one_fills_load_as_taker_fills() -> None:
    assert PLATFORM_EVENTS.upcaster("TradeExecuted", 1) is not None
    assert decode(V1, PLATFORM_EVENTS) == Success(TRADE)
    # Loading does not rewrite history: the lifted event re-encodes as the current version.
    assert encode(decode(V1, PLATFORM_EVENTS).unwrap()) == encode(TRADE)


def test_without_the_upcaster_version_one_is_refused() -> None:
    no_upcasters = EventRegistry.of(TRADING_EVENTS)
    assert decode(V1, no_upcasters).failure().code == "codec.no_upcaster"


def test_risk_hits_carry_their_breaches_as_nested_records() -> None:
    hit = RiskLimitHit(event_id="c8:0", stream_id="acct-1", occurred_at=T0, symbol="BTCUSD",
                       quantity=Decimal("2"), price=Decimal("3000"),
                       breaches=(LimitBreach("risk.max_leverage", Decimal("5"), Decimal("8")),))
    data = encode(hit)
    assert (b'"breaches":[{"actual":"8","code":"risk.max_leverage","limit":"5"}]'
            in data)
    assert decode(data, PLATFORM_EVENTS) == Success(hit)


# Version-2 records of each event that gained a leg, as stored before hedge mode.
V2_TRADE = (b'{"event_id":"c7:0","occurred_at":"2026-05-01T09:30:00.000000Z","payload":{'
            b'"fee":"3.20","liquidity":"maker","price":"32000","quantity":"-0.5",'
            b'"quote_currency":"USD","realized_pnl":"1000.0","symbol":"BTCUSD"},'
            b'"stream_id":"acct-1","type":"TradeExecuted","version":2}')
V1_FUNDING = (b'{"event_id":"c9:0","occurred_at":"2026-05-01T08:00:00.000000Z","payload":{'
              b'"mark_price":"32000","payment":"3.2","quote_currency":"USD","rate":"0.0001",'
              b'"symbol":"BTCUSD"},"stream_id":"acct-1","type":"FundingApplied","version":1}')
V1_HIT = (b'{"event_id":"c8:0","occurred_at":"2026-05-01T08:00:00.000000Z","payload":{'
          b'"breaches":[],"price":"1","quantity":"1","symbol":"X"},"stream_id":"acct-1",'
          b'"type":"RiskLimitHit","version":1}')


def test_records_written_before_hedge_mode_load_as_one_way_legs() -> None:
    trade = decode(V2_TRADE, PLATFORM_EVENTS).unwrap()
    assert isinstance(trade, TradeExecuted)
    assert (trade.liquidity, trade.position_side, trade.schema_version) == ("maker", "both", 4)
    funding = decode(V1_FUNDING, PLATFORM_EVENTS).unwrap()
    assert (funding.event_type, getattr(funding, "position_side", None)) == (
        "FundingApplied", "both")
    hit = decode(V1_HIT, PLATFORM_EVENTS).unwrap()
    assert isinstance(hit, RiskLimitHit) and hit.position_side == "both"
    # a version-1 fill climbs both steps: taker, then one-way
    assert decode(V1, PLATFORM_EVENTS).unwrap() == TRADE


# A version-3 fill, as stored before inverse contracts were booked.
V3_TRADE = (b'{"event_id":"c7:0","occurred_at":"2026-05-01T09:30:00.000000Z","payload":{'
            b'"fee":"3.20","liquidity":"taker","position_side":"both","price":"32000",'
            b'"quantity":"-0.5","quote_currency":"USD","realized_pnl":"1000.0",'
            b'"symbol":"BTCUSD"},"stream_id":"acct-1","type":"TradeExecuted","version":3}')
V2_LIQUIDATION = (b'{"event_id":"c9:0","occurred_at":"2026-05-01T08:00:00.000000Z","payload":{'
                  b'"fee":"1","position_side":"long","price":"30000","quantity":"-1",'
                  b'"quote_currency":"USD","realized_pnl":"-5","symbol":"X"},'
                  b'"stream_id":"acct-1","type":"PositionLiquidated","version":2}')


def test_records_written_before_inverse_contracts_load_as_linear() -> None:
    assert decode(V3_TRADE, PLATFORM_EVENTS) == Success(TRADE)
    assert TRADE.contract_size is None
    liquidated = decode(V2_LIQUIDATION, PLATFORM_EVENTS).unwrap()
    assert isinstance(liquidated, PositionLiquidated)
    assert (liquidated.contract_size, liquidated.position_side) == (None, "long")
    # every older version of the four types climbs to the current one, linear
    for old in (V1, V2_TRADE, V1_FUNDING):
        lifted = decode(old, PLATFORM_EVENTS).unwrap()
        assert getattr(lifted, "contract_size", "missing") is None


def test_inverse_fills_round_trip_with_their_contract_size() -> None:
    coin = attrs.evolve(TRADE, symbol="BTCUSD_PERP", quote_currency="BTC",
                        quantity=Decimal("-7"), fee=Decimal("0.00000117"),
                        realized_pnl=Decimal("0.0001"), contract_size=Decimal("100"))
    data = encode(coin)
    assert b'"contract_size":"100"' in data and b'"version":4' in data
    assert decode(data, PLATFORM_EVENTS) == Success(coin)
