"""The engine interface: one scenario in, one :class:`~qfab.engines.result.RunResult` out."""

from __future__ import annotations

from typing import Callable, Protocol

from qfab.engines.result import RunResult
from qfab.errors import EngineError
from qfab.spec.models import ScenarioSpec

__all__ = ["Engine", "ProgressCallback", "check_supported"]

#: Called now and then with the fraction of the run done, in [0, 1].
ProgressCallback = Callable[[float], None]


class Engine(Protocol):
    """What every engine provides."""

    name: str

    def run(self, spec: ScenarioSpec, *, seed: int,
            progress: ProgressCallback | None = None) -> RunResult:
        """Run ``spec`` and return the result document."""
        ...


def check_supported(spec: ScenarioSpec, engine: str) -> None:
    """Reject, with a message naming the field, what this version's engines do not model.

    Requests are served over the direct link between their two nodes; swapping across
    several links and purification come with the network layer.
    """
    for index, request in enumerate(spec.requests):
        if spec.link_between(*request.between) is None:
            raise EngineError(
                f"requests[{index}].between: no direct link between {request.between[0]} and "
                f"{request.between[1]}; engine {engine!r} serves requests over a single link")
    if spec.policy.purification != "none":
        raise EngineError(f"policy.purification: {spec.policy.purification!r} is not available "
                          f"in engine {engine!r} for single-link requests; use 'none'")
