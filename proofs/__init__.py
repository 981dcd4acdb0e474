"""The verification pipeline: Z3 proofs, CrossHair contracts, Hypothesis properties, mutants.

``make verify`` runs ``python -m proofs run --tier full``; ``make test`` runs the quick tier
through ``tests/proofs``.  Properties live in ``proofs/z3_*.py``, ``proofs/crosshair_*.py`` and
``proofs/hypothesis_*.py`` and register themselves in :mod:`proofs.registry`; the catalogue
``docs/properties.md`` is generated from that registry (:mod:`proofs.catalogue`).

This package never imports the core at import time, so a mutant can be installed first.
"""

__all__: list[str] = []
