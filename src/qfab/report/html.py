"""The HTML page of a run's report: one self-contained file that opens offline.

:func:`report_page` writes the scenario's name, a paragraph on what the page shows, the
summary tables (requests, qkd key figures, arrival load, links: the cells of
:mod:`qfab.report.table`, as ``qfab run`` prints them), the link budgets (the stages of
:mod:`qfab.report.budget`, as ``qfab budget`` prints them) and the figures of
:mod:`qfab.report.figures`, inlined as base64 ``data:`` URIs. The style sheet is inline,
there is no script, no external font and no link to fetch: the page needs nothing but itself.
Every text from the scenario or the result is escaped.
"""

from __future__ import annotations

import base64
import math
from collections import Counter
from collections.abc import Sequence
from html import escape

from qfab import __version__
from qfab.engines.result import RunResult
from qfab.physics.decibel import loss_db
from qfab.report.budget import LinkBudget
from qfab.report.clock_sync_table import clock_sync_grid, clock_sync_lines
from qfab.report.figures import (
    NO_TIER,
    TIER_COLOURS,
    TIER_NAMES,
    Figure,
    length_text,
    tier_colour,
)
from qfab.report.passes import pass_grid
from qfab.report.table import (
    Grid,
    link_grid,
    load_grid,
    plan_lines,
    qkd_grid,
    qkd_notes,
    request_grid,
    sensing_grid,
    wait_lines,
    written_requests,
)
from qfab.spec.models import ScenarioSpec

__all__ = ["GENERATOR", "report_page"]

#: The page's ``<meta name="generator">``: how a previous report is recognised.
GENERATOR = "qfab report"

#: What each engine is, for the "what you see" paragraph.
_ENGINES = {
    "analytic": "the analytic engine (closed forms: expected rates and fidelities, no "
                "sampling, so no confidence intervals)",
    "fast": "the fast engine (vectorized Monte Carlo: many independent runs of each request; "
            "intervals are 95 % over those runs)",
    "des": "the event simulation (one run in simulated time in which every attempt, herald, "
           "swap and delivery is an event; intervals are 95 % over the delivered pairs)",
}

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: #1f2328; background: #ffffff; margin: 0; line-height: 1.45; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.7em; margin: 0.2em 0 0.1em; }
h2 { font-size: 1.25em; margin: 1.8em 0 0.5em; padding-bottom: 0.2em;
     border-bottom: 1px solid #d0d7de; }
h3 { font-size: 1.02em; margin: 1.2em 0 0.3em; }
p.meta { color: #57606a; margin: 0 0 1em; }
p.what { background: #f6f8fa; border-left: 4px solid #0072b2; padding: 12px 16px; }
table { border-collapse: collapse; margin: 0.4em 0 0.8em; font-size: 0.9em; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e4e7eb; white-space: nowrap; }
th { background: #f6f8fa; text-align: left; font-weight: 600; white-space: normal;
     vertical-align: bottom; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.no { color: #b42318; font-weight: 600; }
tr.total td { font-weight: 600; border-top: 2px solid #d0d7de; }
div.scroll { overflow-x: auto; }
ul.notes { color: #57606a; font-size: 0.9em; }
p.stalled { background: #fff4e5; border-left: 4px solid #d55e00; padding: 8px 14px; }
figure { margin: 1em 0 2em; }
figure img { max-width: 100%; height: auto; border: 1px solid #e4e7eb; }
figcaption { color: #57606a; font-size: 0.9em; margin-top: 0.3em; }
span.swatch { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 50%;
              margin-right: 0.3em; vertical-align: -0.05em; }
div.budgets { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr));
              column-gap: 28px; }
section.budget p { font-size: 0.85em; color: #57606a; margin-top: 0; }
footer { color: #8c959f; font-size: 0.8em; margin-top: 3em; }
"""


def report_page(spec: ScenarioSpec, result: RunResult, budgets: Sequence[LinkBudget],
                figures: Sequence[Figure], *, source: str | None = None) -> str:
    """The report's HTML page.

    Parameters
    ----------
    spec
        The scenario that ran.
    result
        Its result document.
    budgets
        The link budgets of ``spec`` (:func:`qfab.report.budget.link_budgets`).
    figures
        The figures to inline (:func:`qfab.report.figures.report_figures`).
    source
        The scenario file's name, shown in the footer.

    Returns
    -------
    str
        The page, one self-contained HTML document.
    """
    written = written_requests(result)
    parts = [f"<h1>{_text(result.scenario)}</h1>", f'<p class="meta">{_text(_meta(result))}</p>',
             f'<p class="what">{_text(_what_you_see(spec, result, figures))}</p>',
             "<h2>Requests</h2>"]
    if written:
        parts.append(_grid(request_grid(result), "requests"))
        parts += _notes(plan_lines(written))
        parts += _notes(wait_lines(written), "waits")
    else:
        parts.append("<p>The scenario names no request of its own"
                     + (": its requests come from arrival processes, summarized per process "
                        "below.</p>" if result.arrivals else ".</p>"))
    qkd = qkd_grid(written)
    if qkd is not None:
        parts += ["<h3>Secret keys (qkd requests)</h3>",
                  "<p>Key figures only: the keys themselves never appear in a report.</p>",
                  _grid(qkd, "qkd")]
        parts += _notes(qkd_notes(written))
    sensing = sensing_grid(written)
    if sensing is not None:
        parts += ["<h3>Distributed sensing (GHZ states fused at a hub)</h3>",
                  _grid(sensing, "sensing")]
    clocks = clock_sync_grid(written)
    if clocks is not None:
        parts += ["<h3>Clock synchronization (two-way time transfer with photon pairs)</h3>",
                  _grid(clocks, "clock-sync")]
        parts += _notes(clock_sync_lines(written), "clock-sync-notes")
    if result.arrivals:
        generated = len(result.requests) - len(written)
        parts += ["<h3>Load (arrival processes)</h3>", _grid(load_grid(result.arrivals), "load"),
                  f"<p>{generated:,} requests generated by the arrival processes (one row each "
                  "in the result document, result.json).</p>"]
    if result.stalled is not None:
        waits = "".join(f"<li>{_text(wait)}</li>" for wait in result.stalled.waits)
        parts.append(f'<p class="stalled">STALLED at {result.stalled.time_s:.6g} s simulated: '
                     "no pending event can bring any request another pair.</p>"
                     + (f'<ul class="notes">{waits}</ul>' if waits else ""))
    request_figures = [figure for figure in figures
                       if figure.name != "topology.png" and not _is_pass(figure)]
    if request_figures:
        parts.append("<h2>Per request</h2>")
        parts += [_figure(figure) for figure in request_figures]
    parts.append("<h2>Network</h2>")
    parts += [_figure(figure) for figure in figures if figure.name == "topology.png"]
    parts += [_tier_key(spec), "<h3>Links during the run</h3>", _grid(link_grid(result), "links")]
    parts += _passes(spec, budgets, [figure for figure in figures if _is_pass(figure)])
    parts += ["<h2>Link budgets</h2>",
              "<p>For each link, the stages a photon meets in order, each with the share of "
              "photons it lets through (efficiency, and as a loss in dB) and the noise it adds; "
              "then what the link achieves: its success probability per attempt, pair rate and "
              "fidelity, and the PLOB bound, the most any repeaterless link over its fiber "
              "could give (the same figures as <code>qfab budget</code>).</p>",
              _budget_summary(budgets),
              '<div class="budgets">' + "\n".join(_budget(budget) for budget in budgets)
              + "</div>"]
    footer = f"qfab {__version__}" + (f", scenario file {source}" if source else "")
    parts.append(f"<footer>Written by {_text(footer)}. The figures are also in this folder "
                 "as PNG files and the result document as result.json.</footer>")
    body = "\n".join(parts)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<meta name=\"generator\" content=\"{GENERATOR}\">\n"
            f"<title>{_text(result.scenario)} - qfab report</title>\n"
            f"<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n"
            "</body>\n</html>\n")


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _meta(result: RunResult) -> str:
    parts = [f"engine {result.engine}", f"seed {result.seed}"]
    if result.sim_time_s is not None:
        parts.append(f"{result.sim_time_s:.6g} s simulated")
    parts.append(f"{result.wall_time_s:.3g} s wall")
    if result.events is not None:
        parts.append(f"{result.events:,} events")
    return ", ".join(parts)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _what_you_see(spec: ScenarioSpec, result: RunResult, figures: Sequence[Figure]) -> str:
    """The paragraph for a newcomer: what ran, and what each part of the page shows."""
    tiers = Counter(node.tier for node in spec.nodes.values())
    named = [f"{count} {tier}" for tier, count in tiers.items() if tier is not None]
    if tiers.get(None):
        named.append(f"{tiers[None]} without a tier")
    tier_text = f" ({', '.join(named)})" if named else ""
    engine = _ENGINES.get(result.engine, f"the {result.engine} engine")
    kinds = {request.kind for request in result.requests}
    asks = []
    if kinds - {"qkd"}:
        asks.append("Each request for entanglement asks for entangled pairs between two nodes; "
                    "the links make pairs between neighbouring nodes and the nodes along the "
                    "request's path join them by entanglement swapping. The first table says "
                    "what each request got: how many pairs came, at what rate, and their "
                    "fidelity (1 is a perfect Bell pair; above 0.5 a pair is entangled), and "
                    "whether the request met its target.")
    if "qkd" in kinds:
        asks.append("Each qkd request distils a secret key between two nodes from the photons "
                    "its links carry (across several links, the key is passed on by trusted "
                    "relays); its table gives the error rate (qber), the key rate and the "
                    "final key's length, never the key.")
    shown = {figure.name for figure in figures}
    plots = [name for name, file in (("the rate", "rate.png"), ("the fidelity", "fidelity.png"),
                                     ("the secret key rate", "key_rate.png")) if file in shown]
    plot_text = f"The plots show {' and '.join(plots)} of each request. " if plots else ""
    passes = any(_is_pass(figure) for figure in figures)
    pass_text = ("The satellite passes part shows when each satellite link is up (its "
                 "satellite above both ground stations), the loss of its two downlinks and "
                 "the pairs expected per second along each pass. ") if passes else ""
    return (f"This page reports one run of the scenario \u201c{result.scenario}\u201d: "
            f"{_plural(len(spec.nodes), 'node')}{tier_text}, {_plural(len(spec.links), 'link')} "
            f"and {_plural(len(result.requests), 'request')}, computed by {engine}, seed "
            f"{result.seed}. {' '.join(asks)} {plot_text}The network picture draws the nodes "
            "coloured by their tier: nodal "
            "(qubits inside one cryostat), cluster (racks of modules), campus / metro (sites "
            "across a city) and wan (between cities); the links table under it gives each "
            f"link's attempts, successes and pair rate during the run. {pass_text}Last, the "
            "link budgets "
            "show where each link loses its photons and picks up noise, stage by stage.")


def _cell_class(cell: str) -> str:
    if cell in ("NO", "MISSED"):
        return ' class="no"'
    stripped = cell.replace(",", "").replace("/", "").replace("[", "").replace("]", "")
    stripped = stripped.replace(" ", "").replace("e+", "").replace("e-", "").replace(".", "")
    return ' class="num"' if stripped.lstrip("-").isdigit() or cell == "-" else ""


def _grid(grid: Grid, name: str) -> str:
    head = "".join(f"<th>{_text(cell)}</th>" for cell in grid.header)
    rows = "".join("<tr>" + "".join(f"<td{_cell_class(cell)}>{_text(cell)}</td>" for cell in row)
                   + "</tr>\n" for row in grid.rows)
    return (f'<div class="scroll"><table class="{name}">\n<thead><tr>{head}</tr></thead>\n'
            f"<tbody>\n{rows}</tbody></table></div>")


def _notes(lines: Sequence[str], name: str = "notes") -> list[str]:
    if not lines:
        return []
    items = "".join(f"<li>{_text(line.strip())}</li>" for line in lines)
    return [f'<ul class="{"notes" if name == "notes" else f"notes {name}"}">{items}</ul>']


def _is_pass(figure: Figure) -> bool:
    return figure.name.startswith("pass_")


def _passes(spec: ScenarioSpec, budgets: Sequence[LinkBudget],
            figures: Sequence[Figure]) -> list[str]:
    """The section on the links with a schedule (satellite passes): what each gives over
    the run (:func:`qfab.report.passes.pass_grid`) and its pass figure."""
    grid = pass_grid(spec, budgets)
    if grid is None and not figures:
        return []
    parts = ["<h2>Satellite passes</h2>",
             "<p>A satellite link is up only while its satellite is above the elevation cut "
             "at both ground stations at once: a pass lasts minutes, and the loss of the "
             "downlinks, hence the pair rate, changes along it. The table gives what each "
             "such link is expected to give over the run (as the analytic engine and "
             "<code>qfab budget</code> count it: every channel attempting from the start); "
             "the figures show each pass against time. A request over such a link waits "
             "for it to come up (its wait is listed under the requests table).</p>"]
    if grid is not None:
        parts.append(_grid(grid, "passes"))
    parts += [_figure(figure) for figure in figures]
    return parts


def _num(value: float | None, form: str) -> str:
    return "-" if value is None else format(value, form)


def _db(value: float) -> str:
    return f"{value:.2f}" if math.isfinite(value) else "inf"


def _budget(budget: LinkBudget) -> str:
    """One link's budget table, the stages of :func:`qfab.report.budget.format_budgets`."""
    a, b = budget.between
    channels = "no pairs (a plain quantum channel)" if budget.model is None \
        else f"{budget.model.channels} channel(s)"
    heading = f"{a} - {b}: {budget.kind}, {length_text(budget.length)}, {channels}"
    rows = [[stage.name, f"{stage.efficiency:.4g}", _db(stage.loss_db), f"{stage.noise:.4g}"]
            for stage in budget.stages]
    body = "".join("<tr>" + "".join(f"<td{_cell_class(cell)}>{_text(cell)}</td>"
                                     for cell in row) + "</tr>\n" for row in rows)
    total = [f"{budget.efficiency:.4g}", _db(float(loss_db(budget.efficiency)))]
    body += ('<tr class="total"><td>total</td>'
             + "".join(f'<td class="num">{_text(cell)}</td>' for cell in total) + "<td></td></tr>")
    plob = (f"{budget.plob_bits_per_use:.4g} bits/use" if math.isfinite(budget.plob_bits_per_use)
            else "unbounded (lossless fiber)")
    if budget.model is None:
        summary = f"PLOB {plob}"
    else:
        summary = (("over the run's passes: " if budget.run_figures else "")
                   + f"p_success {_num(budget.p_success, '.4g')}, rate "
                   f"{_num(budget.rate_hz, '.4g')} Hz, fidelity {_num(budget.fidelity, '.4f')}, "
                   f"PLOB {plob}")
    return (f'<section class="budget"><h3>{_text(heading)}</h3>\n'
            '<div class="scroll"><table class="budget">\n<thead><tr><th>stage</th>'
            "<th>efficiency</th><th>loss dB</th><th>noise</th></tr></thead>\n"
            f"<tbody>\n{body}</tbody></table></div>\n<p>{_text(summary)}</p></section>")


def _budget_summary(budgets: Sequence[LinkBudget]) -> str:
    """One row per link: its kind, length, total efficiency and loss, and what it achieves."""
    rows = []
    for budget in budgets:
        plob = (f"{budget.plob_bits_per_use:.4g}" if math.isfinite(budget.plob_bits_per_use)
                else "unbounded")
        rows.append([f"{budget.between[0]} - {budget.between[1]}", budget.kind,
                     length_text(budget.length), f"{budget.efficiency:.4g}",
                     _db(float(loss_db(budget.efficiency))),
                     _num(budget.p_success, ".4g"), _num(budget.rate_hz, ".4g"),
                     _num(budget.fidelity, ".4f"), plob])
    return _grid(Grid(["link", "kind", "length", "efficiency", "loss dB", "p_success",
                       "rate (Hz)", "fidelity", "PLOB bits/use"], rows), "budget-summary")


def _figure(figure: Figure) -> str:
    data = base64.b64encode(figure.png).decode("ascii")
    return (f"<figure>\n<h3>{_text(figure.title)}</h3>\n"
            f'<img src="data:image/png;base64,{data}" alt="{_text(figure.title)}">\n'
            f"<figcaption>{_text(figure.caption)} (file {_text(figure.name)})</figcaption>\n"
            "</figure>")


def _tier_key(spec: ScenarioSpec) -> str:
    """The tiers of the scenario's nodes, each with its colour and its nodes."""
    by_tier: dict[str | None, list[str]] = {}
    for name, node in spec.nodes.items():
        by_tier.setdefault(node.tier, []).append(name)
    others = [tier for tier in by_tier if tier is not None and tier not in TIER_COLOURS]
    rows = []
    for tier, names in by_tier.items():
        label = NO_TIER[0] if tier is None else TIER_NAMES.get(tier, tier)
        shown = ", ".join(names[:12]) + (f", ... ({len(names):,} nodes)" if len(names) > 12
                                         else "")
        rows.append(f'<tr><td><span class="swatch" style="background:'
                    f'{tier_colour(tier, others)}"></span>{_text(label)}</td>'
                    f"<td>{_text(shown)}</td></tr>")
    return ('<h3>Tiers</h3>\n<div class="scroll"><table class="tiers">\n'
            "<thead><tr><th>tier</th><th>nodes</th></tr></thead>\n"
            f"<tbody>\n{''.join(rows)}\n</tbody></table></div>")
