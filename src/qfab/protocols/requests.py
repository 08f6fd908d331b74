"""Applications' side of a request: activation, deliveries, completion."""

from __future__ import annotations

from qfab.apps.base import Application, application_for
from qfab.orchestrator.rules import RequestPlan
from qfab.quantum.base import PairState
from qfab.sim.time import PS_PER_S, seconds_to_ps
from qfab.spec.models import PairRequestSpec

__all__ = ["RequestApp"]


class RequestApp:
    """What one request has asked for and received, and the application it feeds.

    Parameters
    ----------
    plan
        The orchestrator's plan for the request.
    request
        The request's spec (pairs asked for, start time, kind).
    links
        Indices of the links on its path.
    """

    def __init__(self, plan: RequestPlan, request: PairRequestSpec, links: list[int]) -> None:
        self.plan = plan
        self.index = plan.request
        self.requested = request.pairs
        self.start_ps = seconds_to_ps(request.start)
        self.links = links
        #: The application the delivered pairs go to.
        self.application: Application = application_for(request,
                                                        where=f"requests[{plan.request}]")
        self._receive = self.application.receive if self.application.receives_pairs else None
        #: The two end nodes of the request's path.
        self.ends = frozenset((plan.path[0], plan.path[-1]))
        #: Position of each node on the path (what the swap rules' stretches refer to).
        self.positions = {node: position for position, node in enumerate(plan.path)}
        #: Positions of the path's ends and gateways, where its segments meet.
        self.segment_ends = frozenset(
            [0, len(plan.path) - 1, *(self.positions[node] for node in plan.gateways)])
        #: Started and not yet done.
        self.active = False
        #: Its turn: its links owe it pairs and its rules fire (see
        #: :mod:`qfab.protocols.turns`; always while active when it shares no link).
        self.serving = False
        self.delivery_ps: list[int] = []
        #: Pairs lost because a memory did not give a stored qubit back at read-out
        #: (:mod:`qfab.protocols.recalls`).
        self.lost_recalls = 0
        self.fidelities: list[float] = []

    @property
    def done(self) -> bool:
        """True once every requested pair has been delivered."""
        return len(self.delivery_ps) >= self.requested

    def record(self, now_ps: int, state: PairState) -> None:
        """Register a pair delivered at ``now_ps`` in ``state`` and hand it to the
        application."""
        self.delivery_ps.append(now_ps)
        self.fidelities.append(state.fidelity())
        if self._receive is not None:
            self._receive(now_ps / PS_PER_S, state)
