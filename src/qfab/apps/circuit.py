"""A circuit over delivered pairs: each pair is kept (time, Bell vector) for the execution.

The application records, on its request (:class:`qfab.spec.circuit.CircuitPairsSpec`), each
delivered pair's delivery time and Bell vector (:class:`qfab.apps.recorded.RecordingApp`);
after the run the engine schedules the circuit against these arrivals and executes it
(:mod:`qfab.engines.circuit`). The analytic engine hands it the expected Bell vector instead.
"""

from __future__ import annotations

from typing import ClassVar

from qfab.apps.recorded import RecordingApp

__all__ = ["CircuitApp"]


class CircuitApp(RecordingApp):
    """Records each delivered pair for the circuit's non-local gates."""

    kind: ClassVar[str] = "circuit"
