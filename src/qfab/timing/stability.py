"""Time deviation (TDEV) and Allan deviation (ADEV) of phase data, by allantools.

The estimators are the overlapping ones of Riley, *Handbook of Frequency Stability
Analysis*, NIST SP 1065 (2008): TDEV (Sec. 5.2.6, from the modified Allan variance,
``TDEV^2 = tau^2 Mod sigma_y^2 / 3``) and the overlapping Allan deviation (Sec. 5.2.4);
allantools (Wallin et al., https://github.com/aewallin/allantools) computes them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["adev", "octave_taus", "tdev"]

FloatArray = NDArray[np.float64]


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
    raise NotImplementedError


def tdev(x: ArrayLike, tau0: float,
         taus: ArrayLike | None = None) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Time deviation of phase (time-offset) samples ``x`` taken every ``tau0`` seconds.

    Returns
    -------
    taus, tdev, errors : numpy.ndarray
        Averaging times (s), TDEV (s) and its 1-sigma error bars (s).
    """
    raise NotImplementedError


def adev(x: ArrayLike, tau0: float,
         taus: ArrayLike | None = None) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Overlapping Allan deviation of phase samples ``x`` taken every ``tau0`` seconds."""
    raise NotImplementedError
