"""The row-wise calculators: ``pnl``, ``size``, ``liquidation``, ``level``, ``allocate``.

Each one parses text, calls the core and reports the core's answer; no formula lives here.
The command registry imports this module only when one of these commands runs.

A core error's kind chooses the exit code (:meth:`CliFailure.of`): invalid input exits 2; a
rule's refusal exits 1, e.g. a size below the instrument's minimum notional.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TypeVar

from returns.result import Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.gamification.levels import LEVEL_CURVES, level_progress
from astratrade_core.instrument import Instrument, margin_tiers
from astratrade_core.money import BTC, ETH, EUR, STRK, USD, USDC, Currency, Money
from astratrade_core.numeric import ONE, Rounding, parse_decimal, parse_positive, quantize
from astratrade_core.revenue.allocation import allocate as split
from astratrade_core.trading import (
    Position,
    calculate_pnl,
    calculate_position_size,
    fixed_fractional_size,
    initial_margin,
    isolated_liquidation_price,
)
from astratrade_shell.cli.main import CliFailure
from astratrade_shell.cli.rows import Field, RowSpec, Value, row_command

__all__ = ["allocate", "level", "liquidation", "pnl", "size"]

T = TypeVar("T")

#: Display precision of ``roi_percent`` (half-even) and of the seed size (rounded down).
ROI_PLACES = 6
SEED_PLACES = 8
#: XP totals are integers below 10**18 on every curve; longer text is rejected before parsing.
MAX_XP_DIGITS = 19


def _ok(result: Result[T, DomainError]) -> T:
    if isinstance(result, Success):
        value: T = result.unwrap()
        return value
    raise CliFailure.of(result.failure())


def _number(values: Mapping[str, str], name: str, *, positive: bool = False) -> Decimal:
    parse = parse_positive if positive else parse_decimal
    return _ok(parse(values[name], name))


# --- pnl -------------------------------------------------------------------------------------

def _pnl(values: Mapping[str, str]) -> dict[str, Value]:
    position = _ok(Position.of("X", values["quantity"], values["entry"],
                               values["price"]))
    leverage = _number(values, "leverage", positive=True)
    roi = position.roi_percent(leverage).map(
        lambda r: quantize(r, ROI_PLACES, Rounding.HALF_EVEN)).value_or(None)
    return {"pnl": calculate_pnl(position), "roi_percent": roi}


pnl = row_command(RowSpec(
    name="pnl",
    help="""Unrealized P&L and ROI of a position: pnl = quantity * (price - entry).

    \b
    --quantity is SIGNED in base units: negative means short.
    Prices are quote currency per unit of base. roi_percent is the P&L over the initial
    margin |quantity| * entry / leverage, in percent (Binance's ROI), rounded half-even to
    6 decimal places for display; empty (JSON null) when flat. pnl is exact.

    \b
    Example: astratrade pnl --quantity -0.5 --entry 30000 --price 29000
    JSON keys: pnl, roi_percent.
    """,
    fields=(Field("quantity", "Signed position size in base units (negative = short)."),
            Field("entry", "Average entry price (quote per base)."),
            Field("price", "Current (mark) price (quote per base)."),
            Field("leverage", "Leverage used for the ROI's margin.", required=False,
                  default="1")),
    outputs=("pnl", "roi_percent"),
    compute=_pnl,
))


# --- size ------------------------------------------------------------------------------------

def _instrument(values: Mapping[str, str], *, max_leverage: str,
                tiers_mmr: str | None = None) -> Instrument:
    base = Currency("BASE", 8)
    quote = Currency("QUOTE", 8)
    tiers = None
    if tiers_mmr is not None:
        tiers = _ok(margin_tiers([("0", None, max_leverage, tiers_mmr)]))
    return _ok(Instrument.of(
        "CLI", base, quote, tick_size=values.get("tick_size", "0.00000001"),
        lot_size=values.get("lot_size", "0.00000001"),
        min_notional=values.get("min_notional", "0"), max_leverage=max_leverage, tiers=tiers))


def _size(values: Mapping[str, str]) -> dict[str, Value]:
    full = ("entry", "stop", "lot_size", "min_notional", "max_leverage", "leverage", "fee_rate")
    if not any(name in values for name in full):
        if "stop_distance" not in values:
            raise CliFailure.bad_input("give --stop-distance, or --entry and --stop")
        exact = _ok(calculate_position_size(values["balance"], values["risk"],
                                            values["stop_distance"]))
        return {"quantity": quantize(exact, SEED_PLACES, Rounding.DOWN)}
    if "stop_distance" in values:
        raise CliFailure.bad_input("--stop-distance is the seed formula; with --entry/--stop "
                                   "the distance is entry - stop")
    missing = [f"--{n}" for n in ("entry", "stop") if n not in values]
    if missing:
        raise CliFailure.bad_input(f"the full sizer needs {' and '.join(missing)}")
    instrument = _instrument(values, max_leverage=values.get("max_leverage", "1000"))
    sized = _ok(fixed_fractional_size(
        instrument, values["balance"], values["risk"], values["entry"], values["stop"],
        fee_rate=values.get("fee_rate", "0"), leverage=values.get("leverage", "1")))
    return {"quantity": sized.quantity, "notional": sized.notional,
            "risk_amount": sized.worst_case_loss, "margin": sized.margin}


size = row_command(RowSpec(
    name="size",
    help="""Position size that risks a fraction of the balance.

    \b
    Seed formula (--stop-distance): quantity = balance * risk / stop_distance, rounded
    DOWN to 8 decimal places (a size never risks more than asked).
    Full sizer (--entry and --stop): risks at most balance * risk between entry and stop
    including fees, rounds the quantity DOWN to --lot-size, and enforces --min-notional,
    --max-leverage and the margin available at --leverage.
    --risk is a FRACTION in (0, 1]: 0.01 means 1 % of the balance.

    \b
    Examples: astratrade size --balance 10000 --risk 0.01 --stop-distance 50
              astratrade size --balance 10000 --risk 0.01 --entry 2000 --stop 1950 \\
                              --lot-size 0.01 --min-notional 10
    JSON keys: quantity (seed); quantity, notional, risk_amount, margin (full sizer).
    Exit 1 when the instrument's rules reject the size (e.g. below the minimum notional).
    """,
    fields=(Field("balance", "Account balance in quote currency."),
            Field("risk", "Fraction of the balance to risk, in (0, 1]."),
            Field("stop_distance", "Seed formula: price distance to the stop.", required=False),
            Field("entry", "Full sizer: entry price.", required=False),
            Field("stop", "Full sizer: stop price (below entry = long).", required=False),
            Field("lot_size", "Full sizer: quantity increment [default: 0.00000001].",
                  required=False),
            Field("min_notional", "Full sizer: minimum order notional.", required=False),
            Field("max_leverage", "Full sizer: instrument's maximum leverage.", required=False),
            Field("leverage", "Full sizer: leverage for the margin check [default: 1].",
                  required=False),
            Field("fee_rate", "Full sizer: taker fee as a fraction, paid on entry and exit.",
                  required=False)),
    outputs=("quantity", "notional", "risk_amount", "margin"),
    compute=_size,
))


# --- liquidation -----------------------------------------------------------------------------

def _liquidation(values: Mapping[str, str]) -> dict[str, Value]:
    leverage = _number(values, "leverage", positive=True)
    if leverage < ONE:
        raise CliFailure.bad_input(f"leverage: must be at least 1, got {values['leverage']}")
    entry = _number(values, "entry", positive=True)
    quantity = _number(values, "quantity", positive=True)
    instrument = _instrument(values, max_leverage=values["leverage"], tiers_mmr=values["mmr"])
    margin = _ok(initial_margin(instrument, quantity, entry, leverage))
    signed = quantity if values["side"] == "long" else -quantity
    price = _ok(isolated_liquidation_price(instrument, signed, entry, margin)).value_or(None)
    return {"liquidation_price": price, "margin": margin}


liquidation = row_command(RowSpec(
    name="liquidation",
    help="""Isolated-margin liquidation price of a linear (USD-margined) perpetual.

    \b
    The margin is the initial margin quantity * entry / leverage; liquidation happens when
    equity falls to the maintenance margin notional * mmr (Binance's one-way formula).
    --mmr is a FRACTION (0.004 = 0.4 %). The price is rounded to --tick-size TOWARD the
    entry (a long's up, a short's down), so the warning never comes late.
    liquidation_price is empty (JSON null) when there is none, e.g. a 1x long.

    \b
    Example: astratrade liquidation --side long --entry 50000 --leverage 10 --mmr 0.004
    JSON keys: liquidation_price, margin.
    """,
    fields=(Field("side", "Position side.", choices=("long", "short")),
            Field("entry", "Entry price (quote per base)."),
            Field("leverage", "Leverage, at least 1."),
            Field("mmr", "Maintenance margin rate as a fraction."),
            Field("quantity", "Position size in base units.", required=False, default="1"),
            Field("tick_size", "Price increment for rounding.", required=False,
                  default="0.01")),
    outputs=("liquidation_price", "margin"),
    compute=_liquidation,
))


# --- allocate --------------------------------------------------------------------------------

def _allocate(values: Mapping[str, str]) -> dict[str, Value]:
    presets = {c.code: c for c in (USD, EUR, USDC, BTC, ETH, STRK)}
    code = values["currency"].upper()
    if "minor_unit" in values:
        try:
            minor = int(values["minor_unit"])
        except ValueError:
            raise CliFailure.bad_input("minor_unit: not an integer") from None
        currency = _ok(Currency.of(code, minor))
    elif code in presets:
        currency = presets[code]
    else:
        raise CliFailure.bad_input(f"unknown currency {code}; pass --minor-unit "
                                   f"(known: {', '.join(sorted(presets))})")
    total = _ok(Money.of(values["total"], currency))
    weights = tuple(w.strip() for w in values["weights"].split(","))
    parts = _ok(split(total, weights))
    return {"parts": tuple(p.amount for p in parts), "currency": currency.code}


allocate = row_command(RowSpec(
    name="allocate",
    help="""Split a money total by weights with the largest-remainder method.

    \b
    The parts are whole minor units (cents for USD) and always sum to the total exactly;
    leftover units go to the largest remainders, ties to the earlier weight.
    --weights are comma-separated non-negative numbers (integers or ratios like 0.25).
    Known currencies: USD EUR USDC BTC ETH STRK; others need --minor-unit.

    \b
    Example: astratrade allocate --total 100.00 --currency USD --weights 1,1,1
    JSON keys: parts (list of decimal strings), currency.
    """,
    fields=(Field("total", "Amount to split (whole minor units)."),
            Field("currency", "Currency code."),
            Field("weights", "Comma-separated weights."),
            Field("minor_unit", "Decimal places of an unknown currency.", required=False)),
    outputs=("parts", "currency"),
    compute=_allocate,
))


# --- level -----------------------------------------------------------------------------------

def _level(values: Mapping[str, str]) -> dict[str, Value]:
    text = values["xp"]
    if not (text.isascii() and text.isdigit() and len(text) <= MAX_XP_DIGITS):
        raise CliFailure.bad_input(f"xp: expected a non-negative integer of at most "
                                   f"{MAX_XP_DIGITS} digits, got {text[:20]!r}")
    progress = _ok(level_progress(int(text), values["curve"]))
    return {"level": progress.level, "xp_to_next_level": progress.xp_to_next_level,
            "curve": progress.curve}


level = row_command(RowSpec(
    name="level",
    help="""Level for a lifetime XP total on a level curve, and the XP to the next level.

    \b
    Curves (integer-exact, no float anywhere):
      linear     level = floor(xp / 1000) + 1, unbounded
      sqrt       level = floor(sqrt(xp / 100)) + 1, capped at 100
      moodle     Moodle's default: base 120 x 1.3, 10 levels
      geometric  base 120 x 1.3 over 50 levels
      runescape  the 99-level RuneScape table
    xp_to_next_level is empty (JSON null) at the top of a capped curve.

    \b
    Example: astratrade level --xp 1500 --curve runescape
    JSON keys: level, xp_to_next_level, curve.
    """,
    fields=(Field("xp", "Lifetime XP (a non-negative integer)."),
            Field("curve", "Level curve.", required=False, default="linear",
                  choices=tuple(sorted(LEVEL_CURVES)))),
    outputs=("level", "xp_to_next_level", "curve"),
    compute=_level,
))
