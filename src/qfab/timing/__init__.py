"""Node clocks and two-way time transfer with time-correlated photon pairs.

- :mod:`.timebase`: sub-picosecond timestamps (whole picoseconds plus a float remainder),
  kept apart from the event clock;
- :mod:`.clocks`: a node clock's offset from true time (offset, frequency offset, drift,
  white and flicker phase noise, random-walk frequency noise);
- :mod:`.streams`: timestamp streams and their FFT cross-correlation (acquisition);
- :mod:`.transfer`: the closed-form expectation and the Monte Carlo of a symmetric two-way
  exchange;
- :mod:`.stability`: time and Allan deviations (allantools).

This package imports only :mod:`qfab.physics`, :mod:`qfab.units` and :mod:`qfab.errors`;
random numbers come from a ``numpy.random.Generator`` passed in.
"""

from qfab.timing.clocks import ClockModel
from qfab.timing.stability import adev, octave_taus, tdev
from qfab.timing.streams import acquisition_streams, cross_correlation_offset
from qfab.timing.timebase import Timestamps
from qfab.timing.transfer import (
    MAX_EVENTS,
    TimeTransferSetup,
    TransferExpectation,
    TransferRun,
    expected,
    expected_events,
    simulate,
)

__all__ = [
    "MAX_EVENTS",
    "ClockModel",
    "TimeTransferSetup",
    "Timestamps",
    "TransferExpectation",
    "TransferRun",
    "acquisition_streams",
    "adev",
    "cross_correlation_offset",
    "expected",
    "expected_events",
    "octave_taus",
    "simulate",
    "tdev",
]
