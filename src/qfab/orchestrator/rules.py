"""Rule sets: the orchestrator's plans as plain, serializable data.

A node executes its rules (conditions -> actions) on the pairs it holds. Rules never refer to
runtime objects, only to node names, links and levels, so a plan can be printed, stored,
diffed and tested without running a simulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SwapRule", "PurifyRule", "DeliverRule", "Rule", "NodeRules", "RequestPlan", "NetworkPlan",
]


class _Plan(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# Rules and rule sets are slotted dataclasses, not models: a plan has one per node (100,000
# for a long chain) and a slotted dataclass takes a tenth of a model's memory. Pydantic
# validates and serializes them inside NetworkPlan all the same.


@dataclass(frozen=True, slots=True, kw_only=True)
class SwapRule:
    """Swap a pair held on ``left_link`` with a pair held on ``right_link``.

    Condition: the node holds one end of a pair on ``left_link`` whose other end lies in
    ``left_span`` and one end of a pair on ``right_link`` whose other end lies in
    ``right_span``. A span ``(first, last)`` is the stretch of the request's path from
    ``first`` to ``last`` (both included; the path is in the request's :class:`RequestPlan`),
    so that the rules of a path of ``L`` nodes take ``O(L)`` space, not ``O(L^2)``. With
    ``segment_ends_only`` (a swap that stitches segments at a gateway) the other ends must
    moreover be the path's ends or its gateways. Both pairs are fresh link pairs or already
    belong to ``request``. With ``needs_knowledge`` the node must also have heard of both
    pairs' current ends (nested swapping); without it the swap is oblivious (swap-asap).
    Action: Bell-state measurement of the two held qubits; the result belongs to ``request``.
    """

    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")

    kind: Literal["swap"] = "swap"
    request: int
    priority: int = 0
    left_link: tuple[str, str]
    right_link: tuple[str, str]
    left_span: tuple[str, str]
    right_span: tuple[str, str]
    segment_ends_only: bool = False
    needs_knowledge: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PurifyRule:
    """Purify two pairs of ``request`` between ``ends`` that are both at ``level``.

    Action: one recurrence round of ``scheme``; on success the kept pair is at ``level + 1``,
    known at both ends after one classical message between them.
    """

    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")

    kind: Literal["purify"] = "purify"
    request: int
    priority: int = 0
    ends: tuple[str, str]
    level: int
    scheme: Literal["bbpssw", "dejmps"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliverRule:
    """Hand a pair between ``ends`` at ``level`` to ``request``'s application."""

    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")

    kind: Literal["deliver"] = "deliver"
    request: int
    priority: int = 0
    ends: tuple[str, str]
    level: int


Rule = Annotated[SwapRule | PurifyRule | DeliverRule, Field(discriminator="kind")]


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeRules:
    """The rule set of one node, in the order the node tries them."""

    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")

    node: str
    rules: list[Rule]


class RequestPlan(_Plan):
    """What the orchestrator decided for one request."""

    request: int
    between: tuple[str, str]
    path: list[str]
    domains: list[str]
    gateways: list[str]
    purification: Literal["none", "bbpssw", "dejmps"]
    rounds: int
    expected_fidelity: float
    expected_rate_hz: float


class NetworkPlan(_Plan):
    """Plans of all requests and the rule set of every node."""

    requests: list[RequestPlan]
    nodes: list[NodeRules]
    cutoff: float | None = Field(None, description="seconds after which any pair is discarded")
    buffer: int = 0
    domains: dict[str, str] = Field(
        default_factory=dict, description="the domain of every node (see find_domains)")

    def rules_of(self, node: str) -> list[Rule]:
        """The rules installed at ``node`` (empty if it has none)."""
        entry = self._by_node().get(node)
        return [] if entry is None else list(entry.rules)

    def _by_node(self) -> dict[str, NodeRules]:
        """``nodes`` by node name, built once (rebuilt for a copy whose ``nodes`` were
        replaced), so that looking up every node's rules is linear in the nodes."""
        cached: tuple[list[NodeRules], dict[str, NodeRules]] | None = \
            self.__dict__.get("_qfab_by_node")
        if cached is None or cached[0] is not self.nodes:
            by_node: dict[str, NodeRules] = {}
            for entry in self.nodes:
                by_node.setdefault(entry.node, entry)
            cached = (self.nodes, by_node)
            self.__dict__["_qfab_by_node"] = cached  # a cache beside the fields
        return cached[1]
