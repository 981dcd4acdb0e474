"""docs/cli.md stays true: every example runs again and prints what the page shows; every
command's ``--help`` examples run.

A fenced block ``$ cat NAME`` defines a file; a block ``$ astratrade ...`` is run in a
directory holding those files and must print exactly the rest of the block, ending with
``[exit N]`` (stdout, then stderr).  A block right after an ``<!-- not run: reason -->``
comment is skipped (the demo's timing line, a store the page does not build).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from astratrade_shell.cli import cli
from astratrade_shell.cli.main import COMMANDS

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs" / "cli.md"
BLOCK = re.compile(r"(<!-- not run: [^>]*-->\n)?```\n(.*?)```\n", re.S)
SHELL = re.compile(r"[<>|$]")


def blocks() -> tuple[dict[str, str], list[tuple[str, str]]]:
    files: dict[str, str] = {}
    examples: list[tuple[str, str]] = []
    for match in BLOCK.finditer(DOCS.read_text(encoding="utf-8")):
        first, _, rest = match.group(2).partition("\n")
        if first.startswith("$ cat "):
            files[first.removeprefix("$ cat ").strip()] = rest
        elif first.startswith("$ astratrade") and match.group(1) is None:
            examples.append((first.removeprefix("$ "), rest))
    return files, examples


FILES, EXAMPLES = blocks()


def test_the_page_has_examples_of_every_command() -> None:
    shown = {shlex.split(command)[1] for command, _ in EXAMPLES}
    documented = DOCS.read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"`{name}`" in documented or f"astratrade {name}" in documented, name
    assert len(EXAMPLES) >= 40
    assert {"pnl", "liquidation", "fills", "margin-ratio", "year-fraction"} <= shown


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_example(command: str, expected: str, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> None:
    for name, content in FILES.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    if SHELL.search(command):
        path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
        done = subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                              cwd=tmp_path, env={**os.environ, "PATH": path, "COLUMNS": "80"},
                              timeout=60, check=False)
        printed = f"{done.stdout}{done.stderr}[exit {done.returncode}]\n"
    else:
        result = CliRunner().invoke(cli, shlex.split(command)[1:], prog_name="astratrade")
        printed = f"{result.stdout}{result.stderr}[exit {result.exit_code}]\n"
    assert printed == expected


def help_examples() -> list[str]:
    found: list[str] = []
    for name in COMMANDS:
        page = CliRunner().invoke(cli, [name, "--help"]).stdout
        if "Examples:" in page:
            section = page.split("Examples:", 1)[1].split("\n\n", 1)[0]
            found += [line.strip() for line in section.splitlines() if line.strip()]
    return found


@pytest.mark.parametrize("example", help_examples())
def test_help_example_runs(example: str) -> None:
    result = CliRunner().invoke(cli, shlex.split(example)[1:])
    assert result.exit_code == 0, result.output
    assert result.stdout


def readme_examples() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found: list[tuple[str, str]] = []
    for block in re.findall(r"```\n(\$ astratrade .*?)```\n", text, re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            found.append((command, output))
    return found


@pytest.mark.parametrize(("command", "expected"), readme_examples())
def test_readme_example(command: str, expected: str) -> None:
    result = CliRunner().invoke(cli, shlex.split(command)[1:], prog_name="astratrade")
    assert result.exit_code == 0
    assert result.stdout == expected
