"""The ``qfab trace`` command: read an event trace written by ``qfab run FILE --trace PATH``.

``qfab trace PATH`` prints a summary (events per kind and per node, the requests, how the run
ended); ``--request ID`` prints one request's story in time order, ``--pair ID`` one pair's
lineage; ``--json`` prints the same as one JSON document. A missing file, a file that is not
a trace, or an unknown request or pair is one clean error (exit status 2).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

__all__ = ["add_trace_command"]

_EPILOG = """\
The trace records the event simulation (engine des): write one with
  qfab run FILE --trace trace.jsonl        (JSON lines; .parquet for Parquet)
Pairs are numbered #1, #2, ... in the order they are made; a swap or purification makes a new
pair from the ones it consumes, so --pair follows a pair from its heralds to its delivery.
Fields of each event kind: docs/trace.md.
"""


def add_trace_command(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``trace`` to the subcommands of the ``qfab`` parser."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "trace", help="read an event trace (qfab run FILE --trace PATH): summary, a "
                      "request's story, a pair's lineage",
        description="Read an event trace written by 'qfab run FILE --trace PATH'. Without "
                    "--request or --pair: a summary (events per kind and per node, the "
                    "requests, how the run ended).",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, help="trace file (.jsonl or .parquet)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--request", type=_request_id, metavar="ID",
                       help="one request's story in time order (ID: 0 or requests[0])")
    which.add_argument("--pair", type=_pair_id, metavar="ID",
                       help="one pair's lineage: how it was made and what became of it")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(handler=_trace)
    return parser


def _request_id(text: str) -> int:
    match = re.fullmatch(r"\s*(?:requests\[)?(\d+)\]?\s*", text)
    if match is None:
        raise argparse.ArgumentTypeError(f"not a request index: {text!r} (e.g. 0 or "
                                         "requests[0])")
    return int(match[1])


def _pair_id(text: str) -> int:
    match = re.fullmatch(r"\s*#?(\d+)\s*", text)
    if match is None or int(match[1]) < 1:
        raise argparse.ArgumentTypeError(f"not a pair number: {text!r} (e.g. 12 or #12)")
    return int(match[1])


def _trace(args: argparse.Namespace) -> int:
    from qfab.tracing.reader import read_trace
    from qfab.tracing.story import (
        format_records,
        format_summary,
        pair_story,
        request_entry,
        request_story,
        request_title,
        summary,
    )

    trace = read_trace(args.path)
    document: dict[str, Any]
    if args.request is not None:
        entry = request_entry(trace, args.request)
        records = request_story(trace, args.request)
        document = {"trace": trace.header, "request": entry, "events": records}
        text = (format_records(trace, records, request_title(entry))
                + "\n\n" + _request_outcome(records, args.request, entry))
    elif args.pair is not None:
        records = pair_story(trace, args.pair)
        document = {"trace": trace.header, "pair": args.pair, "events": records}
        text = format_records(trace, records, f"pair #{args.pair}: its lineage")
    else:
        counts = summary(trace)
        document = {"trace": trace.header, **counts}
        text = format_summary(trace, counts)
    print(json.dumps(document, indent=2) if args.json else text)
    return 0


def _request_outcome(records: list[dict[str, Any]], request: int, entry: dict[str, Any]) -> str:
    """One line: how many pairs the request got, their fidelity, how it ended."""
    fidelities = [record["fidelity"] for record in records
                  if record["kind"] == "deliver" and record.get("request") == request]
    discarded = sum(record["kind"] == "discard" and record.get("request") == request
                    for record in records)
    asked = f"/{entry['pairs']}" if entry.get("pairs") is not None else ""
    line = f"requests[{request}]: {len(fidelities)}{asked} pairs delivered"
    if fidelities:
        line += f", mean fidelity {sum(fidelities) / len(fidelities):.4f}"
    line += f", {discarded} discarded"
    finish = next((record for record in records if record["kind"] == "finish"
                   and record.get("request") == request), None)
    stall = next((record for record in records if record["kind"] == "stall"), None)
    end = next((record for record in records if record["kind"] == "end"), None)
    if finish is not None:
        return line + f"; finished at {finish['t_s']:.9g} s"
    if stall is not None:
        return line + f"; STALLED at {stall['t_s']:.9g} s: {stall['reason']}"
    if end is not None:
        return line + f"; not finished when the run ended ({end['reason']}, {end['t_s']:.9g} s)"
    return line + "; the trace ends before the run did"
