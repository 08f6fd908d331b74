"""The report's satellite passes: the pass figure, its data, the passes table, the waits."""

from __future__ import annotations

import base64
import dataclasses
from pathlib import Path

import numpy as np
import pytest

from qfab.engines import run
from qfab.engines.result import RunResult
from qfab.links.satellite import satellite_pass
from qfab.loading import load_scenario
from qfab.report.budget import link_budgets
from qfab.report.folder import write_report
from qfab.report.html import report_page
from qfab.report.passes import PassSeries, draw_pass, pass_figure, pass_series
from qfab.spec.models import ScenarioSpec
from tests.unit.report.reporting import EXAMPLES, run_example, table

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def micius() -> tuple[ScenarioSpec, RunResult]:
    return run_example("micius", "analytic")


def test_the_pass_figure_is_written_and_inlined_for_micius(
        micius: tuple[ScenarioSpec, RunResult], tmp_path: Path) -> None:
    spec, result = micius
    folder = tmp_path / "report"
    write_report(folder, spec, result)
    png = (folder / "pass_0.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}"' in page
    assert "<h2>Satellite passes</h2>" in page
    # the caption says when the satellite is up, in UTC (the pass of the example's notes)
    assert "In the run of 600 s it is up 17:43:35 UTC to 17:48:02 UTC (267 s)." in page
    assert "(file pass_0.png)" in page
    # the pass is in its own section, not among the per-request plots
    assert page.index("<h2>Satellite passes</h2>") < page.index("(file pass_0.png)")


def test_the_pass_data_are_those_of_satellite_pass(
        micius: tuple[ScenarioSpec, RunResult]) -> None:
    spec, _ = micius
    budgets = link_budgets(spec)
    (series,) = pass_series(spec, budgets)
    slices = satellite_pass(spec.links[0], spec, 0)
    model = budgets[0].model
    assert model is not None and series.index == 0
    np.testing.assert_array_equal(series.starts, slices.starts)
    np.testing.assert_array_equal(series.ends, slices.ends)
    np.testing.assert_array_equal(series.elevation_deg, np.degrees(slices.elevation_rad))
    np.testing.assert_array_equal(series.loss_db, slices.link_loss_db)
    np.testing.assert_array_equal(series.rate_hz,
                                  model.channels * slices.p_success / model.period)
    # the link is up only above the cut at both stations
    assert series.elevation_deg is not None and series.min_elevation_deg == pytest.approx(10.0)
    assert series.elevation_deg.min() > 10.0 - 0.05
    # the rate integrated over the pass is the pairs the analytic engine expects over the
    # run (the attempt grid's rounding: at most one attempt per slice, ~1e-6 relative)
    figures = budgets[0].run_figures
    assert figures is not None
    pairs = float(np.sum(series.rate_hz * (series.ends - series.starts)))
    assert pairs == pytest.approx(figures[1] * spec.duration, rel=1e-4)
    # what is drawn is these data: elevation of each station, loss, rate
    elevation, loss, rate = draw_pass(series).axes
    for arm in range(2):
        drawn = np.asarray(elevation.lines[arm].get_ydata(), dtype=float)
        np.testing.assert_array_equal(drawn[~np.isnan(drawn)], series.elevation_deg[arm])
    drawn = np.asarray(loss.lines[0].get_ydata(), dtype=float)
    np.testing.assert_array_equal(drawn[~np.isnan(drawn)], series.loss_db)
    steps = np.asarray(rate.lines[0].get_ydata(), dtype=float)
    np.testing.assert_array_equal(steps[1:-1:2], series.rate_hz)
    assert steps[0] == steps[-1] == 0.0


def test_the_passes_table_gives_the_run_figures(
        micius: tuple[ScenarioSpec, RunResult]) -> None:
    spec, result = micius
    budgets = link_budgets(spec)
    page = report_page(spec, result, budgets, [])
    header, row = table(page, "passes")
    cells = dict(zip(header, row, strict=True))
    figures = budgets[0].run_figures
    assert figures is not None and figures[2] is not None
    assert cells["passes"] == "1"
    assert cells["time up (s)"] == "267.5"
    assert cells["expected pairs"] == f"{figures[1] * spec.duration:.4g}"
    assert cells["mean fidelity"] == f"{figures[2]:.4f}"
    # the budget summary gives the same run figures as qfab budget
    budget_row = table(page, "budget-summary")[1]
    assert budget_row[6] == f"{figures[1]:.4g}" and budget_row[7] == f"{figures[2]:.4f}"


def test_a_request_that_waits_shows_its_wait_and_a_note_is_escaped(
        micius: tuple[ScenarioSpec, RunResult]) -> None:
    spec, result = micius
    (request,) = result.requests
    assert request.waited_s is not None and request.waited_s > 200
    page = report_page(spec, result, link_budgets(spec), [])
    assert (f'<ul class="notes waits"><li>delingha - lijiang: waited {request.waited_s:.6g} s '
            "for the links of its path to come up</li></ul>") in page
    noted = dataclasses.replace(result, requests=[
        dataclasses.replace(request, note="link <down> & out")])
    page = report_page(spec, noted, link_budgets(spec), [])
    assert "NOTE link &lt;down&gt; &amp; out" in page and "<down>" not in page


def test_a_run_without_a_pass_notes_the_link_down_and_draws_an_empty_pass(
        tmp_path: Path) -> None:
    text = (EXAMPLES / "micius.yaml").read_text(encoding="utf-8")
    short = tmp_path / "short.yaml"
    short.write_text(text.replace("duration: 600 s", "duration: 200 s"), encoding="utf-8")
    spec = load_scenario(short)
    result = run(spec, engine="analytic")
    write_report(tmp_path / "report", spec, result)
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "NOTE links[0] (delingha - lijiang) is down" in page
    assert "It is never up during the run of 200 s." in page
    assert table(page, "passes")[1][1:4] == ["0", "0", "-"]


def test_a_scheduled_link_that_is_no_satellite_gets_its_rate_only() -> None:
    series = PassSeries(index=3, between=("a", "b"), starts=np.array([0.0, 1.0, 5.0]),
                        ends=np.array([1.0, 2.0, 6.0]), rate_hz=np.array([1.0, 2.0, 3.0]))
    assert series.windows == [(0.0, 2.0), (5.0, 6.0)]
    (axes,) = draw_pass(series).axes
    # steps: up at 0, 1 Hz, 2 Hz, down to 0 between the windows, 3 Hz, down at the end
    assert list(axes.lines[0].get_xdata()) == [0, 0, 1, 1, 2, 2, 5, 5, 6, 6]
    assert list(axes.lines[0].get_ydata()) == [0, 1, 1, 2, 2, 0, 0, 3, 3, 0]
    figure = pass_figure(series)
    assert figure.name == "pass_3.png" and figure.png.startswith(b"\x89PNG")
    assert "0 s to 2 s (2 s); 5 s to 6 s (1 s)" in figure.caption


def test_short_passes_far_apart_get_a_column_each() -> None:
    series = PassSeries(index=0, between=("a", "b"), starts=np.array([0.0, 5000.0]),
                        ends=np.array([100.0, 5100.0]), rate_hz=np.array([1.0, 1.0]))
    first, second = draw_pass(series).axes
    assert first.get_xlim()[0] < 0.0 < 100.0 / 60 < first.get_xlim()[1] < 5000.0 / 60
    assert 100.0 / 60 < second.get_xlim()[0] < 5000.0 / 60 < 5100.0 / 60 < second.get_xlim()[1]
