"""``qfab run --trace`` and ``qfab trace``: what is written, what is refused (one line, exit
status 2, nothing written), and what the reader prints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import qfab.engines.des as des_module
from qfab.cli import EXIT_STALLED, main
from tests.validation.test_stalls import STAR, _without_swaps_at

SCENARIO = {
    "qfab": 1, "name": "three nodes", "duration": "1 s", "seed": 5,
    "topology": {"kind": "chain", "nodes": 3, "spacing": "1 km",
                 "link": {"kind": "depolarizing", "fidelity": 0.95,
                          "success_probability": 0.2, "cycle_time": "10 us"}},
    "requests": [{"kind": "entanglement", "between": ["n0", "n2"], "pairs": 5}],
}


def _scenario(tmp_path: Path, document: dict[str, Any] = SCENARIO) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1, captured
    assert lines[0].startswith("qfab: error: ")
    return lines[0]


@pytest.fixture
def traced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, dict[str, Any]]:
    """A trace of SCENARIO and the run's JSON result."""
    trace = tmp_path / "trace.jsonl"
    assert main(["run", str(_scenario(tmp_path)), "--trace", str(trace), "--json"]) == 0
    return trace, json.loads(capsys.readouterr().out)


def test_run_writes_a_trace_consistent_with_its_result(
        traced: tuple[Path, dict[str, Any]]) -> None:
    trace, result = traced
    lines = trace.read_text().splitlines()
    header, records = json.loads(lines[0]), [json.loads(line) for line in lines[1:]]
    assert header["scenario"] == "three nodes" and header["seed"] == 5
    delivered = [record for record in records if record["kind"] == "deliver"]
    assert len(delivered) == result["requests"][0]["delivered"] == 5
    mean = sum(record["fidelity"] for record in delivered) / 5
    assert mean == pytest.approx(result["requests"][0]["fidelity"], rel=1e-12)
    assert sum(record["kind"] == "herald" for record in records) == \
        sum(link["successes"] for link in result["links"])


def test_the_trace_is_the_same_for_the_same_seed(tmp_path: Path,
                                                 traced: tuple[Path, dict[str, Any]]) -> None:
    first, _ = traced
    again = tmp_path / "again.jsonl"
    assert main(["run", str(_scenario(tmp_path)), "--trace", str(again)]) == 0
    assert again.read_bytes() == first.read_bytes()
    other = tmp_path / "other.jsonl"
    assert main(["run", str(_scenario(tmp_path)), "--trace", str(other), "--seed", "6"]) == 0
    assert other.read_bytes() != first.read_bytes()


@pytest.mark.parametrize("engine", ["fast", "analytic"])
def test_other_engines_are_refused_up_front(tmp_path: Path, engine: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    trace = tmp_path / "t.jsonl"
    assert main(["run", str(_scenario(tmp_path)), "--engine", engine,
                 "--trace", str(trace)]) == 2
    line = _one_error_line(capsys)
    assert "the event trace records the event simulation (engine des)" in line
    assert not trace.exists()
    # the scenario's own engine counts too
    scenario = _scenario(tmp_path, {**SCENARIO, "engine": engine})
    assert main(["run", str(scenario), "--trace", str(trace)]) == 2
    assert f"engine {engine} has no events" in _one_error_line(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenario.yaml"]


def test_estimate_refuses_a_trace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", str(_scenario(tmp_path)), "--trace",
                 str(tmp_path / "t.jsonl")]) == 2
    assert "engine fast has no events to record" in _one_error_line(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenario.yaml"]


@pytest.mark.parametrize(("arguments", "message"), [
    (["--trace", "{tmp}"], "is a directory"),
    (["--trace", "/proc/qfab-test/t.jsonl"], "--trace: cannot write"),
    (["--trace-limit", "5"], "--trace-limit: needs --trace PATH"),
    (["--trace", "{tmp}/out", "--out", "{tmp}/out"], "is where --out writes"),
    (["--trace", "{tmp}/out/result.json", "--out", "{tmp}/out"], "is where --out writes"),
])
def test_bad_trace_options_are_one_line(tmp_path: Path, arguments: list[str], message: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    scenario = _scenario(tmp_path)
    argv = ["run", str(scenario), *(a.replace("{tmp}", str(tmp_path)) for a in arguments)]
    assert main(argv) == 2
    assert message in _one_error_line(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenario.yaml"]


def test_a_bad_scenario_writes_no_trace(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    scenario = _scenario(tmp_path, {**SCENARIO, "colour": "blue"})
    assert main(["run", str(scenario), "--trace", str(tmp_path / "t.jsonl")]) == 2
    _one_error_line(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenario.yaml"]


def test_a_stalled_run_writes_its_trace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(des_module, "plan_network", _without_swaps_at("r", 0))
    trace = tmp_path / "t.jsonl"
    assert main(["run", str(_scenario(tmp_path, STAR)), "--trace", str(trace)]) == EXIT_STALLED
    capsys.readouterr()
    assert main(["trace", str(trace), "--request", "0"]) == 0
    story = capsys.readouterr().out
    assert "STALLED: requests[0] waits for a qubit at a (towards r)" in story
    assert "requests[0]: 0/10 pairs delivered" in story and "; STALLED at " in story


def test_trace_summary(traced: tuple[Path, dict[str, Any]],
                       capsys: pytest.CaptureFixture[str]) -> None:
    trace, result = traced
    assert main(["trace", str(trace)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("trace of 'three nodes' [engine des, seed 5]")
    assert "deliver" in text and "herald" in text and "run ended at" in text
    assert "requests[0]  n0 - n2" in text and "5/5" in text
    assert main(["trace", str(trace), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["kinds"]["deliver"] == 5 and document["end"]["reason"] == "complete"
    assert document["requests"][0]["mean_fidelity"] == pytest.approx(
        result["requests"][0]["fidelity"], rel=1e-12)
    assert set(document["nodes"]) == {"n0", "n1", "n2"}


def test_trace_request_tells_its_story(traced: tuple[Path, dict[str, Any]],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    trace, result = traced
    assert main(["trace", str(trace), "--request", "requests[0]"]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert lines[0] == "requests[0]: entanglement n0 - n2, 5 pairs, path n0 - n1 - n2"
    events = [line.split()[1] for line in lines if line[:1].isdigit()]
    assert events[0] == "start" and events[-2:] == ["finish", "end"]
    assert events.count("deliver") == 5 and events.count("swap") >= 5
    fidelity = result["requests"][0]["fidelity"]
    assert lines[-1] == (f"requests[0]: 5/5 pairs delivered, mean fidelity {fidelity:.4f}, "
                         f"0 discarded; finished at {result['sim_time_s']:.9g} s")
    assert "#1 on link" in text and "to requests[0] (pair 5), F " in text
    assert main(["trace", str(trace), "--request", "0", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["request"]["between"] == ["n0", "n2"]
    times = [record["t_ps"] for record in document["events"]]
    assert times == sorted(times)


def test_trace_pair_follows_one_pair(traced: tuple[Path, dict[str, Any]],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    trace, _ = traced
    records = [json.loads(line) for line in trace.read_text().splitlines()[1:]]
    last = next(r for r in reversed(records) if r["kind"] == "deliver")["pair"]
    assert main(["trace", str(trace), "--pair", f"#{last}", "--json"]) == 0
    story = json.loads(capsys.readouterr().out)["events"]
    kinds = [record["kind"] for record in story]
    assert kinds.count("herald") == 2 and kinds.count("swap") == 1 and kinds[-1] == "deliver"
    swap = next(record for record in story if record["kind"] == "swap")
    assert swap["pair"] == last
    assert sorted(swap["inputs"]) == sorted(r["pair"] for r in story if r["kind"] == "herald")


@pytest.mark.parametrize(("arguments", "message"), [
    (["{tmp}/missing.jsonl"], "no such file"),
    (["{tmp}/scenario.yaml"], "not a qfab trace"),
    (["{trace}", "--request", "3"], "--request 3: "),
    (["{trace}", "--pair", "100000"], "--pair 100000: no record of that pair"),
])
def test_trace_errors_are_one_line(tmp_path: Path, traced: tuple[Path, dict[str, Any]],
                                   arguments: list[str], message: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    trace, _ = traced
    argv = ["trace", *(a.replace("{tmp}", str(tmp_path)).replace("{trace}", str(trace))
                       for a in arguments)]
    assert main(argv) == 2
    assert message in _one_error_line(capsys)


def test_trace_rejects_a_bad_id(traced: tuple[Path, dict[str, Any]]) -> None:
    trace, _ = traced
    for argv in (["--request", "first"], ["--pair", "0"], ["--request", "0", "--pair", "1"]):
        with pytest.raises(SystemExit) as exit_:
            main(["trace", str(trace), *argv])
        assert exit_.value.code == 2
