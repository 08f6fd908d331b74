"""The ``topology:`` section of a scenario: a regular network or a graph file.

Instead of listing every node and link, a scenario may describe a regular network, or point
to a graph file::

    topology:
      kind: chain                 # chain | ring | star | grid | file
      nodes: 9
      spacing: 10 km              # length of every generated link
      link: {kind: depolarizing, fidelity: 0.95, success_probability: 0.1, cycle_time: 1 ms}
      node: {memory: {qubits: 1, t2: 1 s}}
      tier: campus
      prefix: n                   # node names n0 .. n8

This module holds the section's models and their validation (:func:`validate_topology`);
:mod:`qfab.topology` generates the nodes and links they describe and merges them into the
scenario (how templates, degrees and explicit entries combine is documented there).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter, ValidationError, field_validator, model_validator

from qfab.errors import ScenarioError
from qfab.spec.base import Integer, SpecModel, Tier
from qfab.spec.quantities import Length

__all__ = [
    "ChainTopologySpec", "RingTopologySpec", "StarTopologySpec", "GridTopologySpec",
    "FileTopologySpec", "TopologySpec", "validate_topology",
]


#: The most nodes a generated topology may have. Validating and planning a generated chain
#: takes about 3 kB and 40 us per node, and building the event simulation's network about
#: 4 kB more (measured: 100,000 nodes, 0.37 GB and 3.7 s to validate, 0.7 GB to set a run
#: up), so this many need several GB before any run starts; larger networks are refused
#: instead of filling the machine.
MAX_GENERATED_NODES = 1_000_000

#: Bytes that validating one generated node takes (see :data:`MAX_GENERATED_NODES`).
_BYTES_PER_NODE = 3_000


def _check_size(count: int) -> None:
    """Refuse a generated topology of more than :data:`MAX_GENERATED_NODES` nodes."""
    if count > MAX_GENERATED_NODES:
        need = Decimal(count) * _BYTES_PER_NODE / 2**30  # any integer, beyond floats too
        raise ValueError(f"{_count(count)} nodes would need about {need:,.3g} GiB to "
                         f"validate alone (about 3 kB per node); generated topologies have at "
                         f"most {MAX_GENERATED_NODES:,} nodes")


def _count(count: int) -> str:
    """``count`` with thousands separators, or in powers of ten when it is very long."""
    return f"{count:,}" if count < 10**30 else f"{Decimal(count):.3e}"


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
    nodes: Integer = Field(ge=2, description="number of nodes")
    spacing: Length = Field(description="length of each link")

    @field_validator("nodes")
    @classmethod
    def _at_most_max_nodes(cls, value: int) -> int:
        _check_size(value)
        return value


class RingTopologySpec(_TopologySpecBase):
    """A ring: the chain ``{prefix}0 .. {prefix}{N-1}`` plus the closing link to ``{prefix}0``."""

    kind: Literal["ring"] = "ring"
    nodes: Integer = Field(ge=3, description="number of nodes")
    spacing: Length = Field(description="length of each link")

    @field_validator("nodes")
    @classmethod
    def _at_most_max_nodes(cls, value: int) -> int:
        _check_size(value)
        return value


class StarTopologySpec(_TopologySpecBase):
    """A star: the node ``center`` linked to the leaves ``{prefix}1 .. {prefix}{leaves}``.

    Links run from the center to each leaf, in leaf order.
    """

    kind: Literal["star"] = "star"
    leaves: Integer = Field(ge=1, description="number of leaves")
    spacing: Length = Field(description="length of each link (center to leaf)")
    center: str = Field("hub", min_length=1, description="name of the center node")

    @field_validator("leaves")
    @classmethod
    def _at_most_max_nodes(cls, value: int) -> int:
        _check_size(value + 1)
        return value

    def leaf_names(self) -> Iterator[str]:
        """Names of the leaves, in order: ``{prefix}1 .. {prefix}{leaves}``."""
        return (f"{self.prefix}{i}" for i in range(1, self.leaves + 1))

    @model_validator(mode="after")
    def _center_is_not_a_leaf(self) -> StarTopologySpec:
        if self.center in self.leaf_names():
            raise ValueError(f"the center {self.center!r} has the name of a leaf; choose "
                             "another 'center' or 'prefix'")
        return self


class GridTopologySpec(_TopologySpecBase):
    """A rectangular grid of nodes ``{prefix}{row}_{col}`` (rows and columns from 0).

    Each node is linked to its right and lower neighbours; links are listed node by node in
    row-major order, the link to the right before the link down.
    """

    kind: Literal["grid"] = "grid"
    rows: Integer = Field(ge=1)
    cols: Integer = Field(ge=1)
    spacing: Length = Field(description="length of each link")

    @model_validator(mode="after")
    def _at_most_max_nodes(self) -> GridTopologySpec:
        _check_size(self.rows * self.cols)
        return self

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
    ChainTopologySpec | RingTopologySpec | StarTopologySpec | GridTopologySpec | FileTopologySpec,
    Field(discriminator="kind"),
]

_KINDS: tuple[type[_TopologySpecBase], ...] = (
    ChainTopologySpec, RingTopologySpec, StarTopologySpec, GridTopologySpec, FileTopologySpec)


class _TopologyDocument(SpecModel):
    """Wrapper that gives validation errors paths starting with ``topology``."""

    topology: TopologySpec


_ADAPTER: TypeAdapter[_TopologyDocument] = TypeAdapter(_TopologyDocument)


def validate_topology(section: Any) -> TopologySpec:
    """Validate a raw ``topology`` section (plain data from YAML).

    Raises
    ------
    ScenarioError
        Naming the YAML path of the first problem (it starts with ``topology``); a misspelled
        key is reported before the required key it hides.
    """
    try:
        return _ADAPTER.validate_python({"topology": section}).topology
    except ValidationError as error:
        raise _topology_error(error, section) from None


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
