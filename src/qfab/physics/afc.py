"""Atomic frequency comb (AFC) memories: recall efficiency and echo time.

An AFC is an inhomogeneously broadened absorption line shaped into a comb of narrow peaks
spaced by ``Delta`` (Hz). A photon absorbed by the comb is re-emitted as an echo after
``1 / Delta``. With peak optical depth ``d`` (the depth of the comb's teeth), finesse
``F = Delta / gamma`` (spacing over tooth width) and Gaussian teeth, the effective depth of
the comb is ``d / F``. Source for every formula here: M. Afzelius, C. Simon, H. de Riedmatten
and N. Gisin, "Multimode quantum memory based on atomic frequency combs", Phys. Rev. A 79,
052329 (2009), arXiv:0805.4164, Sec. III (forward and backward recall of a comb of Gaussian
peaks).

Reference case: AFC-EFF-01 (docs/references.md).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray

__all__ = ["MAX_FORWARD_EFFICIENCY", "echo_time", "forward_efficiency", "backward_efficiency",
           "spin_wave_efficiency"]

#: The largest forward-recall efficiency of an AFC, ``4 / e**2`` (at ``d / F = 2``, ``F``
#: large): re-absorption in the medium caps it at 54 % (Afzelius et al. 2009).
MAX_FORWARD_EFFICIENCY = 4.0 / np.e**2


def _dephasing(finesse: FloatArray) -> FloatArray:
    """``exp(-7 / F**2)``: the loss from the comb's Gaussian teeth dephasing the echo."""
    return np.exp(-(7.0 / finesse) / finesse)  # not finesse**2, which overflows


def _comb(optical_depth: ArrayLike, finesse: ArrayLike, background_depth: ArrayLike
          ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The comb's parameters, checked: ``d >= 0``, ``F > 0``, ``d0 >= 0``."""
    return (_checks.nonnegative("optical_depth", optical_depth),
            _checks.positive("finesse", finesse),
            _checks.nonnegative("background_depth", background_depth))


def forward_efficiency(optical_depth: ArrayLike, finesse: ArrayLike, *,
                       background_depth: ArrayLike = 0.0) -> FloatArray:
    """Efficiency of the forward-emitted echo of an AFC.

    ``eta_f = (d / F)**2 exp(-d / F) exp(-7 / F**2) exp(-d0)``: the echo builds up as
    ``(d/F)**2`` and is re-absorbed by the comb on its way out (``exp(-d/F)``); ``d0`` is
    the depth of the absorbing background between the teeth.

    Parameters
    ----------
    optical_depth : array_like
        Peak optical depth ``d`` of the comb's teeth, ``>= 0``.
    finesse : array_like
        Comb finesse ``F = Delta / gamma``, ``> 0``.
    background_depth : array_like, optional
        Optical depth ``d0`` of the background absorption, ``>= 0``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Probability that a stored photon is recalled, in [0, 4/e**2].

    Notes
    -----
    Afzelius et al., Phys. Rev. A 79, 052329 (2009), Sec. III (Gaussian peaks); the maximum
    ``4 / e**2 = 0.5413`` is quoted there as 54 %.

    Examples
    --------
    >>> round(float(forward_efficiency(20, 10)), 6)
    0.504743
    """
    depth, finesse_, background = _comb(optical_depth, finesse, background_depth)
    effective = depth / finesse_
    return _checks.scalar_or_array(effective**2 * np.exp(-effective) * _dephasing(finesse_)
                                   * np.exp(-background))


def backward_efficiency(optical_depth: ArrayLike, finesse: ArrayLike, *,
                        background_depth: ArrayLike = 0.0) -> FloatArray:
    """Efficiency of the backward (phase-matched) echo of an AFC.

    ``eta_b = (1 - exp(-d / F))**2 exp(-7 / F**2) exp(-d0)``: read out backwards (the
    control fields' phase matching reversed), the echo is not re-absorbed and the efficiency
    tends to 1 for a deep comb of high finesse.

    Parameters
    ----------
    optical_depth : array_like
        Peak optical depth ``d`` of the comb's teeth, ``>= 0``.
    finesse : array_like
        Comb finesse ``F = Delta / gamma``, ``> 0``.
    background_depth : array_like, optional
        Optical depth ``d0`` of the background absorption, ``>= 0``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Probability that a stored photon is recalled, in [0, 1].

    Notes
    -----
    Afzelius et al., Phys. Rev. A 79, 052329 (2009), Sec. III (backward recall).

    Examples
    --------
    >>> round(float(backward_efficiency(20, 10)), 6), round(float(backward_efficiency(40, 10)), 6)
    (0.6971, 0.898552)
    """
    depth, finesse_, background = _comb(optical_depth, finesse, background_depth)
    return _checks.scalar_or_array((1.0 - np.exp(-depth / finesse_))**2
                                   * _dephasing(finesse_) * np.exp(-background))


def echo_time(comb_spacing: ArrayLike) -> FloatArray:
    """Time after absorption at which an AFC re-emits the photon: ``1 / Delta``.

    Parameters
    ----------
    comb_spacing : array_like
        Frequency spacing ``Delta`` of the comb's teeth in Hz, ``> 0``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Echo time in seconds.

    Notes
    -----
    Afzelius et al., Phys. Rev. A 79, 052329 (2009), Sec. II: the teeth rephase after
    ``2 pi / (2 pi Delta)``.

    Examples
    --------
    >>> float(echo_time(1e6))  # a 1 MHz comb
    1e-06
    """
    return _checks.scalar_or_array(1.0 / _checks.positive("comb_spacing", comb_spacing))


def spin_wave_efficiency(comb_efficiency: ArrayLike, transfer_efficiency: ArrayLike,
                         spin_storage_time: ArrayLike, spin_coherence_time: ArrayLike
                         ) -> FloatArray:
    """Recall efficiency of an on-demand (spin-wave) AFC memory.

    ``eta = eta_AFC * eta_T**2 * exp(-(t_s / T_s)**2)``: a control pulse transfers the
    optical excitation to a spin level before the echo and a second one brings it back, each
    with efficiency ``eta_T``; while in the spin level (``t_s``) the inhomogeneous spin
    broadening dephases the spin wave, a Gaussian decay of the recalled efficiency for a
    Gaussian spin line. ``T_s`` is the storage time at which the efficiency has fallen by
    ``1/e``; a finite ``T_s`` and ``t_s = 0`` give ``eta_AFC eta_T**2``.

    Parameters
    ----------
    comb_efficiency : array_like
        The comb's own recall efficiency ``eta_AFC`` (:func:`forward_efficiency` or
        :func:`backward_efficiency`), in [0, 1].
    transfer_efficiency : array_like
        Efficiency ``eta_T`` of one optical-to-spin transfer pulse, in [0, 1].
    spin_storage_time : array_like
        Time ``t_s >= 0`` (s) spent in the spin level.
    spin_coherence_time : array_like
        ``1/e`` time ``T_s > 0`` (s) of the spin-wave efficiency (``inf``: no decay).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Probability that the stored photon is recalled.

    Notes
    -----
    Afzelius et al., Phys. Rev. A 79, 052329 (2009), Sec. V (on-demand recall: the
    efficiency is multiplied by the two transfer efficiencies and the spin dephasing
    factor); M. Afzelius et al., Phys. Rev. Lett. 104, 040503 (2010) (spin-wave storage in
    Pr:YSO, the Gaussian decay from the inhomogeneous spin linewidth).

    Examples
    --------
    >>> round(float(spin_wave_efficiency(0.5, 0.9, 1e-3, 1e-3)), 6)  # 0.5 * 0.81 / e
    0.148991
    """
    comb = _checks.probability("comb_efficiency", comb_efficiency)
    transfer = _checks.probability("transfer_efficiency", transfer_efficiency)
    stored = _checks.nonnegative("spin_storage_time", spin_storage_time)
    coherence = _checks.positive("spin_coherence_time", spin_coherence_time)
    return _checks.scalar_or_array(comb * transfer**2 * np.exp(-(stored / coherence)**2))
