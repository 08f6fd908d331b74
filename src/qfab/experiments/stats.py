"""Rows and statistics of a sweep.

Every completed task is one row (:func:`result_row`): its identity (``strong_id``, ``engine``,
``seed``), the point's parameter values (one column per swept path, quantities in SI units),
the run's ``wall_time_s``, ``sim_time_s`` and ``events``, per request ``r{i}_delivered``,
``r{i}_rate_hz``, ``r{i}_fidelity`` (written requests only), per arrival process
``a{i}_offered``, ``a{i}_completed``, ``a{i}_pairs_delivered``, ``a{i}_latency_mean_s``,
``a{i}_latency_p95_s``, ``a{i}_fidelity`` (its load summary, in place of one column set per
generated request), and for the first link ``l0_p_success``, ``l0_rate_hz``,
``l0_fidelity``. A qkd request adds ``r{i}_qber``, ``r{i}_key_bits_per_pulse``,
``r{i}_key_rate_bps``, ``r{i}_secret_fraction``, ``r{i}_chsh``, ``r{i}_final_key_bits`` and
``r{i}_plob_bits_per_pulse`` (:mod:`qfab.engines.qkd`); a clock_sync request adds
``r{i}_coincidence_rate_hz``, ``r{i}_accidental_rate_hz``, ``r{i}_precision_s``,
``r{i}_bias_s`` and ``r{i}_time_to_target_s`` (:mod:`qfab.engines.clock_sync`).

:func:`summarize` groups rows by point (parameter values and engine) and gives, for every
numeric column, the mean over seeds, its standard error and the number of values. The
per-column accumulator :class:`ColumnStats` merges with ``+`` (Chan et al.'s parallel update
of mean and squared deviations), so statistics of separate runs of one point combine exactly
as if they had been collected together.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["ColumnStats", "result_row", "summarize", "parameter_columns", "IDENTITY_COLUMNS",
           "TIMING_COLUMNS"]

#: Columns that identify a run.
IDENTITY_COLUMNS = ("strong_id", "engine", "seed")
#: Columns that depend on the machine, not on the scenario and seed.
TIMING_COLUMNS = ("wall_time_s",)
_RUN_COLUMNS = ("wall_time_s", "sim_time_s", "events")
_PER_ENTRY = re.compile(r"^(r\d+|a\d+|l0)_")
_GENERATED = re.compile(r"^arrivals\[\d+\]#\d+$")
_QKD_COLUMNS = ("qber", "key_bits_per_pulse", "key_rate_bps", "secret_fraction", "chsh",
                "final_key_bits", "plob_bits_per_pulse")
_CLOCK_SYNC_COLUMNS = ("coincidence_rate_hz", "accidental_rate_hz", "precision_s", "bias_s",
                       "time_to_target_s")
_ARRIVAL_COLUMNS = ("offered", "completed", "pairs_delivered", "latency_mean_s",
                    "latency_p95_s", "fidelity")


def result_row(result: Mapping[str, Any], *, strong_id: str,
               params: Mapping[str, Any]) -> dict[str, Any]:
    """The table row of one run.

    Parameters
    ----------
    result
        The result document (:meth:`qfab.engines.RunResult.to_dict`).
    strong_id
        The task's content hash.
    params
        Swept path -> the point's value.
    """
    row: dict[str, Any] = {"strong_id": strong_id, "engine": result["engine"],
                           "seed": result["seed"]}
    row.update(params)
    for key in _RUN_COLUMNS:
        row[key] = result.get(key)
    for index, request in enumerate(result.get("requests", [])):
        if _GENERATED.match(request.get("name") or ""):
            continue  # summarized per process below
        row[f"r{index}_delivered"] = request.get("delivered")
        row[f"r{index}_rate_hz"] = request.get("rate_hz")
        row[f"r{index}_fidelity"] = request.get("fidelity")
        if request.get("kind") == "qkd":
            for key in _QKD_COLUMNS:
                value = request.get(key)
                row[f"r{index}_{key}"] = None if value is None else float(value)
        if request.get("kind") == "clock_sync":
            for key in _CLOCK_SYNC_COLUMNS:
                value = request.get(key)
                if isinstance(value, dict):  # per direction over a satellite pass
                    for direction, item in value.items():
                        row[f"r{index}_{key}_{direction}"] = float(item)
                    continue
                row[f"r{index}_{key}"] = None if value is None else float(value)
    for index, summary in enumerate(result.get("arrivals", [])):
        for key in _ARRIVAL_COLUMNS:
            row[f"a{index}_{key}"] = summary.get(key)
    links = result.get("links", [])
    link = links[0] if links else {}
    for key in ("p_success", "rate_hz", "fidelity"):
        row[f"l0_{key}"] = link.get(key)
    return row


def parameter_columns(names: Iterable[str]) -> list[str]:
    """The columns of a sweep table that hold parameter values (everything that is neither
    an identity column nor a result column)."""
    return [name for name in names if name not in IDENTITY_COLUMNS
            and name not in _RUN_COLUMNS and not _PER_ENTRY.match(name)]


@dataclass(frozen=True)
class ColumnStats:
    """Count, mean and sum of squared deviations of one column; merges with ``+``.

    Examples
    --------
    >>> a, b = ColumnStats.of([1.0, 2.0]), ColumnStats.of([3.0])
    >>> (a + b).mean, (a + b).count
    (2.0, 3)
    """

    count: int = 0
    mean: float = 0.0
    m2: float = 0.0

    @classmethod
    def of(cls, values: Iterable[float | int | None]) -> ColumnStats:
        """Statistics of the non-null values."""
        stats = cls()
        for value in values:
            if value is not None and not (isinstance(value, float) and math.isnan(value)):
                stats = stats + cls(1, float(value), 0.0)
        return stats

    def __add__(self, other: ColumnStats) -> ColumnStats:
        if not isinstance(other, ColumnStats):
            return NotImplemented
        if other.count == 0:
            return self
        if self.count == 0:
            return other
        count = self.count + other.count
        delta = other.mean - self.mean
        mean = self.mean + delta * other.count / count
        m2 = self.m2 + other.m2 + delta * delta * self.count * other.count / count
        return ColumnStats(count, mean, m2)

    @property
    def std_error(self) -> float | None:
        """Standard error of the mean, s / sqrt(n) with the unbiased s; ``None`` for n < 2."""
        if self.count < 2:
            return None
        return math.sqrt(self.m2 / (self.count - 1) / self.count)


def summarize(*tables: pa.Table, by: Sequence[str] | None = None) -> pa.Table:
    """Mean, standard error and count of every result column, per point.

    Parameters
    ----------
    *tables
        Sweep tables (:func:`qfab.experiments.read_table`); rows with the same ``strong_id``
        are the same run and count once.
    by
        Columns that define a point; defaults to the parameter columns and ``engine``.

    Returns
    -------
    pyarrow.Table
        One row per point in order of first appearance: the ``by`` columns, ``runs`` (rows
        in the group), then for every numeric column ``c``: ``c_mean``, ``c_stderr`` (``None``
        for fewer than two values) and ``c_count`` (non-null values).
    """
    import pyarrow as pa

    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    names: list[str] = []
    for table in tables:
        for name in table.column_names:
            if name not in names:
                names.append(name)
        for row in table.to_pylist():
            identity = row.get("strong_id")
            if identity is not None:
                if identity in seen:
                    continue
                seen.add(identity)
            rows.append(row)
    keys = list(by) if by is not None else parameter_columns(names) + ["engine"]
    keys = [key for key in keys if key in names]
    values = [name for name in names if name not in keys and name not in ("strong_id", "seed")
              and (name in _RUN_COLUMNS or _PER_ENTRY.match(name)
                   or all(_numeric(row.get(name)) for row in rows))]

    groups: dict[tuple[Any, ...], tuple[int, dict[str, ColumnStats]]] = {}
    for row in rows:
        key = tuple(row.get(name) for name in keys)
        count, stats = groups.get(key, (0, {}))
        for name in values:
            stats[name] = stats.get(name, ColumnStats()) + ColumnStats.of([row.get(name)])
        groups[key] = (count + 1, stats)

    summary: list[dict[str, Any]] = []
    for key, (count, stats) in groups.items():
        entry: dict[str, Any] = dict(zip(keys, key, strict=True))
        entry["runs"] = count
        for name in values:
            column = stats.get(name, ColumnStats())
            entry[f"{name}_mean"] = column.mean if column.count else None
            entry[f"{name}_stderr"] = column.std_error
            entry[f"{name}_count"] = column.count
        summary.append(entry)
    return pa.Table.from_pylist(summary)


def _numeric(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))
