"""Command line: ``qfab run | estimate | sweep | plot | validate | plan | schema | trace |
budget | catalog | partition | schedule | plan-capacity``.

User errors (bad scenario, bad option) print one line on stderr and exit with status 2. A
``run`` or ``estimate`` that stalled (no pending event could bring any request another pair:
a deadlock) prints its table with a ``STALLED`` line, writes its results as usual and exits
with status 3 (:data:`EXIT_STALLED`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from qfab import __version__
from qfab.argtypes import ENGINE_NAMES, non_negative_int, positive_int
from qfab.catalog.command import add_catalog_command
from qfab.dqc.capacity_command import add_plan_capacity_command
from qfab.dqc.command import add_partition_command
from qfab.dqc.schedule_command import add_schedule_command
from qfab.errors import QfabError, ScenarioError
from qfab.experiments.cli import add_sweep_command
from qfab.filemode import new_file_mode
from qfab.report.plot_command import add_plot_command
from qfab.tracing.command import add_trace_command

if TYPE_CHECKING:
    from qfab.engines import ProgressCallback
    from qfab.spec.models import ScenarioSpec
    from qfab.tracing.files import TraceFile

# Start-up time: ``qfab --help`` and ``qfab validate`` must not pay for the engines, NumPy,
# SciPy or matplotlib. Modules beyond argparse are imported inside the handlers that need
# them (tests/unit/cli/test_cli_startup.py checks which modules ``import qfab.cli`` loads).

__all__ = ["EXIT_STALLED", "main"]

#: Exit status of a run that stalled (see :class:`qfab.engines.result.StallResult`).
EXIT_STALLED = 3

#: Fast-engine options (attribute -> flag): only the fast engine takes them; another engine
#: would ignore them, so the command refuses them there.
_FAST_OPTIONS = {"shots": "--shots", "target_rel_error": "--rel-error", "device": "--device"}

#: Seconds a run must last before a progress bar appears.
_PROGRESS_DELAY_S = 1.5


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``qfab`` command; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except QfabError as error:
        print(f"qfab: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader went away (``qfab run X --json | head``): stop quietly, as shells expect
        _silence_stdout()
        return 141
    except KeyboardInterrupt:
        print("qfab: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qfab", description="Model, simulate and orchestrate quantum networks.")
    parser.add_argument("--version", action="version", version=f"qfab {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run_parser = commands.add_parser("run", help="run a scenario and print its results")
    run_parser.add_argument("file", type=Path, help="scenario YAML file")
    run_parser.add_argument("--engine", choices=ENGINE_NAMES,
                            help="engine to use (default: the scenario's 'engine')")
    run_parser.add_argument("--seed", type=non_negative_int,
                            help="seed (default: the scenario's 'seed')")
    run_parser.add_argument("--json", action="store_true", help="print the JSON result document")
    run_parser.add_argument("--out", type=Path, metavar="DIR",
                            help="also write result.json and summary.txt into DIR")
    _add_report_option(run_parser)
    run_parser.add_argument("--key-store", type=Path, metavar="FILE",
                            help="write the final keys of the qkd requests (engine des) into "
                                 "a new SQLite key store FILE (qfab.kms.KeyStore(FILE))")
    _add_trace_options(run_parser.add_argument_group(
        "event trace", "only with the event simulation (engine des); read it with qfab trace"))
    _add_fast_options(run_parser)
    run_parser.set_defaults(handler=_run)

    estimate_parser = commands.add_parser(
        "estimate", help="run a scenario on the fast engine (vectorized Monte Carlo)")
    estimate_parser.add_argument("file", type=Path, help="scenario YAML file")
    estimate_parser.add_argument("--seed", type=non_negative_int,
                                 help="seed (default: the scenario's 'seed')")
    estimate_parser.add_argument("--json", action="store_true",
                                 help="print the JSON result document")
    estimate_parser.add_argument("--out", type=Path, metavar="DIR",
                                 help="also write result.json and summary.txt into DIR")
    _add_report_option(estimate_parser)
    _add_fast_options(estimate_parser)
    # the fast engine has no event trace: taken (and not shown) only to refuse it in one line
    _add_trace_options(estimate_parser, hidden=True)
    estimate_parser.set_defaults(handler=_run, engine="fast")

    validate_parser = commands.add_parser(
        "validate", help="check a scenario file and plan it (as run and plan do)",
        description="Check a scenario file: its fields, and that the orchestrator can plan "
                    "every request (paths, purification, qubits, min_fidelity), as 'qfab run' "
                    "and 'qfab plan' would. Exit status 2 with one line on the first problem. "
                    "Whether an engine models every parameter is for 'qfab run --engine E' "
                    "to say (a scenario may suit one engine and not another).")
    validate_parser.add_argument("file", type=Path, help="scenario YAML file")
    validate_parser.set_defaults(handler=_validate)

    plan_parser = commands.add_parser(
        "plan", help="print the orchestrator's plan (paths, rule sets per node) as JSON")
    plan_parser.add_argument("file", type=Path)
    plan_parser.set_defaults(handler=_plan)

    schema_parser = commands.add_parser("schema", help="print the scenario JSON Schema")
    schema_parser.set_defaults(handler=_schema)

    budget_parser = commands.add_parser(
        "budget", help="per link: each stage's efficiency (linear, dB) and noise, the success "
                       "probability, rate, fidelity and the PLOB ceiling",
        description="Link budgets of a scenario: for every link, each stage of its model "
                    "(emitter, fiber to the midpoint, detector, ...) with its efficiency in "
                    "linear and dB and the noise it adds, then the link's success "
                    "probability, pair rate and fidelity (the analytic engine's figures) "
                    "and the PLOB bound of its fiber for comparison (docs/budget.md).")
    budget_parser.add_argument("file", type=Path, help="scenario YAML file")
    budget_parser.add_argument("--json", action="store_true", help="print the JSON document")
    budget_parser.set_defaults(handler=_budget)

    add_plot_command(commands)
    add_sweep_command(commands)
    add_trace_command(commands)
    add_catalog_command(commands)
    add_partition_command(commands, _load_scenario)
    add_schedule_command(commands)
    add_plan_capacity_command(commands)
    return parser


def _load_scenario(path: Path) -> ScenarioSpec:
    """A scenario file, read and validated (for subcommands that take one as an option)."""
    from qfab.loading import load_scenario

    return load_scenario(path)


def _add_report_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--report", type=Path, metavar="DIR",
                        help="also write a report into DIR: index.html (one self-contained "
                             "page: summary tables, link budgets, plots, topology by tier), "
                             "the figures as PNG and result.json (docs/report.md)")


def _add_trace_options(group: argparse._ActionsContainer, *, hidden: bool = False) -> None:
    group.add_argument("--trace", type=Path, metavar="PATH",
                       help=argparse.SUPPRESS if hidden else
                       "write one record per event (herald, swap, purification, delivery, "
                       "discard, request start/finish, stall) to PATH: JSON lines, or "
                       "Parquet if PATH ends in .parquet; an existing file is replaced")
    group.add_argument("--trace-limit", type=positive_int, metavar="N",
                       help=argparse.SUPPRESS if hidden else
                       "record at most N events (a trace takes about 170 bytes per event)")


def _add_fast_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "fast engine", "only with the fast engine; any other engine refuses them")
    group.add_argument("--shots", type=int, help="runs of each request per batch")
    group.add_argument("--rel-error", type=float, dest="target_rel_error",
                       help="sample until the rate's 95%% interval is this relative error")
    group.add_argument("--device", choices=["cpu", "gpu"], help="array backend")


def _with_fast_options(spec: ScenarioSpec, args: argparse.Namespace) -> ScenarioSpec:
    """The scenario with the command line's fast-engine options applied.

    Raises
    ------
    QfabError
        A fast-engine option given for another engine (which would ignore it), or an
        out-of-range value.
    """
    from pydantic import ValidationError

    from qfab.spec.models import FastSpec

    changes = {key: getattr(args, key) for key in _FAST_OPTIONS
               if getattr(args, key, None) is not None}
    if not changes:
        return spec
    engine = args.engine or spec.engine
    if engine != "fast":
        given = ", ".join(_FAST_OPTIONS[key] for key in changes)
        raise QfabError(f"{given}: only the fast engine takes this; engine {engine} would "
                        f"ignore it (use --engine fast or qfab estimate)")
    try:
        fast = FastSpec.model_validate({**spec.fast.model_dump(), **changes})
    except ValidationError as error:
        detail = error.errors()[0]
        option = {"target_rel_error": "rel-error"}.get(str(detail["loc"][0]), detail["loc"][0])
        raise QfabError(f"--{option}: {detail['msg'].lower()}") from None
    return spec.model_copy(update={"fast": fast})


def _run(args: argparse.Namespace) -> int:
    from qfab.engines import run
    from qfab.loading import load_scenario
    from qfab.report.table import format_result

    trace_path: Path | None = getattr(args, "trace", None)
    if trace_path is None and getattr(args, "trace_limit", None) is not None:
        raise QfabError("--trace-limit: needs --trace PATH")
    if trace_path is not None:
        _check_trace(trace_path, args)
    if args.out is not None:
        _check_out_dir(args.out)  # before the run, so that an error writes nothing
    report_dir: Path | None = getattr(args, "report", None)
    if report_dir is not None:
        _check_report(report_dir, args)
    # the seed is the scenario's before loading, so that arrivals are drawn with it too
    spec = _with_fast_options(load_scenario(args.file, seed=args.seed), args)
    if trace_path is not None and (args.engine or spec.engine) != "des":
        raise QfabError(f"--trace: the event trace records the event simulation (engine "
                        f"des); engine {args.engine or spec.engine} has no events to record")
    key_store: Path | None = getattr(args, "key_store", None)
    if key_store is not None:
        _check_key_store(key_store, spec, args.engine or spec.engine)
    with _trace_file(trace_path) as trace:
        # each engine's run refuses with its supports() reason before simulating, well
        # within the progress bar's delay: no separate check (it would plan the network twice)
        with _progress_bar() as progress:
            result = run(spec, engine=args.engine, seed=args.seed, progress=progress,
                         trace=trace, trace_limit=getattr(args, "trace_limit", None))
        # the JSON document only when it is printed or written (a large network's is large)
        document = json.dumps(result.to_dict(), indent=2) if args.json or args.out else ""
        summary = format_result(result)
        if args.out is not None:
            try:
                _write_atomically(args.out, {"result.json": document + "\n",
                                             "summary.txt": summary + "\n"})
            except OSError as error:
                raise QfabError(f"--out: cannot write into {args.out}: "
                                f"{error.strerror or error}") from None
        if report_dir is not None:
            from qfab.report.folder import ReportError, write_report

            try:
                write_report(report_dir, spec, result, source=str(args.file))
            except ReportError as error:
                raise QfabError(f"--report: {error}") from None
        if trace is not None:
            trace.commit()
        if key_store is not None and result.key_store is not None:
            try:
                result.key_store.save(key_store)
            except OSError as error:
                raise QfabError(f"--key-store: cannot write {key_store}: "
                                f"{error.strerror or error}") from None
    print(document if args.json else summary)
    return EXIT_STALLED if result.stalled is not None else 0


def _check_report(directory: Path, args: argparse.Namespace) -> None:
    """Refuse, before anything runs, a report folder that could not be written
    (:func:`qfab.report.folder.check_report_dir`) or that ``--out`` writes into too."""
    from qfab.report.folder import ReportError, check_report_dir

    if args.out is not None and directory.absolute() == args.out.absolute():
        raise QfabError(f"--report: {directory} is where --out writes its results (a report "
                        "needs a folder of its own)")
    try:
        check_report_dir(directory)
    except ReportError as error:
        raise QfabError(f"--report: {error}") from None


def _check_key_store(path: Path, spec: ScenarioSpec, engine: str) -> None:
    """Refuse, before anything runs, a key store that would stay empty or overwrite a file."""
    if engine != "des":
        raise QfabError(f"--key-store: the event simulation (engine des) produces keys; "
                        f"engine {engine} gives expected key rates only")
    if not any(getattr(request, "kind", None) == "qkd" for request in spec.requests):
        raise QfabError("--key-store: the scenario has no qkd request: no keys to store")
    if path.exists():
        raise QfabError(f"--key-store: {path} exists (a key store is written to a new file)")
    if not path.absolute().parent.is_dir():
        raise QfabError(f"--key-store: no directory {path.absolute().parent}")


def _check_trace(path: Path, args: argparse.Namespace) -> None:
    """Refuse, before anything runs, a trace that could not be written or would record
    nothing.

    Raises
    ------
    QfabError
        Another engine than des asked for on the command line, a destination that cannot
        be written (:func:`qfab.tracing.files.check_trace_target`), or one that ``--out``
        writes too.
    """
    from qfab.tracing.files import check_trace_target

    if args.engine not in (None, "des"):
        raise QfabError(f"--trace: the event trace records the event simulation (engine "
                        f"des); engine {args.engine} has no events to record")
    check_trace_target(path)
    if args.out is not None and path.absolute() in {
            args.out.absolute(), *(args.out.absolute() / name
                                   for name in ("result.json", "summary.txt"))}:
        raise QfabError(f"--trace: {path} is where --out writes its results")


@contextmanager
def _trace_file(path: Path | None) -> Iterator[TraceFile | None]:
    """The trace being written to ``path`` (``None``: no trace); dropped unless committed."""
    if path is None:
        yield None
        return
    from qfab.tracing.files import open_trace_file

    with open_trace_file(path) as trace:
        yield trace


def _validate(args: argparse.Namespace) -> int:
    from qfab.loading import load_scenario
    from qfab.orchestrator import plan_network
    from qfab.spec.arrivals import in_arrival_terms, is_generated

    spec = load_scenario(args.file)
    network = spec.entanglement_part()  # fiber links and their bb84 requests are not planned
    try:
        if network is not None:
            plan_network(network)  # what run and plan refuse: no path, too few qubits, ...
    except QfabError as error:
        raise in_arrival_terms(error, spec.requests) from None
    generated = sum(1 for request in spec.requests if is_generated(request.name))
    arrivals = (f", {generated} of them from {len(spec.arrivals)} arrival "
                f"process{'es' if len(spec.arrivals) != 1 else ''}" if spec.arrivals else "")
    print(f"{args.file}: valid scenario {spec.name!r} ({len(spec.nodes)} nodes, "
          f"{len(spec.links)} links, {len(spec.requests)} requests{arrivals})")
    return 0


def _plan(args: argparse.Namespace) -> int:
    from qfab.loading import load_scenario
    from qfab.orchestrator import plan_network
    from qfab.spec.arrivals import in_arrival_terms

    spec = load_scenario(args.file)
    network = spec.entanglement_part()
    if network is None:
        raise ScenarioError("links", "only fiber links and satellite downlinks or uplinks: "
                            "there is no entanglement to plan (the qkd and clock_sync "
                            "requests over them need no plan)")
    try:
        plan = plan_network(network)  # without fiber links and bb84 requests: numbered anew
    except QfabError as error:
        raise in_arrival_terms(error, spec.requests) from None
    print(plan.model_dump_json(indent=2))
    return 0


def _schema(args: argparse.Namespace) -> int:
    from qfab import plugins
    from qfab.spec import scenario_json_schema

    del args
    print(json.dumps(scenario_json_schema(plugins.scenario_model()), indent=2))
    return 0


def _budget(args: argparse.Namespace) -> int:
    from qfab.loading import load_scenario
    from qfab.report.budget import budget_document, format_budgets, link_budgets

    spec = load_scenario(args.file)
    budgets = link_budgets(spec)
    print(json.dumps(budget_document(budgets), indent=2) if args.json
          else format_budgets(budgets))
    return 0


@contextmanager
def _progress_bar() -> Iterator[ProgressCallback | None]:
    """A progress bar on stderr that appears only for runs longer than a moment."""
    if not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    with tqdm(total=1000, delay=_PROGRESS_DELAY_S, leave=False, file=sys.stderr,
              bar_format="{l_bar}{bar}| {elapsed}<{remaining}") as bar:
        def update(fraction: float) -> None:
            bar.update(max(0, round(fraction * 1000) - bar.n))
        yield update


def _check_out_dir(directory: Path) -> None:
    """Refuse an ``--out`` that is not a directory that exists or could be created and written.

    Raises
    ------
    QfabError
        Naming the problem (a file in the way, a parent that is not a directory, no write
        permission).
    """
    if directory.exists():
        if not directory.is_dir():
            raise QfabError(f"--out: {directory} exists and is not a directory")
        if not os.access(directory, os.W_OK | os.X_OK):
            raise QfabError(f"--out: cannot write into {directory} (permission denied)")
        return
    parent = directory.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise QfabError(f"--out: cannot create {directory}: {parent} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise QfabError(f"--out: cannot create {directory} in {parent} (permission denied)")


def _silence_stdout() -> None:
    """Point stdout at the null device, so that flushing it at exit raises no second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _write_atomically(directory: Path, files: dict[str, str]) -> None:
    """Write all files or none: each goes to a temporary file first, then is renamed."""
    directory.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        mode = new_file_mode()
        for name, text in files.items():
            handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                os.chmod(temporary, mode)  # mkstemp makes files 0600; results are ordinary
                stream.write(text)
            staged.append((temporary, directory / name))
        for temporary, final in staged:
            os.replace(temporary, final)
    finally:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
