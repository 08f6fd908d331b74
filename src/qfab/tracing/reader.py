"""Reading an event trace back: its header and its records, from JSON lines or Parquet.

A file is read as Parquet when it starts with Parquet's magic bytes (whatever its name), as
JSON lines otherwise. Records come back as dicts with only the keys their kind uses (a
Parquet trace's null columns are left out), in the order they were written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from qfab.errors import QfabError
from qfab.tracing.files import PARQUET_METADATA_KEY

__all__ = ["Trace", "read_trace"]

_PARQUET_MAGIC = b"PAR1"


class Trace:
    """A trace file, opened: its header, and its records read on demand (each call of
    :meth:`records` reads the file again, so a large trace is never held in memory).

    Parameters
    ----------
    path
        The file.
    header
        Its header (what was run: scenario, seed, requests, links).
    parquet
        Whether it is a Parquet file.
    """

    def __init__(self, path: Path, header: dict[str, Any], *, parquet: bool) -> None:
        self.path = path
        self.header = header
        self.parquet = parquet

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The requests of the run, by index (``request``, ``between``, ``path``, ``pairs``)."""
        return list(self.header.get("requests", []))

    def records(self) -> Iterator[dict[str, Any]]:
        """Every record, in the order written.

        Raises
        ------
        QfabError
            A line that is not a trace record (naming the file and the line).
        """
        if self.parquet:
            yield from self._parquet_records()
            return
        with _open_text(self.path) as lines:
            next(lines, None)  # the header
            for number, line in enumerate(lines, start=2):
                if line.strip():
                    yield _record(self.path, number, line)

    def _parquet_records(self) -> Iterator[dict[str, Any]]:
        import pyarrow.parquet

        for batch in pyarrow.parquet.ParquetFile(self.path).iter_batches():
            for row in batch.to_pylist():
                yield {key: value for key, value in row.items() if value is not None}


def read_trace(path: Path) -> Trace:
    """Open the trace at ``path`` (its header is read and checked now).

    Raises
    ------
    QfabError
        No such file, a folder, not a qfab trace, a newer trace format, or a Parquet trace
        without pyarrow.
    """
    try:
        with open(path, "rb") as stream:
            start = stream.read(4)
    except FileNotFoundError:
        raise QfabError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise QfabError(f"{path}: is a directory, not a trace file") from None
    except OSError as error:
        raise QfabError(f"{path}: cannot read it: {error.strerror or error}") from None
    if start == _PARQUET_MAGIC:
        header = _parquet_header(path)
        parquet = True
    else:
        with _open_text(path) as lines:
            first = next(lines, "")
        header = _header(path, first)
        parquet = False
    return Trace(path, header, parquet=parquet)


def _header(path: Path, line: str) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("trace") != "qfab":
        raise QfabError(f"{path}: not a qfab trace (its first line is not a trace header; "
                        "write one with qfab run FILE --trace PATH)")
    _check_version(path, header)
    return header


def _check_version(path: Path, header: dict[str, Any]) -> None:
    from qfab.protocols.trace import TRACE_VERSION

    version = header.get("version")
    if not isinstance(version, int) or version > TRACE_VERSION:
        raise QfabError(f"{path}: trace format version {version!r} is newer than this qfab "
                        f"reads ({TRACE_VERSION})")


def _parquet_header(path: Path) -> dict[str, Any]:
    try:
        import pyarrow.parquet
    except ImportError:
        raise QfabError(f"{path}: reading a Parquet trace needs pyarrow (pip install "
                        "'qfab[parquet]')") from None
    try:
        metadata = pyarrow.parquet.read_schema(path).metadata or {}
    except (OSError, ValueError, pyarrow.ArrowException) as error:
        raise QfabError(f"{path}: not a readable Parquet file ({error})") from None
    text = metadata.get(PARQUET_METADATA_KEY)
    if text is None:
        raise QfabError(f"{path}: a Parquet file, but not a qfab trace (no "
                        f"{PARQUET_METADATA_KEY.decode()} metadata)")
    return _header(path, text.decode("utf-8", "replace"))


@contextmanager
def _open_text(path: Path) -> Iterator[Iterator[str]]:
    """The lines of a text file, with a decoding error as one clean error."""
    with open(path, encoding="utf-8") as stream:
        yield _decoded(path, stream)


def _decoded(path: Path, stream: Iterable[str]) -> Iterator[str]:
    try:
        yield from stream
    except UnicodeDecodeError:
        raise QfabError(f"{path}: not a qfab trace (not UTF-8 text)") from None


def _record(path: Path, number: int, line: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except ValueError:
        record = None
    if not isinstance(record, dict) or not isinstance(record.get("kind"), str) or \
            not isinstance(record.get("t_ps"), int):
        raise QfabError(f"{path}: line {number}: not a trace record")
    return record
