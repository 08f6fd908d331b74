"""Parameter sweeps: tasks named by content hashes, mergeable statistics, a resumable store,
and executors (serial, processes, Dask).

A scenario with a ``sweep:`` block (:class:`qfab.spec.sweep.SweepSpec`, part of the scenario
format) expands into tasks (:func:`expand_tasks`), one per point and seed, each with a
``strong_id`` that hashes everything its result depends on. :func:`run_sweep` runs the tasks
its store does not hold yet and writes one Parquet part file per task; :func:`read_table` reads
them back and :func:`summarize` gives mean and standard error per point over seeds.

Names are imported on first use, so pyarrow and dask load only when needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names, for type checkers; imported on first use otherwise
    from qfab.experiments.executors import (
        DaskExecutor as DaskExecutor,
        Executor as Executor,
        ProcessExecutor as ProcessExecutor,
        SerialExecutor as SerialExecutor,
        TaskError as TaskError,
        make_executor as make_executor,
        run_task as run_task,
    )
    from qfab.experiments.stats import (
        ColumnStats as ColumnStats,
        result_row as result_row,
        summarize as summarize,
    )
    from qfab.experiments.store import (
        ResultStore as ResultStore,
        done_ids as done_ids,
        read_table as read_table,
    )
    from qfab.experiments.sweep import (
        SweepSummary as SweepSummary,
        read_document as read_document,
        run_sweep as run_sweep,
    )
    from qfab.experiments.tasks import (
        Task as Task,
        expand_tasks as expand_tasks,
        parse_override as parse_override,
        strong_id as strong_id,
    )

_EXPORTS = {
    "Task": "tasks", "expand_tasks": "tasks", "parse_override": "tasks", "strong_id": "tasks",
    "ColumnStats": "stats", "result_row": "stats", "summarize": "stats",
    "ResultStore": "store", "read_table": "store", "done_ids": "store",
    "Executor": "executors", "SerialExecutor": "executors", "ProcessExecutor": "executors",
    "DaskExecutor": "executors", "TaskError": "executors", "make_executor": "executors",
    "run_task": "executors",
    "run_sweep": "sweep", "read_document": "sweep", "SweepSummary": "sweep",
}

__all__ = ["ColumnStats", "DaskExecutor", "done_ids", "Executor", "expand_tasks", "make_executor",
           "parse_override", "ProcessExecutor", "read_document", "read_table",
           "result_row", "ResultStore", "run_sweep", "run_task", "SerialExecutor", "strong_id",
           "summarize", "SweepSummary", "Task", "TaskError"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
