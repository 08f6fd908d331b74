"""Topology generators: a ``topology:`` section that produces a scenario's nodes and links.

Instead of listing every node and link, a scenario may describe a regular network, or point
to a graph file, and let a generator write the node and link entries::

    topology:
      kind: chain                 # chain | ring | star | grid | file
      nodes: 9
      spacing: 10 km              # length of every generated link
      link: {kind: depolarizing, fidelity: 0.95, success_probability: 0.1, cycle_time: 1 ms}
      node: {memory: {qubits: 1, t2: 1 s}}
      tier: campus
      prefix: n                   # node names n0 .. n8

Generated nodes and links are merged into the scenario by :func:`expand_topology` before the
scenario is validated:

- ``link`` is a link template: any link entry without ``between``. Each generated link is a
  copy with ``between`` set to its two nodes and ``length`` set to ``spacing`` (or to the edge's
  length for a file), unless the template gives its own ``length``, which then wins.
- ``node`` is a node template (a node entry). ``tier`` applies to every generated node whose
  template does not set a tier.
- **Qubits scale with degree.** In a template, ``memory.qubits`` means qubits *per link*
  (default 1): a generated node gets ``memory.qubits = template qubits x its degree``, its
  number of links. The hub of a star with 6 leaves and the template ``qubits: 2`` gets 12
  qubits, each leaf 2; the repeaters of a chain get twice what its end nodes get. Explicit
  links in the scenario's ``links`` that end at a generated node count towards its degree.
  A node with no links (possible in a file) counts as degree 1.
- Entries in ``nodes`` whose name matches a generated node are merged onto it key by key,
  nested mappings included, and their keys win (``nodes: {n0: {memory: {qubits: 4}}}`` sets
  the total of ``n0`` to 4 and keeps the rest of the generated entry). Other entries are added.
- Generated links come before the scenario's explicit ``links``, in the order documented by
  each kind.
"""

from __future__ import annotations

import copy
import difflib
import inspect
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args

from pydantic import Field, TypeAdapter, ValidationError, field_validator, model_validator

from qfab.errors import ScenarioError
from qfab.spec.base import SpecModel, Tier
from qfab.spec.quantities import Length
from qfab.units import UnitError, to_si

__all__ = [
    "ChainTopologySpec", "RingTopologySpec", "StarTopologySpec", "GridTopologySpec",
    "FileTopologySpec", "TopologySpec", "generate", "expand_topology",
]

_TIERS: frozenset[str] = frozenset(get_args(Tier))


class _TopologySpecBase(SpecModel):
    link: dict[str, Any] = Field(
        description="link template: a link entry without 'between'; 'length' defaults to "
        "the generated length (spacing, or the edge length of a file)")
    node: dict[str, Any] = Field(
        default_factory=dict,
        description="node template; its memory.qubits are qubits per link (default 1), "
        "multiplied by each generated node's degree")
    tier: Tier | None = Field(
        None, description="tier of the generated nodes unless the node template sets one")
    prefix: str = Field("n", description="prefix of generated node names")

    @field_validator("link")
    @classmethod
    def _link_has_no_ends(cls, value: dict[str, Any]) -> dict[str, Any]:
        if "between" in value:
            raise ValueError("a link template must not have 'between'; the generator sets it")
        return value


class ChainTopologySpec(_TopologySpecBase):
    """A linear chain ``{prefix}0 - {prefix}1 - ... - {prefix}{N-1}``.

    Links join consecutive nodes, in order from ``{prefix}0``.
    """

    kind: Literal["chain"] = "chain"
    nodes: int = Field(ge=2, description="number of nodes")
    spacing: Length = Field(description="length of each link")


class RingTopologySpec(_TopologySpecBase):
    """A ring: the chain ``{prefix}0 .. {prefix}{N-1}`` plus the closing link to ``{prefix}0``."""

    kind: Literal["ring"] = "ring"
    nodes: int = Field(ge=3, description="number of nodes")
    spacing: Length = Field(description="length of each link")


class StarTopologySpec(_TopologySpecBase):
    """A star: the node ``center`` linked to the leaves ``{prefix}1 .. {prefix}{leaves}``.

    Links run from the center to each leaf, in leaf order.
    """

    kind: Literal["star"] = "star"
    leaves: int = Field(ge=1, description="number of leaves")
    spacing: Length = Field(description="length of each link (center to leaf)")
    center: str = Field("hub", min_length=1, description="name of the center node")

    @model_validator(mode="after")
    def _center_is_not_a_leaf(self) -> StarTopologySpec:
        if self.center in _star_leaves(self):
            raise ValueError(f"the center {self.center!r} has the name of a leaf; choose "
                             "another 'center' or 'prefix'")
        return self


class GridTopologySpec(_TopologySpecBase):
    """A rectangular grid of nodes ``{prefix}{row}_{col}`` (rows and columns from 0).

    Each node is linked to its right and lower neighbours; links are listed node by node in
    row-major order, the link to the right before the link down.
    """

    kind: Literal["grid"] = "grid"
    rows: int = Field(ge=1)
    cols: int = Field(ge=1)
    spacing: Length = Field(description="length of each link")

    @model_validator(mode="after")
    def _two_nodes_at_least(self) -> GridTopologySpec:
        if self.rows * self.cols < 2:
            raise ValueError(f"a grid needs at least 2 nodes, got rows = {self.rows} and "
                             f"cols = {self.cols}")
        return self


class FileTopologySpec(_TopologySpecBase):
    """A graph read from a file: GraphML, or JSON in networkx's node-link format.

    Node names are the file's node ids (with ``prefix`` in front, empty by default). A node
    may have the attribute ``tier``, which wins over the node template and the ``tier`` field.
    An edge may have the attribute ``length``, a number in metres or a string with a unit
    (``"12 km"``); edges without one get ``spacing``. Links follow the graph's edge order.
    A relative ``path`` is taken relative to the scenario file's folder.
    """

    kind: Literal["file"] = "file"
    path: str = Field(min_length=1, description="GraphML or node-link JSON file")
    format: Literal["graphml", "json"] | None = Field(
        None, description="file format; default: from the extension (.graphml, .xml, .json)")
    spacing: Length = Field(0.0, description="length of edges that have no 'length' attribute")
    prefix: str = Field("", description="prefix of the node names taken from the file")


TopologySpec = Annotated[
    Union[ChainTopologySpec, RingTopologySpec, StarTopologySpec, GridTopologySpec,
          FileTopologySpec],
    Field(discriminator="kind"),
]

_KINDS: tuple[type[_TopologySpecBase], ...] = (
    ChainTopologySpec, RingTopologySpec, StarTopologySpec, GridTopologySpec, FileTopologySpec)


class _TopologyDocument(SpecModel):
    """Wrapper that gives validation errors paths starting with ``topology``."""

    topology: TopologySpec


_ADAPTER: TypeAdapter[_TopologyDocument] = TypeAdapter(_TopologyDocument)

Nodes = dict[str, dict[str, Any]]
Links = list[dict[str, Any]]


def generate(topology: TopologySpec, *, base_dir: Path | None = None) -> tuple[Nodes, Links]:
    """Raw node and link documents (not yet validated) generated by ``topology``.

    Parameters
    ----------
    topology
        A validated topology section.
    base_dir
        Folder against which a relative file ``path`` is resolved (the scenario file's
        folder); default: the current directory.

    Returns
    -------
    nodes, links
        Node entries by name (from the node template, with ``tier`` and ``memory.qubits``
        = per-link qubits x degree filled in) and link entries (from the link template, with
        ``between`` and ``length`` filled in), in the order the kind documents.

    Raises
    ------
    ScenarioError
        If a file cannot be read or parsed, or has an unreadable edge length or node tier, or
        if the node template's ``memory.qubits`` is not a whole number >= 1.
    """
    return _generate(topology, base_dir=base_dir, extra_degree={})


def expand_topology(document: dict[str, Any], *, base_dir: Path | None = None) -> dict[str, Any]:
    """Merge the nodes and links generated by a scenario's ``topology`` section into it.

    Parameters
    ----------
    document
        A raw scenario document (plain data straight from YAML); it is not modified.
    base_dir
        Folder against which a relative topology file path is resolved.

    Returns
    -------
    dict
        A new document: generated nodes merged into ``nodes`` (explicit entries of the same
        name are merged onto them, their keys winning), generated links placed before the
        explicit ``links``. The ``topology`` key is kept. A document without a ``topology``
        section (or with ``topology: null``) comes back as a copy.

    Raises
    ------
    ScenarioError
        If the ``topology`` section is invalid (the path starts with ``topology``), its file
        cannot be used, or ``nodes`` / ``links`` are not a mapping / a list.
    """
    result = copy.deepcopy(document)
    if not isinstance(document, dict) or document.get("topology") is None:
        return result
    section = document["topology"]
    try:
        topology = _ADAPTER.validate_python({"topology": section}).topology
    except ValidationError as error:
        raise _topology_error(error, section) from None

    explicit_nodes = result.get("nodes")
    if explicit_nodes is None:
        explicit_nodes = {}
    if not isinstance(explicit_nodes, dict):
        raise ScenarioError("nodes", "must be a mapping of node names to nodes when a topology "
                            f"generates nodes, got {type(explicit_nodes).__name__}")
    explicit_links = result.get("links")
    if explicit_links is None:
        explicit_links = []
    if not isinstance(explicit_links, list):
        raise ScenarioError("links", "must be a list of links when a topology generates links, "
                            f"got {type(explicit_links).__name__}")

    nodes, links = _generate(topology, base_dir=base_dir,
                             extra_degree=_degrees(_ends(explicit_links)))
    for name, entry in explicit_nodes.items():
        if name in nodes and (isinstance(entry, dict) or entry is None):
            nodes[name] = _merge(nodes[name], entry or {})
        else:
            nodes[name] = entry
    result["nodes"] = nodes
    result["links"] = links + explicit_links
    return result


# --- generation ---------------------------------------------------------------------------

def _generate(topology: TopologySpec, *, base_dir: Path | None,
              extra_degree: Mapping[str, int]) -> tuple[Nodes, Links]:
    per_link = _qubits_per_link(topology.node)
    tiers: dict[str, str] = {}
    if isinstance(topology, FileTopologySpec):
        names, edges, tiers = _read_file(topology, base_dir)
    else:
        names, edges = _regular(topology)
    spacing = topology.spacing

    links: Links = []
    for a, b, length in edges:
        link = copy.deepcopy(topology.link)
        link["between"] = [a, b]
        link.setdefault("length", spacing if length is None else length)
        links.append(link)

    degree = _degrees((a, b) for a, b, _ in edges)
    nodes: Nodes = {}
    for name in names:
        node = copy.deepcopy(topology.node)
        if name in tiers:
            node["tier"] = tiers[name]
        elif topology.tier is not None:
            node.setdefault("tier", topology.tier)
        links_here = degree.get(name, 0) + extra_degree.get(name, 0)
        memory = node.setdefault("memory", {})
        memory["qubits"] = per_link * max(links_here, 1)
        nodes[name] = node
    return nodes, links


def _qubits_per_link(template: dict[str, Any]) -> int:
    memory = template.get("memory", {})
    if not isinstance(memory, dict):
        raise ScenarioError("topology.node.memory",
                            f"must be a mapping, got {type(memory).__name__}")
    qubits = memory.get("qubits", 1)
    if isinstance(qubits, bool) or not isinstance(qubits, int) or qubits < 1:
        raise ScenarioError("topology.node.memory.qubits",
                            f"qubits per link must be a whole number >= 1, got {qubits!r}")
    return qubits


Edge = tuple[str, str, float | None]


def _regular(topology: TopologySpec) -> tuple[list[str], list[Edge]]:
    p = topology.prefix
    if isinstance(topology, (ChainTopologySpec, RingTopologySpec)):
        names = [f"{p}{i}" for i in range(topology.nodes)]
        edges: list[Edge] = [(names[i], names[i + 1], None) for i in range(len(names) - 1)]
        if isinstance(topology, RingTopologySpec):
            edges.append((names[-1], names[0], None))
        return names, edges
    if isinstance(topology, StarTopologySpec):
        leaves = list(_star_leaves(topology))
        return [topology.center, *leaves], [(topology.center, leaf, None) for leaf in leaves]
    if isinstance(topology, GridTopologySpec):
        names, edges = [], []
        for r in range(topology.rows):
            for c in range(topology.cols):
                names.append(f"{p}{r}_{c}")
                if c + 1 < topology.cols:
                    edges.append((f"{p}{r}_{c}", f"{p}{r}_{c + 1}", None))
                if r + 1 < topology.rows:
                    edges.append((f"{p}{r}_{c}", f"{p}{r + 1}_{c}", None))
        return names, edges
    raise TypeError(f"not a regular topology: {type(topology).__name__}")


def _star_leaves(topology: StarTopologySpec) -> Iterator[str]:
    return (f"{topology.prefix}{i}" for i in range(1, topology.leaves + 1))


def _degrees(pairs: Iterable[tuple[str, str]]) -> dict[str, int]:
    degree: dict[str, int] = {}
    for a, b in pairs:
        degree[a] = degree.get(a, 0) + 1
        degree[b] = degree.get(b, 0) + 1
    return degree


def _ends(links: list[Any]) -> Iterator[tuple[str, str]]:
    """The two ends of each well-formed explicit link (others are left to validation)."""
    for link in links:
        between = link.get("between") if isinstance(link, dict) else None
        if (isinstance(between, (list, tuple)) and len(between) == 2
                and all(isinstance(end, str) for end in between) and between[0] != between[1]):
            yield between[0], between[1]


# --- files --------------------------------------------------------------------------------

def _read_file(topology: FileTopologySpec, base_dir: Path | None
               ) -> tuple[list[str], list[Edge], dict[str, str]]:
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


# --- documents ----------------------------------------------------------------------------

def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``override`` merged in, nested mappings included; ``override`` wins."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _topology_error(error: ValidationError, section: Any) -> ScenarioError:
    """The first problem of the ``topology`` section; a misspelled key before what it hides."""
    details = error.errors()
    extra = [d for d in details if d["type"] == "extra_forbidden"]
    if extra:  # 'spcing' is reported as unknown, not as 'spacing: required'
        key = str(extra[0]["loc"][-1])
        kind = section.get("kind") if isinstance(section, dict) else None
        models = [m for m in _KINDS if m.model_fields["kind"].default == kind] or list(_KINDS)
        fields = sorted({name for m in models for name in m.model_fields} - {"kind"})
        close = difflib.get_close_matches(key, fields, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return ScenarioError(f"topology.{key}", f"unknown key {key!r}{hint}")
    from qfab.spec.loader import format_validation_error

    return format_validation_error(error, {"topology": section}, _TopologyDocument)
