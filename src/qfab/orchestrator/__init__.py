"""Orchestrator: requests -> paths -> plans -> rule sets per node.

The orchestrator computes, for every request, a path through the network (with a cost that
reflects each link's rate and fidelity), the purification plan that reaches the request's
fidelity target, and the swap order; it groups nodes into tier domains and stitches requests
that cross domains at their gateways. Its output, a :class:`~qfab.orchestrator.rules.NetworkPlan`,
is plain data (rule sets of conditions and actions per node) that round-trips through JSON
and that node-side rule engines (:mod:`qfab.protocols.rule_engine`) execute.
"""

from qfab.orchestrator.planner import plan_network
from qfab.orchestrator.rules import NetworkPlan, RequestPlan

__all__ = ["plan_network", "NetworkPlan", "RequestPlan"]
