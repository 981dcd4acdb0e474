"""Hypothesis profiles: ``dev`` (fast, the default) and ``ci`` (thorough, when CI is set)."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci",
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# `make mutate` (proofs/mutation.py): the dev count, derandomized and without the example
# database, so a mutant's verdict does not depend on the run before it.
settings.register_profile(
    "mutate",
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
