"""Trusted-node XOR relays: the far end gets the key, the published messages reveal nothing."""

from __future__ import annotations

import numpy as np
import pytest

from qfab.kms import KeyManagementError, end_to_end_length, recover, relay, relay_messages


def _keys(lengths: list[int], seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 2, n, dtype=np.uint8) for n in lengths]


@pytest.mark.parametrize("lengths", [[64], [100, 80], [50, 70, 60], [9, 9, 9, 9, 9, 9],
                                     [300, 1, 200]])
def test_the_far_end_recovers_the_near_ends_key(lengths: list[int]) -> None:
    keys = _keys(lengths, seed=len(lengths))
    nodes = ["a", *(f"r{i}" for i in range(1, len(lengths))), "b"]
    result = relay(nodes, keys)
    length = min(lengths)
    assert result.key_bits == length == end_to_end_length(keys)
    np.testing.assert_array_equal(result.source_key, keys[0][:length])
    np.testing.assert_array_equal(result.destination_key, result.source_key)
    assert result.keys_match
    assert result.exposed_at == tuple(nodes[1:-1])
    assert result.consumed_bits == {(u, v): length for u, v in zip(nodes, nodes[1:])}
    assert len(result.messages) == len(lengths) - 1
    assert all(len(m) == length for m in result.messages)


def test_each_relay_publishes_its_two_link_keys_xored() -> None:
    keys = _keys([40, 40, 40], seed=3)
    messages = relay_messages(keys)
    np.testing.assert_array_equal(messages[0], keys[0] ^ keys[1])
    np.testing.assert_array_equal(messages[1], keys[1] ^ keys[2])
    np.testing.assert_array_equal(recover(keys[2], messages), keys[0])


def test_a_wrong_link_key_shows_as_a_mismatch() -> None:
    keys = _keys([32, 32], seed=4)
    result = relay(["a", "r", "b"], keys)
    wrong = keys[1].copy()
    wrong[5] ^= 1
    assert not np.array_equal(recover(wrong, result.messages), result.source_key)


def _cell_counts(end_key: np.ndarray, trials: int, seed: int) -> np.ndarray:
    """Counts of the 16 joint values of two relays' messages on 2-bit end keys.

    ``trials`` independent chains a - r1 - r2 - b share the end key ``end_key`` (2 bits); the
    links r1-r2 and r2-b get fresh uniform keys. The trials are laid end to end as one long
    chain of keys, which is the same computation bit by bit.
    """
    rng = np.random.default_rng(seed)
    first = np.tile(end_key, trials)
    second, third = rng.integers(0, 2, (2, 2 * trials), dtype=np.uint8)
    messages = relay(["a", "r1", "r2", "b"], [first, second, third]).messages
    bits = np.concatenate([m.reshape(trials, 2) for m in messages], axis=1)  # (trials, 4)
    return np.bincount(bits @ np.array([8, 4, 2, 1]), minlength=16)


def _within_five_sigma(counts: np.ndarray) -> bool:
    trials = counts.sum()
    p = 1 / len(counts)
    sigma = np.sqrt(trials * p * (1 - p))
    return bool(np.all(np.abs(counts - trials * p) < 5 * sigma))


@pytest.mark.parametrize("end_key", [[0, 0], [1, 0], [1, 1]])
def test_published_messages_are_uniform_whatever_the_end_key(end_key: list[int]) -> None:
    """Given the end key, every joint value of the public messages is equally likely (16000
    chains, each of the 16 cells within 5 binomial standard errors of 1000): an eavesdropper
    who reads them all learns nothing about the key."""
    counts = _cell_counts(np.array(end_key, dtype=np.uint8), trials=16_000, seed=11)
    assert _within_five_sigma(counts), counts


def test_the_uniformity_check_would_see_a_leak() -> None:
    """A relay that published its left key alone (no one-time pad) fails the same check."""
    rng = np.random.default_rng(12)
    trials = 16_000
    leaked = np.tile(np.array([1, 0], dtype=np.uint8), trials).reshape(trials, 2)
    other = rng.integers(0, 2, (trials, 2), dtype=np.uint8)
    bits = np.concatenate([leaked, other], axis=1)
    assert not _within_five_sigma(np.bincount(bits @ np.array([8, 4, 2, 1]), minlength=16))


def test_one_link_has_no_relay_and_exposes_no_node() -> None:
    (key,) = _keys([20], seed=5)
    result = relay(["a", "b"], [key])
    assert result.exposed_at == () and result.messages == ()
    np.testing.assert_array_equal(result.destination_key, key)
    assert result.consumed_bits == {("a", "b"): 20}


@pytest.mark.parametrize(("nodes", "keys", "message"), [
    (["a"], [], "at least two distinct nodes"),
    (["a", "r", "a"], [[0], [1]], "at least two distinct nodes"),
    (["a", "r", "b"], [[0, 1]], "need 2 link keys"),
    (["a", "b"], [[0, 3]], "bits 0 and 1"),
    (["a", "b"], [[0.5, 1.0]], "bits 0 and 1"),
    (["a", "b"], [[[0, 1]]], "one-dimensional"),
])
def test_bad_chains_are_refused(nodes: list[str], keys: list[object], message: str) -> None:
    with pytest.raises(KeyManagementError, match=message):
        relay(nodes, keys)  # type: ignore[arg-type]
    with pytest.raises(KeyManagementError, match="at least one link key"):
        relay_messages([])
