"""Tier builders: each produces the topology it promises, gateways join tiers, the tiers
section expands in a scenario, and its errors name ``tiers[i].field``."""

from __future__ import annotations

import math
from typing import Any

import pytest

from qfab.engines import run
from qfab.errors import ScenarioError
from qfab.loading import parse_scenario
from qfab.spec.links_hardware import ChipToChipLinkSpec, MidpointSourceLinkSpec
from qfab.spec.models import AfcMemorySpec, DoubleClickLinkSpec, TransducedLinkSpec
from qfab.tiers import build, cluster, metro, nodal, wan
from qfab.tiers.metro import CHICAGO_SITES


def _scenario(tiers: list[dict[str, Any]], requests: list[dict[str, Any]] | None = None,
              **top: Any) -> Any:
    return parse_scenario({"qfab": 1, "seed": 2, "duration": "20 s", "tiers": tiers,
                           "requests": requests or [], **top})


def test_nodal_is_a_line_of_chips_with_the_interconnect_preset() -> None:
    network = nodal(name="cryo", qpus=5, spacing="3 cm")
    assert list(network.nodes) == [f"cryo_q{i}" for i in range(5)]
    assert [link["between"] for link in network.links] == [
        [f"cryo_q{i}", f"cryo_q{i + 1}"] for i in range(4)]
    spec = _scenario([{"kind": "nodal", "name": "cryo", "qpus": 5, "spacing": "3 cm"}])
    assert all(isinstance(link, ChipToChipLinkSpec) for link in spec.links)
    assert {link.fidelity for link in spec.links} == {0.997}  # the chip_to_chip preset
    assert [link.length for link in spec.links] == pytest.approx([0.03] * len(spec.links))
    assert {node.tier for node in spec.nodes.values()} == {"nodal"}
    t2 = [node.memory.t2 for node in spec.nodes.values()]
    assert t2 == pytest.approx([1e-3] * len(t2))
    # ends of the line serve one link, the others two
    assert [spec.nodes[f"cryo_q{i}"].memory.qubits for i in range(5)] == [1, 2, 2, 2, 1]


def test_cluster_joins_every_two_modules_through_the_switch() -> None:
    spec = _scenario([{"kind": "cluster", "name": "dc", "racks": 3, "modules_per_rack": 2,
                       "patch_length": "2 m", "rack_spacing": "1 m",
                       "switch": {"insertion_loss": "0.8 dB",
                                  "reconfiguration_time": "20 ms"}}])
    modules = [f"dc_r{r}m{m}" for r in range(3) for m in range(2)]
    assert list(spec.nodes) == modules
    assert len(spec.links) == math.comb(6, 2)
    for link in spec.links:
        assert isinstance(link, DoubleClickLinkSpec)
        assert link.switch is not None and link.switch.name == "dc_switch"
        assert link.switch.insertion_loss == 0.8
        assert link.switch.reconfiguration_time == pytest.approx(0.02)
        racks = [int(end[4]) for end in link.between]
        assert link.length == pytest.approx(4.0 + abs(racks[0] - racks[1]))
        assert link.visibility == pytest.approx(0.88)  # F = (1 + V) / 2 = 0.94
    assert {node.tier for node in spec.nodes.values()} == {"cluster"}
    assert {node.memory.qubits for node in spec.nodes.values()} == {5}


def test_superconducting_cluster_uses_transduced_links() -> None:
    network = cluster(platform="superconducting", racks=1, modules_per_rack=3)
    assert [link["kind"] for link in network.links] == ["transduced"] * 3
    spec = _scenario([{"kind": "cluster", "platform": "superconducting", "racks": 1,
                       "modules_per_rack": 3}])
    assert all(isinstance(link, TransducedLinkSpec) for link in spec.links)
    assert all(node.interface is not None and node.interface.transducer is not None
               and node.interface.transducer.efficiency == 0.087
               for node in spec.nodes.values())


def test_metro_has_the_six_sites_and_the_published_extension() -> None:
    spec = _scenario([{"kind": "metro", "name": "chi"}])
    assert list(spec.nodes) == [f"chi_{site}" for site in CHICAGO_SITES]
    lengths = {frozenset(link.between): link.length for link in spec.links}
    assert lengths[frozenset({"chi_argonne", "chi_uchicago"})] == pytest.approx(56e3)
    assert sum(lengths.values()) == pytest.approx(202e3)  # about the published 200 km
    assert all(isinstance(link, MidpointSourceLinkSpec) for link in spec.links)
    losses = [link.fiber.attenuation for link in spec.links]
    assert losses == pytest.approx([0.25e-3] * len(losses))
    assert all(isinstance(node.memory, AfcMemorySpec) and node.memory.on_demand is not None
               and node.tier == "campus" for node in spec.nodes.values())
    assert len(metro(scale=0.5).links) == 6


def test_wan_backbone_and_ground_stations() -> None:
    spec = _scenario([{"kind": "wan", "name": "w", "segments": 6,
                       "segment_length": "80 km", "ground_stations": 2}])
    backbone = ["w_a", *(f"w_r{i}" for i in range(1, 6)), "w_b"]
    assert list(spec.nodes) == [*backbone, "w_gs0", "w_gs1"]
    assert [list(link.between) for link in spec.links] == [
        [a, b] for a, b in zip(backbone, backbone[1:])]
    assert [link.length for link in spec.links] == pytest.approx([80e3] * len(spec.links))
    losses = [link.fiber.attenuation for link in spec.links]
    assert losses == pytest.approx([0.1419e-3] * len(losses))
    assert spec.degree("w_gs0") == 0 and spec.nodes["w_gs0"].tier == "wan"
    assert len(wan(segments=8).links) == 8


def test_gateways_have_both_sides_interfaces_and_links() -> None:
    made = build([{"kind": "nodal", "name": "cryo", "qpus": 2},
                  {"kind": "cluster", "name": "dc", "platform": "superconducting",
                   "racks": 1, "modules_per_rack": 2},
                  {"kind": "metro", "name": "chi"},
                  {"kind": "gateway", "between": ["cryo", "dc"]},
                  {"kind": "gateway", "between": ["dc_r0m1", "chi"], "name": "edge"}])
    gateway = made.nodes["gw_cryo_dc"]
    kinds = {link["kind"] for link in made.links if "gw_cryo_dc" in link["between"]}
    assert kinds == {"chip_to_chip", "transduced"}
    assert gateway["tier"] == "cluster" and "transducer" in gateway["interface"]
    edge = made.nodes["edge"]
    assert edge["memory"]["kind"] == "afc"  # the metro side stages the pairs
    ends = sorted(tuple(link["between"]) for link in made.links if "edge" in link["between"])
    assert ends == [("chi_uchicago", "edge"), ("dc_r0m1", "edge")]
    assert made.node_origin["edge"] == 4


def test_a_request_inside_each_tier_is_served_and_user_links_join_generated_nodes() -> None:
    spec = _scenario(
        [{"kind": "nodal", "name": "cryo", "qpus": 3},
         {"kind": "cluster", "name": "dc", "racks": 1, "modules_per_rack": 2,
          "switch": {"reconfiguration_time": "1 ms"}}],
        [{"kind": "entanglement", "between": ["cryo_q0", "cryo_q2"], "pairs": 50},
         {"kind": "entanglement", "between": ["dc_r0m0", "dc_r0m1"], "pairs": 5},
         {"kind": "entanglement", "between": ["cryo_q2", "extra"], "pairs": 5}],
        nodes={"extra": {"tier": "nodal"}},
        links=[{"kind": "chip_to_chip", "between": ["cryo_q2", "extra"], "fidelity": 0.99,
                "cycle_time": "1 us"}])
    assert spec.nodes["cryo_q2"].memory.qubits == 2  # the written link counts
    result = run(spec, engine="des")
    assert [r.delivered for r in result.requests] == [50, 5, 5]


@pytest.mark.parametrize(("tiers", "path", "words"), [
    ([{"kind": "nodal", "qpu": 3}], "tiers[0].qpu", "unknown key"),
    ([{"kind": "nodal", "qpus": 1}], "tiers[0].qpus", ">= 2"),
    ([{"kind": "cluster", "racks": 8, "modules_per_rack": 8}], "tiers[0]", "at most 32"),
    ([{"kind": "mesh"}], "tiers[0]", "unknown kind"),
    ([{"kind": "wan"}, {"kind": "wan"}], "tiers[1].name", "a second block"),
    ([{"kind": "nodal"}, {"kind": "gateway", "between": ["nodal", "x"]}],
     "tiers[1].between[1]", "neither a tier block"),
    ([{"kind": "metro", "memory": "snspd_wsi"}], "tiers[0].memory", "detector preset"),
    ([{"kind": "wan", "fiber": "smf"}], "tiers[0].fiber", "unknown preset"),
    ([{"kind": "cluster", "emitter": "nv_centre"}], "tiers[0].emitter", "no "),
    ([{"kind": "nodal", "interconnect": "smf28"}], "tiers[0].interconnect", "fiber preset"),
    ([{"kind": "nodal"}, {"kind": "cluster"}, {"kind": "gateway", "between": ["nodal", "cluster"]}],
     "tiers[2].between", "superconducting qubits and 'cluster' ion"),
    ([{"kind": "nodal", "link": {"fidelity": 2}}], "tiers[0].link.fidelity", "generated link"),
    ([{"kind": "nodal", "node": {"memory": {"t2": "-1 s"}}}], "tiers[0].node.memory.t2",
     "generated node"),
    ([{"kind": "nodal", "qpus": 2, "cycle_time": "30 s"}], "tiers[0]", "generated link"),
])
def test_errors_name_the_tier_field(tiers: list[dict[str, Any]], path: str,
                                    words: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        _scenario(tiers)
    assert caught.value.path == path
    assert words in caught.value.reason


def test_tiers_and_topology_are_not_combined() -> None:
    with pytest.raises(ScenarioError) as caught:
        _scenario([{"kind": "nodal"}], topology={
            "kind": "chain", "nodes": 2, "spacing": "1 km",
            "link": {"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.1,
                     "cycle_time": "1 ms"}})
    assert caught.value.path == "tiers"


def test_a_node_section_of_another_kind_replaces_the_generated_one() -> None:
    from qfab.tiers.network import merge

    generated = {"tier": "wan", "memory": {"kind": "afc", "optical_depth": 20.0, "modes": 100}}
    assert merge(generated, {"memory": {"kind": "t1t2", "t2": 1.0}}) == {
        "tier": "wan", "memory": {"kind": "t1t2", "t2": 1.0}}
    # the same kind (or none named) merges key by key
    assert merge(generated, {"memory": {"modes": 10}})["memory"] == {
        "kind": "afc", "optical_depth": 20.0, "modes": 10}
    assert merge(generated, {"memory": {"kind": "afc", "modes": 10}})["memory"]["optical_depth"] \
        == 20.0
