"""The passes of a run's links with a schedule (satellites): their series, figure and table.

A link with a schedule (:mod:`qfab.linkschedule`; today the ``satellite`` kind) is up only
while its satellite is above ``min_elevation`` at both ground stations. For each such link
:func:`pass_series` takes, slice by slice, what :func:`qfab.links.satellite.satellite_pass`
computes for the link (the elevation seen from each station and the two-downlink loss) and
the expected coincidence rate of the slice, ``channels p_i / T`` (``p_i`` the slice's
coincidence probability, ``T`` the attempt period: the coincidence window), the rate at
which pairs come while every channel attempts. :func:`pass_figure` draws them against time
as ``pass_<i>.png`` (``i`` the link's position in ``links``); :func:`pass_grid` is the table
of what each link gives over the run: its passes, the time it is up, the pairs expected and
their mean fidelity (:func:`qfab.linkmodel.schedule_figures`, what the analytic engine and
``qfab budget`` report).

Only the report draws these: nothing here changes a link or an engine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from qfab.links.satellite import satellite_pass
from qfab.report.budget import LinkBudget
from qfab.report.figures import Figure, canvas, png
from qfab.report.table import Grid
from qfab.spec.links_satellite import SatelliteLinkSpec
from qfab.spec.models import ScenarioSpec

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure

__all__ = ["PASS_COLUMNS", "PassSeries", "draw_pass", "pass_figure", "pass_figures", "pass_grid",
           "pass_series"]

FloatArray = NDArray[np.float64]

#: At most this many passes get a column of panels of their own (:func:`draw_pass`).
PASS_COLUMNS = 4

#: Colours of the two stations' curves (colour-blind-safe).
_STATION_COLOURS = ("#0072b2", "#d55e00")


@dataclass(frozen=True)
class PassSeries:
    """One scheduled link's slices over the run and what the report draws of them.

    Attributes
    ----------
    index
        The link's position in ``spec.links``.
    between
        Its two nodes (the stations of a satellite link).
    starts, ends
        Slice bounds, seconds from the run's start.
    rate_hz
        Expected coincidences (pairs) per second in each slice, ``channels p_i / T``.
    elevation_deg
        Elevation of the satellite seen from each station at each slice's midpoint, degrees,
        shape ``(2, slices)``; ``None`` for a link with a schedule that is not a satellite.
    loss_db
        Two-downlink loss per slice, dB (``None`` as for ``elevation_deg``).
    min_elevation_deg
        The elevation cut above which the link is up (``None`` as for ``elevation_deg``).
    start
        UTC time of the run's ``t = 0`` (``None`` as for ``elevation_deg``).
    duration
        The run's duration (s), the time axis of a run without a pass.
    """

    index: int
    between: tuple[str, str]
    starts: FloatArray
    ends: FloatArray
    rate_hz: FloatArray
    elevation_deg: FloatArray | None = None
    loss_db: FloatArray | None = None
    min_elevation_deg: float | None = None
    start: datetime | None = None
    duration: float = 1.0

    @property
    def windows(self) -> list[tuple[float, float]]:
        """The up windows ``(open, close)`` (s): adjacent slices joined."""
        joined: list[tuple[float, float]] = []
        for begin, end in zip(self.starts.tolist(), self.ends.tolist()):
            if joined and begin <= joined[-1][1]:
                joined[-1] = (joined[-1][0], end)
            else:
                joined.append((begin, end))
        return joined


def pass_series(spec: ScenarioSpec, budgets: Sequence[LinkBudget]) -> list[PassSeries]:
    """The series of every link of ``spec`` with a schedule, in the order of ``spec.links``.

    Parameters
    ----------
    spec
        The scenario.
    budgets
        Its link budgets (:func:`qfab.report.budget.link_budgets`, one per link in order):
        their models give the schedule, the channels and the attempt period.
    """
    found = []
    for index, (link, budget) in enumerate(zip(spec.links, budgets, strict=True)):
        model = budget.model
        if model is None or model.schedule is None:
            continue
        per_second = model.channels / model.period
        if isinstance(link, SatelliteLinkSpec):
            slices = satellite_pass(link, spec, index)
            found.append(PassSeries(
                index=index, between=link.between, starts=slices.starts, ends=slices.ends,
                rate_hz=per_second * slices.p_success,
                elevation_deg=np.degrees(slices.elevation_rad), loss_db=slices.link_loss_db,
                min_elevation_deg=math.degrees(link.min_elevation), start=link.start,
                duration=spec.duration))
        else:
            schedule = model.schedule
            found.append(PassSeries(
                index=index, between=link.between,
                starts=np.asarray(schedule.starts, dtype=np.float64),
                ends=np.asarray(schedule.ends, dtype=np.float64),
                rate_hz=per_second * np.asarray(schedule.p_success, dtype=np.float64),
                duration=spec.duration))
    return found


def pass_figures(spec: ScenarioSpec, budgets: Sequence[LinkBudget]) -> list[Figure]:
    """One figure per link with a schedule (:func:`pass_figure`).

    Raises
    ------
    qfab.errors.QfabError
        matplotlib is not installed.
    """
    return [pass_figure(series) for series in pass_series(spec, budgets)]


def _time_unit(span: float) -> tuple[float, str]:
    """Seconds per unit and the unit's name for a time axis spanning ``span`` s."""
    if span > 3 * 3600:
        return 3600.0, "h"
    if span > 1800:
        return 60.0, "min"
    return 1.0, "s"


def _broken(series: PassSeries, values: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Times (slice midpoints) and values with a NaN between slices that do not touch, so
    that a line is not drawn across the time the link is down."""
    mids = (series.starts + series.ends) / 2
    gaps = np.flatnonzero(series.starts[1:] > series.ends[:-1]) + 1
    return (np.insert(mids, gaps, np.nan), np.insert(values.astype(np.float64), gaps, np.nan))


def _steps(series: PassSeries) -> tuple[FloatArray, FloatArray]:
    """The rate as steps: each slice's value from its start to its end, 0 while down."""
    times: list[float] = []
    values: list[float] = []
    for begin, end, rate in zip(series.starts.tolist(), series.ends.tolist(),
                                series.rate_hz.tolist()):
        if not times or begin > times[-1]:  # down before this slice
            times += [times[-1], begin] if times else [begin]
            values += [0.0, 0.0] if len(values) else [0.0]
        times += [begin, end]
        values += [rate, rate]
    if times:
        times.append(times[-1])
        values.append(0.0)
    return np.asarray(times, dtype=np.float64), np.asarray(values, dtype=np.float64)


def _columns(series: PassSeries) -> list[tuple[float, float]]:
    """The time span of each column of panels: one per pass when a few short passes lie far
    apart in the run (a shared axis would squeeze each into a line), else one span over
    them all."""
    windows = series.windows
    first, last = windows[0][0], windows[-1][1]
    up = sum(end - begin for begin, end in windows)
    if 1 < len(windows) <= PASS_COLUMNS and up < 0.2 * (last - first):
        return windows
    return [(first, last)]


def draw_pass(series: PassSeries) -> MplFigure:
    """The matplotlib figure of :func:`pass_figure`: rows elevation, loss and rate (a link
    that is not a satellite has the rate only), a column per pass (:func:`_columns`)."""
    if not series.starts.size:
        return _no_pass(series)
    satellite = series.elevation_deg is not None and series.loss_db is not None
    columns = _columns(series)
    figure = canvas(8.0 if len(columns) < 3 else 10.0, 6.6 if satellite else 2.8)
    panels = figure.subplots(3 if satellite else 1, len(columns), sharex="col", sharey="row",
                             squeeze=False)
    span = float(series.ends[-1] - series.starts[0])
    # several columns: each spans one pass (minutes), so no unit longer than a minute
    scale, unit = _time_unit(span) if len(columns) == 1 else _time_unit(min(span, 3600.0))
    a, b = series.between
    if satellite:
        _satellite_rows(series, panels[0], panels[1], scale)
    _rate_row(series, panels[-1], scale)
    for column, (begin, end) in enumerate(columns):
        margin = 0.03 * (end - begin)
        panels[-1, column].set_xlim((begin - margin) / scale, (end + margin) / scale)
        if len(columns) > 1:
            panels[0, column].set_title(f"pass {column + 1}: {_clock(series, begin)}",
                                        fontsize=9)
        for row in range(1, panels.shape[0]):
            panels[row, column].set_title("")
    name = (f"Satellite pass over {a} and {b}" if satellite
            else f"Link {a} - {b}: a link with a schedule")
    if len(columns) > 1:
        figure.suptitle(name)
        figure.supxlabel(f"time since the run's start ({unit})", fontsize=10)
    else:
        panels[0, 0].set_title(name)
        panels[-1, 0].set_xlabel(f"time since the run's start ({unit})")
    for axes in panels.ravel():
        axes.grid(alpha=0.3)
    return figure


def _satellite_rows(series: PassSeries, elevations: Sequence[Axes], losses: Sequence[Axes],
                    scale: float) -> None:
    """The elevation of the satellite from each station, and the two-downlink loss."""
    assert series.elevation_deg is not None and series.loss_db is not None
    for elevation in elevations:
        for arm, name in enumerate(series.between):
            times, values = _broken(series, series.elevation_deg[arm])
            elevation.plot(times / scale, values, color=_STATION_COLOURS[arm], label=name)
        if series.min_elevation_deg is not None:
            elevation.axhline(series.min_elevation_deg, color="#777777", linestyle=":",
                              linewidth=1, label=f"cut {series.min_elevation_deg:g} deg")
    elevations[0].set_ylabel("elevation (deg)")
    elevations[0].set_ylim(0, min(90.0, float(np.nanmax(series.elevation_deg)) + 8))
    elevations[-1].legend(fontsize=8, frameon=False, loc="upper right")
    times, values = _broken(series, series.loss_db)
    for loss in losses:
        loss.plot(times / scale, values, color="#555555")
    losses[0].set_ylabel("two-downlink loss (dB)")
    losses[0].invert_yaxis()  # less loss higher up, as the elevation above (rows share y)


def _rate_row(series: PassSeries, rates: Sequence[Axes], scale: float) -> None:
    """The expected pairs per second, as steps; on a log axis when they span more than a
    factor 100 (the steps down to 0 then go down to the axis' floor)."""
    times, values = _steps(series)
    positive = values[values > 0]
    floor = 0.0
    logarithmic = positive.size > 0 and float(positive.max()) > 100 * float(positive.min())
    if logarithmic:
        floor = float(positive.min()) / 3
    for rate in rates:
        shown = np.maximum(values, floor)
        rate.plot(times / scale, shown, color="#009e73")
        rate.fill_between(times / scale, shown, floor, color="#009e73", alpha=0.2, linewidth=0)
        if logarithmic:
            rate.set_yscale("log")
    rates[0].set_ylabel("expected pairs per s (Hz)")
    rates[0].set_ylim(bottom=floor if logarithmic else 0.0)


def _no_pass(series: PassSeries) -> MplFigure:
    """A link that is never up in the run: its time axis over the run, and why it is empty."""
    figure = canvas(8.0, 1.9)
    axes = figure.add_subplot()
    scale, unit = _time_unit(series.duration)
    axes.set_xlim(0, series.duration / scale)
    axes.set_yticks([])
    a, b = series.between
    why = (f"the satellite is not above {series.min_elevation_deg:g} deg at both stations "
           "during the run" if series.min_elevation_deg is not None else
           "no slice of the schedule lies in the run")
    axes.text(0.5, 0.5, f"No pass: {why}", transform=axes.transAxes, ha="center",
              va="center", fontsize=10, color="#555555")
    axes.set_title(f"Satellite pass over {a} and {b}" if series.elevation_deg is not None
                   else f"Link {a} - {b}: a link with a schedule")
    axes.set_xlabel(f"time since the run's start ({unit})")
    return figure


def _clock(series: PassSeries, seconds: float) -> str:
    """A time of the run as a reader reads it: the UTC clock (with the date when the run
    lasts more than a day), or seconds from the start without a ``start``."""
    if series.start is None:
        return f"{seconds:.0f} s"
    form = "%Y-%m-%d %H:%M:%S UTC" if series.duration > 86400 else "%H:%M:%S UTC"
    return (series.start + timedelta(seconds=seconds)).strftime(form)


def _duration(seconds: float) -> str:
    """``600 s``, ``45 min``, ``12 h``, ``16.7 days``."""
    if seconds < 1800:
        return f"{seconds:.4g} s"
    if seconds < 3 * 3600:
        return f"{seconds / 60:.3g} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.3g} h"
    return f"{seconds / 86400:.3g} days"


def _seconds(value: float) -> str:
    """Seconds in a table cell: 4 digits, whole seconds with separators from 10,000 s."""
    return f"{value:.4g}" if value < 1e4 else f"{value:,.0f}"


def _caption(series: PassSeries) -> str:
    a, b = series.between
    windows = series.windows
    if series.elevation_deg is None:
        what = (f"Link {a} - {b} is up only at times (a schedule): the expected pairs per "
                "second while every channel attempts, slice by slice")
    else:
        what = (f"The satellite carries a source of entangled photon pairs and sends one "
                f"photon of each pair down to {a} and the other to {b}; the link is up only "
                f"while the satellite is above {series.min_elevation_deg:g} deg at both "
                "stations at once. Top: its elevation seen from each station; middle: the "
                "loss of both downlinks together (distance, atmosphere, telescopes; the "
                "axis is reversed, less loss is higher); bottom: the coincidences (pairs) "
                "expected per second while it is up, the higher the satellite the more")
    if not windows:
        return what + f". It is never up during the run of {_duration(series.duration)}."
    ups = "; ".join(f"{_clock(series, begin)} to {_clock(series, end)} ({end - begin:.0f} s)"
                    for begin, end in windows[:4])
    more = f" and {len(windows) - 4} more" if len(windows) > 4 else ""
    run = _duration(series.duration)
    return f"{what}. In the run of {run} it is up {ups}{more}."


def pass_figure(series: PassSeries) -> Figure:
    """The figure ``pass_<i>.png`` of one link with a schedule: for a satellite, the elevation
    of both stations, the two-downlink loss (dB) and the expected coincidence rate against
    time over the run's passes; for another scheduled link the rate only.

    Raises
    ------
    qfab.errors.QfabError
        matplotlib is not installed.
    """
    a, b = series.between
    title = (f"Satellite pass: {a} - {b}" if series.elevation_deg is not None
             else f"Schedule: {a} - {b}")
    return Figure(f"pass_{series.index}.png", title, _caption(series), png(draw_pass(series)))


def pass_grid(spec: ScenarioSpec, budgets: Sequence[LinkBudget]) -> Grid | None:
    """One row per link with a schedule: its passes in the run, the time it is up, when it
    is first up and last down, the pairs expected over the run, their mean fidelity
    (:attr:`LinkBudget.run_figures`) and the pairs per second while up; ``None`` without
    such a link."""
    rows = []
    for budget in budgets:
        model = budget.model
        if model is None or model.schedule is None:
            continue
        schedule = model.schedule
        windows = list(model.up_windows())
        up = schedule.up_time(0.0, spec.duration)
        figures = budget.run_figures
        rate = figures[1] if figures is not None else model.pair_rate
        fidelity = figures[2] if figures is not None else None
        pairs = rate * spec.duration
        rows.append([f"{budget.between[0]} - {budget.between[1]}", f"{len(windows):,}",
                     _seconds(up), _seconds(windows[0][0]) if windows else "-",
                     _seconds(windows[-1][1]) if windows else "-", f"{pairs:.4g}",
                     "-" if fidelity is None else f"{fidelity:.4f}",
                     f"{pairs / up:.4g}" if up > 0 else "-"])
    if not rows:
        return None
    return Grid(["link", "passes", "time up (s)", "first up (s)", "last down (s)",
                 "expected pairs", "mean fidelity", "pairs/s while up"], rows)
