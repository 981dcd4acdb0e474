"""The ``astratrade`` command group: lazy command registry and one error policy.

To add a command, add ONE line to :data:`COMMANDS`: ``name: ("module:attribute", "short
help")``.  Modules are imported only when their command runs, so ``astratrade --help`` stays
fast no matter what a command imports (Starknet, numpy, ...).

Exit codes: ``0`` success, ``1`` domain failure (a risk limit, a broken audit chain),
``2`` bad input (a malformed number, a missing option, a broken CSV row, a missing or corrupt
store), ``3`` internal error (a bug; set ``ASTRATRADE_DEBUG=1`` for the traceback).  Every
failure prints exactly one line starting ``error:`` on stderr.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any, Final, NoReturn

import click

from astratrade_core.errors import DomainError, ErrorKind

__all__ = ["COMMANDS", "EXIT_BAD_INPUT", "EXIT_DOMAIN", "EXIT_INTERNAL", "EXIT_UNAVAILABLE",
           "CliFailure", "cli", "main"]

EXIT_DOMAIN = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
EXIT_UNAVAILABLE = 4

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
                    "Isolated-margin liquidation price of a linear perpetual."),
    "level": ("astratrade_shell.cli.calculators:level",
              "Level and XP to the next level on a level curve."),
    "allocate": ("astratrade_shell.cli.calculators:allocate",
                 "Split a money total by weights, losing no minor unit."),
    "risk": ("astratrade_shell.cli.risk:risk",
             "Risk metrics of a dated returns or equity CSV (and trades)."),
    "report": ("astratrade_shell.cli.report:report",
               "HTML tearsheet (metrics and charts) of a returns or equity CSV."),
    "replay": ("astratrade_shell.cli.ledger:replay",
               "Rebuild the projections from an event store."),
    "audit": ("astratrade_shell.cli.ledger:audit",
              "Audit-chain commands (verify)."),
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
    def of(cls, error: DomainError) -> CliFailure:
        """The failure for a core error: its kind, never its code's spelling, picks the exit
        code (invalid input 2; refused by a rule, a conflict or not found 1; unavailable 4)."""
        return cls(str(error), _EXIT_BY_KIND[error.kind])

    @classmethod
    def bad_input(cls, message: str) -> CliFailure:
        """Exit 2: the user's input cannot be used."""
        return cls(message, EXIT_BAD_INPUT)

    @classmethod
    def domain(cls, message: str) -> CliFailure:
        """Exit 1: the input is well formed but the domain says no."""
        return cls(message, EXIT_DOMAIN)


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
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # A consumer such as `head` closed the pipe: stop quietly with success, and point
            # stdout at /dev/null so the interpreter's final flush cannot fail again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise click.exceptions.Exit(0) from None

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command; every failure becomes one ``error:`` line and an exit code."""
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
        except Exception as exc:
            if os.environ.get("ASTRATRADE_DEBUG"):
                raise
            code = _report(f"internal error ({type(exc).__name__}: {exc}); "
                           "rerun with ASTRATRADE_DEBUG=1 for details", EXIT_INTERNAL)
        if standalone_mode:
            sys.exit(code)
        return code


def _report(message: str, exit_code: int) -> int:
    line = " ".join(message.split())
    click.echo(f"error: {line}", err=True)
    return exit_code


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h",
                                                                                    "--help"]})
@click.version_option(package_name="astratrade", prog_name="astratrade")
def cli() -> None:
    """AstraTrade: exact trading and game-economy maths on the command line.

    \b
    Conventions for every command:
      * Numbers are exact decimals given as text ("0.1", "25000"); floats are never used.
        NaN, infinities and absurd exponents are rejected.
      * Rates and risk are FRACTIONS: 0.01 means 1 %. Prices are quote currency per unit
        of base; quantities are in base units; a negative quantity is a short.
      * --json prints exact JSON (decimals as strings); row-wise calculators take
        --csv FILE (or - for stdin) and stream CSV, or JSON Lines with --json.
      * Exit codes: 0 success, 1 domain failure (e.g. a risk limit), 2 bad input,
        3 internal error. Errors are one line on stderr starting with "error:".
    """


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Console-script entry point (``astratrade``)."""
    cli.main(args=argv, prog_name="astratrade")
    raise SystemExit(0)  # pragma: no cover - cli.main always exits in standalone mode
