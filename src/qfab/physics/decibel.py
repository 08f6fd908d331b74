"""Efficiencies (power ratios) in decibels."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray

__all__ = ["loss_db", "transmittance_db"]


def loss_db(efficiency: ArrayLike) -> FloatArray:
    """Loss in decibels of a stage that passes the fraction ``efficiency`` of the power.

    ``loss_dB = -10 log10(efficiency)``; ``inf`` at ``efficiency = 0``, 0 at 1.

    Parameters
    ----------
    efficiency : array_like
        Power transmittance (the probability that one photon passes) in [0, 1].

    Returns
    -------
    numpy.ndarray or numpy.float64
        Loss in dB, ``>= 0``, of the shape of ``efficiency``.

    Notes
    -----
    Source: the definition of the decibel for a power ratio, as in the attenuation
    coefficient ``alpha_dB = -(10 / L) log10(P_out / P_in)`` (G. P. Agrawal,
    *Fiber-Optic Communication Systems*, 4th ed. (Wiley, 2010), Sec. 2.5.1), of which
    :func:`qfab.physics.fiber.transmittance` is the inverse.

    Examples
    --------
    >>> float(loss_db(0.1))
    10.0
    """
    eta = _checks.probability("efficiency", efficiency)
    with np.errstate(divide="ignore"):
        return _checks.scalar_or_array(np.abs(-10.0 * np.log10(eta)))


def transmittance_db(loss: ArrayLike) -> FloatArray:
    """Power transmittance of a stage with a loss of ``loss`` decibels (an insertion loss).

    ``efficiency = 10 ** (-loss_dB / 10)``, the inverse of :func:`loss_db`.

    Parameters
    ----------
    loss : array_like
        Loss in dB, ``>= 0`` (``inf`` gives 0).

    Returns
    -------
    numpy.ndarray or numpy.float64
        The transmittance in [0, 1], of the shape of ``loss``.

    Notes
    -----
    Source: the definition of the decibel for a power ratio (G. P. Agrawal, *Fiber-Optic
    Communication Systems*, 4th ed. (Wiley, 2010), Sec. 2.5.1), as for :func:`loss_db`;
    the insertion loss of a passive component (an optical switch) is quoted this way.

    Examples
    --------
    >>> float(transmittance_db(10.0))
    0.1
    """
    db = np.asarray(loss, dtype=np.float64)
    if np.any(np.isnan(db)) or np.any(db < 0):
        raise ValueError(f"loss: must be >= 0 dB, got {loss!r}")
    return _checks.scalar_or_array(10.0 ** (-db / 10.0))
