"""DeFi calculators: ``apy``, ``apr``, ``lending-rate``, ``interest``.

``apy``/``apr`` call :mod:`astratrade_core.defi.rates` (and
:mod:`astratrade_core.defi.continuous` for ``--periods continuous``); ``lending-rate`` and
``interest`` call :mod:`astratrade_core.defi.lending`, Aave's integer maths in ray (10**27).
Decimal inputs are converted to those integers exactly
(:func:`~astratrade_core.numeric.to_fixed`; an input the scale cannot hold exactly is
refused) and the integer answers back exactly (:func:`~astratrade_core.numeric.from_fixed`),
so the printed rate is the on-chain one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from returns.result import Result, Success

from astratrade_core.defi import (
    InterestRateModel,
    accrue,
    apr_from_apy,
    apy_from_apr,
    apy_from_continuous,
    borrow_rate,
    compound_interest,
    continuous_from_apy,
    linear_interest,
    supply_rate,
    utilization,
)
from astratrade_core.errors import DomainError
from astratrade_core.numeric import (
    CONTEXT,
    MAX_FRACTION_DIGITS,
    RAY,
    Rounding,
    from_fixed,
    to_fixed,
)
from astratrade_shell.cli.command import row_command
from astratrade_shell.cli.rows import (
    Field,
    Inputs,
    Output,
    Refused,
    RowSpec,
    Value,
    ok,
)
from astratrade_shell.cli.values import BPS, FRACTION, INTEGER, NON_NEGATIVE, Kind, Parsed

__all__ = ["apr", "apy", "interest", "lending_rate"]

#: Amounts for the utilization are scaled by this exactly (every parsed input fits).
_AMOUNT_SCALE: Final = 10**MAX_FRACTION_DIGITS
_SECONDS_PER_DAY: Final = 86_400


def _invalid(message: str) -> Refused:
    return Refused(DomainError.invalid("cli.invalid", message))


def _exact_fixed(value: Decimal, scale: int, name: str) -> int:
    units = ok(to_fixed(value, scale, Rounding.DOWN))
    if from_fixed(units, scale) != value:
        raise _invalid(f"{name}: {value} has more decimal places than the scale 10^"
                       f"{len(str(scale)) - 1} holds")
    return units


# --- apy / apr -------------------------------------------------------------------------------

_CONTINUOUS: Final = "continuous"


def _read_periods(body: str, label: str) -> Result[Parsed, DomainError]:
    if body.lower() == _CONTINUOUS:
        return Success(_CONTINUOUS)
    return INTEGER.read(body, label)


_PERIODS: Final = Field("periods", "Compounding periods a year (12 monthly, 365 daily), or "
                                   "'continuous'.",
                        Kind("periods", "N|continuous", _read_periods))
_PLACES: Final = Field("places", "Decimal places of the answer (0..28), half-even.", INTEGER,
                       required=False, default="18")
_CONVERSION_HELP: Final = """
    \b
    Rates are fractions (0.12 or 12%). --periods continuous compounds continuously
    (APY = e^APR - 1, the core's apy_from_continuous and continuous_from_apy). The
    answer is rounded once, half-even, to --places (18 by default, a wad's resolution).
    """


def _apy(inputs: Inputs) -> dict[str, Value]:
    periods, places = inputs.get("periods"), inputs.integer("places")
    if periods == _CONTINUOUS:
        return {"apy": ok(apy_from_continuous(inputs.decimal("apr"), places))}
    return {"apy": ok(apy_from_apr(inputs.decimal("apr"), inputs.integer("periods"), places))}


def _apr(inputs: Inputs) -> dict[str, Value]:
    periods, places = inputs.get("periods"), inputs.integer("places")
    if periods == _CONTINUOUS:
        return {"apr": ok(continuous_from_apy(inputs.decimal("apy"), places))}
    return {"apr": ok(apr_from_apy(inputs.decimal("apy"), inputs.integer("periods"), places))}


apy = row_command(RowSpec(
    name="apy",
    summary="APY of an APR compounded n times a year, or continuously.",
    help="APY = (1 + APR / n)^n - 1 (the core's apy_from_apr)." + _CONVERSION_HELP,
    fields=(Field("apr", "Nominal annual rate, a fraction.", FRACTION,
                  aliases=("rate",)), _PERIODS, _PLACES),
    outputs=(Output("apy"),),
    compute=_apy,
    examples=("--apr 0.12 --periods 12 --places 10", "--apr 10% --periods 365 --json",
              "--apr 5% --periods continuous --places 12"),
))

apr = row_command(RowSpec(
    name="apr",
    summary="APR that compounds n times a year (or continuously) to an APY.",
    help="APR = n * ((1 + APY)^(1/n) - 1) (the core's apr_from_apy)." + _CONVERSION_HELP,
    fields=(Field("apy", "Effective annual yield, a fraction.", FRACTION), _PERIODS, _PLACES),
    outputs=(Output("apr"),),
    compute=_apr,
    examples=("--apy 0.1268250301 --periods 12 --places 6", "--apy 5% --periods 365 --json",
              "--apy 0.051271096376 --periods continuous --places 9"),
))


# --- lending-rate ----------------------------------------------------------------------------

def _lending_rate(inputs: Inputs) -> dict[str, Value]:
    model = ok(InterestRateModel.of(
        inputs.decimal("base_rate"), inputs.decimal("slope1"), inputs.decimal("slope2"),
        inputs.decimal("optimal"), inputs.integer("reserve_factor")))
    if "utilization" in inputs:
        if "debt" in inputs or "available" in inputs:
            raise _invalid("utilization: give it, or --debt and --available, not both")
        used = _exact_fixed(inputs.decimal("utilization"), RAY, "utilization")
    elif "debt" in inputs and "available" in inputs:
        used = ok(utilization(_exact_fixed(inputs.decimal("debt"), _AMOUNT_SCALE, "debt"),
                              _exact_fixed(inputs.decimal("available"), _AMOUNT_SCALE,
                                           "available")))
    else:
        raise _invalid("utilization: give it, or --debt and --available")
    return {"utilization": from_fixed(used, RAY),
            "borrow_rate": from_fixed(ok(borrow_rate(model, used)), RAY),
            "supply_rate": from_fixed(ok(supply_rate(model, used)), RAY)}


lending_rate = row_command(RowSpec(
    name="lending-rate",
    summary="Utilization, borrow and supply rates of a kinked (two-slope) rate model.",
    help="""Aave's two-slope rate strategy in ray (the core's borrow_rate and supply_rate).

    \b
    U = debt / (debt + available), or --utilization (half-up to 27 places).
    U <= optimal: borrow = base + slope1 * U / optimal
    U >  optimal: borrow = base + slope1 + slope2 * (U - optimal) / (1 - optimal)
    supply = borrow * U * (1 - reserve factor)
    Rates are yearly fractions (0.04 or 4%); --reserve-factor is bps (1000) or a
    percentage (10%). Outputs are the exact ray values as fractions.
    """,
    fields=(Field("debt", "Total borrowed.", NON_NEGATIVE, required=False,
                  aliases=("total_debt",)),
            Field("available", "Liquidity available to borrow.", NON_NEGATIVE,
                  required=False, aliases=("available_liquidity",)),
            Field("utilization", "Utilization, a fraction in [0, 1] (instead of amounts).",
                  FRACTION, required=False),
            Field("base_rate", "Rate at zero utilization.", FRACTION, required=False,
                  default="0"),
            Field("slope1", "Rate added up to the kink.", FRACTION),
            Field("slope2", "Rate added from the kink to full utilization.", FRACTION),
            Field("optimal", "The kink: optimal utilization, in (0, 1).", FRACTION,
                  aliases=("optimal_utilization", "the kink")),
            Field("reserve_factor", "Share of the interest kept by the protocol.", BPS,
                  required=False, default="0", aliases=("reserve factor",))),
    outputs=(Output("utilization"), Output("borrow_rate"), Output("supply_rate")),
    compute=_lending_rate,
    examples=("--debt 80 --available 20 --slope1 0.04 --slope2 0.75 --optimal 0.8 "
              "--reserve-factor 1000",
              "--utilization 90% --base-rate 0 --slope1 4% --slope2 75% --optimal 80% --json"),
))


# --- interest --------------------------------------------------------------------------------

def _interest(inputs: Inputs) -> dict[str, Value]:
    if ("seconds" in inputs) == ("days" in inputs):
        raise _invalid("seconds: give --seconds or --days, one of them")
    seconds = (inputs.integer("seconds") if "seconds" in inputs
               else inputs.integer("days") * _SECONDS_PER_DAY)
    decimals = inputs.integer("decimals")
    if not 0 <= decimals <= MAX_FRACTION_DIGITS:
        raise _invalid(f"decimals: must be 0..{MAX_FRACTION_DIGITS}")
    scale = 10**decimals
    principal = _exact_fixed(inputs.decimal("principal"), scale, "principal")
    rate = ok(to_fixed(inputs.decimal("rate"), RAY, Rounding.HALF_UP))
    compound = inputs.string("compounding") == "compound"
    factor = ok(compound_interest(rate, seconds) if compound else linear_interest(rate, seconds))
    balance = from_fixed(ok(accrue(principal, rate, seconds, compound=compound)), scale)
    return {"balance": balance,
            "interest": CONTEXT.subtract(balance, inputs.decimal("principal")),
            "growth_factor": from_fixed(factor, RAY)}


interest = row_command(RowSpec(
    name="interest",
    summary="Balance after accruing a yearly rate for a duration, with Aave's maths.",
    help="""A balance of --principal token units (--decimals places) grown at --rate a year
    for --seconds or --days (a year is 365 days, leap years ignored, as in Aave):
    balance = ray_mul(principal, factor), rounded half-up to the token's smallest unit.

    \b
    compound (default): Aave v3's three-term binomial approximation of per-second
    compounding (slightly below the exact value, never above); linear:
    1 + rate * seconds / year. growth_factor is the ray factor as a fraction.
    """,
    fields=(Field("principal", "Starting balance (in tokens).", NON_NEGATIVE),
            Field("rate", "Yearly rate, a fraction (0.05 or 5%).", FRACTION),
            Field("seconds", "Duration in seconds.", INTEGER, required=False),
            Field("days", "Duration in days of 86400 seconds.", INTEGER, required=False),
            Field("decimals", "The token's decimal places (6 for USDC, 18 for most).",
                  INTEGER, required=False, default="18"),
            Field("compounding", "Compound (Aave's approximation) or linear.", required=False,
                  default="compound", choices=("compound", "linear"))),
    outputs=(Output("balance"), Output("interest"), Output("growth_factor")),
    compute=_interest,
    examples=("--principal 1000000 --rate 0.1 --days 365 --decimals 6 --compounding linear",
              "--principal 1000 --rate 5% --days 30 --decimals 6 --json"),
))
