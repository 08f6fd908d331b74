"""The WAN tier: a repeater backbone over hundreds of kilometres, and ground stations.

Nodes ``<name>_a``, ``<name>_r1 .. <name>_r{n-1}`` (the repeaters) and ``<name>_b`` along a
line of ``segments`` spans of ``segment_length`` (default 4 x 75 km = 300 km); each span is
a ``midpoint_source`` link over ultra-low-loss fibre (catalog ``ultra_low_loss``: 0.1419
dB/km) into multimode on-demand rare-earth AFC memories (catalog ``eu_yso_afc``), the
multiplexed repeater of Simon et al., PRL 98, 190503 (2007). ``ground_stations`` nodes
``<name>_gs0 ..`` of tier ``wan`` are generated with the same memory and no links: the
scenario adds their satellite links. A gateway attaches to ``<name>_a`` with one more span.
"""

from __future__ import annotations

from typing import Any

from qfab.spec.tiers import WanTierSpec
from qfab.tiers.network import TierNetwork, block_spec, check_presets, merge, resolved
from qfab.tiers.staging import afc_memory, source_span

__all__ = ["wan"]


def wan(spec: WanTierSpec | None = None, *, where: str = "wan", **fields: Any) -> TierNetwork:
    """The backbone and ground stations of a WAN tier block.

    Parameters
    ----------
    spec
        The block (a ``tiers`` entry of kind ``wan``); or give its fields as keywords
        (``wan(segments=6, segment_length="80 km")``).
    where
        The block's YAML path, for messages.

    Returns
    -------
    TierNetwork
        ``segments + 1 + ground_stations`` nodes of tier ``wan`` and ``segments``
        ``midpoint_source`` links of ``segment_length``; the gateway port is ``<name>_a``.
    """
    block = block_spec(WanTierSpec, spec, fields, "wan")
    check_presets(where, memory=(block.memory, "memory"), detector=(block.detector, "detector"),
                  fiber=(block.fiber, "fiber"))
    memory = afc_memory(block.memory, block.modes)
    node = merge({"tier": "wan", "memory": memory}, block.node)
    fiber = {"preset": block.fiber}
    names = [f"{block.name}_a", *(f"{block.name}_r{i}" for i in range(1, block.segments)),
             f"{block.name}_b"]
    stations = [f"{block.name}_gs{i}" for i in range(block.ground_stations)]

    def link(a: str, b: str) -> dict[str, Any]:
        return merge(source_span(a, b, block.segment_length, fiber=fiber,
                                 mean_pairs=block.mean_pairs, fidelity=block.source_fidelity,
                                 absorption=block.absorption_efficiency,
                                 cycle_time=block.cycle_time, detector=block.detector),
                     block.link)

    nodes = {name: merge(node, {}) for name in [*names, *stations]}
    links = [link(a, b) for a, b in zip(names, names[1:])]
    nodes, links = resolved(nodes, links, where)
    return TierNetwork(block.name, "wan", nodes, links, port=names[0],
                       gateway_link=lambda mine, gateway: resolved({}, [link(mine, gateway)],
                                                                   where)[1][0],
                       gateway_node={"memory": nodes[names[0]]["memory"]},
                       staging=True, qubits_per_link=block.qubits_per_link)
