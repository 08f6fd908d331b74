"""``qfab schedule FILE [--json]``: schedule a workload file's job mix on its cluster.

Reads a workload file (:mod:`qfab.dqc.workload_spec`), measures its link specs' pair rates
(:mod:`qfab.dqc.link_rates`), runs :func:`qfab.dqc.scheduler.schedule` and prints the
makespan with its lower bounds, the utilization per QPU, the mean wait per tenant, the time
spent waiting for pairs and the e-bits per link (``--json``:
:meth:`~qfab.dqc.scheduler_result.ScheduleResult.to_dict` plus ``links``, each link's rate
and the engine that gave it). Bad input is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qfab.dqc.scheduler_result import ScheduleResult
    from qfab.dqc.workload_spec import Workload

__all__ = ["add_schedule_command", "format_schedule"]


def add_schedule_command(commands: Any) -> None:
    """Add the ``schedule`` subcommand to the parser's subcommands."""
    parser = commands.add_parser(
        "schedule", help="schedule a job mix on a cluster of QPUs (a workload file)",
        description="Schedule tenants' jobs on QPUs joined by links (FIFO, shortest job "
                    "first or e-bit-aware) and report the makespan with its lower bounds, "
                    "utilization, waits and e-bits per link (docs/dqc_scheduler.md).")
    parser.add_argument("file", type=Path, help="workload YAML file (cluster, jobs, policy)")
    parser.add_argument("--json", action="store_true", help="print the JSON document")
    parser.set_defaults(handler=_schedule)


def _schedule(args: argparse.Namespace) -> int:
    from qfab.dqc.scheduler import schedule  # noqa: PLC0415 (start-up time)
    from qfab.dqc.workload_spec import load_workload  # noqa: PLC0415

    workload = load_workload(args.file)
    result = schedule(workload.jobs, workload.cluster, workload.policy, workload.seed)
    if args.json:
        links = {name: rate.to_dict() for name, rate in workload.links.items()}
        print(json.dumps({"name": workload.name, **result.to_dict(), "links": links},
                         indent=2))
    else:
        print(format_schedule(workload, result))
    return 0


def _shown(seconds: float) -> float:
    """A time for the table: rounding residue of the event arithmetic (< 1 ns) shown as 0."""
    return 0.0 if abs(seconds) < 1e-9 else seconds


def format_schedule(workload: Workload, result: ScheduleResult) -> str:
    """The plain-text report of a schedule."""
    bounds = result.lower_bounds()
    head = workload.name or "workload"
    lines = [f"{head}: {len(result.jobs)} jobs on {len(workload.cluster.qpus)} QPUs, "
             f"policy {result.policy}, seed {result.seed}",
             f"makespan      {result.makespan:.6g} s",
             f"lower bounds  critical path {bounds['critical_path']:.6g} s, busiest link "
             f"{bounds['link']:.6g} s, work {bounds['work']:.6g} s",
             f"mean wait     {result.mean_wait:.6g} s",
             f"pair wait     {_shown(result.pair_wait):.6g} s (summed over jobs)",
             "", "wait per tenant (mean):"]
    lines += [f"  {tenant:<12} {_shown(wait):.6g} s"
              for tenant, wait in result.wait_per_tenant().items()]
    lines += ["", f"{'QPU':<10} {'utilization':>11} {'idle s':>10}"]
    lines += [f"{name:<10} {use:>11.3f} {result.idle_time[name]:>10.4g}"
              for name, use in result.utilization.items()]
    lines += ["", f"{'link':<14} {'e-bits':>9} {'rate Hz':>10} {'busy s':>9} "
                  f"{'fidelity':>8}  source"]
    for name, rate in workload.links.items():
        ebits = result.ebits_per_link.get(name, 0.0)
        source = rate.engine if rate.engine == "given" else \
            f"{rate.engine} engine, {rate.communication_qubits} comm. qubits"
        lines.append(f"{name:<14} {ebits:>9.0f} {rate.rate_hz:>10.5g} "
                     f"{ebits / rate.rate_hz:>9.4g} {rate.fidelity:>8.4f}  {source}")
    return "\n".join(lines)
