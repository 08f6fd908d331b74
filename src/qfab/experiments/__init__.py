"""Parameter sweeps: tasks named by content hashes, mergeable statistics, a resumable store,
and executors (serial, processes, Dask).

A scenario with a ``sweep:`` block (:class:`SweepSpec`) expands into tasks (:func:`expand_tasks`),
one per point and seed, each with a ``strong_id`` that hashes everything its result depends on.
:func:`run_sweep` runs the tasks its store does not hold yet and writes one Parquet part file per
task; :func:`read_table` reads them back and :func:`summarize` gives mean and standard error
per point over seeds.

Names are imported on first use, so ``import qfab.experiments.sweep_spec`` stays light (the
scenario models embed :class:`SweepSpec`) and pyarrow and dask load only when needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qfab.experiments.executors import (
        DaskExecutor,
        Executor,
        ProcessExecutor,
        SerialExecutor,
        TaskError,
        make_executor,
        run_task,
    )
    from qfab.experiments.stats import ColumnStats, result_row, summarize
    from qfab.experiments.store import ResultStore, done_ids, read_table
    from qfab.experiments.sweep import SweepSummary, read_document, run_sweep
    from qfab.experiments.sweep_spec import ParameterSpec, SweepSpec
    from qfab.experiments.tasks import Task, expand_tasks, parse_override, strong_id

_EXPORTS = {
    "SweepSpec": "sweep_spec", "ParameterSpec": "sweep_spec",
    "Task": "tasks", "expand_tasks": "tasks", "parse_override": "tasks", "strong_id": "tasks",
    "ColumnStats": "stats", "result_row": "stats", "summarize": "stats",
    "ResultStore": "store", "read_table": "store", "done_ids": "store",
    "Executor": "executors", "SerialExecutor": "executors", "ProcessExecutor": "executors",
    "DaskExecutor": "executors", "TaskError": "executors", "make_executor": "executors",
    "run_task": "executors",
    "run_sweep": "sweep", "read_document": "sweep", "SweepSummary": "sweep",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
