"""The TDEV plot of a clock-sync request: its time deviation against the averaging time.

:func:`plot_tdev` draws, on log-log axes, the row's ``tdev`` (measured points for engine
des, the closed form for engine analytic), the closed-form curve ``tdev_expected``, the
request's target, the classical baselines of the row (``baselines``) and, when given,
published points: the request's ``reference`` (``{label, points}``, carried in the row) or
the ``reference`` argument. It writes a PNG and an SVG. ``qfab plot RESULT.json --tdev``
draws every clock-sync row of a result document (``qfab run --json``).

matplotlib is optional and imported only when a figure is drawn; no pyplot global state
is used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qfab.errors import QfabError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["clock_sync_rows", "plot_tdev", "tdev_figure"]

#: Seconds to picoseconds (the plot's unit of TDEV).
_PS = 1e12


def _as_mapping(row: Any) -> Mapping[str, Any]:
    """A clock-sync row as a mapping: a result document's entry, or a RequestResult."""
    if isinstance(row, Mapping):
        return row
    extra = getattr(row, "extra", None)
    if isinstance(extra, Mapping):
        return {"kind": getattr(row, "kind", None), "name": getattr(row, "name", None),
                "between": list(getattr(row, "between", ())), **extra}
    raise QfabError(f"not a clock_sync result row: {row!r}")


def clock_sync_rows(document: Mapping[str, Any] | Path | str) -> list[Mapping[str, Any]]:
    """The clock-sync rows of a result document (a mapping or a JSON file's path)."""
    if not isinstance(document, Mapping):
        try:
            document = json.loads(Path(document).read_text(encoding="utf-8"))
        except OSError as error:
            raise QfabError(f"cannot read {document}: {error.strerror or error}") from None
        except ValueError as error:
            raise QfabError(f"{document}: not a JSON result document ({error})") from None
    if not isinstance(document, Mapping) or not isinstance(document.get("requests"), list):
        raise QfabError("not a qfab result document (no 'requests' list); write one with "
                        "qfab run --json")
    return [row for row in document["requests"]
            if isinstance(row, Mapping) and row.get("kind") == "clock_sync"]


def tdev_figure(row: Any, *, reference: Sequence[Sequence[float]] | None = None,
                reference_label: str | None = None, title: str | None = None) -> Figure:
    """The TDEV figure of one clock-sync row (see the module docstring).

    Parameters
    ----------
    row
        A clock-sync row: an entry of a result document's ``requests`` or a
        :class:`~qfab.engines.result.RequestResult`.
    reference, reference_label
        Published ``[[tau_s, tdev_s], ...]`` to draw, instead of the row's ``reference``.
    title
        Figure title (default: the request's ends).
    """
    from qfab.report.plots import _require

    _require("matplotlib")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    data = _as_mapping(row)
    tdev = data.get("tdev")
    if not tdev:
        raise QfabError("the row has no tdev (not a clock_sync result row)")
    figure = Figure(figsize=(6.4, 4.6), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    taus = [float(point[0]) for point in tdev]
    measured = data.get("adev") is not None  # des rows carry the measured ADEV
    errors = data.get("tdev_se")
    if measured and errors:
        # one standard error from the degrees of freedom (few at the longest taus)
        axes.errorbar(taus, [float(point[1]) * _PS for point in tdev],
                      yerr=[float(point[1]) * _PS for point in errors], marker="o",
                      markersize=4, linestyle="none", capsize=2, elinewidth=0.8,
                      label="simulated (des), 1 standard error")
    else:
        axes.plot(taus, [float(point[1]) * _PS for point in tdev],
                  marker="o" if measured else None, markersize=4,
                  linestyle="none" if measured else "-",
                  label="simulated (des)" if measured else "closed form (analytic)")
    expected = data.get("tdev_expected")
    if measured and expected:
        axes.plot([float(p[0]) for p in expected], [float(p[1]) * _PS for p in expected],
                  linestyle="--", color="black", linewidth=1.0, label="closed form")
    if reference is None and data.get("reference"):
        reference = data["reference"]["points"]
        reference_label = reference_label or data["reference"]["label"]
    if reference:
        axes.plot([float(p[0]) for p in reference], [float(p[1]) * _PS for p in reference],
                  marker="*", markersize=11, linestyle="none", color="tab:red",
                  label=reference_label or "published")
    target = data.get("target_s")
    if target:
        axes.axhline(float(target) * _PS, color="tab:green", linestyle="-.", linewidth=1.0,
                     label=f"target {float(target) * _PS:g} ps")
    for baseline in data.get("baselines") or []:
        axes.axhline(float(baseline["tdev_s"]) * _PS, color="grey", linestyle=":",
                     linewidth=1.0)
        axes.annotate(f"{baseline['name']} ~{float(baseline['tdev_s']) * _PS:g} ps",
                      (min(taus), float(baseline["tdev_s"]) * _PS), fontsize="x-small",
                      color="grey", va="bottom")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("averaging time tau (s)")
    axes.set_ylabel("time deviation TDEV (ps)")
    if title is None:
        between = data.get("between") or ["?", "?"]
        title = f"clock sync {between[0]} - {between[1]}"
    if title:
        axes.set_title(title)
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(fontsize="small")
    return figure


def plot_tdev(row: Any, out: Path | str, *, reference: Sequence[Sequence[float]] | None = None,
              reference_label: str | None = None, title: str | None = None) -> list[Path]:
    """Write the TDEV figure of ``row`` to ``out`` + ``.png`` and ``.svg``; the paths.

    Parameters are those of :func:`tdev_figure`; ``out`` is the path without suffix.
    """
    figure = tdev_figure(row, reference=reference, reference_label=reference_label,
                         title=title)
    base = Path(out)
    if base.suffix in (".png", ".svg"):
        base = base.with_suffix("")
    base.parent.mkdir(parents=True, exist_ok=True)
    paths = [base.with_suffix(".png"), base.with_suffix(".svg")]
    for path in paths:
        figure.savefig(path, dpi=150)
    return paths
