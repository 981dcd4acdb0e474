"""Revenue calculators: ``trading-fee``, ``processing-fee``, ``prorate``, ``year-fraction``,
``nft-sale``.

Each reads its inputs, calls the core (:mod:`astratrade_core.revenue`) and reports its answer;
money is rounded by the core, once, in the direction the core names (:class:`Favour`).
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Final

from astratrade_core.errors import DomainError
from astratrade_core.money import Currency, Money
from astratrade_core.numeric import CONTEXT, Rounding
from astratrade_core.revenue import (
    CARD_PROCESSING,
    STANDARD_TRADING_FEES,
    BillingCycle,
    DayCount,
    Favour,
    FeeRule,
    FeeSchedule,
    Liquidity,
    MarketplaceTerms,
    Plan,
    cancel,
    change_plan,
    day_count,
    settle_sale,
    start,
    year_fraction,
)
from astratrade_core.revenue.daycount import icma_year_fraction
from astratrade_shell.cli.batchfile import column_name, file_stamp, read_small_file
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
from astratrade_shell.cli.values import (
    BPS,
    DATE,
    FRACTION,
    INTEGER,
    NON_NEGATIVE,
    TEXT,
    quote,
    read_currency,
)

__all__ = ["nft_sale", "processing_fee", "prorate", "trading_fee", "year_fraction_command"]

#: A fee-schedule file larger than this is refused.
MAX_SCHEDULE_BYTES: Final = 64 * 1024
_FAVOURS: Final = tuple(f.value for f in Favour)
_CURRENCY_HELP: Final = "Currency code (USD EUR USDC BTC ETH STRK, or any with --minor-unit)."


def _invalid(message: str) -> Refused:
    return Refused(DomainError.invalid("cli.invalid", message))


def _currency(inputs: Inputs) -> Currency:
    minor = inputs.get("minor_unit")
    return ok(read_currency(inputs.string("currency"), minor if isinstance(minor, int) else None))


def _money(inputs: Inputs, name: str, currency: Currency) -> Money:
    return ok(Money.of(inputs.decimal(name), currency))


def _currency_fields() -> tuple[Field, ...]:
    return (Field("currency", _CURRENCY_HELP, TEXT, required=False, default="USD"),
            Field("minor_unit", "Decimal places of an unknown currency (0..18).", INTEGER,
                  required=False, aliases=("minor unit",)))


# --- trading-fee -----------------------------------------------------------------------------

def _schedule(inputs: Inputs) -> FeeSchedule:
    favour = Favour(inputs.string("favour"))
    path = inputs.get("schedule")
    if not isinstance(path, str):
        return FeeSchedule(STANDARD_TRADING_FEES.tiers, favour)
    return _schedule_file(path, favour, file_stamp(path))


@functools.lru_cache(maxsize=8)
def _schedule_file(path: str, favour: Favour, stamp: tuple[int, int]) -> FeeSchedule:
    del stamp  # part of the cache key only
    text = read_small_file(path, MAX_SCHEDULE_BYTES, "schedule")
    rows: list[tuple[str, str, str]] = []
    try:
        for record in csv.DictReader(io.StringIO(text)):
            cells = {column_name(k or ""): (v or "").strip() for k, v in record.items()}
            rows.append((cells.get("min_volume", ""), cells.get("maker_bps", ""),
                         cells.get("taker_bps", "")))
    except csv.Error as exc:
        raise _invalid(f"schedule: unreadable CSV ({exc})") from None
    return ok(FeeSchedule.of(rows, favour))


def _trading_fee(inputs: Inputs) -> dict[str, Value]:
    schedule = _schedule(inputs)
    currency = _currency(inputs)
    volume = inputs.decimal("volume")
    liquidity = Liquidity(inputs.string("liquidity"))
    tier = schedule.tier_for(volume)
    fee = ok(schedule.fee(_money(inputs, "notional", currency), volume, liquidity))
    return {"tier_min_volume": tier.min_volume, "rate_bps": tier.rate(liquidity).as_bps(),
            "fee": fee.amount}


trading_fee = row_command(RowSpec(
    name="trading-fee",
    summary="Maker/taker fee of a fill on a tiered 30-day-volume schedule.",
    help="""fee = notional * rate of the tier whose min_volume is the greatest not above the
    30-day volume (the core's FeeSchedule.fee), rounded ONCE to the currency's minor unit in
    --favour's direction: platform (default) rounds the signed fee up (a charge up, a maker
    rebate toward zero), user rounds it down. A negative fee is a rebate.

    \b
    The schedule is the shipped STANDARD_TRADING_FEES (maker/taker bps by volume: 0: 10/20,
    100k: 8/16, 1M: 5/12, 10M: 2/10, 100M: -1/8) or --schedule FILE, a CSV with columns
    min_volume, maker_bps, taker_bps (the core checks it: first tier at 0, volumes rising,
    rates never rising, maker <= taker).
    """,
    fields=(Field("notional", "Fill notional in the quote currency.", NON_NEGATIVE,
                  aliases=("amount",)),
            Field("volume", "30-day traded volume (quote) that picks the tier.", NON_NEGATIVE,
                  required=False, default="0"),
            Field("liquidity", "Maker or taker.", required=False, default="taker",
                  choices=("maker", "taker")),
            *_currency_fields(),
            Field("favour", "Whose favour the fee rounds in.", required=False,
                  default="platform", choices=_FAVOURS),
            Field("schedule", "CSV file: min_volume,maker_bps,taker_bps.", TEXT,
                  required=False, metavar="FILE")),
    outputs=(Output("tier_min_volume"), Output("rate_bps"), Output("fee")),
    compute=_trading_fee,
    examples=("--notional 12345.67",
              "--notional 50000 --volume 150000000 --liquidity maker --json"),
))


# --- processing-fee --------------------------------------------------------------------------

def _processing_fee(inputs: Inputs) -> dict[str, Value]:
    currency = _currency(inputs)
    rule = ok(FeeRule.of(inputs.decimal("rate"), _money(inputs, "fixed", currency),
                         Favour(inputs.string("favour"))))
    if ("amount" in inputs) == ("for_net" in inputs):
        raise _invalid("amount: give --amount (the fee of a charge) or --for-net (the charge "
                       "that leaves a net), one of them")
    gross = (_money(inputs, "amount", currency) if "amount" in inputs
             else ok(rule.gross_for_net(_money(inputs, "for_net", currency))))
    fee = ok(rule.fee_for(gross))
    return {"gross": gross.amount, "fee": fee.amount, "net": ok(gross.minus(fee)).amount}


processing_fee = row_command(RowSpec(
    name="processing-fee",
    summary="Percentage-plus-fixed fee of a charge, or the gross charge for a net.",
    help="""fee = amount * rate + fixed, rounded ONCE to the minor unit in --favour's
    direction (the core's FeeRule; the default is a card processor's 2.9 % + 0.30,
    rounded up in the processor's favour).

    \b
    --amount A: the fee of a charge of A and what it leaves (net = A - fee).
    --for-net N: gross-for-net, the smallest charge in minor units that leaves at least N.
    --rate is a fraction (0.029 or 2.9%) in [0, 1).
    """,
    fields=(Field("amount", "The charge (gross).", NON_NEGATIVE, required=False),
            Field("for_net", "What must be left after the fee (gives the gross).",
                  NON_NEGATIVE, required=False),
            Field("rate", "Percentage part, a fraction.", FRACTION, required=False,
                  default=format(CARD_PROCESSING.rate.value, "f")),
            Field("fixed", "Fixed part per charge.", NON_NEGATIVE, required=False,
                  default=format(CARD_PROCESSING.fixed.amount, "f")),
            *_currency_fields(),
            Field("favour", "Whose favour the fee rounds in.", required=False,
                  default="platform", choices=_FAVOURS)),
    outputs=(Output("gross"), Output("fee"), Output("net")),
    compute=_processing_fee,
    examples=("--amount 100.00", "--for-net 100.00 --json",
              "--amount 10.01 --rate 2.9% --fixed 0.30 --favour user"),
))


# --- day counts --------------------------------------------------------------------------------

def _key(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


#: Actual/Actual (ICMA) needs the coupon schedule, so it is not a DayCount member.
_ICMA: Final = "ACT/ACT ICMA"
_DAY_COUNTS: Final[Mapping[str, DayCount | str]] = {
    **{_key(c.name): c for c in DayCount}, **{_key(c.value): c for c in DayCount},
    _key(_ICMA): _ICMA, "icma": _ICMA}
_DAY_COUNT_NAMES: Final = ", ".join([*(c.value for c in DayCount), _ICMA])


def _convention(inputs: Inputs) -> DayCount | str:
    text = inputs.string("day_count")
    found = _DAY_COUNTS.get(_key(text))
    if found is None:
        raise _invalid(f"day_count: {quote(text)} is not one of {_DAY_COUNT_NAMES}")
    return found


def _day_count(inputs: Inputs) -> DayCount:
    found = _convention(inputs)
    if not isinstance(found, DayCount):
        raise _invalid(f"day_count: {found} needs a coupon schedule; use year-fraction")
    return found


def _decimal_of(share: Fraction) -> Decimal:
    return CONTEXT.divide(Decimal(share.numerator), Decimal(share.denominator))


_DAY_COUNT_FIELD: Final = Field(
    "day_count", f"Day-count convention: {_DAY_COUNT_NAMES} (case, spaces and / ignored).",
    TEXT, required=False, default="ACT/365F", metavar="CONVENTION")
_ICMA_FIELDS: Final = ("period_start", "period_end", "frequency")


def _year_fraction(inputs: Inputs) -> dict[str, Value]:
    convention = _convention(inputs)
    begin, end = inputs.day("start"), inputs.day("end")
    schedule = [n for n in _ICMA_FIELDS if n in inputs]
    if convention == _ICMA:
        missing = [n for n in _ICMA_FIELDS if n not in inputs]
        if missing or "termination" in inputs:
            raise _invalid(f"{(missing or ['termination'])[0]}: ACT/ACT ICMA takes "
                           "period_start, period_end and frequency (and no termination)")
        share = ok(icma_year_fraction(begin, end, period_start=inputs.day("period_start"),
                                      period_end=inputs.day("period_end"),
                                      frequency=inputs.integer("frequency")))
        days = day_count(begin, end, DayCount.ACT_365_FIXED)  # the actual days
        name = _ICMA
    else:
        if not isinstance(convention, DayCount) or schedule:
            raise _invalid(f"{schedule[0] if schedule else 'day_count'}: only ACT/ACT ICMA "
                           "takes a coupon schedule")
        given = inputs.get("termination")
        termination = given if isinstance(given, date) else None
        share = year_fraction(begin, end, convention, termination=termination)
        days = day_count(begin, end, convention, termination=termination)
        name = convention.value
    return {"days": days, "fraction": str(share), "year_fraction": _decimal_of(share),
            "day_count": name}


year_fraction_command = row_command(RowSpec(
    name="year-fraction",
    summary="Days and year fraction between two dates under a day-count convention.",
    help=f"""The exact year fraction from --start to --end (the core's year_fraction,
    day_count and icma_year_fraction; 2006 ISDA Definitions s. 4.16): conventions
    {_DAY_COUNT_NAMES}.

    \b
    days is the convention's day count (actual days for the ACT ones); fraction is the
    exact ratio (p/q); year_fraction is its decimal, shown with at most 12 places
    half-even. A reversed interval gives negative values. Dates are YYYY-MM-DD.
    30E/360 ISDA takes --termination (the termination date: a last day of February
    there stays 28/29). ACT/ACT ICMA takes the regular coupon period --period-start,
    --period-end and --frequency (coupons a year: 1, 2, 3, 4, 6 or 12).
    """,
    fields=(Field("start", "First date (YYYY-MM-DD).", DATE),
            Field("end", "Last date (YYYY-MM-DD, excluded).", DATE),
            _DAY_COUNT_FIELD,
            Field("termination", "30E/360 ISDA: the termination date.", DATE, required=False),
            Field("period_start", "ACT/ACT ICMA: start of the regular coupon period.", DATE,
                  required=False),
            Field("period_end", "ACT/ACT ICMA: end of the regular coupon period.", DATE,
                  required=False),
            Field("frequency", "ACT/ACT ICMA: coupons a year.", INTEGER, required=False)),
    outputs=(Output("days"), Output("fraction"), Output("year_fraction", 12,
                                                        Rounding.HALF_EVEN),
             Output("day_count")),
    compute=_year_fraction,
    examples=("--start 2023-12-01 --end 2024-03-01 --day-count 'ACT/ACT ISDA'",
              "--start 2026-01-31 --end 2026-03-31 --day-count 30/360 --json",
              "--start 2002-08-15 --end 2003-07-15 --day-count 'ACT/ACT ICMA' "
              "--period-start 2003-01-15 --period-end 2003-07-15 --frequency 2"),
))


# --- prorate ---------------------------------------------------------------------------------

def _plan(name: str, price: Money) -> Plan:
    # Only the price of the subscription's own cycle is ever read; both slots carry it.
    return ok(Plan.of(name, name, 0, price, price))


def _prorate(inputs: Inputs) -> dict[str, Value]:
    currency = _currency(inputs)
    convention = _day_count(inputs)
    cycle = BillingCycle(inputs.string("cycle"))
    subscription, _ = ok(start(_plan("current", _money(inputs, "price", currency)), cycle,
                               inputs.day("start")))
    on = inputs.day("on")
    share = subscription.unused_share(on, convention)
    result: dict[str, Value] = {"period_end": subscription.period_end.isoformat(),
                                "unused_share": str(share), "net": None, "refund": None}
    if "new_price" in inputs:
        new_cycle = BillingCycle(inputs.string("new_cycle")) if "new_cycle" in inputs else cycle
        change = ok(change_plan(subscription, _plan("new", _money(inputs, "new_price",
                                                                  currency)),
                                new_cycle, on, convention))
        result["net"] = change.net.amount
    else:
        if "new_cycle" in inputs:
            raise _invalid("new_cycle: only with --new-price (a plan change)")
        result["refund"] = ok(cancel(subscription, on, convention, immediately=True)
                              ).refund.amount
    return result


prorate = row_command(RowSpec(
    name="prorate",
    summary="Prorated plan change, or the refund of an immediate cancellation.",
    help="""A subscription billed --price per --cycle from --start (the billing anchor; its
    period ends --cycle later, clamped to month ends), changed or cancelled on --on (the
    core's start, change_plan and cancel).

    \b
    unused_share f = year_fraction(on, period_end) / year_fraction(start, period_end)
    under --day-count. With --new-price: net = (new - old) * f for the same cycle, or
    new - old * f when --new-cycle switches (the period restarts on --on); positive is a
    charge, negative a credit, rounded up to the minor unit (the platform's favour).
    Without it: the refund of an immediate cancellation, floor(price * f).
    """,
    fields=(Field("price", "Current plan's price per billing period.", NON_NEGATIVE,
                  aliases=("monthly price", "yearly price")),
            Field("new_price", "New plan's price per period (a plan change).", NON_NEGATIVE,
                  required=False),
            Field("cycle", "Billing cycle.", required=False, default="monthly",
                  choices=tuple(c.value for c in BillingCycle)),
            Field("new_cycle", "New plan's cycle [default: --cycle].", required=False,
                  choices=tuple(c.value for c in BillingCycle)),
            Field("start", "Start of the current period (YYYY-MM-DD).", DATE),
            Field("on", "Day of the change or cancellation (YYYY-MM-DD).", DATE),
            _DAY_COUNT_FIELD,
            *_currency_fields()),
    outputs=(Output("period_end"), Output("unused_share"), Output("net"), Output("refund")),
    compute=_prorate,
    examples=("--price 9.95 --new-price 19.95 --start 2026-01-01 --on 2026-01-16",
              "--price 199.50 --cycle yearly --start 2026-01-01 --on 2026-07-02 --json"),
))


# --- nft-sale --------------------------------------------------------------------------------

def _nft_sale(inputs: Inputs) -> dict[str, Value]:
    currency = _currency(inputs)
    terms = ok(MarketplaceTerms.of(inputs.integer("platform_fee_bps"),
                                   _money(inputs, "fixed_fee", currency)))
    sale = ok(settle_sale(_money(inputs, "price", currency), terms,
                          inputs.integer("royalty_bps")))
    return {"platform_fee": sale.platform_fee.amount,
            "creator_royalty": sale.creator_royalty.amount, "fixed_fee": sale.fixed_fee.amount,
            "seller_proceeds": sale.seller_proceeds.amount}


nft_sale = row_command(RowSpec(
    name="nft-sale",
    summary="Where an NFT sale's price goes: platform fee, royalty, fixed fee, seller.",
    help="""Settlement of a sale in whole minor units (the core's settle_sale, mirrored by
    the marketplace contract):

    \b
    platform_fee    = ceil(price * platform_fee_bps / 10000)   (the platform's favour)
    creator_royalty = floor(price * royalty_bps / 10000)        (EIP-2981, OpenZeppelin)
    seller_proceeds = price - platform_fee - creator_royalty - fixed_fee
    The four parts always sum to the price. Basis points are integers 0..10000 or
    percentages (2.5% = 250). Exit 1 when the price does not cover the costs.
    """,
    fields=(Field("price", "Sale price (whole minor units).", NON_NEGATIVE),
            Field("platform_fee_bps", "Platform fee in bps (or %).", BPS,
                  aliases=("platform_bps",)),
            Field("royalty_bps", "Creator royalty in bps (or %).", BPS),
            Field("fixed_fee", "Fixed fee per sale.", NON_NEGATIVE, required=False,
                  default="0"),
            *_currency_fields()),
    outputs=(Output("platform_fee"), Output("creator_royalty"), Output("fixed_fee"),
             Output("seller_proceeds")),
    compute=_nft_sale,
    examples=("--price 1000 --platform-fee-bps 250 --royalty-bps 500 --fixed-fee 5",
              "--price 9.99 --platform-fee-bps 2.5% --royalty-bps 5% --json"),
))
