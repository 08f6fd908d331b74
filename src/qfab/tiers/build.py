"""A scenario's ``tiers`` section: its blocks built, gateways added, merged into the document.

Each block of :mod:`qfab.spec.tiers` is built by its tier's builder
(:func:`~qfab.tiers.nodal.nodal`, :func:`~qfab.tiers.cluster.cluster`,
:func:`~qfab.tiers.metro.metro`, :func:`~qfab.tiers.wan.wan`); a ``gateway`` entry then adds
a node between two blocks: it takes the memory of the side that stages pairs (metro, WAN;
otherwise the first side's) and the interface sections of both sides, and one link of each
side's kind, made by that side's builder. Last, every generated node's ``memory.qubits`` is
its block's qubits per link times its degree (the links to it that the scenario writes
count too), unless its ``node`` template sets ``memory.qubits``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qfab.errors import ScenarioError
from qfab.spec.paths import format_path, parse_path
from qfab.spec.tiers import (
    ClusterTierSpec,
    GatewaySpec,
    MetroTierSpec,
    NodalTierSpec,
    WanTierSpec,
    validate_tiers,
)
from qfab.tiers.cluster import cluster
from qfab.tiers.metro import metro
from qfab.tiers.network import TierNetwork, merge
from qfab.tiers.nodal import nodal
from qfab.tiers.wan import wan

__all__ = ["TierBuild", "build", "expand_tiers", "in_tier_terms"]

_BUILDERS: dict[type[Any], Callable[..., TierNetwork]] = {
    NodalTierSpec: nodal, ClusterTierSpec: cluster, MetroTierSpec: metro, WanTierSpec: wan}


@dataclass(frozen=True)
class TierBuild:
    """The nodes and links of a ``tiers`` section, and which entry made each.

    Attributes
    ----------
    nodes
        Node documents by name, in the order of the blocks (gateways last).
    links
        Link documents, in the order of the blocks (gateways' links last).
    networks
        Each block's :class:`~qfab.tiers.network.TierNetwork`, by block name.
    node_origin
        The ``tiers`` index that made each node.
    link_origin
        The ``tiers`` index that made each link, by position.
    """

    nodes: dict[str, dict[str, Any]]
    links: list[dict[str, Any]]
    networks: dict[str, TierNetwork]
    node_origin: dict[str, int]
    link_origin: list[int]


def build(blocks: Sequence[Any], *, written_links: Sequence[Any] = ()) -> TierBuild:
    """Build the ``tiers`` entries ``blocks`` (validated models or raw mappings).

    Parameters
    ----------
    blocks
        The entries, as :func:`qfab.spec.tiers.validate_tiers` returns them (raw data is
        validated first).
    written_links
        The scenario's own links: those ending at a generated node add to its degree.

    Raises
    ------
    ScenarioError
        ``tiers[i].field`` for an invalid entry, a generated name used twice, or a gateway
        that names no block or node.
    """
    if any(isinstance(block, Mapping) for block in blocks):
        blocks = validate_tiers(list(blocks))
    nodes: dict[str, dict[str, Any]] = {}
    links: list[dict[str, Any]] = []
    networks: dict[str, TierNetwork] = {}
    node_origin: dict[str, int] = {}
    link_origin: list[int] = []
    per_link: dict[str, int] = {}

    def add(index: int, name: str, node: dict[str, Any], qubits: int, field: str) -> None:
        if name in nodes:
            raise ScenarioError(f"tiers[{index}].{field}", f"the node name {name!r} is "
                                f"generated already by tiers[{node_origin[name]}]")
        nodes[name] = node
        node_origin[name] = index
        per_link[name] = qubits

    for index, block in enumerate(blocks):
        if isinstance(block, GatewaySpec):
            continue
        network = _BUILDERS[type(block)](block, where=f"tiers[{index}]")
        networks[network.name] = network
        for name, node in network.nodes.items():
            add(index, name, node, network.qubits_per_link, "name")
        links.extend(network.links)
        link_origin.extend([index] * len(network.links))
    for index, block in enumerate(blocks):
        if isinstance(block, GatewaySpec):
            name, node, new = _gateway(index, block, networks, node_origin)
            add(index, name, node, 1, "name")
            links.extend(new)
            link_origin.extend([index] * len(new))
    _fill_qubits(nodes, per_link, [*links, *written_links])
    return TierBuild(nodes, links, networks, node_origin, link_origin)


def _gateway(index: int, block: GatewaySpec, networks: Mapping[str, TierNetwork],
             node_origin: Mapping[str, int]) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    """The gateway node and its two links."""
    sides: list[tuple[TierNetwork, str]] = []
    for position, end in enumerate(block.between):
        if end in networks:
            sides.append((networks[end], networks[end].port))
            continue
        owner = next((network for network in networks.values() if end in network.nodes),
                     None)
        if owner is None:
            known = ", ".join(networks) or "none"
            raise ScenarioError(f"tiers[{index}].between[{position}]",
                                f"{end!r} is neither a tier block (blocks: {known}) nor a node "
                                "a block generates")
        sides.append((owner, end))
    (first, at_first), (second, at_second) = sides
    if first is second:
        raise ScenarioError(f"tiers[{index}].between", f"both ends are in the block "
                            f"{first.name!r}: a gateway joins two blocks")
    platforms = {side.platform for side in (first, second)} - {None}
    if len(platforms) > 1:
        raise ScenarioError(f"tiers[{index}].between", f"{first.name!r} has "
                            f"{first.platform} qubits and {second.name!r} {second.platform} "
                            "ones: one gateway node cannot be both (a nodal block's chips are "
                            "superconducting: join it to a cluster of platform: "
                            "superconducting, whose gateway carries the transducer)")
    name = block.name or f"gw_{first.name}_{second.name}"
    stager = first if first.staging or not second.staging else second
    node: dict[str, Any] = {"tier": (first if block.tier == "first" else second).tier,
                            "memory": copy.deepcopy(stager.gateway_node["memory"])}
    interface: dict[str, Any] = {}
    for side in (first, second):
        interface = merge(interface, side.gateway_node.get("interface", {}))
    if interface:
        node["interface"] = interface
    node = merge(node, block.node)
    return name, node, [first.gateway_link(at_first, name), second.gateway_link(at_second, name)]


def _fill_qubits(nodes: dict[str, dict[str, Any]], per_link: Mapping[str, int],
                 links: Sequence[Any]) -> None:
    """Give each generated node ``per_link * degree`` qubits (at least ``per_link``) unless
    its document already has ``memory.qubits``."""
    degree: dict[str, int] = {}
    for link in links:
        between = link.get("between") if isinstance(link, Mapping) else None
        if isinstance(between, (list, tuple)) and len(between) == 2:
            for end in between:
                if isinstance(end, str):
                    degree[end] = degree.get(end, 0) + 1
    for name, node in nodes.items():
        memory = node.setdefault("memory", {})
        if isinstance(memory, dict) and "qubits" not in memory:
            memory["qubits"] = per_link[name] * max(degree.get(name, 0), 1)


def expand_tiers(document: dict[str, Any]) -> dict[str, Any]:
    """Merge the nodes and links of a scenario's ``tiers`` section into it.

    Parameters
    ----------
    document
        A raw scenario document (plain data, its own presets resolved); not modified.

    Returns
    -------
    dict
        A new document: generated nodes merged into ``nodes`` (an explicit entry of the same
        name is merged onto the generated one, its keys winning), generated links placed
        before the explicit ``links``. The ``tiers`` key is kept. A document without a
        ``tiers`` section comes back as a copy.

    Raises
    ------
    ScenarioError
        ``tiers[i]...`` for an invalid block; ``tiers`` for a section beside ``topology``
        (one generated network per scenario); ``nodes`` / ``links`` if they are not a
        mapping / a list.
    """
    result = copy.deepcopy(document)
    if not isinstance(document, dict) or not document.get("tiers"):
        return result
    if document.get("topology") is not None:
        raise ScenarioError("tiers", "a scenario has either a 'topology' or a 'tiers' "
                            "section, not both (write the topology's nodes and links out, or "
                            "add them as explicit nodes and links beside the tiers)")
    explicit_nodes = result.get("nodes") or {}
    if not isinstance(explicit_nodes, dict):
        raise ScenarioError("nodes", "must be a mapping of node names to nodes, got "
                            f"{type(explicit_nodes).__name__}")
    explicit_links = result.get("links") or []
    if not isinstance(explicit_links, list):
        raise ScenarioError("links", f"must be a list of links, got "
                            f"{type(explicit_links).__name__}")
    made = build(validate_tiers(document["tiers"]), written_links=explicit_links)
    nodes = made.nodes
    for name, entry in explicit_nodes.items():
        if name in nodes and (isinstance(entry, dict) or entry is None):
            nodes[name] = merge(nodes[name], entry or {})
        else:
            nodes[name] = entry
    result["nodes"] = nodes
    result["links"] = made.links + explicit_links
    return result


def in_tier_terms(error: ScenarioError, document: Mapping[str, Any]) -> ScenarioError:
    """An error found in a generated node or link, located at the ``tiers`` entry that made it.

    ``links[i].fidelity: ...`` of a generated link becomes ``tiers[k]: ... (generated link
    a - b, links[i].fidelity)``; an error in a generated node's key that the scenario's own
    ``nodes`` entry does not hold likewise. Every other error comes back unchanged.

    Parameters
    ----------
    error
        What validating the expanded document raised.
    document
        The scenario document as written (before :func:`expand_tiers`).
    """
    tiers = document.get("tiers") if isinstance(document, Mapping) else None
    if not tiers:
        return error
    try:
        segments = parse_path(error.path)
        made = build(validate_tiers(tiers))
    except (ValueError, ScenarioError):
        return error
    if len(segments) >= 2 and segments[0] == "links" and isinstance(segments[1], int):
        index = segments[1]
        if index < len(made.links):
            ends = made.links[index].get("between", ["?", "?"])
            origin = made.link_origin[index]
            where = _template_path(tiers[origin], "link", segments[2:], f"tiers[{origin}]")
            return ScenarioError(where, f"{error.reason} (generated link {ends[0]} - "
                                 f"{ends[1]}, {error.path})")
    if len(segments) >= 2 and segments[0] == "nodes" and isinstance(segments[1], str):
        name = segments[1]
        written = document.get("nodes")
        entry: Any = written.get(name) if isinstance(written, Mapping) else None
        for segment in segments[2:]:
            entry = entry.get(segment) if isinstance(entry, Mapping) else None
        if name in made.node_origin and entry is None:
            origin = made.node_origin[name]
            where = _template_path(tiers[origin], "node", segments[2:], f"tiers[{origin}]")
            return ScenarioError(where, f"{error.reason} (generated node {name}, "
                                 f"{error.path})")
    return error


def _template_path(block: Any, template: str, rest: Sequence[Any], where: str) -> str:
    """``<where>.<template>.<rest>`` when the block's ``template`` (``link`` or ``node``)
    holds the value at ``rest``, else ``where``."""
    entry = block.get(template) if isinstance(block, Mapping) else None
    for segment in rest:
        if not isinstance(entry, Mapping) or segment not in entry:
            return where
        entry = entry[segment]
    return format_path((where, template, *rest)) if rest else where
