"""Post-processed QKD keys into the store, relayed, and delivered to two SAEs."""

from __future__ import annotations

import numpy as np
import pytest

from qfab.kms import KeyStore, relay_keys

pytest.importorskip("ldpc")

from qfab.qkd.session import run_session  # noqa: E402


def _session(seed: int, n: int = 200_000, qber: float = 0.02) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    alice, alice_bases, bob_bases = rng.integers(0, 2, (3, n), dtype=np.uint8)
    flips = (rng.random(n) < qber).astype(np.uint8)
    bob = np.where(alice_bases == bob_bases, alice ^ flips,
                   rng.integers(0, 2, n, dtype=np.uint8)).astype(np.uint8)
    result = run_session(alice, alice_bases, bob, bob_bases, rng=np.random.default_rng(seed + 1))
    assert result.ok, result.reason
    assert result.alice_key is not None and result.bob_key is not None
    return result.alice_key, result.bob_key


def test_session_keys_relayed_end_to_end_reach_both_saes() -> None:
    store = KeyStore(key_size=256)
    first = _session(1)
    for (u, v), (alice_key, bob_key) in zip([("alice", "relay"), ("relay", "bob")],
                                            [first, _session(2)]):
        store.add_key_material(u, v, alice_key, other_end=bob_key)
    relayed = relay_keys(store, ["alice", "relay", "bob"])
    assert relayed.exposed_at == ("relay",) and relayed.keys_match
    keys = store.get_key("alice", "bob", number=4)
    same = store.get_key_with_ids("bob", "alice", keys.key_IDs())
    assert [k.fingerprint() for k in same] == [k.fingerprint() for k in keys]
    np.testing.assert_array_equal(np.concatenate([k.bits() for k in keys]), first[0][:1024])
