"""Threshold (click / no-click) single-photon detectors with dark counts.

Probabilities are per detection window; rates are in Hz and windows in seconds.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray

__all__ = ["click_probability", "dark_count_probability", "detection_probability",
           "noise_click_probability", "window_fraction"]


def dark_count_probability(rate: ArrayLike, window: ArrayLike) -> FloatArray:
    """Probability of at least one dark count in a detection window.

    ``p_dark = 1 - exp(-rate * window)``.

    Parameters
    ----------
    rate : array_like
        Dark-count rate in Hz, ``>= 0``.
    window : array_like
        Length of the detection window in seconds, ``>= 0``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Probability in [0, 1], of the broadcast shape of the inputs.

    Notes
    -----
    Source: dark counts are a Poisson process, so the probability of no event in a window
    ``tau`` is ``exp(-rate * tau)``; e.g. R. H. Hadfield, Nat. Photonics 3, 696 (2009),
    for the definition of the dark-count rate.
    """
    rate_ = _checks.nonnegative("rate", rate)
    window_ = _checks.nonnegative("window", window)
    return _checks.scalar_or_array(-np.expm1(-rate_ * window_))


def click_probability(
    mean_photons: ArrayLike,
    efficiency: ArrayLike,
    *,
    dark_count_probability: ArrayLike = 0.0,
) -> FloatArray:
    """Click probability of a threshold detector illuminated by a coherent (Poisson) pulse.

    ``P_click = 1 - (1 - p_dark) * exp(-efficiency * mean_photons)``.

    Parameters
    ----------
    mean_photons : array_like
        Mean photon number ``mu`` of the incident pulse, ``>= 0``.
    efficiency : array_like
        Probability in [0, 1] that one incident photon is detected (including every loss
        between the pulse and the detector one wants to count).
    dark_count_probability : array_like, optional
        Probability in [0, 1] of a dark count in the window (default 0).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Probability in [0, 1], of the broadcast shape of the inputs.

    Notes
    -----
    Source: the n-photon yield of a threshold detector,
    ``Y_n = 1 - (1 - Y_0)(1 - eta)^n``, averaged over the Poisson distribution gives the
    gain ``Q_mu = 1 - (1 - Y_0) exp(-eta mu)``; H.-K. Lo, X. Ma, K. Chen, PRL 94, 230504
    (2005) and X. Ma, B. Qi, Y. Zhao, H.-K. Lo, PRA 72, 012326 (2005), Sec. II.
    """
    mu = _checks.nonnegative("mean_photons", mean_photons)
    eta = _checks.probability("efficiency", efficiency)
    p_dark = _checks.probability("dark_count_probability", dark_count_probability)
    return _checks.scalar_or_array(1.0 - (1.0 - p_dark) * np.exp(-eta * mu))


def detection_probability(
    efficiency: ArrayLike,
    *,
    dark_count_probability: ArrayLike = 0.0,
) -> FloatArray:
    """Click probability of a threshold detector for exactly one incident photon.

    ``P_click = 1 - (1 - efficiency) * (1 - p_dark)``.

    Parameters
    ----------
    efficiency : array_like
        Probability in [0, 1] that the photon is detected.
    dark_count_probability : array_like, optional
        Probability in [0, 1] of a dark count in the window (default 0).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Probability in [0, 1], of the broadcast shape of the inputs.

    Notes
    -----
    Source: the n-photon yield ``Y_n = 1 - (1 - Y_0)(1 - eta)^n`` at ``n = 1``
    (no click needs both no detection and no dark count); Ma, Qi, Zhao, Lo,
    PRA 72, 012326 (2005), Sec. II.
    """
    eta = _checks.probability("efficiency", efficiency)
    p_dark = _checks.probability("dark_count_probability", dark_count_probability)
    return _checks.scalar_or_array(1.0 - (1.0 - eta) * (1.0 - p_dark))


def noise_click_probability(
    mean_noise_a: ArrayLike,
    mean_noise_b: ArrayLike,
    *,
    dark_count_probability: ArrayLike = 0.0,
) -> FloatArray:
    """False-click probability of each of the two detectors behind a 50:50 beam splitter.

    ``d = 1 - (1 - d_dark) exp(-(mu_a + mu_b) / 2)``, computed as
    ``d_dark + (1 - d_dark)(1 - exp(-(mu_a + mu_b) / 2))`` (exactly ``d_dark`` without
    noise photons).

    Parameters
    ----------
    mean_noise_a, mean_noise_b : array_like
        Mean number of noise photons per detection window that arm a and arm b bring to the
        beam splitter and that the detectors would detect (the detector efficiency
        included), ``>= 0``. Noise photons are broadband and uncorrelated with the signal:
        each goes to either detector with probability 1/2.
    dark_count_probability : array_like, optional
        Dark-count probability ``d_dark`` in [0, 1] of each detector per window (default 0).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Probability in [0, 1] that a detector clicks without a signal photon.

    Notes
    -----
    Source: noise photons (Raman scattering, converter pump noise, transducer thermal
    photons) are Poissonian in a window, so a detector that receives a mean ``mu/2`` of them
    stays silent with probability ``exp(-mu/2)``, independently of its dark counts; the
    threshold-detector yield ``Y_0`` of Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), Sec. II, with
    the background counts of Eraerds et al., NJP 12, 063027 (2010), Eq. (3).
    """
    mu_a = _checks.nonnegative("mean_noise_a", mean_noise_a)
    mu_b = _checks.nonnegative("mean_noise_b", mean_noise_b)
    p_dark = _checks.probability("dark_count_probability", dark_count_probability)
    return _checks.scalar_or_array(p_dark + (1.0 - p_dark) * -np.expm1(-(mu_a + mu_b) / 2))


def window_fraction(window: ArrayLike, jitter: ArrayLike) -> FloatArray:
    """Fraction of signal photons whose click falls inside a detection window, given jitter.

    A Gaussian timing jitter of full width at half maximum ``j`` (standard deviation
    ``sigma = j / (2 sqrt(2 ln 2))``) around the centre of a window of length ``tau`` keeps
    ``erf(tau / (2 sqrt(2) sigma)) = erf(tau sqrt(ln 2) / j)``; 1 for ``j = 0``.

    Parameters
    ----------
    window : array_like
        Window length ``tau`` in seconds, ``>= 0``.
    jitter : array_like
        Timing jitter (FWHM) ``j`` in seconds, ``>= 0``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Fraction in [0, 1].

    Notes
    -----
    Source: the Gaussian instrument response of a single-photon detector, characterised by
    its FWHM timing jitter (R. H. Hadfield, Nat. Photonics 3, 696 (2009), Sec. "Timing
    jitter"); the probability mass of a normal distribution within ``+-tau/2`` of its mean
    is ``erf(tau / (2 sqrt(2) sigma))``.
    """
    tau = _checks.nonnegative("window", window)
    j = _checks.nonnegative("jitter", jitter)
    safe = np.where(j > 0, j, 1.0)
    argument = np.asarray(tau * math.sqrt(math.log(2.0)) / safe, dtype=np.float64)
    fraction = np.where(j > 0, np.asarray(_erf(argument), dtype=np.float64), 1.0)
    return _checks.scalar_or_array(np.asarray(fraction, dtype=np.float64))


#: The error function element-wise (``math.erf``; scipy.special would cost an import).
_erf = np.frompyfunc(math.erf, 1, 1)
