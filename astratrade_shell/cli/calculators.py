"""Position calculators: ``pnl``, ``size``, ``liquidation``, ``margin-ratio`` (``level`` and
``allocate`` live in :mod:`astratrade_shell.cli.community`, so that these commands do not
import the gamification and revenue packages).

Each one reads its inputs (:mod:`astratrade_shell.cli.values`), calls the core and reports the
core's answer; no formula lives here.  A core error's kind chooses the exit code: invalid input
exits 2; a rule's refusal exits 1 (a size below the instrument's minimum notional, a leverage
above the bracket's maximum).

Margin brackets (``liquidation``, ``margin-ratio``) come from exactly one of ``--mmr`` (one
bracket), ``--brackets FILE`` (Binance's leverageBracket answer, JSON or CSV) or ``--symbol``
(a preset of :mod:`astratrade_shell.cli.brackets`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from astratrade_core.errors import DomainError
from astratrade_core.instrument import Instrument, InstrumentKind, MarginTier, margin_tiers
from astratrade_core.money import Currency
from astratrade_core.numeric import CONTEXT, Rounding
from astratrade_core.trading import (
    InversePosition,
    InverseState,
    Position,
    calculate_pnl,
    calculate_position_size,
    cross_liquidation_price,
    equity_at,
    fixed_fractional_size,
    initial_margin,
    inverse_cross_liquidation_price,
    inverse_fixed_fractional_size,
    inverse_initial_margin,
    inverse_isolated_liquidation_price,
    inverse_pnl,
    isolated_liquidation_price,
    maintenance_margin,
    margin_ratio,
)
from astratrade_shell.cli.brackets import PRESET_DATE, PRESETS, file_tiers, preset_tiers
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
from astratrade_shell.cli.values import (
    DECIMAL,
    FLAG,
    FRACTION,
    NON_NEGATIVE,
    POSITIVE,
    TEXT,
)

__all__ = ["COIN_FIELDS", "COIN_PLACES", "coin_instrument", "liquidation",
           "margin_ratio_command", "pnl", "size"]

#: ``size --risk`` above this fraction of the balance needs ``--allow``.
RISK_LIMIT: Final = Decimal("0.1")
#: Display places of prices and quote amounts (Binance's USDⓈ-M precision).
QUOTE_PLACES: Final = 8
#: Display places of coin amounts of inverse contracts (a satoshi: Binance COIN-M's BTC).
COIN_PLACES: Final = 8

_SIDES: Final = ("long", "short")
_TOWARD_ENTRY: Final = BySide(Rounding.CEILING, Rounding.FLOOR,
                              "toward the entry: up for a long, down for a short")
_PLACEHOLDER_TICK: Final = Decimal("0.00000001")  # the instrument needs one; prices are taken exact


# --- inverse (coin-margined) contracts -------------------------------------------------------

#: ``--inverse`` and ``--contract-size``: the calculators that take them read quantities in
#: contracts and give amounts in the base coin.
COIN_FIELDS: Final = (
    Field("inverse", "Inverse (coin-margined) contract: quantity in contracts, amounts in the "
                     "base coin.", FLAG, required=False, flag=True),
    Field("contract_size", "Inverse: the quote value of one contract (Binance COIN-M: 100 "
                           "for BTCUSD, 10 for the others).", POSITIVE, required=False,
          aliases=("contract_multiplier",)),
)


def _invalid(message: str) -> Refused:
    return Refused(DomainError.invalid("cli.invalid", message))


def coin_instrument(inputs: Inputs, *, symbol: str = "CLI", tick: Decimal = Decimal(1),
                    max_leverage: Decimal = Decimal(1000),
                    tiers: tuple[MarginTier, ...] | None = None,
                    min_notional: Decimal = Decimal(0), lot: Decimal = Decimal(1),
                    ) -> Instrument | None:
    """The row's inverse instrument (``--inverse`` with its ``--contract-size``), or None for
    a linear row; a contract size without ``--inverse`` is refused (a linear contract's is 1
    base unit)."""
    if not inputs.flag("inverse"):
        if "contract_size" in inputs:
            raise _invalid("contract_size: only with --inverse (a linear contract is one base "
                           "unit)")
        return None
    if "contract_size" not in inputs:
        raise _invalid("contract_size: --inverse needs the quote value of one contract")
    return ok(Instrument.of(
        symbol, Currency("BASE", 8), Currency("QUOTE", 8), tick_size=tick, lot_size=lot,
        min_notional=min_notional, max_leverage=max_leverage, tiers=tiers,
        kind=InstrumentKind.INVERSE, contract_size=inputs.decimal("contract_size")))


# --- pnl -------------------------------------------------------------------------------------

def _pnl(inputs: Inputs) -> dict[str, Value]:
    inverse = coin_instrument(inputs)
    if inverse is not None:
        contracts, entry, price = (inputs.decimal(n) for n in ("quantity", "entry", "price"))
        held = ok(InversePosition.of(inverse, contracts, entry, price))
        state = InverseState(held.contract_size, contracts, entry)
        return {"pnl": inverse_pnl(held),
                "roi_percent": state.roi_percent(price, inputs.decimal("leverage")).value_or(
                    None)}
    position = ok(Position.of("X", inputs.decimal("quantity"), inputs.decimal("entry"),
                              inputs.decimal("price")))
    roi = position.roi_percent(inputs.decimal("leverage")).value_or(None)
    return {"pnl": calculate_pnl(position), "roi_percent": roi}


pnl = row_command(RowSpec(
    name="pnl",
    summary="Unrealized P&L and ROI of a position (signed quantity).",
    help="""pnl = quantity * (price - entry), exact (the core's calculate_pnl).

    \b
    --quantity is SIGNED in base units: negative means short.
    Prices are quote currency per unit of base. roi_percent is the P&L over the initial
    margin |quantity| * entry / leverage, in percent (Binance's ROI); empty (JSON null)
    when flat.
    \b
    Inverse (--inverse --contract-size S, coin-margined, Binance COIN-M): --quantity is
    SIGNED in contracts and pnl = quantity * S * (1/entry - 1/price) in the BASE COIN
    (the core's inverse_pnl), shown with at most 8 places rounded down (against the
    trader); roi_percent is over the margin |quantity| * S / entry / leverage in coin.
    """,
    fields=(Field("quantity", "Signed position size in base units (negative = short).",
                  DECIMAL),
            Field("entry", "Average entry price (quote per base).", POSITIVE,
                  aliases=("entry_price",)),
            Field("price", "Current (mark) price (quote per base).", POSITIVE,
                  aliases=("current_price",)),
            Field("leverage", "Leverage used for the ROI's margin.", POSITIVE, required=False,
                  default="1"),
            *COIN_FIELDS),
    outputs=(Output("pnl", coin=InCoin(COIN_PLACES, Rounding.FLOOR)),
             Output("roi_percent", 6, Rounding.HALF_EVEN)),
    compute=_pnl,
    examples=("--quantity -0.5 --entry 30000 --price 29000",
              "--quantity 2 --entry 100 --price 90 --leverage 5 --json",
              "--inverse --contract-size 100 --quantity 10 --entry 40000 --price 50000 "
              "--leverage 10"),
))


# --- size ------------------------------------------------------------------------------------

_FULL_SIZER: Final = ("entry", "stop", "lot_size", "min_notional", "max_leverage", "leverage",
                      "fee_rate")


def _size(inputs: Inputs) -> dict[str, Value]:
    if not any(name in inputs for name in _FULL_SIZER):
        if inputs.flag("inverse"):
            raise _invalid("entry: --inverse sizes with the full sizer (--entry and --stop)")
        if "stop_distance" not in inputs:
            raise _invalid("stop_distance: give it, or entry and stop")
        return {"quantity": ok(calculate_position_size(
            inputs.decimal("balance"), inputs.decimal("risk"), inputs.decimal("stop_distance")))}
    if "stop_distance" in inputs:
        raise _invalid("stop_distance: it is the seed formula; with entry and stop the "
                       "distance is entry - stop")
    missing = [n for n in ("entry", "stop") if n not in inputs]
    if missing:
        raise _invalid(f"{missing[0]}: the full sizer needs entry and stop")
    inverse = coin_instrument(
        inputs, tick=_PLACEHOLDER_TICK, lot=inputs.decimal_or("lot_size", Decimal(1)),
        min_notional=inputs.decimal_or("min_notional", Decimal(0)),
        max_leverage=inputs.decimal_or("max_leverage", Decimal(1000)))
    instrument = inverse or ok(Instrument.of(
        "CLI", Currency("BASE", 8), Currency("QUOTE", 8), tick_size=_PLACEHOLDER_TICK,
        lot_size=inputs.decimal_or("lot_size", _PLACEHOLDER_TICK),
        min_notional=inputs.decimal_or("min_notional", Decimal(0)),
        max_leverage=inputs.decimal_or("max_leverage", Decimal(1000))))
    sizer = fixed_fractional_size if inverse is None else inverse_fixed_fractional_size
    sized = ok(sizer(
        instrument, inputs.decimal("balance"), inputs.decimal("risk"), inputs.decimal("entry"),
        inputs.decimal("stop"), fee_rate=inputs.decimal_or("fee_rate", Decimal(0)),
        leverage=inputs.decimal_or("leverage", Decimal(1))))
    return {"quantity": sized.quantity, "notional": sized.notional,
            "risk_amount": sized.worst_case_loss, "margin": sized.margin}


size = row_command(RowSpec(
    name="size",
    summary="Position size from balance, risk fraction and stop.",
    help=f"""Position size that risks a fraction of the balance.

    \b
    Seed formula (--stop-distance): quantity = balance * risk / stop_distance, shown
    rounded DOWN to 8 decimal places (a size never risks more than asked).
    Full sizer (--entry and --stop): risks at most balance * risk between entry and stop
    including fees, rounds the quantity DOWN to --lot-size, and enforces --min-notional,
    --max-leverage and the margin available at --leverage.
    --risk is a FRACTION in (0, 1] (0.01 or 1% is 1 % of the balance); above
    {RISK_LIMIT} it needs --allow. Exit 1 when the instrument's rules reject the size.
    \b
    Inverse (--inverse --contract-size S, full sizer only): --balance is in the BASE
    COIN; quantity is whole contracts (--lot-size default 1), each losing
    S * (|entry - stop| + fee * (entry + stop)) / (entry * stop) coin at the stop
    (the core's inverse_fixed_fractional_size); notional (value |n| * S / entry), risk_amount
    and margin are coin amounts, --min-notional a coin value.
    """,
    fields=(Field("balance", "Account balance in quote currency.", POSITIVE,
                  aliases=("account_balance",)),
            Field("risk", "Fraction of the balance to risk, in (0, 1].", FRACTION,
                  aliases=("risk_percentage", "risk_fraction"), limit=RISK_LIMIT),
            Field("stop_distance", "Seed formula: price distance to the stop.", POSITIVE,
                  required=False, aliases=("stop_loss_distance",)),
            Field("entry", "Full sizer: entry price.", POSITIVE, required=False,
                  aliases=("entry_price",)),
            Field("stop", "Full sizer: stop price (below entry = long).", POSITIVE,
                  required=False, aliases=("stop_price",)),
            Field("lot_size", "Full sizer: quantity increment [default: 0.00000001; "
                              "inverse: 1 contract].", POSITIVE, required=False),
            Field("min_notional", "Full sizer: minimum order notional.", NON_NEGATIVE,
                  required=False),
            Field("max_leverage", "Full sizer: instrument's maximum leverage.", POSITIVE,
                  required=False),
            Field("leverage", "Full sizer: leverage for the margin check [default: 1].",
                  POSITIVE, required=False),
            Field("fee_rate", "Full sizer: taker fee as a fraction, paid on entry and exit.",
                  FRACTION, required=False),
            *COIN_FIELDS),
    outputs=(Output("quantity", QUOTE_PLACES, Rounding.DOWN),
             Output("notional", coin=InCoin(COIN_PLACES, Rounding.HALF_EVEN)),
             Output("risk_amount", QUOTE_PLACES, Rounding.CEILING),
             Output("margin", QUOTE_PLACES, Rounding.CEILING)),
    compute=_size,
    examples=("--balance 10000 --risk 0.01 --stop-distance 50",
              "--balance 10000 --risk 1% --entry 2000 --stop 1950 --lot-size 0.01 "
              "--min-notional 10",
              "--inverse --contract-size 100 --balance 1 --risk 1% --entry 50000 --stop 49000 "
              "--leverage 10"),
))


# --- margin: liquidation and margin ratio ------------------------------------------------------


def _tiers(inputs: Inputs) -> tuple[MarginTier, ...]:
    sources = [n for n in ("mmr", "brackets", "symbol") if n in inputs]
    if "mmr" in inputs:
        if len(sources) > 1:
            raise _invalid("mmr: give --mmr, or brackets (--brackets FILE and/or --symbol), "
                           "not both")
        return ok(margin_tiers([("0", None, inputs.decimal("leverage"), inputs.decimal("mmr"))]))
    symbol = inputs.get("symbol")
    if "brackets" in inputs:
        return file_tiers(inputs.string("brackets"), str(symbol) if symbol else None)
    if isinstance(symbol, str):
        if inputs.flag("inverse"):
            raise _invalid("symbol: the presets are USDⓈ-M brackets; with --inverse give "
                           "--brackets FILE (GET /dapi/v1/leverageBracket) or --mmr")
        return preset_tiers(symbol)
    raise _invalid("mmr: give --mmr (one bracket), --symbol (a preset) or --brackets FILE")


def _position(inputs: Inputs) -> tuple[Instrument, Decimal, Decimal, Decimal, Decimal]:
    """The instrument, signed quantity, entry, initial margin and the collateral."""
    tiers = _tiers(inputs)
    if "quantity" not in inputs and "mmr" not in inputs:
        raise _invalid("quantity: with brackets the size decides the bracket; give it")
    quantity = inputs.decimal("quantity") if "quantity" in inputs else Decimal(1)
    entry = inputs.decimal("entry")
    tick = inputs.decimal_or("tick_size", _PLACEHOLDER_TICK)
    if "tick_size" in inputs and tick > entry:
        raise _invalid(f"tick_size: {tick} is coarser than the entry price {entry}")
    symbol = str(inputs.get("symbol") or "CLI")[:32]
    inverse = coin_instrument(inputs, symbol=symbol, tick=tick, tiers=tiers,
                              max_leverage=tiers[0].max_leverage)
    instrument = inverse or ok(Instrument.of(
        symbol, Currency("BASE", 8), Currency("QUOTE", 8),
        tick_size=tick, lot_size=_PLACEHOLDER_TICK,
        max_leverage=tiers[0].max_leverage, tiers=tiers))
    margin = ok((initial_margin if inverse is None else inverse_initial_margin)(
        instrument, quantity, entry, inputs.decimal("leverage")))
    signed = quantity if inputs.string("side") == "long" else quantity.copy_negate()
    cross = inputs.string("mode") == "cross"
    if cross and "isolated_margin" in inputs:
        raise _invalid("isolated_margin: isolated mode only; cross mode uses the wallet "
                       "balance")
    if cross != ("wallet_balance" in inputs):
        raise _invalid("wallet_balance: needed in cross mode, and only there")
    collateral = (inputs.decimal("wallet_balance") if cross
                  else inputs.decimal("isolated_margin") if "isolated_margin" in inputs
                  else margin)
    return instrument, signed, entry, margin, collateral


def _liquidation(inputs: Inputs) -> dict[str, Value]:
    instrument, signed, entry, margin, collateral = _position(inputs)
    to_tick = "tick_size" in inputs
    cross = inputs.string("mode") == "cross"
    if instrument.is_inverse:
        found = (inverse_cross_liquidation_price if cross else inverse_isolated_liquidation_price)(
            instrument, signed, entry, collateral, to_tick=to_tick)
    elif cross:
        found = cross_liquidation_price(instrument, signed, entry, collateral, to_tick=to_tick)
    else:
        found = isolated_liquidation_price(instrument, signed, entry, collateral,
                                           to_tick=to_tick)
    price = ok(found).value_or(None)
    tier = None if price is None else instrument.tier_for(
        CONTEXT.divide(CONTEXT.multiply(signed.copy_abs(), instrument.contract_size), price)
        if instrument.is_inverse else CONTEXT.multiply(signed.copy_abs(), price))
    return {"liquidation_price": price, "margin": margin,
            "maintenance_rate": None if tier is None else tier.maintenance_margin_rate,
            "maintenance_amount": None if tier is None else tier.maintenance_amount}


def _margin_fields(extra: tuple[Field, ...]) -> tuple[Field, ...]:
    return (
        Field("side", "Position side.", choices=_SIDES),
        Field("entry", "Entry price (quote per base).", POSITIVE, aliases=("entry_price",)),
        *extra,
        Field("leverage", "Leverage of the initial margin quantity * entry / leverage, at "
                          "least 1 and at most the bracket's.", POSITIVE),
        Field("quantity", "Position size in base units [default with --mmr: 1; required with "
                          "brackets].", POSITIVE, required=False),
        Field("mmr", "Maintenance margin rate of a single bracket, a fraction.", FRACTION,
              required=False, aliases=("tiers[0].mmr",)),
        Field("symbol", f"Preset brackets ({', '.join(PRESETS)}; Binance, {PRESET_DATE}), "
                        "or the symbol to pick from --brackets.", TEXT, required=False,
              metavar="SYMBOL"),
        Field("brackets", "Binance leverageBracket answer (JSON or CSV file).", TEXT,
              required=False, metavar="FILE"),
        Field("mode", "Isolated margin, or cross margin with --wallet-balance.",
              required=False, default="isolated", choices=("isolated", "cross")),
        Field("isolated_margin", "Isolated margin held (quote) [default: the initial "
                                 "margin].",
              NON_NEGATIVE, required=False),
        Field("wallet_balance", "Cross mode: the account's wallet balance (quote).",
              NON_NEGATIVE, required=False),
    )


_MARGIN_HELP: Final = f"""
    Brackets: --mmr (one bracket), --symbol SYMBOL (a preset: Binance's USDⓈ-M brackets
    of {PRESET_DATE}, {', '.join(PRESETS)}) or --brackets FILE (the JSON or CSV answer of
    GET /fapi/v1/leverageBracket; --symbol picks one of several). Fractions accept 1%.
    """

liquidation = row_command(RowSpec(
    name="liquidation",
    summary="Isolated or cross liquidation price of a linear perpetual, with brackets.",
    help=f"""Liquidation price of a linear (USDⓈ-margined) one-way position.

    \b
    Liquidation happens when the position's equity C + q * (P - entry) falls to the
    maintenance margin |q| * P * mmr - cum of the bracket that holds the notional at that
    price (Binance's formula, the core's isolated/cross_liquidation_price). C is the
    isolated margin (--isolated-margin, default: the initial margin
    |q| * entry / leverage, the `margin` output) or, with
    --mode cross, the wallet balance.
    Without --tick-size the price is exact and shown with at most 8 decimal places,
    rounded toward the entry (a long's up, a short's down), so the warning never comes
    late; with --tick-size it is rounded to the tick in that direction (a tick coarser
    than the entry is refused). liquidation_price is empty (JSON null) when there is
    none, e.g. a 1x long. maintenance_rate/_amount are the bracket at that price.
    \b
    Inverse (--inverse --contract-size S, coin-margined, Binance COIN-M): --quantity is
    in contracts, the value |q| * S / P and the margins are BASE COIN amounts (so are
    the brackets' floors and the wallet balance), and the price is Binance's COIN-M
    LP = |q| S (mmr + side) / (C + cum + side |q| S / entry), side +1 long, -1 short
    (the core's inverse_isolated/cross_liquidation_price). An inverse long always has
    one; a short backed by its value in coin has none. Brackets: --mmr or --brackets
    (GET /dapi/v1/leverageBracket: qtyFloor/qtyCap in coin); the presets are USDⓈ-M.
    {_MARGIN_HELP}""",
    fields=(*_margin_fields(()),
            Field("tick_size", "Round the price to this tick [default: exact].", POSITIVE,
                  required=False),
            *COIN_FIELDS),
    outputs=(Output("liquidation_price", QUOTE_PLACES, _TOWARD_ENTRY),
             Output("margin", QUOTE_PLACES, Rounding.CEILING), Output("maintenance_rate"),
             Output("maintenance_amount")),
    compute=_liquidation,
    examples=("--side long --entry 50000 --leverage 10 --mmr 0.004",
              "--side long --entry 50000 --leverage 20 --quantity 20 --symbol BTCUSDT",
              "--side short --entry 3000 --quantity 100 --leverage 10 --mode cross "
              "--wallet-balance 20000 --symbol ETHUSDT --json",
              "--inverse --contract-size 100 --side long --entry 50000 --quantity 1000 "
              "--leverage 10 --mmr 0.004 --tick-size 0.1"),
))


def _margin_ratio(inputs: Inputs) -> dict[str, Value]:
    instrument, signed, entry, _, collateral = _position(inputs)
    mark = inputs.decimal("mark")
    ratio = margin_ratio(instrument, signed, entry, collateral, mark).value_or(None)
    return {"maintenance_margin": maintenance_margin(instrument, signed, mark),
            "margin_balance": equity_at(signed, entry, collateral, mark),
            "margin_ratio": ratio}


margin_ratio_command = row_command(RowSpec(
    name="margin-ratio",
    summary="Maintenance margin, margin balance and margin ratio at a mark price.",
    help=f"""Binance's margin ratio of a one-way position at --mark.

    \b
    margin_ratio = maintenance margin / margin balance, a fraction (the core's
    margin_ratio): the position is liquidated when it reaches 1. maintenance_margin is
    |q| * mark * mmr - cum of the bracket that holds the notional at the mark;
    margin_balance = C + q * (mark - entry), C as for `liquidation`.
    margin_ratio is empty (JSON null) when the margin balance is not positive.
    Amounts are shown with at most 8 places rounded against the trader (maintenance up,
    balance down, ratio up).
    {_MARGIN_HELP}""",
    fields=_margin_fields((Field("mark", "Mark price (quote per base).", POSITIVE,
                                 aliases=("mark_price",)),)),
    outputs=(Output("maintenance_margin", QUOTE_PLACES, Rounding.CEILING),
             Output("margin_balance", QUOTE_PLACES, Rounding.FLOOR),
             Output("margin_ratio", 6, Rounding.CEILING)),
    compute=_margin_ratio,
    examples=("--side long --entry 50000 --mark 48000 --leverage 10 --mmr 0.004",
              "--side long --entry 50000 --mark 49000 --leverage 20 --quantity 20 "
              "--symbol BTCUSDT --json"),
))
