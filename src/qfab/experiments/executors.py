"""Executors: run task payloads and yield their rows as they complete.

All executors share one interface (:class:`Executor`): a context manager whose
:meth:`~Executor.map_unordered` takes task payloads (plain dicts, :meth:`Task.payload
<qfab.experiments.tasks.Task.payload>`) and yields result rows in completion order. Each payload
runs :func:`run_task`, which parses the point, runs its engine with its seed and returns the
row, so the same task gives the same row on every executor.

- ``serial``: in this process, one after the other.
- ``processes``: a :class:`concurrent.futures.ProcessPoolExecutor` with ``workers`` processes.
- ``dask``: a Dask cluster, local (``workers`` processes of one thread each) or the one whose
  scheduler runs at ``scheduler`` (its workers need qfab installed).

Only a bounded number of tasks is in flight at a time (twice the number of workers), so an
interrupted sweep loses little and a long task list costs no memory on the workers.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from types import TracebackType
from typing import Any, Literal, Self

from qfab.errors import QfabError

__all__ = ["Executor", "SerialExecutor", "ProcessExecutor", "DaskExecutor", "TaskError",
           "make_executor", "run_task", "EXECUTORS"]

ExecutorName = Literal["serial", "processes", "dask"]
#: Names accepted by :func:`make_executor`.
EXECUTORS: tuple[ExecutorName, ...] = ("serial", "processes", "dask")


class TaskError(QfabError):
    """A task that could not run (its point is a scenario the engine cannot run)."""


def run_task(payload: dict[str, Any]) -> dict[str, Any]:
    """Run one task payload and return its row (the worker function of every executor).

    A user error (:class:`~qfab.errors.QfabError`) comes back as a row with an ``error`` key
    rather than as an exception, because the error classes do not survive pickling.
    """
    from qfab.engines import run
    from qfab.experiments.stats import result_row
    from qfab.loading import parse_scenario

    try:
        result = run(parse_scenario(payload["document"]), engine=payload["engine"],
                     seed=payload["seed"])
    except QfabError as error:
        return {"strong_id": payload["strong_id"], "error": str(error),
                "params": payload["params"]}
    return result_row(result.to_dict(), strong_id=payload["strong_id"], params=payload["params"])


def checked(row: dict[str, Any]) -> dict[str, Any]:
    """``row``, or a :class:`TaskError` naming the point if the task failed."""
    if "error" in row:
        point = ", ".join(f"{path}={value!r}" for path, value in row["params"].items())
        raise TaskError(f"{row['error']}" + (f" (at sweep point {point})" if point else ""))
    return row


class Executor:
    """Runs task payloads; use as a context manager."""

    name: str = "executor"

    def map_unordered(self, payloads: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Yield the row of every payload, in completion order."""
        raise NotImplementedError

    def close(self) -> None:
        """Release workers; called on leaving the ``with`` block."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


class SerialExecutor(Executor):
    """Runs tasks one after the other in this process."""

    name = "serial"

    def map_unordered(self, payloads: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for payload in payloads:
            yield checked(run_task(payload))


def _ignore_interrupts() -> None:
    """Worker initializer: Ctrl-C is the main process's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class ProcessExecutor(Executor):
    """Runs tasks on a pool of ``workers`` local processes (default: one per CPU)."""

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        import multiprocessing

        self.workers = workers or os.cpu_count() or 1
        # forkserver: workers fork from a clean server that has qfab imported, without
        # inheriting this process's threads; spawn where fork is unavailable.
        methods = multiprocessing.get_all_start_methods()
        method = "forkserver" if "forkserver" in methods else "spawn"
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            context.set_forkserver_preload(["qfab.experiments.executors", "qfab.engines",
                                            "qfab.spec"])
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                         initializer=_ignore_interrupts)
        self._clean = True

    def map_unordered(self, payloads: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        source = iter(payloads)
        pending: set[Future[dict[str, Any]]] = set()
        self._clean = False
        try:
            while True:
                while len(pending) < 2 * self.workers:
                    payload = next(source, None)
                    if payload is None:
                        break
                    pending.add(self._pool.submit(run_task, payload))
                if not pending:
                    break
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield checked(future.result())
            self._clean = True
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        self._pool.shutdown(wait=self._clean, cancel_futures=True)


class DaskExecutor(Executor):
    """Runs tasks on a Dask cluster.

    Parameters
    ----------
    workers
        Start a local cluster of this many single-threaded worker processes (default: one per
        CPU). Ignored when ``scheduler`` is given.
    scheduler
        Address of a running scheduler, e.g. ``tcp://scheduler.example:8786``.
    """

    name = "dask"

    def __init__(self, workers: int | None = None, scheduler: str | None = None) -> None:
        import logging

        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise QfabError("the dask executor needs dask.distributed: "
                            "pip install 'qfab[sweep]'") from None
        self._cluster: Any = None
        if scheduler is not None:
            try:
                self._client: Any = Client(  # type: ignore[no-untyped-call, unused-ignore]
                    scheduler, timeout="10s")
            except (OSError, TimeoutError) as error:
                raise QfabError(f"cannot reach the Dask scheduler at {scheduler}: {error}") \
                    from None
        else:
            self._cluster = LocalCluster(  # type: ignore[no-untyped-call, unused-ignore]
                n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=logging.ERROR)
            self._client = Client(self._cluster)  # type: ignore[no-untyped-call, unused-ignore]
        self._futures: list[Any] = []

    @property
    def client(self) -> Any:
        """The :class:`distributed.Client`."""
        return self._client

    def map_unordered(self, payloads: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        from distributed import as_completed

        threads = sum(self._client.nthreads().values()) or 1
        source = iter(payloads)
        completed = as_completed(  # type: ignore[no-untyped-call, unused-ignore]
            with_results=True)
        in_flight = 0

        def submit() -> bool:
            payload = next(source, None)
            if payload is None:
                return False
            future = self._client.submit(run_task, payload, pure=False)
            self._futures.append(future)
            completed.add(future)  # type: ignore[no-untyped-call, unused-ignore]
            return True

        while in_flight < 2 * threads and submit():
            in_flight += 1
        try:
            for future, row in completed:
                self._futures.remove(future)
                in_flight -= 1
                yield checked(row)
                if submit():
                    in_flight += 1
        finally:
            if self._futures:
                self._client.cancel(self._futures)
                self._futures.clear()

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(name: str = "serial", *, workers: int | None = None,
                  scheduler: str | None = None) -> Executor:
    """The executor called ``name`` (``serial``, ``processes`` or ``dask``)."""
    if name == "serial":
        return SerialExecutor()
    if name == "processes":
        return ProcessExecutor(workers)
    if name == "dask":
        return DaskExecutor(workers, scheduler)
    raise QfabError(f"executor: unknown executor {name!r} (choose from {', '.join(EXECUTORS)})")
