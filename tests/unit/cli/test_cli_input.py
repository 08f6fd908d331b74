"""The command line on bad input and odd output: one line, exit 2, nothing written."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from qfab.cli import main
from qfab.engines import supports
from qfab.engines.fast.memory import PEAK_FACTOR, memory_support
from qfab.loading import parse_scenario
from qfab.orchestrator.planner import plan_network

SRC = Path(__file__).resolve().parents[3] / "src"


def _write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def _one_line_error(capsys: pytest.CaptureFixture[str], pattern: str) -> None:
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qfab: error: ")
    assert pattern in lines[0]


@pytest.mark.parametrize("command", ["validate", "run", "estimate", "plan"])
def test_a_non_utf8_file_is_one_line(command: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_bytes(b"qfab: 1\nname: \xff\xfe\n")
    assert main([command, str(path)]) == 2
    _one_line_error(capsys, "not UTF-8")


def test_deep_nesting_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text("qfab: 1\nname: " + "[" * 5000 + "]" * 5000 + "\n")
    assert main(["run", str(path)]) == 2
    _one_line_error(capsys, "nested more than")


@pytest.mark.parametrize(("edit", "field"), [
    (lambda d: d["links"][0].update(cycle_time=1.0e300), "links[0].cycle_time"),
    (lambda d: d.update(duration="inf"), "duration"),
    (lambda d: d["requests"][0].update(start="inf"), "requests[0].start"),
    (lambda d: d["links"][0].update(length="inf"), "links[0].length"),
    (lambda d: d["requests"][0].update(start="20 s"), "requests[0].start"),
])
@pytest.mark.parametrize("command", ["run", "estimate"])
def test_non_finite_and_huge_values_are_one_line(
        command: str, edit: Any, field: str, tmp_path: Path,
        depolarizing_document: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    edit(depolarizing_document)
    out = tmp_path / "results"
    assert main([command, str(_write(tmp_path, depolarizing_document)),
                 "--out", str(out)]) == 2
    _one_line_error(capsys, f"qfab: error: {field}: ")
    assert not out.exists()


def test_out_naming_an_existing_file_is_refused_before_the_run(
        tmp_path: Path, depolarizing_document: dict[str, Any],
        capsys: pytest.CaptureFixture[str]) -> None:
    taken = tmp_path / "taken"
    taken.write_text("keep me")
    assert main(["run", str(_write(tmp_path, depolarizing_document)), "--out", str(taken)]) == 2
    _one_line_error(capsys, "exists and is not a directory")
    assert taken.read_text() == "keep me"


def test_out_below_a_file_is_refused_before_the_run(
        tmp_path: Path, depolarizing_document: dict[str, Any],
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("")
    target = tmp_path / "file" / "results"
    assert main(["estimate", str(_write(tmp_path, depolarizing_document)),
                 "--out", str(target)]) == 2
    _one_line_error(capsys, "is not a directory")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs POSIX permissions that bind (not root)")
def test_out_in_an_unwritable_directory_is_refused_before_the_run(
        tmp_path: Path, depolarizing_document: dict[str, Any],
        capsys: pytest.CaptureFixture[str]) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    assert main(["run", str(_write(tmp_path, depolarizing_document)),
                 "--out", str(locked / "results")]) == 2
    _one_line_error(capsys, "permission denied")


def test_out_creates_missing_parents(tmp_path: Path, depolarizing_document: dict[str, Any],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "a" / "b"
    assert main(["run", str(_write(tmp_path, depolarizing_document)), "--out", str(target)]) == 0
    assert {p.name for p in target.iterdir()} == {"result.json", "summary.txt"}


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError

    def fileno(self) -> int:
        raise io.UnsupportedOperation("no file descriptor")


def test_a_closed_pipe_stops_quietly(tmp_path: Path, depolarizing_document: dict[str, Any],
                                     monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, depolarizing_document)
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert main(["run", str(path), "--json"]) == 141
    assert capsys.readouterr().err == ""


def test_a_reader_that_goes_away_gets_no_traceback(
        tmp_path: Path, depolarizing_document: dict[str, Any]) -> None:
    """``qfab run X --json | head``: the reader has closed the pipe before qfab writes."""
    path = _write(tmp_path, depolarizing_document)
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from qfab.cli import main; sys.exit(main())",
         "run", str(path), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(SRC)})
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    error = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert error == ""


def test_a_billion_shots_are_refused_with_the_memory_they_need(
        tmp_path: Path, depolarizing_document: dict[str, Any],
        capsys: pytest.CaptureFixture[str]) -> None:
    depolarizing_document["fast"] = {"shots": 1_000_000_000}
    depolarizing_document["requests"][0]["pairs"] = 500
    assert main(["estimate", str(_write(tmp_path, depolarizing_document))]) == 2
    _one_line_error(capsys, "fast.shots: 1000000000 runs at once of requests[0] (500 pairs "
                    "each) needs about 29.1 TiB of memory")


def test_memory_support_compares_with_the_device(depolarizing_document: dict[str, Any]) -> None:
    spec = parse_scenario(depolarizing_document)  # 200 shots of 100 pairs on one link
    plan = plan_network(spec)
    need = PEAK_FACTOR * 8 * 200 * (2 * 100 + 1)
    assert memory_support(spec, plan, available=need)
    assert not memory_support(spec, plan, available=need - 1)
    assert supports(spec, engine="fast")


def test_max_shots_kept_for_a_target_precision_count(
        depolarizing_document: dict[str, Any]) -> None:
    depolarizing_document["fast"] = {"target_rel_error": 0.01, "max_shots": 10**14}
    support = supports(parse_scenario(depolarizing_document), engine="fast")
    assert not support and "fast.max_shots" in str(support.reason)


@pytest.mark.parametrize(("scenario", "edit", "field", "message"), [
    ("depolarizing", lambda d: d["links"][0].update(cycle_time="1e-300 s"),
     "links[0].cycle_time", "must be at least 1 ps"),
    ("single_click", lambda d: d["links"][0].update(availability={"period": "1 s",
                                                                  "up": "1e-300 ms"}),
     "links[0].availability.up", "must be at least 1 ps"),
    ("single_click", lambda d: d["links"][0].update(length=0, cycle_time="1e-15 s"),
     "links[0]", "shorter than 1 ps"),
])
@pytest.mark.parametrize("command", ["validate", "run", "estimate"])
def test_times_below_the_clock_tick_are_one_line(
        command: str, scenario: str, edit: Any, field: str, message: str, tmp_path: Path,
        request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]) -> None:
    document = request.getfixturevalue(f"{scenario}_document")
    edit(document)
    assert main([command, str(_write(tmp_path, document))]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"qfab: error: {field}: ")
    assert message in captured.err and captured.err.count("\n") == 1


def test_pairs_beyond_the_float_range_are_sampled_to_what_the_duration_holds(
        tmp_path: Path, depolarizing_document: dict[str, Any],
        capsys: pytest.CaptureFixture[str]) -> None:
    depolarizing_document["requests"][0]["pairs"] = 10**39
    out = tmp_path / "results"
    assert main(["estimate", str(_write(tmp_path, depolarizing_document)), "--json",
                 "--out", str(out)]) == 0
    request = json.loads(capsys.readouterr().out)["requests"][0]
    assert request["requested"] == 10**39 and 0 < request["delivered"] < 10**4


def test_pairs_a_long_run_holds_are_refused_with_the_memory_they_need(
        tmp_path: Path, depolarizing_document: dict[str, Any],
        capsys: pytest.CaptureFixture[str]) -> None:
    depolarizing_document["requests"][0]["pairs"] = 10**39
    depolarizing_document["duration"] = "1e11 s"  # about 1.5e13 pairs sampled per run
    assert main(["estimate", str(_write(tmp_path, depolarizing_document))]) == 2
    _one_line_error(capsys, "fast.shots: 200 runs at once of requests[0] (")


def test_an_unreachable_precision_is_refused_after_one_batch(
        tmp_path: Path, depolarizing_document: dict[str, Any],
        capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, depolarizing_document)
    assert main(["estimate", str(path), "--rel-error", "1e-12"]) == 2
    _one_line_error(capsys, "fast.target_rel_error: a relative error of 1e-12 on the rate of "
                    "requests[0] needs about")
