"""The results store: one atomically written part file per task, done ids, reading back."""

from __future__ import annotations

from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")

from qfab.experiments.store import ResultStore, StoreError, done_ids, read_table  # noqa: E402


def _row(identity: str, length: float, rate: float | None) -> dict[str, object]:
    return {"strong_id": identity, "engine": "des", "seed": 1, "links[0].length": length,
            "wall_time_s": 0.1, "sim_time_s": 1.0, "events": 10, "r0_delivered": 3,
            "r0_rate_hz": rate, "r0_fidelity": 0.9}


def test_rows_append_as_part_files_and_read_back_sorted(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "results.parquet")
    assert store.done_ids() == set()
    store.write(_row("b2", 2000.0, 5.0))
    store.write(_row("a1", 1000, None))  # an int and a null where another file has floats
    assert sorted(p.name for p in store.path.iterdir()) == ["part-a1.parquet", "part-b2.parquet"]
    assert done_ids(store.path) == {"a1", "b2"}
    table = read_table(store.path)
    assert table.column("links[0].length").to_pylist() == [1000.0, 2000.0]
    assert table.column("r0_rate_hz").to_pylist() == [None, 5.0]
    assert pa.types.is_floating(table.schema.field("r0_rate_hz").type)


def test_a_rewritten_task_replaces_its_file(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "results.parquet")
    store.write(_row("a1", 1000.0, 1.0))
    store.write(_row("a1", 1000.0, 2.0))
    assert read_table(store.path).column("r0_rate_hz").to_pylist() == [2.0]


def test_temporary_files_of_an_interrupted_write_are_ignored(tmp_path: Path) -> None:
    """A write killed before its rename leaves a hidden temporary file, which is not a result."""
    store = ResultStore(tmp_path / "results.parquet")
    store.write(_row("a1", 1000.0, 1.0))
    (store.path / ".part-b2.parquet.x1y2.tmp").write_bytes(b"PAR1 truncated")
    assert store.done_ids() == {"a1"}
    assert read_table(store.path).num_rows == 1


def test_columns_whose_types_clash_are_read_as_text(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "results.parquet")
    store.write({"strong_id": "a", "engine": "des", "seed": 1, "policy.cutoff": 0.1})
    store.write({"strong_id": "b", "engine": "des", "seed": 1, "policy.cutoff": "none"})
    assert sorted(read_table(store.path).column("policy.cutoff").to_pylist()) == ["0.1", "none"]


def test_an_empty_store_reads_as_an_empty_table(tmp_path: Path) -> None:
    (tmp_path / "results.parquet").mkdir()
    assert read_table(tmp_path / "results.parquet").num_rows == 0


def test_a_file_in_the_way_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "results.parquet"
    path.write_text("not a directory")
    with pytest.raises(StoreError, match="not a results directory"):
        ResultStore(path).write(_row("a1", 1.0, 1.0))
    with pytest.raises(StoreError, match="no such results directory"):
        read_table(tmp_path / "missing")


def test_a_single_parquet_file_reads_too(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist([_row("a1", 1.0, 1.0)]), tmp_path / "one.parquet")
    assert read_table(tmp_path / "one.parquet").num_rows == 1


def test_part_files_agree_on_types_so_any_parquet_reader_reads_the_directory(
        tmp_path: Path) -> None:
    """A run that delivered nothing stores typed nulls, not columns of type null."""
    import pyarrow.dataset as ds

    store = ResultStore(tmp_path / "results.parquet")
    store.write(_row("a1", 1000.0, None))
    store.write(_row("b2", 2000.0, 5.0))
    table = ds.dataset(store.path, format="parquet").to_table()
    assert sorted(table.column("r0_rate_hz").to_pylist(), key=str) == [5.0, None]
    assert pa.types.is_floating(table.schema.field("r0_rate_hz").type)
