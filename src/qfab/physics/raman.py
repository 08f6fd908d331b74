"""Spontaneous Raman noise of classical light sharing a fibre with a quantum channel (WDM).

A classical signal of launch power ``P`` in a fibre of attenuation ``alpha`` (1/m) scatters
into the quantum channel's band; the power that reaches the quantum receiver is, for a
receiver at the far end (light scattered forward, co-propagating) and at the launch end
(scattered backward, counter-propagating):

* forward: ``P_f = P exp(-alpha L) beta L``;
* backward: ``P_b = P beta (1 - exp(-2 alpha L)) / (2 alpha)``;

with ``beta`` the effective Raman scattering coefficient into the receiver's band (1/m:
the per-nanometre coefficient of the wavelength separation times the filter's bandwidth).
The quantum channel is taken at the classical channel's attenuation. Source: M. Eraerds, N.
Walenta, M. Legré, N. Gisin and H. Zbinden, "Quantum key distribution and 1 Gbps data
encryption over a single fibre", New J. Phys. 12, 063027 (2010), Sec. 3 (their forms
``P_out L beta`` and ``P_out sinh(alpha L) beta / alpha`` with ``P_out = P exp(-alpha L)``);
the same model with measured ``beta`` in K. A. Patel et al., Phys. Rev. X 2, 041010 (2012).

Reference case: RAMAN-WDM-01 (docs/references.md).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray

__all__ = ["PLANCK", "SPEED_OF_LIGHT", "backward_power", "forward_power", "midpoint_arm_powers",
           "midpoint_power", "natural_attenuation", "noise_photons"]

#: Planck constant (J s), exact in the SI since 2019.
PLANCK = 6.62607015e-34
#: Speed of light in vacuum (m/s), exact.
SPEED_OF_LIGHT = 299_792_458.0


def _fibre(launch_power: ArrayLike, length: ArrayLike, attenuation: ArrayLike,
           raman_coefficient: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """The scattering parameters, checked (each ``>= 0``)."""
    return (_checks.nonnegative("launch_power", launch_power),
            _checks.nonnegative("length", length),
            _checks.nonnegative("attenuation", attenuation),
            _checks.nonnegative("raman_coefficient", raman_coefficient))


def forward_power(launch_power: ArrayLike, length: ArrayLike, attenuation: ArrayLike,
                  raman_coefficient: ArrayLike) -> FloatArray:
    """Forward-scattered Raman power reaching a receiver at the far end of the fibre.

    ``P_f = P exp(-alpha L) beta L`` (Eraerds et al., NJP 12, 063027 (2010), Sec. 3): each
    length element scatters ``beta dz`` of the power passing it, and all of it travels the
    rest of the fibre with the signal; it peaks at ``L = 1 / alpha``.

    Parameters
    ----------
    launch_power : array_like
        Classical launch power ``P`` in W, ``>= 0``.
    length : array_like
        Fibre length ``L`` in m, ``>= 0``.
    attenuation : array_like
        Attenuation ``alpha`` in 1/m (natural units: 0.2 dB/km is ``0.2 ln(10) / 10e3``),
        ``>= 0``.
    raman_coefficient : array_like
        Effective scattering coefficient ``beta`` into the receiver's band, 1/m, ``>= 0``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Noise power in W at the receiver.

    Examples
    --------
    >>> float(forward_power(1e-3, 0.0, 4.6e-5, 1e-9))
    0.0
    """
    power, length_, alpha, beta = _fibre(launch_power, length, attenuation, raman_coefficient)
    return _checks.scalar_or_array(power * np.exp(-alpha * length_) * beta * length_)


def backward_power(launch_power: ArrayLike, length: ArrayLike, attenuation: ArrayLike,
                   raman_coefficient: ArrayLike) -> FloatArray:
    """Backward-scattered Raman power reaching a receiver at the launch end of the fibre.

    ``P_b = P beta (1 - exp(-2 alpha L)) / (2 alpha)`` (Eraerds et al., NJP 12, 063027
    (2010), Sec. 3): light scattered at ``z`` returns over ``z``, so the contributions fall
    as ``exp(-2 alpha z)`` and saturate at ``P beta / (2 alpha)`` in a long fibre; without
    loss it is ``P beta L``.

    Parameters
    ----------
    launch_power, length, attenuation, raman_coefficient : array_like
        As for :func:`forward_power`.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Noise power in W at the receiver.

    Examples
    --------
    >>> round(float(backward_power(1e-3, 1e3, 0.0, 1e-9)), 15)  # lossless: P beta L
    1e-09
    """
    power, length_, alpha, beta = _fibre(launch_power, length, attenuation, raman_coefficient)
    two_alpha_l = 2.0 * alpha * length_
    # (1 - exp(-x)) / x -> 1 as x -> 0: expm1 keeps it exact for a lossless fibre
    with np.errstate(invalid="ignore", divide="ignore"):
        growth = np.where(two_alpha_l > 0, -np.expm1(-two_alpha_l) / two_alpha_l, 1.0)
    return _checks.scalar_or_array(power * beta * length_ * growth)


def natural_attenuation(attenuation_db_per_m: ArrayLike) -> FloatArray:
    """Attenuation coefficient ``alpha`` in 1/m (natural units) from one in dB/m.

    ``alpha = A ln(10) / 10``: a power falls as ``10^(-A z / 10) = exp(-alpha z)``
    (definition of the decibel).

    Parameters
    ----------
    attenuation_db_per_m : array_like
        Attenuation ``A`` in dB/m, ``>= 0``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``alpha`` in 1/m.

    Examples
    --------
    >>> round(float(natural_attenuation(0.2e-3)) * 1e3, 6)  # 0.2 dB/km in 1/km
    0.046052
    """
    attenuation = _checks.nonnegative("attenuation_db_per_m", attenuation_db_per_m)
    return _checks.scalar_or_array(attenuation * np.log(10.0) / 10.0)


def midpoint_arm_powers(launch_power: ArrayLike, length: ArrayLike, attenuation: ArrayLike,
                        raman_coefficient: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """The two parts of :func:`midpoint_power`, by the arm of the fibre they arrive through.

    The station at ``L / 2`` receives, through the arm of the end that launches the light,
    the light scattered forward in that half, ``P_f(P, L/2)``, and through the other arm the
    light scattered backward in the second half, where the signal arrives with
    ``P exp(-alpha L / 2)``: ``P_b(P exp(-alpha L/2), L/2)`` (:func:`forward_power`,
    :func:`backward_power`; Eraerds et al., NJP 12, 063027 (2010), Sec. 3, applied to each
    half).

    Parameters
    ----------
    launch_power, length, attenuation, raman_coefficient : array_like
        As for :func:`forward_power`; ``length`` is the whole fibre's.

    Returns
    -------
    launch_arm, other_arm : numpy.ndarray or numpy.float64
        Noise power in W at the station from the launching end's arm (forward scattering)
        and from the other arm (backward scattering); their sum is :func:`midpoint_power`.

    Examples
    --------
    >>> launch, other = midpoint_arm_powers(1e-3, 2e3, 0.0, 1e-9)  # lossless: P beta L/2
    >>> round(float(launch), 15), round(float(other), 15)
    (1e-09, 1e-09)
    """
    power, length_, alpha, beta = _fibre(launch_power, length, attenuation, raman_coefficient)
    half = length_ / 2.0
    at_station = power * np.exp(-alpha * half)
    return (forward_power(power, half, alpha, beta),
            backward_power(at_station, half, alpha, beta))


def midpoint_power(launch_power: ArrayLike, length: ArrayLike, attenuation: ArrayLike,
                   raman_coefficient: ArrayLike) -> FloatArray:
    """Raman power reaching a station at the middle of a fibre that carries classical light.

    The classical signal is launched at one end of a fibre of length ``L``; the station at
    ``L / 2`` receives the light scattered forward in the first half and the light scattered
    backward in the second half, where the signal arrives with ``P exp(-alpha L / 2)``:
    ``P_mid = P_f(P, L/2) + P_b(P exp(-alpha L/2), L/2)`` with :func:`forward_power` and
    :func:`backward_power` (Eraerds et al., NJP 12, 063027 (2010), Sec. 3, applied to each
    half). The result does not depend on which end launches the light.

    Parameters
    ----------
    launch_power, length, attenuation, raman_coefficient : array_like
        As for :func:`forward_power`; ``length`` is the whole fibre's.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Noise power in W at the midpoint station.

    Examples
    --------
    >>> p = float(midpoint_power(1e-3, 2e3, 0.0, 1e-9))  # lossless: P beta L/2 twice
    >>> round(p, 15)
    2e-09
    """
    launch_arm, other_arm = midpoint_arm_powers(launch_power, length, attenuation,
                                                raman_coefficient)
    return _checks.scalar_or_array(launch_arm + other_arm)


def noise_photons(power: ArrayLike, wavelength: ArrayLike, window: ArrayLike, *,
                  efficiency: ArrayLike = 1.0) -> FloatArray:
    """Mean noise photons a detector counts in one detection window.

    ``n = eta P window lambda / (h c)``: the power over the photon energy ``h c / lambda``
    gives the photon flux (Planck relation), of which the detector registers ``eta`` in each
    window.

    Parameters
    ----------
    power : array_like
        Noise power in W at the detector's input, ``>= 0``.
    wavelength : array_like
        Wavelength of the quantum channel in m, ``> 0``.
    window : array_like
        Detection window in s, ``>= 0``.
    efficiency : array_like, optional
        Detector efficiency ``eta`` in [0, 1].

    Returns
    -------
    numpy.ndarray or numpy.float64
        Mean counts per window.

    Examples
    --------
    >>> round(float(noise_photons(1.28e-19, 1550e-9, 1.0)), 3)  # one 1550 nm photon per s
    0.999
    """
    power_ = _checks.nonnegative("power", power)
    wavelength_ = _checks.positive("wavelength", wavelength)
    window_ = _checks.nonnegative("window", window)
    eta = _checks.probability("efficiency", efficiency)
    return _checks.scalar_or_array(eta * power_ * window_ * wavelength_
                                   / (PLANCK * SPEED_OF_LIGHT))
