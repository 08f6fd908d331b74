"""Writing an event trace to a file: JSON lines, or Parquet for a path ending in ``.parquet``.

The trace is written while the simulation runs, into a hidden temporary file beside its
destination, and renamed into place by :meth:`TraceFile.commit` once the run has succeeded:
a run that fails, or is interrupted, leaves nothing behind. The file gets the usual mode
(0666 less the umask). An existing file at the destination is replaced, as ``--out`` replaces
the ``result.json`` of an existing folder; a folder, or anything but a regular file, in its
place is refused before the run, and so is a destination that cannot be written.

Parquet needs pyarrow (``pip install 'qfab[parquet]'``), imported only when such a trace is
asked for; without it the trace is refused before the run.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from qfab.errors import QfabError
from qfab.filemode import new_file_mode

__all__ = ["PARQUET_METADATA_KEY", "TraceFile", "check_trace_target", "is_parquet",
           "open_trace_file", "parquet_schema"]

#: Key of the trace's header (JSON) in a Parquet file's schema metadata.
PARQUET_METADATA_KEY = b"qfab.trace"

#: Records per Parquet row group (what is held in memory before it is written).
_ROW_GROUP = 65_536


def is_parquet(path: Path) -> bool:
    """Whether a trace at ``path`` is written as Parquet (its name ends in ``.parquet``)."""
    return path.suffix.lower() == ".parquet"


def _pyarrow() -> Any:
    """pyarrow and pyarrow.parquet, or a clean error naming the extra that installs them."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise QfabError("--trace: a .parquet trace needs pyarrow (pip install "
                        "'qfab[parquet]'); or write JSON lines (.jsonl)") from None
    return pyarrow


def check_trace_target(path: Path) -> None:
    """Refuse, before the run, a trace destination that cannot be written.

    Raises
    ------
    QfabError
        A folder or another non-regular file in the way, a parent that is not a folder, no
        write permission, or pyarrow missing for a ``.parquet`` path.
    """
    if path.is_dir():
        raise QfabError(f"--trace: {path} is a directory (give a file name, e.g. "
                        f"{path / 'trace.jsonl'})")
    if path.exists() or path.is_symlink():
        if not path.is_file():
            raise QfabError(f"--trace: {path} exists and is not a regular file")
    folder = _existing_folder(path)
    if not folder.is_dir():
        raise QfabError(f"--trace: cannot create {path}: {folder} is not a directory")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise QfabError(f"--trace: cannot write {path} in {folder} (permission denied)")
    if is_parquet(path):
        _pyarrow()


def _existing_folder(path: Path) -> Path:
    """The nearest folder above ``path`` that exists (the temporary file goes there)."""
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    return parent


class TraceFile:
    """A trace being written (a :class:`~qfab.protocols.trace.TraceSink`).

    Parameters
    ----------
    path
        Destination; Parquet if it ends in ``.parquet``, JSON lines otherwise.

    Notes
    -----
    JSON lines: the first line is the header, each further line one record, with only the
    keys its kind uses. Parquet: one row per record with every column of
    :data:`qfab.protocols.trace.FIELDS` (null where a kind has no such key), the header as
    JSON in the schema metadata under ``qfab.trace``.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.records = 0
        try:
            handle, name = tempfile.mkstemp(dir=_existing_folder(path),
                                            prefix=f".{path.name}.", suffix=".part")
        except OSError as error:
            raise QfabError(f"--trace: cannot write {path}: {error.strerror or error}") from None
        self._temporary = Path(name)
        os.close(handle)
        os.chmod(self._temporary, new_file_mode())  # mkstemp makes files 0600
        self._text: IO[str] | None = None
        self._parquet: Any = None
        self._batch: list[dict[str, Any]] = []
        self._done = False

    def begin(self, header: dict[str, Any]) -> None:
        """Write the header."""
        if is_parquet(self.path):
            pyarrow = _pyarrow()
            schema = parquet_schema().with_metadata(
                {PARQUET_METADATA_KEY: json.dumps(header).encode("utf-8")})
            self._parquet = pyarrow.parquet.ParquetWriter(str(self._temporary), schema)
        else:
            self._text = open(self._temporary, "w", encoding="utf-8", buffering=1 << 20)
            self._text.write(json.dumps(header, separators=(",", ":")) + "\n")

    def write(self, record: dict[str, Any]) -> None:
        """Write one record."""
        self.records += 1
        if self._text is not None:
            self._text.write(json.dumps(record, separators=(",", ":")) + "\n")
        else:
            self._batch.append(record)
            if len(self._batch) >= _ROW_GROUP:
                self._flush()

    def _flush(self) -> None:
        if self._batch:
            pyarrow = _pyarrow()
            self._parquet.write_table(pyarrow.Table.from_pylist(self._batch,
                                                                schema=self._parquet.schema))
            self._batch = []

    def _close(self) -> None:
        if self._text is not None:
            self._text.close()
            self._text = None
        if self._parquet is not None:
            self._flush()
            self._parquet.close()
            self._parquet = None

    def commit(self) -> None:
        """Finish the file and move it into place (creating the folders it needs).

        Raises
        ------
        QfabError
            If it cannot be written there.
        """
        try:
            self._close()
            self.path.absolute().parent.mkdir(parents=True, exist_ok=True)
            os.replace(self._temporary, self.path)
        except OSError as error:
            raise QfabError(f"--trace: cannot write {self.path}: "
                            f"{error.strerror or error}") from None
        self._done = True

    def abort(self) -> None:
        """Drop what was written (nothing is left behind)."""
        if self._done:
            return
        try:
            self._close()
        except Exception:  # noqa: BLE001 - the run already failed; leave nothing behind
            pass
        self._temporary.unlink(missing_ok=True)
        self._done = True


@contextmanager
def open_trace_file(path: Path) -> Iterator[TraceFile]:
    """A :class:`TraceFile` that is dropped unless it was committed inside the block."""
    trace = TraceFile(path)
    try:
        yield trace
    finally:
        trace.abort()


def parquet_schema() -> Any:
    """The Parquet schema of a trace: one nullable column per record key."""
    from qfab.protocols.trace import FIELDS

    pyarrow = _pyarrow()
    types = {"int": pyarrow.int64(), "float": pyarrow.float64(), "str": pyarrow.string(),
             "bool": pyarrow.bool_(), "list[int]": pyarrow.list_(pyarrow.int64()),
             "list[str]": pyarrow.list_(pyarrow.string())}
    return pyarrow.schema([(name, types[kind]) for name, kind in FIELDS.items()])
