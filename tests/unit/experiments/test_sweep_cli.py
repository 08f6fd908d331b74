"""The sweep command: options, a resumable run, a dry run, and user errors as QfabError."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest
import yaml

from qfab.errors import QfabError
from qfab.experiments.cli import add_sweep_command

pytest.importorskip("pyarrow")


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="qfab")
    add_sweep_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.handler(args))


def _scenario(tmp_path: Path, document: dict[str, Any]) -> str:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return str(path)


def test_sweep_runs_then_resumes(tmp_path: Path, link_document: dict[str, Any],
                                 capsys: pytest.CaptureFixture[str]) -> None:
    file, out = _scenario(tmp_path, link_document), str(tmp_path / "results.parquet")
    assert _main(["sweep", file, "-o", out, "--set", "links[0].fidelity=0.9,0.95,0.99"]) == 0
    assert capsys.readouterr().out.startswith("12 tasks: 12 run, 0 already stored")
    assert _main(["sweep", file, "-o", out, "--set", "links[0].fidelity=0.9,0.95,0.99"]) == 0
    assert capsys.readouterr().out.startswith("12 tasks: 0 run, 12 already stored")


def test_dry_run_lists_tasks_and_runs_nothing(tmp_path: Path, link_document: dict[str, Any],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "results.parquet"
    assert _main(["sweep", _scenario(tmp_path, link_document), "-o", str(out), "--dry-run",
                  "--engine", "analytic", "--seed", "4"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "8 tasks, 0 stored, 8 to run" and not out.exists()
    assert "analytic  seed=4  links[0].success_probability=0.1 links[0].fidelity=0.9" in lines[0]


def test_a_bad_path_is_a_user_error(tmp_path: Path, link_document: dict[str, Any]) -> None:
    file = _scenario(tmp_path, link_document)
    with pytest.raises(QfabError, match="sweep.parameters.links\\[3\\].length: index 3"):
        _main(["sweep", file, "-o", str(tmp_path / "r"), "--set", "links[3].length=1 km"])


def test_scheduler_needs_the_dask_executor(tmp_path: Path, link_document: dict[str, Any]) -> None:
    with pytest.raises(QfabError, match="--scheduler: needs --executor dask"):
        _main(["sweep", _scenario(tmp_path, link_document), "-o", str(tmp_path / "r"),
               "--executor", "serial", "--scheduler", "tcp://127.0.0.1:8786"])


@pytest.mark.parametrize("option", [["--workers", "0"], ["--executor", "threads"],
                                    ["--seed", "-1"]])
def test_bad_options_are_rejected_by_the_parser(tmp_path: Path, option: list[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        _main(["sweep", "x.yaml", "-o", str(tmp_path / "r"), *option])
    assert caught.value.code == 2


def test_unsupported_points_are_named_and_not_run(tmp_path: Path, link_document: dict[str, Any],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    link_document["sweep"]["parameters"] = {"policy.buffer": {"values": [0, 2]}}
    file, out = _scenario(tmp_path, link_document), str(tmp_path / "results.parquet")
    assert _main(["sweep", file, "-o", out, "--engine", "fast", "--dry-run"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "unsupported" in lines[2] and "(policy.buffer: the fast engine serves" in lines[2]
    assert lines[-1] == "4 tasks, 0 stored, 2 to run, 2 unsupported by their engine"
    assert _main(["sweep", file, "-o", out, "--engine", "fast"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("not run: engine fast: policy.buffer: the fast engine serves "
                               "requests on demand only")
    assert lines[0].endswith("(at sweep point policy.buffer=2)")
    assert lines[-1].startswith("4 tasks: 2 run, 0 already stored, 2 unsupported by their "
                                "engine")
