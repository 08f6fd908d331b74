"""Time deviation (TDEV) and Allan deviation (ADEV) of phase data, by allantools.

The estimators are the overlapping ones of Riley, *Handbook of Frequency Stability
Analysis*, NIST SP 1065 (2008): TDEV (Sec. 5.2.6, from the modified Allan variance,
``TDEV^2 = tau^2 Mod sigma_y^2 / 3``) and the overlapping Allan deviation (Sec. 5.2.4);
allantools (Wallin et al., https://github.com/aewallin/allantools) computes them. The
error bars are one standard error from the equivalent degrees of freedom of Greenhall &
Riley, "Uncertainty of stability variances based on finite differences", PTTI 2003
(``allantools.edf_greenhall``): ``SE = dev / sqrt(2 edf)``, for a stated noise type.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["WHITE_PM", "FLICKER_PM", "WHITE_FM", "FLICKER_FM", "RANDOM_WALK_FM", "adev",
           "octave_taus", "standard_errors", "tdev"]

FloatArray = NDArray[np.float64]


def _allantools() -> ModuleType:
    """allantools, imported on first use (it loads scipy.stats: about a second)."""
    import allantools

    module: ModuleType = allantools
    return module

#: Power-law exponents ``alpha`` of the fractional-frequency PSD ``S_y ~ f^alpha``.
WHITE_PM, FLICKER_PM, WHITE_FM, FLICKER_FM, RANDOM_WALK_FM = 2, 1, 0, -1, -2


def octave_taus(tau0: float, span: float) -> FloatArray:
    """Averaging times ``tau0 * 2**m`` up to ``span / 3`` (at least ``tau0``).

    Parameters
    ----------
    tau0 : float
        Sampling interval in seconds, ``> 0``.
    span : float
        Length of the record in seconds.

    Returns
    -------
    numpy.ndarray
        The averaging times in seconds, increasing.

    Examples
    --------
    >>> octave_taus(1.0, 30.0).tolist()
    [1.0, 2.0, 4.0, 8.0]
    """
    if tau0 <= 0.0:
        raise ValueError(f"tau0: must be > 0, got {tau0}")
    top = max(int(np.floor(np.log2(max(span / 3.0, tau0) / tau0) + 1e-9)), 0)
    return np.asarray(tau0 * 2.0 ** np.arange(top + 1), dtype=np.float64)


def _prepare(x: ArrayLike, tau0: float, taus: ArrayLike | None) -> tuple[FloatArray,
                                                                         FloatArray]:
    phase = np.asarray(x, dtype=np.float64)
    if phase.ndim != 1 or phase.size < 3:
        raise ValueError(f"x: needs a 1-d record of at least 3 samples, got {phase.shape}")
    if not np.isfinite(phase).all():
        raise ValueError("x: must be finite (no NaN: fill or drop gaps first)")
    if tau0 <= 0.0:
        raise ValueError(f"tau0: must be > 0, got {tau0}")
    wanted = (octave_taus(tau0, tau0 * phase.size) if taus is None
              else np.asarray(taus, dtype=np.float64))
    return phase, np.atleast_1d(wanted)


def _edf(alpha: int, m: int, n: int, modified: bool) -> float:
    """Greenhall's EDF; the simple approximation where allantools has no formula."""
    try:
        return float(_allantools().edf_greenhall(alpha=alpha, d=2, m=m, N=n, overlapping=True,
                                              modified=modified))
    except NotImplementedError:
        # Riley, NIST SP 1065, Table 12 (the empirical EDF of the overlapping ADEV)
        return float(_allantools().edf_simple(n, m, alpha))


def standard_errors(dev: ArrayLike, taus: ArrayLike, tau0: float, n: int, *,
                    alpha: int = WHITE_PM, modified: bool = True) -> FloatArray:
    """One standard error of overlapping (modified) Allan-type deviations.

    ``SE = dev / sqrt(2 edf)`` with the equivalent degrees of freedom of Greenhall & Riley
    (PTTI 2003) for noise of power-law exponent ``alpha`` (``S_y ~ f^alpha``).

    Parameters
    ----------
    dev : array_like
        The deviations.
    taus : array_like
        Their averaging times, seconds.
    tau0 : float
        Sampling interval, seconds.
    n : int
        Number of phase samples.
    alpha : int, optional
        Noise type (``WHITE_PM = 2`` ... ``RANDOM_WALK_FM = -2``).
    modified : bool, optional
        True for TDEV / MDEV, False for ADEV.

    Returns
    -------
    numpy.ndarray
        The standard errors.
    """
    d = np.asarray(dev, dtype=np.float64)
    m = np.rint(np.asarray(taus, dtype=np.float64) / tau0).astype(int)
    edf = np.array([_edf(alpha, int(mi), n, modified) for mi in m], dtype=np.float64)
    return np.asarray(d / np.sqrt(2.0 * edf), dtype=np.float64)


def tdev(x: ArrayLike, tau0: float, taus: ArrayLike | None = None, *,
         alpha: int = WHITE_PM) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Time deviation of phase (time-offset) samples ``x`` taken every ``tau0`` seconds.

    Parameters
    ----------
    x : array_like
        Phase samples in seconds (finite).
    tau0 : float
        Sampling interval in seconds.
    taus : array_like, optional
        Averaging times (multiples of ``tau0``); :func:`octave_taus` by default.
    alpha : int, optional
        Noise type assumed for the error bars (white PM by default).

    Returns
    -------
    taus, tdev, errors : numpy.ndarray
        Averaging times (s), TDEV (s) and one standard error (s).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(1).standard_normal(4096) * 1e-12
    >>> t, d, e = tdev(x, 1.0, [1.0, 16.0])
    >>> round(float(d[0]) * 1e12, 1), round(float(d[0] / d[1]))  # white PM: 1 ps, 1/sqrt(16)
    (1.0, 4)
    """
    return _deviation("tdev", x, tau0, taus, alpha=alpha, modified=True)


def adev(x: ArrayLike, tau0: float, taus: ArrayLike | None = None, *,
         alpha: int = WHITE_PM) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Overlapping Allan deviation of phase samples ``x`` taken every ``tau0`` seconds.

    Parameters
    ----------
    x : array_like
        Phase samples in seconds (finite).
    tau0 : float
        Sampling interval in seconds.
    taus : array_like, optional
        Averaging times (multiples of ``tau0``); :func:`octave_taus` by default.
    alpha : int, optional
        Noise type assumed for the error bars (white PM by default).

    Returns
    -------
    taus, adev, errors : numpy.ndarray
        Averaging times (s), ADEV (dimensionless) and one standard error.
    """
    return _deviation("oadev", x, tau0, taus, alpha=alpha, modified=False)


def _deviation(name: str, x: ArrayLike, tau0: float, taus: ArrayLike | None, *, alpha: int,
               modified: bool) -> tuple[FloatArray, FloatArray, FloatArray]:
    """allantools' deviation ``name`` of phase samples and its standard errors."""
    phase, wanted = _prepare(x, tau0, taus)
    out_taus, dev, _, _ = getattr(_allantools(), name)(phase, rate=1.0 / tau0,
                                                      data_type="phase", taus=wanted)
    out_taus = np.asarray(out_taus, dtype=np.float64)
    dev = np.asarray(dev, dtype=np.float64)
    return out_taus, dev, standard_errors(dev, out_taus, tau0, phase.size, alpha=alpha,
                                          modified=modified)
