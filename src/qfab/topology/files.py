"""Graph files: the nodes and edges of a GraphML or node-link JSON file."""

from __future__ import annotations

import inspect
import json
import math
from pathlib import Path
from typing import Any, Literal, get_args

from qfab.errors import ScenarioError
from qfab.spec.base import Tier
from qfab.spec.topology import FileTopologySpec
from qfab.topology.regular import Edge
from qfab.units import UnitError, to_si

__all__ = ["read_graph_file"]

_TIERS: frozenset[str] = frozenset(get_args(Tier))


def read_graph_file(topology: FileTopologySpec, base_dir: Path | None
                    ) -> tuple[list[str], list[Edge], dict[str, str]]:
    """Node names, edges and node tiers of the file a ``file`` topology names.

    Parameters
    ----------
    topology
        A validated ``file`` topology.
    base_dir
        Folder against which a relative ``path`` is resolved; default: the current directory.

    Returns
    -------
    names, edges, tiers
        Node names (``prefix`` + the file's node ids) in the file's order, edges in the file's
        order (length in metres, ``None`` where the edge has none) and the tier of every node
        that sets one.

    Raises
    ------
    ScenarioError
        At ``topology.path``, if the file cannot be read or parsed, or has duplicate nodes or
        edges, a self-loop, an unreadable edge length or an unknown node tier.
    """
    path = Path(topology.path).expanduser()
    if not path.is_absolute():
        path = (base_dir if base_dir is not None else Path.cwd()) / path
    fmt = topology.format or _format_from_suffix(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ScenarioError("topology.path", f"cannot read {path}: {reason}") from None
    graph = _parse_graph(text, fmt, path)

    names: dict[Any, str] = {}
    tiers: dict[str, str] = {}
    for node, data in graph.nodes(data=True):
        name = f"{topology.prefix}{node}"
        if name in names.values():
            raise ScenarioError("topology.path", f"{path}: two nodes are named {name!r}")
        names[node] = name
        tier = data.get("tier")
        if tier is not None and tier != "":
            if tier not in _TIERS:
                raise ScenarioError("topology.path", f"{path}: node {name}: tier must be one "
                                    f"of {', '.join(sorted(_TIERS))}, got {tier!r}")
            tiers[name] = tier

    edges: list[Edge] = []
    seen: set[frozenset[str]] = set()
    for u, v, data in graph.edges(data=True):
        a, b = names[u], names[v]
        where = f"{path}: edge {a} - {b}"
        if a == b:
            raise ScenarioError("topology.path", f"{where}: a link needs two different nodes")
        if frozenset((a, b)) in seen:
            raise ScenarioError("topology.path", f"{where}: a second edge between these nodes")
        seen.add(frozenset((a, b)))
        edges.append((a, b, _edge_length(data.get("length"), where)))
    return list(names.values()), edges, tiers


def _format_from_suffix(path: Path) -> Literal["graphml", "json"]:
    suffix = path.suffix.lower()
    if suffix in (".graphml", ".xml"):
        return "graphml"
    if suffix == ".json":
        return "json"
    raise ScenarioError("topology.path", f"cannot tell the format of {path.name} from its "
                        "extension (.graphml, .xml or .json); set 'format: graphml' or "
                        "'format: json'")


def _parse_graph(text: str, fmt: str, path: Path) -> Any:
    import networkx as nx  # type: ignore[import-untyped,unused-ignore]

    kind = "GraphML" if fmt == "graphml" else "node-link JSON"
    try:
        if fmt == "graphml":
            return nx.parse_graphml(text)
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("nodes"), list) or not all(
                isinstance(node, dict) and node.get("id") is not None for node in data["nodes"]):
            raise ScenarioError("topology.path", f"{path}: not a valid {kind} graph: expected "
                                "an object with a 'nodes' list of objects with an 'id'")
        key = "edges" if "edges" in data else "links"
        data.setdefault(key, [])
        # networkx >= 3.4 calls the keyword 'edges', older versions 'link'
        keyword = "edges" if "edges" in inspect.signature(nx.node_link_graph).parameters \
            else "link"
        return nx.node_link_graph(data, **{keyword: key})
    except (ValueError, KeyError, TypeError, SyntaxError, nx.NetworkXError) as error:
        reason = str(error) or type(error).__name__
        raise ScenarioError("topology.path",
                            f"{path}: not a valid {kind} graph: {reason}") from None


def _edge_length(value: Any, where: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        length = to_si(value, "length")
    except UnitError as error:
        raise ScenarioError("topology.path", f"{where}: length: {error}") from None
    if not math.isfinite(length) or length < 0:
        raise ScenarioError("topology.path",
                            f"{where}: length must be a finite length >= 0, got {value!r}")
    return length
