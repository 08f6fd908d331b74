"""Two-way time transfer with time-correlated photon pairs: the closed forms.

Each end of a fibre link has a pair source; one photon of a pair is detected at its own
end, its partner travels to the other end. Two time-tagged streams are cross-correlated;
the coincidence peak sits at the one-way delay plus the clocks' offset. A symmetric
two-way exchange (both directions) cancels the common delay and leaves the offset, with a
bias of half the directions' delay difference.

All quantities SI: seconds, metres, hertz; the dispersion parameter ``D`` in s/m^2
(1 ps/(nm km) = 1e-6 s/m^2), bandwidths in metres of wavelength.

Sources: the precision model of the project's reference list (REFERENCES CLOCK-QTT-02);
Hou et al., Optica 6, 1018 (2019) ("Fiber-optic two-way quantum time transfer with
frequency-entangled pulses"); Lee et al., npj Quantum Inf. 5, 79 (2019) ("Symmetrical
clock synchronization with time-correlated photon pairs"); Franson, PRA 45, 3126 (1992)
(nonlocal cancellation of dispersion); Riley, *Handbook of Frequency Stability Analysis*,
NIST SP 1065 (2008) (time deviation of white phase noise).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray

__all__ = [
    "GROUP_INDEX_SMF28",
    "SPEED_OF_LIGHT",
    "accidental_rate",
    "asymmetry_bias",
    "coincidence_spread",
    "dispersion_spread",
    "fwhm_to_sigma",
    "offset_precision",
    "offset_precision_with_background",
    "tdev_model",
    "time_to_target",
    "two_way_precision",
    "uniform_sigma",
]

#: Group index of Corning SMF28 Ultra fibre at 1550 nm (Corning product information sheet
#: PI1424, effective group index; the catalog's standard fibre).
GROUP_INDEX_SMF28: float = 1.4682
#: Speed of light in vacuum, m/s (exact, SI definition).
SPEED_OF_LIGHT: float = 299_792_458.0

_FWHM_PER_SIGMA = 2.0 * math.sqrt(2.0 * math.log(2.0))


def fwhm_to_sigma(fwhm: ArrayLike) -> FloatArray:
    """Standard deviation of a Gaussian of a given full width at half maximum.

    ``sigma = fwhm / (2 sqrt(2 ln 2))`` (about ``fwhm / 2.3548``).

    Parameters
    ----------
    fwhm : array_like
        Full width at half maximum, ``>= 0`` (any unit; the result has the same).

    Returns
    -------
    numpy.ndarray or numpy.float64
        The Gaussian's standard deviation.

    Notes
    -----
    Source: the Gaussian density ``exp(-t^2 / (2 sigma^2))`` falls to one half at
    ``t = sigma sqrt(2 ln 2)``.

    Examples
    --------
    >>> round(float(fwhm_to_sigma(2.3548200450309493)), 12)
    1.0
    """
    return _checks.scalar_or_array(_checks.nonnegative("fwhm", fwhm) / _FWHM_PER_SIGMA)


def uniform_sigma(width: ArrayLike) -> FloatArray:
    """Standard deviation of a uniform distribution of a given width (rounding to a bin).

    ``sigma = width / sqrt(12)``: a time tagger of resolution (bin) ``width`` rounds each
    timestamp to its bin, an error uniform in the bin.

    Parameters
    ----------
    width : array_like
        Width of the uniform distribution, ``>= 0``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Its standard deviation.

    Notes
    -----
    Source: the variance of a uniform distribution on an interval of length ``w`` is
    ``w^2 / 12`` (quantisation noise, Widrow & Kollar, *Quantization Noise*, 2008, Ch. 4).

    Examples
    --------
    >>> round(float(uniform_sigma(1.0)) ** 2 * 12, 12)
    1.0
    """
    return _checks.scalar_or_array(_checks.nonnegative("width", width) / math.sqrt(12.0))


def dispersion_spread(dispersion: ArrayLike, length: ArrayLike,
                      bandwidth: ArrayLike) -> FloatArray:
    """Arrival-time spread from chromatic dispersion: ``|D| L dlambda``.

    Parameters
    ----------
    dispersion : array_like
        Dispersion parameter ``D`` in s/m^2 (1 ps/(nm km) = 1e-6 s/m^2); its sign does not
        matter.
    length : array_like
        Fibre length in metres, ``>= 0``.
    bandwidth : array_like
        Spectral width ``dlambda`` of the photon in metres of wavelength, ``>= 0``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The spread in seconds (the group-delay difference across the bandwidth).

    Notes
    -----
    Source: the group delay per unit length changes by ``D`` per unit of wavelength,
    ``d tau_g = D L d lambda`` (Agrawal, *Fiber-Optic Communication Systems*, 4th ed.,
    Sec. 2.4.1); REFERENCES CLOCK-QTT-02 (17 ps/(nm km) x 50 km x 0.8 nm = 680 ps).

    Examples
    --------
    >>> round(float(dispersion_spread(17e-6, 50e3, 0.8e-9)) * 1e12, 9)  # ps
    680.0
    """
    d = np.abs(_checks.as_float("dispersion", dispersion))
    length_ = _checks.nonnegative("length", length)
    band = _checks.nonnegative("bandwidth", bandwidth)
    return _checks.scalar_or_array(d * length_ * band)


def coincidence_spread(*sigmas: ArrayLike) -> FloatArray:
    """Spread of one coincidence's time difference: independent terms in quadrature.

    ``sigma_c = sqrt(sum_i sigma_i^2)`` over the detectors' jitters, the taggers'
    rounding, the dispersion spread and the biphoton correlation time.

    Parameters
    ----------
    *sigmas : array_like
        Standard deviations of independent contributions, each ``>= 0``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The standard deviation of their sum.

    Notes
    -----
    Source: variances of independent random variables add; REFERENCES CLOCK-QTT-02.

    Examples
    --------
    >>> float(coincidence_spread(3.0, 4.0))
    5.0
    """
    total = np.zeros(())
    for index, sigma in enumerate(sigmas):
        total = total + _checks.nonnegative(f"sigmas[{index}]", sigma) ** 2
    return _checks.scalar_or_array(np.sqrt(total))


def accidental_rate(singles_a: ArrayLike, singles_b: ArrayLike,
                    window: ArrayLike) -> FloatArray:
    """Rate of accidental coincidences inside a window: ``S_A S_B W``.

    Parameters
    ----------
    singles_a, singles_b : array_like
        Singles rates at the two detectors in Hz, ``>= 0``.
    window : array_like
        Coincidence window ``W`` in seconds, ``>= 0`` (full width).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Accidental coincidences per second inside the window.

    Notes
    -----
    Source: two independent Poisson streams of rates ``S_A`` and ``S_B``; for each event
    of A the chance that one of B falls in a window ``W`` is ``S_B W`` (``S_B W << 1``);
    REFERENCES CLOCK-QTT-02.

    Examples
    --------
    >>> round(float(accidental_rate(1e5, 2e5, 1e-9)), 9)
    20.0
    """
    a = _checks.nonnegative("singles_a", singles_a)
    b = _checks.nonnegative("singles_b", singles_b)
    w = _checks.nonnegative("window", window)
    return _checks.scalar_or_array(a * b * w)


def _directions(directions: int) -> int:
    if directions not in (1, 2):
        raise ValueError(f"directions: must be 1 (one-way) or 2 (two-way), got {directions}")
    return directions


def offset_precision(sigma_c: ArrayLike, rate: ArrayLike, tau: ArrayLike, *,
                     directions: int = 2) -> FloatArray:
    """Standard deviation of the clock-offset estimate after averaging ``tau`` seconds.

    ``sigma = sigma_c / sqrt(k R tau)`` with ``k = 2`` for a symmetric two-way exchange
    (the offset is half the difference of two one-way means, each over ``R tau``
    coincidences) and ``k = 1`` one-way.

    Parameters
    ----------
    sigma_c : array_like
        Spread of one coincidence in seconds, ``>= 0``.
    rate : array_like
        Coincidences per second per direction, ``> 0``.
    tau : array_like
        Averaging time in seconds, ``> 0``.
    directions : {1, 2}, optional
        One-way (1) or two-way (2, the default).

    Returns
    -------
    numpy.ndarray or numpy.float64
        The precision in seconds.

    Notes
    -----
    Source: the standard error of a mean of ``N = R tau`` samples, ``sigma_c / sqrt(N)``;
    two-way: ``(m_ab - m_ba) / 2`` has variance ``2 sigma_c^2 / (4 N)``. Lee et al., npj
    Quantum Inf. 5, 79 (2019); Hou et al., Optica 6, 1018 (2019); REFERENCES CLOCK-QTT-02.

    Examples
    --------
    >>> round(float(offset_precision(10e-12, 50.0, 1.0)) * 1e12, 9)
    1.0
    >>> round(float(offset_precision(10e-12, 100.0, 1.0, directions=1)) * 1e12, 9)
    1.0
    """
    k = _directions(directions)
    s = _checks.nonnegative("sigma_c", sigma_c)
    r = _checks.positive("rate", rate)
    t = _checks.positive("tau", tau)
    return _checks.scalar_or_array(s / np.sqrt(k * r * t))


def offset_precision_with_background(sigma_c: ArrayLike, signal: ArrayLike,
                                     background: ArrayLike, window: ArrayLike) -> FloatArray:
    """Precision of one mean over a window that also holds accidental coincidences.

    ``sigma = sqrt(N_s sigma_c^2 + N_b W^2 / 12) / (N_s + N_b)``: the mean of ``N_s``
    true coincidences (spread ``sigma_c``) and ``N_b`` accidentals uniform in a window
    ``W`` centred on the peak.

    Parameters
    ----------
    sigma_c : array_like
        Spread of one true coincidence in seconds, ``>= 0``.
    signal : array_like
        True coincidences in the estimate, ``>= 0``.
    background : array_like
        Accidental coincidences in the window, ``>= 0`` (``signal + background > 0``).
    window : array_like
        Coincidence window ``W`` in seconds (full width), ``>= 0``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The standard deviation of the mean, in seconds.

    Notes
    -----
    Source: the variance of a sum of independent terms; an accidental uniform in
    ``[-W/2, W/2]`` has variance ``W^2 / 12``. REFERENCES CLOCK-QTT-02.

    Examples
    --------
    >>> round(float(offset_precision_with_background(10e-12, 100.0, 0.0, 1e-9)) * 1e12, 9)
    1.0
    """
    s = _checks.nonnegative("sigma_c", sigma_c)
    n_s = _checks.nonnegative("signal", signal)
    n_b = _checks.nonnegative("background", background)
    w = _checks.nonnegative("window", window)
    total = n_s + n_b
    if np.asarray(total <= 0.0).any():
        raise ValueError("signal + background: must be > 0")
    return _checks.scalar_or_array(np.sqrt(n_s * s**2 + n_b * w**2 / 12.0) / total)


def tdev_model(tau: ArrayLike, sigma_c: ArrayLike, rate: ArrayLike, floor: ArrayLike, *,
               directions: int = 2) -> FloatArray:
    """Time deviation of the offset estimates: white phase noise down to a flat floor.

    ``TDEV(tau) = sqrt(sigma_c^2 / (k R tau) + floor^2)``.

    Parameters
    ----------
    tau : array_like
        Averaging time in seconds, ``> 0``.
    sigma_c : array_like
        Spread of one coincidence in seconds, ``>= 0``.
    rate : array_like
        Coincidences per second per direction, ``> 0``.
    floor : array_like
        Flat TDEV of the environmental (flicker phase) noise, seconds, ``>= 0``.
    directions : {1, 2}, optional
        One-way (1) or two-way (2, the default).

    Returns
    -------
    numpy.ndarray or numpy.float64
        TDEV in seconds.

    Notes
    -----
    Source: for white phase noise of per-sample deviation ``sigma_x`` at ``tau0``,
    ``TDEV(tau) = sigma_x / sqrt(tau / tau0)`` (Riley, NIST SP 1065 (2008), Sec. 5.2.6
    and Table 5); with ``sigma_x = sigma_c / sqrt(k R tau0)`` this is the first term.
    Flicker phase noise has a flat TDEV; independent noises add in variance.
    REFERENCES CLOCK-QTT-02.

    Examples
    --------
    >>> round(float(tdev_model(1.0, 10e-12, 50.0, 0.0)) * 1e12, 9)
    1.0
    >>> round(float(tdev_model(1e12, 10e-12, 50.0, 3e-13)) * 1e12, 6)
    0.3
    """
    white = offset_precision(sigma_c, rate, tau, directions=directions)
    f = _checks.nonnegative("floor", floor)
    return _checks.scalar_or_array(np.sqrt(white**2 + f**2))


def asymmetry_bias(length_difference: ArrayLike,
                   group_index: ArrayLike = GROUP_INDEX_SMF28) -> FloatArray:
    """Bias of a two-way offset estimate from a path asymmetry: ``n_g dL / (2 c)``.

    Parameters
    ----------
    length_difference : array_like
        One-way fibre length of the ``b -> a`` direction minus that of ``a -> b``, metres
        (signed).
    group_index : array_like, optional
        Group index of the fibre, ``> 0``; SMF28 Ultra at 1550 nm by default.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The bias in seconds (signed as the offset estimate ``(d_ba - d_ab)/2`` reads it).

    Notes
    -----
    Source: a two-way exchange measures ``(t_ab - t_ba) / 2 = offset + (d_ab - d_ba) / 2``;
    only the symmetric part of the delay cancels, and a length difference ``dL`` adds
    ``n_g dL / c`` to one direction. REFERENCES CLOCK-QTT-02 (2.449 ps per mm); Lee et al.,
    npj Quantum Inf. 5, 79 (2019).

    Examples
    --------
    >>> round(float(asymmetry_bias(1e-3)) * 1e12, 3)  # ps per mm
    2.449
    """
    dl = _checks.as_float("length_difference", length_difference)
    n = _checks.positive("group_index", group_index)
    return _checks.scalar_or_array(n * dl / (2.0 * SPEED_OF_LIGHT))


def time_to_target(target: ArrayLike, sigma_c: ArrayLike, rate: ArrayLike,
                   floor: ArrayLike, *, directions: int = 2) -> FloatArray:
    """Averaging time at which :func:`tdev_model` reaches a target.

    ``tau = sigma_c^2 / (k R (target^2 - floor^2))``; ``inf`` when ``target <= floor``.

    Parameters
    ----------
    target : array_like
        Target precision (TDEV) in seconds, ``> 0``.
    sigma_c : array_like
        Spread of one coincidence in seconds, ``>= 0``.
    rate : array_like
        Coincidences per second per direction, ``> 0``.
    floor : array_like
        Flat TDEV floor in seconds, ``>= 0``.
    directions : {1, 2}, optional
        One-way (1) or two-way (2, the default).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Seconds of averaging (``inf`` when the floor is at or above the target).

    Notes
    -----
    Source: :func:`tdev_model` solved for ``tau``; REFERENCES CLOCK-QTT-02.

    Examples
    --------
    >>> round(float(time_to_target(1e-12, 10e-12, 50.0, 0.0)), 9)
    1.0
    >>> float(time_to_target(1e-12, 10e-12, 50.0, 1e-12))
    inf
    """
    k = _directions(directions)
    t = _checks.positive("target", target)
    s = _checks.nonnegative("sigma_c", sigma_c)
    r = _checks.positive("rate", rate)
    f = _checks.nonnegative("floor", floor)
    margin = t**2 - f**2
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = np.where(margin > 0.0, s**2 / (k * r * np.where(margin > 0.0, margin, 1.0)),
                       np.inf)
    return _checks.scalar_or_array(tau)


def two_way_precision(sigma_ab: ArrayLike, coincidences_ab: ArrayLike, sigma_ba: ArrayLike,
                      coincidences_ba: ArrayLike) -> FloatArray:
    """Precision of a two-way offset estimate from unequal counts in the two directions.

    ``sigma = sqrt(sigma_ab^2 / N_ab + sigma_ba^2 / N_ba) / 2``; with one spread
    ``sigma_eff`` for both, ``sqrt(sigma_eff^2 / 4 (1 / N_ab + 1 / N_ba))``. A satellite
    pass observes the downlink and the uplink over the same slices but with different
    transmittances, so each direction's mean has its own count.

    Parameters
    ----------
    sigma_ab, sigma_ba : array_like
        Effective spread of one coincidence of each direction (accidentals included, as
        :func:`offset_precision_with_background` gives it times ``sqrt(N)``), seconds,
        ``>= 0``.
    coincidences_ab, coincidences_ba : array_like
        Coincidences of each direction in the estimate, ``> 0``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The standard deviation of the estimate, seconds.

    Notes
    -----
    Source: the estimate ``(m_ab - m_ba) / 2`` of two independent means, of variances
    ``sigma_ab^2 / N_ab`` and ``sigma_ba^2 / N_ba``; with ``N_ab = N_ba = R tau`` it is
    :func:`offset_precision` (``k = 2``). Lee et al., npj Quantum Inf. 5, 79 (2019);
    REFERENCES CLOCK-QTT-02.

    Examples
    --------
    >>> round(float(two_way_precision(10e-12, 50.0, 10e-12, 50.0)) * 1e12, 9)
    1.0
    >>> round(float(two_way_precision(10e-12, 1e4, 10e-12, 100.0)) * 1e12, 6)
    0.502494
    """
    s_ab = _checks.nonnegative("sigma_ab", sigma_ab)
    s_ba = _checks.nonnegative("sigma_ba", sigma_ba)
    n_ab = _checks.positive("coincidences_ab", coincidences_ab)
    n_ba = _checks.positive("coincidences_ba", coincidences_ba)
    return _checks.scalar_or_array(0.5 * np.sqrt(s_ab**2 / n_ab + s_ba**2 / n_ba))
