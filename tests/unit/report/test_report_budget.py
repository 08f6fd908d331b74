"""Link budgets (``qfab budget``): stages from the link model, figures equal to the analytic
engine's, the PLOB ceiling of the fiber, the command's table, JSON and errors."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from qfab.cli import main
from qfab.engines import run
from qfab.engines.analytic import AnalyticEngine
from qfab.linkmodel import link_models
from qfab.loading import load_scenario
from qfab.physics.bounds import plob_bound
from qfab.physics.fiber import transmittance
from qfab.physics.heralding import double_click, single_click
from qfab.plugins import registry
from qfab.report.budget import budget_document, format_budgets, link_budgets
from qfab.spec.models import EntanglementRequestSpec, ScenarioSpec
from tests.conftest import EXAMPLES, two_node

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
STAGE_KEYS = ["name", "efficiency", "loss_db", "noise"]
LINK_KEYS = ["between", "stages", "efficiency", "p_success", "rate_hz", "fidelity",
             "plob_bits_per_use"]


def _write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def _two_node_copy(spec: ScenarioSpec, index: int) -> ScenarioSpec:
    """``spec`` reduced to link ``index`` and its ends, with the link's channel count as
    each end's qubits, no buffer and one request over it (a scenario the analytic engine serves)."""
    link = spec.links[index]
    a, b = link.between
    channels = min(spec.qubits_per_link(a, b), spec.qubits_per_link(b, a))
    nodes = {name: spec.nodes[name].model_copy(update={
        "memory": spec.nodes[name].memory.model_copy(update={"qubits": channels,
                                                              "per_link": None})})
        for name in (a, b)}
    request: Any = spec.requests[0].model_copy(update={"between": (a, b), "min_fidelity": None,
                                                       "start": 0.0})
    if request.kind == "qkd":  # a bbm92 request: its pairs, without the measurement
        request = EntanglementRequestSpec(between=(a, b), pairs=request.pairs)
    return spec.model_copy(update={"nodes": nodes, "links": [link], "requests": [request],
                                   "arrivals": [],
                                   "policy": spec.policy.model_copy(update={"buffer": 0})})


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda path: path.stem)
def test_every_example_link_has_the_analytic_engines_figures(path: Path) -> None:
    spec = load_scenario(path)
    budgets = link_budgets(spec)
    assert len(budgets) == len(spec.links) > 0
    if AnalyticEngine().supports(spec):
        results = run(spec, engine="analytic", seed=0).links
        expected = [(r.p_success, r.rate_hz, r.fidelity) for r in results]
    else:  # each link on its own, between its two ends
        expected = []
        models = link_models(spec)
        for index in range(len(spec.links)):
            if getattr(spec.links[index], "switch", None) is not None:
                # the analytic engine refuses switched links (ports and reconfiguration); its
                # link figures would be the model's, as for any other always-up link
                model = models[index]
                expected.append((model.p_success, model.pair_rate,
                                 float(model.heralded_state[0])))
                continue
            link = run(_two_node_copy(spec, index), engine="analytic", seed=0).links[0]
            expected.append((link.p_success, link.rate_hz, link.fidelity))
    for budget, (p, rate, fidelity) in zip(budgets, expected, strict=True):
        document = budget.to_dict()
        assert (document["p_success"], document["rate_hz"], document["fidelity"]) == (
            p, rate, fidelity)


def test_single_click_stages_compose_into_the_link_model(
        single_click_document: dict[str, Any], tmp_path: Path) -> None:
    document = single_click_document
    document["links"][0].update(emitter={"efficiency": 0.4}, visibility=0.9, cycle_time="1 us")
    document["links"][0]["detector"]["window"] = "20 ns"
    budget, = link_budgets(load_scenario(_write(tmp_path, document)))
    stages = {stage.name: stage for stage in budget.stages}
    assert list(stages) == ["emitter[alice]", "fiber[alice]", "emitter[bob]", "fiber[bob]",
                            "detector", "bsm", "bright_state", "memory"]
    half = 10 ** (-0.2 * 12.5 / 10)  # 12.5 km at 0.2 dB/km
    for end in ("alice", "bob"):
        assert stages[f"emitter[{end}]"].efficiency == 0.4
        assert stages[f"fiber[{end}]"].efficiency == pytest.approx(half, rel=1e-12)
        assert stages[f"fiber[{end}]"].loss_db == pytest.approx(2.5, rel=1e-12)
    assert stages["detector"].efficiency == 0.9
    assert stages["detector"].noise == pytest.approx(-math.expm1(-10 * 20e-9), rel=1e-12)
    assert stages["bsm"].noise == pytest.approx(0.1)
    assert stages["bright_state"].noise == 0.05
    eta = 0.4 * half * 0.9
    assert budget.efficiency == pytest.approx(eta, rel=1e-12)
    p, state = single_click(0.05, eta, dark_count_probability=stages["detector"].noise,
                            visibility=0.9)
    assert budget.model.p_success == pytest.approx(float(p), rel=1e-12)
    # ideal memories: the herald's wait costs nothing
    assert stages["memory"].noise == pytest.approx(0.0, abs=1e-15)
    assert budget.fidelity == pytest.approx(float(state[0]), rel=1e-12)
    assert budget.plob_bits_per_use == pytest.approx(float(plob_bound(half**2)), rel=1e-12)


def test_a_longer_fiber_costs_its_loss_and_lowers_the_rate_and_the_ceiling(
        tmp_path: Path) -> None:
    budgets = []
    for km in (10, 30):
        document = two_node({"kind": "double_click", "length": f"{km} km",
                             "fiber": {"attenuation": "0.2 dB/km"}}, pairs=10)
        budgets.append(link_budgets(load_scenario(_write(tmp_path, document)))[0])
    short, long = budgets
    fiber_db = [next(s for s in b.stages if s.name == "fiber[alice]").loss_db for b in budgets]
    assert fiber_db == pytest.approx([1.0, 3.0], rel=1e-12)
    eta = float(transmittance(15e3, 2e-4))
    assert long.model.p_success == pytest.approx(float(double_click(eta)[0]), rel=1e-12)
    assert long.model.p_success == pytest.approx(short.model.p_success * 10 ** -0.4, rel=1e-9)
    assert long.plob_bits_per_use < short.plob_bits_per_use


def test_memory_decoherence_during_the_herald_is_the_memory_stage_noise(
        depolarizing_document: dict[str, Any], tmp_path: Path) -> None:
    document = depolarizing_document
    document["links"][0]["length"] = "20 km"
    for node in document["nodes"].values():
        node["memory"] = {"qubits": 1, "t1": "1 s", "t2": "10 ms"}
    budget, = link_budgets(load_scenario(_write(tmp_path, document)))
    first, memory = budget.stages
    assert (first.name, first.efficiency, first.noise) == (
        "success_probability", 0.1, pytest.approx(0.05))
    assert first.loss_db == pytest.approx(10.0)
    assert memory.noise > 0
    assert budget.fidelity == pytest.approx(0.95 - memory.noise, rel=1e-12)
    # a lossless fiber (depolarizing links take no attenuation) has no PLOB ceiling
    assert budget.plob_bits_per_use == math.inf
    assert budget_document([budget])["links"][0]["plob_bits_per_use"] is None


def test_json_has_the_documented_shape(single_click_document: dict[str, Any], tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["budget", str(_write(tmp_path, single_click_document)), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert list(document) == ["links"]
    link, = document["links"]
    assert list(link) == LINK_KEYS
    assert link["between"] == ["alice", "bob"]
    assert all(list(stage) == STAGE_KEYS for stage in link["stages"])


def test_text_table_lists_every_stage(single_click_document: dict[str, Any], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["budget", str(_write(tmp_path, single_click_document))]) == 0
    out = capsys.readouterr().out
    for word in ("alice - bob", "emitter[alice]", "fiber[bob]", "detector", "bsm", "memory",
                 "total", "p_success", "rate", "fidelity", "PLOB"):
        assert word in out


def test_format_budgets_of_every_example_names_each_link() -> None:
    spec = load_scenario(EXAMPLES / "chain_9_nodes.yaml")
    text = format_budgets(link_budgets(spec))
    assert text.count("\nlink ") + 1 == len(spec.links)


def test_a_bad_file_is_one_line_and_exit_2(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("qfab: 1\nname: x\nnodes: {}\n")
    assert main(["budget", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qfab: error:") and err.count("\n") == 1
    assert main(["budget", str(tmp_path / "missing.yaml")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


PLUGIN = EXAMPLES / "plugins" / "qfab-example-plugin"


@pytest.fixture
def example_plugin() -> Iterator[None]:
    """The example plugin registered in this process, undone afterwards."""
    sys.path.insert(0, str(PLUGIN / "src"))
    try:
        import qfab_example_plugin

        with registry().scope() as found:
            qfab_example_plugin.plugin(found)
            yield
    finally:
        sys.path.remove(str(PLUGIN / "src"))


@pytest.mark.usefixtures("example_plugin")
def test_a_plugin_kind_is_one_stage_with_the_analytic_engines_figures() -> None:
    spec = load_scenario(PLUGIN / "scenario.yaml")
    budget, = link_budgets(spec)
    link = spec.links[0]
    assert [stage.name for stage in budget.stages] == [link.kind, "memory"]
    result, = run(spec, engine="analytic", seed=0).links
    document = budget.to_dict()
    assert (document["p_success"], document["rate_hz"], document["fidelity"]) == (
        result.p_success, result.rate_hz, result.fidelity)
    assert budget.efficiency == budget.model.p_success
    channel = float(transmittance(link.length, link.fiber.attenuation))
    assert budget.plob_bits_per_use == pytest.approx(float(plob_bound(channel)), rel=1e-12)


def test_a_prepare_and_measure_satellite_link_is_listed_at_its_best_slice() -> None:
    from qfab.links.satellite_pulses import pulse_channel_pass

    spec = load_scenario(EXAMPLES / "qkd_satellite_downlink.yaml")
    budget, = link_budgets(spec)
    found = pulse_channel_pass(spec.links[0], spec, 0)
    best = int(found.eta.argmax())
    free_space, detector = budget.stages
    assert free_space.name.startswith("free_space (t = ")
    assert free_space.efficiency == pytest.approx(float(found.channel[best]), rel=1e-12)
    assert free_space.efficiency * detector.efficiency == pytest.approx(
        float(found.eta[best]), rel=1e-12)
    assert detector.noise == pytest.approx(float(found.background[best]), rel=1e-12)
    assert budget.model is None and budget.p_success is None  # a channel: no pairs
    assert budget.plob_bits_per_use == pytest.approx(
        float(plob_bound(found.channel[best])), rel=1e-12)
    assert "free_space" in format_budgets([budget])
