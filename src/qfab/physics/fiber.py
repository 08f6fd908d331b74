"""Optical fibre: loss and propagation delay.

All lengths are in metres, times in seconds and attenuation coefficients in dB per
metre (0.2 dB/km is ``2e-4`` dB/m).
"""

from __future__ import annotations

from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray

__all__ = ["SPEED_OF_LIGHT_IN_FIBER", "propagation_delay", "transmittance"]

#: Group velocity of light in standard silica fibre, m/s (c/n with n ≈ 1.5).
SPEED_OF_LIGHT_IN_FIBER = 2.0e8


def transmittance(length: ArrayLike, attenuation_db_per_m: ArrayLike) -> FloatArray:
    """Power transmittance of a fibre of a given length.

    ``eta = 10 ** (-attenuation_db_per_m * length / 10)``.

    Parameters
    ----------
    length : array_like
        Fibre length in metres, ``>= 0``.
    attenuation_db_per_m : array_like
        Attenuation coefficient in dB per metre, ``>= 0`` (0.2 dB/km is ``2e-4``).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Transmittance in [0, 1], of the broadcast shape of the inputs (a NumPy scalar for
        scalar inputs). It is the probability that one photon survives the fibre.

    Notes
    -----
    Source: the definition of the attenuation coefficient in decibels,
    ``alpha_dB = -(10 / L) log10(P_out / P_in)``, G. P. Agrawal, *Fiber-Optic
    Communication Systems*, 4th ed. (Wiley, 2010), Sec. 2.5.1; the same definition is
    used for the channel transmissivity in Pirandola et al., Nat. Commun. 8, 15043 (2017).

    Examples
    --------
    >>> float(transmittance(50e3, 2e-4))  # 50 km at 0.2 dB/km
    0.1
    """
    length_ = _checks.nonnegative("length", length)
    attenuation = _checks.nonnegative("attenuation_db_per_m", attenuation_db_per_m)
    return _checks.scalar_or_array(10.0 ** (-attenuation * length_ / 10.0))


def propagation_delay(
    length: ArrayLike, *, speed: ArrayLike = SPEED_OF_LIGHT_IN_FIBER
) -> FloatArray:
    """Time a signal takes to travel through a fibre.

    ``delay = length / speed``.

    Parameters
    ----------
    length : array_like
        Fibre length in metres, ``>= 0``.
    speed : array_like, optional
        Signal (group) velocity in m/s, ``> 0``; defaults to
        :data:`SPEED_OF_LIGHT_IN_FIBER` (2e8 m/s).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Delay in seconds, of the broadcast shape of the inputs.

    Notes
    -----
    Source: kinematics with the group index n_g ≈ 1.5 of silica fibre at 1550 nm,
    ``v = c / n_g`` (Agrawal, *Fiber-Optic Communication Systems*, 4th ed., Sec. 2.4).
    """
    length_ = _checks.nonnegative("length", length)
    speed_ = _checks.positive("speed", speed)
    return _checks.scalar_or_array(length_ / speed_)
