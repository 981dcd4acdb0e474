"""The ``astratrade`` command line (click).  See :mod:`astratrade_shell.cli.main`."""

from astratrade_shell.cli.main import cli, main

__all__ = ["cli", "main"]
