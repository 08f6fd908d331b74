"""Plots of results tables: files written, lines per hue, averaging, PLOB overlay, errors."""

from __future__ import annotations

import argparse
import importlib.util
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qfab.errors import QfabError
from qfab.physics.bounds import plob_bound
from qfab.physics.fiber import transmittance
from qfab.report.plots import (
    PLOB_LABEL,
    _figure,
    add_plot_command,
    default_output,
    plot_table,
)

#: Drawing needs the optional matplotlib, reading Parquet the optional pyarrow (qfab[plot]).
needs_matplotlib = pytest.mark.skipif(importlib.util.find_spec("matplotlib") is None,
                                      reason="matplotlib is not installed")
needs_pyarrow = pytest.mark.skipif(importlib.util.find_spec("pyarrow") is None,
                                   reason="pyarrow is not installed")

SWEEP: dict[str, list[Any]] = {
    "length": [10e3, 20e3, 30e3, 10e3, 20e3, 30e3],
    "rate_hz": [100.0, 50.0, 25.0, 80.0, 40.0, 20.0],
    "scheme": ["single_click", "single_click", "single_click",
               "double_click", "double_click", "double_click"],
}


def _data_lines(figure: Any) -> list[Any]:
    """The labelled lines of the figure's axes (error bars and helpers excluded)."""
    (axes,) = figure.axes
    return [line for line in axes.get_lines() if not line.get_label().startswith("_")]


def _line(figure: Any, label: str) -> Any:
    return next(line for line in _data_lines(figure) if line.get_label() == label)


@needs_matplotlib
def test_png_and_svg_are_written(tmp_path: Path) -> None:
    paths = plot_table(SWEEP, x="length", y="rate_hz", out=tmp_path / "sub" / "rate")
    assert paths == [tmp_path / "sub" / "rate.png", tmp_path / "sub" / "rate.svg"]
    assert paths[0].read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "<svg" in paths[1].read_text(encoding="utf-8")


@needs_matplotlib
def test_hue_gives_one_sorted_line_per_value() -> None:
    figure = _figure(SWEEP, x="length", y="rate_hz", hue="scheme")
    labels = [line.get_label() for line in _data_lines(figure)]
    assert labels == ["scheme = double_click", "scheme = single_click"]
    legend = figure.axes[0].get_legend()
    assert [text.get_text() for text in legend.get_texts()] == labels


@needs_matplotlib
def test_without_hue_there_is_one_line() -> None:
    assert len(_data_lines(_figure(SWEEP, x="length", y="rate_hz"))) == 1


@needs_matplotlib
def test_numeric_hue_values_sort_numerically() -> None:
    table = {"x": [1, 1, 1], "y": [1.0, 2.0, 3.0], "n": [10, 9, 100]}
    labels = [line.get_label() for line in _data_lines(_figure(table, x="x", y="y", hue="n"))]
    assert labels == ["n = 9", "n = 10", "n = 100"]


@needs_matplotlib
def test_length_in_metres_is_shown_in_km() -> None:
    figure = _figure(SWEEP, x="length", y="rate_hz", hue="scheme")
    (axes,) = figure.axes
    assert axes.get_xlabel() == "length (km)"
    assert axes.get_ylabel() == "rate (Hz)"
    assert list(_line(figure, "scheme = single_click").get_xdata()) == [10.0, 20.0, 30.0]
    assert list(_line(figure, "scheme = single_click").get_ydata()) == [100.0, 50.0, 25.0]


@needs_matplotlib
def test_other_columns_keep_their_units() -> None:
    figure = _figure({"p": [0.1, 0.2], "fidelity": [0.9, 0.8]}, x="p", y="fidelity")
    assert figure.axes[0].get_xlabel() == "p"
    assert list(_data_lines(figure)[0].get_xdata()) == [0.1, 0.2]


@needs_matplotlib
def test_repeated_x_values_are_averaged_with_standard_error_bars() -> None:
    table = {"length": [0.0, 0.0, 0.0, 5e3], "rate": [1.0, 2.0, 6.0, 4.0]}
    figure = _figure(table, x="length", y="rate")
    (line,) = _data_lines(figure)
    assert list(line.get_xdata()) == [0.0, 5.0]
    assert list(line.get_ydata()) == pytest.approx([3.0, 4.0])
    (axes,) = figure.axes
    (bars,) = axes.collections  # the error bars
    segments = bars.get_segments()
    half_widths = sorted((seg[1][1] - seg[0][1]) / 2 for seg in segments)
    sem = float(np.std([1.0, 2.0, 6.0], ddof=1) / math.sqrt(3))
    assert half_widths == pytest.approx([0.0, sem])


@needs_matplotlib
def test_no_error_bars_without_repeats() -> None:
    figure = _figure({"x": [1.0, 2.0], "y": [1.0, 2.0]}, x="x", y="y")
    assert not figure.axes[0].collections


@needs_matplotlib
def test_missing_values_are_left_out() -> None:
    table = {"x": [1.0, 2.0, None, 4.0], "y": [1.0, float("nan"), 3.0, 4.0]}
    (line,) = _data_lines(_figure(table, x="x", y="y"))
    assert list(line.get_xdata()) == [1.0, 4.0]


@needs_matplotlib
def test_plob_overlay_is_the_bound_over_the_x_range() -> None:
    figure = _figure(SWEEP, x="length", y="rate_hz", hue="scheme", plob=True, plob_rate_hz=1.0)
    bound = _line(figure, PLOB_LABEL)
    assert bound.get_linestyle() == "--"
    km = np.asarray(bound.get_xdata())
    assert km[0] == pytest.approx(10.0) and km[-1] == pytest.approx(30.0)
    expected = plob_bound(transmittance(km * 1e3, 0.2e-3))
    assert np.asarray(bound.get_ydata()) == pytest.approx(expected, rel=1e-12)
    assert len(_data_lines(figure)) == 3
    assert PLOB_LABEL in [t.get_text() for t in figure.axes[0].get_legend().get_texts()]


@needs_matplotlib
def test_plob_overlay_scaled_by_the_clock_rate_and_attenuation() -> None:
    table = {"length": [50e3, 100e3], "key_rate": [1e3, 1e2]}
    figure = _figure(table, x="length", y="key_rate", plob=True, plob_rate_hz=1e6,
                     plob_attenuation_db_per_km=0.2)
    bound = _line(figure, PLOB_LABEL)
    # BOUND-PLOB-01: 0.152003093 bit per channel use at 50 km, 0.0144995697 at 100 km.
    assert bound.get_ydata()[0] == pytest.approx(0.152003093e6, rel=1e-6)
    assert bound.get_ydata()[-1] == pytest.approx(0.0144995697e6, rel=1e-6)
    lossier = _line(_figure(table, x="length", y="key_rate", plob=True,
                            plob_attenuation_db_per_km=0.3), PLOB_LABEL)
    assert lossier.get_ydata()[-1] == pytest.approx(float(plob_bound(1e-3)), rel=1e-12)


@needs_matplotlib
def test_plob_overlay_on_log_axes_spans_the_positive_range() -> None:
    table = {"length": [0.0, 1e3, 100e3], "rate": [10.0, 5.0, 1.0]}
    figure = _figure(table, x="length", y="rate", plob=True, logx=True, logy=True)
    (axes,) = figure.axes
    assert axes.get_xscale() == "log" and axes.get_yscale() == "log"
    km = np.asarray(_line(figure, PLOB_LABEL).get_xdata())
    assert km[0] == pytest.approx(1.0) and km[-1] == pytest.approx(100.0)
    assert np.allclose(np.diff(np.log(km)), np.log(100.0) / (km.size - 1))


@needs_matplotlib
def test_title() -> None:
    figure = _figure(SWEEP, x="length", y="rate_hz", title="rate vs length")
    assert figure.axes[0].get_title() == "rate vs length"


@pytest.mark.parametrize("option", ["x", "y", "hue"])
def test_unknown_column_names_it_and_lists_the_others(option: str) -> None:
    names = {"x": "length", "y": "rate_hz", "hue": None} | {option: "lenght"}
    with pytest.raises(QfabError, match=f"^{option}: no column 'lenght'") as error:
        _figure(SWEEP, x=names["x"], y=names["y"], hue=names["hue"])
    message = str(error.value)
    assert "'length', 'rate_hz', 'scheme'" in message and "\n" not in message


def test_non_numeric_column_is_a_user_error() -> None:
    with pytest.raises(QfabError, match="'scheme' is not numeric"):
        _figure(SWEEP, x="length", y="scheme")


def test_no_plottable_rows_is_a_user_error() -> None:
    with pytest.raises(QfabError, match="no rows"):
        _figure({"x": [1.0], "y": [None]}, x="x", y="y")


@needs_matplotlib
def test_negative_lengths_with_plob_are_a_user_error() -> None:
    with pytest.raises(QfabError, match="fibre length"):
        _figure({"length": [-1.0, 1.0], "y": [1.0, 2.0]}, x="length", y="y", plob=True)


@needs_pyarrow
@needs_matplotlib
def test_arrow_table_and_dict_give_the_same_plot() -> None:
    import pyarrow as pa

    from_dict = _figure(SWEEP, x="length", y="rate_hz", hue="scheme")
    from_arrow = _figure(pa.table(SWEEP), x="length", y="rate_hz", hue="scheme")
    for a, b in zip(_data_lines(from_dict), _data_lines(from_arrow), strict=True):
        assert a.get_label() == b.get_label()
        assert list(a.get_ydata()) == list(b.get_ydata())


def _command(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="qfab")
    add_plot_command(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


@needs_pyarrow
@needs_matplotlib
def test_plot_command_reads_parquet_and_prints_the_paths(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    results = tmp_path / "sweep.parquet"
    pq.write_table(pa.table(SWEEP), results)
    args = _command(["plot", str(results), "--x", "length", "--y", "rate_hz",
                     "--hue", "scheme", "--plob", "--plob-rate", "1e6", "--logy"])
    assert args.handler(args) == 0
    png, svg = tmp_path / "sweep_rate_hz_vs_length.png", tmp_path / "sweep_rate_hz_vs_length.svg"
    assert capsys.readouterr().out.split() == [str(png), str(svg)]
    assert png.read_bytes().startswith(b"\x89PNG") and "<svg" in svg.read_text(encoding="utf-8")


@needs_pyarrow
@needs_matplotlib
def test_plot_command_reads_a_directory_of_parquet_files(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    directory = tmp_path / "runs"
    directory.mkdir()
    pq.write_table(pa.table({"length": [1e3], "rate_hz": [1.0]}), directory / "part-0.parquet")
    pq.write_table(pa.table({"length": [2e3], "rate_hz": [0.5]}), directory / "part-1.parquet")
    out = tmp_path / "figures" / "rate"
    args = _command(["plot", str(directory), "--x", "length", "--y", "rate_hz", "--out", str(out)])
    assert args.handler(args) == 0
    assert out.with_suffix(".png").exists() and out.with_suffix(".svg").exists()
    assert default_output(directory, x="length", y="rate_hz") == tmp_path / "runs_rate_hz_vs_length"


def test_plot_command_missing_file_is_a_user_error(tmp_path: Path) -> None:
    args = _command(["plot", str(tmp_path / "nope.parquet"), "--x", "a", "--y", "b"])
    with pytest.raises(QfabError, match="nope.parquet: no such file"):
        args.handler(args)


@needs_pyarrow
def test_plot_command_non_parquet_file_is_a_user_error(tmp_path: Path) -> None:
    bogus = tmp_path / "results.parquet"
    bogus.write_text("not parquet")
    args = _command(["plot", str(bogus), "--x", "a", "--y", "b"])
    with pytest.raises(QfabError, match="cannot read it as Parquet"):
        args.handler(args)


@needs_pyarrow
def test_plot_command_unknown_column_is_a_user_error(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    results = tmp_path / "sweep.parquet"
    pq.write_table(pa.table(SWEEP), results)
    args = _command(["plot", str(results), "--x", "distance", "--y", "rate_hz"])
    with pytest.raises(QfabError, match="x: no column 'distance'.*'length'"):
        args.handler(args)


def test_default_output_sanitizes_the_name(tmp_path: Path) -> None:
    assert default_output(tmp_path / "a.parquet", x="length", y="requests.rate_hz") == (
        tmp_path / "a_requests_rate_hz_vs_length")


def test_missing_matplotlib_is_a_user_error_with_the_install_hint(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    with pytest.raises(QfabError, match=r"needs matplotlib.*pip install 'qfab\[plot\]'"):
        _figure(SWEEP, x="length", y="rate_hz")


# --- labels, titles and where the PLOB overlay belongs --------------------------------------

SWEPT = {"links[0].length": [10e3, 20e3, 40e3], "r0_rate_hz": [90.0, 40.0, 9.0],
         "r0_fidelity": [0.95, 0.93, 0.9], "l0_p_success": [0.05, 0.02, 0.004],
         "skr_per_use": [0.1, 0.05, 0.01], "nodes.a.memory.t2": [0.1, 1.0, 10.0]}


@needs_matplotlib
@pytest.mark.parametrize(("column", "label"), [
    ("r0_rate_hz", "request 0 rate (Hz)"),
    ("r2_fidelity", "request 2 fidelity"),
    ("r0_delivered", "request 0 pairs delivered"),
    ("l0_p_success", "link 0 success probability per attempt"),
    ("l0_rate_hz", "link 0 pair rate (Hz)"),
    ("sim_time_s", "simulated time (s)"),
    ("nodes.a.memory.t2", "nodes.a.memory.t2 (s)"),
    ("links[0].fiber.attenuation", "links[0].fiber.attenuation (dB/km)"),
])
def test_axis_labels_name_the_quantity_and_its_unit(column: str, label: str) -> None:
    table = {"links[0].length": [1e3, 2e3], column: [1.0, 2.0]}
    (axes,) = _figure(table, x="links[0].length", y=column).axes
    assert axes.get_xlabel() == "links[0].length (km)"
    assert axes.get_ylabel() == label


@needs_matplotlib
def test_values_are_shown_in_the_unit_of_the_label() -> None:
    table = {"links[0].length": [1e3, 2e3], "links[0].fiber.attenuation": [2e-4, 3e-4]}
    (line,) = _data_lines(_figure(table, x="links[0].length", y="links[0].fiber.attenuation"))
    assert list(line.get_xdata()) == [1.0, 2.0]
    assert np.asarray(line.get_ydata()) == pytest.approx([0.2, 0.3], rel=1e-12)


@needs_matplotlib
def test_default_title_and_explicit_labels() -> None:
    (axes,) = _figure(SWEPT, x="links[0].length", y="r0_rate_hz").axes
    assert axes.get_title() == "request 0 rate vs links[0].length"
    (axes,) = _figure(SWEEP, x="length", y="rate_hz", hue="scheme").axes
    assert axes.get_title() == "rate vs length, by scheme"
    (axes,) = _figure(SWEPT, x="links[0].length", y="r0_rate_hz", title="",
                      xlabel="distance", ylabel="pairs/s").axes
    assert axes.get_title() == "" and axes.get_xlabel() == "distance"
    assert axes.get_ylabel() == "pairs/s"


@needs_matplotlib
@pytest.mark.parametrize("column", ["l0_p_success", "r0_fidelity", "r0_delivered",
                                    "sim_time_s"])
def test_plob_overlay_is_refused_on_quantities_it_does_not_bound(column: str) -> None:
    table = {"links[0].length": [1e3, 2e3], column: [0.5, 0.4]}
    for rate in (None, 1e6):
        with pytest.raises(QfabError, match=rf"^y: '{column}' .*not comparable"):
            _figure(table, x="links[0].length", y=column, plob=True, plob_rate_hz=rate)


@needs_matplotlib
def test_plob_overlay_on_a_rate_needs_the_channel_uses_per_second() -> None:
    with pytest.raises(QfabError, match="--plob-rate"):
        _figure(SWEPT, x="links[0].length", y="r0_rate_hz", plob=True)
    figure = _figure(SWEPT, x="links[0].length", y="r0_rate_hz", plob=True, plob_rate_hz=1e4)
    bound = _line(figure, PLOB_LABEL)
    km = np.asarray(bound.get_xdata())
    assert np.asarray(bound.get_ydata()) == pytest.approx(
        1e4 * plob_bound(transmittance(km * 1e3, 0.2e-3)), rel=1e-12)


@needs_matplotlib
def test_plob_overlay_per_channel_use_is_drawn_as_is() -> None:
    figure = _figure(SWEPT, x="links[0].length", y="skr_per_use", plob=True)
    assert figure.axes[0].get_ylabel() == "skr per use (per channel use)"
    bound = _line(figure, PLOB_LABEL)
    km = np.asarray(bound.get_xdata())
    assert np.asarray(bound.get_ydata()) == pytest.approx(
        plob_bound(transmittance(km * 1e3, 0.2e-3)), rel=1e-12)
    with pytest.raises(QfabError, match="per channel use"):
        _figure(SWEPT, x="links[0].length", y="skr_per_use", plob=True, plob_rate_hz=1e6)


@needs_matplotlib
def test_plob_overlay_needs_a_length_on_the_x_axis() -> None:
    with pytest.raises(QfabError, match="^x: .*fibre length.*time"):
        _figure(SWEPT, x="nodes.a.memory.t2", y="skr_per_use", plob=True)


def test_building_the_plot_parser_does_not_import_numpy_or_matplotlib() -> None:
    code = ("import sys, argparse; from qfab.report.plot_command import add_plot_command; "
            "add_plot_command(argparse.ArgumentParser().add_subparsers()); "
            "print(sorted(m for m in ('numpy', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


@needs_matplotlib
def test_hue_values_are_shown_in_their_unit() -> None:
    table = {"links[0].visibility": [0.9, 0.9], "links[0].length": [10e3, 20e3],
             "r0_rate_hz": [1.0, 2.0]}
    figure = _figure(table, x="links[0].visibility", y="r0_rate_hz", hue="links[0].length")
    assert [line.get_label() for line in _data_lines(figure)] == [
        "links[0].length = 10 km", "links[0].length = 20 km"]
    assert figure.axes[0].get_title() == "request 0 rate vs links[0].visibility, by links[0].length"


@pytest.mark.parametrize(("column", "label", "plob"), [
    ("r0_rate_hz_mean", "request 0 rate, mean over seeds (Hz)", "rate"),
    ("r0_rate_hz_stderr", "request 0 rate, standard error (Hz)", "no"),
    ("l0_p_success_count", "link 0 success probability per attempt, runs", "no"),
    ("links[0].length_mean", "links[0].length, mean over seeds (km)", "no"),
    ("my_mean", "my_mean", "unknown"),
])
def test_summary_columns_are_described_from_the_column_they_summarize(
        column: str, label: str, plob: str) -> None:
    from qfab.report.labels import describe

    assert (describe(column).label, describe(column).plob) == (label, plob)
