"""Smoke test of examples/dqc/seam_threshold.py: it runs, writes its PNG and prints its table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("stim")
pytest.importorskip("sinter")
pytest.importorskip("pymatching")
pytest.importorskip("matplotlib")

from tests.conftest import EXAMPLES  # noqa: E402

SCRIPT = EXAMPLES / "dqc" / "seam_threshold.py"
SRC = Path(__file__).resolve().parents[3] / "src"


def test_the_seam_example_writes_the_plot_and_prints_the_table(tmp_path: Path) -> None:
    output = tmp_path / "plots" / "seam.png"  # a folder that does not exist yet
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(output), "--distances", "3", "5",
         "--p-links", "0.05", "0.2", "--max-shots", "200", "--max-errors", "20"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert output.is_file() and output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["p_bulk", "d", "p_link", "shots", "errors", "per_round",
                                "std_err"]
    rows = [line.split() for line in lines[1:] if not line.startswith("#")]
    # one row per (distance, seam error) at the default 1 % bulk error
    assert sorted((int(r[1]), float(r[2])) for r in rows) == [(3, 0.05), (3, 0.2), (5, 0.05),
                                                              (5, 0.2)]
    assert all(float(r[0]) == 0.01 and 0 < int(r[3]) <= 200 for r in rows)
    assert any(line.startswith("# p_bulk 0.01: d = 3 / 5 crossing") for line in lines)
