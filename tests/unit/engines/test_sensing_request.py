"""``kind: sensing`` requests: the spec, bad input, the split into spokes, the text output and
the closed-form sweep (the physics is checked in tests/validation/test_sensing.py and
tests/unit/physics/test_ghz_sensing_protocol.py)."""

from __future__ import annotations

import math
from typing import Any

import pytest

import qfab
from qfab.engines import run
from qfab.errors import EngineError, ScenarioError
from qfab.loading import load_scenario, parse_scenario
from qfab.report.table import format_result, sensing_grid
from qfab.spec.sensing import SensingPairsSpec, SensingRequestSpec
from tests.conftest import EXAMPLES


def document(**request: Any) -> dict[str, Any]:
    return {"qfab": 1, "seed": 3, "duration": "10 s",
            "nodes": {"h": {"memory": {"qubits": 2}}, "a": {}, "b": {}},
            "links": [{"kind": "depolarizing", "between": ["h", name], "fidelity": 0.9,
                       "success_probability": 0.5, "cycle_time": "1 ms"}
                      for name in ("a", "b")],
            "requests": [{"kind": "sensing", **request}]}


def test_fields_and_defaults() -> None:
    request = parse_scenario(document(sensors=["a", "b"], hub="h")).requests[0]
    assert isinstance(request, SensingRequestSpec)
    assert request.shots == 1000 and request.interrogation_time == 0.0
    assert request.phase is None and request.total_phase == pytest.approx(math.pi / 2)
    assert not request.hub_is_sensor and request.spokes == ["a", "b"]
    assert request.between == ("h", "a")
    inside = parse_scenario(document(sensors=["h", "a", "b"], hub="h", shots=5,
                                     interrogation_time="2 ms", phase="90 deg"))
    request = inside.requests[0]
    assert isinstance(request, SensingRequestSpec)
    assert request.hub_is_sensor and request.spokes == ["a", "b"]
    assert request.interrogation_time == pytest.approx(2e-3)
    assert request.total_phase == pytest.approx(math.pi / 2)


def test_dump_leaves_out_the_derived_fields() -> None:
    spec = parse_scenario(document(sensors=["a", "b"], hub="h", shots=7))
    dumped = spec.model_dump(mode="json")["requests"][0]
    assert "between" not in dumped and "pairs" not in dumped
    assert parse_scenario(document(**{k: v for k, v in dumped.items() if k != "kind"})
                          ).requests[0] == spec.requests[0]


@pytest.mark.parametrize(("request_fields", "message"), [
    ({"sensors": ["a"], "hub": "h"}, r"^requests\[0\]\.sensors: at least two sensors, got 1$"),
    ({"sensors": ["a", "a"], "hub": "h"}, r"^requests\[0\]\.sensors: each sensor once"),
    ({"sensors": ["a", "b"], "hub": "x"}, r"^requests\[0\]\.hub: unknown node 'x'"),
    ({"sensors": ["a", "z"], "hub": "h"}, r"^requests\[0\]\.sensors: unknown node 'z'"),
    ({"sensors": ["a", "b"]}, r"^requests\[0\]\.hub: required"),
    ({"sensors": ["a", "b"], "hub": "h", "between": ["a", "b"]},
     r"^requests\[0\]: between: not a sensing field"),
    ({"sensors": ["a", "b"], "hub": "h", "pairs": 4}, r"^requests\[0\]: pairs: not a sensing"),
    ({"sensors": ["a", "b"], "hub": "h", "shots": 0}, r"^requests\[0\]\.shots: must be >= 1"),
    ({"sensors": ["a", "b"], "hub": "h", "interrogation_time": "-1 s"},
     r"^requests\[0\]\.interrogation_time: must be >= 0"),
    ({"sensors": ["a", "b"], "hub": "h", "phase": "1 km"}, r"^requests\[0\]\.phase: unit 'km'"),
])
def test_bad_input_is_one_line_naming_the_path(request_fields: dict[str, Any],
                                               message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as caught:
        parse_scenario(document(**request_fields))
    assert "\n" not in str(caught.value)


def test_arrivals_do_not_make_sensing_requests() -> None:
    doc = document(sensors=["a", "b"], hub="h")
    doc["requests"] = []
    doc["arrivals"] = {"process": "poisson", "rate": 1, "kind": "sensing", "pairs": 1}
    with pytest.raises(ScenarioError, match=r"^arrivals\[0\]\.kind: unknown kind 'sensing'"):
        parse_scenario(doc)


def test_split_serves_one_pair_request_per_spoke_and_keeps_other_requests() -> None:
    from qfab.engines.sensing import _split

    doc = document(sensors=["h", "a", "b"], hub="h", shots=4, start="1 s", priority=2)
    doc["requests"].insert(0, {"kind": "entanglement", "between": ["h", "a"], "pairs": 1})
    split = _split(parse_scenario(doc))
    kinds = [(r.kind, r.between, r.pairs) for r in split.network.requests]
    assert kinds == [("entanglement", ("h", "a"), 1), ("sensing", ("h", "a"), 4),
                     ("sensing", ("h", "b"), 4)]
    assert split.positions == [0, 1, 1]
    spoke = split.network.requests[1]
    assert isinstance(spoke, SensingPairsSpec)
    assert spoke.start == 1.0 and spoke.priority == 2
    assert split.renumbered("requests[2].pairs") == "requests[1].pairs"
    result = run(parse_scenario(doc), engine="des")
    assert [row.kind for row in result.requests] == ["entanglement", "sensing"]
    assert result.requests[1].shots_completed == 4


def test_a_sensor_without_a_path_from_the_hub_is_named_as_written() -> None:
    doc = document(sensors=["a", "b", "z"], hub="h")
    doc["nodes"] |= {"z": {}, "y": {}}
    doc["links"].append({"kind": "depolarizing", "between": ["z", "y"], "fidelity": 0.9,
                         "success_probability": 0.5, "cycle_time": "1 ms"})
    doc["requests"].insert(0, {"kind": "entanglement", "between": ["h", "a"], "pairs": 1})
    spec = parse_scenario(doc)
    for engine in ("des", "analytic"):
        with pytest.raises(EngineError, match=r"^requests\[1\]\.sensors: no path between h "
                                              r"and z$"):
            run(spec, engine=engine)


def test_text_output_shows_the_sensing_figures() -> None:
    result = run(parse_scenario(document(sensors=["a", "b"], hub="h", shots=50)),
                 engine="des")
    text = format_result(result)
    assert "sensing request" in text and "gain (dB)" in text and "GHZ fidelity" in text
    assert "a, b (hub h)" in text
    grid = sensing_grid(result.requests)
    assert grid is not None
    row = dict(zip(grid.header, grid.rows[0]))
    assert row["N"] == "2" and row["hub"] == "measured out" and row["shots"] == "50/50"
    assert row["parity mean"] != "-" and "+-" in row["parity mean"]
    # the requests table does not repeat the sensing fields as figure columns
    assert "ghz_fidelity" not in text
    document_ = result.to_dict()["requests"][0]
    for field in ("ghz_fidelity", "parity_visibility", "phase_uncertainty",
                  "fisher_information", "sql_uncertainty", "heisenberg_uncertainty",
                  "gain_db", "shots_completed", "parity_mean", "parity_mean_se"):
        assert field in document_
    analytic = run(parse_scenario(document(sensors=["a", "b"], hub="h", shots=50)),
                   engine="analytic")
    assert set(analytic.to_dict()["requests"][0]) == set(document_)


def test_too_short_a_run_completes_fewer_shots_and_says_so() -> None:
    doc = document(sensors=["a", "b"], hub="h", shots=100_000)
    doc["duration"] = "1 s"
    for engine in ("analytic", "des"):
        row = run(parse_scenario(doc), engine=engine).requests[0]
        assert 0 < row.shots_completed < 100_000
        assert row.note is not None and "shots completed" in row.note
        assert row.sql_uncertainty == pytest.approx(
            1 / math.sqrt(2 * row.shots_completed))


def test_sweep_tabulates_the_closed_forms() -> None:
    points = qfab.sensing_sweep(range(2, 6), [1.0, 0.9], shots=100, hub_is_sensor=True)
    assert len(points) == 8
    perfect = [p for p in points if p.fidelity == 1.0]
    for point in perfect:
        assert point.ghz_fidelity == pytest.approx(1.0)
        assert point.phase_uncertainty == pytest.approx(point.heisenberg_uncertainty)
        assert point.gain_db == pytest.approx(10 * math.log10(point.sensors))
    three = next(p for p in points if p.fidelity == 0.9 and p.sensors == 3)
    assert (three.pairs, round(three.ghz_fidelity, 9), round(three.gain_db, 4)) == \
        (2, 0.811111111, 2.2853)
    dephased = qfab.sensing_sweep([4], [1.0], qubit_coherence=0.9)[0]
    assert dephased.parity_visibility == pytest.approx(0.9 ** 4)


def test_four_sensor_example_runs_on_both_engines() -> None:
    spec = load_scenario(EXAMPLES / "sensing" / "four_sensors.yaml")
    analytic = run(spec, engine="analytic").requests[0]
    des = run(spec, engine="des").requests[0]
    assert analytic.shots_completed == des.shots_completed == 2000
    assert len(analytic.sensors) == 4 and not analytic.hub_is_sensor
    assert des.ghz_fidelity == pytest.approx(analytic.ghz_fidelity, abs=1e-9)
    assert analytic.gain_db > 0
    assert abs(des.parity_mean - analytic.parity_expected) < 5 * des.parity_mean_se


def test_the_sweep_example_writes_the_plot_and_prints_the_table(
        tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    import importlib.util

    path = EXAMPLES / "sensing" / "ghz_vs_n.py"
    loaded = importlib.util.spec_from_file_location("ghz_vs_n", path)
    assert loaded is not None and loaded.loader is not None
    script = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(script)
    output = tmp_path / "plots" / "ghz.png"  # a folder that does not exist yet
    assert script.main([str(output), "--sensors", "2", "3", "4", "--fidelities", "1", "0.9",
                        "--shots", "100"]) == 0
    assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["F", "N", "pairs", "F_GHZ", "V", "dphi", "SQL", "HL",
                                "gain_dB"]
    rows = [line.split() for line in lines[1:] if not line.startswith("#")]
    assert [(float(r[0]), int(r[1])) for r in rows] == [(1.0, 2), (1.0, 3), (1.0, 4),
                                                        (0.9, 2), (0.9, 3), (0.9, 4)]
    perfect_three = rows[1]
    assert float(perfect_three[5]) == pytest.approx(1 / (3 * math.sqrt(100)), rel=1e-4)


def test_the_html_report_has_the_sensing_table() -> None:
    from qfab.report.html import report_page
    from tests.unit.report.reporting import table

    spec = parse_scenario(document(sensors=["h", "a", "b"], hub="h", shots=20))
    result = run(spec, engine="des")
    rows = table(report_page(spec, result, [], []), "sensing")
    assert rows[0] == sensing_grid(result.requests).header  # type: ignore[union-attr]
    assert rows[1][:4] == ["h, a, b (hub h)", "3", "sensor", "20/20"]
