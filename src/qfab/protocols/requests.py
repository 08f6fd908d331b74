"""Applications' side of a request: activation, deliveries, completion."""

from __future__ import annotations

from qfab.orchestrator.rules import RequestPlan

__all__ = ["RequestApp"]


class RequestApp:
    """What one request has asked for and received.

    Parameters
    ----------
    plan
        The orchestrator's plan for the request.
    requested
        Number of pairs asked for.
    start_ps
        When the request is made.
    links
        Indices of the links on its path.
    """

    def __init__(self, plan: RequestPlan, requested: int, start_ps: int,
                 links: list[int]) -> None:
        self.plan = plan
        self.index = plan.request
        self.requested = requested
        self.start_ps = start_ps
        self.links = links
        #: The two end nodes of the request's path.
        self.ends = frozenset((plan.path[0], plan.path[-1]))
        self.active = False
        self.delivery_ps: list[int] = []
        self.fidelities: list[float] = []

    @property
    def done(self) -> bool:
        """True once every requested pair has been delivered."""
        return len(self.delivery_ps) >= self.requested

    def record(self, now_ps: int, fidelity: float) -> None:
        """Register a pair delivered at ``now_ps`` with fidelity ``fidelity``."""
        self.delivery_ps.append(now_ps)
        self.fidelities.append(fidelity)
