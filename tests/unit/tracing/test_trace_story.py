"""What ``qfab trace`` tells of a hand-written trace: a request the header does not list (one
made during the run) is still summarized and told, and a pair's lineage stops at its fate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qfab.tracing.reader import read_trace
from qfab.tracing.story import pair_story, request_entry, request_story, summary


def _record(t_ps: int, kind: str, **fields: Any) -> dict[str, Any]:
    return {"t_ps": t_ps, "t_s": t_ps / 1e12, "kind": kind, **fields}


RECORDS = [
    _record(0, "start", request=5, ends=["a", "c"]),
    _record(1, "herald", ends=["a", "b"], link=0, channel=0, emitted_ps=0, pair=1,
            fidelity=0.9, request=5),
    _record(2, "herald", ends=["b", "c"], link=1, channel=0, emitted_ps=1, pair=2,
            fidelity=0.9),  # a buffered pair, charged to nobody
    _record(3, "herald", ends=["b", "c"], link=1, channel=1, emitted_ps=2, pair=3,
            fidelity=0.9, request=6),  # another request's
    _record(4, "swap", node="b", inputs=[1, 2], request=5, success=True, pair=4,
            ends=["a", "c"], fidelity=0.8),
    _record(5, "deliver", ends=["a", "c"], pair=4, request=5, fidelity=0.79, delivered=1),
    _record(6, "discard", ends=["b", "c"], pair=3, reason="cutoff", request=6),
    _record(7, "end", reason="duration"),
]


def _trace(tmp_path: Path) -> Path:
    path = tmp_path / "t.jsonl"
    header = {"trace": "qfab", "version": 1, "scenario": "hand", "requests": []}
    path.write_text("\n".join(json.dumps(line) for line in [header, *RECORDS]) + "\n")
    return path


def test_a_request_made_during_the_run(tmp_path: Path) -> None:
    trace = read_trace(_trace(tmp_path))
    assert request_entry(trace, 5) == {"request": 5, "between": ["a", "c"]}
    story = request_story(trace, 5)
    # its own records, the buffered pair its swap used, and the end; not request 6's pair
    assert [record["t_ps"] for record in story] == [0, 1, 2, 4, 5, 7]
    counts = summary(trace)
    assert [(r["request"], r["delivered"], r["discarded"]) for r in counts["requests"]] == \
        [(5, 1, 0), (6, 0, 1)]
    assert counts["requests"][0]["mean_fidelity"] == 0.79
    assert counts["nodes"] == {"a": 2, "b": 5, "c": 4}  # request records count nowhere


def test_a_pairs_lineage(tmp_path: Path) -> None:
    trace = read_trace(_trace(tmp_path))
    assert [record["t_ps"] for record in pair_story(trace, 2)] == [2, 4, 5]
    assert [record["t_ps"] for record in pair_story(trace, 4)] == [1, 2, 4, 5]
    assert [record["t_ps"] for record in pair_story(trace, 3)] == [3, 6]
