"""The CLI's row calculators over HTTP: ``POST /v1/calculators/<name>`` with the command's
options as a JSON object of strings (``{"quantity": "-0.5", "entry": "30000", ...}``)
answers the object ``astratrade <name> ... --json`` prints.

Same inputs, bounds and answers as the CLI because it *is* the CLI's command: each route runs
the click command in-process with the given options and ``--json`` (parsing, the core call,
the display rounding, every refusal), one call at a time.  A refusal keeps the CLI's kind:
exit 2 (bad input) is a 422 ``calculator.invalid``, exit 1 (a rule said no) a 422
``calculator.rejected``, exit 4 a 503.  Stateless; needs the ``read`` scope.

This bridges until the CLI exposes its row specs and a one-row evaluation that keeps the
core's ``DomainError`` (then the route calls those, and the problem carries the core's
code instead of the CLI's message).
"""

from __future__ import annotations

import contextlib
import io
import json
import threading
from typing import Any, Final

import click
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, create_model

from astratrade_core.errors import DomainError
from astratrade_core.users import Scope
from astratrade_shell.cli.main import COMMANDS, EXIT_BAD_INPUT, EXIT_UNAVAILABLE, cli
from astratrade_shell.service.http import Caller, allowed
from astratrade_shell.service.problems import ProblemError

__all__ = ["CALCULATORS", "router"]

#: The row calculators served over HTTP.
CALCULATORS: Final = ("pnl", "size", "liquidation", "level", "allocate")
_NOT_INPUTS: Final = frozenset({"csv_path", "as_json", "onchain", "help", "exact", "allow",
                                "keep_going"})

router = APIRouter(prefix="/v1/calculators", tags=["calculators"])
_one_at_a_time = threading.Lock()


def _command(name: str) -> click.Command:
    with click.Context(cli) as ctx:
        found = cli.get_command(ctx, name)
    if found is None:  # pragma: no cover - CALCULATORS names registered commands
        raise LookupError(name)
    return found


def _inputs(command: click.Command) -> dict[str, click.Option]:
    return {p.name: p for p in command.params
            if isinstance(p, click.Option) and p.name and p.name not in _NOT_INPUTS}


def _run(command: click.Command, values: dict[str, str]) -> dict[str, Any]:
    options = _inputs(command)
    args = [a for name, text in values.items() for a in (options[name].opts[0], text)]
    out = io.StringIO()
    with _one_at_a_time, contextlib.redirect_stdout(out):
        try:
            command.main([*args, "--json"], prog_name=f"astratrade {command.name}",
                         standalone_mode=False)
        except click.ClickException as exc:
            code = getattr(exc, "code", exc.exit_code)
            message = " ".join(exc.format_message().split())[:500]
            if code == EXIT_UNAVAILABLE:
                raise ProblemError(DomainError.unavailable("calculator.unavailable",
                                                           message)) from None
            if code == EXIT_BAD_INPUT:
                raise ProblemError(DomainError.invalid("calculator.invalid", message)) from None
            raise ProblemError(DomainError.rejected("calculator.rejected", message)) from None
    answer: dict[str, Any] = json.loads(out.getvalue())
    return answer


def _route(name: str) -> None:
    command = _command(name)
    fields: dict[str, Any] = {
        field: (str | None, Field(default=None, min_length=1, max_length=200,
                                  description=option.help))
        for field, option in _inputs(command).items()}
    body_model: type[BaseModel] = create_model(
        f"{name.capitalize()}Inputs", __config__=ConfigDict(extra="forbid"), **fields)

    def calculate(body: Any, request: Request, who: Caller) -> Any:
        allowed(who.principal, Scope.READ)
        given = {k: v for k, v in body.model_dump().items() if v is not None}
        return _run(command, given)

    calculate.__annotations__["body"] = body_model
    router.add_api_route(f"/{name}", calculate, methods=["POST"],
                         response_model=dict[str, Any], name=f"calculate_{name}",
                         summary=COMMANDS[name][1])


for _name in CALCULATORS:
    _route(_name)
