"""Trade-planning calculators: ``funding``, ``break-even``, ``kelly``, ``stops``.

Each reads its inputs, calls the core (:mod:`astratrade_core.trading`) and shows the answer at
its declared display precision; no formula lives here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from astratrade_core.errors import DomainError
from astratrade_core.instrument import Instrument
from astratrade_core.money import Currency
from astratrade_core.numeric import Rounding
from astratrade_core.trading import (
    FeeSchedule,
    InversePosition,
    Liquidity,
    apply_funding,
    funding_payment,
    kelly_fraction,
    position_from_fills,
    stop_levels,
)
from astratrade_shell.cli.calculators import COIN_FIELDS, COIN_PLACES, coin_instrument
from astratrade_shell.cli.command import row_command
from astratrade_shell.cli.rows import (
    BySide,
    Field,
    InCoin,
    Inputs,
    Output,
    Refused,
    RowSpec,
    Value,
    ok,
)
from astratrade_shell.cli.values import DECIMAL, FRACTION, POSITIVE

__all__ = ["break_even", "funding", "kelly", "stops"]

#: Display places of prices and quote amounts.
QUOTE_PLACES: Final = 8
#: The finest tick there is (28 fractional digits): with it, prices are effectively exact.
_FINEST_TICK: Final = Decimal(1).scaleb(-28)
_AWAY_UP_FOR_LONG: Final = BySide(Rounding.CEILING, Rounding.FLOOR,
                                  "up for a long, down for a short")


# --- funding ---------------------------------------------------------------------------------

def _funding(inputs: Inputs) -> dict[str, Value]:
    quantity, mark, rate = (inputs.decimal(n) for n in ("quantity", "mark", "rate"))
    inverse = coin_instrument(inputs)
    if inverse is not None:
        return {"payment": ok(InversePosition.of(inverse, quantity, mark, mark)
                              ).funding_payment(rate)}
    return {"payment": funding_payment(quantity, mark, rate)}


funding = row_command(RowSpec(
    name="funding",
    summary="Funding payment of a perpetual position for one funding interval.",
    help="""payment = quantity * mark * rate, exact (the core's funding_payment).

    \b
    --quantity is SIGNED (negative = short); --rate is the interval's funding rate as a
    fraction (0.0001 or 0.01%). payment is what the holder PAYS (negative: receives):
    with a positive rate longs pay shorts (Binance USDⓈ-M: notional * funding rate).
    \b
    Inverse (--inverse --contract-size S, coin-margined, Binance COIN-M): --quantity is
    SIGNED in contracts and payment = quantity * S / mark * rate in the BASE COIN (the
    position's value in coin times the rate), shown with at most 8 places rounded up
    (the payer pays no less, the receiver gets no more).
    """,
    fields=(Field("quantity", "Signed position size in base units (negative = short).",
                  DECIMAL),
            Field("mark", "Mark price at the funding time (quote per base).", POSITIVE,
                  aliases=("mark_price",)),
            Field("rate", "Funding rate of the interval, a fraction (0.01% allowed).",
                  FRACTION, aliases=("funding_rate",)),
            *COIN_FIELDS),
    outputs=(Output("payment", coin=InCoin(COIN_PLACES, Rounding.CEILING)),),
    compute=_funding,
    examples=("--quantity 2 --mark 100 --rate 0.0001",
              "--quantity -0.5 --mark 64000 --rate 0.01% --json",
              "--inverse --contract-size 100 --quantity 10 --mark 50000 --rate 0.0001"),
))


# --- break-even ------------------------------------------------------------------------------

def _break_even(inputs: Inputs) -> dict[str, Value]:
    rate = inputs.decimal("fee_rate")
    schedule = ok(FeeSchedule.of(rate, rate))
    entry_fill = schedule.fill(inputs.decimal("quantity"), inputs.decimal("entry"),
                               Liquidity.TAKER)
    if not entry_fill.quantity:
        raise Refused(DomainError.invalid("cli.flat", "quantity: a flat position has no "
                                                      "break-even price"))
    state = apply_funding(position_from_fills([entry_fill]), inputs.decimal("funding"))
    exit_rate = inputs.decimal("exit_fee_rate") if "exit_fee_rate" in inputs else rate
    ok(FeeSchedule.of(exit_rate, exit_rate))  # the same bounds as the entry fee
    return {"break_even_price": state.break_even_price(exit_rate).value_or(None),
            "entry_fee": entry_fill.fee}


break_even = row_command(RowSpec(
    name="break-even",
    summary="Break-even exit price of a position, fees and funding included.",
    help="""The exit price at which closing leaves a total P&L of zero after the entry fee,
    the funding paid and the exit fee (the core's PositionState.break_even_price).

    \b
    --quantity is SIGNED (negative = short). --fee-rate is the taker fee as a fraction,
    paid on the entry notional and (unless --exit-fee-rate) on the exit notional.
    --funding is the funding paid so far in quote currency (negative: received).
    The price is shown with at most 8 places, rounded against the trader (a long's up, a
    short's down); empty (JSON null) when no positive price breaks even.
    """,
    fields=(Field("quantity", "Signed position size in base units (negative = short).",
                  DECIMAL),
            Field("entry", "Entry price (quote per base).", POSITIVE, aliases=("price",)),
            Field("fee_rate", "Taker fee rate, a fraction.", FRACTION, required=False,
                  default="0", aliases=("taker_rate", "maker_rate")),
            Field("exit_fee_rate", "Fee rate on the exit [default: --fee-rate].", FRACTION,
                  required=False),
            Field("funding", "Funding paid so far (quote; negative = received).", DECIMAL,
                  required=False, default="0")),
    outputs=(Output("break_even_price", QUOTE_PLACES, _AWAY_UP_FOR_LONG),
             Output("entry_fee")),
    compute=_break_even,
    examples=("--quantity 2 --entry 100 --fee-rate 0.0005",
              "--quantity -1 --entry 64000 --fee-rate 0.05% --funding 12.5 --json"),
))


# --- kelly -----------------------------------------------------------------------------------

def _kelly(inputs: Inputs) -> dict[str, Value]:
    return {"fraction": ok(kelly_fraction(inputs.decimal("win_rate"),
                                          inputs.decimal("payoff_ratio"),
                                          inputs.decimal("multiplier")))}


kelly = row_command(RowSpec(
    name="kelly",
    summary="Kelly stake fraction from a win rate and a payoff ratio.",
    help="""fraction = max(0, p - (1 - p) / b) * multiplier (the core's kelly_fraction;
    Kelly 1956, Thorp 2006 eq. 2.1).

    \b
    --win-rate p in [0, 1] (0.55 or 55%); --payoff-ratio b > 0 is the average win over
    the average loss; --multiplier in (0, 1] scales it (0.5 = half Kelly). A negative
    edge gives 0: do not trade. Shown with at most 6 places, rounded down (stake less).
    """,
    fields=(Field("win_rate", "Probability of a win, a fraction in [0, 1].", FRACTION),
            Field("payoff_ratio", "Average win / average loss.", POSITIVE),
            Field("multiplier", "Fractional Kelly, in (0, 1].", FRACTION, required=False,
                  default="1")),
    outputs=(Output("fraction", 6, Rounding.DOWN),),
    compute=_kelly,
    examples=("--win-rate 0.55 --payoff-ratio 2 --multiplier 0.5",
              "--win-rate 60% --payoff-ratio 1 --json"),
))


# --- stops -----------------------------------------------------------------------------------

def _stops(inputs: Inputs) -> dict[str, Value]:
    entry = inputs.decimal("entry")
    tick = inputs.decimal("tick_size") if "tick_size" in inputs else _FINEST_TICK
    if tick > entry:
        raise Refused(DomainError.invalid(
            "cli.tick_size", f"tick_size: {tick} is coarser than the entry price {entry}"))
    instrument = ok(Instrument.of("CLI", Currency("BASE", 8), Currency("QUOTE", 8),
                                  tick_size=tick, lot_size=_FINEST_TICK))
    levels = ok(stop_levels(instrument, entry, inputs.string("side") == "long",
                            inputs.decimal("risk"), inputs.decimal("reward_ratio"),
                            leverage=inputs.decimal("leverage")))
    return {"stop_loss": levels.stop_loss, "take_profit": levels.take_profit,
            "risk_per_unit": levels.risk, "reward_per_unit": levels.reward}


stops = row_command(RowSpec(
    name="stops",
    summary="Stop-loss and take-profit prices with the risk and reward per unit.",
    help="""Stop and target from a risk fraction and a reward-to-risk ratio (the core's
    stop_levels).

    \b
    long:  stop = entry * (1 - risk / leverage), take = entry + ratio * (entry - stop)
    short: stop = entry * (1 + risk / leverage), take = entry - ratio * (stop - entry)
    --risk is a fraction of the margin at --leverage (of the price at 1x; 2% allowed).
    With --tick-size both prices are rounded to the tick, the stop toward the entry and
    the target away from it (a long's up, a short's down), so the loss never exceeds
    --risk and the reward is never below ratio x risk; without it they are exact (shown
    with at most 8 places, rounded the same way). risk_per_unit and reward_per_unit are
    the loss at the stop and the gain at the target per unit of base.
    """,
    fields=(Field("side", "Position side.", choices=("long", "short")),
            Field("entry", "Entry price (quote per base).", POSITIVE,
                  aliases=("entry_price",)),
            Field("risk", "Fraction of the margin to risk, in (0, leverage).", FRACTION,
                  aliases=("risk_fraction",)),
            Field("reward_ratio", "Reward-to-risk ratio (2 = target twice the risk).",
                  POSITIVE),
            Field("leverage", "Leverage (the risk is a fraction of the margin).", POSITIVE,
                  required=False, default="1"),
            Field("tick_size", "Round the prices to this tick [default: exact].", POSITIVE,
                  required=False)),
    outputs=(Output("stop_loss", QUOTE_PLACES, _AWAY_UP_FOR_LONG),
             Output("take_profit", QUOTE_PLACES, _AWAY_UP_FOR_LONG),
             Output("risk_per_unit", QUOTE_PLACES, Rounding.CEILING),
             Output("reward_per_unit", QUOTE_PLACES, Rounding.FLOOR)),
    compute=_stops,
    examples=("--side long --entry 67000 --risk 0.2 --reward-ratio 2 --leverage 10 "
              "--tick-size 0.1",
              "--side short --entry 1999.99 --risk 1.5% --reward-ratio 1.5 --tick-size 0.05 "
              "--json"),
))
