"""The ``qfab sweep`` command.

``qfab sweep FILE [--set PATH=VALUES ...] [--engine E] [--seed N] -o results.parquet
[--executor serial|processes|dask] [--workers N] [--scheduler ADDRESS] [--dry-run]``

:func:`add_sweep_command` registers it on the ``qfab`` parser; its handler raises
:class:`~qfab.errors.QfabError` for user errors, which the ``qfab`` entry point prints on one
line with exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from qfab.argtypes import ENGINE_NAMES, EXECUTOR_NAMES, non_negative_int, positive_int

__all__ = ["add_sweep_command"]

_EPILOG = """\
values: a comma-separated list (--set 'nodes.alice.memory.t2=1 ms,10 ms,1 s'),
linspace(start, stop, num) or logspace(start, stop, num); endpoints may carry units
(--set 'links[0].length=linspace(1 km, 200 km, 16)'). A --set replaces the sweep
parameter of the same path or adds one.

Rerunning with the same -o skips the tasks already stored, so an interrupted sweep resumes.
Read the results with qfab.experiments.read_table and summarize, or any Parquet reader.
"""


def add_sweep_command(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``sweep`` to the subcommands of the ``qfab`` parser.

    Parameters
    ----------
    subparsers
        What :meth:`argparse.ArgumentParser.add_subparsers` returned. The new parser's
        ``handler`` default takes the parsed arguments and returns the exit status.
    """
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sweep", help="run a scenario over a grid of parameter values into a Parquet store",
        description="Run every point of a scenario's sweep block (and --set overrides),\n"
        "storing one row per task in a Parquet directory.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path, help="scenario YAML file (with or without 'sweep:')")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="PATH=VALUES", help="sweep PATH over VALUES (repeatable)")
    parser.add_argument("--engine", choices=ENGINE_NAMES,
                        help="engine to use (default: the scenario's 'engine')")
    parser.add_argument("--seed", type=non_negative_int, help="first seed (default: the "
                        "scenario's 'seed'); repeats use seed + 1, ...")
    parser.add_argument("-o", "--out", type=Path, required=True, metavar="results.parquet",
                        help="results directory; tasks already in it are skipped")
    parser.add_argument("--executor", choices=EXECUTOR_NAMES,
                        help="where tasks run (default: dask with --scheduler, processes with "
                        "--workers, else serial)")
    parser.add_argument("--workers", type=positive_int, metavar="N",
                        help="worker processes (processes, or a local Dask cluster; default: "
                        "one per CPU)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="address of a running Dask scheduler (implies --executor dask)")
    parser.add_argument("--dry-run", action="store_true",
                        help="list the tasks and how many are stored; run nothing")
    parser.set_defaults(handler=_sweep)
    return parser


def _sweep(args: argparse.Namespace) -> int:
    from qfab.errors import QfabError
    from qfab.experiments.store import ResultStore
    from qfab.experiments.sweep import read_document, run_sweep
    from qfab.experiments.tasks import expand_tasks

    executor = args.executor or ("dask" if args.scheduler else
                                 "processes" if args.workers else "serial")
    if args.scheduler and executor != "dask":
        raise QfabError("--scheduler: needs --executor dask")
    document = read_document(args.file)
    if args.dry_run:
        tasks = expand_tasks(document, base_dir=args.file.parent, engine=args.engine,
                             seed=args.seed, overrides=args.overrides)
        done = ResultStore(args.out).done_ids()
        for task in tasks:
            point = " ".join(f"{path}={value!r}" for path, value in task.params.items())
            mark = ("stored" if task.strong_id in done else
                    "to run" if task.unsupported is None else "unsupported")
            reason = f"  ({task.unsupported})" if mark == "unsupported" else ""
            print(f"{task.strong_id[:12]}  {mark:6}  {task.engine}  seed={task.seed}  {point}"
                  f"{reason}")
        stored = sum(task.strong_id in done for task in tasks)
        refused = sum(task.strong_id not in done and task.unsupported is not None
                      for task in tasks)
        print(f"{len(tasks)} tasks, {stored} stored, {len(tasks) - stored - refused} to run"
              + (f", {refused} unsupported by their engine" if refused else ""))
        return 0
    summary = run_sweep(document, base_dir=args.file.parent, engine=args.engine, seed=args.seed,
                        overrides=args.overrides, out=args.out, executor=executor,
                        workers=args.workers, scheduler=args.scheduler)
    for line in summary.unsupported:
        print(f"not run: {line}", file=sys.stdout)
    refused = summary.total - summary.run - summary.skipped
    print(f"{summary.total} tasks: {summary.run} run, {summary.skipped} already stored"
          + (f", {refused} unsupported by their engine" if refused else "")
          + f" -> {summary.out}", file=sys.stdout)
    return 0
