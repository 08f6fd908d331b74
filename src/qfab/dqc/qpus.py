"""The QPUs of a scenario as a partitioning problem: names, capacities and links.

The QPUs are the nodes with a ``qpu`` section (:class:`qfab.spec.qpu.QpuSpec`); each holds
``qpu.qubits`` of a circuit's qubits; two QPUs are linked when a link of the scenario joins
them directly (links through nodes without a QPU are not followed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qfab.errors import ScenarioError

if TYPE_CHECKING:
    from qfab.spec.models import ScenarioSpec

__all__ = ["QpuGraph", "qpu_graph"]


@dataclass(frozen=True, slots=True)
class QpuGraph:
    """QPU names, their data-qubit capacities and the links between them (index pairs)."""

    names: tuple[str, ...]
    capacities: tuple[int, ...]
    links: tuple[tuple[int, int], ...]


def qpu_graph(spec: ScenarioSpec, names: Sequence[str] | None = None) -> QpuGraph:
    """The QPUs ``names`` of a scenario (default: every node with a ``qpu``, in order).

    Raises
    ------
    ScenarioError
        ``nodes.X.qpu: ...`` for a named node without a ``qpu`` section or an unknown
        node; ``nodes: ...`` when the scenario has no QPU.
    """
    if names is None:
        chosen = [name for name, node in spec.nodes.items() if node.qpu is not None]
        if not chosen:
            raise ScenarioError("nodes", "no node has a qpu section (nodes.NAME.qpu.qubits)")
    else:
        chosen = list(names)
    capacities: list[int] = []
    for name in chosen:
        node = spec.nodes.get(name)
        if node is None:
            raise ScenarioError(f"nodes.{name}", "no such node")
        if node.qpu is None:
            raise ScenarioError(f"nodes.{name}.qpu", "required: the node is used as a QPU")
        capacities.append(node.qpu.qubits)
    index = {name: position for position, name in enumerate(chosen)}
    links: set[tuple[int, int]] = set()
    for link in spec.links:
        a, b = link.between
        if a in index and b in index:
            links.add((min(index[a], index[b]), max(index[a], index[b])))
    return QpuGraph(tuple(chosen), tuple(capacities), tuple(sorted(links)))
