"""An append-only Parquet store of sweep rows that survives interruption.

The store is a directory (conventionally named ``results.parquet``) in which every completed
task is its own file, ``part-<strong_id>.parquet``, written to a hidden temporary file and
renamed into place. A file is therefore either complete or absent: an interrupted sweep loses
at most the tasks in flight, and :func:`done_ids` tells a resumed sweep what to skip. The
directory is a Parquet dataset that pyarrow, pandas, polars or DuckDB read directly.

pyarrow is imported only inside the functions that need it (``pip install 'qfab[sweep]'``).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qfab.errors import QfabError
from qfab.experiments.stats import parameter_columns

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["ResultStore", "read_table", "done_ids", "StoreError"]

_PREFIX = "part-"
#: pyarrow type (factory name) of each result column; per-request and link columns by suffix.
_RESULT_TYPES = {"strong_id": "string", "engine": "string", "seed": "int64",
                 "wall_time_s": "float64", "sim_time_s": "float64", "events": "int64",
                 "delivered": "int64", "rate_hz": "float64", "fidelity": "float64",
                 "p_success": "float64", "qber": "float64", "key_bits_per_pulse": "float64",
                 "key_rate_bps": "float64", "secret_fraction": "float64", "chsh": "float64",
                 "final_key_bits": "float64", "plob_bits_per_pulse": "float64",
                 "coincidence_rate_hz": "float64", "accidental_rate_hz": "float64",
                 "precision_s": "float64", "bias_s": "float64", "time_to_target_s": "float64"}
_PER_ENTRY = re.compile(r"^(r\d+|l0)_")
_SUFFIX = ".parquet"


class StoreError(QfabError):
    """A results path that cannot be used."""


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise QfabError("sweep results need pyarrow: pip install 'qfab[sweep]'") from None
    return pyarrow


class ResultStore:
    """The rows of completed tasks, one Parquet file each, in a directory.

    Parameters
    ----------
    path
        The directory; created on the first write.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def done_ids(self) -> set[str]:
        """Strong ids of the tasks already stored."""
        if not self.path.is_dir():
            return set()
        return {name[len(_PREFIX):-len(_SUFFIX)] for name in os.listdir(self.path)
                if name.startswith(_PREFIX) and name.endswith(_SUFFIX)}

    def write(self, row: Mapping[str, Any]) -> Path:
        """Store one row atomically as ``part-<strong_id>.parquet``; returns its path."""
        pa = _pyarrow()
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path}: exists and is not a results directory")
        self.path.mkdir(parents=True, exist_ok=True)
        final = self.path / f"{_PREFIX}{row['strong_id']}{_SUFFIX}"
        table = pa.Table.from_pylist([dict(row)], schema=_schema(pa, row))
        handle, temporary = tempfile.mkstemp(dir=self.path, prefix=f".{final.name}.",
                                             suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                pa.parquet.write_table(table, stream)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, final)
        finally:
            Path(temporary).unlink(missing_ok=True)
        return final

    def read_table(self) -> pa.Table:
        """All stored rows, sorted by parameter values, engine and seed."""
        return read_table(self.path)


def _schema(pa: Any, row: Mapping[str, Any]) -> Any:
    """Types of a row: fixed for result columns, so a ``null`` (a request that delivered
    nothing) is stored as a null of the column's type and every part file agrees; inferred
    for parameter columns."""
    parameters = set(parameter_columns(row))
    fields = []
    for name, value in row.items():
        kind = None if name in parameters else \
            _RESULT_TYPES.get(name) or _RESULT_TYPES.get(_PER_ENTRY.sub("", name))
        fields.append(pa.field(name, getattr(pa, kind)() if kind else pa.array([value]).type))
    return pa.schema(fields)


def done_ids(path: str | os.PathLike[str]) -> set[str]:
    """Strong ids of the tasks stored under ``path``."""
    return ResultStore(path).done_ids()


def read_table(path: str | os.PathLike[str]) -> pa.Table:
    """Read a results directory (or a single Parquet file) as one :class:`pyarrow.Table`.

    Part files whose columns differ (a request that delivered nothing has ``null`` where
    another has a number) are unified to the widest type. Rows are sorted by the parameter
    columns, then ``engine`` and ``seed``.
    """
    pa = _pyarrow()
    path = Path(path)
    if path.is_file():
        return pa.parquet.read_table(path)
    if not path.is_dir():
        raise StoreError(f"{path}: no such results directory")
    files = sorted(p for p in path.iterdir()
                   if p.name.startswith(_PREFIX) and p.name.endswith(_SUFFIX))
    if not files:
        return pa.table({})
    tables = [pa.parquet.read_table(p) for p in files]
    try:
        table = pa.concat_tables(tables, promote_options="permissive")
    except (pa.ArrowTypeError, pa.ArrowInvalid, pa.ArrowNotImplementedError):
        table = pa.concat_tables(_as_text_where_types_clash(pa, tables),
                                 promote_options="permissive")
    keys = [*parameter_columns(table.column_names), "engine", "seed"]
    sortable = [key for key in keys if key in table.column_names
                and not pa.types.is_null(table.schema.field(key).type)]
    try:
        return table.sort_by([(key, "ascending") for key in sortable])
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return table


def _as_text_where_types_clash(pa: Any, tables: list[Any]) -> list[Any]:
    """Turn columns whose types differ between part files (a parameter swept over numbers and
    words) into text, leaving nulls as they are."""
    types: dict[str, set[Any]] = {}
    for table in tables:
        for field in table.schema:
            if not pa.types.is_null(field.type):
                types.setdefault(field.name, set()).add(field.type)
    clashing = {name for name, found in types.items() if len(found) > 1}
    converted = []
    for table in tables:
        for name in clashing & set(table.column_names):
            index = table.column_names.index(name)
            text = pa.array([None if v is None else str(v) for v in table[name].to_pylist()],
                            type=pa.string())
            table = table.set_column(index, name, text)
        converted.append(table)
    return converted
