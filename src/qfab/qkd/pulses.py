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

__all__ = ["BLOCK_PULSES", "PulseRecord", "sample_bb84", "sample_bb84_pass"]

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
                block: int = BLOCK_PULSES, blind: int = 0,
                afterpulse_probability: float = 0.0) -> PulseRecord:
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
    blind, afterpulse_probability
        Dead time as the pulses ``d`` a detection blinds
        (:func:`qfab.physics.detector_recovery.blind_pulses`) and the afterpulse probability
        ``P_a``; with either non-zero the pulses are sampled by :func:`_sample_recovering`.
    """
    if blind > 0 or afterpulse_probability > 0:
        return _sample_recovering(pulses, intensities, probabilities, eta=eta,
                                  background=background, misalignment=misalignment, rng=rng,
                                  blind=blind, afterpulse_probability=afterpulse_probability)
    mus = np.asarray(intensities, dtype=np.float64)
    probs = np.asarray(probabilities, dtype=np.float64)
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
    return _record(sent, intensity, at_bob, lost, background=background,
                   misalignment=misalignment, rng=rng)


#: Detection cycles drawn at a time by :func:`_sample_recovering` (bounds its memory).
CYCLE_CHUNK = 1 << 22


@dataclass
class _States:
    """Periods of each receiver state without a click, and clicks, counted over a run."""

    blind: int = 0
    first_miss: int = 0
    later_miss: int = 0
    first_clicks: int = 0
    later_clicks: int = 0

    def remainder(self, periods: int, blind: int, *, after_click: bool) -> None:
        """Count ``periods`` periods that end the run without a click."""
        if not after_click:
            self.later_miss += periods
            return
        self.blind += min(periods, blind)
        if periods > blind:
            self.first_miss += 1
            self.later_miss += periods - blind - 1


def _receiver_states(pulses: int, blind: int, first_click: float, click: float,
                     rng: np.random.Generator) -> _States:
    """The receiver's states over ``pulses`` periods, drawn cycle by cycle in chunks.

    The receiver starts live; each detection starts a cycle of ``blind`` blind periods,
    a first live period that clicks with ``first_click``, then (if it did not) a geometric
    wait for a click of probability ``click`` per period
    (:mod:`qfab.physics.detector_recovery`).
    """
    states = _States()
    if click <= 0.0:  # no light and no dark counts: never a detection
        states.later_miss = pulses
        return states
    wait = int(rng.geometric(click))
    if wait > pulses:
        states.later_miss = pulses
        return states
    states.later_miss += wait - 1
    states.later_clicks += 1
    position = wait
    cycle_mean = blind + 1.0 + (1.0 - first_click) / click
    while position < pulses:
        size = min(CYCLE_CHUNK, int((pulses - position) / cycle_mean * 1.05) + 16)
        first = rng.random(size) < first_click
        # a wait past the run's end ends it: clipped, so that the sums stay in int64
        # (numpy saturates the geometric draws of a tiny click probability)
        later = np.where(first, 0, np.minimum(rng.geometric(click, size),
                                              pulses - position + 1)).astype(np.int64)
        ends = position + np.cumsum(blind + 1 + later)
        full = int(np.searchsorted(ends, pulses, side="right"))
        whole_first = first[:full]
        states.blind += blind * full
        states.first_clicks += int(whole_first.sum())
        states.first_miss += full - int(whole_first.sum())
        states.later_clicks += full - int(whole_first.sum())
        states.later_miss += int(later[:full].sum()) - (full - int(whole_first.sum()))
        if full < size:
            last = int(ends[full - 1]) if full else position
            states.remainder(pulses - last, blind, after_click=True)
            return states
        position = int(ends[-1])
    return states


def _split(count: int, weights: NDArray[np.float64],
           rng: np.random.Generator) -> NDArray[np.int64]:
    """``count`` periods split over the intensities in proportion to ``weights``."""
    total = float(weights.sum())
    if count == 0 or total <= 0.0:
        return np.zeros(weights.size, dtype=np.int64)
    return rng.multinomial(count, weights / total).astype(np.int64)


def _sample_recovering(pulses: int, intensities: NDArray[np.float64],
                       probabilities: NDArray[np.float64], *, eta: float, background: float,
                       misalignment: float, rng: np.random.Generator, blind: int,
                       afterpulse_probability: float) -> PulseRecord:
    """:func:`sample_bb84` with dead time and afterpulses.

    The receiver's states come from :func:`_receiver_states` (the click probabilities
    averaged over the intensities); the intensity of each period is then drawn given its
    state and whether it clicked (a pulse's intensity changes only its own outcome, so by
    Bayes it is ``p_i P(outcome | i, state)`` normalised: ``p_i`` when blind, ``p_i q_i``
    for a click in a later live period, ``p_i (P_a + (1 - P_a) q_i)`` in a first one, and
    the complements for no click). A first-live click is an afterpulse with
    ``P_a / (P_a + (1 - P_a) q_i)``; the other clicks are materialised as without dead
    time (a photon arrived with ``(1 - exp(-mu eta)) / q_i``, else a dark click), an
    afterpulse with Alice's Poisson photon number and a random bit at Bob.
    """
    mus = np.asarray(intensities, dtype=np.float64)
    probs = np.asarray(probabilities, dtype=np.float64)
    p_a = float(afterpulse_probability)
    arriving = -np.expm1(-mus * eta)
    gains = 1.0 - (1.0 - background) * (1.0 - arriving)
    click = float(np.sum(probs * gains))
    first_gains = p_a + (1.0 - p_a) * gains
    # blinding more than the run is blinding the rest of it
    states = _receiver_states(int(pulses), min(int(blind), int(pulses)),
                              float(np.sum(probs * first_gains)), click, rng)
    sent = (_split(states.blind, probs, rng)
            + _split(states.first_miss, probs * (1.0 - first_gains), rng)
            + _split(states.later_miss, probs * (1.0 - gains), rng))
    first = _split(states.first_clicks, probs * first_gains, rng)
    later = _split(states.later_clicks, probs * gains, rng)
    sent += first + later
    intensity_parts: list[NDArray[np.int8]] = []
    at_bob_parts: list[NDArray[np.int64]] = []
    lost_parts: list[NDArray[np.int64]] = []
    afterpulse_parts: list[NDArray[np.bool_]] = []
    for index, mu in enumerate(mus):
        share = p_a / float(first_gains[index]) if first_gains[index] > 0 else 0.0
        afterpulses = int(rng.binomial(int(first[index]), share))
        plain = int(first[index]) - afterpulses + int(later[index])
        lit_share = float(arriving[index] / gains[index]) if gains[index] > 0 else 0.0
        lit = int(rng.binomial(plain, min(lit_share, 1.0)))
        at_bob = np.concatenate([_truncated_poisson(mu * eta, lit, rng),
                                 np.zeros(plain - lit + afterpulses, dtype=np.int64)])
        lost = np.concatenate([rng.poisson(mu * (1.0 - eta), plain).astype(np.int64),
                               rng.poisson(mu, afterpulses).astype(np.int64)])
        intensity_parts.append(np.full(at_bob.size, index, dtype=np.int8))
        at_bob_parts.append(at_bob)
        lost_parts.append(lost)
        afterpulse_parts.append(np.arange(at_bob.size) >= plain)
    # in time order the kinds of click are interleaved: shuffle, so that the afterpulses
    # (errors of 1/2) are spread over the key's correction blocks as they would be
    order = rng.permutation(sum(part.size for part in intensity_parts))
    return _record(sent, np.concatenate(intensity_parts)[order],
                   np.concatenate(at_bob_parts)[order], np.concatenate(lost_parts)[order],
                   background=background, misalignment=misalignment, rng=rng,
                   afterpulse=np.concatenate(afterpulse_parts)[order])


def _record(sent: NDArray[np.int64], intensity: NDArray[np.int8], at_bob: NDArray[np.int64],
            lost: NDArray[np.int64], *, background: float, misalignment: float,
            rng: np.random.Generator,
            afterpulse: NDArray[np.bool_] | None = None) -> PulseRecord:
    """The raw record of the detected pulses: bases, bits, Bob's two detectors (module
    docstring); an ``afterpulse`` detection's bit is uniformly random."""
    dark = float(detector_dark_probability(background))
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
    if afterpulse is not None:
        dark_only &= ~afterpulse
    count = int(dark_only.sum())
    if count:
        both = rng.random(count) < (dark * dark / background if background > 0 else 0.0)
        coin = rng.integers(0, 2, count) == 1
        right_click[dark_only] = both | coin
        wrong_click[dark_only] = both | ~coin
    double = right_click & wrong_click
    flip = (wrong_click & ~right_click) | (double & (rng.integers(0, 2, n) == 1))
    if afterpulse is not None:
        flip[afterpulse] = rng.integers(0, 2, int(afterpulse.sum())) == 1
    bob_bits = (alice_bits ^ flip.astype(np.uint8)).astype(np.uint8)
    return PulseRecord(pulses=sent, intensity=intensity, photons=at_bob + lost,
                       alice_bits=alice_bits, alice_bases=alice_bases, bob_bits=bob_bits,
                       bob_bases=bob_bases)


def sample_bb84_pass(pulses: NDArray[np.int64], intensities: NDArray[np.float64],
                     probabilities: NDArray[np.float64], *, eta: NDArray[np.float64],
                     background: NDArray[np.float64], misalignment: float,
                     rng: np.random.Generator) -> PulseRecord:
    """Sample a channel that changes slice by slice (a satellite pass): ``pulses[i]`` pulses
    at transmittance ``eta[i]`` and background ``background[i]`` with :func:`sample_bb84`,
    the records of the slices concatenated in time order (pulses sent summed per intensity).
    """
    records = [sample_bb84(int(count), intensities, probabilities, eta=float(e),
                           background=float(y0), misalignment=misalignment, rng=rng)
               for count, e, y0 in zip(pulses, eta, background) if count > 0]
    if not records:
        empty8 = np.zeros(0, dtype=np.uint8)
        return PulseRecord(pulses=np.zeros(np.asarray(intensities).size, dtype=np.int64),
                           intensity=np.zeros(0, dtype=np.int8),
                           photons=np.zeros(0, dtype=np.int64), alice_bits=empty8,
                           alice_bases=empty8, bob_bits=empty8, bob_bases=empty8)
    return PulseRecord(
        pulses=np.sum([r.pulses for r in records], axis=0).astype(np.int64),
        intensity=np.concatenate([r.intensity for r in records]),
        photons=np.concatenate([r.photons for r in records]),
        alice_bits=np.concatenate([r.alice_bits for r in records]),
        alice_bases=np.concatenate([r.alice_bases for r in records]),
        bob_bits=np.concatenate([r.bob_bits for r in records]),
        bob_bases=np.concatenate([r.bob_bases for r in records]))
