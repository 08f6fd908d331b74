"""The clock-sync examples: Hong et al. (2024) within a factor 1.5 of both published points
with both engines, the metro example under its target, the TDEV script, the CLI."""

from __future__ import annotations

import json
import math
import runpy
from pathlib import Path
from typing import Any

import pytest

from qfab.cli import main
from qfab.engines import run
from qfab.loading import load_scenario
from tests.conftest import EXAMPLES

CLOCK_SYNC = EXAMPLES / "clock_sync"
HONG = CLOCK_SYNC / "hong2024_103km.yaml"
METRO = CLOCK_SYNC / "metro_50km.yaml"
#: Hong et al., J. Lightwave Technol. 42, 1479 (2024): TDEV 3.67 ps at 10 s, 0.28 ps at 4e4 s.
PUBLISHED = [(10.0, 3.67e-12), (40_000.0, 0.28e-12)]


def _at(curve: list[list[float]], tau: float) -> float:
    for t, value in curve:
        if math.isclose(t, tau, rel_tol=1e-9):
            return value
    taus = [t for t, _ in curve]
    below = max(t for t in taus if t <= tau)
    above = min(t for t in taus if t >= tau)
    low, high = _at(curve, below), _at(curve, above)
    share = math.log(tau / below) / math.log(above / below)
    return math.exp(math.log(low) + share * math.log(high / low))


@pytest.fixture(scope="module")
def hong() -> dict[str, Any]:
    spec = load_scenario(HONG)
    return {engine: run(spec, engine=engine).requests[0] for engine in ("analytic", "des")}


@pytest.mark.parametrize("engine", ["analytic", "des"])
@pytest.mark.parametrize(("tau", "published"), PUBLISHED)
def test_hong2024_lands_within_a_factor_1_5(hong: dict[str, Any], engine: str, tau: float,
                                            published: float) -> None:
    value = _at(hong[engine].tdev, tau)
    assert published / 1.5 <= value <= published * 1.5, (engine, tau, value)


def test_hong2024_has_fewer_than_40_coincidences_per_second(hong: dict[str, Any]) -> None:
    for row in hong.values():
        assert 20 < row.coincidence_rate_hz < 40


def test_hong2024_states_every_assumption() -> None:
    text = HONG.read_text(encoding="utf-8")
    for assumed in ("jitter", "tagger", "pump_bandwidth", "floor", "dispersion"):
        line = next(line for line in text.splitlines()
                    if line.strip().startswith(assumed) or f" {assumed}:" in line)
        assert "assumed" in line, line


def test_metro_reaches_its_target() -> None:
    spec = load_scenario(METRO)
    for engine in ("analytic", "des"):
        row = run(spec, engine=engine).requests[0]
        assert row.precision_s < 1e-11, engine  # sub-10 ps at 10 s
        assert row.target_met and row.time_to_target_s is not None
        assert abs(row.bias_s) == pytest.approx(2.449e-12, rel=0.05)


def test_bad_input_exits_2_with_one_line(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(METRO.read_text(encoding="utf-8").replace("averaging_time: 10 s",
                                                              "averaging_time: 10 km"))
    assert main(["run", str(path)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1
    assert lines[0].startswith("qfab: error: requests[0].averaging_time: ")


def test_run_prints_and_plots_the_tdev(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    assert main(["run", str(METRO)]) == 0
    text = capsys.readouterr().out
    assert "clock sync" in text and "White Rabbit" in text
    assert main(["run", str(METRO), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    results = tmp_path / "metro.json"
    results.write_text(json.dumps(document))
    assert main(["plot", str(results), "--tdev"]) == 0
    written = capsys.readouterr().out.split()
    assert [Path(p).suffix for p in written] == [".png", ".svg"]
    assert all(Path(p).stat().st_size > 0 for p in written)


def test_the_tdev_script_writes_the_plot(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    script = runpy.run_path(str(CLOCK_SYNC / "hong2024_tdev.py"))
    assert script["main"]([str(tmp_path), "--analytic-only"]) == 0
    printed = capsys.readouterr().out
    assert "published" in printed and "40000" in printed
    assert (tmp_path / "hong2024_tdev.png").stat().st_size > 0
