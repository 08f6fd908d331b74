"""Argument checks and array helpers shared by the physics modules (private).

The physics functions are pure and broadcasting; these helpers turn inputs into float
arrays, reject values that are outside a function's domain with a :class:`ValueError`
naming the argument, and return NumPy scalars (not 0-d arrays) for scalar inputs.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

#: Absolute slack allowed on probabilities and normalisation checks (rounding only).
TOLERANCE = 1e-9


def as_float(name: str, value: ArrayLike) -> FloatArray:
    """Return ``value`` as a float64 array; reject NaN."""
    arr = np.asarray(value, dtype=np.float64)
    if np.asarray(np.isnan(arr)).any():
        raise ValueError(f"{name}: must not be NaN")
    return arr


def probability(name: str, value: ArrayLike) -> FloatArray:
    """Return ``value`` as a float64 array, checking ``0 <= value <= 1``."""
    arr = as_float(name, value)
    if np.asarray(arr < 0.0).any() or np.asarray(arr > 1.0).any():
        raise ValueError(f"{name}: must be a probability in [0, 1], got {_show(arr)}")
    return arr


def nonnegative(name: str, value: ArrayLike) -> FloatArray:
    """Return ``value`` as a float64 array, checking ``value >= 0``."""
    arr = as_float(name, value)
    if np.asarray(arr < 0.0).any():
        raise ValueError(f"{name}: must be >= 0, got {_show(arr)}")
    return arr


def positive(name: str, value: ArrayLike) -> FloatArray:
    """Return ``value`` as a float64 array, checking ``value > 0`` (``inf`` allowed)."""
    arr = as_float(name, value)
    if np.asarray(arr <= 0.0).any():
        raise ValueError(f"{name}: must be > 0, got {_show(arr)}")
    return arr


def bell_vector(name: str, value: ArrayLike) -> FloatArray:
    """Return ``value`` as a float64 array of shape ``(..., 4)`` with entries >= 0."""
    arr = as_float(name, value)
    if arr.ndim == 0 or arr.shape[-1] != 4:
        raise ValueError(f"{name}: must have shape (..., 4), got shape {arr.shape}")
    if np.asarray(arr < -TOLERANCE).any():
        raise ValueError(f"{name}: Bell-diagonal coefficients must be >= 0, got {_show(arr)}")
    return arr


def scalar_or_array(arr: FloatArray) -> FloatArray:
    """Return a NumPy scalar for a 0-d array and the array itself otherwise.

    ``numpy.float64`` behaves as a 0-d array (``shape``, ``ndim``, arithmetic, indexing
    with ``()``) and is also a Python ``float``, so it is typed as the array it replaces.
    """
    if arr.ndim == 0:
        scalar: FloatArray = arr[()]
        return scalar
    return arr


def _show(arr: FloatArray) -> str:
    if arr.ndim == 0:
        return repr(float(arr))
    bad = arr.ravel()
    return f"array with min {float(np.min(bad))!r} and max {float(np.max(bad))!r}"
