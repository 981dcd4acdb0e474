"""Typed clients for the AstraTrade contracts over any :class:`Backend`.

Each client encodes its arguments from the contract's ABI (starknet-py serializers), executes
through the backend, raises :class:`ContractReverted` with the decoded panic message when the
contract panics, and returns plain Python values: amounts as ``int`` (wad where the contract
says so), signed amounts as negative ints, events as :class:`DecodedEvent`.

Deploying declares the class once per backend (cached) and runs the constructor::

    backend = LocalBackend()
    vault = VaultClient.deploy(backend, caller=OWNER, owner=OWNER, pool=POOL, insurance=FUND,
                              fee_recipient=FEES)
    vault.set_asset(OWNER, USDC, True)
    token.approve(USER, vault.address, 10**18)
    vault.deposit(USER, asset=USDC, amount=10**18)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Self

import attrs

from astratrade_core.numeric import FixedRounding
from astratrade_shell.starknet.abi import ContractAbi, DecodedEvent, selector
from astratrade_shell.starknet.artifacts import Artifact, load_artifact
from astratrade_shell.starknet.backend import Backend, CallOutcome, ContractReverted

__all__ = [
    "ContractClient",
    "ERC20Client",
    "ExchangeClient",
    "FixedPointMathClient",
    "OperatorOracleClient",
    "OwnerMintedTokenClient",
    "PausableClient",
    "PaymasterClient",
    "PositionView",
    "Receipt",
    "RewardsDistributorClient",
    "StakingManagerClient",
    "TestTokenClient",
    "VaultClient",
    "from_signed",
    "rounding_variant",
    "to_signed",
]

_ROUNDING_VARIANTS = {FixedRounding.FLOOR: "Floor", FixedRounding.CEIL: "Ceil",
                      FixedRounding.HALF_UP: "HalfUp"}


def rounding_variant(rounding: FixedRounding) -> dict[str, None]:
    """The Cairo ``Rounding`` enum value for a core rounding mode.

    >>> rounding_variant(FixedRounding.HALF_UP)
    {'HalfUp': None}
    """
    return {_ROUNDING_VARIANTS[rounding]: None}


def to_signed(value: int) -> dict[str, Any]:
    """A Python int as the contracts' ``Signed { mag, neg }``.

    >>> to_signed(-5)
    {'mag': 5, 'neg': True}
    """
    return {"mag": abs(value), "neg": value < 0}


def from_signed(value: Any) -> int:
    """The contracts' ``Signed`` back to an int (zero is never negative).

    >>> from_signed({"mag": 5, "neg": True})
    -5
    """
    return -int(value["mag"]) if value["neg"] else int(value["mag"])


@attrs.frozen
class Receipt:
    """What a state-changing call returned and emitted."""

    outcome: CallOutcome
    result: tuple[Any, ...]
    events: tuple[DecodedEvent, ...]

    def named(self, name: str) -> tuple[DecodedEvent, ...]:
        """The events called ``name``, in emission order."""
        return tuple(e for e in self.events if e.name == name)


_DECLARED: dict[tuple[int, str], int] = {}


class ContractClient:
    """A deployed contract: ABI-driven calls and invocations through a backend."""

    contract_name: ClassVar[str] = ""

    def __init__(self, backend: Backend, address: int, abi: ContractAbi) -> None:
        self.backend = backend
        self.address = address
        self.abi = abi

    @classmethod
    def artifact(cls, directory: Path | None = None) -> Artifact:
        """The build artifact of this contract."""
        return load_artifact(cls.contract_name, directory)

    @classmethod
    def deploy(cls, backend: Backend, *, caller: int, directory: Path | None = None,
               **constructor: Any) -> Self:
        """Declare (once per backend) and deploy a new instance."""
        artifact = cls.artifact(directory)
        key = (id(backend), str(artifact.sierra_path))
        if key not in _DECLARED:
            _DECLARED[key] = backend.declare(str(artifact.sierra_path), str(artifact.casm_path))
        abi = ContractAbi(artifact.abi())
        address = backend.deploy(_DECLARED[key], abi.constructor_calldata(**constructor),
                                 caller=caller)
        return cls(backend, address, abi)

    def view(self, function: str, /, **arguments: Any) -> tuple[Any, ...]:
        """Call a view function; raises :class:`ContractReverted` if it panics."""
        outcome = self.backend.call(self.address, selector(function),
                                    self.abi.calldata(function, **arguments))
        if outcome.failed:
            raise ContractReverted(outcome.panic_message, outcome)
        return self.abi.results(function, outcome.retdata)

    def send(self, function: str, /, *, caller: int, **arguments: Any) -> Receipt:
        """Invoke ``function`` as ``caller``; raises :class:`ContractReverted` if it panics."""
        outcome = self.backend.invoke(self.address, selector(function),
                                      self.abi.calldata(function, **arguments), caller=caller)
        if outcome.failed:
            raise ContractReverted(outcome.panic_message, outcome)
        events = tuple(d for d in (self.abi.decode_event(e) for e in outcome.events)
                       if d is not None)
        return Receipt(outcome, self.abi.results(function, outcome.retdata), events)

    # Access control and pause, shared by every contract that embeds the components.
    def owner(self) -> int:
        """The owner's address."""
        return int(self.view("owner")[0])

    def is_operator(self, account: int) -> bool:
        """Whether ``account`` holds the operator role."""
        return bool(self.view("is_operator", account=account)[0])

    def set_operator(self, caller: int, account: int, enabled: bool) -> Receipt:
        """Owner only: grant or revoke the operator role."""
        return self.send("set_operator", caller=caller, account=account, enabled=enabled)

    def transfer_ownership(self, caller: int, new_owner: int) -> Receipt:
        """Owner only: propose ``new_owner`` (who must accept)."""
        return self.send("transfer_ownership", caller=caller, new_owner=new_owner)

    def accept_ownership(self, caller: int) -> Receipt:
        """Pending owner only: take the contract over."""
        return self.send("accept_ownership", caller=caller)

    def renounce_ownership(self, caller: int) -> Receipt:
        """Owner only: leave the contract without an owner for good."""
        return self.send("renounce_ownership", caller=caller)

    def set_operator_admin(self, caller: int, admin: int) -> Receipt:
        """Owner only: the account that may grant and revoke operators."""
        return self.send("set_operator_admin", caller=caller, admin=admin)

    def pending_owner(self) -> int:
        """The proposed owner (0 when none)."""
        return int(self.view("pending_owner")[0])

    def operator_admin(self) -> int:
        """The operator role's admin (0 when none)."""
        return int(self.view("operator_admin")[0])

    # The timelocked class upgrade (Vault and Exchange).
    def propose_upgrade(self, caller: int, class_hash: int) -> Receipt:
        """Owner only: propose a new class, executable after the timelock."""
        return self.send("propose_upgrade", caller=caller, class_hash=class_hash)

    def cancel_upgrade(self, caller: int) -> Receipt:
        """Owner only: drop the pending upgrade."""
        return self.send("cancel_upgrade", caller=caller)

    def execute_upgrade(self, caller: int) -> Receipt:
        """Owner only: replace the class once the timelock has passed."""
        return self.send("execute_upgrade", caller=caller)

    def pending_upgrade(self) -> tuple[int, int]:
        """The proposed class hash (0 if none) and the earliest execution time."""
        class_hash, ready_at = self.view("pending_upgrade")[0]
        return int(class_hash), int(ready_at)


class FixedPointMathClient(ContractClient):
    """The shared integer math, computed on-chain (see ``contracts/src/math``)."""

    contract_name = "FixedPointMath"

    def mul_div(self, a: int, b: int, d: int, rounding: FixedRounding) -> int:
        """``a * b / d`` rounded as asked."""
        return int(self.view("mul_div", a=a, b=b, d=d, rounding=rounding_variant(rounding))[0])

    def scaled(self, function: str, a: int, b: int, rounding: FixedRounding) -> int:
        """``wad_mul``, ``wad_div``, ``ray_mul`` or ``ray_div``."""
        return int(self.view(function, a=a, b=b, rounding=rounding_variant(rounding))[0])

    def pnl(self, quantity: int, entry_price: int, current_price: int, is_long: bool) -> int:
        """Signed wad P&L (``astratrade_core.trading.pnl_wad``)."""
        return from_signed(self.view("pnl", quantity=quantity, entry_price=entry_price,
                                     current_price=current_price, is_long=is_long)[0])

    def position_size(self, balance: int, risk: int, stop_distance: int) -> int:
        """Wad position size (``astratrade_core.trading.position_size_wad``)."""
        return int(self.view("position_size", balance=balance, risk=risk,
                             stop_distance=stop_distance)[0])

    def liquidation_price(self, quantity: int, entry_price: int, margin: int, *,
                          maintenance_rate: int, maintenance_amount: int, is_long: bool) -> int:
        """Wad isolated liquidation price (``isolated_liquidation_price_wad``); 0 = none."""
        return int(self.view("liquidation_price", quantity=quantity, entry_price=entry_price,
                             margin=margin, maintenance_rate=maintenance_rate,
                             maintenance_amount=maintenance_amount, is_long=is_long)[0])

    def allocate(self, total: int, weights: Sequence[int]) -> tuple[int, ...]:
        """Largest-remainder split (``astratrade_core.revenue.allocate_units``)."""
        return tuple(int(p) for p in self.view("allocate", total=total,
                                               weights=list(weights))[0])


class ERC20Client(ContractClient):
    """Any contract embedding ``ERC20Component`` (OpenZeppelin's ``IERC20`` + metadata)."""

    def name(self) -> str:
        """The token's name."""
        return str(self.view("name")[0])

    def symbol(self) -> str:
        """The token's ticker."""
        return str(self.view("symbol")[0])

    def decimals(self) -> int:
        """Decimal places of the token's unit."""
        return int(self.view("decimals")[0])

    def total_supply(self) -> int:
        """Every token in existence (the sum of every balance)."""
        return int(self.view("total_supply")[0])

    def balance_of(self, account: int) -> int:
        """The account's token balance."""
        return int(self.view("balance_of", account=account)[0])

    def allowance(self, owner: int, spender: int) -> int:
        """What ``spender`` may still move out of ``owner``'s balance."""
        return int(self.view("allowance", owner=owner, spender=spender)[0])

    def transfer(self, caller: int, recipient: int, amount: int) -> Receipt:
        """Move ``amount`` of the caller's tokens to ``recipient``."""
        return self.send("transfer", caller=caller, recipient=recipient, amount=amount)

    def transfer_from(self, caller: int, sender: int, recipient: int, amount: int) -> Receipt:
        """Move ``amount`` of ``sender``'s tokens, spending the caller's allowance."""
        return self.send("transfer_from", caller=caller, sender=sender, recipient=recipient,
                         amount=amount)

    def approve(self, caller: int, spender: int, amount: int) -> Receipt:
        """Set the caller's allowance to ``spender`` (2**256 - 1 is unlimited)."""
        return self.send("approve", caller=caller, spender=spender, amount=amount)


class OwnerMintedTokenClient(ERC20Client):
    """An ERC-20 its owner mints and any holder burns (the test token, the governance
    token): deployed by :meth:`create` with the class's default name and symbol."""

    default_name: ClassVar[str]
    default_symbol: ClassVar[str]

    @classmethod
    def create(cls, backend: Backend, *, owner: int, name: str | None = None,
               symbol: str | None = None, decimals: int = 18) -> Self:
        """Deploy a token owned (and mintable) by ``owner``."""
        return cls.deploy(backend, caller=owner, owner=owner,
                          name=cls.default_name if name is None else name,
                          symbol=cls.default_symbol if symbol is None else symbol,
                          decimals=decimals)

    def mint(self, caller: int, recipient: int, amount: int) -> Receipt:
        """Owner only: create ``amount`` tokens for ``recipient``."""
        return self.send("mint", caller=caller, recipient=recipient, amount=amount)

    def burn(self, caller: int, amount: int) -> Receipt:
        """Destroy ``amount`` of the caller's tokens."""
        return self.send("burn", caller=caller, amount=amount)


class TestTokenClient(OwnerMintedTokenClient):
    """The test token: an ERC-20 its owner can mint."""

    contract_name = "TestToken"
    default_name = "AstraTrade Test USD"
    default_symbol = "tUSD"
    __test__ = False  # not a pytest test class despite the name


class PausableClient(ContractClient):
    """A contract with the pausable component: what pausing stops is the contract's own
    (its docs); withdrawals, closes, repayments and liquidations never pause."""

    def pause(self, caller: int) -> Receipt:
        """Owner only."""
        return self.send("pause", caller=caller)

    def unpause(self, caller: int) -> Receipt:
        """Owner only."""
        return self.send("unpause", caller=caller)

    def is_paused(self) -> bool:
        """Whether the pausable entry points are stopped."""
        return bool(self.view("is_paused")[0])


class VaultClient(PausableClient):
    """Per-user, per-asset collateral ledger (pausing stops deposits; withdrawals and
    settlement never pause)."""

    contract_name = "Vault"

    def deposit(self, caller: int, asset: int, amount: int) -> Receipt:
        """Take ``amount`` of ``asset`` from the caller (approved first) and credit it."""
        return self.send("deposit", caller=caller, asset=asset, amount=amount)

    def withdraw(self, caller: int, asset: int, amount: int) -> Receipt:
        """Debit ``amount`` of ``asset`` from the caller and pay it (never paused)."""
        return self.send("withdraw", caller=caller, asset=asset, amount=amount)

    def fund_insurance(self, caller: int, asset: int, amount: int) -> Receipt:
        """Take ``amount`` of ``asset`` from the caller into the insurance fund."""
        return self.send("fund_insurance", caller=caller, asset=asset, amount=amount)

    def held_of(self, asset: int) -> int:
        """The tokens of ``asset`` the Vault holds."""
        return int(self.view("held_of", asset=asset)[0])

    def is_solvent(self, asset: int) -> bool:
        """Whether the tokens held cover every ledger balance of ``asset``."""
        return bool(self.view("is_solvent", asset=asset)[0])

    def insurance(self) -> int:
        """The insurance fund's ledger account."""
        return int(self.view("insurance")[0])

    def exchange(self) -> int:
        """The Exchange allowed to settle (0 until set)."""
        return int(self.view("exchange")[0])

    def is_asset_allowed(self, asset: int) -> bool:
        """Whether ``asset`` may be deposited."""
        return bool(self.view("is_asset_allowed", asset=asset)[0])

    def cover(self, caller: int, asset: int, amount: int) -> Receipt:
        """Exchange only: move up to ``amount`` from the insurance fund to the pool."""
        return self.send("cover", caller=caller, asset=asset, amount=amount)

    def set_exchange(self, caller: int, exchange: int) -> Receipt:
        """Owner only, once: the Exchange allowed to settle."""
        return self.send("set_exchange", caller=caller, exchange=exchange)

    def set_asset(self, caller: int, asset: int, allowed: bool) -> Receipt:
        """Owner only: allow or refuse deposits of ``asset``."""
        return self.send("set_asset", caller=caller, asset=asset, allowed=allowed)

    def set_fee_recipient(self, caller: int, fee_recipient: int) -> Receipt:
        """Owner only: where fees go."""
        return self.send("set_fee_recipient", caller=caller, fee_recipient=fee_recipient)

    def balance_of(self, user: int, asset: int) -> int:
        """The user's balance of ``asset``."""
        return int(self.view("balance_of", user=user, asset=asset)[0])

    def total_of(self, asset: int) -> int:
        """Deposits minus withdrawals of ``asset`` (the sum of every balance)."""
        return int(self.view("total_of", asset=asset)[0])

    def settle(self, caller: int, user: int, asset: int, pnl: int, fee: int) -> Receipt:
        """Exchange only: settle a signed P&L and a fee."""
        return self.send("settle", caller=caller, user=user, asset=asset, pnl=to_signed(pnl),
                         fee=fee)



@attrs.frozen
class PositionView:
    """A position on the Exchange: wad quantity and entry price, and its side."""

    quantity: int
    entry_price: int
    is_long: bool


class ExchangeClient(PausableClient):
    """Settlement of operator-recorded fills into the Vault."""

    contract_name = "Exchange"

    def list_market(self, caller: int, market: int, asset: int, maintenance_rate: int,
                    initial_rate: int) -> Receipt:
        """Owner only: list ``market`` (a short-string felt) settled in ``asset``."""
        return self.send("list_market", caller=caller, market=market, asset=asset,
                         maintenance_rate=maintenance_rate, initial_rate=initial_rate)

    def record_fill(self, caller: int, user: int, market: int, *, is_buy: bool, quantity: int,
                    price: int, fee: int) -> Receipt:
        """Operator only: record a fill; ``result[0]`` is the realized P&L (``Signed``)."""
        return self.send("record_fill", caller=caller, user=user, market=market, is_buy=is_buy,
                         quantity=quantity, price=price, fee=fee)

    def liquidate(self, caller: int, user: int, market: int) -> Receipt:
        """Operator only: liquidate a position below maintenance margin at the oracle mark."""
        return self.send("liquidate", caller=caller, user=user, market=market)

    def is_liquidatable(self, user: int, market: int) -> bool:
        """Whether equity at the oracle mark is below the maintenance margin."""
        return bool(self.view("is_liquidatable", user=user, market=market)[0])

    def cover_bad_debt(self, caller: int, asset: int) -> Receipt:
        """Anyone: cover stored bad debt of ``asset`` from the insurance fund."""
        return self.send("cover_bad_debt", caller=caller, asset=asset)

    def set_price_bounds(self, caller: int, max_price_age: int, max_deviation: int) -> Receipt:
        """Owner only: oracle freshness (seconds) and fill deviation from the mark (wad)."""
        return self.send("set_price_bounds", caller=caller, max_price_age=max_price_age,
                         max_deviation=max_deviation)

    def mark_price(self, market: int) -> int:
        """The oracle's fresh mark for ``market`` (reverts when stale or missing)."""
        return int(self.view("mark_price", market=market)[0])

    def open_positions(self, market: int) -> int:
        """How many users hold a position in ``market``."""
        return int(self.view("open_positions", market=market)[0])

    def bad_debt(self, asset: int) -> int:
        """Bad debt of ``asset`` the insurance fund has not covered yet."""
        return int(self.view("bad_debt", asset=asset)[0])

    def oracle(self) -> int:
        """The ``IPriceOracle`` marks come from."""
        return int(self.view("oracle")[0])

    def price_bounds(self) -> tuple[int, int]:
        """(max price age in seconds, max fill deviation from the mark, wad)."""
        age, deviation = self.view("price_bounds")[0]
        return int(age), int(deviation)

    def position(self, user: int, market: int) -> PositionView:
        """The user's position in ``market``."""
        raw = self.view("position", user=user, market=market)[0]
        return PositionView(int(raw["quantity"]), int(raw["entry_price"]), bool(raw["is_long"]))



class OperatorOracleClient(ContractClient):
    """Mark prices published by operators (``IPriceOracle``)."""

    contract_name = "OperatorOracle"

    def set_price(self, caller: int, market: int, price: int) -> Receipt:
        """Operator only: publish a wad price at the current block time."""
        return self.send("set_price", caller=caller, market=market, price=price)

    def price(self, market: int) -> tuple[int, int]:
        """(wad price, block timestamp it was set at); (0, 0) if never set."""
        price, updated_at = self.view("price", market=market)[0]
        return int(price), int(updated_at)


class _PoolViews(ContractClient):
    def total_staked(self) -> int:
        """Units staked (or shares assigned) in total."""
        return int(self.view("total_staked")[0])

    def staked_of(self, account: int) -> int:
        """The account's stake (or shares)."""
        return int(self.view("staked_of", account=account)[0])

    def pending_of(self, account: int) -> int:
        """Rewards the account could claim now."""
        return int(self.view("pending_of", account=account)[0])

    def total_funded(self) -> int:
        """Every reward unit ever notified."""
        return int(self.view("total_funded")[0])

    def total_paid(self) -> int:
        """Every reward unit ever claimed."""
        return int(self.view("total_paid")[0])

    def claim(self, caller: int) -> int:
        """Claim the caller's rewards (paid in the reward token); returns the amount."""
        return int(self.send("claim", caller=caller).result[0])

    def reward_stream(self) -> tuple[int, int, int, int]:
        """(units not yet streamed, last drip time, stream end, stream duration)."""
        remaining, last, finish, duration = self.view("reward_stream")[0]
        return int(remaining), int(last), int(finish), int(duration)

    def reward_token(self) -> int:
        """The token rewards are paid in."""
        return int(self.view("reward_token")[0])


class StakingManagerClient(_PoolViews, PausableClient):
    """Self-staking with reward-per-share rewards (pausing stops new stakes; unstake and
    claim stay open)."""

    contract_name = "StakingManager"

    def stake(self, caller: int, amount: int) -> Receipt:
        """Stake ``amount`` units."""
        return self.send("stake", caller=caller, amount=amount)

    def unstake(self, caller: int, amount: int) -> Receipt:
        """Unstake ``amount`` units."""
        return self.send("unstake", caller=caller, amount=amount)

    def notify_reward(self, caller: int, amount: int) -> Receipt:
        """Operator only: pay in ``amount`` reward units and stream them over the duration."""
        return self.send("notify_reward", caller=caller, amount=amount)

    def stake_token(self) -> int:
        """The token staked."""
        return int(self.view("stake_token")[0])


class RewardsDistributorClient(_PoolViews):
    """Rewards pro rata to operator-assigned shares."""

    contract_name = "RewardsDistributor"

    def fund(self, caller: int, amount: int) -> Receipt:
        """Owner only: pay in ``amount`` reward units and stream them over the duration."""
        return self.send("fund", caller=caller, amount=amount)

    def set_shares(self, caller: int, account: int, shares: int) -> Receipt:
        """Operator only: set the account's shares."""
        return self.send("set_shares", caller=caller, account=account, shares=shares)


class PaymasterClient(ContractClient):
    """Sponsorship budget: per-user gas allowance by XP tier."""

    contract_name = "Paymaster"

    def refill(self, caller: int, amount: int) -> Receipt:
        """Owner only: pay ``amount`` of the budget token in."""
        return self.send("refill", caller=caller, amount=amount)

    def set_tier(self, caller: int, tier: int, min_xp: int, allowance: int) -> Receipt:
        """Owner only: configure a tier."""
        return self.send("set_tier", caller=caller, tier=tier, min_xp=min_xp,
                         allowance=allowance)

    def set_relayer(self, caller: int, relayer: int, enabled: bool) -> Receipt:
        """Owner only: grant or revoke the relayer role."""
        return self.send("set_relayer", caller=caller, relayer=relayer, enabled=enabled)

    def set_xp(self, caller: int, user: int, xp: int) -> Receipt:
        """Operator only: record a user's XP."""
        return self.send("set_xp", caller=caller, user=user, xp=xp)

    def sponsor(self, caller: int, user: int, amount: int) -> Receipt:
        """Relayer only: consume allowance and budget; the relayer is paid ``amount``."""
        return self.send("sponsor", caller=caller, user=user, amount=amount)

    def budget(self) -> int:
        """What is left of the sponsorship budget."""
        return int(self.view("budget")[0])

    def token(self) -> int:
        """The token the budget is held in."""
        return int(self.view("token")[0])

    def tier_of(self, user: int) -> int:
        """The user's tier index."""
        return int(self.view("tier_of", user=user)[0])

    def remaining_of(self, user: int) -> int:
        """The user's allowance left in the current epoch."""
        return int(self.view("remaining_of", user=user)[0])
