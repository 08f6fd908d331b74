"""``preset: NAME`` in a scenario: the preset's values written into the section, before validation.

A ``detector``, ``fiber``, ``emitter``, ``conversion``, ``transducer`` (a ``transduced``
link's) or ``memory`` mapping (of a link, a node, or the ``topology`` section's link and
node templates), and the ``emitter``,
``conversion`` and ``transducer`` mappings of a node's ``interface``, may name a preset of
its category (a ``conversion`` takes a ``converter``)::

    detector: {preset: snspd_wsi, dark_count_rate: 10 Hz}
    nodes: {ion: {interface: {emitter: {preset: sr88_ion}, conversion: {preset: ...}}}}

The preset's parameters that the section has a field for are written into it (with their
units); keys beside ``preset`` override single values. Only these parameters are applied:

- detector: ``efficiency``, ``dark_count_rate``, ``window``, ``jitter``, ``dead_time``;
- fiber: ``attenuation``, ``speed``, ``wavelength``;
- emitter: ``efficiency``, ``emission_probability``, ``collection_efficiency``,
  ``indistinguishability``, ``wavelength``;
- conversion (category ``converter``): ``efficiency``, ``noise_rate``, ``input_wavelength``,
  ``output_wavelength``, ``bandwidth``;
- transducer (category ``transducer``): ``efficiency``, ``added_noise``,
  ``output_wavelength``;
- memory: ``t1``, ``t2``;
- qpu (a node's ``qpu`` section): ``qubits``, ``single_qubit_error``, ``two_qubit_error``,
  ``measurement_error``, ``t1``, ``t2``, ``single_qubit_gate_time``,
  ``two_qubit_gate_time``, ``measurement_time``.

A link of kind ``chip_to_chip`` may name an ``interconnect`` preset at the link itself
(``{kind: chip_to_chip, between: [a, b], preset: chip_to_chip, cycle_time: 1 us}``; a link
with a preset of that category and no ``kind`` becomes a ``chip_to_chip`` link); it writes
``fidelity``, ``success_probability`` and ``cycle_time`` where the preset has them, and the
link's own keys override them.

The preset's other parameters (g2, internal efficiencies, published rates and fidelities,
AFC storage times, ...) have no scenario field and are not applied; ``qfab catalog NAME``
shows them.
"""

from __future__ import annotations

from typing import Any

from qfab.catalog.model import UnknownPresetError, preset, presets
from qfab.errors import ScenarioError

__all__ = ["APPLIED", "CATEGORY", "applied_values", "resolve_presets"]

#: Section key -> the parameters of a preset written into it.
APPLIED: dict[str, tuple[str, ...]] = {
    "detector": ("efficiency", "dark_count_rate", "window", "jitter", "dead_time"),
    "fiber": ("attenuation", "speed", "wavelength"),
    "emitter": ("efficiency", "emission_probability", "collection_efficiency",
                "indistinguishability", "wavelength"),
    "conversion": ("efficiency", "noise_rate", "input_wavelength", "output_wavelength",
                   "bandwidth"),
    "transducer": ("efficiency", "added_noise", "output_wavelength"),
    "memory": ("t1", "t2", "efficiency", "optical_depth", "finesse", "background_depth",
               "comb_spacing", "echo_time", "modes", "spin_coherence_time",
               "transfer_efficiency"),
    "interconnect": ("fidelity", "success_probability", "cycle_time"),
    "qpu": ("qubits", "single_qubit_error", "two_qubit_error", "measurement_error", "t1", "t2",
            "single_qubit_gate_time", "two_qubit_gate_time", "measurement_time"),
}

#: Memory parameters that only a memory of kind ``afc`` has: a preset writes them into a
#: memory section that says ``kind: afc`` (the on-demand ones into its ``on_demand``).
_AFC_ONLY = frozenset(APPLIED["memory"]) - {"t1", "t2"}
_AFC_ON_DEMAND = ("spin_coherence_time", "transfer_efficiency")

#: Section key -> the catalog category its presets have (the key itself when not listed).
CATEGORY: dict[str, str] = {"conversion": "converter"}

#: Units of pure numbers (the field takes the bare value).
_NUMBER_UNITS = frozenset({"1", "photons"})
#: Parameters that are whole numbers (the field refuses ``32.0``).
_INTEGER_KEYS = frozenset({"qubits"})

#: Link kind -> the preset category a link of that kind may name at its top level.
_LINK_PRESETS = {"chip_to_chip": "interconnect"}

_LINK_SECTIONS = ("detector", "fiber", "emitter", "conversion", "transducer")
_NODE_SECTIONS = ("memory", "qpu")
_INTERFACE_SECTIONS = ("emitter", "conversion", "transducer")


def applied_values(name: object, section: str, path: str) -> dict[str, Any]:
    """The values a ``preset: name`` writes into a ``section`` mapping at YAML ``path``.

    Raises
    ------
    ScenarioError
        ``<path>.preset: ...`` for a name that is not a string, an unknown preset (with the
        close names), or a preset of another category.
    """
    where = f"{path}.preset" if path else "preset"
    if not isinstance(name, str):
        raise ScenarioError(where, f"must be a preset name (a string), got {name!r}")
    try:
        entry = preset(name)
    except UnknownPresetError as error:
        raise ScenarioError(where, str(error)) from None
    category = CATEGORY.get(section, section)
    if entry.category != category:
        raise ScenarioError(where, f"{name!r} is {_article(entry.category)} {entry.category}, "
                            f"not {_article(category)} {category}")
    values: dict[str, Any] = {}
    for key in APPLIED[section]:
        parameter = entry.parameters.get(key)
        if parameter is not None:
            if key in _INTEGER_KEYS and parameter.value.is_integer():
                values[key] = int(parameter.value)
                continue
            values[key] = parameter.value if parameter.unit in _NUMBER_UNITS \
                else parameter.quantity()
    return values


def resolve_presets(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every ``preset:`` replaced by the preset's values.

    The document is not modified; without any ``preset`` key it comes back as it is.

    Raises
    ------
    ScenarioError
        As :func:`applied_values` does, naming the YAML path of the ``preset`` key.
    """
    result = document
    links = document.get("links")
    if isinstance(links, list):
        new_links: list[Any] | None = None
        for index, link in enumerate(links):
            if isinstance(link, dict) and ("preset" in link
                                           or _has_preset(link, _LINK_SECTIONS)):
                new_links = list(links) if new_links is None else new_links
                new_links[index] = _resolve_link(link, f"links[{index}]")
        if new_links is not None:
            result = {**result, "links": new_links}
    nodes = document.get("nodes")
    if isinstance(nodes, dict):
        new_nodes: dict[Any, Any] | None = None
        for name, node in nodes.items():
            if isinstance(node, dict) and _node_has_preset(node):
                new_nodes = dict(nodes) if new_nodes is None else new_nodes
                new_nodes[name] = _resolve_node(node, f"nodes.{name}")
        if new_nodes is not None:
            result = {**result, "nodes": new_nodes}
    topology = document.get("topology")
    if isinstance(topology, dict):
        new_topology = dict(topology)
        if "link" in topology:
            new_topology["link"] = _resolve_link(topology["link"], "topology.link")
        if "node" in topology:
            new_topology["node"] = _resolve_node(topology["node"], "topology.node")
        if any(new_topology[key] is not topology[key] for key in topology):
            result = {**result, "topology": new_topology}
    return result


def _resolve_link(entry: Any, path: str) -> Any:
    """A link entry with its own preset (:data:`_LINK_PRESETS`) and its sections' applied."""
    if isinstance(entry, dict) and "preset" in entry:
        entry = _link_preset(entry, path)
    return _resolve_entry(entry, _LINK_SECTIONS, path)


def _link_preset(link: dict[str, Any], path: str) -> dict[str, Any]:
    """The link with the values of the preset it names at its top level, its keys first."""
    kind = link.get("kind")
    name = link["preset"]
    if kind is None:  # the kind of link the preset is for
        if not isinstance(name, str) or name not in _names_of(set(_LINK_PRESETS.values())):
            applied_values(name, "interconnect", path)  # raises: unknown or another category
        category = preset(str(name)).category
        kind = next(k for k, c in _LINK_PRESETS.items() if c == category)
    section = _LINK_PRESETS.get(str(kind))
    if section is None:
        kinds = ", ".join(sorted(_LINK_PRESETS))
        raise ScenarioError(f"{path}.preset", f"a link of kind {kind!r} takes presets in its "
                            f"sections ({', '.join(_LINK_SECTIONS)}), not at the link; a preset "
                            f"at the link is for the kinds {kinds}")
    values = applied_values(name, section, path)
    rest = {key: value for key, value in link.items() if key != "preset"}
    return {"kind": kind, **values, **rest}


def _names_of(categories: set[str]) -> set[str]:
    """Names of the presets of the given categories."""
    return {entry.name for entry in presets() if entry.category in categories}


def _node_has_preset(node: dict[str, Any]) -> bool:
    """Whether the node's memory or QPU or one of its interface's sections names a preset."""
    interface = node.get("interface")
    return _has_preset(node, _NODE_SECTIONS) or (
        isinstance(interface, dict) and _has_preset(interface, _INTERFACE_SECTIONS))


def _resolve_node(node: Any, path: str) -> Any:
    """A node entry (or template) with the presets of its memory, QPU and interface applied."""
    if not isinstance(node, dict):
        return node
    result = _resolve_entry(node, _NODE_SECTIONS, path)
    interface = node.get("interface")
    if isinstance(interface, dict):
        resolved = _resolve_entry(interface, _INTERFACE_SECTIONS, f"{path}.interface")
        if resolved is not interface:
            result = {**result, "interface": resolved}
    return result


def _has_preset(entry: dict[str, Any], sections: tuple[str, ...]) -> bool:
    """Whether one of the entry's sections is a mapping with a ``preset`` key."""
    for section in sections:
        value = entry.get(section)
        if isinstance(value, dict) and "preset" in value:
            return True
    return False


def _resolve_entry(entry: Any, sections: tuple[str, ...], path: str) -> Any:
    """A link or node entry with the presets of its sections applied (itself if none)."""
    if not isinstance(entry, dict):
        return entry
    result = entry
    for section in sections:
        value = entry.get(section)
        if isinstance(value, dict) and "preset" in value:
            overrides = {key: item for key, item in value.items() if key != "preset"}
            values = applied_values(value["preset"], section, f"{path}.{section}")
            if section == "memory":
                values, overrides = _memory_values(values, overrides)
            result = {**result, section: {**values, **overrides}}
    return result


def _memory_values(values: dict[str, Any], overrides: dict[str, Any]
                   ) -> tuple[dict[str, Any], dict[str, Any]]:
    """A memory preset's values for the section's kind: the AFC parameters only for
    ``kind: afc`` (spin-wave ones under ``on_demand``, merged with the section's own)."""
    if overrides.get("kind") != "afc":
        return {key: item for key, item in values.items() if key not in _AFC_ONLY}, overrides
    on_demand = {key: values.pop(key) for key in _AFC_ON_DEMAND if key in values}
    if on_demand:
        given = overrides.get("on_demand")
        if isinstance(given, dict):
            overrides = {**overrides, "on_demand": {**on_demand, **given}}
        elif given is None:
            overrides = {**overrides, "on_demand": on_demand}
    return values, overrides


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"
