"""What a trace tells: a summary, one request's story, one pair's lineage, as text or data.

Each function reads the trace's records as it needs them (at most twice), so a trace larger
than memory can be summarized; only the records of the story asked for are kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from qfab.errors import QfabError
from qfab.tracing.reader import Trace

__all__ = ["format_records", "format_summary", "pair_story", "request_entry", "request_story",
           "request_title", "summary"]

#: Kinds of the records about a request as a whole (no pair).
_REQUEST_KINDS = frozenset({"start", "wait", "turn", "preempt", "finish"})


def summary(trace: Trace) -> dict[str, Any]:
    """Counts of a trace: events per kind and per node, each request's outcome, the end.

    Returns
    -------
    dict
        ``scenario``, ``engine``, ``seed``, ``events``, ``first_s``/``last_s`` (times of the
        first and last records), ``kinds`` and ``nodes`` (event counts; an event at a node
        counts there, one about a pair without a node at both its ends), ``requests`` (per
        request: ``between``, ``pairs``, ``delivered``, ``mean_fidelity``, ``discarded``,
        ``started_s``, ``finished_s``), ``stall`` and ``end`` (their records, or ``None``).
    """
    kinds: Counter[str] = Counter()
    nodes: Counter[str] = Counter()
    requests: dict[int, dict[str, Any]] = {int(request["request"]): {
        "request": int(request["request"]), "between": request.get("between"),
        "pairs": request.get("pairs"), "delivered": 0, "mean_fidelity": None, "discarded": 0,
        "started_s": None, "finished_s": None} for request in trace.requests}
    fidelity_sums: Counter[int] = Counter()
    first = last = None
    stall = end = None
    events = 0
    for record in trace.records():
        events += 1
        kind = record["kind"]
        kinds[kind] += 1
        first = record["t_s"] if first is None else first
        last = record["t_s"]
        if "node" in record:
            nodes[record["node"]] += 1
        elif "pair" in record or kind == "herald":
            nodes.update(record.get("ends", ()))
        index = record.get("request")
        if index is not None and index not in requests:  # a request made during the run
            requests[index] = {"request": index, "between": None, "pairs": None,
                               "delivered": 0, "mean_fidelity": None, "discarded": 0,
                               "started_s": None, "finished_s": None}
        request = requests.get(index) if index is not None else None
        if request is not None:
            if kind == "deliver":
                request["delivered"] += 1
                fidelity_sums[request["request"]] += record["fidelity"]
            elif kind == "discard":
                request["discarded"] += 1
            elif kind == "start":
                request["started_s"] = record["t_s"]
                request["between"] = request["between"] or record.get("ends")
            elif kind == "finish":
                request["finished_s"] = record["t_s"]
        if kind == "stall":
            stall = record
        elif kind == "end":
            end = record
    for index, request in requests.items():
        if request["delivered"]:
            request["mean_fidelity"] = fidelity_sums[index] / request["delivered"]
    header = trace.header
    return {"scenario": header.get("scenario"), "engine": header.get("engine"),
            "seed": header.get("seed"), "events": events, "first_s": first, "last_s": last,
            "kinds": dict(kinds.most_common()), "nodes": dict(sorted(nodes.items())),
            "requests": [requests[index] for index in sorted(requests)], "stall": stall, "end": end}


def request_story(trace: Trace, request: int) -> list[dict[str, Any]]:
    """The records of one request, in time order: its start, turns and finish, the pairs
    charged to it or used for it (heralds, swaps, purifications, reservations, deliveries,
    discards), and the run's stall and end.

    Raises
    ------
    QfabError
        If the trace has no such request.
    """
    request_entry(trace, request)
    used: set[int] = set()
    for record in trace.records():
        if record.get("request") == request:
            used.update(record.get("inputs", ()))
            if "pair" in record:
                used.add(record["pair"])
    return [record for record in trace.records()
            if record.get("request") == request or record.get("pair") in used
            or record["kind"] in ("stall", "end", "limit")]


def pair_story(trace: Trace, pair: int) -> list[dict[str, Any]]:
    """The records of one pair's lineage, in time order: how it was made (the heralds,
    swaps and purifications of every pair it came from) and what became of it (the swaps or
    purifications it went into, on to the delivery or discard of the last of them).

    Raises
    ------
    QfabError
        If no record names that pair.
    """
    parents: dict[int, list[int]] = {}
    child: dict[int, int] = {}
    for record in trace.records():
        inputs = record.get("inputs", ())
        made = record.get("pair")
        if made is not None and inputs:
            parents[made] = list(inputs)
        for used in inputs:
            if made is not None:
                child[used] = made
            else:
                child.setdefault(used, -1)  # consumed by a failed operation
        if made is not None:
            parents.setdefault(made, [])
    if pair not in parents and pair not in child:
        raise QfabError(f"--pair {pair}: no record of that pair in {trace.path} (pairs are "
                        "numbered from 1 in the order they are made)")
    lineage = {pair}
    stack = [pair]
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in lineage:
                lineage.add(parent)
                stack.append(parent)
    later = child.get(pair)
    while later is not None and later > 0 and later not in lineage:
        lineage.add(later)
        later = child.get(later)
    return [record for record in trace.records()
            if record.get("pair") in lineage or lineage.intersection(record.get("inputs", ()))]


def request_entry(trace: Trace, request: int) -> dict[str, Any]:
    """What the trace says of a request: its header entry (``request``, ``kind``,
    ``between``, ``path``, ``pairs``), or, for a request made during the run, what its
    ``start`` record says (``request``, ``between``).

    Raises
    ------
    QfabError
        If the trace has no such request.
    """
    for entry in trace.requests:
        if int(entry["request"]) == request:
            return dict(entry)
    for record in trace.records():
        if record.get("request") == request:
            return {"request": request, "between": record.get("ends")
                    if record["kind"] == "start" else None}
    known = [int(entry["request"]) for entry in trace.requests]
    have = (f"requests {', '.join(map(str, known))}" if known else "no requests (it "
            "characterizes its links)")
    raise QfabError(f"--request {request}: {trace.path} has {have}")


# -- text ------------------------------------------------------------------------------------


def format_summary(trace: Trace, counts: dict[str, Any]) -> str:
    """The summary (:func:`summary`) as text."""
    lines = [_title(trace), f"{counts['events']:,} events"
             + (f", {counts['first_s']:.6g} s to {counts['last_s']:.6g} s"
                if counts["events"] else ""), ""]
    lines += _table(["event", "count"], [[kind, f"{count:,}"]
                                         for kind, count in counts["kinds"].items()])
    if counts["nodes"]:
        lines += [""] + _table(["node", "events"], [[node, f"{count:,}"]
                                                    for node, count in counts["nodes"].items()])
    if counts["requests"]:
        rows = [[f"requests[{r['request']}]", " - ".join(r["between"] or ()),
                 f"{r['delivered']}/{'-' if r['pairs'] is None else r['pairs']}",
                 _fixed(r["mean_fidelity"]), str(r["discarded"]), _time(r["started_s"]),
                 _time(r["finished_s"])]
                for r in counts["requests"]]
        lines += [""] + _table(["request", "between", "delivered", "fidelity", "discarded",
                                "started (s)", "finished (s)"], rows, align_left=(0, 1))
    lines.append("")
    if counts["stall"] is not None:
        lines.append(f"STALLED at {counts['stall']['t_s']:.6g} s: {counts['stall']['reason']}")
    end = counts["end"]
    lines.append(f"run ended at {end['t_s']:.6g} s: {end['reason']}"
                 + (f" ({end['dropped']:,} events not recorded: --trace-limit)"
                    if end.get("dropped") else "")
                 if end is not None else "no end record: the trace is incomplete")
    return "\n".join(lines)


def format_records(trace: Trace, records: Sequence[dict[str, Any]], title: str) -> str:
    """Records as a readable table, one line each, under ``title``."""
    lines = [title, _title(trace), ""]
    lines += _table(["time (s)", "event", "where", "what"],
                    [[f"{record['t_s']:.9f}", record["kind"], _where(record), _what(record)]
                     for record in records], align_left=(1, 2, 3))
    return "\n".join(lines)


def request_title(entry: dict[str, Any]) -> str:
    """One line naming a request (:func:`request_entry`): its ends, pairs and path."""
    path = entry.get("path") or []
    name = f" ({entry['name']})" if entry.get("name") else ""
    return (f"requests[{entry['request']}]{name}: {entry.get('kind', 'request')} "
            f"{' - '.join(entry.get('between') or ())}"
            + (f", {entry['pairs']} pairs" if entry.get("pairs") is not None else "")
            + (f", path {' - '.join(path)}" if len(path) > 2 else ""))


def _title(trace: Trace) -> str:
    header = trace.header
    return (f"trace of {header.get('scenario')!r} [engine {header.get('engine')}, "
            f"seed {header.get('seed')}] in {trace.path}")


def _where(record: dict[str, Any]) -> str:
    if "node" in record:
        return str(record["node"])
    if record["kind"] in _REQUEST_KINDS or "ends" not in record:
        return ""
    return "-".join(record["ends"])


def _pairs(ids: Iterable[int]) -> str:
    return " + ".join(f"#{pair}" for pair in ids)


def _what(record: dict[str, Any]) -> str:
    kind = record["kind"]
    request = record.get("request")
    for_request = f" for requests[{request}]" if request is not None else ""
    if kind == "herald":
        made = f"#{record['pair']}" if "pair" in record else "a pair (not stored)"
        fidelity = f", F {record['fidelity']:.4f}" if "fidelity" in record else ""
        return (f"{made} on link {record['link']} channel {record['channel']}{fidelity}"
                f"{for_request}")
    if kind in ("swap", "purify"):
        inputs = _pairs(record.get("inputs", ()))
        chance = f" (p {record['p_success']:.4g})" if "p_success" in record else ""
        if not record.get("success"):
            return f"{inputs} failed{chance}{for_request}"
        level = f" level {record['level']}" if "level" in record else ""
        return (f"{inputs} -> #{record['pair']} {'-'.join(record['ends'])}{level}, "
                f"F {record['fidelity']:.4f}{chance}{for_request}")
    if kind == "reserve":
        return f"#{record['pair']}{for_request}, handed over at {record['until_ps'] / 1e12:.9f} s"
    if kind == "deliver":
        return (f"#{record['pair']} to requests[{request}] (pair {record['delivered']}), "
                f"F {record['fidelity']:.4f}")
    if kind == "discard":
        return f"#{record['pair']} ({record['reason']}){for_request}"
    if kind == "start":
        return f"requests[{request}] {' - '.join(record.get('ends', ()))} started"
    if kind == "wait":
        return (f"requests[{request}] waits for its turn behind "
                + ", ".join(f"requests[{other}]" for other in record.get("rivals", ())))
    if kind == "turn":
        return f"requests[{request}]'s turn: its links owe it pairs"
    if kind == "preempt":
        return (f"requests[{request}] preempted by "
                + ", ".join(f"requests[{other}]" for other in record.get("rivals", ())))
    if kind == "finish":
        return f"requests[{request}] done: {record['delivered']} pairs"
    if kind == "limit":
        return f"recording stopped after {record['limit']:,} events (--trace-limit)"
    if kind == "stall":
        return f"STALLED: {record['reason']}"
    if kind == "end":
        dropped = f" ({record['dropped']:,} events not recorded)" if "dropped" in record else ""
        return f"run ended: {record['reason']}{dropped}"
    return ", ".join(f"{key} {value}" for key, value in record.items()
                     if key not in ("t_ps", "t_s", "kind"))


def _fixed(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def _time(value: float | None) -> str:
    return "-" if value is None else f"{value:.6g}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]],
           align_left: Sequence[int] = (0,)) -> list[str]:
    """Columns padded to their widest cell; numbers right-aligned, text left-aligned."""
    widths = [max([len(header[i])] + [len(row[i]) for row in rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(cell.ljust(width) if i in align_left else cell.rjust(width)
                         for i, (cell, width) in enumerate(zip(cells, widths))).rstrip()

    return [line(header), line(["-" * width for width in widths])] + [line(row) for row in rows]
