"""Sampled prepare-and-measure BB84 with a weak coherent source, in blocks of pulses.

:func:`sample_bb84` draws what Bob detects of ``N`` pulses without one Python step per
pulse: per block, the number of pulses of each intensity (multinomial), then of those the
number that bring at least one photon to Bob's detectors (binomial, the photons of a
Poissonian pulse of mean ``mu`` thinned by the transmittance ``eta`` are Poisson of mean
``mu eta``) and the number of the others that give a dark click (binomial, background
``Y0``). Only the detected pulses are materialised: their photon numbers (at Bob:
zero-truncated Poisson of mean ``mu eta``; at Alice: that plus the lost photons, Poisson
of mean ``mu (1 - eta)``), Alice's random basis and bit, Bob's random basis, and Bob's two
detectors: each arriving photon lands in the wrong detector with the ``misalignment``
probability when the bases match and with probability 1/2 when they do not, each detector
clicks in the dark with ``p = 1 - sqrt(1 - Y0)``, and a double click is assigned a random
bit. Bases: 0 = Z, 1 = X, each chosen with probability 1/2 at both ends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from qfab.physics.qkd_channel import detector_dark_probability

__all__ = ["BLOCK_PULSES", "PulseRecord", "sample_bb84"]

#: Pulses per sampled block (bounds the memory of one block's detections).
BLOCK_PULSES = 1 << 28


@dataclass(frozen=True)
class PulseRecord:
    """The detected pulses of a run (bits left out of ``repr``).

    Attributes
    ----------
    pulses : numpy.ndarray of int64, shape (k,)
        Pulses sent per intensity.
    intensity, photons : numpy.ndarray
        Per detected pulse: the intensity index and the photons Alice sent.
    alice_bits, alice_bases, bob_bits, bob_bases : numpy.ndarray of uint8
        The raw record of the detected pulses.
    """

    pulses: NDArray[np.int64]
    intensity: NDArray[np.int8] = field(repr=False)
    photons: NDArray[np.int64] = field(repr=False)
    alice_bits: NDArray[np.uint8] = field(repr=False)
    alice_bases: NDArray[np.uint8] = field(repr=False)
    bob_bits: NDArray[np.uint8] = field(repr=False)
    bob_bases: NDArray[np.uint8] = field(repr=False)

    @property
    def detections(self) -> int:
        """Number of detected pulses."""
        return int(self.intensity.size)

    def counts(self, mask: NDArray[np.bool_]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Detections and errors (Bob's bit differs from Alice's) per intensity, among the
        detected pulses selected by ``mask``."""
        k = self.pulses.size
        errors = (self.alice_bits != self.bob_bits) & mask
        return (np.bincount(self.intensity[mask], minlength=k).astype(np.int64),
                np.bincount(self.intensity[errors], minlength=k).astype(np.int64))


def _truncated_poisson(lam: float, size: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """``size`` draws of a Poisson of mean ``lam`` conditioned on being >= 1 (inversion)."""
    if size == 0:
        return np.zeros(0, dtype=np.int64)
    top = max(8, int(lam + 12.0 * math.sqrt(lam) + 12.0))
    m = np.arange(1, top + 1, dtype=np.float64)
    log_pmf = m * math.log(lam) - lam - np.array([math.lgamma(x + 1.0) for x in m])
    pmf = np.exp(log_pmf) / -math.expm1(-lam)
    cdf = np.cumsum(pmf)
    cdf[-1] = 1.0
    return (np.searchsorted(cdf, rng.random(size), side="right") + 1).astype(np.int64)


def sample_bb84(pulses: int, intensities: NDArray[np.float64],
                probabilities: NDArray[np.float64], *, eta: float, background: float,
                misalignment: float, rng: np.random.Generator,
                block: int = BLOCK_PULSES) -> PulseRecord:
    """Sample the detections of ``pulses`` BB84 pulses (see the module docstring).

    Parameters
    ----------
    pulses
        Pulses sent.
    intensities, probabilities
        Mean photon number of each intensity and the probability of sending it.
    eta
        Transmittance from Alice's output to a click (fiber, detector efficiency, window).
    background
        ``Y0``: probability of a dark click (either detector) per window.
    misalignment
        Probability that a photon lands in the wrong detector when the bases match.
    rng
        The run's stream for this request.
    block
        Pulses per block.
    """
    mus = np.asarray(intensities, dtype=np.float64)
    probs = np.asarray(probabilities, dtype=np.float64)
    dark = float(detector_dark_probability(background))
    sent = np.zeros(mus.size, dtype=np.int64)
    parts: list[tuple[NDArray[np.int8], NDArray[np.int64], NDArray[np.int64]]] = []
    remaining = int(pulses)
    while remaining > 0:
        size = min(remaining, block)
        remaining -= size
        per_intensity = rng.multinomial(size, probs)
        sent += per_intensity
        for index, (mu, count) in enumerate(zip(mus, per_intensity)):
            arriving = -math.expm1(-mu * eta) if mu > 0 else 0.0
            lit = int(rng.binomial(int(count), arriving))
            dark_only = int(rng.binomial(int(count) - lit, background))
            at_bob = np.concatenate([_truncated_poisson(mu * eta, lit, rng),
                                     np.zeros(dark_only, dtype=np.int64)])
            lost = rng.poisson(mu * (1.0 - eta), at_bob.size).astype(np.int64)
            parts.append((np.full(at_bob.size, index, dtype=np.int8), at_bob, lost))
    intensity = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int8)
    at_bob = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int64)
    lost = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, np.int64)
    n = intensity.size
    alice_bases = rng.integers(0, 2, n, dtype=np.uint8)
    alice_bits = rng.integers(0, 2, n, dtype=np.uint8)
    bob_bases = rng.integers(0, 2, n, dtype=np.uint8)
    wrong_probability = np.where(alice_bases == bob_bases, misalignment, 0.5)
    wrong = rng.binomial(at_bob, wrong_probability)
    right_click = (at_bob - wrong > 0) | (rng.random(n) < dark)
    wrong_click = (wrong > 0) | (rng.random(n) < dark)
    # a dark-only pulse was kept because a detector clicked: both with p^2 / Y0, else one
    dark_only = at_bob == 0
    count = int(dark_only.sum())
    if count:
        both = rng.random(count) < (dark * dark / background if background > 0 else 0.0)
        coin = rng.integers(0, 2, count) == 1
        right_click[dark_only] = both | coin
        wrong_click[dark_only] = both | ~coin
    double = right_click & wrong_click
    flip = (wrong_click & ~right_click) | (double & (rng.integers(0, 2, n) == 1))
    bob_bits = (alice_bits ^ flip.astype(np.uint8)).astype(np.uint8)
    return PulseRecord(pulses=sent, intensity=intensity, photons=at_bob + lost,
                       alice_bits=alice_bits, alice_bases=alice_bases, bob_bits=bob_bits,
                       bob_bases=bob_bases)
