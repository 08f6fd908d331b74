"""Toeplitz hashing over GF(2): error verification and privacy amplification.

A Toeplitz matrix ``T`` of ``m x n`` bits is fixed by ``n + m - 1`` seed bits,
``T[i, j] = seed[i - j + n - 1]``; ``x -> T x (mod 2)`` over uniformly random seeds is a
universal family (collision probability ``2^-m`` for two distinct inputs), so by the leftover
hash lemma it extracts the secret part of a partly known key (privacy amplification) and, with
a short output, detects a difference between two keys (verification).

``T x`` is one slice of the convolution of the seed with ``x``; :func:`toeplitz_hash`
computes it with real FFTs in ``O((n + m) log(n + m))``, over column chunks so that the
integer sums stay exact in double precision.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from qfab.qkd.sifting import Bits

__all__ = ["block_tag", "toeplitz_hash", "toeplitz_hash_direct"]

#: Columns per FFT pass: the convolution sums stay below 2^23, and the FFT's rounding error
#: on them (~1e-16 times the sum times a slowly growing factor) far below 1/2.
CHUNK = 1 << 23


def toeplitz_hash_direct(bits: Bits, seed: Bits, length: int) -> Bits:
    """``T x mod 2`` with the matrix written out (small inputs; the reference for tests)."""
    n = bits.size
    _check(n, seed, length)
    rows = np.arange(length)[:, None] - np.arange(n)[None, :] + n - 1
    matrix = seed[rows].astype(np.int64)
    product: NDArray[np.int64] = matrix @ bits.astype(np.int64)
    return (product & 1).astype(np.uint8)


def toeplitz_hash(bits: Bits, seed: Bits, length: int) -> Bits:
    """Hash ``bits`` (``n``) to ``length`` bits with the Toeplitz matrix of ``seed``.

    Both arguments may carry leading dimensions, which broadcast: one seed hashes several
    inputs (Alice's and Bob's keys) with its transform computed once, and a stack of seeds
    hashes a stack of blocks in one batched FFT.

    Parameters
    ----------
    bits : numpy.ndarray of uint8, shape (..., n)
        Input ``x``.
    seed : numpy.ndarray of uint8, shape (..., n + length - 1)
        Bits fixing ``T`` (public, uniformly random).
    length : int
        Output length ``m`` (``>= 0``).

    Returns
    -------
    numpy.ndarray of uint8, shape (..., length)
        ``T x mod 2``.

    Notes
    -----
    Sources: H. Krawczyk, "LFSR-based hashing and authentication", CRYPTO 1994 (Toeplitz
    hashing is universal); R. Impagliazzo, L. A. Levin, M. Luby, STOC 1989 (leftover hash
    lemma).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(0, 2, 300, dtype=np.uint8)
    >>> s = rng.integers(0, 2, 300 + 40 - 1, dtype=np.uint8)
    >>> bool(np.array_equal(toeplitz_hash(x, s, 40), toeplitz_hash_direct(x, s, 40)))
    True
    """
    n = bits.shape[-1]
    _check(n, seed, length)
    lead = np.broadcast_shapes(bits.shape[:-1], seed.shape[:-1])
    out = np.zeros((*lead, length), dtype=np.uint8)
    if length == 0 or n == 0:
        return out
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        width = stop - start
        # the columns [start, stop) of T form the Toeplitz matrix of seed[n - stop:]
        part = seed[..., n - stop: n - stop + length + width - 1].astype(np.float64)
        size = _fft_size(part.shape[-1] + width - 1)
        spectrum = (np.fft.rfft(part, size)
                    * np.fft.rfft(bits[..., start:stop].astype(np.float64), size))
        conv = np.fft.irfft(spectrum, size)[..., width - 1: width - 1 + length]
        out ^= (np.rint(conv).astype(np.int64) & 1).astype(np.uint8)
    return out


def block_tag(bits: Bits, seeds: Bits, length: int) -> Bits:
    """Universal hash of ``bits`` as the XOR of Toeplitz hashes of its blocks.

    ``bits`` (``n``, zero-padded to ``B w`` with ``B = seeds.shape[0]`` blocks of
    ``w = ceil(n / B)`` bits) is hashed to ``T_1 x_1 + ... + T_B x_B (mod 2)`` with
    independent Toeplitz matrices ``T_b`` (``seeds[b]``, ``w + length - 1`` bits each). The
    family is universal with collision probability ``2^-length``: two inputs that differ
    differ in some block ``b``, and ``T_b d_b`` is uniform whatever the other blocks are.
    It is the same hash as one ``length x B w`` matrix made of Toeplitz blocks, computed in
    short batched FFTs (the verification step: a short tag of a long key).

    Parameters
    ----------
    bits : numpy.ndarray of uint8, shape (..., n)
        Input(s).
    seeds : numpy.ndarray of uint8, shape (B, w + length - 1)
        One seed per block.
    length : int
        Tag length.

    Returns
    -------
    numpy.ndarray of uint8, shape (..., length)
    """
    blocks = seeds.shape[0]
    n = bits.shape[-1]
    width = -(-n // blocks) if blocks else 0
    if seeds.ndim != 2 or seeds.shape[1] != width + length - 1:
        raise ValueError(f"seeds: need shape ({blocks}, {width + length - 1}), "
                         f"got {seeds.shape}")
    padded = np.zeros((*bits.shape[:-1], blocks * width), dtype=np.uint8)
    padded[..., :n] = bits
    hashes = toeplitz_hash(padded.reshape(*bits.shape[:-1], blocks, width), seeds, length)
    tag: Bits = np.bitwise_xor.reduce(hashes, axis=-2)
    return tag


def _fft_size(n: int) -> int:
    """Smallest product of 2, 3 and 5 not below ``n`` (fast for numpy's pocketfft)."""
    from scipy.fft import next_fast_len

    return int(next_fast_len(max(n, 1), real=True))


def _check(n: int, seed: Bits, length: int) -> None:
    if length < 0:
        raise ValueError(f"length: must be >= 0, got {length}")
    if seed.shape[-1] != n + length - 1 and not (n == 0 or length == 0):
        raise ValueError(f"seed: needs {n + length - 1} bits, got {seed.shape[-1]}")
