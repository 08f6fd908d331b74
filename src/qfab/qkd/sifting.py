"""Basis sifting: keep the detections where Alice and Bob chose the same basis."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

Bits = NDArray[np.uint8]

__all__ = ["Bits", "SiftedKey", "as_bits", "sift"]


def as_bits(name: str, value: ArrayLike) -> Bits:
    """Return ``value`` as a one-dimensional ``uint8`` array of 0/1, or raise ValueError."""
    arr = np.asarray(value)
    if arr.ndim != 1:
        raise ValueError(f"{name}: must be one-dimensional, got shape {arr.shape}")
    if arr.dtype != np.bool_ and arr.size and (arr.min() < 0 or arr.max() > 1):
        raise ValueError(f"{name}: must hold only 0 and 1")
    return arr.astype(np.uint8, copy=False)


@dataclass(frozen=True)
class SiftedKey:
    """Alice's and Bob's bits at the positions where their bases agree.

    Attributes
    ----------
    alice, bob : numpy.ndarray of uint8
        The sifted bits (not shown by ``repr``).
    positions : numpy.ndarray of int64
        Their positions in the raw record.
    raw_bits : int
        Length of the raw record (detections considered).
    """

    alice: Bits = field(repr=False)
    bob: Bits = field(repr=False)
    positions: NDArray[np.int64] = field(repr=False)
    raw_bits: int

    @property
    def size(self) -> int:
        """Number of sifted bits."""
        return int(self.alice.size)


def sift(
    alice_bits: ArrayLike, alice_bases: ArrayLike, bob_bits: ArrayLike, bob_bases: ArrayLike,
    detected: ArrayLike | None = None,
) -> SiftedKey:
    """Keep the positions where both bases agree (and, if given, Bob detected).

    Parameters
    ----------
    alice_bits, alice_bases, bob_bits, bob_bases : array_like of 0/1
        The raw record, one entry per pulse (or per pair): bit values and bases (0 = Z,
        1 = X), all of the same length.
    detected : array_like of bool, optional
        Where Bob registered a detection (all positions if omitted).

    Returns
    -------
    SiftedKey

    Examples
    --------
    >>> s = sift([0, 1, 1, 0], [0, 0, 1, 1], [0, 1, 0, 0], [0, 1, 1, 1])
    >>> s.positions.tolist(), s.alice.tolist(), s.bob.tolist()
    ([0, 2, 3], [0, 1, 0], [0, 0, 0])
    """
    a = as_bits("alice_bits", alice_bits)
    ab = as_bits("alice_bases", alice_bases)
    b = as_bits("bob_bits", bob_bits)
    bb = as_bits("bob_bases", bob_bases)
    if not a.size == ab.size == b.size == bb.size:
        raise ValueError("alice_bits, alice_bases, bob_bits, bob_bases: lengths differ")
    keep = ab == bb
    if detected is not None:
        mask = np.asarray(detected, dtype=bool)
        if mask.shape != a.shape:
            raise ValueError("detected: must have the length of the bits")
        keep &= mask
    positions = np.flatnonzero(keep).astype(np.int64)
    return SiftedKey(alice=a[positions], bob=b[positions], positions=positions,
                     raw_bits=int(a.size))
