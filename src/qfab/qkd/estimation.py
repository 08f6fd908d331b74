"""Parameter estimation: disclose a random subset of the sifted bits and count errors."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from qfab.qkd.sifting import Bits

__all__ = ["Estimate", "estimate_qber"]


@dataclass(frozen=True)
class Estimate:
    """The QBER seen on a disclosed sample and the bits that remain for the key.

    Attributes
    ----------
    qber : float
        Errors over sampled bits (0 when nothing is sampled).
    errors, sampled : int
        Error count and sample size ``k``.
    alice, bob : numpy.ndarray of uint8
        The bits not sampled, in order (not shown by ``repr``).
    """

    qber: float
    errors: int
    sampled: int
    alice: Bits = field(repr=False)
    bob: Bits = field(repr=False)


def estimate_qber(alice: Bits, bob: Bits, sample_size: int,
                  rng: np.random.Generator) -> Estimate:
    """Sample ``sample_size`` positions uniformly without replacement and compare them.

    The sampled bits are public (both parties announce them) and are dropped from the key.

    Parameters
    ----------
    alice, bob : numpy.ndarray of uint8
        Sifted bits of equal length.
    sample_size : int
        ``k``, between 0 and the length.
    rng : numpy.random.Generator
        Source of the choice of positions (public randomness).

    Returns
    -------
    Estimate
    """
    if alice.shape != bob.shape:
        raise ValueError("alice, bob: lengths differ")
    if not 0 <= sample_size <= alice.size:
        raise ValueError(f"sample_size: must be in [0, {alice.size}], got {sample_size}")
    chosen: NDArray[np.bool_] = np.zeros(alice.size, dtype=bool)
    chosen[rng.choice(alice.size, size=sample_size, replace=False)] = True
    errors = int(np.count_nonzero(alice[chosen] != bob[chosen]))
    qber = errors / sample_size if sample_size else 0.0
    return Estimate(qber=qber, errors=errors, sampled=sample_size,
                    alice=alice[~chosen], bob=bob[~chosen])
