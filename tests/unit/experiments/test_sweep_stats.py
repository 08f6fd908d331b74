"""Rows of runs and statistics over seeds: mean, standard error, count; merging with +."""

from __future__ import annotations

import math
import statistics

import pytest

from qfab.engines import run
from qfab.experiments.stats import ColumnStats, parameter_columns, result_row, summarize
from qfab.loading import parse_scenario
from tests.scenarios import two_node

pa = pytest.importorskip("pyarrow")


def test_a_row_has_identity_params_timing_requests_and_link_zero() -> None:
    spec = parse_scenario(two_node({"kind": "depolarizing", "fidelity": 0.95,
                                    "success_probability": 0.2, "cycle_time": "1 ms"}, pairs=10))
    result = run(spec, engine="des", seed=3).to_dict()
    row = result_row(result, strong_id="abc", params={"links[0].fidelity": 0.95})
    assert list(row)[:4] == ["strong_id", "engine", "seed", "links[0].fidelity"]
    assert (row["engine"], row["seed"], row["r0_delivered"]) == ("des", 3, 10)
    assert row["r0_fidelity"] == pytest.approx(0.95)
    assert row["l0_p_success"] == result["links"][0]["p_success"]
    assert {"wall_time_s", "sim_time_s", "events", "r0_rate_hz", "l0_rate_hz",
            "l0_fidelity"} <= set(row)
    assert parameter_columns(row) == ["links[0].fidelity"]


def test_column_stats_match_the_sample_mean_and_standard_error() -> None:
    values = [1.0, 4.0, 2.5, 7.0, 3.25]
    stats = ColumnStats.of(values)
    assert stats.count == 5 and stats.mean == pytest.approx(statistics.fmean(values))
    assert stats.std_error == pytest.approx(statistics.stdev(values) / math.sqrt(5))
    assert ColumnStats.of([2.0]).std_error is None and ColumnStats.of([None]).count == 0


def test_column_stats_merge_as_if_collected_together() -> None:
    """Chan et al. (1979) pairwise update: split-and-add equals all-at-once."""
    values = [1e9 + v for v in (0.5, 1.5, -2.0, 3.0, 0.25, 7.0)]
    merged = ColumnStats.of(values[:2]) + ColumnStats.of(values[2:5]) + ColumnStats.of(values[5:])
    whole = ColumnStats.of(values)
    assert merged.count == whole.count
    assert merged.mean == pytest.approx(whole.mean, rel=1e-15)
    assert merged.std_error == pytest.approx(whole.std_error, rel=1e-9)
    assert ColumnStats() + whole == whole


def _rows() -> list[dict[str, object]]:
    return [
        {"strong_id": "a", "engine": "des", "seed": 1, "x": 1.0, "r0_rate_hz": 10.0, "events": 5},
        {"strong_id": "b", "engine": "des", "seed": 2, "x": 1.0, "r0_rate_hz": 14.0, "events": 7},
        {"strong_id": "c", "engine": "des", "seed": 1, "x": 2.0, "r0_rate_hz": None, "events": 1},
    ]


def test_summarize_groups_by_point_over_seeds() -> None:
    summary = summarize(pa.Table.from_pylist(_rows())).to_pylist()
    assert [(s["x"], s["engine"], s["runs"]) for s in summary] == [(1.0, "des", 2),
                                                                   (2.0, "des", 1)]
    first, second = summary
    assert first["r0_rate_hz_mean"] == 12.0 and first["r0_rate_hz_count"] == 2
    standard_error = statistics.stdev([10.0, 14.0]) / math.sqrt(2)
    assert first["r0_rate_hz_stderr"] == pytest.approx(standard_error)
    assert second["r0_rate_hz_mean"] is None and second["r0_rate_hz_count"] == 0
    assert "seed_mean" not in first and "strong_id" not in first


def test_summarize_merges_tables_and_counts_each_run_once() -> None:
    rows = _rows()
    separate = summarize(pa.Table.from_pylist(rows[:2]), pa.Table.from_pylist(rows[1:]))
    assert separate.to_pylist() == summarize(pa.Table.from_pylist(rows)).to_pylist()
