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
from qfab.physics.bell_diagonal import depolarize, pauli_channel_to_bell

__all__ = ["compensated_polarization_contraction", "polarization_contraction",
           "polarization_pair_channel", "time_bin_pair_channel"]


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


def time_bin_pair_channel(v: ArrayLike, interferometer_visibility: ArrayLike) -> FloatArray:
    """A heralded pair whose coherence the time-bin interferometers keep with visibility ``V``.

    The interferometers' phase noise multiplies the coherence of the heralded pair by ``V``:
    a phase flip (dephasing) of one qubit with ``p_Z = (1 - V) / 2``, which maps the Bell
    vector ``(Phi+, Psi-, Psi+, Phi-)`` to ``Phi+ -> ((1 + V) Phi+ + (1 - V) Phi-) / 2`` and
    likewise ``Psi+ <-> Psi-``, so that ``Phi+ - Phi-`` becomes ``V (Phi+ - Phi-)``. Without
    other noise the fidelity is ``(1 + V) / 2``.

    Parameters
    ----------
    v : array_like
        Bell vector(s) of the pair, shape ``(..., 4)``.
    interferometer_visibility : array_like
        ``V`` in [0, 1] (:class:`qfab.spec.telecom.TimeBinEncodingSpec`).

    Returns
    -------
    numpy.ndarray
        Bell vector(s), shape ``(..., 4)``.

    Notes
    -----
    Source: the phase-flip channel ``rho -> (1 - p) rho + p Z rho Z``, which scales the
    off-diagonal elements by ``1 - 2p`` (Nielsen & Chuang, *Quantum Computation and Quantum
    Information* (2000), Sec. 8.3.3); the time-bin visibility as the coherence the
    interferometers measure: Marcikic et al., PRL 93, 180502 (2004).

    Examples
    --------
    >>> time_bin_pair_channel([1.0, 0.0, 0.0, 0.0], 0.9).round(6).tolist()
    [0.95, 0.0, 0.0, 0.05]
    """
    visibility = _checks.probability("interferometer_visibility", interferometer_visibility)
    flip = (1.0 - visibility) / 2.0
    zero = np.zeros_like(flip)
    paulis = np.stack([1.0 - flip, zero, zero, flip], axis=-1)
    return pauli_channel_to_bell(v, paulis)


def polarization_pair_channel(v: ArrayLike, contraction_a: ArrayLike,
                              contraction_b: ArrayLike) -> FloatArray:
    """A pair whose two polarization qubits are depolarized with contractions ``s_a``, ``s_b``.

    Each arm's qubit goes through the depolarizing channel ``rho -> s rho + (1 - s) I / 2``
    (:func:`compensated_polarization_contraction`). On a Bell-diagonal pair one such channel
    is the two-qubit depolarization ``v -> s v + (1 - s) / 4``, because the reduced state of
    either qubit of a Bell-diagonal pair is ``I / 2``; the two together give
    ``v -> s_a s_b v + (1 - s_a s_b) / 4``.

    Parameters
    ----------
    v : array_like
        Bell vector(s) of the pair, shape ``(..., 4)``.
    contraction_a, contraction_b : array_like
        The Bloch-vector contractions ``s_a``, ``s_b`` in [0, 1] of the two arms.

    Returns
    -------
    numpy.ndarray
        Bell vector(s), shape ``(..., 4)``.

    Notes
    -----
    Source: the one-qubit depolarizing channel (Nielsen & Chuang, *Quantum Computation and
    Quantum Information* (2000), Sec. 8.3.4) acting on one qubit of a Bell-diagonal pair;
    the contraction from the polarization drift model (Czegledi et al., Sci. Rep. 6, 21217
    (2016); module docstring).

    Examples
    --------
    >>> polarization_pair_channel([1.0, 0.0, 0.0, 0.0], 0.9, 1.0).round(6).tolist()
    [0.925, 0.025, 0.025, 0.025]
    """
    s_a = _checks.probability("contraction_a", contraction_a)
    s_b = _checks.probability("contraction_b", contraction_b)
    return depolarize(v, 1.0 - s_a * s_b)
