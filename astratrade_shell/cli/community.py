"""Community calculators: ``level`` (a player's level on a level curve) and ``allocate`` (a
money total split by weights among members, losing no minor unit).

Each one reads its inputs (:mod:`astratrade_shell.cli.values`), calls the core and reports the
core's answer; no formula lives here.  Invalid input exits 2.
"""

from __future__ import annotations

from astratrade_core.gamification.levels import LEVEL_CURVES, level_progress
from astratrade_core.money import Money
from astratrade_core.revenue.allocation import allocate as split
from astratrade_shell.cli.command import row_command
from astratrade_shell.cli.rows import Field, Inputs, Output, RowSpec, Value, ok
from astratrade_shell.cli.values import (
    DECIMAL,
    DECIMAL_LIST,
    INTEGER,
    KNOWN_CURRENCIES,
    TEXT,
    read_currency,
)

__all__ = ["allocate", "level"]


# --- allocate --------------------------------------------------------------------------------

def _allocate(inputs: Inputs) -> dict[str, Value]:
    minor = inputs.get("minor_unit")
    currency = ok(read_currency(inputs.string("currency"),
                                minor if isinstance(minor, int) else None))
    total = ok(Money.of(inputs.decimal("total"), currency))
    weights = inputs.get("weights")
    parts = ok(split(total, weights if isinstance(weights, tuple) else ()))
    return {"parts": tuple(p.amount for p in parts), "currency": currency.code}


allocate = row_command(RowSpec(
    name="allocate",
    summary="Split a money total by weights, losing no minor unit.",
    help=f"""Split a money total by weights with the largest-remainder method.

    \b
    The parts are whole minor units (cents for USD) and always sum to the total exactly;
    leftover units go to the largest remainders, ties to the earlier weight.
    --weights are comma-separated non-negative numbers (integers or ratios like 0.25;
    percentages are not weights: write 50,50, not 50%,50%).
    Known currencies: {' '.join(sorted(KNOWN_CURRENCIES))}; others need --minor-unit.
    """,
    fields=(Field("total", "Amount to split (whole minor units).", DECIMAL,
                  aliases=("amount",)),
            Field("currency", "Currency code.", TEXT),
            Field("weights", "Comma-separated weights.", DECIMAL_LIST),
            Field("minor_unit", "Decimal places of an unknown currency (0..18).", INTEGER,
                  required=False, aliases=("minor unit",))),
    outputs=(Output("parts"), Output("currency")),
    compute=_allocate,
    examples=("--total 100.00 --currency USD --weights 1,1,1",
              "--total 0.05 --currency USD --weights 3,7 --json"),
))


# --- level -----------------------------------------------------------------------------------

def _level(inputs: Inputs) -> dict[str, Value]:
    progress = ok(level_progress(inputs.integer("xp"), inputs.string("curve")))
    return {"level": progress.level, "xp_to_next_level": progress.xp_to_next_level,
            "curve": progress.curve}


level = row_command(RowSpec(
    name="level",
    summary="Level and XP to the next level on a level curve.",
    help="""Level for a lifetime XP total on a level curve, and the XP to the next level.

    \b
    Curves (integer-exact, no float anywhere):
      linear     level = floor(xp / 1000) + 1, unbounded
      sqrt       level = floor(sqrt(xp / 100)) + 1, capped at 100
      moodle     Moodle's default: base 120 x 1.3, 10 levels
      geometric  base 120 x 1.3 over 50 levels
      runescape  the 99-level RuneScape table
    --xp is an integer in [0, 10^18]. xp_to_next_level is empty (JSON null) at the top
    of a capped curve.
    """,
    fields=(Field("xp", "Lifetime XP (an integer in [0, 10^18]).", INTEGER, aliases=("XP",)),
            Field("curve", "Level curve.", required=False, default="linear",
                  choices=tuple(sorted(LEVEL_CURVES)))),
    outputs=(Output("level"), Output("xp_to_next_level"), Output("curve")),
    compute=_level,
    examples=("--xp 1500", "--xp 100 --curve runescape --json"),
))
