"""Relaying through the key store: link pools in, an end-to-end pool out."""

from __future__ import annotations

import numpy as np
import pytest

from qfab.kms import KeyManagementError, KeyStore, relay_keys

CHAIN = ["a", "r1", "r2", "b"]


def _filled(lengths: list[int]) -> tuple[KeyStore, list[np.ndarray]]:
    rng = np.random.default_rng(21)
    store = KeyStore(key_size=64)
    keys = [rng.integers(0, 2, n, dtype=np.uint8) for n in lengths]
    for u, v, key in zip(CHAIN, CHAIN[1:], keys):
        store.add_key_material(u, v, key)
    return store, keys


def test_the_end_pair_gets_the_first_links_key_and_every_link_pays() -> None:
    store, keys = _filled([1000, 700, 900])
    result = relay_keys(store, CHAIN)
    assert result.key_bits == 696  # the shortest pool in whole bytes
    assert result.exposed_at == ("r1", "r2")
    assert result.consumed_bits == {("a", "r1"): 696, ("r1", "r2"): 696, ("r2", "b"): 696}
    assert [store.available_bits(u, v) for u, v in zip(CHAIN, CHAIN[1:])] == [304, 0, 200]
    assert store.status("a", "b").stored_key_count == 10
    ids = store.get_key("a", "b", size=696).key_IDs()
    (key,) = store.get_key_with_ids("b", "a", ids)
    np.testing.assert_array_equal(key.bits(), keys[0][:696])


def test_a_short_link_refuses_and_takes_nothing() -> None:
    store, _ = _filled([1000, 64, 1000])
    with pytest.raises(KeyManagementError, match="short: r1-r2") as error:
        relay_keys(store, CHAIN, bits=128)
    assert error.value.status == 503
    assert store.available_bits("a", "r1") == 1000
    with pytest.raises(KeyManagementError, match="no key material is shared"):
        relay_keys(store, ["a", "r1", "x"])
    with pytest.raises(KeyManagementError, match="a node between its ends"):
        relay_keys(store, ["a", "r1"])
    with pytest.raises(KeyManagementError, match="multiple of 8"):
        relay_keys(store, CHAIN, bits=10)
