"""Rounding-error bounds for tests that compare floating-point sums with a boundary.

A sum computed in float64 differs from the exact sum of the same terms by at most
``gamma_k * sum(|x_i|)``, where ``k`` is the largest number of additions any term goes
through and ``gamma_k = k u / (1 - k u)``, ``u = 2**-53`` (Higham, *Accuracy and Stability of
Numerical Algorithms*, 2nd ed., SIAM 2002, Sec. 4.2, eq. (4.3) and the pairwise bound (4.6)).
"""

from __future__ import annotations

import math

__all__ = ["PMF_SUM_ROUNDING", "UNIT_ROUNDOFF", "gamma", "numpy_sum_error"]

#: Unit roundoff of IEEE double precision.
UNIT_ROUNDOFF = 2.0 ** -53


def gamma(k: int) -> float:
    """``gamma_k = k u / (1 - k u)``: the relative error bound of ``k`` rounded operations."""
    return k * UNIT_ROUNDOFF / (1 - k * UNIT_ROUNDOFF)


def numpy_sum_error(n_terms: int, magnitude: float = 1.0) -> float:
    """Bound on the rounding error of ``numpy.sum`` over ``n_terms`` contiguous float64 terms
    whose absolute values add up to ``magnitude``.

    NumPy sums pairwise: halves down to blocks of at most 128 terms, each block summed by 8
    running accumulators of at most 16 terms (15 additions), joined in 3 levels, plus at most
    7 leftover terms added one by one. A term goes through at most
    ``25 + ceil(log2(n / 128))`` additions. Any order of summation is also bounded by
    ``gamma_{n-1}`` (recursive summation), so the smaller bound is returned.

    Examples
    --------
    >>> numpy_sum_error(1) == 0.0
    True
    >>> numpy_sum_error(2**24) < 5e-15
    True
    """
    if n_terms <= 1:
        return 0.0
    depth = 25 + max(0, math.ceil(math.log2(n_terms / 128)))
    return gamma(min(depth, n_terms - 1)) * magnitude


#: How well the mass beyond the cut of a waiting-time PMF is known: the grid's own
#: ``numpy.sum`` over at most its longest grid (2**24 steps) of entries adding up to about 1,
#: plus a test's correctly rounded ``math.fsum`` and the subtraction from 1. A test compares
#: that mass with a ``tail`` to this accuracy.
PMF_SUM_ROUNDING = numpy_sum_error(2**24) + 2 * UNIT_ROUNDOFF
