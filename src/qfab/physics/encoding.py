"""Photon encodings on telecom fibre: polarization drift and time-bin interferometers.

Polarization: the state of polarization (SOP) leaving a deployed fibre drifts with the
temperature and the strain of the cable. The drift is a random walk of the fibre's Jones
matrix on SU(2), that is an isotropic random walk of the output Stokes vector on the
Poincaré sphere (C. B. Czegledi, M. Karlsson, E. Agrell and P. Johannisson, "Polarization
drift channel model for coherent fibre-optic systems", Sci. Rep. 6, 21217 (2016), Sec.
"Model"). The autocorrelation of the Stokes vector then decays as ``exp(-t / tau)``; the
*drift time* ``tau`` is its 1/e time, the figure measured on installed cables (M. Karlsson,
J. Brentel and P. A. Andrekson, "Long-term measurement of PMD and polarization drift in
installed fibers", J. Lightwave Technol. 18, 941 (2000)). A polarization qubit that crossed
the fibre a time ``t`` after the receiver last aligned its reference frame has gone through a
random rotation; averaged over the walk, the rotation's mean is the isotropic contraction
``exp(-t / tau)`` of the Bloch vector: a depolarizing channel.

Time-bin: the qubit is carried by an early and a late time bin and analysed with unbalanced
interferometers, insensitive to the SOP; the interferometers' phase stability sets a
visibility ``V`` of the measured coherence (I. Marcikic et al., "Distribution of time-bin
entangled qubits over 50 km of optical fiber", PRL 93, 180502 (2004)).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray

__all__ = ["compensated_polarization_contraction", "polarization_contraction"]


def polarization_contraction(elapsed: ArrayLike, drift_time: ArrayLike) -> FloatArray:
    """Bloch-vector contraction of a polarization qubit a time after the frame was aligned.

    ``s(t) = exp(-t / tau)``: the mean of the isotropic random rotation the drifting fibre
    applied since the last alignment (Czegledi et al., Sci. Rep. 6, 21217 (2016); module
    docstring). The qubit's channel is depolarizing with parameter ``s``: it keeps the state
    with weight ``s`` and replaces it by the maximally mixed state otherwise.

    Parameters
    ----------
    elapsed : array_like
        Time ``t`` in s since the last alignment, ``>= 0``.
    drift_time : array_like
        The fibre's polarization drift time ``tau`` in s, ``> 0`` (``inf``: no drift).

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``s`` in (0, 1].

    Examples
    --------
    >>> round(float(polarization_contraction(60.0, 600.0)), 6)
    0.904837
    """
    t = _checks.nonnegative("elapsed", elapsed)
    tau = _checks.positive("drift_time", drift_time)
    return _checks.scalar_or_array(np.exp(-t / tau))


def compensated_polarization_contraction(compensation_interval: ArrayLike,
                                         drift_time: ArrayLike) -> FloatArray:
    """Mean Bloch-vector contraction of a polarization qubit with periodic re-alignment.

    The receiver re-aligns its frame every ``T`` seconds, and photons arrive uniformly in
    between, so the contraction :func:`polarization_contraction` is averaged over
    ``t`` in ``[0, T)``: ``s = (tau / T) (1 - exp(-T / tau))``, which tends to 1 for
    ``T << tau`` (frequent compensation) and to ``tau / T`` for ``T >> tau``.

    Parameters
    ----------
    compensation_interval : array_like
        Time ``T`` in s between two alignments, ``>= 0`` (0: continuous compensation).
    drift_time : array_like
        The fibre's polarization drift time ``tau`` in s, ``> 0`` (``inf``: no drift).

    Returns
    -------
    numpy.ndarray or numpy.float64
        The mean contraction ``s`` in (0, 1].

    Examples
    --------
    >>> round(float(compensated_polarization_contraction(600.0, 600.0)), 6)  # 1 - 1/e
    0.632121
    """
    interval = _checks.nonnegative("compensation_interval", compensation_interval)
    tau = _checks.positive("drift_time", drift_time)
    ratio = interval / tau
    # (1 - exp(-x)) / x -> 1 as x -> 0: expm1 keeps it exact for short intervals
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(ratio > 0, -np.expm1(-ratio) / np.where(ratio > 0, ratio, 1.0), 1.0)
    return _checks.scalar_or_array(np.asarray(mean, dtype=np.float64))
