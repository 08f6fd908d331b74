"""Entanglement from a pair source at the midpoint, loaded into absorptive memories at the ends.

A spontaneous parametric down-conversion (SPDC) source in the middle of the link emits
entangled photon pairs; one photon of each pair travels ``length / 2`` to each end, where an
absorptive memory stores it and a herald detection tells whether it was loaded. An attempt
multiplexes ``N`` independent spectral or temporal modes; it succeeds when both ends herald
a loaded photon in the same mode. This is the "MidpointSource" (MS) link protocol of Jones
et al., NJP 18, 083015 (2016), with the multimode memories of Simon et al., PRL 98, 190503
(2007) (multiplexing: ``P = 1 - (1 - p)^N``) and the multi-pair statistics of an SPDC source
in each mode, both reviewed in Sangouard et al., RMP 83, 33 (2011), in the sections on
photon-pair sources and multimode memories.

Model of one mode (every assumption stated):

* the source emits ``n`` pairs into the mode with the thermal (single-mode squeezed vacuum)
  distribution ``P(n) = mu^n / (1 + mu)^(n + 1)``, ``mu`` the mean number of pairs per mode
  (Sangouard et al., section on photon-pair sources; a pair probability ``p = P(n >= 1)`` gives
  ``mu = p / (1 - p)``);
* each photon reaches end ``x`` (``a`` or ``b``), is absorbed and heralded with the arm
  efficiency ``eta_x`` (fiber to the end, absorption, herald detector), independently; a
  photon that fails any of them is lost;
* the herald is a threshold detection with a dark-count probability ``d_x`` per mode;
* a heralded mode holds the source's pair (a Werner state of fidelity ``F_s``) when the two
  heralds come from exactly one photon each and both are of the same pair; every other
  heralded event (photons of different pairs, several photons in one memory, a dark count
  that heralds an empty memory) holds a maximally mixed state. The heralded state is then
  Werner-like with the weight ``p_true / p_mode`` of the source's pair.

With the generating function ``G(x) = sum_n P(n) x^n = 1 / (1 + mu (1 - x))``:

* ``p_mode = 1 - (1 - d_a) G(1 - eta_a) - (1 - d_b) G(1 - eta_b)
  + (1 - d_a)(1 - d_b) G((1 - eta_a)(1 - eta_b))`` (both heralds click);
* ``p_true = sum_n P(n) n eta_a eta_b ((1 - eta_a)(1 - eta_b))^(n - 1)
  = mu eta_a eta_b / (1 + mu (eta_a + eta_b - eta_a eta_b))^2``.

Limits: for ``mu -> 0`` the fidelity tends to ``F_s`` and ``p_mode -> mu eta_a eta_b``; for
low efficiencies and no dark counts ``p_true / p_mode -> 1 / (1 + 2 mu)``, the multi-pair
visibility of a thermal SPDC source (coincidence-to-accidental ratio ``1 + 1/mu``; Sangouard
et al., section on photon-pair sources; Takesue and Shimizu, Opt. Commun. 283, 276 (2010)).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray
from qfab.physics.bell_diagonal import werner

__all__ = ["mean_pairs_from_pair_probability", "midpoint_source", "midpoint_source_mode",
           "multiplexed_success_probability"]


def mean_pairs_from_pair_probability(pair_probability: ArrayLike) -> FloatArray:
    """Mean pairs per mode ``mu = p / (1 - p)`` of a thermal source with ``P(n >= 1) = p``.

    Parameters
    ----------
    pair_probability : array_like
        Probability ``p`` in [0, 1) that the mode holds at least one pair.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``mu >= 0``.

    Notes
    -----
    Source: the thermal distribution ``P(n) = mu^n / (1 + mu)^(n + 1)`` has
    ``P(0) = 1 / (1 + mu)`` (Sangouard et al., RMP 83, 33 (2011), section on photon-pair sources).
    """
    p = _checks.probability("pair_probability", pair_probability)
    if np.asarray(p >= 1.0).any():
        raise ValueError("pair_probability: must be < 1 (a thermal source with P(n >= 1) = 1 "
                         "has infinitely many pairs)")
    return _checks.scalar_or_array(p / (1.0 - p))


def _generating(mean_pairs: FloatArray, x: FloatArray) -> FloatArray:
    """``G(x) = E[x^n] = 1 / (1 + mu (1 - x))`` of the thermal distribution."""
    result: FloatArray = 1.0 / (1.0 + mean_pairs * (1.0 - x))
    return result


def midpoint_source_mode(
    mean_pairs: ArrayLike,
    efficiency_a: ArrayLike,
    efficiency_b: ArrayLike,
    *,
    dark_count_probability_a: ArrayLike = 0.0,
    dark_count_probability_b: ArrayLike = 0.0,
) -> tuple[FloatArray, FloatArray]:
    """Probabilities that one mode heralds at both ends, and that it holds the source's pair.

    Parameters
    ----------
    mean_pairs : array_like
        Mean number of pairs per mode ``mu >= 0`` (thermal statistics).
    efficiency_a, efficiency_b : array_like
        Arm efficiencies ``eta_a``, ``eta_b`` in [0, 1]: probability that a photon of a pair
        reaches the end, is absorbed and its herald clicks.
    dark_count_probability_a, dark_count_probability_b : array_like
        Dark-count probability of each end's herald per mode, in [0, 1].

    Returns
    -------
    (p_mode, p_true) : tuple of numpy.ndarray or numpy.float64
        ``p_mode``: both heralds click; ``p_true``: they click from exactly one photon each,
        of the same pair (``p_true <= p_mode``). Formulas in the module docstring.

    Notes
    -----
    Source: module docstring (Jones et al., NJP 18, 083015 (2016); Sangouard et al., RMP 83,
    33 (2011), section on photon-pair sources).
    """
    mu = _checks.nonnegative("mean_pairs", mean_pairs)
    eta_a = _checks.probability("efficiency_a", efficiency_a)
    eta_b = _checks.probability("efficiency_b", efficiency_b)
    d_a = _checks.probability("dark_count_probability_a", dark_count_probability_a)
    d_b = _checks.probability("dark_count_probability_b", dark_count_probability_b)
    both = eta_a + eta_b - eta_a * eta_b  # a pair has at least one photon heralded
    p_mode = (1.0 - (1.0 - d_a) * _generating(mu, 1.0 - eta_a)
              - (1.0 - d_b) * _generating(mu, 1.0 - eta_b)
              + (1.0 - d_a) * (1.0 - d_b) * _generating(mu, 1.0 - both))
    p_true = mu * eta_a * eta_b / (1.0 + mu * both) ** 2
    p_mode = np.clip(np.maximum(p_mode, p_true), 0.0, 1.0)  # rounding only
    return _checks.scalar_or_array(p_mode), _checks.scalar_or_array(p_true)


def multiplexed_success_probability(p_mode: ArrayLike, modes: ArrayLike) -> FloatArray:
    """Probability that at least one of ``modes`` independent modes succeeds.

    ``P = 1 - (1 - p)^N``, computed as ``-expm1(N log1p(-p))`` (exact to rounding for small
    ``p``).

    Parameters
    ----------
    p_mode : array_like
        Success probability ``p`` of one mode, in [0, 1].
    modes : array_like
        Number of modes ``N >= 1``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``P`` in [0, 1].

    Notes
    -----
    Source: Simon et al., PRL 98, 190503 (2007); Sangouard et al., RMP 83, 33 (2011)
    (multimode memories: the success probability of an attempt over ``N`` modes).
    """
    p = _checks.probability("p_mode", p_mode)
    n = _checks.as_float("modes", modes)
    if np.asarray(n < 1).any():
        raise ValueError(f"modes: must be >= 1, got {n!r}")
    with np.errstate(divide="ignore"):
        result = -np.expm1(n * np.log1p(-p))
    return _checks.scalar_or_array(np.asarray(result, dtype=np.float64))


def midpoint_source(
    mean_pairs: ArrayLike,
    efficiency_a: ArrayLike,
    efficiency_b: ArrayLike,
    *,
    dark_count_probability_a: ArrayLike = 0.0,
    dark_count_probability_b: ArrayLike = 0.0,
    source_fidelity: ArrayLike = 1.0,
    modes: ArrayLike = 1,
) -> tuple[FloatArray, FloatArray]:
    """Success probability of an attempt over ``modes`` modes and the heralded pair's state.

    ``p_success = 1 - (1 - p_mode)^modes``; the state of a heralded mode (every mode alike,
    so whichever one is kept) is ``w rho_s + (1 - w) I/4`` with ``w = p_true / p_mode``
    and ``rho_s`` the Werner state of fidelity ``source_fidelity``: a Werner state of
    fidelity ``F = w F_s + (1 - w) / 4``.

    Parameters
    ----------
    mean_pairs, efficiency_a, efficiency_b, dark_count_probability_a, dark_count_probability_b
        As for :func:`midpoint_source_mode`.
    source_fidelity : array_like
        Fidelity ``F_s`` of one emitted pair to ``Phi+`` (Werner), in [0, 1].
    modes : array_like
        Number of multiplexed modes per attempt, ``>= 1``.

    Returns
    -------
    (p_success, bell_vector) : tuple of numpy.ndarray
        Shapes ``S`` and ``S + (4,)`` (:mod:`qfab.physics.heralding` conventions). A mode
        that can never herald (``p_mode = 0``) gives the source's state.

    Notes
    -----
    Source: module docstring.
    """
    p_mode, p_true = midpoint_source_mode(
        mean_pairs, efficiency_a, efficiency_b,
        dark_count_probability_a=dark_count_probability_a,
        dark_count_probability_b=dark_count_probability_b)
    f_s = _checks.probability("source_fidelity", source_fidelity)
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(p_mode > 0, p_true / np.where(p_mode > 0, p_mode, 1.0), 1.0)
    fidelity = np.clip(weight * f_s + (1.0 - weight) / 4.0, 0.0, 1.0)
    return multiplexed_success_probability(p_mode, modes), werner(fidelity)
