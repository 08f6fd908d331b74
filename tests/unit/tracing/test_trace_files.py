"""Trace files: JSON lines and Parquet hold the same records, the destination is checked
before the run, nothing is left behind on an error, and the file gets the usual mode."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from qfab.engines.des import DesEngine
from qfab.errors import EngineError, QfabError
from qfab.loading import parse_scenario
from qfab.protocols.trace import TraceRecorder
from qfab.tracing.files import check_trace_target, open_trace_file
from qfab.tracing.reader import read_trace

SCENARIO = {
    "qfab": 1, "duration": "1 s", "seed": 3,
    "topology": {"kind": "chain", "nodes": 4, "spacing": "2 km",
                 "node": {"memory": {"qubits": 2, "t2": "50 ms"}},
                 "link": {"kind": "depolarizing", "fidelity": 0.95,
                          "success_probability": 0.05, "cycle_time": "10 us"}},
    "policy": {"cutoff": "2 ms"},
    "requests": [{"kind": "entanglement", "between": ["n0", "n3"], "pairs": 20}],
}


def _write(path: Path, **options: Any) -> TraceRecorder:
    """Run the scenario into ``path`` and into memory; return the one in memory."""
    spec = parse_scenario(SCENARIO)
    memory = TraceRecorder()
    DesEngine().run(spec, seed=3, trace=memory, **options)
    with open_trace_file(path) as trace:
        DesEngine().run(spec, seed=3, trace=trace, **options)
        trace.commit()
    return memory


@pytest.mark.parametrize("name", ["trace.jsonl", "trace.parquet", "trace.log"])
def test_a_file_holds_what_the_run_recorded(tmp_path: Path, name: str) -> None:
    memory = _write(tmp_path / name)
    trace = read_trace(tmp_path / name)
    assert trace.parquet == name.endswith(".parquet")
    assert trace.header == memory.header
    assert list(trace.records()) == memory.records
    assert {record["kind"] for record in memory.records} >= {"herald", "swap", "discard",
                                                            "deliver", "end"}
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left


def test_a_parquet_trace_has_one_column_per_field(tmp_path: Path) -> None:
    import pyarrow.parquet

    from qfab.protocols.trace import FIELDS

    _write(tmp_path / "t.parquet")
    table = pyarrow.parquet.read_table(tmp_path / "t.parquet")
    assert table.column_names == list(FIELDS)
    assert table.schema.field("inputs").type == pyarrow.list_(pyarrow.int64())


def test_the_file_has_the_usual_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        _write(tmp_path / "t.jsonl")
    finally:
        os.umask(old)
    assert (tmp_path / "t.jsonl").stat().st_mode & 0o777 == 0o640


def test_an_existing_file_is_replaced_and_missing_folders_made(tmp_path: Path) -> None:
    (tmp_path / "old.jsonl").write_text("not a trace\n")
    _write(tmp_path / "old.jsonl")
    assert read_trace(tmp_path / "old.jsonl").header["seed"] == 3
    _write(tmp_path / "new" / "deeper" / "t.jsonl")
    assert read_trace(tmp_path / "new" / "deeper" / "t.jsonl").header["seed"] == 3


def test_a_failed_run_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "t.jsonl"
    with pytest.raises(EngineError), open_trace_file(target) as trace:
        trace.begin({"trace": "qfab", "version": 1})
        trace.write({"t_ps": 0, "t_s": 0.0, "kind": "start"})
        raise EngineError("the run failed")
    assert list(tmp_path.iterdir()) == []
    with open_trace_file(tmp_path / "u.jsonl"):
        pass  # never committed
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.mkdir(), "is a directory"),
    (lambda p: os.mkfifo(p), "exists and is not a regular file"),
    (lambda p: (p.parent / "f").write_text("x"), "is not a directory"),
])
def test_bad_destinations_are_refused_before_the_run(tmp_path: Path, make: Any,
                                                     message: str) -> None:
    target = tmp_path / "t.jsonl"
    make(target)
    path = tmp_path / "f" / "t.jsonl" if message == "is not a directory" else target
    with pytest.raises(QfabError, match=message):
        check_trace_target(path)


def test_an_unwritable_destination_is_refused(tmp_path: Path) -> None:
    with pytest.raises(QfabError, match="--trace: cannot write"):
        check_trace_target(Path("/proc/qfab-test/t.jsonl"))
        with open_trace_file(Path("/proc/qfab-test/t.jsonl")):
            pass


def test_parquet_without_pyarrow_is_refused(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path / "t.parquet")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(QfabError, match=r"needs pyarrow \(pip install 'qfab\[parquet\]'\)"):
        check_trace_target(tmp_path / "new.parquet")
    with pytest.raises(QfabError, match="needs pyarrow"):
        read_trace(tmp_path / "t.parquet")
    check_trace_target(tmp_path / "new.jsonl")  # JSON lines need nothing


@pytest.mark.parametrize(("content", "message"), [
    (b"", "not a qfab trace"),
    (b'{"trace": "other"}\n', "not a qfab trace"),
    (b"qfab: 1\n", "not a qfab trace"),
    (b"\xff\xfe\x00garbage\n", "not a qfab trace"),
    (b'{"trace": "qfab", "version": 99}\n', "newer than this qfab reads"),
    (b"PAR1 but no more", "not a readable Parquet file"),
])
def test_a_file_that_is_not_a_trace_is_one_clean_error(tmp_path: Path, content: bytes,
                                                       message: str) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(content)
    with pytest.raises(QfabError, match=message):
        read_trace(path)


def test_a_damaged_record_names_its_line(tmp_path: Path) -> None:
    _write(tmp_path / "t.jsonl")
    lines = (tmp_path / "t.jsonl").read_text().splitlines()
    lines[3] = lines[3][:10]
    (tmp_path / "t.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(QfabError, match=r"t.jsonl: line 4: not a trace record"):
        list(read_trace(tmp_path / "t.jsonl").records())


def test_missing_files_and_folders(tmp_path: Path) -> None:
    with pytest.raises(QfabError, match="no such file"):
        read_trace(tmp_path / "nope.jsonl")
    with pytest.raises(QfabError, match="is a directory"):
        read_trace(tmp_path)
