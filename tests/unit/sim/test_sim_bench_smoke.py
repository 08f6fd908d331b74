"""The kernel benchmark script still runs (tiny size; timings are not checked)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "bench" / "bench_kernel.py"


def test_bench_kernel_runs_and_prints_one_json_line() -> None:
    env = {**os.environ, "PYTHONPATH": str(SCRIPT.parents[1] / "src")}
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--events", "4000", "--repeat", "1"],
        capture_output=True, text=True, check=True, env=env, timeout=120,
    )
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["events"] == 4000
    assert set(report["results"]) >= {"chains", "processes", "churn"}
    for figures in report["results"].values():
        assert figures["qfab_events_per_s"] > 0
        assert figures["heapq_events_per_s"] > 0
