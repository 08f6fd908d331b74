"""The optical switch of a link: its insertion loss in the chain, its reconfiguration time
and its one-peer-per-port rule in the event simulation."""

from __future__ import annotations

from typing import Any

import pytest

from qfab.engines import run, supports
from qfab.linkmodel import link_models
from qfab.loading import parse_scenario
from qfab.orchestrator.network import NetworkGraph
from qfab.orchestrator.planner import plan_network
from qfab.protocols.runtime import NetworkRuntime
from qfab.protocols.switching import SwitchedLinkLayer
from qfab.quantum.bell_diagonal import BellDiagonalState
from qfab.report.budget import link_budgets
from qfab.rng import RandomStreams
from qfab.sim.kernel import Simulation
from qfab.sim.time import seconds_to_ps
from qfab.spec.models import ScenarioSpec

PERIOD = 1e-6


def _link(a: str, b: str, switch: dict[str, Any] | None, efficiency: float = 0.3) -> dict[str, Any]:
    link: dict[str, Any] = {"kind": "double_click", "between": [a, b], "cycle_time": PERIOD,
                            "emitter": {"efficiency": efficiency}}
    if switch is not None:
        link["switch"] = switch
    return link


def _scenario(links: list[dict[str, Any]], requests: list[dict[str, Any]],
              nodes: dict[str, Any]) -> ScenarioSpec:
    return parse_scenario({"qfab": 1, "seed": 4, "duration": "5 s", "nodes": nodes,
                           "links": links, "requests": requests})


def _runtime(spec: ScenarioSpec) -> tuple[Simulation, NetworkRuntime]:
    """Run ``spec`` in the event simulation and keep its runtime (as the des engine does)."""
    network = NetworkGraph(spec)
    plan = plan_network(spec, network)
    sim = Simulation()
    runtime = NetworkRuntime(sim, spec, network, plan, RandomStreams(spec.seed),
                             BellDiagonalState)
    sim.run(until=seconds_to_ps(spec.duration), stop_when_idle=True)
    return sim, runtime


@pytest.mark.parametrize("loss_db", [0.5, 1.0, 3.0])
def test_insertion_loss_is_a_stage_of_each_arm(loss_db: float) -> None:
    """Double click without noise: p = eta_a eta_b / 2, so a switch passed by both photons
    multiplies p by T^2, T = 10^(-IL/10); the budget lists switch[x] in both arms."""
    nodes = {"a": {}, "b": {}}
    request = [{"kind": "entanglement", "between": ["a", "b"], "pairs": 1}]
    plain = link_models(_scenario([_link("a", "b", None)], request, nodes))[0]
    spec = _scenario([_link("a", "b", {"insertion_loss": f"{loss_db} dB"})], request, nodes)
    switched = link_models(spec)[0]
    transmittance = 10 ** (-loss_db / 10)
    assert plain.p_success == pytest.approx(0.3**2 / 2, rel=1e-12)
    assert switched.p_success == pytest.approx(plain.p_success * transmittance**2, rel=1e-12)
    stages = {stage.name: stage for stage in link_budgets(spec)[0].stages}
    for end in ("a", "b"):
        assert stages[f"switch[{end}]"].efficiency == pytest.approx(transmittance, rel=1e-12)
        assert stages[f"switch[{end}]"].loss_db == pytest.approx(loss_db, rel=1e-12)


def test_reconfiguration_delays_the_first_attempt_by_exactly_its_time() -> None:
    """The same draws with and without a 5 ms reconfiguration: every delivery of a one-link
    request comes exactly 5 ms later (the ports connect once, at the start)."""
    nodes = {"a": {}, "b": {}}
    request = [{"kind": "entanglement", "between": ["a", "b"], "pairs": 20}]
    times = []
    for reconfiguration in ("0 s", "5 ms"):
        spec = _scenario([_link("a", "b", {"reconfiguration_time": reconfiguration})],
                         request, nodes)
        _, runtime = _runtime(spec)
        (switch,) = runtime.switches.values()
        assert switch.reconfigurations == 1
        times.append(runtime.apps[0].delivery_ps)
    assert len(times[0]) == len(times[1]) == 20
    assert [late - early for early, late in zip(*times)] == [seconds_to_ps(5e-3)] * 20


def test_a_port_serves_one_peer_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two requests from node a to b and to c through one switch: no attempt on a - b
    overlaps one on a - c, every attempt starts on a connection made for its link, and each
    connection comes 2 ms (the reconfiguration time) after the port was asked for."""
    attempts: list[tuple[int, int, int]] = []  # (link, first attempt ps, herald ps)
    original = SwitchedLinkLayer._herald

    def recording(self: SwitchedLinkLayer, channel: int, count: int) -> None:
        start = self.link.pending_since_ps[channel]
        assert start is not None
        attempts.append((self.link.index, start, self.sim.now))
        original(self, channel, count)

    monkeypatch.setattr(SwitchedLinkLayer, "_herald", recording)
    switch = {"name": "s", "reconfiguration_time": "2 ms"}
    nodes = {"a": {"memory": {"qubits": 2}}, "b": {}, "c": {}}
    spec = _scenario([_link("a", "b", switch, 0.5), _link("a", "c", switch, 0.5)],
                     [{"kind": "entanglement", "between": ["a", "b"], "pairs": 30},
                      {"kind": "entanglement", "between": ["a", "c"], "pairs": 30}], nodes)
    _, runtime = _runtime(spec)
    ports = runtime.switches["s"]
    assert all(len(app.delivery_ps) == 30 for app in runtime.apps)
    assert ports.reconfigurations >= 2
    intervals = sorted(attempts, key=lambda item: item[1])
    for (_, _, end), (_, start, _) in zip(intervals, intervals[1:]):
        assert start >= end  # the port is never used by two links at once
    connections = ports.connections
    for link, start, _ in attempts:
        made = [at for index, at in connections if at <= start]
        assert made and connections[len(made) - 1][0] == link
    # a switch that is changed costs its reconfiguration time before the next attempt
    for (link, _), (other, after) in zip(connections, connections[1:]):
        assert link != other
        last = max(end for index, _, end in attempts if index == link and end <= after)
        assert after - last >= seconds_to_ps(2e-3)


def test_links_of_one_switch_share_its_reconfiguration_time() -> None:
    nodes = {"a": {"memory": {"qubits": 2}}, "b": {}, "c": {}}
    with pytest.raises(Exception, match=r"links\[1\]\.switch\.reconfiguration_time"):
        _scenario([_link("a", "b", {"name": "s", "reconfiguration_time": "1 ms"}),
                   _link("a", "c", {"name": "s", "reconfiguration_time": "2 ms"})], [], nodes)


def test_the_closed_form_and_fast_engines_refuse_a_switch() -> None:
    spec = _scenario([_link("a", "b", {"reconfiguration_time": "1 ms"})],
                     [{"kind": "entanglement", "between": ["a", "b"], "pairs": 5}],
                     {"a": {}, "b": {}})
    for engine in ("analytic", "fast"):
        answer = supports(spec, engine=engine)
        assert not answer and answer.reason is not None
        assert answer.reason.startswith("links[0].switch")
    assert run(spec, engine="des").requests[0].delivered == 5
