"""QKD post-processing: sifting, estimation, Toeplitz hashing, LDPC correction, sessions.

The session tests check the validation of QKD-FINITE-TLGR2012-01: keys match bit for bit up
to the correction limit, the session aborts above it, and the final length is the formula's.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from qfab.physics.qkd import bbm92_finite_key_length
from qfab.qkd.authentication import AuthenticationBudget, tag_bits
from qfab.qkd.estimation import estimate_qber
from qfab.qkd.hashing import block_tag, toeplitz_hash, toeplitz_hash_direct
from qfab.qkd.sifting import sift


def _record(n: int, qber: float, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    alice = rng.integers(0, 2, n, dtype=np.uint8)
    alice_bases = rng.integers(0, 2, n, dtype=np.uint8)
    bob_bases = rng.integers(0, 2, n, dtype=np.uint8)
    flips = (rng.random(n) < qber).astype(np.uint8)
    # Bob's bit is random where the bases differ, Alice's up to the channel errors otherwise
    bob = np.where(alice_bases == bob_bases, alice ^ flips,
                   rng.integers(0, 2, n, dtype=np.uint8)).astype(np.uint8)
    return alice, alice_bases, bob, bob_bases


def test_sift_keeps_matching_bases_and_detections() -> None:
    alice, ab, bob, bb = _record(10_000, 0.0, 1)
    detected = np.random.default_rng(2).random(10_000) < 0.5
    s = sift(alice, ab, bob, bb, detected)
    assert np.all(ab[s.positions] == bb[s.positions]) and np.all(detected[s.positions])
    assert s.size == int(np.count_nonzero((ab == bb) & detected))
    assert np.array_equal(s.alice, s.bob)  # no errors where the bases agree
    assert "alice" not in repr(s).replace("alice=", "")  # bits stay out of repr
    with pytest.raises(ValueError, match="lengths differ"):
        sift(alice, ab, bob[:-1], bb)
    with pytest.raises(ValueError, match="only 0 and 1"):
        sift([0, 2], [0, 0], [0, 1], [0, 0])


def test_estimate_is_unbiased_and_drops_the_sample() -> None:
    rng = np.random.default_rng(3)
    n, q, k = 200_000, 0.05, 20_000
    alice = rng.integers(0, 2, n, dtype=np.uint8)
    bob = alice ^ (rng.random(n) < q).astype(np.uint8)
    est = estimate_qber(alice, bob, k, rng)
    true = float(np.mean(alice != bob))
    # hypergeometric sampling: 5 standard errors
    assert abs(est.qber - true) < 5 * math.sqrt(true * (1 - true) / k * (1 - k / n))
    assert est.alice.size == n - k and est.sampled == k
    remaining = int(np.count_nonzero(est.alice != est.bob))
    assert remaining + est.errors == int(np.count_nonzero(alice != bob))


@pytest.mark.parametrize(("n", "m"), [(1, 1), (7, 3), (300, 40), (2000, 1500)])
def test_fft_toeplitz_equals_the_matrix_product(n: int, m: int) -> None:
    rng = np.random.default_rng(n + m)
    x = rng.integers(0, 2, n, dtype=np.uint8)
    seed = rng.integers(0, 2, n + m - 1, dtype=np.uint8)
    assert np.array_equal(toeplitz_hash(x, seed, m), toeplitz_hash_direct(x, seed, m))


def test_fft_toeplitz_over_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    from qfab.qkd import hashing

    rng = np.random.default_rng(9)
    x = rng.integers(0, 2, 1000, dtype=np.uint8)
    seed = rng.integers(0, 2, 1000 + 64 - 1, dtype=np.uint8)
    whole = toeplitz_hash(x, seed, 64)
    monkeypatch.setattr(hashing, "CHUNK", 128)
    assert np.array_equal(toeplitz_hash(x, seed, 64), whole)
    assert np.array_equal(whole, toeplitz_hash_direct(x, seed, 64))
    with pytest.raises(ValueError, match="seed: needs"):
        toeplitz_hash(x, seed[:-1], 64)


def test_broadcasting_and_block_tags() -> None:
    rng = np.random.default_rng(21)
    x = rng.integers(0, 2, (2, 500), dtype=np.uint8)
    seed = rng.integers(0, 2, 500 + 30 - 1, dtype=np.uint8)
    both = toeplitz_hash(x, seed, 30)
    assert both.shape == (2, 30)
    assert np.array_equal(both[1], toeplitz_hash_direct(x[1], seed, 30))
    # the block tag is the XOR of the blocks' Toeplitz hashes (last block zero-padded)
    seeds = rng.integers(0, 2, (3, 167 + 20 - 1), dtype=np.uint8)
    tag = block_tag(x[0], seeds, 20)
    padded = np.concatenate([x[0], np.zeros(1, dtype=np.uint8)])
    expected = np.zeros(20, dtype=np.uint8)
    for b in range(3):
        expected ^= toeplitz_hash_direct(padded[167 * b: 167 * (b + 1)], seeds[b], 20)
    assert np.array_equal(tag, expected)
    assert np.array_equal(block_tag(x, seeds, 20)[0], tag)
    with pytest.raises(ValueError, match="seeds: need shape"):
        block_tag(x[0], seeds[:, :-1], 20)


def test_block_tag_collision_rate_is_two_to_minus_m() -> None:
    """Two inputs differing in one block collide with probability 2^-m (m = 4)."""
    rng = np.random.default_rng(22)
    x = rng.integers(0, 2, 96, dtype=np.uint8)
    y = x.copy()
    y[70] ^= 1
    trials, m = 4000, 4
    hits = 0
    for _ in range(trials):
        seeds = rng.integers(0, 2, (3, 32 + m - 1), dtype=np.uint8)
        tags = block_tag(np.stack([x, y]), seeds, m)
        hits += np.array_equal(tags[0], tags[1])
    p = 2.0 ** -m
    assert abs(hits / trials - p) < 5 * math.sqrt(p * (1 - p) / trials)


def test_toeplitz_collision_rate_is_two_to_minus_m() -> None:
    """Universality: two fixed distinct inputs collide with probability 2^-m (m = 4)."""
    rng = np.random.default_rng(4)
    x = rng.integers(0, 2, 64, dtype=np.uint8)
    y = x.copy()
    y[10] ^= 1
    trials, m = 4000, 4
    hits = 0
    for _ in range(trials):
        seed = rng.integers(0, 2, 64 + m - 1, dtype=np.uint8)
        hits += np.array_equal(toeplitz_hash(x, seed, m), toeplitz_hash(y, seed, m))
    p = 2.0 ** -m
    assert abs(hits / trials - p) < 5 * math.sqrt(p * (1 - p) / trials)


def test_authentication_tags() -> None:
    assert tag_bits(1, 0.25) == 2
    b = tag_bits(10**6, 1e-12)
    assert math.ceil(10**6 / b) / 2**b <= 1e-12 < math.ceil(10**6 / (b - 1)) / 2 ** (b - 1)
    budget = AuthenticationBudget(1e-12)
    budget.send("a", 100)
    budget.send("b", 10**6)
    assert budget.key_bits == tag_bits(100, 1e-12) + b


# ----------------------------------------------------------------------- needs ldpc

ldpc = pytest.importorskip("ldpc")

from qfab.qkd.reconciliation import (  # noqa: E402
    design_efficiency,
    parity_check_matrix,
    reconcile,
    syndrome,
)
from qfab.qkd.session import SessionConfig, run_session  # noqa: E402


def test_parity_check_matrix_has_the_column_weight() -> None:
    matrix = parity_check_matrix(4096, 800, seed=1)
    weights = np.asarray(matrix.sum(axis=0)).ravel()
    assert np.all(weights == 3)
    rows = np.asarray(matrix.sum(axis=1)).ravel()
    assert rows.max() - rows.min() <= 1
    assert (parity_check_matrix(4096, 800, seed=1) != matrix).nnz == 0
    # few rows: many columns draw a row twice and are repaired to three distinct rows
    dense = parity_check_matrix(600, 6, seed=2).tocsc()
    dense.sum_duplicates()
    assert np.all(np.diff(dense.indptr) == 3) and np.all(dense.data == 1)
    assert np.all(np.asarray(dense.sum(axis=1)).ravel() == 300)


@pytest.mark.parametrize("q", [0.005, 0.03, 0.1])
def test_reconcile_corrects_up_to_the_threshold_and_counts_the_leak(q: float) -> None:
    rng = np.random.default_rng(6)
    n = 40_000
    alice = rng.integers(0, 2, n, dtype=np.uint8)
    bob = alice ^ (rng.random(n) < q).astype(np.uint8)
    fixed = reconcile(alice, bob, q, seed=11, block_length=8192)
    assert fixed.ok and np.array_equal(fixed.bob, alice)
    assert fixed.blocks == 5
    h = -(q * math.log2(q) + (1 - q) * math.log2(1 - q))
    assert fixed.leaked_bits >= design_efficiency(q) * n * h  # every syndrome bit counted
    # a code far too short to correct fails, and the failure is reported
    weak = reconcile(alice, bob, q, seed=11, block_length=8192, efficiency=0.6,
                     max_attempts=1)
    assert not weak.ok and weak.failed_blocks > 0
    m = parity_check_matrix(100, 30, seed=0)
    x = rng.integers(0, 2, 100, dtype=np.uint8)
    assert np.array_equal(syndrome(m, x), (m.toarray().astype(int) @ x) % 2)


@pytest.mark.parametrize("qber", [0.0, 0.01, 0.03, 0.05, 0.06])
def test_session_keys_match_below_the_correction_limit(qber: float) -> None:
    rng = np.random.default_rng(int(qber * 1000))
    record = _record(400_000, qber, seed=int(qber * 1000) + 1)
    result = run_session(*record, rng=rng)
    assert result.ok, result.reason
    assert result.alice_key is not None and result.bob_key is not None
    assert np.array_equal(result.alice_key, result.bob_key)
    # the final length is the finite-key formula's with the actual leak
    expected = bbm92_finite_key_length(result.key_bits_in, result.sampled_bits, result.qber,
                                       result.leak_ec)
    assert result.final_key_bits == math.floor(float(expected))
    assert result.alice_key.size == result.final_key_bits
    assert result.net_key_bits == result.final_key_bits - result.authentication_key_bits > 0
    assert "alice_key" not in repr(result)
    # the final key is close to uniform (privacy amplification output)
    assert abs(result.alice_key.mean() - 0.5) < 5 * 0.5 / math.sqrt(result.final_key_bits)


@pytest.mark.parametrize(("qber", "reason"), [(0.12, "above the limit"),
                                              (0.10, "no secret key")])
def test_session_aborts_above_the_limit(qber: float, reason: str) -> None:
    record = _record(200_000, qber, seed=7)
    result = run_session(*record, rng=np.random.default_rng(8))
    assert not result.ok and reason in (result.reason or "")
    assert result.alice_key is None and result.final_key_bits == 0


def test_session_aborts_when_correction_fails() -> None:
    record = _record(100_000, 0.04, seed=9)
    config = SessionConfig(efficiency=0.7, max_attempts=1)
    result = run_session(*record, rng=np.random.default_rng(10), config=config)
    assert not result.ok and "error correction failed" in (result.reason or "")


def test_session_uses_a_given_key_length_and_small_records_abort() -> None:
    record = _record(200_000, 0.02, seed=12)
    result = run_session(*record, rng=np.random.default_rng(13),
                         key_length=lambda n, k, q, leak: 1000.5)
    assert result.ok and result.final_key_bits == 1000
    tiny = run_session([0, 1], [0, 0], [0, 1], [1, 1], rng=np.random.default_rng(0))
    assert not tiny.ok and tiny.reason == "too few sifted bits"
    with pytest.raises(ValueError, match="sample_fraction"):
        SessionConfig(sample_fraction=1.5)
