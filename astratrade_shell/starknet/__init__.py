"""Starknet: typed contract clients, a local VM backend and an RPC backend, offline signing.

``astratrade_shell.starknet.local.LocalBackend`` executes the contracts built by
``make contracts`` in cairo-lang's Python VM (what the tests use);
``astratrade_shell.starknet.rpc.RpcBackend`` talks to a node.  Both implement
:class:`~astratrade_shell.starknet.backend.Backend`, which the clients in
:mod:`~astratrade_shell.starknet.clients` take.  starknet-py is imported lazily, inside the
functions that need it, so importing this package stays cheap.
"""

from astratrade_shell.starknet.abi import ContractAbi, DecodedEvent, selector
from astratrade_shell.starknet.anchor import AuditAnchorClient
from astratrade_shell.starknet.artifacts import (
    CONTRACT_NAMES,
    CURRENT_SCHEME,
    Artifact,
    CasmHashScheme,
    ClassHashes,
    build_dir,
    load_artifact,
)
from astratrade_shell.starknet.backend import (
    BYTE_ARRAY_MAGIC,
    Backend,
    CallOutcome,
    ContractReverted,
    EmittedEvent,
    decode_panic,
)
from astratrade_shell.starknet.clients import (
    ContractClient,
    ERC20Client,
    ExchangeClient,
    FixedPointMathClient,
    OperatorOracleClient,
    PaymasterClient,
    Receipt,
    RewardsDistributorClient,
    StakingManagerClient,
    TestTokenClient,
    VaultClient,
)
from astratrade_shell.starknet.governance import (
    GovernanceTokenClient,
    GovernorClient,
    GovernorSettings,
    ProposalState,
    ProposalView,
)
from astratrade_shell.starknet.lending import LendingPoolClient, ReserveView
from astratrade_shell.starknet.local import LocalBackend
from astratrade_shell.starknet.rpc import RpcBackend, RpcConfig, RpcConfigError
from astratrade_shell.starknet.transactions import (
    ContractCall,
    GasBounds,
    SignedInvoke,
    build_invoke,
    execute_calldata,
    sign_invoke,
    verify_invoke,
)

__all__ = [
    "BYTE_ARRAY_MAGIC",
    "CONTRACT_NAMES",
    "CURRENT_SCHEME",
    "Artifact",
    "AuditAnchorClient",
    "Backend",
    "CallOutcome",
    "CasmHashScheme",
    "ClassHashes",
    "ContractAbi",
    "ContractCall",
    "ContractClient",
    "ContractReverted",
    "DecodedEvent",
    "EmittedEvent",
    "ERC20Client",
    "ExchangeClient",
    "FixedPointMathClient",
    "GovernanceTokenClient",
    "GovernorClient",
    "GovernorSettings",
    "GasBounds",
    "LendingPoolClient",
    "LocalBackend",
    "OperatorOracleClient",
    "PaymasterClient",
    "ProposalState",
    "ProposalView",
    "Receipt",
    "ReserveView",
    "RewardsDistributorClient",
    "RpcBackend",
    "RpcConfig",
    "RpcConfigError",
    "SignedInvoke",
    "StakingManagerClient",
    "TestTokenClient",
    "VaultClient",
    "build_dir",
    "build_invoke",
    "decode_panic",
    "execute_calldata",
    "load_artifact",
    "selector",
    "sign_invoke",
    "verify_invoke",
]
