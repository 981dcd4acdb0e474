"""The contract's integer answer for a calculator row (``astratrade <calculator> --onchain``).

:func:`onchain_columns` takes a calculator's input values (the option texts) and its Decimal
outputs, converts the inputs to wad integers (``to_fixed``, rounding down) and asks the
``FixedPointMath`` contract for the same quantity, returning extra columns to print beside the
Decimal result:

* ``pnl``: ``pnl_onchain_wad`` = ``pnl(|quantity|, entry, price, quantity > 0)``
* ``size`` (seed formula, ``--stop-distance``): ``quantity_onchain_wad``
* ``liquidation``: ``liquidation_price_onchain_wad`` with the Decimal run's margin
  (0 means "none")
* ``allocate``: ``parts_onchain``, the split of the total's magnitude in minor units, with the
  weights scaled to integers

Other rows (the full sizer, ``level``) have no contract counterpart: no columns.
:func:`math_client` deploys ``FixedPointMath`` on the local VM backend (``make contracts``
must have run), or uses a deployed one over RPC when ``ASTRATRADE_FIXED_POINT_MATH`` (its
address) and the RPC variables of :mod:`astratrade_shell.starknet.rpc` are set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from decimal import Decimal

from returns.result import Success

from astratrade_core.numeric import CONTEXT, WAD, parse_decimal, to_fixed
from astratrade_core.revenue import integer_weights
from astratrade_shell.starknet.abi import ContractAbi
from astratrade_shell.starknet.clients import FixedPointMathClient

__all__ = ["ONCHAIN_OUTPUTS", "math_client", "onchain_columns"]

#: Calculators with a contract counterpart -> the columns ``--onchain`` adds.
ONCHAIN_OUTPUTS: Mapping[str, tuple[str, ...]] = {
    "pnl": ("pnl_onchain_wad",),
    "size": ("quantity_onchain_wad",),
    "liquidation": ("liquidation_price_onchain_wad",),
    "allocate": ("parts_onchain",),
}
OnchainValue = int | tuple[int, ...]


def math_client() -> FixedPointMathClient:
    """``FixedPointMath`` over RPC if configured, else freshly deployed on the local VM."""
    address = os.environ.get("ASTRATRADE_FIXED_POINT_MATH")
    if address:
        from astratrade_shell.starknet.rpc import RpcBackend, RpcConfig  # noqa: PLC0415

        abi = ContractAbi(FixedPointMathClient.artifact().abi())
        return FixedPointMathClient(RpcBackend(RpcConfig.from_env()), int(address, 0), abi)
    from astratrade_shell.starknet.local import LocalBackend  # noqa: PLC0415

    return FixedPointMathClient.deploy(LocalBackend(), caller=1)


def _wad(text: str | Decimal) -> int:
    value = text if isinstance(text, Decimal) else parse_decimal(text).unwrap()
    return to_fixed(CONTEXT.abs(value), WAD).unwrap()


def onchain_columns(command: str, values: Mapping[str, str],
                    outputs: Mapping[str, object],
                    client: FixedPointMathClient) -> dict[str, OnchainValue]:
    """Extra columns with the contract's integers for one calculator row (see the module)."""
    if command == "pnl":
        quantity = parse_decimal(values["quantity"]).unwrap()
        return {"pnl_onchain_wad": client.pnl(_wad(quantity), _wad(values["entry"]),
                                              _wad(values["price"]), quantity > 0)}
    if command == "size" and "stop_distance" in values and "entry" not in values:
        return {"quantity_onchain_wad": client.position_size(
            _wad(values["balance"]), _wad(values["risk"]), _wad(values["stop_distance"]))}
    margin = outputs.get("margin")
    if command == "liquidation" and isinstance(margin, Decimal):
        return {"liquidation_price_onchain_wad": client.liquidation_price(
            _wad(values.get("quantity", "1")), _wad(values["entry"]), _wad(margin),
            maintenance_rate=_wad(values["mmr"]), maintenance_amount=0,
            is_long=values["side"] == "long")}
    parts = outputs.get("parts")
    if command == "allocate" and isinstance(parts, tuple):
        total = Decimal(0)
        for part in parts:
            total = CONTEXT.add(total, part)
        exponent = total.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        weights = integer_weights([w.strip() for w in values["weights"].split(",")])
        if isinstance(weights, Success):
            units = abs(int(total.scaleb(places, CONTEXT)))
            return {"parts_onchain": client.allocate(units, weights.unwrap())}
    return {}
