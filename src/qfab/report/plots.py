"""Line plots of tabular results (sweeps), with an optional PLOB-bound overlay.

:func:`plot_table` draws one column against another, one line per value of a third
column, averaging repeated points (mean ± standard error), and writes a PNG and an SVG.
Axes are labelled with the quantity and its unit (:func:`qfab.report.labels.describe`), the
figure has a title, and the PLOB bound is overlaid only on a quantity it bounds: pairs or
bits per channel use, or a rate in Hz once the channel uses per second are given.
:func:`qfab.report.plot_command.add_plot_command` registers ``qfab plot`` on the command
line, which reads the table from a Parquet file or a directory of Parquet files
(:func:`read_results`).

matplotlib and pyarrow are optional (``pip install 'qfab[plot]'``); they are imported
inside the functions that need them, and their absence is reported as a
:class:`~qfab.errors.QfabError`. Figures are drawn with the non-interactive Agg canvas
and never touch :mod:`matplotlib.pyplot`'s global state.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

import numpy as np
from numpy.typing import NDArray

from qfab.errors import QfabError
from qfab.physics.bounds import plob_bound
from qfab.physics.fiber import transmittance
from qfab.report.labels import Quantity, describe
from qfab.report.plot_command import add_plot_command, default_output

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["PLOB_LABEL", "add_plot_command", "default_output", "plot_table", "read_results"]

#: Legend label of the PLOB overlay.
PLOB_LABEL = "PLOB bound (Pirandola et al. 2017)"

#: Points of the PLOB overlay curve.
_BOUND_POINTS = 200

_INSTALL_HINT = "install it with: pip install 'qfab[plot]'"


class ArrowTable(Protocol):
    """The part of :class:`pyarrow.Table` that plotting uses."""

    @property
    def column_names(self) -> list[str]: ...

    def column(self, name: str) -> Any: ...


#: A pyarrow Table, or a mapping of column name to equally long sequences of values.
Table: TypeAlias = "ArrowTable | Mapping[str, Sequence[Any]]"


def plot_table(
    table: Table,
    *,
    x: str,
    y: str,
    hue: str | None = None,
    out: Path,
    logx: bool = False,
    logy: bool = False,
    plob: bool = False,
    plob_attenuation_db_per_km: float = 0.2,
    plob_rate_hz: float | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
) -> list[Path]:
    """Plot column ``y`` against column ``x`` and write a PNG and an SVG.

    Parameters
    ----------
    table
        A :class:`pyarrow.Table`, or a mapping of column name to a sequence of values
        (all of one length). Rows whose ``x`` or ``y`` is missing (``None`` or NaN) are
        left out.
    x, y
        Names of numeric columns, in SI units. Each axis is labelled with the quantity
        and its unit (:func:`qfab.report.labels.describe`: ``r0_rate_hz`` is
        ``"request 0 rate (Hz)"``); lengths (a column or swept path ending with
        ``length`` or ``spacing``) are shown in km. Unknown columns are shown as they are.
    hue
        Name of a column whose distinct values (sorted) get one line each.
    out
        Output path; the files written are ``out.with_suffix(".png")`` and
        ``out.with_suffix(".svg")`` (parent directories are created).
    logx, logy
        Logarithmic axes.
    plob
        Overlay the PLOB repeaterless bound (:func:`qfab.physics.bounds.plob_bound`) as a
        dashed line over the range of ``x``, which is then taken as a fibre length in
        metres with transmittance ``10 ** (-attenuation * length / 10)``. The bound is in
        bits per channel use, so ``y`` must be comparable: a quantity per channel use (a
        column ending with ``_per_use``), or a rate in Hz together with ``plob_rate_hz``.
        A quantity that is not (a success probability per attempt, a fidelity, a count, a
        time) is refused; a column :func:`~qfab.report.labels.describe` does not know is
        taken as the caller says.
    plob_attenuation_db_per_km
        Fibre attenuation of the overlay, dB/km (default 0.2).
    plob_rate_hz
        Channel uses per second: the overlay is the bound in bits per channel use times
        this rate (bit/s). Without it, the overlay is in bits per channel use.
    title
        Figure title; default ``"<y> vs <x>"`` (with ``", by <hue>"``); ``""`` for none.
    xlabel, ylabel
        Axis labels instead of the quantity and unit of the column.

    Returns
    -------
    list of pathlib.Path
        The PNG and the SVG written, in that order.

    Raises
    ------
    qfab.errors.QfabError
        A column that the table does not have (the message lists those it has), a
        non-numeric ``x`` or ``y``, no plottable rows, bad overlay parameters, a PLOB
        overlay on a quantity it does not bound, or matplotlib not installed.
    """
    figure = _figure(table, x=x, y=y, hue=hue, logx=logx, logy=logy, plob=plob,
                     plob_attenuation_db_per_km=plob_attenuation_db_per_km,
                     plob_rate_hz=plob_rate_hz, title=title, xlabel=xlabel, ylabel=ylabel)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    paths = [out.with_suffix(".png"), out.with_suffix(".svg")]
    figure.savefig(paths[0], format="png", dpi=150)
    figure.savefig(paths[1], format="svg", metadata={"Date": None})
    return paths


def _figure(
    table: Table,
    *,
    x: str,
    y: str,
    hue: str | None = None,
    logx: bool = False,
    logy: bool = False,
    plob: bool = False,
    plob_attenuation_db_per_km: float = 0.2,
    plob_rate_hz: float | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
) -> Figure:
    """Draw the figure of :func:`plot_table` (same arguments, without ``out``)."""
    columns = _columns(table)
    for option, name in (("x", x), ("y", y), ("hue", hue)):
        if name is not None and name not in columns:
            available = ", ".join(repr(column) for column in columns) or "(none)"
            raise QfabError(f"{option}: no column {name!r} in the results; "
                            f"available columns: {available}")
    if plob:
        if not plob_attenuation_db_per_km >= 0.0:
            raise QfabError(
                f"PLOB attenuation must be >= 0 dB/km, got {plob_attenuation_db_per_km}"
            )
        if plob_rate_hz is not None and not plob_rate_hz > 0.0:
            raise QfabError(f"PLOB rate must be > 0 Hz, got {plob_rate_hz}")
    x_quantity, y_quantity = describe(x), describe(y)
    if plob:
        _check_plob(x, x_quantity, y, y_quantity, rate_given=plob_rate_hz is not None)

    groups = _group(columns, x=x, y=y, hue=hue)
    scale, y_scale = x_quantity.scale, y_quantity.scale

    _require("matplotlib")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 4.4), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for key, (xs, means, errors, repeated) in groups.items():
        label = y_quantity.name if hue is None else _hue_label(hue, key)
        (line,) = axes.plot(xs * scale, means * y_scale, marker="o", markersize=4, label=label)
        if repeated:
            axes.errorbar(xs * scale, means * y_scale, yerr=errors * y_scale, fmt="none",
                          ecolor=line.get_color(), capsize=3, label="_nolegend_")

    if plob:
        lengths = _overlay_lengths(groups, logx=logx)
        if np.any(lengths < 0.0):
            raise QfabError(f"x: the PLOB overlay takes {x!r} as a fibre length in metres, "
                            f"which must be >= 0")
        bound = plob_bound(transmittance(lengths, plob_attenuation_db_per_km * 1e-3))
        if plob_rate_hz is not None:
            bound = bound * plob_rate_hz
        axes.plot(lengths * scale, bound * y_scale, linestyle="--", color="black",
                  linewidth=1.2, label=PLOB_LABEL)

    axes.set_xlabel(x_quantity.label if xlabel is None else xlabel)
    axes.set_ylabel(y_quantity.label if ylabel is None else ylabel)
    if logx:
        axes.set_xscale("log")
    if logy:
        axes.set_yscale("log")
    if title is None:
        title = f"{y_quantity.name} vs {x_quantity.name}" + (
            "" if hue is None else f", by {describe(hue).name}")
    if title:
        axes.set_title(title)
    axes.grid(True, which="major", alpha=0.3)
    if hue is not None or plob:
        axes.legend(title=None, fontsize="small")
    return figure


def _check_plob(x: str, x_quantity: Quantity, y: str, y_quantity: Quantity, *,
                rate_given: bool) -> None:
    """Refuse a PLOB overlay that would not bound what is plotted (a :class:`QfabError`)."""
    if x_quantity.dimension not in (None, "length"):
        raise QfabError(f"x: the PLOB overlay needs fibre length on the x axis, and {x!r} is "
                        f"a {x_quantity.dimension}")
    if y_quantity.plob == "no":
        raise QfabError(f"y: {y!r} ({y_quantity.name}) is not comparable with the PLOB bound, "
                        f"which bounds pairs or bits per channel use; plot a rate in Hz "
                        f"(r0_rate_hz, l0_rate_hz) with the channel uses per second "
                        f"(--plob-rate), or a quantity per channel use")
    if y_quantity.plob == "rate" and not rate_given:
        raise QfabError(f"y: {y!r} is a rate in Hz and the PLOB bound is per channel use; "
                        f"give the channel uses per second (--plob-rate) to compare them")
    if y_quantity.plob == "per_use" and rate_given:
        raise QfabError(f"y: {y!r} is per channel use, as the PLOB bound is; leave out the "
                        f"channel uses per second (--plob-rate)")


#: Per hue value: sorted unique x, mean y, standard error of y, whether any x repeats.
_Group: TypeAlias = "tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], bool]"


def _group(columns: Mapping[str, list[Any]], *, x: str, y: str,
           hue: str | None) -> dict[Any, _Group]:
    """Per hue value (sorted): sorted unique x, mean y, standard error of y, any repeats."""
    xs = columns[x]
    ys = columns[y]
    hues = columns[hue] if hue is not None else [None] * len(xs)
    samples: dict[Any, dict[float, list[float]]] = {}
    for x_value, y_value, hue_value in zip(xs, ys, hues, strict=True):
        x_float = _number(x, x_value)
        y_float = _number(y, y_value)
        if x_float is None or y_float is None:
            continue
        samples.setdefault(_key(hue_value), {}).setdefault(x_float, []).append(y_float)
    if not samples:
        raise QfabError(f"no rows with both {x!r} and {y!r} to plot")

    groups: dict[Any, _Group] = {}
    for key in _sorted(samples):
        by_x = samples[key]
        points = sorted(by_x)
        means = np.array([math.fsum(by_x[p]) / len(by_x[p]) for p in points])
        errors = np.array([_standard_error(by_x[p]) for p in points])
        repeated = any(len(by_x[p]) > 1 for p in points)
        groups[key] = (np.array(points, dtype=np.float64), means, errors, repeated)
    return groups


def _standard_error(values: list[float]) -> float:
    """Standard error of the mean (sample standard deviation / sqrt(n)); 0 for one value."""
    if len(values) < 2:
        return 0.0
    return float(np.std(values, ddof=1) / math.sqrt(len(values)))


def _overlay_lengths(groups: Mapping[Any, _Group], *, logx: bool) -> NDArray[np.float64]:
    """Fibre lengths (metres) at which the PLOB overlay is evaluated: the range of x."""
    points = np.concatenate([group[0] for group in groups.values()])
    low, high = float(points.min()), float(points.max())
    if logx and points[points > 0].size:
        low = float(points[points > 0].min())
        return np.geomspace(low, high, _BOUND_POINTS) if high > low else np.array([low])
    return np.linspace(low, high, _BOUND_POINTS) if high > low else np.array([low])


def _columns(table: Table) -> dict[str, list[Any]]:
    """Column name -> list of Python values, from a pyarrow Table or a mapping."""
    if isinstance(table, Mapping):
        columns = {str(name): list(values) for name, values in table.items()}
    elif hasattr(table, "column_names") and hasattr(table, "column"):
        columns = {name: table.column(name).to_pylist() for name in table.column_names}
    else:
        raise TypeError(f"table must be a pyarrow Table or a mapping of column name to "
                        f"values, got {type(table).__name__}")
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise QfabError("the columns of the results have different lengths: "
                        + ", ".join(f"{name!r}: {len(values)}" for name, values in columns.items()))
    return columns


def _number(column: str, value: Any) -> float | None:
    """``value`` as a float; ``None`` for a missing value (None or NaN)."""
    if value is None:
        return None
    if isinstance(value, str):
        raise QfabError(f"column {column!r} is not numeric (has the value {value!r})")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise QfabError(f"column {column!r} is not numeric (has the value {value!r})") from None
    return None if math.isnan(number) else number


def _key(value: Any) -> Any:
    """A hashable stand-in for a hue value (lists and dicts from nested columns)."""
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def _sorted(keys: Any) -> list[Any]:
    """Hue values in ascending order; ``None`` last; by text when they do not compare."""
    keys = list(keys)
    present = [key for key in keys if key is not None]
    try:
        ordered = sorted(present)
    except TypeError:
        ordered = sorted(present, key=str)
    return ordered + [None] * (len(present) < len(keys))


def _hue_label(hue: str, value: Any) -> str:
    """Legend entry of one hue value: ``"links[0].length = 20 km"``, ``"scheme = x"``."""
    quantity = describe(hue)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and quantity.unit:
        shown = value * quantity.scale
        text = _show(round(shown, 12) if isinstance(shown, float) else shown)
        return f"{hue} = {text} {quantity.unit}"
    return f"{hue} = {_show(value)}"


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _require(module: str) -> ModuleType:
    """Import an optional dependency, or say how to install it (a :class:`QfabError`)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".")[0]
        raise QfabError(f"plotting needs {top}, which is not installed; {_INSTALL_HINT}") from None


def read_results(path: Path) -> ArrowTable:
    """Read a results table from a Parquet file or a directory of Parquet files.

    Raises
    ------
    qfab.errors.QfabError
        The path does not exist or is not Parquet, or pyarrow is not installed.
    """
    path = Path(path)
    if not path.exists():
        raise QfabError(f"{path}: no such file or directory")
    pyarrow = _require("pyarrow")
    try:
        if path.is_dir():
            table: ArrowTable = (
                _require("pyarrow.dataset").dataset(path, format="parquet").to_table()
            )
        else:
            table = _require("pyarrow.parquet").read_table(path)
    except (pyarrow.ArrowException, OSError, ValueError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise QfabError(f"{path}: cannot read it as Parquet ({reason})") from None
    return table
