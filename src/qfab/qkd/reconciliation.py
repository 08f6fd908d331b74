"""Error correction by LDPC syndrome decoding, the code rate adapted to the QBER.

Alice sends the syndrome ``H x`` of her block ``x``; Bob, holding ``y = x + e``, decodes
the error pattern ``e`` from ``H y + H x = H e`` with belief propagation (min-sum, from the
``ldpc`` package: ``pip install 'qfab[qkd]'``) and flips it. The parity-check matrices are
random column-weight-3 codes built from a public seed. The number of syndrome bits per block
is ``m = ceil(f h(Q) n)``: the design efficiency ``f`` (:func:`design_efficiency`) grows as
the QBER ``Q`` falls, where these regular codes are farther from capacity. A block that does
not decode gets a second syndrome from a fresh code with ``f`` raised by
``RETRY_FACTOR``, up to ``max_attempts`` codes; every syndrome bit sent is counted as leaked.

Source: R. G. Gallager, "Low-density parity-check codes", IRE Trans. Inf. Theory 8, 21
(1962); syndrome decoding for QKD reconciliation: D. Elkouss, A. Leverrier, R. Alléaume,
J. J. Boutros, ISIT 2009, "Efficient reconciliation protocol for discrete-variable quantum
key distribution"; decoder: J. Roffe et al., the ``ldpc`` package (BP decoding).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from qfab.physics.qkd import binary_entropy
from qfab.qkd.sifting import Bits

__all__ = ["COLUMN_WEIGHT", "RETRY_FACTOR", "Reconciled", "design_efficiency",
           "parity_check_matrix", "reconcile", "syndrome"]

#: Ones per column of the parity-check matrices.
COLUMN_WEIGHT = 3
#: Factor on the efficiency of each further code for a block that did not decode.
RETRY_FACTOR = 1.15
#: QBER below which the code is designed as if it were this (h(0) = 0 gives no code).
QBER_FLOOR = 2e-3
#: Belief-propagation iterations per decoding.
MAX_ITERATIONS = 60


def design_efficiency(qber: float) -> float:
    """Efficiency ``f = m / (n h(Q))`` of the first code for an estimated QBER.

    Calibrated on blocks of 2^14 bits with the column-weight-3 codes of
    :func:`parity_check_matrix` and min-sum decoding: a first code of this efficiency
    decodes nearly every block (``bench/bench_qkd_postprocess.py`` reports the efficiency
    reached).
    """
    if qber < 0.0075:
        return 2.0
    if qber < 0.015:
        return 1.8
    if qber < 0.03:
        return 1.55
    if qber < 0.05:
        return 1.45
    return 1.4


def parity_check_matrix(n: int, m: int, seed: int) -> sp.csr_matrix:
    """Random ``m x n`` parity-check matrix with ``COLUMN_WEIGHT`` ones in each column.

    The ones are spread evenly over the rows (row weights differ by at most one; a column
    that drew a row twice swaps it with another column's). Deterministic in ``seed``.
    """
    if not 0 < m < n:
        raise ValueError(f"m: need 0 < m < n = {n}, got {m}")
    weight = min(COLUMN_WEIGHT, m)
    rng = np.random.default_rng(seed)
    rows = rng.permutation(np.resize(np.arange(m), n * weight)).reshape(n, weight)
    ordered = np.sort(rows, axis=1)
    bad = np.flatnonzero(np.any(ordered[:, 1:] == ordered[:, :-1], axis=1))
    for column in bad:  # swap a repeated row with one of another column: degrees stay
        while len(set(rows[column].tolist())) < weight:
            slot = next(j for j in range(1, weight) if rows[column, j] in rows[column, :j])
            other, other_slot = int(rng.integers(n)), int(rng.integers(weight))
            a, b = rows[column, slot], rows[other, other_slot]
            if b not in rows[column] and a not in rows[other]:
                rows[column, slot], rows[other, other_slot] = b, a
    cols = np.repeat(np.arange(n), weight)
    data = np.ones(n * weight, dtype=np.uint8)
    return sp.csr_matrix((data, (rows.ravel(), cols)), shape=(m, n))


def syndrome(matrix: sp.csr_matrix, bits: Bits) -> Bits:
    """``H x mod 2`` (pass ``matrix`` with an integer dtype wider than the row weights)."""
    if matrix.dtype == np.uint8:
        matrix = matrix.astype(np.int32)
    counts = matrix @ bits.astype(np.int32)
    return (np.asarray(counts) & 1).astype(np.uint8)


@dataclass(frozen=True)
class Reconciled:
    """Outcome of error correction on the whole key.

    Attributes
    ----------
    bob : numpy.ndarray of uint8
        Bob's corrected bits (not shown by ``repr``).
    leaked_bits : int
        Syndrome bits sent, all codes and blocks together.
    blocks : int
        Number of blocks.
    attempts : int
        Codes used, all blocks together (``blocks`` when every first code decoded).
    failed_blocks : int
        Blocks that no code decoded (0 on success).
    """

    bob: Bits = field(repr=False)
    leaked_bits: int
    blocks: int
    attempts: int
    failed_blocks: int

    @property
    def ok(self) -> bool:
        """Whether every block decoded."""
        return self.failed_blocks == 0


def _decoder(matrix: sp.csr_matrix, qber: float) -> Any:
    try:
        from ldpc.bp_decoder import BpDecoder
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("LDPC error correction needs the 'ldpc' package: "
                          "pip install 'qfab[qkd]'") from err
    return BpDecoder(matrix, error_rate=qber, max_iter=MAX_ITERATIONS,
                     bp_method="minimum_sum", ms_scaling_factor=0.8,
                     input_vector_type="syndrome")


def reconcile(alice: Bits, bob: Bits, qber: float, *, seed: int,
              block_length: int = 1 << 14, max_attempts: int = 3,
              efficiency: float | None = None) -> Reconciled:
    """Correct Bob's bits to Alice's, block by block.

    Parameters
    ----------
    alice, bob : numpy.ndarray of uint8
        The key bits of both parties (equal length). Alice's only enter through the
        syndromes she sends.
    qber : float
        Estimated QBER (from parameter estimation); sets the code rate and the decoder's
        prior.
    seed : int
        Public seed of the codes.
    block_length : int, optional
        Target block length; the key is split into blocks of nearly equal length.
    max_attempts : int, optional
        Codes tried per block before giving up.
    efficiency : float, optional
        Efficiency of the first code (default :func:`design_efficiency` of ``qber``).

    Returns
    -------
    Reconciled
    """
    if alice.shape != bob.shape:
        raise ValueError("alice, bob: lengths differ")
    if max_attempts < 1:
        raise ValueError(f"max_attempts: must be >= 1, got {max_attempts}")
    n_total = int(alice.size)
    if n_total == 0:
        return Reconciled(bob=bob.copy(), leaked_bits=0, blocks=0, attempts=0,
                          failed_blocks=0)
    q = min(max(qber, QBER_FLOOR), 0.5)
    f = design_efficiency(q) if efficiency is None else efficiency
    blocks = max(1, round(n_total / block_length))
    bounds = np.linspace(0, n_total, blocks + 1).round().astype(np.int64)
    corrected = bob.copy()
    pending = list(range(blocks))
    leaked = attempts = 0
    for attempt in range(max_attempts):
        if not pending:
            break
        f_attempt = f * RETRY_FACTOR ** attempt
        codes: dict[int, tuple[sp.csr_matrix, Any]] = {}
        still: list[int] = []
        for b in pending:
            start, stop = int(bounds[b]), int(bounds[b + 1])
            n = stop - start
            if n not in codes:
                m = min(max(math.ceil(f_attempt * float(binary_entropy(q)) * n), 1), n - 1)
                matrix = parity_check_matrix(n, m, seed + 7919 * attempt + n)
                codes[n] = (matrix.astype(np.int32), _decoder(matrix, q))
            matrix, decoder = codes[n]
            s_alice = syndrome(matrix, alice[start:stop])
            leaked += matrix.shape[0]
            attempts += 1
            s = s_alice ^ syndrome(matrix, bob[start:stop])
            if not s.any():
                continue  # no detectable error; verification decides
            error = np.asarray(decoder.decode(s), dtype=np.uint8)
            if decoder.converge:
                corrected[start:stop] = bob[start:stop] ^ error
            else:
                still.append(b)
        pending = still
    return Reconciled(bob=corrected, leaked_bits=leaked, blocks=blocks, attempts=attempts,
                      failed_blocks=len(pending))
