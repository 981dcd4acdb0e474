"""The ``astratrade`` command group: lazy command registry and one error policy.

To add a command, add ONE line to :data:`COMMANDS`: ``name: ("module:attribute", "short
help")``.  Modules are imported only when their command runs, so ``astratrade --help`` stays
fast no matter what a command imports (Starknet, numpy, ...).

Exit codes (:data:`EXIT_CODES`): ``0`` success; ``1`` a domain failure (a rule refuses
well-formed input: a risk limit, a position liquidated on opening, a broken audit chain);
``2`` bad input (a malformed number, a missing option, a broken CSV row, a missing file or
store); ``3`` internal error (a bug; set ``ASTRATRADE_DEBUG=1`` for the traceback); ``4`` a
service is unavailable (a store, bus or venue cannot be reached); ``5`` the environment failed
(a disk full, standard output closed, an input that is not UTF-8 text, a path longer than the
system allows, a permission denied).  Every failure prints exactly one line starting
``error:`` on stderr, at most :data:`MAX_ERROR_CHARS` characters long.  A reader that closes
the pipe early (``| head``) ends the command quietly with status 0.
"""

from __future__ import annotations

import errno
import importlib
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any, Final, NoReturn

import click

from astratrade_core.errors import DomainError, ErrorKind
from astratrade_shell.redaction import redact_text, url_secrets

__all__ = ["COMMANDS", "EXIT_BAD_INPUT", "EXIT_CODES", "EXIT_DOMAIN", "EXIT_ENVIRONMENT",
           "EXIT_INTERNAL", "EXIT_UNAVAILABLE", "MAX_ERROR_CHARS", "CliFailure", "cli", "main"]

EXIT_DOMAIN = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
EXIT_UNAVAILABLE = 4
EXIT_ENVIRONMENT = 5

#: Every exit status the command line uses, with its meaning (docs/cli.md prints this table).
EXIT_CODES: Final = {
    0: "success",
    EXIT_DOMAIN: "domain failure: a rule refuses well-formed input",
    EXIT_BAD_INPUT: "bad input: a malformed or out-of-range value, a missing option or file",
    EXIT_INTERNAL: "internal error: a bug (ASTRATRADE_DEBUG=1 shows the traceback)",
    EXIT_UNAVAILABLE: "unavailable: a store, bus or venue cannot be reached",
    EXIT_ENVIRONMENT: "environment failure: disk full, output closed, input not UTF-8, "
                      "path too long, permission denied",
}

#: An ``error:`` line is cut to this many characters (a 10 MB header never reaches stderr).
MAX_ERROR_CHARS: Final = 300

# A path the user named that is not there is bad input; any other failure to open, read or
# write is the environment's.
_MISSING: Final = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EISDIR})

_EXIT_BY_KIND: Final = {
    ErrorKind.INVALID: EXIT_BAD_INPUT,
    ErrorKind.REJECTED: EXIT_DOMAIN,
    ErrorKind.FORBIDDEN: EXIT_DOMAIN,
    ErrorKind.CONFLICT: EXIT_DOMAIN,
    ErrorKind.NOT_FOUND: EXIT_DOMAIN,
    ErrorKind.UNAVAILABLE: EXIT_UNAVAILABLE,
}

#: name -> ("module:attribute", short help shown by ``astratrade --help``).
COMMANDS: Mapping[str, tuple[str, str]] = {
    "pnl": ("astratrade_shell.cli.calculators:pnl",
            "Unrealized P&L and ROI of a position (signed quantity)."),
    "size": ("astratrade_shell.cli.calculators:size",
             "Position size from balance, risk fraction and stop."),
    "liquidation": ("astratrade_shell.cli.calculators:liquidation",
                    "Isolated or cross liquidation price, with brackets."),
    "margin-ratio": ("astratrade_shell.cli.calculators:margin_ratio_command",
                     "Margin ratio of a position at a mark price."),
    "level": ("astratrade_shell.cli.community:level",
              "Level and XP to the next level on a level curve."),
    "allocate": ("astratrade_shell.cli.community:allocate",
                 "Split a money total by weights, losing no minor unit."),
    "funding": ("astratrade_shell.cli.trading:funding",
                "Funding payment of a perpetual for one interval."),
    "break-even": ("astratrade_shell.cli.trading:break_even",
                   "Break-even exit price, fees and funding included."),
    "kelly": ("astratrade_shell.cli.trading:kelly",
              "Kelly stake from a win rate and a payoff ratio."),
    "stops": ("astratrade_shell.cli.trading:stops",
              "Stop-loss and take-profit with risk and reward."),
    "trading-fee": ("astratrade_shell.cli.revenue:trading_fee",
                    "Maker/taker fee on a tiered 30-day-volume schedule."),
    "processing-fee": ("astratrade_shell.cli.revenue:processing_fee",
                       "Percentage-plus-fixed fee, or the gross for a net."),
    "prorate": ("astratrade_shell.cli.revenue:prorate",
                "Prorated plan change or cancellation refund."),
    "year-fraction": ("astratrade_shell.cli.revenue:year_fraction_command",
                      "Days and year fraction under a day count."),
    "nft-sale": ("astratrade_shell.cli.revenue:nft_sale",
                 "An NFT sale's platform fee, royalty and proceeds."),
    "apy": ("astratrade_shell.cli.defi:apy",
            "APY of an APR compounded n times a year or continuously."),
    "apr": ("astratrade_shell.cli.defi:apr", "APR (n times a year or continuous) giving an APY."),
    "lending-rate": ("astratrade_shell.cli.defi:lending_rate",
                     "Borrow and supply rates of a kinked rate model."),
    "interest": ("astratrade_shell.cli.defi:interest",
                 "A balance accrued at a yearly rate (Aave's maths)."),
    "fills": ("astratrade_shell.cli.fills:fills",
              "P&L per symbol from a trade history."),
    "risk": ("astratrade_shell.cli.risk:risk",
             "Risk metrics of a dated returns or equity CSV (and trades)."),
    "report": ("astratrade_shell.cli.report:report",
               "HTML tearsheet (metrics and charts) of a series."),
    "replay": ("astratrade_shell.cli.ledger:replay",
               "Rebuild the projections from an event store."),
    "audit": ("astratrade_shell.cli.ledger:audit",
              "Audit-chain commands: verify, head, anchor, migrate."),
    "contracts": ("astratrade_shell.cli.contracts:contracts",
                  "Build the Cairo contracts; print their class hashes."),
    "worker": ("astratrade_shell.cli.worker:worker", "Feed one projection from Redis Streams."),
    "projections": ("astratrade_shell.cli.projections:projections",
                    "Persisted read models: status, rebuild one from the store."),
    "serve": ("astratrade_shell.service.server:serve", "Run the HTTP API (ASGI, uvicorn)."),
    "users": ("astratrade_shell.cli.users:users", "Users and API keys (bootstrap an admin)."),
    "demo": ("astratrade_shell.cli.demo:demo",
             "Simulate a small trading community end to end."),
}


class CliFailure(click.ClickException):
    """A failure the CLI reports as one ``error:`` line with a chosen exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.code = exit_code

    @classmethod
    def of(cls, error: DomainError, options: Mapping[str, str] | None = None) -> CliFailure:
        """The failure for a core error: its kind, never its code's spelling, picks the exit
        code (invalid input 2; refused by a rule, a conflict or not found 1; unavailable 4).

        ``options`` maps a core parameter's name -- the last part of a problem's code, as in
        ``risk.metrics.confidence`` -- to the option the user typed (``--confidence``), so
        the message names the option.
        """
        if not options:
            return cls(str(error), _EXIT_BY_KIND[error.kind])
        problems = error.causes or (error,)
        named = (f"{option}: {p.message}" if (option := options.get(p.code.rsplit(".", 1)[-1]))
                 else p.message for p in problems)
        return cls(f"{error.code}: {'; '.join(named)}", _EXIT_BY_KIND[error.kind])

    @classmethod
    def bad_input(cls, message: str) -> CliFailure:
        """Exit 2: the user's input cannot be used."""
        return cls(message, EXIT_BAD_INPUT)

    @classmethod
    def domain(cls, message: str) -> CliFailure:
        """Exit 1: the input is well formed but the domain says no."""
        return cls(message, EXIT_DOMAIN)

    @classmethod
    def environment(cls, message: str) -> CliFailure:
        """Exit 5: a file or stream could not be read, decoded or written."""
        return cls(message, EXIT_ENVIRONMENT)

    @classmethod
    def of_os_error(cls, action: str, exc: OSError) -> CliFailure:
        """The failure for ``exc`` raised while doing ``action`` ("cannot read data.csv"): a
        path that is not there is bad input (2); anything else is the environment's (5)."""
        reason = exc.strerror or type(exc).__name__
        code = EXIT_BAD_INPUT if exc.errno in _MISSING else EXIT_ENVIRONMENT
        return cls(f"{action}: {reason}", code)


class LazyGroup(click.Group):
    """A group whose commands are imported on first use and that owns the error policy."""

    def __init__(self, *args: Any, lazy: Mapping[str, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module_name, attribute = self.lazy[cmd_name][0].split(":")
            command = getattr(importlib.import_module(module_name), attribute)
            if not isinstance(command, click.Command):
                raise TypeError(f"{module_name}:{attribute} is not a click command")
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, self.lazy[name][1]) for name in sorted(self.lazy)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        if sys.stdout is None:
            raise CliFailure.environment("standard output is closed")
        try:
            returned = super().invoke(ctx)
            sys.stdout.flush()  # a full disk or a closed pipe is reported here, not at exit
        except BrokenPipeError:
            # A consumer such as `head` closed the pipe: stop quietly with success (before
            # click's own handler, which would exit 1).
            _silence_stdout()
            raise click.exceptions.Exit(0) from None
        return returned

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command; every failure becomes one ``error:`` line and an exit code, with
        every secret that the arguments' URLs carry redacted from it (a backstop: the
        commands redact their own messages)."""
        secrets = tuple(s for arg in (sys.argv[1:] if args is None else args)
                        for s in url_secrets(arg))

        def _report(message: str, exit_code: int) -> int:
            return _report_line(redact_text(message, secrets), exit_code)

        try:
            returned = super().main(args, prog_name or "astratrade", complete_var,
                                    standalone_mode=False, **extra)
            code = returned if isinstance(returned, int) else 0
        except CliFailure as exc:
            code = _report(exc.format_message(), exc.code)
        except click.ClickException as exc:  # usage errors, unreadable files: bad input
            code = _report(exc.format_message(), EXIT_BAD_INPUT)
        except click.Abort:
            code = _report("aborted", 130)
        except UnicodeError as exc:
            code = _report(f"input is not UTF-8 text ({exc})", EXIT_ENVIRONMENT)
        except OSError as exc:
            _silence_stdout()
            code = _report(f"input/output failed: {exc.strerror or exc}", EXIT_ENVIRONMENT)
        except Exception as exc:
            if os.environ.get("ASTRATRADE_DEBUG"):
                raise
            code = _report(f"internal error ({type(exc).__name__}: {exc}); "
                           "rerun with ASTRATRADE_DEBUG=1 for details", EXIT_INTERNAL)
        if standalone_mode:
            sys.exit(code)
        return code


def _report_line(message: str, exit_code: int) -> int:
    line = " ".join(message.split())
    if len(line) > MAX_ERROR_CHARS:
        line = line[:MAX_ERROR_CHARS - 3] + "..."
    click.echo(f"error: {line}", err=True)
    return exit_code


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush of what is still buffered
    cannot fail a second time (after a closed pipe or a full disk)."""
    if sys.stdout is None:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout has no file descriptor (a test runner's buffer)
        return


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h",
                                                                                    "--help"]})
@click.version_option(package_name="astratrade", prog_name="astratrade")
def cli() -> None:
    """AstraTrade: exact trading and game-economy maths on the command line.

    \b
    Conventions for every command:
      * Numbers are exact decimals given as text ("0.1", "25000"); floats are never used.
        NaN, infinities and absurd exponents are rejected.
      * Rates and risk are FRACTIONS: 0.01 means 1 % (where a fraction is expected, 1% is
        accepted too). Prices are quote currency per unit of base; quantities are in base
        units; a negative quantity is a short.
      * --json prints exact JSON (decimals as strings); row-wise calculators take
        --csv FILE (or - for stdin) and stream CSV, or JSON Lines with --json. Outputs
        are shown at a declared precision, rounded in the safe direction; --exact
        prints them as computed.
      * Exit codes: 0 success, 1 domain failure (e.g. a risk limit), 2 bad input,
        3 internal error, 4 service unavailable, 5 environment failure (disk full,
        output closed, input not UTF-8). Errors are one line on stderr starting with
        "error:".
    """


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Console-script entry point (``astratrade``)."""
    cli.main(args=argv, prog_name="astratrade")
    raise SystemExit(0)  # pragma: no cover - cli.main always exits in standalone mode
