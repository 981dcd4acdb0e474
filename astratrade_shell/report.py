"""Plain-text tables of the read models: what ``astratrade demo`` and ``replay`` print.

Every number is read from a projection (folded by the core); this module only formats.
Rankings come from the ``leaderboard`` read model, the core's
:class:`~astratrade_core.gamification.Leaderboard` (competition ranks; on a tie, whoever
reached the score first ranks higher).

>>> print(table(("who", "score"), [("ann", "10"), ("bob", "9.5")], right=(1,)))
who  score
---  -----
ann     10
bob    9.5
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from astratrade_core.numeric import CONTEXT, Rounding, quantize
from astratrade_core.portfolio import PortfolioState
from astratrade_shell.readmodels import ReadModels

__all__ = ["render", "table"]

_CURRENCY = "USD"
#: The coin the inverse (coin-margined) accounts settle in, shown to a satoshi.
_COIN, _COIN_PLACES = "BTC", 8


def table(headers: Sequence[str], rows: Sequence[Sequence[str]],
          right: Sequence[int] = ()) -> str:
    """Aligned columns; the indexes in ``right`` are right-aligned (numbers)."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def _money(amount: Decimal, places: int = 2) -> str:
    """Display rounding only (half-even to cents, or ``places``); the stored amounts stay
    exact."""
    return format(quantize(amount, places, Rounding.HALF_EVEN), ",f")


def _leaderboard(models: ReadModels, top: int) -> str:
    players = models.players.state
    books = models.portfolios.state
    rows = []
    for entry in models.leaderboard.state.top(top):
        view = players[entry.user_id]
        realized = books.get(entry.user_id, PortfolioState.EMPTY).ledger(_CURRENCY).realized_pnl
        rows.append((str(entry.rank), entry.user_id, str(view.xp), str(view.level),
                     str(len(view.achievements)), str(view.best_streak), _money(realized)))
    return table(("rank", "player", "xp", "level", "achievements", "best streak",
                  "realized P&L"), rows, right=(0, 2, 3, 4, 5, 6))


def _coin_only(state: PortfolioState) -> bool:
    """An account that has only ever held the coin (an inverse account)."""
    return _COIN in state.ledgers and _CURRENCY not in state.ledgers


def _accounts(models: ReadModels, currency: str = _CURRENCY, places: int = 2) -> str:
    """Per account in ``currency``: the quote currency's accounts, or the coin's (inverse)."""
    rows = []
    for user, state in sorted(models.portfolios.state.items()):
        if _coin_only(state) != (currency == _COIN):
            continue
        ledger = state.ledger(currency)
        equity = state.equity(currency)
        rows.append((user, _money(ledger.deposited, places), _money(ledger.withdrawn, places),
                     _money(equity, places),
                     _money(CONTEXT.subtract(equity, CONTEXT.subtract(ledger.deposited,
                                                                      ledger.withdrawn)), places),
                     _money(ledger.realized_pnl, places), _money(ledger.fees_paid, places),
                     _money(ledger.funding_paid, places), str(state.open_positions()),
                     state.mode.value.replace("_", "-")))
    return table(("account", "deposited", "withdrawn", "equity", "P&L", "realized", "fees",
                  "funding", "open", "mode"), rows, right=(1, 2, 3, 4, 5, 6, 7, 8))


def _funding(models: ReadModels, currency: str = _CURRENCY, places: int = 2) -> str:
    """Funding per account in ``currency``, net: who paid it and who received it (exact
    sums; only the display rounds)."""
    out = back = Decimal(0)
    payers = receivers = 0
    for state in models.portfolios.state.values():
        paid = state.ledger(currency).funding_paid
        if paid > 0:
            out, payers = CONTEXT.add(out, paid), payers + 1
        elif paid < 0:
            back, receivers = CONTEXT.subtract(back, paid), receivers + 1
    unit = "" if currency == _CURRENCY else f" {currency}"
    return (f"Paid (net) by {payers} accounts: {_money(out, places)}{unit}; received (net) by "
            f"{receivers} accounts: {_money(back, places)}{unit}; paid less received: "
            f"{_money(CONTEXT.subtract(out, back), places)}{unit}")


def _risk(models: ReadModels) -> str:
    risk = models.risk.state
    rows = [(code, str(count)) for code, count in sorted(risk.breaches.items())]
    lines = [f"Trades refused before reaching the venue: {risk.refused_trades}",
             table(("breached limit", "times"), rows, right=(1,)) if rows else "(none)",
             "", f"Liquidations: {len(risk.liquidations)}"]
    if risk.liquidations:
        lines.append(table(("account", "symbol", "price", "realized P&L", "fee"), [
            (x.account_id, x.symbol, format(x.price, "f"), _money(x.realized_pnl),
             _money(x.fee)) for x in risk.liquidations], right=(2, 3, 4)))
    return "\n".join(lines)


def _revenue(models: ReadModels) -> str:
    ledger = models.revenue.state
    rows = [(stream.value, _money(amount))
            for stream, amount in sorted(ledger.by_stream(_CURRENCY).items(),
                                         key=lambda kv: kv[0].value)]
    rows.append(("total", _money(ledger.total(_CURRENCY))))
    return table(("stream", "revenue (USD)"), rows, right=(1,))


def _battles(models: ReadModels) -> str:
    rows = [(b.battle_id, b.clan_a, _money(b.score_a), b.clan_b, _money(b.score_b),
             b.winner or "draw", f"{b.rating_a_before}->{b.rating_a_after}",
             f"{b.rating_b_before}->{b.rating_b_after}") for b in models.battles.state]
    if not rows:
        return "(none)"
    return table(("battle", "clan A", "score A", "clan B", "score B", "winner", "Elo A",
                  "Elo B"), rows, right=(2, 4))


def _coin_sections(models: ReadModels) -> list[str]:
    """The inverse accounts' table and funding in the coin (nothing when there are none)."""
    if not any(_coin_only(s) for s in models.portfolios.state.values()):
        return []
    return [f"Coin-margined accounts ({_COIN}; inverse BTCUSD_PERP, 100 USD per contract; "
            f"amounts in {_COIN} to {_COIN_PLACES} places; equity at the last marks)",
            _accounts(models, _COIN, _COIN_PLACES),
            f"Funding in {_COIN} (the coin-margined accounts)",
            _funding(models, _COIN, _COIN_PLACES)]


def render(models: ReadModels, *, top: int = 10) -> str:
    """The report sections."""
    return "\n\n".join([
        f"Top {top} of the XP leaderboard",
        _leaderboard(models, top),
        "Equity and P&L per account (USD; equity at the last marks; P&L = equity - net "
        "deposits; funding paid, negative = received; mode: one-way or hedge)",
        _accounts(models),
        *_coin_sections(models),
        "Funding (every 8 hours; positive = paid; longs pay shorts when the rate is positive)",
        _funding(models),
        "Risk events",
        _risk(models),
        "Revenue by stream",
        _revenue(models),
        "Clan battles (score per member: 10 x winning trades + 0.1 x P&L + 5 x streak days)",
        _battles(models),
    ])
