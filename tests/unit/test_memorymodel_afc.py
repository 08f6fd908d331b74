"""The ``afc`` memory kind: its recall efficiency versus storage time, its modes, its input
errors and which engines take it."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest

from qfab.engines import supports
from qfab.errors import ScenarioError
from qfab.linkmodel import link_models
from qfab.loading import parse_scenario
from qfab.memorymodel import memory_model
from qfab.spec.models import AfcMemorySpec


def _afc(**fields: Any) -> AfcMemorySpec:
    return AfcMemorySpec(kind="afc", **fields)


def test_the_comb_sets_the_recall_efficiency() -> None:
    """Afzelius et al., PRA 79, 052329 (2009): forward at most 4/e^2 = 0.5413 (d/F = 2, F
    large); d = 20, F = 10: forward 0.5047, backward 0.6971."""
    forward = memory_model(_afc(optical_depth=20, finesse=10, echo_time=1e-3))
    backward = memory_model(_afc(optical_depth=20, finesse=10, recall="backward",
                                 echo_time=1e-3))
    best = memory_model(_afc(optical_depth=2e4, finesse=1e4, echo_time=1e-3))
    assert forward.retrieval_efficiency(0.0) == pytest.approx(0.5047, abs=5e-5)
    assert backward.retrieval_efficiency(0.0) == pytest.approx(0.6971, abs=5e-5)
    assert best.retrieval_efficiency(0.0) == pytest.approx(4 / math.e**2, abs=1e-6)
    assert best.retrieval_efficiency(0.0) == pytest.approx(0.5413, abs=5e-5)
    background = memory_model(_afc(optical_depth=20, finesse=10, background_depth=0.1,
                                   echo_time=1e-3))
    assert background.retrieval_efficiency(0.0) == pytest.approx(0.5047 * math.exp(-0.1),
                                                                 abs=5e-5)
    given = memory_model(_afc(efficiency=0.3, echo_time=1e-3))
    assert given.retrieval_efficiency(1e-4) == 0.3
    assert not given.certain_readout and given.ideal and given.kind == "afc"


def test_a_fixed_delay_memory_loses_what_is_read_out_after_its_echo() -> None:
    model = memory_model(_afc(efficiency=0.4, comb_spacing=1e4))  # echo after 100 us
    assert model.retrieval_efficiency(0.0) == 0.4
    assert model.retrieval_efficiency(100e-6) == 0.4
    assert model.retrieval_efficiency(100.001e-6) == 0.0
    assert memory_model(_afc(efficiency=0.4, echo_time=5e-6)).retrieval_efficiency(6e-6) == 0.0


def test_spin_wave_storage_decays_as_a_gaussian_of_the_time_beyond_the_echo() -> None:
    model = memory_model(_afc(efficiency=0.5, echo_time=1e-5,
                              on_demand={"spin_coherence_time": 1e-3,
                                         "transfer_efficiency": 0.9}))
    start = 0.5 * 0.9**2
    assert model.retrieval_efficiency(0.0) == pytest.approx(start)
    assert model.retrieval_efficiency(1e-5) == pytest.approx(start)
    assert model.retrieval_efficiency(1e-5 + 1e-3) == pytest.approx(start / math.e)
    assert model.retrieval_efficiency(1e-5 + 2e-3) == pytest.approx(start * math.exp(-4))
    endless = memory_model(_afc(efficiency=0.5, on_demand={"transfer_efficiency": 0.8}))
    assert endless.retrieval_efficiency(1e6) == pytest.approx(0.5 * 0.64)


def test_the_stored_state_depolarizes_with_its_coherence_time() -> None:
    model = memory_model(_afc(efficiency=0.5, echo_time=1e-3, coherence_time=0.1))
    assert model.decay_rates == pytest.approx((10.0, 10.0, 10.0))
    assert not model.ideal


LINK: dict[str, Any] = {
    "qfab": 1, "duration": "1 s",
    "nodes": {"a": {"memory": {"kind": "afc", "qubits": 2, "efficiency": 0.5,
                               "echo_time": "1 ms", "modes": 50}},
              "b": {"memory": {"kind": "afc", "qubits": 3, "efficiency": 0.5,
                               "echo_time": "1 ms", "modes": 20}}},
    "links": [{"kind": "depolarizing", "between": ["a", "b"], "fidelity": 0.9,
               "success_probability": 0.1, "cycle_time": "1 ms"}],
    "requests": [{"kind": "entanglement", "between": ["a", "b"], "pairs": 5}]}


def test_modes_multiply_the_channels_of_a_link() -> None:
    """Channels = min over the ends of qubits x modes: 2 x 50 and 3 x 20."""
    assert [model.channels for model in link_models(parse_scenario(LINK))] == [60]
    single = copy.deepcopy(LINK)
    single["nodes"]["b"] = {"memory": {"qubits": 3}}
    assert [model.channels for model in link_models(parse_scenario(single))] == [3]


@pytest.mark.parametrize(("memory", "path"), [
    ({"optical_depth": 20, "finesse": 0.5}, "nodes.a.memory.finesse"),
    ({"optical_depth": -1, "finesse": 10}, "nodes.a.memory.optical_depth"),
    ({"optical_depth": 20, "finesse": "inf"}, "nodes.a.memory.finesse"),
    ({"optical_depth": "inf", "finesse": 10}, "nodes.a.memory.optical_depth"),
    ({"optical_depth": 20}, "nodes.a.memory"),
    ({"efficiency": 0.5, "optical_depth": 20, "finesse": 10}, "nodes.a.memory"),
    ({"efficiency": 1.5}, "nodes.a.memory.efficiency"),
    ({"efficiency": 0.5, "echo_time": None}, "nodes.a.memory"),
    ({"efficiency": 0.5, "comb_spacing": "1 MHz"}, "nodes.a.memory"),
    ({"efficiency": 0.5, "echo_time": "0 s"}, "nodes.a.memory.echo_time"),
    ({"efficiency": 0.5, "modes": 0}, "nodes.a.memory.modes"),
    ({"efficiency": 0.5, "recall": "sideways"}, "nodes.a.memory.recall"),
    ({"efficiency": 0.5, "on_demand": {"transfer_efficiency": 2}},
     "nodes.a.memory.on_demand.transfer_efficiency"),
    ({"efficiency": 0.5, "on_demand": {"spin_coherence_time": "0 s"}},
     "nodes.a.memory.on_demand.spin_coherence_time"),
])
def test_bad_afc_input_is_one_line_naming_the_field(memory: dict[str, Any], path: str) -> None:
    document = copy.deepcopy(LINK)
    memory = {"kind": "afc", "echo_time": "1 ms", **memory}
    if memory.get("echo_time") is None:
        del memory["echo_time"]
    document["nodes"]["a"]["memory"] = memory
    with pytest.raises(ScenarioError) as error:
        parse_scenario(document)
    message = str(error.value)
    assert message.startswith(f"{path}:") and "\n" not in message


def test_engines_model_or_refuse_an_afc_memory() -> None:
    spec = parse_scenario(LINK)
    for engine in ("analytic", "fast", "des"):
        assert supports(spec, engine=engine)
    never = copy.deepcopy(LINK)
    never["links"][0]["length"] = "100 km"  # herald after 500 us, the echo after 1 ms: fine
    assert supports(parse_scenario(never), engine="fast")
    never["links"][0]["length"] = "300 km"  # herald after 1.5 ms: every read-out would fail
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(never)
    assert caught.value.path == "nodes.a.memory.echo_time"
    assert "before the herald of links[0] (a - b) arrives" in caught.value.reason
    purified = parse_scenario({**LINK, "policy": {"purification": "dejmps",
                                                  "purification_rounds": 1}})
    for engine in ("des", "analytic"):
        refused = supports(purified, engine=engine)
        assert not refused and str(refused.reason).startswith("policy.purification:")


def test_the_analytic_and_fast_engines_refuse_an_afc_memory_on_a_chain() -> None:
    chain: dict[str, Any] = {
        "qfab": 1, "duration": "1 s",
        "nodes": {"a": {}, "r": {"memory": {"kind": "afc", "qubits": 2, "efficiency": 0.5,
                                            "on_demand": {}}}, "b": {}},
        "links": [{"kind": "depolarizing", "between": ["a", "r"], "fidelity": 0.9,
                   "success_probability": 0.1, "cycle_time": "1 ms"},
                  {"kind": "depolarizing", "between": ["r", "b"], "fidelity": 0.9,
                   "success_probability": 0.1, "cycle_time": "1 ms"}],
        "requests": [{"kind": "entanglement", "between": ["a", "b"], "pairs": 5}]}
    spec = parse_scenario(chain)
    for engine in ("analytic", "fast"):
        refused = supports(spec, engine=engine)
        assert not refused and str(refused.reason).startswith("nodes.r.memory:")
    assert supports(spec, engine="des")


def test_a_memory_preset_fills_an_afc_memory() -> None:
    document = copy.deepcopy(LINK)
    document["nodes"]["a"]["memory"] = {"kind": "afc", "preset": "pr_yso_afc"}
    document["nodes"]["b"]["memory"] = {"kind": "afc", "preset": "eu_yso_afc",
                                        "efficiency": 0.2,
                                        "on_demand": {"transfer_efficiency": 0.9}}
    spec = parse_scenario(document)
    pr, eu = spec.nodes["a"].memory, spec.nodes["b"].memory
    assert isinstance(pr, AfcMemorySpec) and isinstance(eu, AfcMemorySpec)
    assert (pr.efficiency, pr.echo_time, pr.on_demand) == (0.58, pytest.approx(2e-6), None)
    assert eu.on_demand is not None
    assert eu.on_demand.spin_coherence_time == pytest.approx(0.53)
    assert eu.on_demand.transfer_efficiency == 0.9
    plain = copy.deepcopy(LINK)
    plain["nodes"]["a"]["memory"] = {"preset": "pr_yso_afc"}  # t1t2: no AFC field applied
    assert parse_scenario(plain).nodes["a"].memory.kind == "t1t2"


def test_a_multimode_memory_reports_its_qubits_and_the_use_of_its_modes() -> None:
    """Utilization is the fraction of qubits x modes in use (at most 1)."""
    from qfab.engines import run

    # every one of the 60 channels (2 x 50 and 3 x 20 modes) keeps a pair stored ahead
    result = run(parse_scenario({**LINK, "policy": {"buffer": 60},
                                 "requests": [{"kind": "entanglement", "between": ["a", "b"],
                                               "pairs": 50, "start": "0.5 s"}]}),
                 engine="des")
    nodes = {node.name: node for node in result.nodes}
    assert nodes["a"].qubits == 2 and nodes["b"].qubits == 3
    for node in nodes.values():
        assert node.utilization is not None and 0.0 < node.utilization <= 1.0
    assert result.requests[0].delivered == 50
    assert result.requests[0].lost_recalls is not None
