"""Clients for on-chain governance: the ``GovernanceToken`` (ERC-20 with vote checkpoints and
delegation) and the ``Governor`` (snapshot voting, quorum, a built-in timelock).

A proposal is one call ``target.selector(calldata)``; :meth:`GovernorClient.propose_call`
encodes the calldata from the target client's own ABI::

    governor = GovernorClient.create(backend, token=token.address, settings=GovernorSettings(
        voting_delay=3600, voting_period=86400, timelock_delay=86400, quorum_bps=400,
        proposal_threshold=0))
    exchange.transfer_ownership(OWNER, governor.address)
    proposal = governor.propose_call(ALICE, exchange, "accept_ownership")
    # ... after the voting delay: governor.cast_vote(ALICE, proposal, True); after the period:
    # governor.queue(ANYONE, proposal); after the timelock: governor.execute(ANYONE, proposal)

Times are block timestamps; ``state`` names a :class:`ProposalState` member.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any, Self

import attrs

from astratrade_shell.starknet.abi import selector
from astratrade_shell.starknet.backend import Backend
from astratrade_shell.starknet.clients import ContractClient, OwnerMintedTokenClient, Receipt

__all__ = [
    "GovernanceTokenClient",
    "GovernorClient",
    "GovernorSettings",
    "ProposalState",
    "ProposalView",
]


class ProposalState(enum.Enum):
    """The Cairo ``ProposalState`` variants."""

    PENDING = "Pending"
    ACTIVE = "Active"
    DEFEATED = "Defeated"
    SUCCEEDED = "Succeeded"
    QUEUED = "Queued"
    EXECUTED = "Executed"
    CANCELED = "Canceled"


@attrs.frozen
class GovernorSettings:
    """Voting delay, voting period and timelock delay (seconds), quorum (basis points of the
    supply at the snapshot) and proposal threshold (votes)."""

    voting_delay: int
    voting_period: int
    timelock_delay: int
    quorum_bps: int
    proposal_threshold: int

    def encoded(self) -> dict[str, int]:
        """As the contract's ``Settings`` struct."""
        return attrs.asdict(self)

    @classmethod
    def decoded(cls, value: dict[str, Any]) -> GovernorSettings:
        """From the contract's ``Settings`` struct."""
        return cls(**{field: int(value[field]) for field in attrs.fields_dict(cls)})


@attrs.frozen
class ProposalView:
    """A proposal as stored (``eta`` is 0 until queued)."""

    proposer: int
    target: int
    selector: int
    calldata_len: int
    snapshot: int
    deadline: int
    quorum_bps: int
    for_votes: int
    against_votes: int
    eta: int
    executed: bool
    canceled: bool

    @classmethod
    def decoded(cls, value: dict[str, Any]) -> ProposalView:
        """From the contract's ``Proposal`` struct."""
        number = {field: int(value[field]) for field in (
            "proposer", "target", "selector", "calldata_len", "snapshot", "deadline",
            "quorum_bps", "for_votes", "against_votes", "eta")}
        return cls(**number, executed=bool(value["executed"]),
                   canceled=bool(value["canceled"]))


class GovernanceTokenClient(OwnerMintedTokenClient):
    """ERC-20 with OpenZeppelin-style vote checkpoints and delegation (timestamp clock);
    its owner mints within ``max_supply``."""

    contract_name = "GovernanceToken"
    default_name = "AstraTrade Governance"
    default_symbol = "ASTG"

    def max_supply(self) -> int:
        """The supply cap."""
        return int(self.view("max_supply")[0])

    def delegate(self, caller: int, delegatee: int) -> Receipt:
        """Give the caller's voting power to ``delegatee`` (itself to vote, 0 to nobody)."""
        return self.send("delegate", caller=caller, delegatee=delegatee)

    def delegates(self, account: int) -> int:
        """Whom ``account`` delegates to (0: nobody)."""
        return int(self.view("delegates", account=account)[0])

    def clock(self) -> int:
        """The token's clock: the block timestamp."""
        return int(self.view("clock")[0])

    def get_votes(self, account: int) -> int:
        """The voting power delegated to ``account`` now."""
        return int(self.view("get_votes", account=account)[0])

    def get_past_votes(self, account: int, timepoint: int) -> int:
        """The voting power delegated to ``account`` at the end of second ``timepoint``."""
        return int(self.view("get_past_votes", account=account, timepoint=timepoint)[0])

    def get_past_total_supply(self, timepoint: int) -> int:
        """The total supply at the end of second ``timepoint``."""
        return int(self.view("get_past_total_supply", timepoint=timepoint)[0])

    def num_checkpoints(self, account: int) -> int:
        """How many vote checkpoints ``account`` has."""
        return int(self.view("num_checkpoints", account=account)[0])

    def checkpoint(self, account: int, pos: int) -> tuple[int, int]:
        """Checkpoint ``pos`` of ``account``: (timestamp, votes)."""
        key, value = self.view("checkpoint", account=account, pos=pos)[0]
        return int(key), int(value)


class GovernorClient(ContractClient):
    """Proposals of one call, voted at a snapshot, executed after a timelock."""

    contract_name = "Governor"

    @classmethod
    def create(cls, backend: Backend, *, token: int, settings: GovernorSettings,
               caller: int = 1) -> Self:
        """Deploy a governor counting ``token``'s votes."""
        return cls.deploy(backend, caller=caller, token=token, settings=settings.encoded())

    def propose(self, caller: int, target: int, function: str | int,
                calldata: Sequence[int] = ()) -> int:
        """Propose ``target.function(calldata)`` (a name or a selector); returns the id."""
        entry = selector(function) if isinstance(function, str) else function
        receipt = self.send("propose", caller=caller, target=target, selector=entry,
                            calldata=list(calldata))
        return int(receipt.result[0])

    def propose_call(self, caller: int, target: ContractClient, function: str,
                     **arguments: Any) -> int:
        """Propose a call of ``target``'s ``function``, encoding ``arguments`` by its ABI."""
        return self.propose(caller, target.address, function,
                            target.abi.calldata(function, **arguments))

    def cast_vote(self, caller: int, proposal_id: int, support: bool) -> Receipt:
        """Vote for (``True``) or against with the caller's votes at the snapshot."""
        return self.send("cast_vote", caller=caller, proposal_id=proposal_id, support=support)

    def queue(self, caller: int, proposal_id: int) -> Receipt:
        """Start a succeeded proposal's timelock (anyone)."""
        return self.send("queue", caller=caller, proposal_id=proposal_id)

    def execute(self, caller: int, proposal_id: int) -> Receipt:
        """Run a queued proposal's call once the timelock has passed (anyone)."""
        return self.send("execute", caller=caller, proposal_id=proposal_id)

    def cancel(self, caller: int, proposal_id: int) -> Receipt:
        """Proposer only: cancel a proposal not yet executed."""
        return self.send("cancel", caller=caller, proposal_id=proposal_id)

    def update_settings(self, caller: int, settings: GovernorSettings) -> Receipt:
        """The governor itself only (a proposal's call)."""
        return self.send("update_settings", caller=caller, settings=settings.encoded())

    def state(self, proposal_id: int) -> ProposalState:
        """Where the proposal is in its life."""
        decoded = self.view("state", proposal_id=proposal_id)[0]
        # starknet-py decodes an enum as {"variant": name, "value": ...}.
        return ProposalState(decoded["variant"] if isinstance(decoded, dict) else decoded[0])

    def proposal(self, proposal_id: int) -> ProposalView:
        """The stored proposal."""
        return ProposalView.decoded(self.view("proposal", proposal_id=proposal_id)[0])

    def proposal_calldata(self, proposal_id: int) -> tuple[int, ...]:
        """The calldata the proposal's call will be made with."""
        return tuple(int(x) for x in self.view("proposal_calldata", proposal_id=proposal_id)[0])

    def has_voted(self, proposal_id: int, account: int) -> bool:
        """Whether ``account`` voted on the proposal."""
        return bool(self.view("has_voted", proposal_id=proposal_id, account=account)[0])

    def quorum(self, timepoint: int) -> int:
        """Votes needed at ``timepoint`` with the current quorum fraction."""
        return int(self.view("quorum", timepoint=timepoint)[0])

    def proposal_count(self) -> int:
        """Proposals made so far (the last id)."""
        return int(self.view("proposal_count")[0])

    def settings(self) -> GovernorSettings:
        """The current settings."""
        return GovernorSettings.decoded(self.view("settings")[0])

    def token(self) -> int:
        """The votes token."""
        return int(self.view("token")[0])
