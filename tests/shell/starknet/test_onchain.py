"""``--onchain`` columns: the contract's integers agree with the Decimal calculators."""

from __future__ import annotations

import decimal
from collections.abc import Iterator
from decimal import Decimal

import pytest
from hypothesis import given, settings

from astratrade_core.testing import hostile_contexts
from astratrade_shell.cli.calculators import liquidation, pnl, size
from astratrade_shell.cli.community import allocate
from astratrade_shell.starknet.clients import FixedPointMathClient
from astratrade_shell.starknet.local import LocalBackend
from astratrade_shell.starknet.onchain import onchain_columns

WAD = 10**18


@pytest.fixture(scope="module")
def client() -> Iterator[FixedPointMathClient]:
    with LocalBackend() as backend:
        yield FixedPointMathClient.deploy(backend, caller=1)


def test_pnl_column_is_the_decimal_pnl_in_wad(client: FixedPointMathClient) -> None:
    values = {"quantity": "-0.5", "entry": "30000", "price": "29000.5"}
    # A short of 0.5 from 30,000 to 29,000.5 gains 0.5 * 999.5 = 499.75.
    columns = onchain_columns("pnl", values, {}, client)
    assert columns == {"pnl_onchain_wad": 49975 * WAD // 100}
    assert pnl.name == "pnl"


def test_size_column_rounds_down(client: FixedPointMathClient) -> None:
    values = {"balance": "10000", "risk": "0.01", "stop_distance": "3"}
    # 100 / 3 = 33.333... -> floor at 18 places.
    assert onchain_columns("size", values, {}, client) == {
        "quantity_onchain_wad": 33_333_333_333_333_333_333}
    assert onchain_columns("size", {**values, "entry": "1"}, {}, client) == {}
    assert size.name == "size"


def test_liquidation_column_uses_the_decimal_margin(client: FixedPointMathClient) -> None:
    values = {"side": "long", "entry": "50000", "mmr": "0.005", "quantity": "1"}
    # The core's doctest case: ceil(45000 / 0.995 * 1e18) with margin 5,000.
    columns = onchain_columns("liquidation", values, {"margin": Decimal("5000")}, client)
    assert columns == {"liquidation_price_onchain_wad": 45226130653266331658292}
    assert liquidation.name == "liquidation"


def test_allocate_column_is_in_minor_units(client: FixedPointMathClient) -> None:
    parts = (Decimal("33.34"), Decimal("33.33"), Decimal("33.33"))
    columns = onchain_columns("allocate", {"weights": "1, 1, 1"}, {"parts": parts}, client)
    assert columns == {"parts_onchain": (3334, 3333, 3333)}
    assert allocate.name == "allocate"
    assert onchain_columns("level", {}, {}, client) == {}


@settings(max_examples=5, database=None)
@given(hostile_contexts())
def test_columns_ignore_the_callers_decimal_context(client: FixedPointMathClient,
                                                     context: decimal.Context) -> None:
    rows = [("pnl", {"quantity": "-0.123456789", "entry": "30000.5", "price": "29000.25"}, {}),
            ("allocate", {"weights": "0.25, 0.5, 1"},
             {"parts": (Decimal("14.29"), Decimal("28.57"), Decimal("57.14"))})]
    normal = [onchain_columns(c, v, o, client) for c, v, o in rows]
    with decimal.localcontext(context):
        assert [onchain_columns(c, v, o, client) for c, v, o in rows] == normal
