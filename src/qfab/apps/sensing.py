"""Distributed sensing over delivered pairs: each pair is kept (time, Bell vector) for the fusion.

The application records, on its request (:class:`qfab.spec.sensing.SensingPairsSpec`, one
per spoke of the star), each delivered pair's delivery time and Bell vector
(:class:`qfab.apps.recorded.RecordingApp`); after the run the engine fuses the ``k``-th pair
of every spoke into the ``k``-th GHZ state and interrogates it (:mod:`qfab.engines.sensing`).
The analytic engine hands it the expected Bell vector instead.
"""

from __future__ import annotations

from typing import ClassVar

from qfab.apps.recorded import RecordingApp

__all__ = ["SensingApp"]


class SensingApp(RecordingApp):
    """Records each delivered pair of a spoke for the GHZ fusion at the hub."""

    kind: ClassVar[str] = "sensing"
