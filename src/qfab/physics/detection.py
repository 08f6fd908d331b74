"""Threshold (click / no-click) single-photon detectors with dark counts.

Probabilities are per detection window; rates are in Hz and windows in seconds.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray

__all__ = ["click_probability", "dark_count_probability", "detection_probability"]


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
