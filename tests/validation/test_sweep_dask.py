"""A sweep on a local Dask cluster stores the same rows as a serial sweep.

Each task carries its resolved scenario and seed, and the engines are deterministic given the
seed, so the executor must not change a single value except the wall time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

from qfab.experiments import read_table, run_sweep  # noqa: E402
from qfab.experiments.stats import TIMING_COLUMNS  # noqa: E402
from tests.scenarios import two_node  # noqa: E402


def test_dask_rows_equal_serial_rows(tmp_path: Path) -> None:
    document = two_node({"kind": "single_click", "length": "10 km", "bright_state": 0.1,
                         "cycle_time": "5 us", "fiber": {"attenuation": "0.2 dB/km"},
                         "detector": {"efficiency": 0.9, "dark_count_rate": "10 Hz"}},
                        pairs=50, engine="des")
    document["sweep"] = {"mode": "zip", "seeds": 2, "parameters": {
        "links[0].length": {"values": ["5 km", "20 km"]},
        "links[0].bright_state": {"values": [0.05, 0.2]}}}

    serial = run_sweep(document, out=tmp_path / "serial", executor="serial")
    dask = run_sweep(document, out=tmp_path / "dask", executor="dask", workers=2)

    assert serial.run == dask.run == 4
    expected = read_table(tmp_path / "serial").drop_columns(list(TIMING_COLUMNS))
    got = read_table(tmp_path / "dask").drop_columns(list(TIMING_COLUMNS))
    assert got.num_rows == 4 and got.equals(expected)
    assert set(got.column("r0_delivered").to_pylist()) == {50}
