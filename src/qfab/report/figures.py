"""The figures of a run's report: rate and fidelity per request, the key rates, the topology.

Each figure is drawn with matplotlib's non-interactive Agg canvas (never
:mod:`matplotlib.pyplot` and its global state) and returned as a :class:`Figure`: a file
name, a title, a caption for a newcomer and the PNG bytes, which
:mod:`qfab.report.html` inlines into the page and :mod:`qfab.report.folder` writes beside
it. matplotlib is optional (``pip install 'qfab[plot]'``) and imported only here, inside
the functions; its absence is a :class:`~qfab.errors.QfabError`.

Nodes of the topology picture are coloured by their ``tier`` (:data:`TIER_COLOURS`), with a
legend; links are drawn in a line style per kind and labelled with their kind and length
when there are few enough of them to read (:data:`LABELLED_LINKS`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from qfab.engines.result import RequestResult, RunResult
from qfab.errors import QfabError
from qfab.report.table import request_label, written_requests

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure

    from qfab.spec.models import ScenarioSpec

__all__ = ["LABELLED_LINKS", "NO_TIER", "SHOWN_REQUESTS", "TIER_COLOURS", "TIER_NAMES", "Figure",
           "canvas", "length_text", "png", "report_figures", "tier_colour", "topology_figure"]

#: Colour of each tier's nodes in the topology picture (colour-blind-safe hues).
TIER_COLOURS = {"nodal": "#8e44ad", "cluster": "#0072b2", "campus": "#009e73",
                "wan": "#d55e00"}

#: What each tier is, for the legend.
TIER_NAMES = {"nodal": "nodal (inside one cryostat)", "cluster": "cluster (racks)",
              "campus": "campus / metro", "wan": "wan (between cities)"}

#: Legend entry and colour of nodes without a tier.
NO_TIER = ("no tier", "#9e9e9e")

#: Colours for tiers not in :data:`TIER_COLOURS` (a kind a plugin adds), in order.
_OTHER_COLOURS = ("#cc79a7", "#e69f00", "#56b4e9", "#f0e442", "#000000")

#: Links are labelled with kind and length up to this many links (more would overlap).
LABELLED_LINKS = 16

#: Node names are written up to this many nodes.
_NAMED_NODES = 40

#: At most this many requests get a bar in the per-request plots (the tables list all).
SHOWN_REQUESTS = 40

_LineStyle = Literal["-", "--", "-.", ":"]

#: Line styles of link kinds, in the order the kinds first appear.
_LINE_STYLES: tuple[_LineStyle, ...] = ("-", "--", "-.", ":")

_DPI = 110


@dataclass(frozen=True)
class Figure:
    """One figure of a report.

    Attributes
    ----------
    name
        File name of the PNG (``rate.png``).
    title
        Heading shown above the figure.
    caption
        What the figure shows, in a sentence or two.
    png
        The PNG image.
    """

    name: str
    title: str
    caption: str
    png: bytes


def report_figures(spec: ScenarioSpec, result: RunResult) -> list[Figure]:
    """The figures of a report: rate, fidelity and key rate per request where the run has
    such figures, then the topology.

    Raises
    ------
    qfab.errors.QfabError
        matplotlib is not installed.
    """
    requests = written_requests(result)[:SHOWN_REQUESTS]
    figures = []
    # a clock-sync request delivers offset estimates, not pairs: its figure is its TDEV
    rated = [request for request in requests if request.kind not in ("qkd", "clock_sync")]
    if rated:
        figures.append(_rate_figure(rated))
    if any(request.fidelity is not None for request in rated):
        figures.append(_fidelity_figure(rated))
    keyed = [request for request in requests if request.kind == "qkd"]
    if keyed:
        figures.append(_key_rate_figure(keyed))
    figures += _tdev_figures(requests)
    figures.append(topology_figure(spec))
    return figures


def _tdev_figures(requests: Sequence[RequestResult]) -> list[Figure]:
    """One TDEV figure per clock-sync request with a TDEV (a satellite pass has none)."""
    from qfab.report.tdev_plot import tdev_figure

    out = []
    timed = [request for request in requests
             if request.kind == "clock_sync" and request.extra.get("tdev")]
    for number, request in enumerate(timed):
        label = request_label(request)
        out.append(Figure(
            name="tdev.png" if len(timed) == 1 else f"tdev-{number + 1}.png",
            title=f"Time deviation: {label}",
            caption="How well the clocks' offset is known after averaging tau seconds of "
                    "coincidences (TDEV, log-log): the run's points, the closed form, the "
                    "target and the classical baselines (White Rabbit, GNSS).",
            png=_png(tdev_figure(request, title=label))))
    return out


def tier_colour(tier: str | None, others: Sequence[str] = ()) -> str:
    """The colour of a tier's nodes; ``others`` lists the tiers :data:`TIER_COLOURS` does not
    know, in the order they get the spare colours."""
    if tier is None:
        return NO_TIER[1]
    if tier in TIER_COLOURS:
        return TIER_COLOURS[tier]
    index = list(others).index(tier) if tier in others else 0
    return _OTHER_COLOURS[index % len(_OTHER_COLOURS)]


def length_text(metres: float) -> str:
    """A length in the unit a reader expects: ``5 cm``, ``2 m``, ``10 km``."""
    if metres >= 1e3:
        return f"{metres / 1e3:.4g} km"
    if metres >= 1.0 or metres == 0:
        return f"{metres:.4g} m"
    if metres >= 1e-2:
        return f"{metres * 1e2:.4g} cm"
    return f"{metres * 1e3:.4g} mm"


def _canvas(width: float, height: float) -> MplFigure:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure as MplFigure
    except ImportError:
        raise QfabError("the report's figures need matplotlib; install it with: "
                        "pip install 'qfab[plot]'") from None
    figure = MplFigure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure: MplFigure) -> bytes:
    stream = io.BytesIO()
    figure.savefig(stream, format="png", dpi=_DPI, metadata={"Software": None})
    return stream.getvalue()


def canvas(width: float, height: float) -> MplFigure:
    """A new matplotlib figure of ``width`` by ``height`` inches on an Agg canvas (no
    :mod:`matplotlib.pyplot`), constrained layout.

    Raises
    ------
    qfab.errors.QfabError
        matplotlib is not installed.
    """
    return _canvas(width, height)


def png(figure: MplFigure) -> bytes:
    """The PNG bytes of ``figure`` at the report's resolution (no software metadata, so
    equal figures give equal bytes)."""
    return _png(figure)


def _bar_height(count: int) -> float:
    return min(1.2 + 0.42 * count, 14.0)


def _labels(axes: Axes, requests: Sequence[RequestResult]) -> None:
    positions = list(range(len(requests)))
    axes.set_yticks(positions, [request_label(request) for request in requests])
    axes.set_ylim(len(requests) - 0.5, -0.5)  # the first request on top, as in the table


def _rate_figure(requests: Sequence[RequestResult]) -> Figure:
    figure = _canvas(7.5, _bar_height(len(requests)))
    axes = figure.add_subplot()
    rates = [request.rate_hz or 0.0 for request in requests]
    positive = [rate for rate in rates if rate > 0]
    axes.barh(range(len(requests)), rates, color="#0072b2", height=0.6)
    for index, request in enumerate(requests):
        if request.rate_ci95 is not None and request.rate_hz:
            low, high = request.rate_ci95
            axes.errorbar([request.rate_hz], [index],
                          xerr=[[request.rate_hz - max(low, 0.0)], [high - request.rate_hz]],
                          color="black", capsize=4, linewidth=1)
        if request.delivered == 0:
            text = "nothing delivered"
        elif request.rate_hz is None:
            text = "no rate (see the table)"  # e.g. every pair at once, from a buffer
        else:
            text = f" {request.rate_hz:.4g} Hz"
        end = max(request.rate_hz or 0.0, request.rate_ci95[1] if request.rate_ci95 else 0.0)
        axes.annotate(text, (end, index),
                      xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    if positive and max(positive) / min(positive) > 100:
        axes.set_xscale("log")
        axes.set_xlim(min(positive) / 3, max(positive) * 20)
    elif positive:
        axes.set_xlim(0, max(positive) * 1.35)
    _labels(axes, requests)
    axes.set_xlabel("delivered pairs per second (Hz)")
    axes.set_title("Rate per request")
    axes.grid(axis="x", alpha=0.3)
    return Figure("rate.png", "Rate per request",
                  "Entangled pairs delivered per second to each request, over the time it was "
                  "active (black bars: the 95 % interval, where the engine has one).",
                  _png(figure))


def _fidelity_figure(requests: Sequence[RequestResult]) -> Figure:
    figure = _canvas(7.5, _bar_height(len(requests)))
    axes = figure.add_subplot()
    lowest = 0.5
    target_shown = False
    for index, request in enumerate(requests):
        if request.fidelity is None:
            axes.annotate("no pairs", (0.5, index), xytext=(4, 0), textcoords="offset points",
                          va="center", fontsize=8, color="#555555")
            continue
        error = None
        if request.fidelity_ci95 is not None:
            low, high = request.fidelity_ci95
            error = [[request.fidelity - low], [high - request.fidelity]]
            lowest = min(lowest, low)
        axes.errorbar([request.fidelity], [index], xerr=error, fmt="o", color="#009e73",
                      capsize=4, markersize=7)
        lowest = min(lowest, request.fidelity)
        axes.annotate(f"{request.fidelity:.4f}", (request.fidelity, index), xytext=(0, 9),
                      textcoords="offset points", ha="center", fontsize=8)
        if request.min_fidelity is not None:
            axes.plot([request.min_fidelity], [index], marker="|", markersize=18,
                      color="#d55e00", markeredgewidth=2, linestyle="",
                      label=None if target_shown else "target (min_fidelity)")
            target_shown = True
            lowest = min(lowest, request.min_fidelity)
    axes.axvline(0.5, color="#777777", linestyle=":", linewidth=1)
    axes.annotate("entangled above 0.5", (0.5, 1.0), xycoords=("data", "axes fraction"),
                  xytext=(3, -3), textcoords="offset points", va="top", fontsize=7,
                  color="#555555")
    axes.set_xlim(max(0.0, lowest - 0.05), 1.005)
    _labels(axes, requests)
    axes.set_xlabel("fidelity of the delivered pairs to the target Bell state")
    axes.set_title("Fidelity per request")
    axes.grid(axis="x", alpha=0.3)
    if target_shown:
        figure.legend(loc="outside right upper", fontsize=8, frameon=False)
    return Figure("fidelity.png", "Fidelity per request",
                  "Mean fidelity of each request's delivered pairs (1 is a perfect Bell pair, "
                  "above 0.5 the pair is entangled), with its 95 % interval; an orange mark "
                  "is the request's min_fidelity target.", _png(figure))


def _key_rate_figure(requests: Sequence[RequestResult]) -> Figure:
    figure = _canvas(7.5, _bar_height(len(requests)))
    axes = figure.add_subplot()
    rates = [float(request.extra.get("key_rate_bps") or 0.0) for request in requests]
    axes.barh(range(len(requests)), rates, color="#cc79a7", height=0.6)
    for index, rate in enumerate(rates):
        axes.annotate(f" {rate:.4g} bit/s" if rate > 0 else "no key", (rate, index),
                      xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    if any(rates):
        axes.set_xlim(0, max(rates) * 1.35)
    else:
        axes.set_xlim(0, 1)  # no key at all: a rate axis from 0, not around it
    _labels(axes, requests)
    axes.set_xlabel("secret key rate (bit/s)")
    axes.set_title("Secret key rate per qkd request")
    axes.grid(axis="x", alpha=0.3)
    return Figure("key_rate.png", "Secret key rate per qkd request",
                  "Secret key bits per second each qkd request distils (after sifting, error "
                  "correction and privacy amplification); the keys themselves never appear "
                  "in a report.", _png(figure))


def _path_order(nodes: list[str], edges: list[tuple[str, str]]) -> list[str] | None:
    """The nodes in order along the network when it is one path (a chain), else ``None``."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    if len(nodes) < 2 or not nx.is_connected(graph) or not nx.is_tree(graph) \
            or max(degree for _, degree in graph.degree()) > 2:
        return None
    start = next(node for node in nodes if graph.degree(node) == 1)
    return [str(node) for node in nx.dfs_preorder_nodes(graph, start)]


def _layout(nodes: list[str], edges: list[tuple[str, str]],
            tiers: Sequence[str | None] = ()) -> dict[str, tuple[float, float]]:
    """Node positions: a column for a chain; a band per tier, left to right, for a network
    of several tiers (:func:`_tier_layout`); else Kamada-Kawai (spring for large or split
    networks)."""

    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    chain = _path_order(nodes, edges)
    if chain is not None:
        return {node: (0.0, -float(index)) for index, node in enumerate(chain)}
    if len(set(tiers)) > 1 and len(nodes) <= 300:
        return _tier_layout(nodes, edges, tiers)
    return _free_layout(nodes, edges)


def _free_layout(nodes: list[str],
                 edges: list[tuple[str, str]]) -> dict[str, tuple[float, float]]:
    """Kamada-Kawai for a connected network of up to 300 nodes, else a spring layout."""
    import networkx as nx

    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    if len(nodes) <= 300 and nx.is_connected(graph):
        positions: dict[str, Any] = nx.kamada_kawai_layout(graph)
    else:
        positions = nx.spring_layout(graph, seed=0)
    return {node: (float(x), float(y)) for node, (x, y) in positions.items()}


def _tier_layout(nodes: list[str], edges: list[tuple[str, str]],
                 tiers: Sequence[str | None]) -> dict[str, tuple[float, float]]:
    """A band per tier, in the order nodal, cluster, campus, wan (then other tiers, then
    nodes without one), each laid out on its own (:func:`_free_layout` of the links inside
    it) and scaled into a unit square; the bands sit side by side, so links between tiers
    (through the gateways) cross from one band to the next."""
    tier_of = dict(zip(nodes, tiers, strict=True))
    order: list[str | None] = [tier for tier in TIER_COLOURS if tier in tier_of.values()]
    order += [tier for tier in dict.fromkeys(tiers) if tier not in order and tier is not None]
    order += [None] if None in tier_of.values() else []
    positions: dict[str, tuple[float, float]] = {}
    for band, tier in enumerate(order):
        members = [node for node in nodes if tier_of[node] == tier]
        inside = [(a, b) for a, b in edges if tier_of[a] == tier and tier_of[b] == tier]
        local = _free_layout(members, inside)
        xs = [x for x, _ in local.values()]
        ys = [y for _, y in local.values()]
        width, height = max(xs) - min(xs), max(ys) - min(ys)
        for node, (x, y) in local.items():
            positions[node] = (1.6 * band + ((x - min(xs)) / width if width else 0.5),
                               (y - min(ys)) / height if height else 0.5)
    return positions


def topology_figure(spec: ScenarioSpec) -> Figure:
    """The network: nodes coloured by tier (legend), links styled by kind and labelled with
    kind and length when few enough to read.

    A chain is drawn as a column (names on the right, link labels on the left); a network
    of several tiers as one band per tier, left to right; any other network with a
    Kamada-Kawai layout.

    Raises
    ------
    qfab.errors.QfabError
        matplotlib is not installed.
    """
    nodes = list(spec.nodes)
    links = [(str(link.between[0]), str(link.between[1]), str(getattr(link, "kind", "link")),
              float(link.length)) for link in spec.links]
    edges = [(a, b) for a, b, _, _ in links]
    positions = _layout(nodes, edges, [spec.nodes[node].tier for node in nodes])
    column = len(nodes) > 1 and all(x == 0.0 for x, _ in positions.values())
    big = len(nodes) > _NAMED_NODES
    if column:
        figure = _canvas(7.5, min(max(2.5, 0.55 * len(nodes) + 1.0), 16.0))
    else:
        bands = len({spec.nodes[node].tier for node in nodes})
        figure = _canvas(max(9.0, 3.4 * bands + 2.0) if bands > 1 else 9.0,
                         8.0 if big else 6.0)
    axes = figure.add_subplot()
    kinds = list(dict.fromkeys(kind for _, _, kind, _ in links))
    styles = {kind: _LINE_STYLES[index % len(_LINE_STYLES)] for index, kind in enumerate(kinds)}
    labelled = len(links) <= LABELLED_LINKS
    for a, b, kind, length in links:
        (xa, ya), (xb, yb) = positions[a], positions[b]
        axes.plot([xa, xb], [ya, yb], color="#666666", linestyle=styles[kind],
                  linewidth=1.4 if not big else 0.6, zorder=1)
        if labelled:
            # a satellite's downlinks have no fiber: its length (0) says nothing
            shown = "free space" if kind == "satellite" else length_text(length)
            label = f"{kind}, {shown}" if column else f"{kind}\n{shown}"
            axes.annotate(label, ((xa + xb) / 2, (ya + yb) / 2),
                          xytext=(-14, 0) if column else (0, 0), textcoords="offset points",
                          ha="right" if column else "center", va="center", fontsize=7,
                          color="#333333", zorder=3,
                          bbox={"boxstyle": "round,pad=0.2", "facecolor": "white",
                                "edgecolor": "none", "alpha": 0.8})
    tiers = [spec.nodes[node].tier for node in nodes]
    others = [tier for tier in dict.fromkeys(tiers) if tier is not None
              and tier not in TIER_COLOURS]
    colours = [tier_colour(tier, others) for tier in tiers]
    axes.scatter([positions[node][0] for node in nodes], [positions[node][1] for node in nodes],
                 c=colours, s=260 if not big else 30, edgecolors="white", linewidths=1.5,
                 zorder=2)
    if not big:
        for node in nodes:
            axes.annotate(node, positions[node], xytext=(12, 0) if column else (0, 12),
                          textcoords="offset points", ha="left" if column else "center",
                          va="center" if column else "bottom", fontsize=8, zorder=4)
    _legends(figure, [tier for tier in TIER_COLOURS if tier in tiers] + others
             + ([None] if None in tiers else []), others, kinds, styles)
    _pad(axes, positions, column=column)
    axes.set_axis_off()
    axes.set_title("Topology, nodes coloured by tier")
    caption = (f"{len(nodes)} nodes and {len(links)} links; each node's colour is its tier "
               "(legend)")
    caption += (", each link is labelled with its kind and length." if labelled else
                f"; links are not labelled (more than {LABELLED_LINKS}: the links table "
                "lists them), their line style is their kind.")
    return Figure("topology.png", "Topology", caption, _png(figure))


def _legends(figure: MplFigure, tiers: Sequence[str | None], others: Sequence[str],
             kinds: Sequence[str], styles: dict[str, _LineStyle]) -> None:
    """The tier legend (a coloured dot per tier) and the link-kind legend, right of the
    picture."""
    from matplotlib.lines import Line2D

    tier_handles = [Line2D([], [], marker="o", linestyle="", markersize=10,
                           markerfacecolor=tier_colour(tier, others), markeredgecolor="white",
                           label=NO_TIER[0] if tier is None else TIER_NAMES.get(tier, tier))
                    for tier in tiers]
    figure.legend(handles=tier_handles, title="tier", loc="outside right upper", fontsize=8,
                  title_fontsize=9, frameon=False)
    kind_handles = [Line2D([], [], color="#666666", linestyle=styles[kind], label=kind)
                    for kind in kinds]
    figure.legend(handles=kind_handles, title="link kind", loc="outside right lower",
                  fontsize=8, title_fontsize=9, frameon=False)


def _pad(axes: Axes, positions: dict[str, tuple[float, float]], *, column: bool) -> None:
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    if column:  # room for the link labels left and the names right of the column
        axes.set_xlim(-1.0, 1.0)
        axes.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
        return
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    margin = 0.12 * span
    axes.set_xlim(min(xs) - margin, max(xs) + margin)
    axes.set_ylim(min(ys) - margin, max(ys) + margin)
