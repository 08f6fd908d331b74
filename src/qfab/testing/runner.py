"""Run fuzz cases through the command line and classify what happened.

Each job is one command (``validate``, ``run`` or ``estimate``) on one
:class:`~qfab.testing.mutations.Case`. It runs in a worker process, in-process through
:func:`qfab.cli.main` with stdout and stderr captured, under a memory limit; the parent kills a
worker that runs past the wall-time bound and starts a new one. Outcomes:

``ok``
    exit 0 (for a case that need not be refused);
    (also exit 141, quietly, when the reader of stdout went away);
``clean-error``
    exit 2, stderr exactly one line ``qfab: error: ...``, nothing on stdout, nothing written;
``stalled``
    exit 3: the event simulation ended early because no request could progress, and said so
    (an honest result, not an error: its files may be written);
``usage-error``
    exit 2 with argparse's usage message and one ``qfab COMMAND: error: ...`` line (a bad
    command-line option, reported the way every argparse program does);
``traceback``
    an exception escaped :func:`qfab.cli.main`;
``hang``
    still running at the bound;
``crash``
    the worker died (killed for memory, a fault in native code);
``nonsense-accepted``
    exit 0 for a case that every command must refuse;
``wrote-on-error``
    a failing ``run``/``estimate`` left files under ``--out`` or beside the scenario (a
    ``--trace`` file, or its temporary file);
``bad-error``
    any other failure: another exit status, several lines on stderr, output on stdout.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import re
import shutil
import tempfile
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from qfab.testing.mutations import Case

__all__ = ["COMMANDS", "BAD", "Outcome", "FuzzPool", "execute", "classify"]

COMMANDS: tuple[str, ...] = ("validate", "run", "estimate")

#: Outcomes that are bugs.
BAD: tuple[str, ...] = ("traceback", "hang", "crash", "nonsense-accepted", "wrote-on-error",
                        "bad-error")

#: Exit status of a run that stalled (no request could progress any more).
STALLED = 3

#: Exit status of a command whose stdout was closed by its reader (128 + SIGPIPE).
SIGPIPE = 141

#: A folder that cannot be created, for ``--out`` (``/proc`` refuses new entries, even to root).
UNWRITABLE = Path("/proc/qfab-fuzz/out")


@dataclass(frozen=True)
class Outcome:
    """What one command did on one case."""

    case: Case
    command: str
    category: str
    exit_status: int | None
    message: str
    seconds: float


class _BrokenStdout(io.TextIOBase):
    """A stdout whose reader went away (``qfab run X | head``)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def _one_line(text: str) -> bool:
    lines = text.splitlines()
    return len(lines) == 1 and lines[0].startswith("qfab: error: ")


def _usage(text: str) -> bool:
    lines = text.splitlines()
    return bool(lines) and lines[0].startswith("usage: qfab") and \
        re.match(r"^qfab \w+: error: ", lines[-1]) is not None


def classify(case: Case, exit_status: int, stdout: str, stderr: str, written: list[str],
             command: str = "run") -> str:
    """The category of a command that returned ``exit_status`` (no exception escaped)."""
    if case.stdout == "broken" and exit_status in (0, SIGPIPE) and not stderr.strip():
        return "ok"  # the reader went away: stopping quietly is what a pipe expects
    if exit_status in (0, STALLED):
        if case.expect_invalid and not (command == "validate" and case.options):
            return "nonsense-accepted"
        return "ok" if exit_status == 0 else "stalled"
    if written:
        return "wrote-on-error"
    if exit_status == 2 and _one_line(stderr) and not stdout.strip():
        return "clean-error"
    if exit_status == 2 and _usage(stderr) and not stdout.strip():
        return "usage-error"
    return "bad-error"


def execute(case: Case, command: str, workdir: Path) -> tuple[str, int | None, str]:
    """Run one command on one case in this process: (category, exit status, message).

    The message is the last line of a traceback, stderr for an error, or empty.
    """
    from qfab.cli import main

    folder = Path(tempfile.mkdtemp(dir=workdir))
    try:
        scenario = folder / "scenario.yaml"
        scenario.write_bytes(case.file_bytes())
        argv = [command, str(scenario)]
        out: Path | None = None
        if command != "validate":
            out = {"fresh": folder / "out", "file": folder / "out",
                   "unwritable": UNWRITABLE}[case.out]
            if case.out == "file":
                out.write_text("a file in the way\n")
            argv += ["--out", str(out),
                     *(option.replace("{dir}", str(folder)) for option in case.options)]
        stdout: io.TextIOBase = _BrokenStdout() if case.stdout == "broken" else io.StringIO()
        stderr = io.StringIO()
        try:
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                status = main(argv)
        except SystemExit as exit_:  # argparse
            code = exit_.code
            status = code if isinstance(code, int) else (0 if code is None else 1)
        except BaseException as error:  # noqa: BLE001 - every escape is the finding
            del error
            lines = traceback.format_exc().strip().splitlines()
            return "traceback", None, lines[-1] if lines else "?"
        written = []
        if out is not None and case.out == "fresh" and out.is_dir():
            written = sorted(p.name for p in out.iterdir())
        # anything else in the case's folder (a --trace file, its temporary file)
        written += sorted(p.name for p in folder.iterdir() if p.name not in (
            "scenario.yaml", "out"))
        text = stdout.getvalue() if isinstance(stdout, io.StringIO) else ""
        category = classify(case, status, text, stderr.getvalue(), written, command)
        message = stderr.getvalue().strip()
        if category == "wrote-on-error":
            message = f"wrote {', '.join(written)}; {message}"
        return category, status, message[:500]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _serve(connection: Connection, workdir: str, memory_bytes: int | None) -> None:
    """Worker loop: receive (case, command), send (category, status, message, seconds)."""
    if memory_bytes is not None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    while True:
        job = connection.recv()
        if job is None:
            return
        case, command = job
        start = time.perf_counter()
        category, status, message = execute(case, command, Path(workdir))
        connection.send((category, status, message, time.perf_counter() - start))


@dataclass
class _Worker:
    process: Any
    connection: Connection
    job: tuple[Case, str] | None = None
    started: float = 0.0


class FuzzPool:
    """Worker processes that run jobs with a wall-time bound each.

    Parameters
    ----------
    workers
        Number of worker processes.
    timeout_s
        Wall-time bound of one command; a job past it is a ``hang`` and its worker is
        replaced.
    memory_mb
        Address-space limit of each worker (``None``: no limit), so that a case that asks for
        terabytes fails in the worker instead of swapping the machine.
    """

    def __init__(self, workers: int = 1, timeout_s: float = 10.0,
                 memory_mb: int | None = 4096) -> None:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self._context: Any = multiprocessing.get_context(method)
        self._count = workers
        self._timeout = timeout_s
        self._memory = None if memory_mb is None else memory_mb * 2**20
        self._folder = tempfile.TemporaryDirectory(prefix="qfab-fuzz-")
        self._workers: list[_Worker] = []

    def __enter__(self) -> FuzzPool:
        import qfab.cli  # noqa: F401  (imported once, before the workers fork)

        self._workers = [self._start() for _ in range(self._count)]
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self._workers:
            with contextlib.suppress(OSError):
                worker.connection.send(None)
        for worker in self._workers:
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        self._folder.cleanup()

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, daemon=True,
                                        args=(child, self._folder.name, self._memory))
        process.start()
        child.close()
        return _Worker(process, parent)

    def _replace(self, worker: _Worker) -> _Worker:
        worker.process.kill()
        worker.process.join()
        worker.connection.close()
        fresh = self._start()
        self._workers[self._workers.index(worker)] = fresh
        return fresh

    def run(self, jobs: Iterable[tuple[Case, str]]) -> Iterator[Outcome]:
        """Run every job; outcomes come in the order the jobs finish."""
        pending = iter(jobs)
        busy = 0

        def assign(worker: _Worker) -> bool:
            job = next(pending, None)
            if job is None:
                worker.job = None
                return False
            worker.job, worker.started = job, time.perf_counter()
            worker.connection.send(job)
            return True

        for worker in list(self._workers):
            busy += assign(worker)
        while busy:
            active = [w for w in self._workers if w.job is not None]
            now = time.perf_counter()
            soonest = min(w.started + self._timeout for w in active)
            ready = wait([w.connection for w in active], timeout=max(0.0, soonest - now))
            now = time.perf_counter()
            for worker in active:
                assert worker.job is not None
                case, command = worker.job
                outcome: Outcome | None = None
                if worker.connection in ready:
                    try:
                        category, status, message, seconds = worker.connection.recv()
                        outcome = Outcome(case, command, category, status, message, seconds)
                    except (EOFError, OSError):
                        worker.process.join(timeout=1)
                        code = worker.process.exitcode
                        elapsed = now - worker.started
                        worker = self._replace(worker)
                        outcome = Outcome(case, command, "crash", None,
                                          f"worker died (exit {code})", elapsed)
                elif now - worker.started >= self._timeout:
                    worker = self._replace(worker)
                    outcome = Outcome(case, command, "hang", None,
                                      f"still running after {self._timeout:g} s", self._timeout)
                if outcome is not None:
                    busy -= 1
                    yield outcome
                    busy += assign(worker)

    def run_one(self, case: Case, command: str) -> Outcome:
        """Run a single job."""
        return next(iter(self.run([(case, command)])))


def cpu_workers() -> int:
    """A worker count for this machine: the cores this process may use, at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
