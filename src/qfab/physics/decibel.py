"""Efficiencies (power ratios) in decibels."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray

__all__ = ["loss_db"]


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
