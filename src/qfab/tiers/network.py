"""What a tier builder returns: the nodes and links of one tier block, and how a gateway
attaches to it."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from qfab.catalog.model import UnknownPresetError, preset
from qfab.catalog.resolve import resolve_presets
from qfab.errors import ScenarioError

__all__ = ["TierNetwork", "block_spec", "check_presets", "merge", "resolved"]

Nodes = dict[str, dict[str, Any]]
Links = list[dict[str, Any]]

#: Makes the link document joining a block node to a gateway node: ``(block node, gateway
#: node) -> link``.
GatewayLink = Callable[[str, str], dict[str, Any]]


@dataclass
class TierNetwork:
    """The nodes and links one tier block generates.

    Attributes
    ----------
    name
        The block's name (node names start with ``<name>_``).
    tier
        The tier label of its nodes (``nodal``, ``cluster``, ``campus``, ``wan``).
    nodes
        Node documents by name (plain data, as a scenario's ``nodes`` holds them, presets
        resolved); ``memory.qubits`` is filled in by :func:`qfab.tiers.build` from the
        degree of each node once every link is known.
    links
        Link documents (plain data, presets resolved).
    port
        The node a gateway attaches to when a ``gateway`` names the block.
    gateway_link
        Makes this block's kind of link between one of its nodes and a gateway node.
    gateway_node
        What a gateway node on this side needs: its ``memory`` (when ``staging``) and its
        ``interface`` sections.
    staging
        Whether the block's memories stage pairs for the other side (a gateway takes this
        side's memory when it is).
    qubits_per_link
        Memory qubits of each of its nodes per link.
    platform
        The qubits' technology where a gateway must match it (``superconducting``,
        ``ion``), or ``None``.
    """

    name: str
    tier: str
    nodes: Nodes
    links: Links
    port: str
    gateway_link: GatewayLink
    gateway_node: dict[str, Any] = field(default_factory=dict)
    staging: bool = False
    qubits_per_link: int = 1
    platform: str | None = None

    def node_names(self) -> list[str]:
        """The generated node names, in order."""
        return list(self.nodes)


Model = TypeVar("Model", bound=BaseModel)


def block_spec(model: type[Model], spec: Model | None, fields: Mapping[str, Any],
               kind: str) -> Model:
    """The block's validated model: ``spec`` as given, or built from keyword ``fields``.

    Raises
    ------
    ScenarioError
        ``<field>: ...`` for a field of the wrong type or out of range.
    """
    if spec is not None:
        if fields:
            raise TypeError("give a spec or keyword fields, not both")
        return spec
    try:
        return model.model_validate({"kind": kind, **fields})
    except ValidationError as error:
        from qfab.spec.loader import format_validation_error

        raise format_validation_error(error, {"kind": kind, **fields}, model) from None


def merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``override`` merged in, nested mappings included; ``override`` wins.

    A nested mapping whose ``kind`` differs from the one it overrides replaces it whole
    (a memory of another kind shares none of the generated one's fields).
    """
    merged = copy.deepcopy(base)
    for key, value in override.items():
        current = merged.get(key)
        if isinstance(value, Mapping) and isinstance(current, dict) \
                and value.get("kind", current.get("kind")) == current.get("kind"):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def resolved(nodes: Nodes, links: Links, where: str) -> tuple[Nodes, Links]:
    """``nodes`` and ``links`` with their ``preset:`` keys replaced by the catalog's values.

    Raises
    ------
    ScenarioError
        At ``where`` (the block's path, ``tiers[i]``) for a preset that does not exist or
        is of another category, naming the generated entry.
    """
    try:
        document = resolve_presets({"nodes": nodes, "links": links})
    except ScenarioError as error:
        raise ScenarioError(where, f"{error.reason} (generated {error.path})") from None
    return document["nodes"], document["links"]


def check_presets(where: str, **named: tuple[str, str]) -> None:
    """Check that each field's catalog preset exists and is of its category.

    Parameters
    ----------
    where
        The block's YAML path (``tiers[i]``).
    named
        ``field=(preset name, category)``.

    Raises
    ------
    ScenarioError
        ``<where>.<field>: ...`` for an unknown preset or one of another category.
    """
    for field_name, (name, category) in named.items():
        try:
            entry = preset(name)
        except UnknownPresetError as error:
            raise ScenarioError(f"{where}.{field_name}", str(error)) from None
        if entry.category != category:
            raise ScenarioError(f"{where}.{field_name}", f"{name!r} is a {entry.category} "
                                f"preset, not a {category} preset")
