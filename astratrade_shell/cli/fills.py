"""``astratrade fills FILE``: positions and P&L per symbol from a trade history, exactly.

Every fill is folded with the core's average-cost accounting
(:func:`~astratrade_core.trading.apply_fill`: partial closes, reversals at the fill price,
fees and funding kept apart from price P&L), symbol by symbol, in time order.

**Formats** (``--format auto`` tells them apart by their header):

* ``binance``: Binance USDⓈ-M "Trade History" export: ``Date(UTC)``, ``Symbol`` (older files:
  ``Pair``), ``Side`` (BUY/SELL), ``Price``, ``Quantity`` (unsigned), ``Fee`` and optionally
  ``Fee Coin``, ``Quote Asset``, ``Realized Profit``, ``Amount``.  A fee paid in another coin
  (BNB) is not quote currency: it is listed in ``other_fees`` and left out of the P&L.  The sum
  of ``Realized Profit`` is printed as ``venue_realized`` to compare with ``realized_pnl``.
* ``generic``: ``symbol``, ``quantity`` (signed: negative sells; or unsigned with a ``side``
  column, buy/sell), ``price``, and optionally ``fee`` (quote currency, positive = paid),
  ``funding`` (a row with a funding amount and no quantity is a funding payment, positive =
  paid) and ``time`` (ISO 8601, or integer epoch milliseconds).

Rows are sorted by time when there is a time column (a newest-first export is reversed first,
so fills in the same second keep their execution order); otherwise they are taken in file
order.  ``--mark SYMBOL=PRICE`` values the open quantity (unrealized P&L, total P&L and ROI on
the initial margin at ``--leverage``).  The file is read with the batch limits of
:mod:`astratrade_shell.cli.batchfile`; the fills are held in memory until they are sorted.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Final

import attrs
import click

from astratrade_core.errors import DomainError, ErrorKind
from astratrade_core.numeric import CONTEXT, ZERO, Rounding
from astratrade_core.trading import Fill, PositionState, apply_fill, apply_funding
from astratrade_shell.cli.batchfile import Table, open_path, open_table, read_delimiter
from astratrade_shell.cli.main import EXIT_BAD_INPUT, EXIT_DOMAIN, CliFailure
from astratrade_shell.cli.rows import Output, Refused, Value, json_value, ok, render_value, shown
from astratrade_shell.cli.values import DECIMAL, POSITIVE, describe, quote

__all__ = ["OUTPUTS", "fills"]

#: Display places of prices and quote amounts.
QUOTE_PLACES: Final = 8
#: The columns ``fills`` prints, with their display precision (P&L rounded down, costs up).
OUTPUTS: Final = (
    Output("symbol"), Output("fills"), Output("quantity"),
    Output("average_entry", QUOTE_PLACES, Rounding.HALF_EVEN),
    Output("realized_pnl", QUOTE_PLACES, Rounding.FLOOR),
    Output("fees", QUOTE_PLACES, Rounding.CEILING),
    Output("funding", QUOTE_PLACES, Rounding.CEILING),
    Output("net_realized", QUOTE_PLACES, Rounding.FLOOR),
    Output("mark"),
    Output("unrealized_pnl", QUOTE_PLACES, Rounding.FLOOR),
    Output("total_pnl", QUOTE_PLACES, Rounding.FLOOR),
    Output("roi_percent", 6, Rounding.HALF_EVEN),
    Output("other_fees"),
    Output("venue_realized"),
)
_QUOTES: Final = ("FDUSD", "USDT", "USDC", "BUSD", "TUSD", "USD")


@attrs.frozen
class _Event:
    """One row: a fill, or a funding payment (``fill`` None)."""

    symbol: str
    order: tuple[datetime | None, int]
    fill: Fill | None
    funding: Decimal = ZERO
    other_fee: tuple[str, Decimal] | None = None
    venue_realized: Decimal | None = None


@attrs.frozen
class _Layout:
    """Where a format's fields are in the header; ``labels`` are the names as written."""

    binance: bool
    index: Mapping[str, int]
    labels: Mapping[str, str]

    @classmethod
    def of(cls, table: Table, chosen: str) -> _Layout:
        names = {n.replace(" ", "_"): i for i, n in enumerate(table.names)}
        binance = chosen == "binance" or (chosen == "auto" and (
            "date(utc)" in names or "realized_profit" in names))
        aliases = ({"symbol": ("symbol", "pair"), "time": ("date(utc)", "time"),
                    "side": ("side",), "price": ("price",), "quantity": ("quantity",),
                    "fee": ("fee",), "fee_coin": ("fee_coin",), "quote": ("quote_asset",),
                    "venue_realized": ("realized_profit",)} if binance else
                   {k: (k,) for k in ("symbol", "time", "side", "price", "quantity", "fee",
                                      "funding")})
        index = {field: names[a] for field, options in aliases.items() for a in options
                 if a in names}
        required = ("symbol", "side", "price", "quantity") if binance else ("symbol",)
        missing = [f for f in required if f not in index]
        if missing or (not binance and "quantity" not in index and "funding" not in index):
            raise CliFailure.bad_input(
                f"line 1: a {'Binance' if binance else 'generic'} trade history needs "
                f"column(s) {', '.join(missing or ['quantity or funding'])}")
        return cls(binance, index, {f: table.header[i] for f, i in index.items()})


def _cell(cells: Sequence[str], layout: _Layout, field: str) -> str:
    index = layout.index.get(field)
    return cells[index].strip() if index is not None else ""


def _number(text: str, label: str, *, positive: bool = False) -> Decimal:
    value = ok((POSITIVE if positive else DECIMAL).read(text, label))
    if not isinstance(value, Decimal):  # pragma: no cover - both kinds read Decimals
        raise TypeError(label)
    return value


def _time(text: str, label: str) -> datetime | None:
    if not text:
        return None
    if text.isascii() and text.isdigit() and len(text) <= 16:
        seconds, millis = divmod(int(text), 1000)
        return datetime.fromtimestamp(seconds, UTC) + timedelta(milliseconds=millis)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Refused(DomainError.invalid("cli.time", f"{label}: not an ISO 8601 time or "
                                                      f"epoch milliseconds: {quote(text)}")
                      ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _signed(cells: Sequence[str], layout: _Layout) -> Decimal:
    label = layout.labels["quantity"]
    side = _cell(cells, layout, "side").lower()
    if not side and not layout.binance:
        return _number(_cell(cells, layout, "quantity"), label)
    quantity = _number(_cell(cells, layout, "quantity"), label, positive=True)
    if side not in ("buy", "sell"):
        raise Refused(DomainError.invalid("cli.side", f"{layout.labels.get('side', 'side')}: "
                                                      f"expected BUY or SELL, got {quote(side)}"))
    return quantity if side == "buy" else -quantity


def _event(cells: Sequence[str], layout: _Layout, seq: int) -> _Event:
    symbol = _cell(cells, layout, "symbol").upper()
    if not symbol:
        raise Refused(DomainError.invalid("cli.empty", f"{layout.labels['symbol']}: empty"))
    order = (_time(_cell(cells, layout, "time"), layout.labels.get("time", "time")), seq)
    funding_text = _cell(cells, layout, "funding")
    if funding_text and not _cell(cells, layout, "quantity"):
        return _Event(symbol, order, None, funding=_number(funding_text,
                                                           layout.labels["funding"]))
    fee_text = _cell(cells, layout, "fee")
    fee = _number(fee_text, layout.labels["fee"]) if fee_text else ZERO
    other = None
    coin = _cell(cells, layout, "fee_coin").upper()
    if coin and fee:
        quote_asset = _cell(cells, layout, "quote").upper() or next(
            (q for q in _QUOTES if symbol.endswith(q)), "")
        if not quote_asset:
            raise Refused(DomainError.invalid(
                "cli.quote_asset", f"{layout.labels['symbol']}: cannot tell the quote asset "
                f"of {quote(symbol)}; add a Quote Asset column"))
        if coin != quote_asset:
            other, fee = (coin, fee), ZERO
    price_label = layout.labels["price"]
    fill = ok(Fill.of(_signed(cells, layout), _number(_cell(cells, layout, "price"),
                                                      price_label, positive=True), fee))
    venue_text = _cell(cells, layout, "venue_realized")
    venue = _number(venue_text, layout.labels["venue_realized"]) if venue_text else None
    return _Event(symbol, order, fill, other_fee=other, venue_realized=venue)


def _read(table: Table, layout: _Layout, keep_going: bool) -> tuple[list[_Event], int, str]:
    events: list[_Event] = []
    failed, first = 0, ""
    width = len(table.header)
    names = {field: label for field, label in layout.labels.items()}
    names.update({"quantity": layout.labels.get("quantity", "quantity"),
                  "price": layout.labels.get("price", "price"),
                  "fee": layout.labels.get("fee", "fee")})
    for line, cells in table.rows():
        try:
            if len(cells) != width:
                raise Refused(DomainError.invalid(
                    "cli.row_shape", f"expected {width} fields, got {len(cells)}"))
            events.append(_event(cells, layout, len(events)))
        except Refused as refusal:
            message = f"line {line}: {describe(refusal.error, names)}"
            if not keep_going or refusal.error.kind is not ErrorKind.INVALID:
                raise CliFailure(message, EXIT_BAD_INPUT if refusal.error.kind is
                                 ErrorKind.INVALID else EXIT_DOMAIN) from None
            failed += 1
            first = first or message
    return events, failed, first


def _ordered(events: list[_Event]) -> list[_Event]:
    times = [e.order[0] for e in events if e.order[0] is not None]
    if not times:
        return events
    if len(times) != len(events):
        raise CliFailure.bad_input("time: some rows have a time and others not")
    if times[0] > times[-1]:  # a newest-first export: reverse, keeping execution order
        events = events[::-1]
    return sorted(events, key=lambda e: e.order[0] or datetime.min.replace(tzinfo=UTC))


@attrs.frozen
class _Book:
    """One symbol's fold."""

    state: PositionState = PositionState.FLAT
    count: int = 0
    other: tuple[tuple[str, Decimal], ...] = ()
    venue: Decimal | None = None


def _fold(events: Sequence[_Event]) -> dict[str, _Book]:
    books: dict[str, _Book] = {}
    for event in events:
        book = books.get(event.symbol, _Book())
        if event.fill is None:
            books[event.symbol] = attrs.evolve(book, state=apply_funding(book.state,
                                                                          event.funding))
            continue
        other = book.other
        if event.other_fee is not None:
            coins = dict(other)
            coin, amount = event.other_fee
            coins[coin] = CONTEXT.add(coins.get(coin, ZERO), amount)
            other = tuple(sorted(coins.items()))
        venue = book.venue
        if event.venue_realized is not None:
            venue = CONTEXT.add(venue or ZERO, event.venue_realized)
        books[event.symbol] = _Book(apply_fill(book.state, event.fill)[0], book.count + 1,
                                    other, venue)
    return books


def _summary(symbol: str, book: _Book, mark: Decimal | None,
             leverage: Decimal) -> dict[str, Value]:
    state = book.state
    open_ = not state.is_flat
    unrealized = state.unrealized_pnl(mark) if mark is not None else None
    return {
        "symbol": symbol, "fills": book.count, "quantity": state.quantity,
        "average_entry": state.average_entry_price if open_ else None,
        "realized_pnl": state.realized_pnl, "fees": state.fees_paid,
        "funding": state.funding_paid, "net_realized": state.net_realized_pnl,
        "mark": mark, "unrealized_pnl": unrealized if open_ else None,
        "total_pnl": state.total_pnl(mark) if mark is not None else (
            None if open_ else state.net_realized_pnl),
        "roi_percent": state.roi_percent(mark, leverage).value_or(None)
        if mark is not None else None,
        "other_fees": ";".join(f"{render_value(a)} {c}" for c, a in book.other) or None,
        "venue_realized": book.venue,
    }


def _marks(pairs: Sequence[str]) -> dict[str, Decimal]:
    marks: dict[str, Decimal] = {}
    for pair in pairs:
        symbol, sep, price = pair.partition("=")
        if not sep or not symbol.strip():
            raise CliFailure.bad_input(f"--mark: expected SYMBOL=PRICE, got {quote(pair)}")
        try:
            marks[symbol.strip().upper()] = _number(price, f"--mark {symbol.strip()}",
                                                    positive=True)
        except Refused as refusal:
            raise CliFailure.of(refusal.error) from None
    return marks


def _write(rows: Sequence[Mapping[str, Value]], output: str, delimiter: str) -> None:
    names = [o.name for o in OUTPUTS]
    if output == "jsonl":
        for row in rows:
            sys.stdout.write(json.dumps({k: json_value(row[k]) for k in names},
                                        separators=(",", ":"), ensure_ascii=False) + "\n")
        return
    texts = [[render_value(row[k]) for k in names] for row in rows]
    if output == "csv":
        writer = csv.writer(sys.stdout, delimiter=delimiter, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(texts)
        return
    widths = [max([len(n), *(len(t[i]) for t in texts)]) for i, n in enumerate(names)]
    for line in [names, *texts]:
        sys.stdout.write("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True))
                         .rstrip() + "\n")


@click.command("fills")
@click.argument("path", metavar="FILE")
@click.option("--format", "layout", type=click.Choice(["auto", "binance", "generic"]),
              default="auto", show_default=True, help="The file's columns (see above).")
@click.option("--mark", "marks", multiple=True, metavar="SYMBOL=PRICE",
              help="Mark price of a symbol for its unrealized P&L and ROI (repeatable).")
@click.option("--leverage", default="1", show_default=True, metavar="NUMBER",
              help="Leverage of the ROI's initial margin |cost basis| / leverage.")
@click.option("--output", type=click.Choice(["table", "csv", "jsonl"]), default="table",
              show_default=True, help="Aligned table, CSV, or JSON Lines.")
@click.option("--json", "as_json", is_flag=True, help="Same as --output jsonl.")
@click.option("--exact", is_flag=True, help="Print amounts exactly instead of at their "
                                             "display precision.")
@click.option("--delimiter", default=",", metavar="CHAR", help="Field delimiter (tab: 'tab').")
@click.option("--keep-going", is_flag=True, help="Skip unreadable rows (counted; exit 1 at the "
                                                 "end) instead of stopping at the first.")
def fills(*, path: str, layout: str, marks: tuple[str, ...], leverage: str, output: str,
          as_json: bool, exact: bool, delimiter: str, keep_going: bool) -> None:
    """Average entry, realized and unrealized P&L, fees, funding and ROI per symbol.

    \b
    FILE is a trade history ('-' reads stdin): Binance USDⓈ-M's Trade History export
    (Date(UTC),Symbol,Side,Price,Quantity,Amount,Fee[,Fee Coin][,Realized Profit]) or the
    generic format symbol,quantity,price[,side][,fee][,funding][,time]: quantity signed
    (or unsigned with side buy/sell), fee and funding in quote currency, positive = paid;
    a row with funding and no quantity is a funding payment.
    Fills are folded by average cost (the core's apply_fill) in time order. Amounts are
    shown with at most 8 places (P&L rounded down, fees and funding up); --exact prints
    them as computed. other_fees lists fees paid in another coin (not in the P&L);
    venue_realized sums Binance's Realized Profit for comparison.

    \b
    Example: astratrade fills trades.csv --mark BTCUSDT=65000 --leverage 10
    """
    try:
        lev = _number(leverage, "--leverage", positive=True)
    except Refused as refusal:
        raise CliFailure.of(refusal.error) from None
    prices = _marks(marks)
    with open_path(path) as binary, open_table(binary, read_delimiter(delimiter)) as table:
        events, failed, first = _read(table, _Layout.of(table, layout), keep_going)
    books = _fold(_ordered(events))
    unknown = sorted(set(prices) - set(books))
    if unknown:
        raise CliFailure.bad_input(f"--mark: no fills for {', '.join(unknown)[:60]}")
    rows = [shown(_summary(s, books[s], prices.get(s), lev), OUTPUTS, None, exact)
            for s in sorted(books)]
    _write(rows, "jsonl" if as_json else output, read_delimiter(delimiter))
    if failed:
        raise CliFailure.domain(f"{failed} row(s) skipped; first at {first}")
