"""The click command of a row-wise calculator: options, ``--csv``, ``--json``, ``--exact``.

:func:`row_command` turns a :class:`~.rows.RowSpec` into a command whose help lists the
calculator's units, output precision and examples.  One row comes from the options (a
two-column table or one JSON object); ``--csv FILE`` runs a batch (:mod:`.batch`) with the
options given as defaults.  ``--onchain`` (pnl, size, liquidation, allocate) adds the
FixedPointMath contract's integer answer.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Final

import attrs
import click

from astratrade_core.errors import DomainError
from astratrade_shell.cli.batch import BatchOptions, run_batch
from astratrade_shell.cli.batchfile import read_delimiter
from astratrade_shell.cli.main import CliFailure
from astratrade_shell.cli.rows import (
    Inputs,
    Output,
    Refused,
    RowSpec,
    Value,
    dumps,
    evaluate,
    json_value,
    print_table,
    render_value,
)

__all__ = ["row_command"]


def _single(spec: RowSpec, options: Mapping[str, str | None], *, as_json: bool, exact: bool,
            allow: bool) -> None:
    given = {f.name: options.get(f.name) for f in spec.fields}
    texts = {f.name: text for f in spec.fields
             if (text := given[f.name] if given[f.name] is not None else f.default) is not None}
    missing = [f.option for f in spec.fields if f.required and f.name not in texts]
    if missing:
        raise CliFailure.bad_input(f"missing option {', '.join(missing)} (or use --csv)")
    outcome = evaluate(spec, texts, {f.name: f.option for f in spec.fields}, allow=allow,
                       exact=exact)
    if outcome.code:
        raise CliFailure(outcome.error, outcome.code)
    if as_json:
        click.echo(dumps({k: json_value(v) for k, v in outcome.outputs.items()}))
    else:
        print_table(outcome.outputs)


def _help(spec: RowSpec) -> str:
    examples = "\n".join(f"  astratrade {spec.name} {e}" for e in spec.examples)
    outputs = "\n".join(f"  {o.describe()}" for o in spec.outputs)
    return (f"{spec.summary}\n\n{inspect.cleandoc(spec.help)}\n\n\b\nOutputs (display precision; "
            f"--exact for the exact values):\n{outputs}\n\n\b\nExamples:\n{examples}\n")


def row_command(spec: RowSpec) -> click.Command:
    """Build the click command for ``spec``."""

    def callback(*, csv_path: str | None, as_json: bool, exact: bool, delimiter: str,
                 keep_going: bool, allow: bool = False, onchain: bool = False,
                 **given_options: str | bool | None) -> None:
        options = _texts(given_options)
        active = _with_onchain(spec) if onchain else spec
        given = {f.name: v for f in spec.fields if (v := options.get(f.name)) is not None}
        if csv_path is None:
            for flag, name in ((delimiter != ",", "--delimiter"), (keep_going, "--keep-going")):
                if flag:
                    raise CliFailure.bad_input(f"{name} applies to --csv batches only")
            _single(active, options, as_json=as_json, exact=exact, allow=allow)
            return
        empty = [spec.field(n).option for n, v in given.items() if not v.strip()]
        if empty:
            raise CliFailure.bad_input(f"{empty[0]}: empty value")
        run_batch(active, csv_path, given, BatchOptions(
            as_json, exact, allow, keep_going, read_delimiter(delimiter)))

    params: list[click.Parameter] = [
        click.Option([f.option, f.name], is_flag=True, default=False,
                     help=f.help + " (batch: a true/false column)") if f.flag else
        click.Option([f.option, f.name], default=None,
                     metavar="|".join(f.choices) if f.choices else f.metavar or f.kind.metavar,
                     help=f.help + (f" [default: {f.default}]" if f.default else "")
                     + ("" if f.required or f.default else " (optional)"))
        for f in spec.fields
    ]
    params += [
        click.Option(["--csv", "csv_path"], default=None, metavar="FILE",
                     help="Batch mode: read rows from a CSV file with one column per option "
                          "(header required; '-' reads stdin). Other columns pass through; "
                          "options given are defaults for missing columns and empty cells."),
        click.Option(["--json", "as_json"], is_flag=True,
                     help="Exact JSON (decimals as strings); JSON Lines in batch mode."),
        click.Option(["--exact"], is_flag=True,
                     help="Print outputs as computed instead of at their display precision."),
        click.Option(["--delimiter"], default=",", metavar="CHAR",
                     help="Batch field delimiter, also used for the output (tab: 'tab')."),
        click.Option(["--keep-going"], is_flag=True,
                     help="Batch: write unreadable rows with their error too, and exit 1 at "
                          "the end with a count instead of stopping at the first."),
    ]
    if spec.limited:
        bounds = ", ".join(f"{f.option} above {render_value(f.limit)}" for f in spec.limited)
        params.append(click.Option(["--allow"], is_flag=True,
                                   help=f"Accept values beyond the safety bounds ({bounds})."))
    if spec.name in _ONCHAIN:
        params.append(click.Option(["--onchain"], is_flag=True, help=(
            "Also print the FixedPointMath contract's integer (wad) result, computed in the "
            "local Cairo VM (needs `make contracts`) or over RPC (contracts/README.md).")))
    return click.Command(spec.name, callback=callback, params=params, help=_help(spec),
                         short_help=spec.summary)


def _texts(options: Mapping[str, str | bool | None]) -> dict[str, str | None]:
    """Option values as text: a flag given is ``"true"`` (read like a batch cell), a flag
    not given is absent (a batch's column may still set it)."""
    return {name: ("true" if value else None) if isinstance(value, bool) else value
            for name, value in options.items()}


_ONCHAIN: Final = ("pnl", "size", "liquidation", "allocate")
#: Inputs the contract's counterpart needs (its liquidation has a single bracket).
_ONCHAIN_NEEDS: Final = {"liquidation": "mmr"}


def _with_onchain(spec: RowSpec) -> RowSpec:
    """``spec`` plus the contract's integer columns (astratrade_shell.starknet.onchain)."""
    from astratrade_shell.starknet.onchain import (  # noqa: PLC0415 - starts the Cairo VM
        ONCHAIN_OUTPUTS,
        math_client,
        onchain_columns,
    )

    client = math_client()

    def compute(inputs: Inputs) -> Mapping[str, Value]:
        if inputs.flag("inverse"):
            raise Refused(DomainError.invalid(
                "cli.onchain", "inverse: --onchain runs the linear contract functions only"))
        needed = _ONCHAIN_NEEDS.get(spec.name)
        if needed is not None and needed not in inputs:
            raise Refused(DomainError.invalid(
                "cli.onchain", f"{needed}: --onchain needs it (the contract has one bracket)"))
        outputs = spec.compute(inputs)
        return {**outputs, **onchain_columns(spec.name, inputs.text, outputs, client)}

    return attrs.evolve(spec, outputs=spec.outputs + tuple(
        Output(name) for name in ONCHAIN_OUTPUTS[spec.name]), compute=compute, pure=False)
