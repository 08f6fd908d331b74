"""Upper bounds on the secret-key and entanglement rates of a lossy channel without repeaters.

Both bounds are functions of the channel transmittance ``eta`` (the probability that one
photon gets through, e.g. :func:`qfab.physics.fiber.transmittance`) and are in bits per
channel use (per mode, per transmitted pulse); multiply by the number of channel uses per
second (the clock rate) to get bits per second. For ``eta << 1`` both are linear in
``eta``: the PLOB bound is ``eta / ln 2 ≈ 1.44 eta`` and the TGW bound twice that.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray

__all__ = ["plob_bound", "tgw_bound"]

_LN2 = math.log(2.0)


def plob_bound(transmittance: ArrayLike) -> FloatArray:
    """PLOB bound: the repeaterless capacity of the pure-loss channel.

    ``K = -log2(1 - eta)``, evaluated as ``-log1p(-eta) / ln 2`` so that it stays accurate
    (``≈ eta / ln 2``) for tiny ``eta``.

    Parameters
    ----------
    transmittance : array_like
        Channel transmittance ``eta`` in [0, 1] (include detector efficiency in it or not,
        as the comparison requires).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Secret-key (and two-way assisted quantum/entanglement) capacity in bits per channel
        use, ``>= 0``, of the shape of ``transmittance``; ``inf`` at ``eta = 1``.

    Notes
    -----
    Source: S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, "Fundamental limits of
    repeaterless quantum communications", Nat. Commun. 8, 15043 (2017), arXiv:1510.08863,
    main result for the pure-loss channel: ``C(eta) = -log2(1 - eta)``.

    Examples
    --------
    >>> round(float(plob_bound(0.1)), 9)  # 50 km of fibre at 0.2 dB/km
    0.152003093
    """
    eta = _checks.probability("transmittance", transmittance)
    with np.errstate(divide="ignore"):
        return _checks.scalar_or_array(-np.log1p(-eta) / _LN2)


def tgw_bound(transmittance: ArrayLike) -> FloatArray:
    """TGW bound: the squashed-entanglement bound on the key rate of a pure-loss channel.

    ``K_TGW = log2((1 + eta) / (1 - eta))``, evaluated as
    ``(log1p(eta) - log1p(-eta)) / ln 2`` so that it stays accurate (``≈ 2 eta / ln 2``)
    for tiny ``eta``. It is looser than :func:`plob_bound` (about twice it at small ``eta``).

    Parameters
    ----------
    transmittance : array_like
        Channel transmittance ``eta`` in [0, 1].

    Returns
    -------
    numpy.ndarray or numpy.float64
        Upper bound on the secret-key capacity in bits per channel use, ``>= 0``, of the
        shape of ``transmittance``; ``inf`` at ``eta = 1``.

    Notes
    -----
    Source: M. Takeoka, S. Guha, M. M. Wilde, "Fundamental rate-loss tradeoff for optical
    quantum key distribution", Nat. Commun. 5, 5235 (2014), arXiv:1310.0129, main result
    for the pure-loss channel.

    Examples
    --------
    >>> round(float(tgw_bound(0.1)), 9)  # 50 km of fibre at 0.2 dB/km
    0.289506617
    """
    eta = _checks.probability("transmittance", transmittance)
    with np.errstate(divide="ignore"):
        return _checks.scalar_or_array((np.log1p(eta) - np.log1p(-eta)) / _LN2)
