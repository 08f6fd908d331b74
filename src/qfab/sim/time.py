"""Simulated time: an integer count of picoseconds.

The event kernel keeps its clock as a Python ``int`` of picoseconds, so that
times add exactly and ties between events are real ties, never an artefact of
floating-point rounding. This module holds the one conversion between seconds
(the SI unit used by specs and physics) and picoseconds (the unit of the
clock); nothing else in qfab converts between the two.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = ["PS_PER_S", "ps_to_seconds", "seconds_to_ps", "seconds_to_ps_array"]

PS_PER_S: int = 10**12
"""Picoseconds per second."""


def seconds_to_ps(s: float) -> int:
    """Convert a duration or instant in seconds to integer picoseconds.

    Parameters
    ----------
    s : float
        Time in seconds; finite and non-negative.

    Returns
    -------
    int
        ``s`` in picoseconds, rounded to the nearest integer.

    Raises
    ------
    TypeError
        If ``s`` is not a real number (a ``bool`` is rejected too).
    ValueError
        If ``s`` is negative, NaN or infinite.

    Examples
    --------
    >>> seconds_to_ps(1e-3)
    1000000000
    >>> seconds_to_ps(1.5e-9)
    1500
    """
    if type(s) is not float:
        if isinstance(s, (bool, complex)) or not hasattr(s, "__float__"):
            raise TypeError(f"time in seconds must be a real number, got {type(s).__name__}")
        if isinstance(s, int):
            if s < 0:
                raise ValueError(f"time in seconds must be >= 0, got {s}")
            return int(s) * PS_PER_S
        s = float(s)
    if not math.isfinite(s):
        raise ValueError(f"time in seconds must be finite, got {s}")
    if s < 0.0:
        raise ValueError(f"time in seconds must be >= 0, got {s}")
    # One rounded float product, then rounding to an int: within one
    # picosecond of the exact value for times below 2**53 ps (about 2.5 h).
    return round(s * PS_PER_S)


def ps_to_seconds(ps: int) -> float:
    """Convert integer picoseconds to seconds.

    Parameters
    ----------
    ps : int
        Time in picoseconds.

    Returns
    -------
    float
        ``ps`` in seconds (the nearest ``float``; exact for ``|ps| < 2**53``
        up to the division).

    Examples
    --------
    >>> ps_to_seconds(1_000_000_000)
    0.001
    """
    return ps / PS_PER_S


def seconds_to_ps_array(s: Iterable[float]) -> list[int]:
    """:func:`seconds_to_ps` for many times at once.

    Parameters
    ----------
    s : iterable of float
        Times in seconds; finite and non-negative.

    Returns
    -------
    list of int
        Each time in picoseconds, rounded as :func:`seconds_to_ps` rounds it.

    Raises
    ------
    ValueError
        If a time is negative, NaN or infinite.
    """
    values = [float(x) for x in s]
    if not all(0.0 <= x < math.inf for x in values):
        raise ValueError("times in seconds must be finite and >= 0")
    return [round(x * PS_PER_S) for x in values]
