"""The ETSI GS QKD 014 style key store: pools, Status, Get key, Get key with key IDs."""

from __future__ import annotations

import base64
import itertools
import os
import stat
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qfab.kms import Key, KeyManagementError, KeyStore, fingerprint
from qfab.kms.keys import from_bytes, to_bytes


def _store(**options: Any) -> KeyStore:
    """A store whose key IDs are 00000000-...-0001, -0002, ... (reproducible tests)."""
    counter = itertools.count(1)
    return KeyStore(new_key_id=lambda: uuid.UUID(int=next(counter)), **options)


def _bits(n: int, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 2, n, dtype=np.uint8)


def test_keys_are_the_pool_bits_in_order_and_both_sides_get_the_same() -> None:
    store = _store(key_size=64)
    bits = _bits(300)
    store.add_key_material("alice", "bob", bits[:100])
    store.add_key_material("bob", "alice", bits[100:])  # one pool whatever the order
    keys = store.get_key("alice", "bob", number=3, size=64)
    assert [k.size for k in keys] == [64] * 3
    np.testing.assert_array_equal(np.concatenate([k.bits() for k in keys]), bits[:192])
    more = store.get_key("alice", "bob", size=96)
    np.testing.assert_array_equal(more.keys[0].bits(), bits[192:288])
    other = store.get_key_with_ids("bob", "alice", keys.key_IDs())
    assert other.key_IDs() == keys.key_IDs()
    assert [k.fingerprint() for k in other] == [k.fingerprint() for k in keys]
    assert other.to_dict() == keys.to_dict()


def test_key_container_has_the_etsi_fields_uuid_ids_and_base64_material() -> None:
    store = KeyStore(key_size=128)
    store.add_key_material("a", "b", _bits(512))
    container = store.get_key("a", "b", number=2)
    body = container.to_dict()
    assert set(body) == {"keys"} and len(body["keys"]) == 2
    for entry in body["keys"]:
        assert set(entry) == {"key_ID", "key"}
        assert str(uuid.UUID(entry["key_ID"])) == entry["key_ID"]
        assert len(base64.b64decode(entry["key"], validate=True)) == 16
    assert container.key_IDs_dict() == {"key_IDs": [{"key_ID": i} for i in container.key_IDs()]}
    assert len({k.key_ID for k in container}) == 2


def test_status_reports_the_etsi_fields() -> None:
    store = _store(key_size=64, max_key_count=10, max_key_per_request=5, min_key_size=16,
                   max_key_size=1024, kme_ids={"alice": "KME-A"})
    store.add_key_material("alice", "bob", _bits(200))
    status = store.status("alice", "bob")
    assert status.to_dict() == {
        "source_KME_ID": "KME-A", "target_KME_ID": "bob", "master_SAE_ID": "alice",
        "slave_SAE_ID": "bob", "key_size": 64, "stored_key_count": 3, "max_key_count": 10,
        "max_key_per_request": 5, "max_key_size": 1024, "min_key_size": 16,
        "max_SAE_ID_count": 0}
    assert store.status("bob", "alice").master_SAE_ID == "bob"
    store.get_key("alice", "bob", size=128)
    assert store.status("alice", "bob").stored_key_count == 1
    assert store.available_bits("alice", "bob") == 72  # 200 bits: 25 bytes, 16 taken


def test_partial_bytes_wait_for_the_next_addition() -> None:
    store = _store(key_size=8)
    bits = _bits(21)
    store.add_key_material("a", "b", bits[:5])
    assert store.available_bits("a", "b") == 0
    store.add_key_material("a", "b", bits[5:])
    assert store.available_bits("a", "b") == 16
    np.testing.assert_array_equal(store.get_key("a", "b", size=16).keys[0].bits(), bits[:16])


def test_a_full_pool_discards_and_counts_the_excess() -> None:
    store = _store(key_size=8, max_key_count=4)
    assert store.add_key_material("a", "b", _bits(20)) == 20
    assert store.add_key_material("a", "b", _bits(20, seed=2)) == 12
    assert store.status("a", "b").stored_key_count == 4
    store.get_key("a", "b", number=2)
    assert store.add_key_material("a", "b", _bits(40, seed=3)) == 16


def test_each_key_is_delivered_once_to_each_side() -> None:
    store = _store()
    store.add_key_material("alice", "bob", _bits(1024))
    ids = store.get_key("alice", "bob", number=2).key_IDs()
    store.get_key_with_ids("bob", "alice", ids[:1])
    with pytest.raises(KeyManagementError, match="already consumed") as error:
        store.get_key_with_ids("bob", "alice", ids)
    assert error.value.status == 400
    # the refused batch consumed nothing: the second key is still there
    assert len(store.get_key_with_ids("bob", "alice", ids[1:])) == 1
    # and the master's next keys are new ones
    assert not set(store.get_key("alice", "bob").key_IDs()) & set(ids)


def test_key_ids_are_accepted_in_upper_case() -> None:
    store = KeyStore()
    store.add_key_material("a", "b", _bits(256))
    key_id = store.get_key("a", "b").key_IDs()[0]
    assert store.get_key_with_ids("b", "a", [key_id.upper()]).key_IDs() == (key_id,)


def test_a_key_for_another_pair_is_refused_for_the_whole_batch() -> None:
    store = _store()
    for pair in [("alice", "bob"), ("alice", "carol")]:
        store.add_key_material(*pair, _bits(1024))
    for_bob = store.get_key("alice", "bob").key_IDs()
    for_carol = store.get_key("alice", "carol").key_IDs()
    with pytest.raises(KeyManagementError, match="not issued") as error:
        store.get_key_with_ids("bob", "alice", for_bob + for_carol)
    assert error.value.status == 401
    with pytest.raises(KeyManagementError) as error:  # the master cannot read as slave
        store.get_key_with_ids("alice", "bob", for_bob)
    assert error.value.status == 401
    assert len(store.get_key_with_ids("bob", "alice", for_bob)) == 1


@pytest.mark.parametrize(("call", "status", "message"), [
    (lambda s: s.status("alice", "eve"), 400, "no key material is shared"),
    (lambda s: s.get_key("eve", "bob"), 400, "no key material is shared"),
    (lambda s: s.get_key("alice", "alice"), 400, "same"),
    (lambda s: s.get_key("alice", "bob", number=0), 400, "number must be an integer"),
    (lambda s: s.get_key("alice", "bob", number=129), 400, "number must be an integer"),
    (lambda s: s.get_key("alice", "bob", size=12), 400, "multiple of 8"),
    (lambda s: s.get_key("alice", "bob", size=0), 400, "multiple of 8"),
    (lambda s: s.get_key("alice", "bob", size=65_544), 400, "multiple of 8"),
    (lambda s: s.get_key("alice", "bob", number=5), 503, "not enough key material"),
    (lambda s: s.get_key_with_ids("bob", "alice", []), 400, "at least one key"),
    (lambda s: s.get_key_with_ids("bob", "alice", ["not-a-uuid"]), 400, "not a UUID"),
    (lambda s: s.get_key_with_ids("bob", "alice", [str(uuid.UUID(int=99))]), 400, "not found"),
    (lambda s: s.get_key_with_ids("eve", "alice", [str(uuid.UUID(int=1))]), 400,
     "no key material"),
    (lambda s: s.add_key_material("a", "b", [0, 2]), 400, "only the bits 0 and 1"),
    (lambda s: s.add_key_material("a", "b", [[0, 1]]), 400, "one-dimensional"),
    (lambda s: s.add_key_material("a", "", [0, 1]), 400, "non-empty strings"),
])
def test_bad_requests_get_etsi_like_errors(call: Callable[[KeyStore], object], status: int,
                                          message: str) -> None:
    store = _store()
    store.add_key_material("alice", "bob", _bits(1000))
    with pytest.raises(KeyManagementError, match=message) as error:
        call(store)
    assert error.value.status == status
    assert error.value.to_dict()["message"] == error.value.message


def test_an_empty_pool_answers_503_with_the_stored_key_count() -> None:
    store = KeyStore()
    store.add_key_material("alice", "bob", [])
    assert store.status("alice", "bob").stored_key_count == 0
    with pytest.raises(KeyManagementError) as error:
        store.get_key("alice", "bob")
    assert error.value.status == 503
    assert {"stored_key_count": 0} in error.value.to_dict()["details"]  # type: ignore[operator]


def test_a_refused_get_key_takes_nothing_from_the_pool() -> None:
    store = _store(key_size=8)
    store.add_key_material("a", "b", _bits(64))
    with pytest.raises(KeyManagementError):
        store.get_key("a", "b", number=9)
    assert store.available_bits("a", "b") == 64


def test_withdraw_bits_takes_raw_material_from_the_front() -> None:
    store = _store()
    bits = _bits(80)
    store.add_key_material("a", "b", bits)
    np.testing.assert_array_equal(store.withdraw_bits("b", "a", 24), bits[:24])
    np.testing.assert_array_equal(store.get_key("a", "b", size=56).keys[0].bits(), bits[24:80])
    with pytest.raises(KeyManagementError) as error:
        store.withdraw_bits("a", "b", 8)
    assert error.value.status == 503
    with pytest.raises(KeyManagementError, match="multiple of 8"):
        store.withdraw_bits("a", "b", 3)


def test_many_additions_and_requests_keep_the_stream_in_order() -> None:
    store = _store(key_size=8)
    bits = _bits(4000, seed=5)
    rng = np.random.default_rng(6)
    cuts = np.sort(rng.choice(np.arange(1, 4000), 40, replace=False))
    for piece in np.split(bits, cuts):
        store.add_key_material("a", "b", piece)
    taken = []
    while store.available_bits("a", "b") >= 8:
        size = 8 * int(min(rng.integers(1, 20), store.available_bits("a", "b") // 8))
        taken.append(store.get_key("a", "b", size=size).keys[0].bits())
    np.testing.assert_array_equal(np.concatenate(taken), bits)


def test_a_file_store_persists_and_is_private(tmp_path: Path) -> None:
    path = tmp_path / "keys.sqlite"
    with _store(path=path) as store:
        store.add_key_material("alice", "bob", _bits(1000))
        ids = store.get_key("alice", "bob").key_IDs()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with KeyStore(path) as again:
        assert again.pairs() == (("alice", "bob"),)
        assert again.get_key_with_ids("bob", "alice", ids).key_IDs() == ids
        assert again.available_bits("alice", "bob") == 1000 // 8 * 8 - 256


def test_bits_bytes_and_fingerprints() -> None:
    bits = _bits(64)
    np.testing.assert_array_equal(from_bytes(to_bytes(bits)), bits)
    key = Key(str(uuid.UUID(int=1)), 64, base64.b64encode(to_bytes(bits)).decode())
    assert fingerprint(key) == fingerprint(to_bytes(bits)) == key.fingerprint()
    assert len(key.fingerprint()) == 64


def test_store_options_are_checked() -> None:
    with pytest.raises(ValueError, match="multiple of 8"):
        KeyStore(key_size=100)
    with pytest.raises(ValueError, match="key_size must lie"):
        KeyStore(key_size=8, min_key_size=16)
    with pytest.raises(ValueError, match="at least 1"):
        KeyStore(max_key_count=0)


def test_both_ends_copies_must_agree() -> None:
    store = _store()
    bits = _bits(64)
    assert store.add_key_material("a", "b", bits, other_end=bits.copy()) == 64
    flipped = bits.copy()
    flipped[3] ^= 1
    with pytest.raises(KeyManagementError, match="keys differ"):
        store.add_key_material("a", "b", bits, other_end=flipped)
    assert store.available_bits("a", "b") == 64


def test_the_report_holds_counts_only() -> None:
    store = _store(key_size=8, max_key_count=10)
    store.add_key_material("b", "a", _bits(100))
    ids = store.get_key("a", "b", number=3).key_IDs()
    store.get_key_with_ids("b", "a", ids[:1])
    assert store.report() == [{"pair": ["a", "b"], "added_bits": 100, "discarded_bits": 20,
                               "available_bits": 56, "reserved_keys": 2, "consumed_keys": 1}]
