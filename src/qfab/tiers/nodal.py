"""The nodal tier: QPU chips in one cryostat, chained edge to edge.

Chips ``<name>_q0 .. <name>_q{n-1}`` in a line; each is joined to the next by a
``chip_to_chip`` interconnect (the catalog's ``interconnect`` preset, by default
``chip_to_chip``: fidelity 0.997) and holds its qubits for the interconnect's buffer time
(``buffer_time`` of the preset, 1 ms, as the memory's ``t2``). A gateway attaches to the
last chip (the edge of the line) with another interconnect.
"""

from __future__ import annotations

from typing import Any

from qfab.catalog import preset
from qfab.spec.tiers import NodalTierSpec
from qfab.tiers.network import TierNetwork, block_spec, check_presets, merge, resolved

__all__ = ["nodal"]


def nodal(spec: NodalTierSpec | None = None, *, where: str = "nodal",
          **fields: Any) -> TierNetwork:
    """The chips and interconnects of a nodal tier block.

    Parameters
    ----------
    spec
        The block (a ``tiers`` entry of kind ``nodal``); or give its fields as keywords
        (``nodal(name="cryo", qpus=3)``).
    where
        The block's YAML path, for messages.

    Returns
    -------
    TierNetwork
        ``qpus`` nodes of tier ``nodal`` and ``qpus - 1`` ``chip_to_chip`` links of length
        ``spacing``; the gateway port is the last chip.
    """
    block = block_spec(NodalTierSpec, spec, fields, "nodal")
    check_presets(where, interconnect=(block.interconnect, "interconnect"))
    buffer = block.buffer_time
    if buffer is None:
        parameter = preset(block.interconnect).parameters.get("buffer_time")
        buffer_value: Any = "1 ms" if parameter is None else parameter.quantity()
    else:
        buffer_value = buffer
    names = [f"{block.name}_q{i}" for i in range(block.qpus)]
    node = merge({"tier": "nodal", "memory": {"t2": buffer_value}}, block.node)

    def link(a: str, b: str) -> dict[str, Any]:
        return merge({"kind": "chip_to_chip", "preset": block.interconnect, "between": [a, b],
                      "length": block.spacing,
                      "success_probability": block.success_probability,
                      "cycle_time": block.cycle_time}, block.link)

    nodes = {name: merge(node, {}) for name in names}
    links = [link(a, b) for a, b in zip(names, names[1:])]
    nodes, links = resolved(nodes, links, where)
    return TierNetwork(block.name, "nodal", nodes, links, port=names[-1],
                       gateway_link=lambda mine, gateway: resolved({}, [link(mine, gateway)],
                                                                   where)[1][0],
                       gateway_node={"memory": node["memory"]},
                       qubits_per_link=block.qubits_per_link, platform="superconducting")

