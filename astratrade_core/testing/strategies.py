"""Strategies that generate valid, bounded values of the core's types.

>>> from hypothesis import given
>>> @given(decimals(places=2))
... def check(d): assert d == d.quantize(Decimal("0.01"))
>>> check()
"""

from __future__ import annotations

import decimal
from decimal import Decimal

from hypothesis import strategies as st

from astratrade_core.money import Currency, Money, Price, Quantity, Rate
from astratrade_core.numeric import CONTEXT, U256_MAX

__all__ = [
    "currencies",
    "decimals",
    "hostile_contexts",
    "money",
    "positive_decimals",
    "prices",
    "quantities",
    "rates",
    "u256",
]


def decimals(
    min_value: Decimal | int = -10**12,
    max_value: Decimal | int = 10**12,
    places: int = 8,
) -> st.SearchStrategy[Decimal]:
    """Finite decimals in ``[min_value, max_value]`` with exactly ``places`` fractional digits."""
    lo = int(Decimal(min_value).scaleb(places, CONTEXT))
    hi = int(Decimal(max_value).scaleb(places, CONTEXT))
    return st.integers(lo, hi).map(lambda n: Decimal(n).scaleb(-places, CONTEXT))


def positive_decimals(
    max_value: Decimal | int = 10**9, places: int = 8
) -> st.SearchStrategy[Decimal]:
    """Strictly positive decimals with ``places`` fractional digits."""
    return st.integers(1, int(Decimal(max_value).scaleb(places, CONTEXT))).map(
        lambda n: Decimal(n).scaleb(-places, CONTEXT)
    )


def currencies() -> st.SearchStrategy[Currency]:
    """Currencies with codes like ``CUR`` and a minor unit in 0..18."""
    return st.builds(
        Currency,
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=5),
        st.integers(0, 18),
    )


def money(currency: Currency | None = None, max_value: int = 10**9) -> st.SearchStrategy[Money]:
    """Money already rounded to its currency's minor unit."""
    chosen = st.just(currency) if currency is not None else currencies()
    return chosen.flatmap(
        lambda c: decimals(-max_value, max_value, c.minor_unit).map(lambda d: Money(d, c))
    )


def prices(max_value: int = 10**7, places: int = 8) -> st.SearchStrategy[Price]:
    """Strictly positive prices."""
    return positive_decimals(max_value, places).map(Price)


def quantities(max_value: int = 10**6, places: int = 8) -> st.SearchStrategy[Quantity]:
    """Non-negative quantities."""
    return decimals(0, max_value, places).map(Quantity)


def rates(min_value: str = "-1", max_value: str = "1", places: int = 6) -> st.SearchStrategy[Rate]:
    """Rates (fractions) in a range."""
    return decimals(Decimal(min_value), Decimal(max_value), places).map(Rate)


def u256(max_value: int = U256_MAX) -> st.SearchStrategy[int]:
    """Unsigned 256-bit integers, biased towards small and boundary values by Hypothesis."""
    return st.integers(0, max_value)


def hostile_contexts() -> st.SearchStrategy[decimal.Context]:
    """Thread contexts a careless caller might install: tiny precision, odd rounding, traps off."""
    return st.builds(
        lambda prec, rounding, trap: decimal.Context(
            prec=prec,
            rounding=rounding,
            traps=[decimal.Inexact, decimal.Rounded] if trap else [],
        ),
        st.integers(1, 6),
        st.sampled_from(
            [decimal.ROUND_DOWN, decimal.ROUND_UP, decimal.ROUND_FLOOR, decimal.ROUND_CEILING,
             decimal.ROUND_05UP, decimal.ROUND_HALF_DOWN]
        ),
        st.booleans(),
    )
