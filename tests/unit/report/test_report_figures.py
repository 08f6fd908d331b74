"""The report's figures: which ones a run gets, lengths as a reader expects them, layouts."""

from __future__ import annotations

import pytest

from qfab.engines.result import RequestResult, RunResult
from qfab.report.figures import _layout, length_text, report_figures
from tests.unit.report.reporting import run_example

pytest.importorskip("matplotlib")


def _with_requests(result: RunResult, *requests: RequestResult) -> RunResult:
    return RunResult(scenario=result.scenario, engine=result.engine, seed=result.seed,
                     sim_time_s=None, wall_time_s=0.0, events=None, links=result.links,
                     requests=list(requests), nodes=result.nodes)


def _request(**fields: object) -> RequestResult:
    values: dict[str, object] = {"between": ("alice", "bob"), "requested": 10, "delivered": 10,
                                 "rate_hz": 5.0, "fidelity": 0.9,
                                 "fidelity_ci95": (0.88, 0.92), "latency_s": 0.2}
    values.update(fields)
    return RequestResult(**values)  # type: ignore[arg-type]


def test_each_run_gets_the_figures_it_has_numbers_for() -> None:
    spec, result = run_example("single_click_25km", "analytic")
    names = [figure.name for figure in report_figures(spec, result)]
    assert names == ["rate.png", "fidelity.png", "topology.png"]
    nothing = _with_requests(result, _request(delivered=0, rate_hz=None, fidelity=None,
                                              fidelity_ci95=None, latency_s=None))
    assert [f.name for f in report_figures(spec, nothing)] == ["rate.png", "topology.png"]
    qkd = _with_requests(result, _request(kind="qkd", fidelity=None, fidelity_ci95=None,
                                          extra={"key_rate_bps": 1e3}))
    assert [f.name for f in report_figures(spec, qkd)] == ["key_rate.png", "topology.png"]
    generated = _with_requests(result, _request(name="arrivals[0]#0"))
    assert [f.name for f in report_figures(spec, generated)] == ["topology.png"]
    for figure in report_figures(spec, result):
        assert figure.png.startswith(b"\x89PNG") and figure.caption and figure.title


@pytest.mark.parametrize("metres, text", [(0.05, "5 cm"), (2.0, "2 m"), (10e3, "10 km"),
                                          (1203e3, "1203 km"), (1e-3, "1 mm"), (0.0, "0 m")])
def test_lengths_in_the_unit_a_reader_expects(metres: float, text: str) -> None:
    assert length_text(metres) == text


def test_a_chain_is_a_column_in_path_order_and_a_ring_is_not() -> None:
    chain = _layout(["c", "a", "b"], [("a", "b"), ("b", "c")])
    assert {x for x, _ in chain.values()} == {0.0}
    assert sorted(chain, key=lambda node: chain[node][1]) in (["a", "b", "c"], ["c", "b", "a"])
    assert sorted(y for _, y in chain.values()) == [-2.0, -1.0, 0.0]
    ring = _layout(list("abcd"), [("a", "b"), ("b", "c"), ("c", "d"), ("d", "a")])
    assert len({x for x, _ in ring.values()}) > 1
    assert _layout(["solo"], []) == {"solo": (0.0, 0.0)}


def test_a_network_of_several_tiers_is_drawn_one_band_per_tier_in_tier_order() -> None:
    nodes = ["w1", "q1", "c1", "q2", "m1", "w2", "free"]
    tiers = ["wan", "nodal", "cluster", "nodal", "campus", "wan", None]
    edges = [("q1", "q2"), ("q2", "c1"), ("c1", "m1"), ("m1", "w1"), ("w1", "w2")]
    positions = _layout(nodes, edges, tiers)
    bands = {}
    for node, tier in zip(nodes, tiers, strict=True):
        bands.setdefault(tier, []).append(positions[node][0])
    order = ["nodal", "cluster", "campus", "wan", None]
    for left, right in zip(order, order[1:], strict=False):
        assert max(bands[left]) < min(bands[right])  # bands side by side, in tier order
    assert all(0.0 <= y <= 1.0 for _, y in positions.values())
