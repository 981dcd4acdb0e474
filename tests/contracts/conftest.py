"""Fixtures: chains in cairo-lang's Python VM (one executor process each, per test session).

The contracts must have been built (``make contracts``; ``make test`` depends on it).  A missing
build is an error, never a skip.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from astratrade_shell.starknet.clients import ContractClient, FixedPointMathClient
from astratrade_shell.starknet.local import LocalBackend

OWNER = 0x0A11CE
OPERATOR = 0x0B0B
STRANGER = 0x5757
POOL = 0x9001
FEES = 0xFEE5
INSURANCE = 0x1A5
USDC = 0xC0C0
ALICE = 0xA1
BOB = 0xB2


class MathHarnessClient(ContractClient):
    """The test-only batch harness (``contracts/src/testing/math_harness.cairo``)."""

    contract_name = "MathHarness"


@pytest.fixture(scope="session")
def backend() -> Iterator[LocalBackend]:
    """The main chain: behaviour tests deploy fresh contracts on it."""
    with LocalBackend() as chain:
        yield chain


@pytest.fixture(scope="session")
def second_backend() -> Iterator[LocalBackend]:
    """A second executor process, so differential batches run on both cores."""
    with LocalBackend() as chain:
        yield chain


@pytest.fixture(scope="session")
def harnesses(backend: LocalBackend,
              second_backend: LocalBackend) -> tuple[MathHarnessClient, MathHarnessClient]:
    """The batch harness deployed on both chains."""
    return (MathHarnessClient.deploy(backend, caller=OWNER),
            MathHarnessClient.deploy(second_backend, caller=OWNER))


@pytest.fixture(scope="session")
def math_contract(backend: LocalBackend) -> FixedPointMathClient:
    """The public ``FixedPointMath`` contract."""
    return FixedPointMathClient.deploy(backend, caller=OWNER)
