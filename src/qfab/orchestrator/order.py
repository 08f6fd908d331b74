"""The order in which contending requests are served: priority, then earliest deadline.

Among requests of equal ``priority`` (larger first), the one whose deadline (``start +
deadline``) comes first is served first (earliest deadline first, Liu and Layland, J. ACM
20, 46 (1973)); requests without a deadline come after those with one, and ties keep the
scenario's order. The planner sorts each node's rules by this key and the event simulation
charges each fresh link pair to the first request in this order that its link owes a pair.
"""

from __future__ import annotations

import math

from qfab.spec.models import PairRequestSpec

__all__ = ["ServiceKey", "service_key"]

#: ``(-priority, absolute deadline in s or inf, index)``: smaller is served first.
ServiceKey = tuple[int, float, int]


def service_key(index: int, request: PairRequestSpec) -> ServiceKey:
    """The sort key of ``request`` (at ``index`` in the scenario): smaller is served first."""
    deadline = request.start + request.deadline if request.deadline is not None else math.inf
    return (-request.priority, float(deadline), index)

