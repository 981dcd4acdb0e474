"""GovernanceToken (vote checkpoints, delegation) and Governor (snapshot voting, quorum,
timelock), executed in the VM.

Hand-computed examples for every ``votes:``, ``govtoken:`` and ``governor:`` error; the binary
search against a model over many checkpoints; and, end to end, token holders taking over the
Exchange (two-step ownership through a proposal) and changing its price bounds through the
timelock, with too-early execution refused and votes bought after the snapshot (a flash loan)
counting for nothing.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from astratrade_core.numeric import WAD
from astratrade_shell.starknet.backend import ContractReverted
from astratrade_shell.starknet.clients import ExchangeClient
from astratrade_shell.starknet.governance import (
    GovernanceTokenClient,
    GovernorClient,
    GovernorSettings,
    ProposalState,
)
from astratrade_shell.starknet.local import ExecutorError, LocalBackend
from tests.contracts.conftest import ALICE, BOB, OWNER, POOL, STRANGER
from tests.contracts.venue import at_time

CAROL = 0xC3
MALLORY = 0x6666
DAVE = 0xD4
EVE = 0xE5
E = 10**18
DELAY, PERIOD, TIMELOCK = 3_600, 86_400, 86_400
SETTINGS = GovernorSettings(voting_delay=DELAY, voting_period=PERIOD, timelock_delay=TIMELOCK,
                            quorum_bps=2_500, proposal_threshold=100 * E)
NOT_OWNER = "access: caller is not owner"


def holders(backend: LocalBackend, at: int = 100) -> GovernanceTokenClient:
    """A token with ALICE 600, BOB 300, DAVE 200, CAROL 100 (x 10**18: a supply of 1200 and a
    quorum of 300), each delegating to itself."""
    token = GovernanceTokenClient.create(backend, owner=OWNER)
    with at_time(backend, at):
        for account, amount in ((ALICE, 600), (BOB, 300), (DAVE, 200), (CAROL, 100)):
            token.mint(OWNER, account, amount * E)
            token.delegate(account, account)
    return token


@pytest.fixture(scope="module")
def dao(backend: LocalBackend) -> GovernanceTokenClient:
    """Holders that no test of this module moves tokens of (votes are only read)."""
    return holders(backend)


def governor_of(backend: LocalBackend, token: GovernanceTokenClient,
                settings: GovernorSettings = SETTINGS) -> GovernorClient:
    return GovernorClient.create(backend, token=token.address, settings=settings)


def vote_and_queue(backend: LocalBackend, governor: GovernorClient, proposal: int,
                   voters: dict[int, bool]) -> int:
    """Vote just after the snapshot, queue just after the deadline; returns the eta."""
    view = governor.proposal(proposal)
    with at_time(backend, view.snapshot + 1):
        for voter, support in voters.items():
            governor.cast_vote(voter, proposal, support)
    with at_time(backend, view.deadline + 1):
        assert governor.state(proposal) is ProposalState.SUCCEEDED
        (queued,) = governor.queue(STRANGER, proposal).named("ProposalQueued")
    assert queued.fields == {"proposal_id": proposal, "eta": view.deadline + 1 + TIMELOCK}
    return view.deadline + 1 + TIMELOCK


# --- the token: delegation, checkpoints, binary search -------------------------------------


def test_votes_follow_delegation_transfers_mints_and_burns(backend: LocalBackend) -> None:
    token = GovernanceTokenClient.create(backend, owner=OWNER)
    with at_time(backend, 100):
        token.mint(OWNER, ALICE, 100)
        assert token.get_votes(ALICE) == 0  # undelegated tokens count for nobody
    with at_time(backend, 110):
        receipt = token.delegate(ALICE, ALICE)
        (changed,) = receipt.named("DelegateChanged")
        assert changed.fields == {"delegator": ALICE, "from_delegate": 0, "to_delegate": ALICE}
        (moved,) = receipt.named("DelegateVotesChanged")
        assert moved.fields == {"delegate": ALICE, "previous_votes": 0, "new_votes": 100}
    with at_time(backend, 120):
        token.delegate(ALICE, BOB)
        assert (token.get_votes(ALICE), token.get_votes(BOB)) == (0, 100)
        assert token.delegates(ALICE) == BOB
    with at_time(backend, 130):
        receipt = token.transfer(ALICE, CAROL, 30)  # CAROL has no delegate: 30 votes vanish
        assert [e.fields for e in receipt.named("DelegateVotesChanged")] == [
            {"delegate": BOB, "previous_votes": 100, "new_votes": 70}]
    with at_time(backend, 140):
        token.delegate(CAROL, CAROL)
        token.approve(CAROL, BOB, 5)
        token.transfer_from(BOB, CAROL, BOB, 5)  # BOB holds 5 now, undelegated
        assert token.get_votes(CAROL) == 25
    with at_time(backend, 150):
        token.burn(CAROL, 10)
        assert (token.get_votes(CAROL), token.total_supply()) == (15, 90)
    with at_time(backend, 160):
        assert [token.get_past_votes(BOB, t) for t in (119, 120, 129, 130, 159)] == [
            0, 100, 100, 70, 70]
        assert [token.get_past_votes(CAROL, t) for t in (139, 140, 149, 150)] == [0, 25, 25, 15]
        assert [token.get_past_total_supply(t) for t in (99, 100, 149, 150)] == [0, 100, 100, 90]
        assert token.clock() == 160
        # The present second can still change: only strictly past seconds are answered.
        with pytest.raises(ContractReverted, match="votes: future lookup"):
            token.get_past_votes(BOB, 160)
        with pytest.raises(ContractReverted, match="votes: future lookup"):
            token.get_past_total_supply(160)
        token.delegate(ALICE, 0)  # withdrawing the delegation
        assert token.get_votes(BOB) == 0
    with (at_time(backend, 155),
          pytest.raises(ContractReverted, match="votes: decreasing timepoint")):
        token.delegate(ALICE, BOB)  # a clock running backwards: BOB's last checkpoint is 160
    with (at_time(backend, 145),
          pytest.raises(ContractReverted, match="votes: decreasing timepoint")):
        token.mint(OWNER, DAVE, 1)  # the supply's last checkpoint is 150


def test_the_supply_is_capped_so_votes_cannot_overflow(backend: LocalBackend) -> None:
    token = GovernanceTokenClient.create(backend, owner=OWNER)
    cap = token.max_supply()
    assert cap == 2**128 - 1
    token.mint(OWNER, ALICE, cap)
    with pytest.raises(ContractReverted, match="govtoken: supply cap exceeded"):
        token.mint(OWNER, BOB, 1)
    with pytest.raises(ContractReverted, match=NOT_OWNER):
        token.mint(STRANGER, BOB, 0)
    assert token.total_supply() == cap


def test_binary_search_answers_every_past_second(backend: LocalBackend) -> None:
    """A seeded walk of 8 vote changes (some two in one second, which rewrite the last
    checkpoint); every checkpoint's second and the second before it are looked up, which
    covers each boundary of the search."""
    token = GovernanceTokenClient.create(backend, owner=OWNER)
    rng = random.Random(20)
    history: dict[int, int] = {}  # second -> ALICE's votes at its end
    votes, now = 0, 1_000
    with at_time(backend, now):
        token.delegate(ALICE, ALICE)
    for _ in range(8):
        now += rng.choice((0, 1, 7, 30))
        with at_time(backend, now):
            if votes and rng.random() < 0.4:
                amount = rng.randint(1, votes)
                token.transfer(ALICE, BOB, amount)  # BOB is undelegated: ALICE's votes drop
                votes -= amount
            else:
                amount = rng.randint(1, 10**6)
                token.mint(OWNER, ALICE, amount)
                votes += amount
        history[now] = votes
    keys = sorted(history)
    assert len(keys) == 6  # the seed draws changes within one second twice
    with at_time(backend, now + 1):
        assert token.num_checkpoints(ALICE) == len(keys)
        assert token.checkpoint(ALICE, len(keys) - 1) == (now, votes)
        with pytest.raises(ContractReverted, match="votes: no such checkpoint"):
            token.checkpoint(ALICE, len(keys))
        for t in sorted({*keys, *(k - 1 for k in keys)}):
            earlier = [k for k in keys if k <= t]
            expected = history[earlier[-1]] if earlier else 0
            assert token.get_past_votes(ALICE, t) == expected, t


# --- the governor -----------------------------------------------------------------------------


def test_holders_take_over_the_exchange_and_change_its_bounds(
        backend: LocalBackend, dao: GovernanceTokenClient) -> None:
    """End to end: the owner hands the Exchange over (two-step), a proposal accepts it, a second
    changes the price bounds; execution before the eta is refused, at the eta it runs."""
    governor = governor_of(backend, dao)
    exchange = ExchangeClient.deploy(backend, caller=OWNER, owner=OWNER, vault=POOL, oracle=POOL)
    exchange.transfer_ownership(OWNER, governor.address)
    with at_time(backend, 10_000):
        accept = governor.propose_call(ALICE, exchange, "accept_ownership")
        assert governor.state(accept) is ProposalState.PENDING
    eta = vote_and_queue(backend, governor, accept, {ALICE: True, CAROL: False})
    assert governor.proposal(accept).for_votes == 600 * E
    assert governor.proposal(accept).against_votes == 100 * E
    with at_time(backend, eta - 1):
        assert governor.state(accept) is ProposalState.QUEUED
        with pytest.raises(ContractReverted, match="governor: timelock not elapsed"):
            governor.execute(STRANGER, accept)
    with at_time(backend, eta):
        (executed,) = governor.execute(STRANGER, accept).named("ProposalExecuted")
        assert executed.fields == {"proposal_id": accept}
        assert governor.state(accept) is ProposalState.EXECUTED
        with pytest.raises(ContractReverted, match="governor: not queued"):
            governor.execute(STRANGER, accept)
        with pytest.raises(ContractReverted, match="governor: cannot cancel"):
            governor.cancel(ALICE, accept)
    assert (exchange.owner(), exchange.pending_owner()) == (governor.address, 0)

    with at_time(backend, eta + 10):
        bounds = governor.propose_call(BOB, exchange, "set_price_bounds", max_price_age=600,
                                       max_deviation=WAD // 10)
        assert governor.proposal_calldata(bounds) == (600, WAD // 10, 0)
    eta = vote_and_queue(backend, governor, bounds, {ALICE: True, BOB: True})
    with pytest.raises(ContractReverted, match=NOT_OWNER):  # the old owner no longer can
        exchange.send("set_price_bounds", caller=OWNER, max_price_age=60, max_deviation=0)
    assert tuple(exchange.view("price_bounds")[0]) == (300, WAD // 20)
    with at_time(backend, eta):
        receipt = governor.execute(STRANGER, bounds)
    assert tuple(exchange.view("price_bounds")[0]) == (600, WAD // 10)
    # The Exchange's own event, emitted during the governor's call.
    assert any(e.from_address == exchange.address for e in receipt.outcome.events)


def test_a_failing_call_reverts_the_execution_which_stays_queued(
        backend: LocalBackend, dao: GovernanceTokenClient) -> None:
    governor = governor_of(backend, dao)
    exchange = ExchangeClient.deploy(backend, caller=OWNER, owner=OWNER, vault=POOL, oracle=POOL)
    with at_time(backend, 20_000):
        # The governor does not own this Exchange: the call panics inside the execution.
        pause = governor.propose_call(ALICE, exchange, "pause")
    eta = vote_and_queue(backend, governor, pause, {ALICE: True})
    with at_time(backend, eta):
        with pytest.raises(ContractReverted, match=NOT_OWNER):
            governor.execute(STRANGER, pause)
        assert governor.state(pause) is ProposalState.QUEUED
        assert not exchange.view("is_paused")[0]


def test_settings_change_only_through_a_proposal(backend: LocalBackend,
                                                 dao: GovernanceTokenClient) -> None:
    governor = governor_of(backend, dao)
    assert governor.settings() == SETTINGS and governor.token() == dao.address
    changed = GovernorSettings(voting_delay=0, voting_period=600, timelock_delay=2 * TIMELOCK,
                               quorum_bps=10_000, proposal_threshold=0)
    with pytest.raises(ContractReverted, match="governor: only governance"):
        governor.update_settings(ALICE, changed)
    with at_time(backend, 30_000):
        update = governor.propose_call(ALICE, governor, "update_settings",
                                       settings=changed.encoded())
    eta = vote_and_queue(backend, governor, update, {ALICE: True})
    with at_time(backend, eta):
        (event,) = governor.execute(STRANGER, update).named("SettingsUpdated")
    assert GovernorSettings.decoded(event.fields["settings"]) == changed
    assert governor.settings() == changed
    # The new quorum (100 %) applies to new proposals: 600 of 1200 votes no longer pass.
    with at_time(backend, eta + 1):
        again = governor.propose(STRANGER, governor.address, "token")  # threshold now 0
    with at_time(backend, eta + 2):
        governor.cast_vote(ALICE, again, True)
    with at_time(backend, eta + 602):
        assert governor.state(again) is ProposalState.DEFEATED
        assert governor.quorum(eta) == 1200 * E


@pytest.mark.parametrize("settings", [
    GovernorSettings(DELAY, PERIOD, TIMELOCK - 1, 4_000, 0),  # timelock below the minimum
    GovernorSettings(DELAY, 0, TIMELOCK, 4_000, 0),
    GovernorSettings(2_592_001, PERIOD, TIMELOCK, 4_000, 0),
    GovernorSettings(DELAY, 2_592_001, TIMELOCK, 4_000, 0),
    GovernorSettings(DELAY, PERIOD, 2_592_001, 4_000, 0),
    GovernorSettings(DELAY, PERIOD, TIMELOCK, 0, 0),
    GovernorSettings(DELAY, PERIOD, TIMELOCK, 10_001, 0),
])
def test_bad_settings_are_refused(backend: LocalBackend, dao: GovernanceTokenClient,
                                  settings: GovernorSettings) -> None:
    with pytest.raises(ExecutorError, match="governor: bad settings"):
        governor_of(backend, dao, settings)


def test_a_governor_needs_a_token(backend: LocalBackend) -> None:
    with pytest.raises(ExecutorError, match="governor: zero address"):
        GovernorClient.create(backend, token=0, settings=SETTINGS)


def test_every_step_is_refused_out_of_turn(backend: LocalBackend,
                                           dao: GovernanceTokenClient) -> None:
    governor = governor_of(backend, dao)
    start = 40_000
    with at_time(backend, start):
        with pytest.raises(ContractReverted, match="governor: below threshold"):
            governor.propose(STRANGER, POOL, "pause")
        with pytest.raises(ContractReverted, match="governor: zero address"):
            governor.propose(ALICE, 0, "pause")
        with pytest.raises(ContractReverted, match="governor: unknown proposal"):
            governor.state(1)
        proposal = governor.propose(CAROL, POOL, "pause")  # CAROL holds exactly the threshold
        (created,) = governor.send("propose", caller=CAROL, target=POOL, selector=7,
                                   calldata=[1, 2]).named("ProposalCreated")
        assert created.fields == {"proposal_id": 2, "proposer": CAROL, "target": POOL,
                                  "selector": 7, "calldata": [1, 2],
                                  "snapshot": start + DELAY, "deadline": start + DELAY + PERIOD}
        assert governor.proposal_count() == 2
        with pytest.raises(ContractReverted, match="governor: unknown proposal"):
            governor.state(3)
    snapshot = start + DELAY
    for moment in (start, snapshot):  # voting opens only after the snapshot second
        with (at_time(backend, moment),
              pytest.raises(ContractReverted, match="governor: vote not active")):
            governor.cast_vote(ALICE, proposal, True)
    with at_time(backend, snapshot + 1):
        assert governor.state(proposal) is ProposalState.ACTIVE
        (cast,) = governor.cast_vote(CAROL, proposal, True).named("VoteCast")
        assert cast.fields == {"proposal_id": proposal, "voter": CAROL, "support": True,
                               "weight": 100 * E}
        assert governor.has_voted(proposal, CAROL) and not governor.has_voted(proposal, BOB)
        with pytest.raises(ContractReverted, match="governor: already voted"):
            governor.cast_vote(CAROL, proposal, False)
        with pytest.raises(ContractReverted, match="governor: no voting power"):
            governor.cast_vote(STRANGER, proposal, True)
        with pytest.raises(ContractReverted, match="governor: not succeeded"):
            governor.queue(STRANGER, proposal)
        with pytest.raises(ContractReverted, match="governor: not queued"):
            governor.execute(STRANGER, proposal)
    deadline = snapshot + PERIOD
    with at_time(backend, deadline):
        governor.cast_vote(DAVE, 2, True)  # the deadline second is still open
    with at_time(backend, deadline + 1):
        with pytest.raises(ContractReverted, match="governor: vote not active"):
            governor.cast_vote(ALICE, proposal, True)
        # 100 of 1200 for: below the 25 % quorum although nobody voted against.
        assert governor.quorum(snapshot) == 300 * E
        assert governor.state(proposal) is ProposalState.DEFEATED
        with pytest.raises(ContractReverted, match="governor: not succeeded"):
            governor.queue(STRANGER, proposal)
        # Proposal 2: DAVE's 200 are below the quorum as well.
        assert governor.state(2) is ProposalState.DEFEATED
        with pytest.raises(ContractReverted, match="governor: not proposer"):
            governor.cancel(ALICE, proposal)
        (canceled,) = governor.cancel(CAROL, proposal).named("ProposalCanceled")
        assert canceled.fields == {"proposal_id": proposal}
        assert governor.state(proposal) is ProposalState.CANCELED
        with pytest.raises(ContractReverted, match="governor: cannot cancel"):
            governor.cancel(CAROL, proposal)


def test_quorum_is_inclusive_and_ties_fail(backend: LocalBackend,
                                           dao: GovernanceTokenClient) -> None:
    """BOB's 300 of 1200 meet the 25 % quorum exactly; 600 for and 600 against is no majority;
    a quorum with more against than for fails."""
    governor = governor_of(backend, dao)
    with at_time(backend, 50_000):
        exact = governor.propose(BOB, POOL, "pause")
        tie = governor.propose(BOB, POOL, "unpause")
        queued = governor.propose(CAROL, POOL, "pause")
    view = governor.proposal(exact)
    with at_time(backend, view.snapshot + 1):
        governor.cast_vote(BOB, exact, True)
        governor.cast_vote(ALICE, tie, True)
        for against in (BOB, DAVE, CAROL):
            governor.cast_vote(against, tie, False)
        governor.cast_vote(ALICE, queued, True)
    with at_time(backend, view.deadline + 1):
        assert governor.state(exact) is ProposalState.SUCCEEDED
        assert governor.state(tie) is ProposalState.DEFEATED
        governor.queue(STRANGER, queued)
        governor.cancel(CAROL, queued)  # the proposer may still withdraw a queued proposal
        assert governor.state(queued) is ProposalState.CANCELED
    with (at_time(backend, view.deadline + 1 + TIMELOCK),
          pytest.raises(ContractReverted, match="governor: not queued")):
        governor.execute(STRANGER, queued)


@pytest.fixture
def flash_setup(backend: LocalBackend) -> Iterator[tuple[GovernanceTokenClient, GovernorClient]]:
    token = holders(backend)
    yield token, governor_of(backend, token)


def test_attack_flash_borrowed_votes_do_not_count(
        flash_setup: tuple[GovernanceTokenClient, GovernorClient],
        backend: LocalBackend) -> None:
    """Votes are read at the snapshot: tokens borrowed and returned within the snapshot second
    (a flash loan), or bought after it, weigh nothing; the seller keeps its snapshot weight."""
    token, governor = flash_setup
    with at_time(backend, 1_000):
        proposal = governor.propose(BOB, POOL, "pause")
    snapshot = governor.proposal(proposal).snapshot
    with at_time(backend, snapshot):
        # A flash loan inside the snapshot second: borrow ALICE's 600, delegate, repay.
        token.transfer(ALICE, MALLORY, 600 * E)
        token.delegate(MALLORY, MALLORY)
        assert token.get_votes(MALLORY) == 600 * E
        token.transfer(MALLORY, ALICE, 600 * E)
        # A purchase within the snapshot second itself does count (end-of-second value).
        token.transfer(CAROL, EVE, 100 * E)
        token.delegate(EVE, EVE)
    with at_time(backend, snapshot + 1):
        # ... and a purchase after the snapshot does not.
        token.transfer(ALICE, MALLORY, 600 * E)
        assert token.get_votes(MALLORY) == 600 * E
        assert token.get_past_votes(MALLORY, snapshot) == 0
        with pytest.raises(ContractReverted, match="governor: no voting power"):
            governor.cast_vote(MALLORY, proposal, True)
        with pytest.raises(ContractReverted, match="governor: no voting power"):
            governor.cast_vote(CAROL, proposal, True)  # sold within the snapshot second
        assert int(governor.cast_vote(ALICE, proposal, False).result[0]) == 600 * E
        governor.cast_vote(BOB, proposal, True)
        governor.cast_vote(EVE, proposal, True)
    with at_time(backend, governor.proposal(proposal).deadline + 1):
        view = governor.proposal(proposal)
        assert (view.for_votes, view.against_votes) == (400 * E, 600 * E)
        assert governor.state(proposal) is ProposalState.DEFEATED
