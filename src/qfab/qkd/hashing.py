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

__all__ = ["toeplitz_hash", "toeplitz_hash_direct"]

#: Columns per FFT pass: the convolution sums stay below 2^20, far inside float64's exact
#: integers even with the FFT's rounding error.
CHUNK = 1 << 20


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

    Parameters
    ----------
    bits : numpy.ndarray of uint8
        Input ``x`` of ``n`` bits.
    seed : numpy.ndarray of uint8
        ``n + length - 1`` bits fixing ``T`` (public, uniformly random).
    length : int
        Output length ``m`` (``>= 0``).

    Returns
    -------
    numpy.ndarray of uint8
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
    n = bits.size
    _check(n, seed, length)
    out = np.zeros(length, dtype=np.int64)
    if length == 0 or n == 0:
        return out.astype(np.uint8)
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        width = stop - start
        # the columns [start, stop) of T form the Toeplitz matrix of seed[n - stop:]
        part = seed[n - stop: n - stop + length + width - 1].astype(np.float64)
        size = _fft_size(part.size + width - 1)
        conv = np.fft.irfft(np.fft.rfft(part, size)
                            * np.fft.rfft(bits[start:stop].astype(np.float64), size), size)
        out += np.rint(conv[width - 1: width - 1 + length]).astype(np.int64)
    return (out & 1).astype(np.uint8)


def _fft_size(n: int) -> int:
    """Smallest product of 2, 3 and 5 not below ``n`` (fast for numpy's pocketfft)."""
    best = 1 << max(n - 1, 0).bit_length()
    p3 = 1
    while p3 < best:
        p35 = p3
        while p35 < best:
            p = p35
            while p < n:
                p *= 2
            best = min(best, p)
            p35 *= 5
        p3 *= 3
    return best


def _check(n: int, seed: Bits, length: int) -> None:
    if length < 0:
        raise ValueError(f"length: must be >= 0, got {length}")
    if seed.size != n + length - 1 and not (n == 0 or length == 0):
        raise ValueError(f"seed: needs {n + length - 1} bits, got {seed.size}")
