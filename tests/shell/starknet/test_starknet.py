"""The Starknet shell offline: class hashes, ABI encoding, panic decoding, signing, RPC config,
the local backend and the ``astratrade contracts`` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from starknet_py.hash.utils import private_to_stark_key

from astratrade_shell.cli.main import cli
from astratrade_shell.starknet import (
    BYTE_ARRAY_MAGIC,
    CONTRACT_NAMES,
    CURRENT_SCHEME,
    CasmHashScheme,
    ContractAbi,
    ContractCall,
    EmittedEvent,
    GasBounds,
    LocalBackend,
    RpcConfig,
    RpcConfigError,
    build_dir,
    build_invoke,
    decode_panic,
    execute_calldata,
    load_artifact,
    selector,
    sign_invoke,
    verify_invoke,
)

FELT = st.integers(0, 2**251)
#: Any Stark private key will do; its public key is derived with starknet-py.
PRIVATE_KEY = 0x1234
# starknet-py raises the interpreter's recursion limit on its first signature; do that once
# here, outside Hypothesis (which warns when a test changes it).
sign_invoke(build_invoke([], sender=1, nonce=0, bounds=GasBounds()), private_key=PRIVATE_KEY,
            chain_id=1)


@pytest.fixture(scope="module")
def recorded() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = json.loads((build_dir() / "hashes.json").read_text())
    return data


@pytest.mark.parametrize("name", CONTRACT_NAMES)
def test_starknet_py_hashes_equal_cairo_langs(recorded: dict[str, dict[str, str]],
                                              name: str) -> None:
    hashes = load_artifact(name).hashes(CasmHashScheme.POSEIDON)
    assert hashes.class_hash == int(recorded[name]["class_hash"], 16)
    assert hashes.compiled_class_hash == int(recorded[name]["compiled_class_hash"], 16)


def test_blake2s_compiled_hash_differs_but_class_hash_does_not() -> None:
    artifact = load_artifact("Vault")
    poseidon, blake = artifact.hashes(CasmHashScheme.POSEIDON), artifact.hashes()
    assert CURRENT_SCHEME is CasmHashScheme.BLAKE2S  # the default: Starknet >= 0.14.1
    assert blake == artifact.hashes(CasmHashScheme.BLAKE2S)
    assert poseidon.class_hash == blake.class_hash
    assert poseidon.compiled_class_hash != blake.compiled_class_hash


def test_local_backend_declares_with_the_build_hash(recorded: dict[str, dict[str, str]]) -> None:
    artifact = load_artifact("FixedPointMath")
    with LocalBackend() as chain:
        class_hash = chain.declare(str(artifact.sierra_path), str(artifact.casm_path))
        address = chain.deploy(class_hash, [], caller=1)
        outcome = chain.call(address, selector("mul_div"), [10, 0, 10, 0, 3, 0, 1])
    assert class_hash == int(recorded["FixedPointMath"]["class_hash"], 16)
    assert (outcome.failed, outcome.retdata) == (False, (34, 0))  # ceil(100 / 3)
    assert outcome.steps > 0


def test_abi_round_trips_arguments_and_decodes_events() -> None:
    abi = ContractAbi(load_artifact("Vault").abi())
    assert "deposit" in abi.function_names
    assert abi.calldata("deposit", asset=0xAB, amount=2**128 + 5) == [0xAB, 5, 1]
    assert abi.results("balance_of", [7, 1]) == (2**128 + 7,)
    event = EmittedEvent(0x99, (selector("Withdrawn"), 0x1, 0x2), (3, 0, 4, 0))
    decoded = abi.decode_event(event)
    assert decoded is not None
    assert (decoded.name, decoded.fields) == ("Withdrawn", {"user": 1, "asset": 2, "amount": 3,
                                                             "balance": 4})
    assert abi.decode_event(EmittedEvent(0x99, (selector("Nope"),), ())) is None


def byte_array(text: bytes) -> list[int]:
    """Cairo's ``ByteArray`` serialization: full 31-byte words, pending word, its length."""
    words = [text[i:i + 31] for i in range(0, len(text) - len(text) % 31, 31)]
    pending = text[len(words) * 31:]
    return [BYTE_ARRAY_MAGIC, len(words), *(int.from_bytes(w, "big") for w in words),
            int.from_bytes(pending, "big"), len(pending)]


@given(st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=100))
def test_panic_messages_decode(text: str) -> None:
    assert decode_panic(byte_array(text.encode())) == text


def test_short_string_panics_decode() -> None:
    assert decode_panic([int.from_bytes(b"vault: paused", "big"),
                         int.from_bytes(b"again", "big")]) == "vault: paused, again"


@given(st.lists(st.tuples(FELT, FELT, st.lists(FELT, max_size=4)), max_size=4))
def test_execute_calldata_is_the_cairo1_call_array(
        calls: list[tuple[int, int, list[int]]]) -> None:
    encoded = execute_calldata([ContractCall(t, s, tuple(d)) for t, s, d in calls])
    assert encoded[0] == len(calls)
    assert len(encoded) == 1 + sum(3 + len(d) for _, _, d in calls)


@settings(max_examples=10)
@given(FELT, st.integers(0, 100))
def test_signature_verifies_and_binds_chain_and_nonce(sender: int, nonce: int) -> None:
    public_key = private_to_stark_key(PRIVATE_KEY)
    call = ContractCall(0x123, selector("deposit"), (1, 2, 0))
    bounds = GasBounds(l2_gas=(10**6, 10**9))
    tx = build_invoke([call], sender=sender, nonce=nonce, bounds=bounds)
    signed = sign_invoke(tx, private_key=PRIVATE_KEY, chain_id=1)
    assert verify_invoke(signed, public_key)
    assert not verify_invoke(signed, public_key + 1)
    other_chain = sign_invoke(tx, private_key=PRIVATE_KEY, chain_id=2)
    other_nonce = sign_invoke(build_invoke([call], sender=sender, nonce=nonce + 1, bounds=bounds),
                              private_key=PRIVATE_KEY, chain_id=1)
    assert len({signed.transaction_hash, other_chain.transaction_hash,
                other_nonce.transaction_hash}) == 3


def test_rpc_config_reads_the_environment() -> None:
    config = RpcConfig.from_mapping({
        "ASTRATRADE_STARKNET_RPC_URL": "http://127.0.0.1:5050",
        "ASTRATRADE_STARKNET_CHAIN_ID": "SN_MAIN",
        "ASTRATRADE_STARKNET_ACCOUNT": "0xabc",
        "ASTRATRADE_STARKNET_PRIVATE_KEY": "0x1234",
        "ASTRATRADE_STARKNET_L2_GAS": "1000:7",
    })
    assert config.chain_id == int.from_bytes(b"SN_MAIN", "big")
    assert (config.account, config.private_key) == (0xABC, 0x1234)
    assert config.bounds.l2_gas == (1000, 7)
    assert "4660" not in repr(config) and "0x1234" not in repr(config)


@pytest.mark.parametrize("env", [{}, {"ASTRATRADE_STARKNET_RPC_URL": "http://x",
                                      "ASTRATRADE_STARKNET_ACCOUNT": "zz"}])
def test_rpc_config_rejects_missing_or_malformed_values(env: dict[str, str]) -> None:
    with pytest.raises(RpcConfigError):
        RpcConfig.from_mapping(env)


def test_cli_hashes_prints_the_checked_hashes(recorded: dict[str, dict[str, str]]) -> None:
    result = CliRunner().invoke(cli, ["contracts", "hashes", "--json", "--scheme", "poseidon"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert set(printed) == set(CONTRACT_NAMES)
    for name, row in printed.items():
        assert {k: int(v, 16) for k, v in row.items()} == {
            k: int(v, 16) for k, v in recorded[name].items()}


def test_cli_hashes_default_to_the_current_networks_scheme(
        recorded: dict[str, dict[str, str]]) -> None:
    result = CliRunner().invoke(cli, ["contracts", "hashes", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    for name, row in printed.items():
        blake = load_artifact(name).hashes(CasmHashScheme.BLAKE2S)
        assert int(row["class_hash"], 16) == int(recorded[name]["class_hash"], 16)
        assert int(row["compiled_class_hash"], 16) == blake.compiled_class_hash
        assert row["compiled_class_hash"] != recorded[name]["compiled_class_hash"]
    refused = CliRunner().invoke(cli, ["contracts", "hashes", "--scheme", "pedersen"])
    assert refused.exit_code == 2


def test_cli_hashes_refuse_a_build_cairo_lang_disagrees_with(tmp_path: Path) -> None:
    # hashes.json naming another class hash (a stale or forged listing) is a domain failure
    # under either scheme: the Sierra class hash is checked always.
    for name in CONTRACT_NAMES:
        for suffix in (".sierra.json", ".casm.json"):
            (tmp_path / f"{name}{suffix}").write_bytes(
                (build_dir() / f"{name}{suffix}").read_bytes())
    listing = json.loads((build_dir() / "hashes.json").read_text())
    listing["Vault"]["class_hash"] = "0x1"
    (tmp_path / "hashes.json").write_text(json.dumps(listing))
    for scheme in ("blake2s", "poseidon"):
        result = CliRunner().invoke(cli, ["contracts", "hashes", "--dir", str(tmp_path),
                                          "--scheme", scheme])
        assert result.exit_code == 1
        assert "Vault: starknet-py and cairo-lang disagree on the hashes" in result.output


def test_cli_hashes_reports_a_missing_build(tmp_path: object) -> None:
    result = CliRunner().invoke(cli, ["contracts", "hashes", "--dir", str(tmp_path)])
    assert result.exit_code == 2
