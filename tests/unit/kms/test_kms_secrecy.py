"""Key material never reaches a repr, a str, an error message or a log record."""

from __future__ import annotations

import base64
import logging

import numpy as np
import pytest

from qfab.kms import KeyManagementError, KeyStore, relay, relay_keys
from qfab.kms.keys import to_bytes

KEY_BITS = 256


def _material_forms(bits: np.ndarray) -> list[str]:
    """Ways a key could leak into text: base64, hex, the bit string, the array's repr."""
    data = to_bytes(bits)
    return [base64.b64encode(data).decode(), data.hex(), "".join(map(str, bits.tolist())),
            repr(data)[2:-1], str(bits.tolist())[1:-1]]


def _leaks(text: str, bits: np.ndarray) -> list[str]:
    forms = []
    for start in range(0, len(bits) - 63, 64):  # any 64-bit stretch of the key
        forms += _material_forms(bits[start:start + 64])
    return [form for form in forms if form and form in text]


def test_store_keys_containers_and_logs_show_no_key_material(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="qfab.kms")
    bits = np.random.default_rng(7).integers(0, 2, 4 * KEY_BITS, dtype=np.uint8)
    store = KeyStore(key_size=KEY_BITS)
    store.add_key_material("alice", "bob", bits)
    container = store.get_key("alice", "bob", number=2)
    delivered = store.get_key_with_ids("bob", "alice", container.key_IDs())
    with pytest.raises(KeyManagementError) as consumed:
        store.get_key_with_ids("bob", "alice", container.key_IDs())
    with pytest.raises(KeyManagementError) as short:
        store.get_key("alice", "bob", number=3)
    texts = [repr(store), str(store), repr(container), str(container), repr(delivered),
             *(repr(k) for k in container), *(str(k) for k in delivered),
             repr(store.status("alice", "bob")), str(consumed.value), repr(consumed.value),
             str(consumed.value.to_dict()), str(short.value.to_dict()), caplog.text,
             *(record.getMessage() for record in caplog.records)]
    assert caplog.records, "the store should log what it does (IDs and counts)"
    for text in texts:
        assert not _leaks(text, bits), text
    # the keys themselves do hold the material (the check above could see it)
    assert _leaks(str(container.to_dict()), bits[:KEY_BITS])


def test_relay_results_show_no_key_material(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="qfab.kms")
    rng = np.random.default_rng(8)
    keys = [rng.integers(0, 2, KEY_BITS, dtype=np.uint8) for _ in range(3)]
    result = relay(["a", "r1", "r2", "b"], keys)
    assert not _leaks(repr(result) + str(result), keys[0])
    assert _leaks(str(result.source_key.tolist()), keys[0])
    store = KeyStore(key_size=64)
    for (u, v), key in zip([("a", "r1"), ("r1", "r2"), ("r2", "b")], keys):
        store.add_key_material(u, v, key)
    through = relay_keys(store, ["a", "r1", "r2", "b"])
    assert not _leaks(repr(through) + caplog.text, keys[0])


def test_a_consumed_key_is_erased_from_the_database() -> None:
    bits = np.random.default_rng(9).integers(0, 2, KEY_BITS, dtype=np.uint8)
    store = KeyStore(key_size=KEY_BITS)
    store.add_key_material("alice", "bob", bits)
    ids = store.get_key("alice", "bob").key_IDs()
    store.get_key_with_ids("bob", "alice", ids)
    dump = "\n".join(store._db.iterdump()).lower()  # blobs appear as X'hex'
    assert to_bytes(bits).hex() not in dump
    assert to_bytes(bits)[:8].hex() not in dump
