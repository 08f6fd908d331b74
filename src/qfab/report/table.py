"""Readable tables of a :class:`~qfab.engines.result.RunResult`.

The tables are built once as :class:`Grid` objects (a header and rows of text cells):
:func:`format_result` lays them out as text for ``qfab run``, and
:mod:`qfab.report.html` writes the same cells into the HTML report, so both show the same
numbers, formatted alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qfab.engines.result import ArrivalResult, RequestResult, RunResult
from qfab.spec.requests import GENERATED_NAME

__all__ = ["Grid", "circuit_grid", "format_result", "link_grid", "load_grid", "plan_lines",
           "qkd_grid",
           "qkd_notes", "request_grid", "sensing_grid", "wait_lines", "written_requests"]


@dataclass(frozen=True)
class Grid:
    """A table: its column names and its rows of text cells (``"-"`` for no value)."""

    header: list[str]
    rows: list[list[str]]


def format_result(result: RunResult) -> str:
    """Summary of a run: a header line, a links table, a requests table and a load table.

    The requests table shows the rate's 95 % interval where an engine has one, a
    ``deadline`` column (``met`` or ``MISSED``) where a request has a deadline, and a
    ``STALLED`` line with what each request waits for when the run stalled, and a ``lost
    recalls`` column where a memory on a request's path may fail to give a qubit back, and a
    line per request that waited for its path's links to come up or whose link stays down to
    the end of the run (``waited_s``, ``note``). Requests that
    ``arrivals`` generated are summarized per process in the load table instead of one row
    each (the result document keeps their rows).
    """
    events = f", {result.events:,} events" if result.events is not None else ""
    sim_time = f"{result.sim_time_s:.6g} s simulated, " if result.sim_time_s is not None else ""
    lines = [f"{result.scenario}  [engine {result.engine}, seed {result.seed}]",
             f"{sim_time}{result.wall_time_s:.3g} s wall{events}", ""]
    lines += _table(link_grid(result))
    written = written_requests(result)
    if written:
        lines += [""] + _table(request_grid(result))
        lines += plan_lines(written)
        lines += wait_lines(written)
    qkd = qkd_grid(written)
    if qkd is not None:
        lines += [""] + _table(qkd) + qkd_notes(written)
    circuits = circuit_grid(written)
    if circuits is not None:
        lines += [""] + _table(circuits)
    sensing = sensing_grid(written)
    if sensing is not None:
        lines += [""] + _table(sensing)
    from qfab.report.clock_sync_table import clock_sync_grid, clock_sync_lines

    clock_sync = clock_sync_grid(written)
    if clock_sync is not None:
        lines += [""] + _table(clock_sync) + clock_sync_lines(written)
    if result.arrivals:
        lines += [""] + _table(load_grid(result.arrivals))
        generated = len(result.requests) - len(written)
        lines.append(f"({generated} generated request{'s' if generated != 1 else ''}: one row "
                     "each in the JSON result, --json)")
    if result.stalled is not None:
        lines += ["", f"STALLED at {result.stalled.time_s:.6g} s simulated: no pending event "
                  "can bring any request another pair"]
        lines += [f"  {wait}" for wait in result.stalled.waits]
    return "\n".join(lines)


def written_requests(result: RunResult) -> list[RequestResult]:
    """The requests the scenario names itself (those of ``arrivals`` left out)."""
    return [request for request in result.requests
            if not GENERATED_NAME.match(request.name or "")]


def link_grid(result: RunResult) -> Grid:
    """One row per link: attempts, successes, success probability, rate, fidelity (and the
    buffer's figures where a link has a buffer)."""
    buffered = any(link.buffer_hit_rate for link in result.links)
    rows = [[f"{link.between[0]} - {link.between[1]}", _int(link.attempts),
             _int(link.successes), _num(link.p_success), _num(link.rate_hz),
             _num(link.fidelity, 4)]
            + ([_num(link.buffer_occupancy, 3), _num(link.buffer_hit_rate, 3)]
               if buffered else [])
            for link in result.links]
    return Grid(["link", "attempts", "successes", "p_success", "rate (Hz)", "fidelity"]
                + (["stored", "hit rate"] if buffered else []), rows)


def request_grid(result: RunResult) -> Grid:
    """One row per written request: pairs delivered, rate (and its interval), fidelity and
    its interval, latency, whether the target was met, deadline, lost recalls, and the
    figures the requests' applications add."""
    written = written_requests(result)
    figures = _figure_names(result)
    rate_ci = any(request.rate_ci95 for request in written)
    deadlines = any(request.deadline_met is not None for request in written)
    recalls = any(request.lost_recalls is not None for request in written)
    rows = []
    for request in written:
        ci = (f"[{request.fidelity_ci95[0]:.4f}, {request.fidelity_ci95[1]:.4f}]"
              if request.fidelity_ci95 else "-")
        met = {True: "yes", False: "NO", None: "-"}[request.target_met]
        rows.append([request_label(request), f"{request.delivered}/{request.requested}",
                     _num(request.rate_hz)]
                    + ([_interval(request.rate_ci95)] if rate_ci else [])
                    + [_num(request.fidelity, 4), ci, _num(request.latency_s), met]
                    + ([{True: "met", False: "MISSED", None: "-"}[request.deadline_met]]
                       if deadlines else [])
                    + ([_count(request.lost_recalls)] if recalls else [])
                    + [_num(request.extra.get(name), 4) for name in figures])
    return Grid(["request", "delivered", "rate (Hz)"] + (["rate 95% CI"] if rate_ci else [])
                + ["fidelity", "95% CI", "latency (s)", "met"]
                + (["deadline"] if deadlines else [])
                + (["lost recalls"] if recalls else []) + figures, rows)


def plan_lines(requests: Sequence[RequestResult]) -> list[str]:
    """The path (and domains, purification) of each request that crosses more than one link
    or purifies."""
    lines = []
    for request in requests:
        if request.path and len(request.path) > 2 or request.purification not in (None, "none"):
            plan = f"  path {_path(request.path or [])}"
            if request.domains and len(request.domains) > 1:
                plan += f"  (domains {' > '.join(request.domains)})"
            if request.purification not in (None, "none"):
                plan += f"  purification {request.purification} x{request.purification_rounds}"
            lines.append(f"{request.between[0]} - {request.between[1]}:{plan}")
    return lines


def wait_lines(requests: Sequence[RequestResult]) -> list[str]:
    """For each request whose path's links were down at its start: how long it waited for
    them (``waited_s``), or the ``note`` that a link stays down to the end of the run."""
    lines = []
    for request in requests:
        label = request_label(request) if request.kind in ("circuit", "sensing") \
            else f"{request.between[0]} - {request.between[1]}"
        if request.note:
            lines.append(f"{label}: NOTE {request.note}")
        elif request.waited_s:
            lines.append(f"{label}: waited {request.waited_s:.6g} s for the links of its path "
                         "to come up")
    return lines


#: Paths longer than this many nodes are shown by their first and last nodes.
_PATH_SHOWN = 12


def _path(path: Sequence[str]) -> str:
    """``a - b - c``; a long path shortened to its ends (its full list is in the JSON)."""
    if len(path) <= _PATH_SHOWN:
        return " - ".join(path)
    half = _PATH_SHOWN // 2
    return (f"{' - '.join(path[:half])} - ... - {' - '.join(path[-half:])} "
            f"({len(path):,} nodes)")


def request_label(request: RequestResult) -> str:
    """``name: a - b``, or ``a - b`` for a request without a name (a circuit on more than
    two QPUs: ``a, b, c``; a sensing request: ``a, b, c (hub h)``)."""
    qpus = request.extra.get("qpus")
    sensors = request.extra.get("sensors")
    if isinstance(sensors, list):
        ends = f"{', '.join(sensors)} (hub {request.extra.get('hub')})"
    elif isinstance(qpus, list) and len(qpus) > 2:
        ends = ", ".join(qpus)
    else:
        ends = f"{request.between[0]} - {request.between[1]}"
    return f"{request.name}: {ends}" if request.name else ends


def load_grid(arrivals: Sequence[ArrivalResult]) -> Grid:
    """One row per arrival process: offered and completed requests, pairs, latency."""
    deadlines = any(entry.deadlines_missed is not None for entry in arrivals)
    rows = [[entry.process, entry.kind, _num(entry.rate_hz), f"{entry.offered:,}",
             f"{entry.completed:,}", f"{entry.pairs_delivered:,}/{entry.pairs_requested:,}",
             _num(entry.latency_mean_s), _num(entry.latency_p95_s), _num(entry.fidelity, 4)]
            + ([_int(entry.deadlines_missed)] if deadlines else [])
            for entry in arrivals]
    return Grid(["arrivals", "process", "rate (Hz)", "offered", "completed", "pairs",
                 "latency (s)", "p95 (s)", "fidelity"]
                + (["missed"] if deadlines else []), rows)


def qkd_grid(requests: Sequence[RequestResult]) -> Grid | None:
    """The qkd requests' key figures (keys are never shown, only lengths); ``None`` without
    a qkd request."""
    qkd = [request for request in requests if request.kind == "qkd"]
    if not qkd:
        return None
    rows = []
    for request in qkd:
        extra = request.extra
        match = {True: "yes", False: "NO", None: "-"}[extra.get("keys_match")]
        final = extra.get("final_key_bits")
        rows.append([request_label(request), str(extra.get("protocol")),
                     _num(extra.get("qber"), 4), _num(extra.get("key_bits_per_pulse")),
                     _num(extra.get("key_rate_bps")), _num(extra.get("secret_fraction"), 4),
                     _num(extra.get("chsh"), 4),
                     "-" if final is None else f"{final:,.0f}", match,
                     _num(extra.get("plob_bits_per_pulse"))])
    return Grid(["qkd request", "protocol", "qber", "key bits/pulse", "key (bit/s)",
                 "secret fraction", "chsh", "final key bits", "keys match",
                 "PLOB bits/pulse"], rows)


#: Outcomes of a circuit request's counts the table shows (the result document has all).
TOP_COUNTS = 4


def circuit_grid(requests: Sequence[RequestResult]) -> Grid | None:
    """The circuit requests' figures, with the most frequent outcomes of their counts;
    ``None`` without a circuit request."""
    circuits = [request for request in requests if request.kind == "circuit"]
    if not circuits:
        return None
    rows = []
    for request in circuits:
        extra = request.extra
        counts = extra.get("counts")
        if counts is None:
            top = "-"
        else:
            ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            top = " ".join(f"{outcome}:{count}" for outcome, count in ranked[:TOP_COUNTS])
            if len(ranked) > TOP_COUNTS:
                top += f" (+{len(ranked) - TOP_COUNTS} more)"
        rows.append([request_label(request), str(extra.get("circuit")),
                     str(extra.get("scheme")), str(extra.get("ebits")),
                     _num(extra.get("makespan_s")), _num(extra.get("pair_age_mean_s")),
                     _num(extra.get("error_free_probability"), 4),
                     str(extra.get("expect") or "-"),
                     _num(extra.get("success_probability"), 4), top])
    return Grid(["circuit request", "circuit", "scheme", "ebits", "makespan (s)",
                 "pair age (s)", "error-free", "expect", "success", "top counts"], rows)


def sensing_grid(requests: Sequence[RequestResult]) -> Grid | None:
    """The sensing requests' figures: GHZ fidelity, parity visibility, phase uncertainty
    beside the standard quantum and Heisenberg limits, gain, and the sampled parity mean
    with its standard error beside the expected one; ``None`` without a sensing request."""
    sensing = [request for request in requests if request.kind == "sensing"]
    if not sensing:
        return None
    rows = []
    for request in sensing:
        extra = request.extra
        mean, se = extra.get("parity_mean"), extra.get("parity_mean_se")
        sampled = "-" if mean is None else f"{mean:.4f}" + ("" if se is None else
                                                          f" +- {se:.2g}")
        rows.append([request_label(request), str(len(extra.get("sensors") or [])),
                     "sensor" if extra.get("hub_is_sensor") else "measured out",
                     f"{extra.get('shots_completed', 0):,}/{extra.get('shots', 0):,}",
                     _num(extra.get("ghz_fidelity"), 4), _num(extra.get("parity_visibility"), 4),
                     _num(extra.get("phase_uncertainty")), _num(extra.get("sql_uncertainty")),
                     _num(extra.get("heisenberg_uncertainty")), _num(extra.get("gain_db"), 3),
                     sampled, _num(extra.get("parity_expected"), 4)])
    return Grid(["sensing request", "N", "hub", "shots", "GHZ fidelity", "visibility",
                 "dphi (rad)", "SQL (rad)", "HL (rad)", "gain (dB)", "parity mean",
                 "expected"], rows)


def qkd_notes(requests: Sequence[RequestResult]) -> list[str]:
    """Why a qkd request aborted, and where a relayed key was exposed."""
    lines = []
    for request in requests:
        if request.kind != "qkd":
            continue
        reason = request.extra.get("abort_reason")
        if reason:
            lines.append(f"{request_label(request)}: aborted: {reason}")
        exposed = request.extra.get("exposed_at")
        if exposed:
            spent = request.extra.get("final_key_bits")
            lines.append(f"{request_label(request)}: key relayed through trusted nodes "
                         f"{', '.join(exposed)} (exposed there); each link spent "
                         f"{'-' if spent is None else f'{spent:,.0f}'} bits")
    return lines


def _figure_names(result: RunResult) -> list[str]:
    """Numeric fields that requests' applications added (their intervals left out), in the
    order they first appear."""
    names: dict[str, None] = {}
    for request in result.requests:
        if request.kind in ("qkd", "circuit", "sensing", "clock_sync"):
            continue  # their own blocks (qkd_grid, circuit_grid, sensing_grid, clock_sync_grid)
        for name, value in request.extra.items():
            if not name.endswith("_ci95") and (value is None or isinstance(value, float)):
                names.setdefault(name)
    return list(names)


def _table(grid: Grid) -> list[str]:
    header, rows = grid.header, grid.rows
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    def line(cells: Sequence[str]) -> str:
        first, *rest = cells
        return "  ".join([first.ljust(widths[0])] +
                         [cell.rjust(width) for cell, width in zip(rest, widths[1:])])
    return [line(header), "  ".join("-" * width for width in widths)] + [line(r) for r in rows]


def _interval(interval: tuple[float, float] | None, digits: int = 4) -> str:
    return "-" if interval is None else f"[{interval[0]:.{digits}g}, {interval[1]:.{digits}g}]"


def _num(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}g}"


def _int(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _count(value: float | None) -> str:
    """A count (``1,234``), or an expected one with a fraction (``869.0``)."""
    if value is None:
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
