"""The command line: tables, JSON, --out, and exit status 2 with one line on bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from qfab.cli import main

CORE_KEYS = {"qfab", "scenario", "engine", "seed", "sim_time_s", "wall_time_s", "events",
             "links", "requests"}


def _write(tmp_path: Path, document: Any, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document))
    return path


def test_run_prints_a_table(tmp_path: Path, depolarizing_document: dict[str, Any],
                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(_write(tmp_path, depolarizing_document))]) == 0
    out = capsys.readouterr().out
    assert "alice - bob" in out and "fidelity" in out and "delivered" in out


@pytest.mark.parametrize("engine", ["des", "analytic"])
def test_run_json_has_the_core_keys(engine: str, tmp_path: Path,
                                    depolarizing_document: dict[str, Any],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, depolarizing_document)
    assert main(["run", str(path), "--json", "--engine", engine, "--seed", "5"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert CORE_KEYS <= set(document)
    assert document["engine"] == engine and document["seed"] == 5
    assert document["requests"][0]["between"] == ["alice", "bob"]


def test_out_writes_result_and_summary(tmp_path: Path, depolarizing_document: dict[str, Any],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["run", str(_write(tmp_path, depolarizing_document)), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["result.json", "summary.txt"]
    assert json.loads((out / "result.json").read_text())["qfab"] == 1


BAD = {
    "unknown key": {"colour": "blue"},
    "misspelled kind": {"links": [{"kind": "depolarising", "between": ["alice", "bob"]}]},
    "missing node": {"links": [{"kind": "depolarizing", "between": ["alice", "carol"],
                                "fidelity": 0.9, "success_probability": 0.1,
                                "cycle_time": "1 ms"}]},
}


@pytest.mark.parametrize("change", list(BAD.values()), ids=list(BAD))
def test_bad_scenario_exits_2_with_one_line_and_writes_nothing(
        change: dict[str, Any], tmp_path: Path, depolarizing_document: dict[str, Any],
        capsys: pytest.CaptureFixture[str]) -> None:
    depolarizing_document.update(change)
    out = tmp_path / "out"
    assert main(["run", str(_write(tmp_path, depolarizing_document)), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert captured.err.startswith("qfab: error: ")
    assert "Traceback" not in captured.err
    assert not out.exists()


def test_yaml_that_is_not_a_mapping_exits_2(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(_write(tmp_path, [1, 2, 3]))]) == 2
    assert "must be a mapping" in capsys.readouterr().err


def test_request_between_disconnected_nodes_exits_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = {"qfab": 1, "nodes": {"a": {}, "b": {}, "c": {}},
                "links": [{"kind": "depolarizing", "between": ["a", "b"], "fidelity": 0.9,
                           "success_probability": 0.5, "cycle_time": 1e-3}],
                "requests": [{"kind": "entanglement", "between": ["a", "c"], "pairs": 1}]}
    assert main(["run", str(_write(tmp_path, document))]) == 2
    assert "requests[0].between: no path between a and c" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["run", "--engine", "fast"], ["estimate"]])
def test_an_engine_that_does_not_support_the_scenario_exits_2_with_its_reason(
        command: list[str], tmp_path: Path, depolarizing_document: dict[str, Any],
        capsys: pytest.CaptureFixture[str]) -> None:
    depolarizing_document["policy"] = {"buffer": 2}
    out = tmp_path / "out"
    path = str(_write(tmp_path, depolarizing_document))
    assert main([command[0], path, *command[1:], "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and not out.exists()
    assert captured.err == ("qfab: error: policy.buffer: the fast engine serves requests on "
                            "demand only; use engine des\n")
    assert main(["run", path, "--engine", "des"]) == 0


def test_validate_accepts_a_good_file(tmp_path: Path, depolarizing_document: dict[str, Any],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(_write(tmp_path, depolarizing_document))]) == 0
    assert "valid scenario" in capsys.readouterr().out


def test_schema_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"].startswith("qfab scenario")


def test_bad_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "x.yaml", "--engine", "quantum"])
    assert exit_info.value.code == 2


def test_negative_seed_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "x.yaml", "--seed", "-3"])
    assert exit_info.value.code == 2


def test_plan_prints_rule_sets(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import EXAMPLES

    assert main(["plan", str(EXAMPLES / "chain_9_nodes.yaml")]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["requests"][0]["path"][0] == "n0"
    assert {rule["kind"] for node in plan["nodes"] for rule in node["rules"]} == {"swap",
                                                                                 "deliver"}
