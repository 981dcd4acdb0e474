"""``make mutate``'s scoring (proofs/mutation.py) without running mutmut: the equivalents file
is well formed and names real scopes, and mutants are classified as the docs say."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from proofs.mutation import (
    EQUIVALENTS_PATH,
    SCOPES,
    Equivalent,
    Mutant,
    format_table,
    read_equivalents,
    read_mutants,
    score,
)

ROOT = Path(__file__).resolve().parent.parent.parent


def test_every_equivalent_has_a_reason_and_a_scope() -> None:
    files = {f.removesuffix(".py").replace("/", ".") for s in SCOPES.values() for f in s.files}
    for name, entry in read_equivalents().items():
        assert entry.reason and entry.line, name
        assert name.rpartition(".")[0] in files, f"{name} is not in any scope"
        assert "__mutmut_" in name, name


def test_a_line_without_a_reason_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "eq.txt"
    path.write_text("# comment\n\nm.x_f__mutmut_1 | - a ⇒ + b | \n", encoding="utf-8")
    with pytest.raises(ValueError, match="reason"):
        read_equivalents(path)


def test_every_scope_names_existing_files_and_tests() -> None:
    for scope in SCOPES.values():
        for path in (*scope.files, *scope.tests):
            assert (ROOT / path).exists(), path
    assert EQUIVALENTS_PATH.exists()


_ORIG = '''\
def x_f__mutmut_orig(a):
    if a <= 3:
        raise ValueError("too small")
    return a
'''


def _mutants_file(tmp_path: Path) -> Path:
    body = _ORIG + _ORIG.replace("orig", "1").replace("<=", "<") + _ORIG.replace(
        "orig", "2").replace("too small", "XXtoo smallXX")
    path = tmp_path / "mutants" / "pkg" / "mod.py"
    path.parent.mkdir(parents=True)
    path.write_text(body, encoding="utf-8")
    ast.parse(body)
    (tmp_path / "mutants" / "pkg" / "mod.py.meta").write_text(
        '{"exit_code_by_key": {"pkg.mod.x_f__mutmut_1": 0, "pkg.mod.x_f__mutmut_2": 0}}',
        encoding="utf-8")
    return path


def test_mutants_are_read_with_their_changed_line_and_text_only_flag(tmp_path: Path) -> None:
    _mutants_file(tmp_path)
    scope = SCOPES["numeric"].__class__("t", ("pkg/mod.py",), ())
    one, two = read_mutants(tmp_path, scope)
    assert one == Mutant("pkg.mod.x_f__mutmut_1", 0, "- if a <= 3: ⇒ + if a < 3:", False)
    assert two.text_only and two.exit_code == 0


def test_scoring_leaves_out_equivalents_and_text_and_counts_stale_ones_again() -> None:
    scope = SCOPES["numeric"]
    mutants = [Mutant("m.a", 1, "x", False), Mutant("m.b", 0, "y", False),
               Mutant("m.c", 0, "z", True), Mutant("m.d", 0, "w", False),
               Mutant("m.e", 0, "v", False), Mutant("m.f", 36, "u", False),
               Mutant("m.g", None, "t", False)]
    equivalents = {"m.d": Equivalent("m.d", "w", "same value"),
                   "m.e": Equivalent("m.e", "old line", "stale")}
    row = score(scope, mutants, equivalents, 1.0)
    assert (row.total, row.checked, row.text, row.equivalent, row.killed, row.survived) == (
        7, 6, 1, 1, 2, 2)
    assert row.stale == ("m.e",)
    assert row.score == 50.0
    events = score(SCOPES["events"], mutants, {}, None)
    assert events.text == 0 and events.survived == 4  # events' text is wire format
    assert "| numeric | 7 | 6 | 1 | 1 | 2 | 2 | 50.0 % | 1 s |" in format_table([row])
