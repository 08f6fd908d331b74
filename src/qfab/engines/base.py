"""The engine interface: one scenario in, one :class:`~qfab.engines.result.RunResult` out."""

from __future__ import annotations

from typing import Callable, Protocol

from qfab.engines.result import RunResult
from qfab.spec.models import ScenarioSpec

__all__ = ["Engine", "ProgressCallback"]

#: Called now and then with the fraction of the run done, in [0, 1].
ProgressCallback = Callable[[float], None]


class Engine(Protocol):
    """What every engine provides."""

    name: str

    def run(self, spec: ScenarioSpec, *, seed: int,
            progress: ProgressCallback | None = None) -> RunResult:
        """Run ``spec`` and return the result document."""
        ...
