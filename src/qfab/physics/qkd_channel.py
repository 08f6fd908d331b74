"""The QKD channel and measurements that the key-rate formulas of :mod:`qfab.physics.qkd`
take as inputs.

- :func:`receiver_background`: the background detection probability ``Y0`` per window of
  a receiver with two threshold detectors of a given dark-count rate;
- :func:`detector_dark_probability`: the dark-click probability of each of the two
  detectors that gives a background ``Y0``;
- :func:`bell_diagonal_qber`: the Z- and X-basis error rates of a Bell-diagonal pair
  measured in matching bases (BBM92);
- :func:`bell_diagonal_chsh`: the largest CHSH value of a Bell-diagonal pair with
  measurements in the X-Z plane.

Bell vectors are in qfab's order ``(Phi+, Psi-, Psi+, Phi-)``, the ideal pair ``Phi+``
(:mod:`qfab.physics.bell_diagonal`).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray

__all__ = ["bell_diagonal_chsh", "bell_diagonal_qber", "detector_dark_probability",
           "receiver_background"]


def receiver_background(dark_count_rate: ArrayLike, window: ArrayLike) -> FloatArray:
    """Probability ``Y0 = 1 - exp(-2 r w)`` that either of two detectors clicks in the dark.

    Each detector's dark counts are a Poisson process of rate ``r``; a window ``w`` holds
    none at both with probability ``exp(-2 r w)``.

    Notes
    -----
    ``Y0`` is the background yield of Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), Sec. III
    (for the GYS experiment, ``Y0 = 1.7e-6``, two detectors of ``8.5e-7`` each).
    """
    r = _checks.nonnegative("dark_count_rate", dark_count_rate)
    w = _checks.nonnegative("window", window)
    return _checks.scalar_or_array(-np.expm1(-2.0 * r * w))


def detector_dark_probability(background: ArrayLike) -> FloatArray:
    """Dark-click probability ``p = 1 - sqrt(1 - Y0)`` of each of two independent detectors
    whose background together is ``Y0 = 1 - (1 - p)^2``."""
    y0 = _checks.probability("background", background)
    return _checks.scalar_or_array(1.0 - np.sqrt(1.0 - y0))


def _bell(bell: ArrayLike) -> FloatArray:
    vector = np.asarray(bell, dtype=np.float64)
    if vector.shape[-1:] != (4,):
        raise ValueError(f"bell: the last axis must hold the 4 Bell weights, got shape "
                         f"{vector.shape}")
    return vector


def bell_diagonal_qber(bell: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Error rates ``(Q_Z, Q_X)`` of a Bell-diagonal pair measured in matching bases.

    In the ``Phi+`` frame a Z measurement gives different bits on ``Psi+`` and ``Psi-``, an
    X measurement on ``Psi-`` and ``Phi-``: ``Q_Z = p(Psi+) + p(Psi-)``,
    ``Q_X = p(Psi-) + p(Phi-)``. A Werner pair of visibility ``V`` has ``Q = (1 - V)/2`` in
    both bases.

    Notes
    -----
    Source: C. H. Bennett, G. Brassard, N. D. Mermin, PRL 68, 557 (1992) (BBM92); the
    correlations ``<ZZ> = p(Phi+) + p(Phi-) - p(Psi+) - p(Psi-)``,
    ``<XX> = p(Phi+) + p(Psi+) - p(Phi-) - p(Psi-)`` of the Bell states.
    """
    vector = _bell(bell)
    phi_plus, psi_minus, psi_plus, phi_minus = np.moveaxis(vector, -1, 0)
    return (_checks.scalar_or_array(np.asarray(psi_plus + psi_minus, dtype=np.float64)),
            _checks.scalar_or_array(np.asarray(psi_minus + phi_minus, dtype=np.float64)))


def bell_diagonal_chsh(bell: ArrayLike) -> FloatArray:
    """Largest CHSH value ``S = 2 sqrt(T_ZZ^2 + T_XX^2)`` with measurements in the X-Z plane.

    ``T_ZZ = 1 - 2 Q_Z`` and ``T_XX = 1 - 2 Q_X`` are the correlations of
    :func:`bell_diagonal_qber`; a Werner pair of visibility ``V`` gives ``2 sqrt(2) V``.

    Notes
    -----
    Source: R. Horodecki, P. Horodecki, M. Horodecki, "Violating Bell inequality by mixed
    spin-1/2 states: necessary and sufficient condition", Phys. Lett. A 200, 340 (1995)
    (the maximum over settings in a plane of the correlation matrix).
    """
    q_z, q_x = bell_diagonal_qber(bell)
    t_zz = 1.0 - 2.0 * np.asarray(q_z)
    t_xx = 1.0 - 2.0 * np.asarray(q_x)
    return _checks.scalar_or_array(np.asarray(2.0 * np.sqrt(t_zz ** 2 + t_xx ** 2),
                                              dtype=np.float64))


#: Tsirelson's bound, the largest CHSH value of any quantum state.
TSIRELSON = 2.0 * math.sqrt(2.0)
