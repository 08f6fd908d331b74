"""The campus/metro tier: a six-site network after the Chicago metropolitan testbed.

The layout (:data:`CHICAGO_SPANS`) follows the published description of the Chicago quantum
network (University of Chicago news release, June 2022: six nodes and 124 miles (200 km) of
fibre between Argonne National Laboratory in suburban Lemont and two buildings on Chicago's
South Side, the UChicago campus and the Chicago Quantum Exchange headquarters in Hyde Park;
Argonne's 89-mile (144 km) quantum loop and a new 35-mile (56 km) Argonne-UChicago
extension). The material does not name the loop's other sites or its span lengths: the
builder assumes three suburban sites ``loop_1 .. loop_3`` on the loop, dividing it into four
equal spans of 36 km, and 2 km of city fibre between the two Hyde Park buildings (202 km in
all). Each span is a ``midpoint_source`` link over deployed fibre (``attenuation``, assumed
0.25 dB/km: the catalog's smf28 fibre, 0.18 dB/km, plus splices and connectors) into on-demand
rare-earth AFC memories at the sites, which stage the pairs until they are used.
"""

from __future__ import annotations

from typing import Any

from qfab.spec.tiers import MetroTierSpec
from qfab.tiers.network import TierNetwork, block_spec, check_presets, merge, resolved
from qfab.tiers.staging import afc_memory, source_span

__all__ = ["CHICAGO_SITES", "CHICAGO_SPANS", "GATEWAY_LENGTH", "metro"]

#: The six sites, in order (generated nodes are ``<name>_<site>``).
CHICAGO_SITES = ("argonne", "loop_1", "loop_2", "loop_3", "uchicago", "cqe")

#: ``(site, site, length in m, provenance)`` of every fibre span.
CHICAGO_SPANS: tuple[tuple[str, str, float, str], ...] = (
    ("argonne", "loop_1", 36e3, "assumed: a quarter of the published 144 km Argonne loop"),
    ("loop_1", "loop_2", 36e3, "assumed: a quarter of the published 144 km Argonne loop"),
    ("loop_2", "loop_3", 36e3, "assumed: a quarter of the published 144 km Argonne loop"),
    ("loop_3", "argonne", 36e3, "assumed: a quarter of the published 144 km Argonne loop"),
    ("argonne", "uchicago", 56e3, "published: the 35-mile (56 km) Argonne-UChicago extension"),
    ("uchicago", "cqe", 2e3, "assumed: city fibre between two Hyde Park buildings"),
)

#: Fibre from a metro site to a gateway node (another building on the site's campus; assumed).
GATEWAY_LENGTH = 2e3


def metro(spec: MetroTierSpec | None = None, *, where: str = "metro",
          **fields: Any) -> TierNetwork:
    """The sites and fibre spans of a metro tier block.

    Parameters
    ----------
    spec
        The block (a ``tiers`` entry of kind ``metro``); or give its fields as keywords.
    where
        The block's YAML path, for messages.

    Returns
    -------
    TierNetwork
        Six nodes of tier ``campus`` (:data:`CHICAGO_SITES`) and six ``midpoint_source``
        links (:data:`CHICAGO_SPANS`, lengths times ``scale``); the gateway port is the
        UChicago site.
    """
    block = block_spec(MetroTierSpec, spec, fields, "metro")
    check_presets(where, memory=(block.memory, "memory"), detector=(block.detector, "detector"))
    memory = afc_memory(block.memory, block.modes)
    node = merge({"tier": "campus", "memory": memory}, block.node)
    fiber = {"preset": "smf28", "attenuation": f"{block.attenuation!r} dB/km"}

    def link(a: str, b: str, length: float) -> dict[str, Any]:
        return merge(source_span(a, b, length, fiber=fiber, mean_pairs=block.mean_pairs,
                                 fidelity=block.source_fidelity,
                                 absorption=block.absorption_efficiency,
                                 cycle_time=block.cycle_time, detector=block.detector),
                     block.link)

    def named(site: str) -> str:
        return f"{block.name}_{site}"

    nodes = {named(site): merge(node, {}) for site in CHICAGO_SITES}
    links = [link(named(a), named(b), length * block.scale)
             for a, b, length, _ in CHICAGO_SPANS]
    nodes, links = resolved(nodes, links, where)
    return TierNetwork(block.name, "campus", nodes, links, port=named("uchicago"),
                       gateway_link=lambda mine, gateway: resolved(
                           {}, [link(mine, gateway, GATEWAY_LENGTH * block.scale)],
                           where)[1][0],
                       gateway_node={"memory": nodes[named("uchicago")]["memory"]},
                       staging=True, qubits_per_link=block.qubits_per_link)
