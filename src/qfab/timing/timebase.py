"""A sub-picosecond time base: whole picoseconds plus a float remainder.

A float64 of seconds since a run's start has a step of about 7 ps at 4e4 s, and the event
clock counts integer picoseconds; neither represents tens of femtoseconds. A
:class:`Timestamps` array keeps the whole picoseconds in an int64 (enough for 106 days)
and the remainder below one picosecond in a float64 of seconds (resolution far below 1 fs),
so differences of nearby times are exact to well under a femtosecond.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["PICOSECOND", "Timestamps"]

#: One tick of the coarse part, seconds.
PICOSECOND = 1e-12


@dataclass(frozen=True)
class Timestamps:
    """Times since the run's start as whole picoseconds plus a sub-picosecond remainder.

    Attributes
    ----------
    ticks : numpy.ndarray of int64
        Whole picoseconds since the run's start.
    fine : numpy.ndarray of float64
        Remainder in seconds, in ``[0, 1e-12)``.
    """

    ticks: NDArray[np.int64]
    fine: NDArray[np.float64]

    def __post_init__(self) -> None:
        if np.shape(self.ticks) != np.shape(self.fine):
            raise ValueError(f"ticks and fine: shapes differ, {np.shape(self.ticks)} and "
                             f"{np.shape(self.fine)}")

    @classmethod
    def from_seconds(cls, coarse_s: ArrayLike, fine_s: ArrayLike = 0.0) -> Timestamps:
        """Build timestamps from a coarse time and a small correction, both in seconds.

        Parameters
        ----------
        coarse_s : array_like
            The time in seconds (a float64, exact only to its own step: put times that
            need sub-picosecond accuracy as whole picoseconds here, e.g. ``40_000.0``).
        fine_s : array_like, optional
            A correction in seconds added exactly (e.g. ``10e-15``); it may be of any sign
            and size, and broadcasts with ``coarse_s``.

        Returns
        -------
        Timestamps
            The normalised timestamps (``0 <= fine < 1 ps``).

        Examples
        --------
        >>> t = Timestamps.from_seconds(40_000.0, 10e-15)
        >>> u = Timestamps.from_seconds(40_000.0)
        >>> round(float(t.minus(u)[()]) * 1e15, 9)
        10.0
        """
        coarse = np.asarray(coarse_s, dtype=np.float64)
        fine = np.asarray(fine_s, dtype=np.float64)
        coarse, fine = np.broadcast_arrays(coarse, fine)
        # whole seconds and their fraction are exact in float64; the fraction's whole
        # picoseconds are exact integers below 1e12, its remainder is good to ~1e-28 s
        whole_s = np.floor(coarse)
        fraction = coarse - whole_s
        whole_ps = np.floor(fraction / PICOSECOND)
        rest = fraction - whole_ps * PICOSECOND
        ticks = whole_s.astype(np.int64) * 10**12 + whole_ps.astype(np.int64)
        return cls.from_ticks(ticks, rest + fine)

    @classmethod
    def from_ticks(cls, ticks: ArrayLike, fine_s: ArrayLike = 0.0) -> Timestamps:
        """Build timestamps from whole picoseconds and a correction in seconds.

        Parameters
        ----------
        ticks : array_like of int
            Whole picoseconds since the run's start.
        fine_s : array_like, optional
            A correction in seconds (any sign and size), added exactly.

        Returns
        -------
        Timestamps
            The normalised timestamps.

        Examples
        --------
        >>> t = Timestamps.from_ticks(40_000 * 10**12, 10e-15)
        >>> int(t.ticks[()]), round(float(t.fine[()]) * 1e15, 9)
        (40000000000000000, 10.0)
        """
        base = np.asarray(ticks, dtype=np.int64)
        fine = np.asarray(fine_s, dtype=np.float64)
        base, fine = np.broadcast_arrays(base, fine)
        extra = np.floor(fine / PICOSECOND)
        fine_part = fine - extra * PICOSECOND
        carry = fine_part >= PICOSECOND
        fine_part = np.where(carry, fine_part - PICOSECOND, fine_part)
        fine_part = np.where(fine_part < 0.0, 0.0, fine_part)
        out = base + extra.astype(np.int64) + carry.astype(np.int64)
        return cls(ticks=np.asarray(out, dtype=np.int64),
                   fine=np.asarray(fine_part, dtype=np.float64))

    def shifted(self, delta_s: ArrayLike) -> Timestamps:
        """These timestamps plus ``delta_s`` seconds (exact to float64 of ``delta_s``)."""
        return Timestamps.from_ticks(self.ticks, self.fine + np.asarray(delta_s,
                                                                        dtype=np.float64))

    def minus(self, other: Timestamps) -> NDArray[np.float64]:
        """Differences ``self - other`` in seconds, exact for nearby times.

        The whole picoseconds are subtracted as integers first, so the result's error is
        that of one float64 of the difference itself (not of the times since the start).

        Parameters
        ----------
        other : Timestamps
            Timestamps broadcasting with these.

        Returns
        -------
        numpy.ndarray of float64
            The differences in seconds.
        """
        whole = (self.ticks - other.ticks).astype(np.float64) * PICOSECOND
        return np.asarray(whole + (self.fine - other.fine), dtype=np.float64)

    def seconds(self) -> NDArray[np.float64]:
        """The times as float64 seconds (lossy: the step of a float64 at that time)."""
        return np.asarray(self.ticks.astype(np.float64) * PICOSECOND + self.fine,
                          dtype=np.float64)

    def __len__(self) -> int:
        return int(np.size(self.ticks))
