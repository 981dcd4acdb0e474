"""The property catalogue is generated from the registry and must not drift from it; every
property and mutant names real targets."""

from __future__ import annotations

import importlib

import pytest

from proofs.catalogue import CATALOGUE_PATH, render
from proofs.mutants import MUTANTS, mutated_source
from proofs.registry import load_all


def test_docs_properties_md_matches_the_registry() -> None:
    assert CATALOGUE_PATH.read_text(encoding="utf-8") == render(), (
        "docs/properties.md is stale: run `python -m proofs catalogue --write`")


def _resolve(dotted: str) -> object:
    parts = dotted.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[split:]:
            target = getattr(target, attribute)
        return target
    raise LookupError(dotted)


def test_every_target_exists() -> None:
    targets = {t for p in load_all().values() for t in p.targets}
    targets |= {m.target for m in MUTANTS.values()}
    for target in sorted(targets):
        assert callable(_resolve(target)), target


@pytest.mark.parametrize("key", sorted(MUTANTS))
def test_every_mutant_applies_and_has_properties_aimed_at_it(key: str) -> None:
    mutant = MUTANTS[key]
    source = mutated_source(mutant)  # raises unless the snippet occurs exactly once
    compile(source, str(mutant.path), "exec")
    assert any(mutant.target in p.targets for p in load_all().values())
