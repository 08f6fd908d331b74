"""Run a parameter sweep: expand tasks, skip the stored ones, run the rest, store each row.

>>> from qfab.experiments import run_sweep, read_table, summarize        # doctest: +SKIP
>>> run_sweep(document, out="results.parquet", executor="processes")     # doctest: +SKIP
SweepSummary(total=16, skipped=0, run=16, out=PosixPath('results.parquet'))
>>> summarize(read_table("results.parquet"))                             # doctest: +SKIP
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qfab.experiments.executors import make_executor
from qfab.experiments.store import ResultStore
from qfab.experiments.tasks import Overrides, Task, expand_tasks
from qfab.spec.loader import read_document

__all__ = ["SweepSummary", "run_sweep", "read_document"]


@dataclass(frozen=True)
class SweepSummary:
    """What a sweep did: ``total`` tasks, ``skipped`` (already stored), ``run`` (this time).

    ``unsupported`` holds one line per point whose engine does not support it (its tasks
    are neither run nor stored): the reason and the point.
    """

    total: int
    skipped: int
    run: int
    out: Path
    unsupported: tuple[str, ...] = ()


def run_sweep(document: Mapping[str, Any], *, out: str | os.PathLike[str],
              base_dir: str | os.PathLike[str] | None = None, engine: str | None = None,
              seed: int | None = None, overrides: Overrides = (), executor: str = "serial",
              workers: int | None = None, scheduler: str | None = None,
              progress: bool | None = None,
              on_row: Callable[[dict[str, Any]], None] | None = None) -> SweepSummary:
    """Run every task of a sweep that ``out`` does not hold yet, storing each row as it arrives.

    Parameters
    ----------
    document
        Raw scenario document with a ``sweep`` block (:func:`read_document`); without one it
        is a single point (or the points of ``overrides``).
    out
        Results directory (:class:`~qfab.experiments.store.ResultStore`); tasks whose
        ``strong_id`` it holds are skipped, so rerunning an interrupted sweep resumes it.
    base_dir
        Folder of the scenario file (for a ``topology`` file).
    engine, seed
        Override the scenario's engine and first seed.
    overrides
        ``--set`` options, ``["links[0].length=linspace(1 km, 200 km, 16)", ...]``.
    executor, workers, scheduler
        ``serial``, ``processes`` (``workers`` processes) or ``dask`` (a local cluster of
        ``workers`` processes, or the cluster at ``scheduler``).
    progress
        Show a progress bar on stderr; by default only when stderr is a terminal.
    on_row
        Called with each row after it is stored.

    Returns
    -------
    SweepSummary
        Points whose engine does not support them are skipped, each with its reason in
        :attr:`SweepSummary.unsupported`.
    """
    tasks = expand_tasks(document, base_dir=None if base_dir is None else Path(base_dir),
                         engine=engine, seed=seed, overrides=overrides)
    store = ResultStore(out)
    done = store.done_ids()
    pending = [task for task in tasks if task.strong_id not in done]
    refused = [task for task in pending if task.unsupported is not None]
    pending = [task for task in pending if task.unsupported is None]
    if pending:
        with make_executor(executor, workers=workers, scheduler=scheduler) as runner, \
                _progress_bar(len(pending), progress) as advance:
            for row in runner.map_unordered(task.payload() for task in pending):
                store.write(row)
                advance()
                if on_row is not None:
                    on_row(row)
    return SweepSummary(total=len(tasks), skipped=len(tasks) - len(pending) - len(refused),
                        run=len(pending), out=store.path,
                        unsupported=tuple(dict.fromkeys(_refusal(task) for task in refused)))


def _refusal(task: Task) -> str:
    """``engine X: reason (at sweep point ...)`` for a task its engine does not support."""
    point = ", ".join(f"{path}={value!r}" for path, value in task.params.items())
    return (f"engine {task.engine}: {task.unsupported}"
            + (f" (at sweep point {point})" if point else ""))


@contextmanager
def _progress_bar(total: int, show: bool | None) -> Iterator[Callable[[], None]]:
    """A bar of tasks done with an ETA on stderr, by default only when stderr is a terminal."""
    if show is None:
        show = sys.stderr.isatty()
    if not show:
        yield lambda: None
        return
    from tqdm import tqdm

    with tqdm(total=total, desc="sweep", unit="task", file=sys.stderr, leave=False,
              dynamic_ncols=True) as bar:
        def advance() -> None:
            bar.update(1)

        yield advance
