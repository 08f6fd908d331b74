"""Arrivals in results and at the surface: the load summary, names in messages, the command
line, sweeps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from qfab.cli import main
from qfab.engines import run
from qfab.engines.load import arrival_results
from qfab.engines.result import RequestResult
from qfab.errors import EngineError, ScenarioError
from qfab.experiments.executors import run_task
from qfab.experiments.tasks import expand_tasks
from qfab.loading import load_scenario, parse_scenario
from qfab.report.labels import describe
from qfab.spec.arrivals import in_arrival_terms, relabel

LINK = {"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.5,
        "cycle_time": "1 ms"}


def document(**extra: Any) -> dict[str, Any]:
    return {"qfab": 1, "seed": 2, "duration": "4 s",
            "nodes": {"a": {}, "b": {"memory": {"qubits": 2}}, "c": {}},
            "links": [{**LINK, "between": ["a", "b"]}, {**LINK, "between": ["b", "c"]}],
            "arrivals": [{"process": "poisson", "rate": "3 Hz", "pairs": 2},
                         {"process": "periodic", "rate": "1 Hz", "pairs": 1, "stop": "1 s",
                          "between": ["a", "c"]}], **extra}


def row(name: str | None, delivered: int, requested: int, completion: float | None,
        fidelity: float | None, deadline_met: bool | None = None) -> RequestResult:
    return RequestResult(between=("a", "b"), requested=requested, delivered=delivered,
                         rate_hz=None, fidelity=fidelity, fidelity_ci95=None, latency_s=None,
                         deadline_met=deadline_met, name=name, completion_s=completion)


def test_the_load_summary_counts_and_weighs_each_process() -> None:
    spec = parse_scenario(document())
    completions = [0.1, 0.2, 0.3, 0.4, 1.0]
    rows = [row(f"arrivals[0]#{k}", 2, 2, t, 0.8 + 0.01 * k, deadline_met=k != 2)
            for k, t in enumerate(completions)]
    rows += [row("arrivals[0]#5", 1, 2, None, 0.5), row(None, 4, 4, 0.05, 0.99)]
    first, second = arrival_results(spec, rows)
    assert (first.process, first.kind, first.rate_hz) == ("arrivals[0]", "poisson", 3.0)
    assert (first.offered, first.completed) == (6, 5)
    assert (first.pairs_requested, first.pairs_delivered) == (12, 11)
    assert first.latency_mean_s == pytest.approx(np.mean(completions))
    assert first.latency_p95_s == pytest.approx(np.percentile(completions, 95))
    fidelities = [0.8 + 0.01 * k for k in range(5)]
    assert first.fidelity == pytest.approx((2 * sum(fidelities) + 0.5) / 11)
    assert first.deadlines_missed == 1
    # a process whose window held no arrival is listed with nothing offered
    assert (second.offered, second.completed, second.latency_mean_s, second.fidelity,
            second.deadlines_missed) == (0, 0, None, None, None)


def test_every_engine_result_has_an_arrivals_list() -> None:
    plain = parse_scenario({**document(), "arrivals": [],
                            "requests": [{"kind": "entanglement", "between": ["a", "b"],
                                          "pairs": 3}]})
    for engine in ("des", "fast", "analytic"):
        result = run(plain, engine=engine).to_dict()
        assert result["arrivals"] == [] and result["requests"][0]["name"] is None
    spec = parse_scenario(document())
    result = run(spec, engine="des").to_dict()
    assert [entry["process"] for entry in result["arrivals"]] == ["arrivals[0]", "arrivals[1]"]
    assert {row["name"] for row in result["requests"]} == {r.name for r in spec.requests}
    assert set(result["arrivals"][0]) == {
        "process", "kind", "rate_hz", "offered", "completed", "pairs_requested",
        "pairs_delivered", "latency_mean_s", "latency_p95_s", "fidelity", "deadlines_missed"}


def test_messages_name_generated_requests_and_their_process() -> None:
    spec = parse_scenario(document(requests=[{"kind": "entanglement", "pairs": 1,
                                              "between": ["a", "b"]}]))
    assert spec.requests[1].name == "arrivals[0]#0"
    error = in_arrival_terms(ScenarioError("requests[1].min_fidelity", "0.99 is unreachable"),
                             spec.requests)
    assert str(error) == ("arrivals[0].min_fidelity: in the generated request arrivals[0]#0, "
                          "0.99 is unreachable")
    engine = in_arrival_terms(EngineError("requests[2]: shares the link a - b with requests[1]"
                                          " and requests[0]"), spec.requests)
    assert isinstance(engine, EngineError)
    assert str(engine) == "arrivals[0]#1: shares the link a - b with arrivals[0]#0 and " \
                          "requests[0]"
    written = in_arrival_terms(EngineError("requests[0].between: no path"), spec.requests)
    assert str(written) == "requests[0].between: no path"
    assert relabel("requests[1] waits for a qubit at b held by requests[0]", spec.requests) == \
        "arrivals[0]#0 waits for a qubit at b held by requests[0]"


def _write(tmp_path: Path, content: dict[str, Any]) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(content))
    return path


def test_validate_says_how_many_requests_the_arrivals_generate(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, document())
    count = len(load_scenario(path).requests)
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out.strip().endswith(
        f"(3 nodes, 2 links, {count} requests, {count} of them from 2 arrival processes)")


def test_validate_names_the_process_of_an_unplannable_request(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = document()
    content["arrivals"][1]["min_fidelity"] = 0.99
    assert main(["validate", str(_write(tmp_path, content))]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qfab: error: arrivals[1].min_fidelity: in the generated request "
                          "arrivals[1]#0, 0.99 is unreachable") and err.count("\n") == 1


def test_run_seed_draws_the_arrivals_anew(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, document())
    assert main(["run", str(path), "--json", "--seed", "7"]) == 0
    printed = json.loads(capsys.readouterr().out)
    expected = run(load_scenario(path, seed=7), engine="des").to_dict()
    assert printed["seed"] == 7
    assert [(r["name"], r["between"]) for r in printed["requests"]] == \
        [(r["name"], r["between"]) for r in expected["requests"]]
    default = load_scenario(path)
    assert [r.start for r in default.requests] != [r.start for r in load_scenario(
        path, seed=7).requests]


def test_an_arrival_rate_can_be_swept() -> None:
    content = document(sweep={"parameters": {"arrivals[0].rate": {"values": ["1 Hz",
                                                                             "5 Hz"]}}})
    tasks = expand_tasks(content)
    assert [task.params["arrivals[0].rate"] for task in tasks] == [1.0, 5.0]
    rows = [run_task({"document": task.document, "engine": "des", "seed": task.seed,
                      "strong_id": task.strong_id, "params": task.params}) for task in tasks]
    assert all("error" not in r for r in rows)
    assert rows[0]["a0_offered"] < rows[1]["a0_offered"]
    assert not any(key.startswith("r0_") for key in rows[0])  # generated: summarized only
    assert describe("a0_latency_p95_s").label == "arrivals[0] 95th-percentile request " \
                                                 "latency (s)"
    assert describe("arrivals[0].rate").label == "arrivals[0].rate (Hz)"


def test_a_model_validated_without_loading_is_refused_not_run_without_its_arrivals() -> None:
    from qfab.spec.models import ScenarioSpec

    unloaded = ScenarioSpec.model_validate(document())
    assert unloaded.requests == [] and not unloaded.arrivals_drawn
    for engine in ("des", "fast", "analytic"):
        with pytest.raises(EngineError, match=r"^arrivals: the requests of arrival processes "
                                              r"are drawn when a scenario is loaded"):
            run(unloaded, engine=engine)
    assert parse_scenario(document()).arrivals_drawn


def test_the_trace_names_generated_requests() -> None:
    from qfab.protocols.trace import TraceRecorder
    from qfab.tracing.story import request_title

    spec = parse_scenario(document())
    recorder = TraceRecorder()
    run(spec, engine="des", trace=recorder)
    entries = recorder.header["requests"]
    assert [entry["name"] for entry in entries] == [r.name for r in spec.requests]
    assert request_title(entries[0]).startswith("requests[0] (arrivals[0]#0): entanglement")
