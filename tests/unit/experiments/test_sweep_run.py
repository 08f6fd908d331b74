"""Running sweeps: every task stored once, interrupted sweeps resume, executors agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qfab.experiments.executors import TaskError, make_executor, run_task
from qfab.experiments.stats import TIMING_COLUMNS
from qfab.experiments.sweep import read_document, run_sweep
from qfab.experiments.tasks import expand_tasks

pa = pytest.importorskip("pyarrow")

from qfab.experiments.store import read_table  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "sweeps" / "link_length.yaml"


def _without_timing(table: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = table.drop_columns(list(TIMING_COLUMNS)).to_pylist()
    return rows


def test_a_sweep_stores_one_row_per_task(tmp_path: Path, link_document: dict[str, Any]) -> None:
    out = tmp_path / "results.parquet"
    summary = run_sweep(link_document, out=out)
    assert (summary.total, summary.skipped, summary.run) == (8, 0, 8)
    table = read_table(out)
    assert table.num_rows == 8
    assert set(table.column("strong_id").to_pylist()) == {
        t.strong_id for t in expand_tasks(link_document)}
    assert set(table.column("r0_delivered").to_pylist()) == {20}


def test_an_interrupted_sweep_runs_only_the_missing_tasks(
        tmp_path: Path, link_document: dict[str, Any]) -> None:
    out = tmp_path / "results.parquet"
    run_sweep(link_document, out=out)
    before = {row["strong_id"]: row for row in _without_timing(read_table(out))}
    lost = sorted(out.iterdir())[::3]
    for part in lost:  # as if the sweep had stopped before these tasks finished
        part.unlink()
    rerun: list[str] = []
    summary = run_sweep(link_document, out=out, on_row=lambda row: rerun.append(row["strong_id"]))
    assert (summary.total, summary.skipped, summary.run) == (8, 8 - len(lost), len(lost))
    assert sorted(f"part-{i}.parquet" for i in rerun) == sorted(p.name for p in lost)
    assert {row["strong_id"]: row for row in _without_timing(read_table(out))} == before
    assert run_sweep(link_document, out=out).run == 0


def test_extending_a_sweep_runs_only_the_new_points(
        tmp_path: Path, link_document: dict[str, Any]) -> None:
    out = tmp_path / "results.parquet"
    run_sweep(link_document, out=out)
    summary = run_sweep(link_document, out=out,
                        overrides=["links[0].fidelity=0.9,0.99,0.999"])
    assert (summary.total, summary.skipped, summary.run) == (12, 8, 4)


def test_processes_give_the_same_rows_as_serial(
        tmp_path: Path, link_document: dict[str, Any]) -> None:
    serial = run_sweep(link_document, out=tmp_path / "serial", executor="serial")
    pooled = run_sweep(link_document, out=tmp_path / "pooled", executor="processes", workers=2)
    assert serial.run == pooled.run == 8
    assert _without_timing(read_table(tmp_path / "serial")) == \
        _without_timing(read_table(tmp_path / "pooled"))


def test_a_point_the_engine_cannot_run_stops_the_sweep_naming_it(
        link_document: dict[str, Any]) -> None:
    """The error keeps its message across the process boundary and names the point."""
    tasks = expand_tasks(link_document)
    payload = tasks[0].payload()
    payload["engine"] = "no-such-engine"
    row = run_task(payload)
    assert "unknown engine" in row["error"]
    with make_executor("serial") as executor, \
            pytest.raises(TaskError, match="at sweep point links\\[0\\].success_probability=0.1"):
        list(executor.map_unordered([payload]))


def test_the_example_sweeps_link_length(tmp_path: Path) -> None:
    """16 lengths from 1 km to 200 km; p_success falls as the transmittance eta^2."""
    document = read_document(EXAMPLE)
    summary = run_sweep(document, base_dir=EXAMPLE.parent, out=tmp_path / "r")
    assert summary.run == 16
    rows = read_table(tmp_path / "r").to_pylist()
    assert [r["links[0].length"] for r in rows][::15] == [1000.0, 200_000.0]
    p = [r["l0_p_success"] for r in rows]
    assert all(a > b for a, b in zip(p, p[1:], strict=False))
    # eta^2 / 2 with eta ~ 10^(-0.02 L_km / 2): 199 km more costs 10^(-0.02 * 199) in p
    assert p[-1] / p[0] == pytest.approx(10 ** (-0.02 * 199), rel=0.05)


def _engines_and_buffers(document: dict[str, Any]) -> dict[str, Any]:
    """Two engines by two buffer sizes: neither the analytic nor the fast engine supports a
    buffer."""
    document["sweep"] = {"mode": "grid", "seeds": 1, "parameters": {
        "engine": {"values": ["analytic", "fast"]},
        "policy.buffer": {"values": [0, 2]},
    }}
    document["fast"] = {"shots": 50}
    return document


def test_a_point_its_engine_does_not_support_is_skipped_with_the_reason(
        tmp_path: Path, link_document: dict[str, Any]) -> None:
    document = _engines_and_buffers(link_document)
    tasks = expand_tasks(document)
    assert [(t.engine, t.params["policy.buffer"], t.unsupported is None) for t in tasks] == [
        ("analytic", 0, True), ("analytic", 2, False), ("fast", 0, True), ("fast", 2, False)]
    summary = run_sweep(document, out=tmp_path / "r")
    assert (summary.total, summary.skipped, summary.run) == (4, 0, 2)
    assert summary.unsupported == (
        ("engine analytic: policy.buffer: the analytic engine computes pairs used at the "
         "herald, not pairs buffered in memory ahead of demand; use engine des (at sweep "
         "point policy.buffer=2)"),
        ("engine fast: policy.buffer: the fast engine serves requests on demand only; use "
         "engine des (at sweep point policy.buffer=2)"))
    rows = read_table(tmp_path / "r").to_pylist()
    assert sorted((r["engine"], r["policy.buffer"]) for r in rows) == [
        ("analytic", 0), ("fast", 0)]
    again = run_sweep(document, out=tmp_path / "r")
    assert (again.skipped, again.run, len(again.unsupported)) == (2, 0, 2)
