"""``qfab plan-capacity FILE [--json] [--plot PNG]``: the cheapest cluster that meets a target.

Reads a capacity-plan file (:mod:`qfab.dqc.capacity_spec`), evaluates every configuration
of its search space (:func:`qfab.dqc.capacity.plan_capacity`) and prints the cheapest that
meets the target, the cost-makespan frontier, the link measurements (with the engine that
made each) and the whole table; ``--json`` prints
:meth:`~qfab.dqc.capacity.CapacityPlan.to_dict`, ``--plot PNG`` draws cost against makespan
with the frontier and the target (matplotlib). Progress goes to stderr once a search takes
more than a second. Exit status: 0 when a configuration meets the target, 1 when none does,
2 for bad input (one line on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qfab.dqc.capacity import CapacityPlan, Evaluation

__all__ = ["add_plan_capacity_command", "format_plan", "plot_plan"]

#: Seconds a search runs before progress lines appear on stderr.
_PROGRESS_AFTER_S = 1.0


def add_plan_capacity_command(commands: Any) -> None:
    """Add the ``plan-capacity`` subcommand to the parser's subcommands."""
    parser = commands.add_parser(
        "plan-capacity", help="find the cheapest cluster of QPU modules that meets a target",
        description="Evaluate every configuration of a search space (module count, data and "
                    "communication qubits per module, topology, link option) for a job mix or "
                    "a circuit, and report the cheapest that meets the makespan or success "
                    "target, the whole table and the cost-makespan frontier "
                    "(docs/dqc_capacity.md). Exit 1 when no configuration meets the target.")
    parser.add_argument("file", type=Path, help="capacity-plan YAML file")
    parser.add_argument("--json", action="store_true", help="print the JSON document")
    parser.add_argument("--plot", type=Path, metavar="PNG",
                        help="draw cost against makespan with the frontier (matplotlib)")
    parser.set_defaults(handler=_plan_capacity)


class _Progress:
    """Progress lines on stderr, once the search has run for a second (at most 4 a second)."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.shown = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.start < _PROGRESS_AFTER_S or (now - self.shown < 0.25 and done < total):
            return
        self.shown = now
        print(f"plan-capacity: {done}/{total} configurations ({now - self.start:.1f} s)",
              file=sys.stderr, flush=True)


def _plan_capacity(args: argparse.Namespace) -> int:
    from qfab.dqc.capacity import load_plan, plan_capacity  # noqa: PLC0415 (start-up time)

    spec = load_plan(args.file)
    plan = plan_capacity(spec, args.file.parent, progress=_Progress())
    if args.plot is not None:
        plot_plan(plan, args.plot)
    if args.json:
        print(json.dumps(plan.to_dict(), indent=2))
    else:
        print(format_plan(plan))
    return 0 if plan.chosen is not None else 1


def _row(e: Evaluation) -> str:
    c = e.config
    def num(value: float | None, fmt: str) -> str:
        return "-" if value is None else format(value, fmt)
    mark = "yes" if e.meets else ("-" if e.makespan is None else "no")
    return (f"{c.modules:>3} {c.qubits:>4} {c.communication_qubits:>4} {c.topology:<10} "
            f"{c.link:<10} {e.cost:>9.6g} {e.links:>3} {num(e.rate_hz, '.5g'):>9} "
            f"{num(e.makespan, '.5g'):>9} {num(e.lower_bound, '.5g'):>9} "
            f"{num(e.ebits, '.0f'):>7} {num(e.success_probability, '.4f'):>7} {mark:>4}"
            + (f"  {e.note}" if e.note else ""))


_HEADER = (f"{'mod':>3} {'qub':>4} {'comm':>4} {'topology':<10} {'link':<10} {'cost':>9} "
           f"{'lnk':>3} {'rate Hz':>9} {'makespan':>9} {'bound':>9} {'e-bits':>7} "
           f"{'success':>7} {'ok':>4}")


def format_plan(plan: CapacityPlan) -> str:
    """The plain-text report of a plan."""
    target = ", ".join(f"{key} {'<=' if key == 'makespan' else '>='} {value:g}"
                       + (" s" if key == "makespan" else "")
                       for key, value in plan.target.items())
    lines = [f"{plan.name or 'capacity plan'}: {len(plan.evaluations)} configurations, "
             f"target {target}"]
    if plan.chosen is None:
        lines.append("no configuration meets the target")
    else:
        c = plan.chosen.config
        lines.append(f"cheapest meeting the target: {c.modules} modules of {c.qubits} data "
                     f"qubits, {c.communication_qubits} communication qubits each, "
                     f"{c.topology}, link {c.link}: cost {plan.chosen.cost:g}")
    lines += ["", "link measurements (pair rate with the link's communication qubits):"]
    for name, rate in plan.measured:
        lines.append(f"  {name:<10} {rate.communication_qubits:>3} comm. qubits: "
                     f"{rate.rate_hz:.5g} pairs/s, fidelity {rate.fidelity:.4f} "
                     f"({rate.engine} engine, {rate.pairs} pairs)")
    if not plan.measured:
        lines.append("  none (every link option gives its rate per communication qubit)")
    lines += ["", "frontier (cost against makespan):", _HEADER]
    lines += [_row(e) for e in plan.frontier]
    lines += ["", "all configurations:", _HEADER]
    lines += [_row(e) for e in plan.evaluations]
    return "\n".join(lines)


def plot_plan(plan: CapacityPlan, path: Path) -> None:
    """Draw every configuration's cost against its makespan, the frontier and the target."""
    from qfab.errors import QfabError  # noqa: PLC0415

    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
        from matplotlib.figure import Figure  # noqa: PLC0415
    except ImportError:
        raise QfabError("--plot: needs matplotlib (pip install 'qfab[plot]')") from None
    figure = Figure(figsize=(6.4, 4.4), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    ran = [(e.cost, e.makespan, e.meets) for e in plan.evaluations if e.makespan is not None]
    for meets, colour, label in ((True, "tab:green", "meets the target"),
                                 (False, "tab:grey", "misses it")):
        points = [(cost, makespan) for cost, makespan, ok in ran if ok == meets]
        if points:
            axes.scatter([p[0] for p in points], [p[1] for p in points], s=18,
                         color=colour, label=label, zorder=2)
    front = [(e.cost, e.makespan) for e in plan.frontier if e.makespan is not None]
    if front:
        axes.step([p[0] for p in front], [p[1] for p in front],
                  where="post", color="tab:blue", label="frontier", zorder=1)
    if "makespan" in plan.target:
        axes.axhline(plan.target["makespan"], color="black", linestyle="--", linewidth=1,
                     label="target makespan")
    if plan.chosen is not None and plan.chosen.makespan is not None:
        axes.scatter([plan.chosen.cost], [plan.chosen.makespan], s=90, facecolors="none",
                     edgecolors="tab:red", linewidths=1.5, label="cheapest meeting it",
                     zorder=3)
    axes.set_xlabel("cost")
    axes.set_ylabel("makespan (s)")
    axes.set_yscale("log")
    axes.set_title(plan.name or "capacity plan")
    axes.legend(fontsize="small")
    try:
        figure.savefig(path, dpi=120)
    except OSError as error:
        raise QfabError(f"--plot: cannot write {path}: {error.strerror or error}") from None
