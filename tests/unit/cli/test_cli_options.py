"""``qfab validate`` checks what planning checks; fast-engine options are refused where they
would be ignored; ``estimate --help`` documents every option; result files get the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml

from qfab.cli import main


def _write(tmp_path: Path, document: Any, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document))
    return path


def _chain(qubits: int, **policy: Any) -> dict[str, Any]:
    return {"qfab": 1, "duration": "1 s",
            "topology": {"kind": "chain", "nodes": 3, "spacing": "1 km",
                         "node": {"memory": {"qubits": qubits}},
                         "link": {"kind": "depolarizing", "fidelity": 0.9,
                                  "success_probability": 0.1, "cycle_time": "10 us"}},
            "policy": policy,
            "requests": [{"kind": "entanglement", "between": ["n0", "n2"], "pairs": 10}]}


PLANNING_ERRORS = {
    "too few qubits for purification": (
        _chain(1, purification="bbpssw", purification_rounds=2),
        "qfab: error: requests[0]: 2 purification round(s) need 3 qubits at n0"),
    "unreachable min_fidelity": (
        {**_chain(1), "requests": [{"kind": "entanglement", "between": ["n0", "n2"],
                                    "pairs": 10, "min_fidelity": 0.99}]},
        "qfab: error: requests[0].min_fidelity: 0.99 is unreachable between n0 and n2"),
    "no path": (
        {**_chain(1), "nodes": {"island": {}},
         "requests": [{"kind": "entanglement", "between": ["n0", "island"], "pairs": 1}]},
        "qfab: error: requests[0].between: no path between n0 and island"),
}


@pytest.mark.parametrize(("document", "start"), list(PLANNING_ERRORS.values()),
                         ids=list(PLANNING_ERRORS))
def test_validate_refuses_what_plan_and_run_refuse(
        document: dict[str, Any], start: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = str(_write(tmp_path, document))
    errors = []
    for command in ("validate", "plan", "run"):
        assert main([command, path]) == 2, command
        captured = capsys.readouterr()
        assert captured.out == "", command
        assert captured.err.startswith(start) and captured.err.count("\n") == 1, captured.err
        errors.append(captured.err)
    assert errors[0] == errors[1] == errors[2]


def test_validate_accepts_what_plan_accepts(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = str(_write(tmp_path, _chain(3, purification="bbpssw", purification_rounds=2)))
    assert main(["plan", path]) == 0
    capsys.readouterr()
    assert main(["validate", path]) == 0
    assert capsys.readouterr().out.endswith("(3 nodes, 2 links, 1 requests)\n")


@pytest.mark.parametrize("option", [["--shots", "100"], ["--rel-error", "0.1"],
                                    ["--device", "cpu"]])
@pytest.mark.parametrize("engine", ["des", "analytic"])
def test_fast_engine_options_are_refused_by_other_engines(
        option: list[str], engine: str, tmp_path: Path, depolarizing_document: dict[str, Any],
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    path = str(_write(tmp_path, depolarizing_document))
    assert main(["run", path, "--engine", engine, *option, "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and not out.exists()
    assert captured.err == (f"qfab: error: {option[0]}: only the fast engine takes this; "
                            f"engine {engine} would ignore it (use --engine fast or "
                            f"qfab estimate)\n")


def test_fast_engine_options_are_refused_for_the_scenarios_own_engine(
        tmp_path: Path, depolarizing_document: dict[str, Any],
        capsys: pytest.CaptureFixture[str]) -> None:
    depolarizing_document["engine"] = "analytic"
    path = str(_write(tmp_path, depolarizing_document))
    assert main(["run", path, "--shots", "100", "--rel-error", "0.1"]) == 2
    assert capsys.readouterr().err.startswith(
        "qfab: error: --shots, --rel-error: only the fast engine takes this; engine analytic")


@pytest.mark.parametrize("command", [["estimate"], ["run", "--engine", "fast"]])
def test_fast_engine_options_work_with_the_fast_engine(
        command: list[str], tmp_path: Path, depolarizing_document: dict[str, Any],
        capsys: pytest.CaptureFixture[str]) -> None:
    path = str(_write(tmp_path, depolarizing_document))
    assert main([command[0], path, *command[1:], "--shots", "64", "--json"]) == 0
    assert '"engine": "fast"' in capsys.readouterr().out


def test_estimate_help_documents_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["estimate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--seed SEED seed (default: the scenario's 'seed')" in text
    assert "--json print the JSON result document" in text
    assert "--out DIR also write result.json and summary.txt into DIR" in text


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_result_files_get_the_mode_of_the_umask(
        umask: int, tmp_path: Path, depolarizing_document: dict[str, Any],
        capsys: pytest.CaptureFixture[str]) -> None:
    path = str(_write(tmp_path, depolarizing_document))
    out = tmp_path / "out"
    previous = os.umask(umask)
    try:
        assert main(["run", path, "--engine", "analytic", "--out", str(out)]) == 0
        assert os.umask(umask) == umask  # the run left the umask as it was
    finally:
        os.umask(previous)
    for name in ("result.json", "summary.txt"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o666 & ~umask, name
