"""Start-up cost of the command line: ``qfab --help`` and ``qfab validate`` load only what they
use (the engines, NumPy, SciPy, matplotlib and Dask are imported by the handlers that need
them). Checked on module names, not on time, so that a busy machine cannot fail it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from qfab.argtypes import ENGINE_NAMES, EXECUTOR_NAMES

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

#: Top-level packages (and qfab modules) that building the parser must not import.
HEAVY_FOR_HELP = ("numpy", "scipy", "networkx", "pydantic", "pydantic_core", "yaml",
                  "matplotlib", "pyarrow", "dask", "tqdm", "qfab.engines", "qfab.spec",
                  "qfab.orchestrator", "qfab.sim", "qfab.physics", "qfab.loading",
                  "concurrent.futures")

#: What ``qfab validate`` of a plain chain must not import: it plans (on the orchestrator's
#: own graph code, no networkx), it runs nothing.
HEAVY_FOR_VALIDATE = ("scipy", "networkx", "matplotlib", "pyarrow", "dask", "tqdm",
                      "qfab.engines", "qfab.sim", "qfab.protocols", "qfab.hardware",
                      "qfab.quantum", "qfab.report.plots", "qfab.report.table")


def _imported(code: str) -> set[str]:
    """Names of the modules ``python -X importtime -c code`` imported (from its report)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code],
                          capture_output=True, text=True, check=True)
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            names.add(line.rsplit("|", 1)[1].strip())
    assert "qfab.cli" in names or "qfab.cli" not in code, done.stderr[-2000:]
    return names


def _loaded(names: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(name for name in names
                  if any(name == p or name.startswith(p + ".") for p in packages))


def test_importing_the_cli_loads_nothing_heavy() -> None:
    names = _imported("import qfab.cli")
    assert _loaded(names, HEAVY_FOR_HELP) == []


def test_help_builds_every_parser_without_heavy_modules() -> None:
    code = ("import contextlib, io\n"
            "from qfab.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n"
            "        main(['--help'])\n"
            "    except SystemExit:\n"
            "        pass\n"
            "for command in ('run', 'estimate', 'validate', 'plan', 'schema', 'plot', 'sweep',\n"
            "                'trace', 'catalog'):\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            "        try:\n"
            "            main([command, '--help'])\n"
            "        except SystemExit:\n"
            "            pass\n")
    names = _imported(code)
    assert "argparse" in names
    assert _loaded(names, HEAVY_FOR_HELP) == []


def test_validate_plans_without_loading_the_engines_or_plotting() -> None:
    path = EXAMPLES / "chain_9_nodes.yaml"
    code = f"from qfab.cli import main\nassert main(['validate', {str(path)!r}]) == 0\n"
    names = _imported(code)
    assert "qfab.orchestrator.planner" in names  # it does plan
    assert _loaded(names, HEAVY_FOR_VALIDATE) == []


@pytest.mark.parametrize(("names", "module", "attribute"), [
    (ENGINE_NAMES, "qfab.engines", "ENGINES"),
    (EXECUTOR_NAMES, "qfab.experiments.executors", "EXECUTORS"),
])
def test_the_names_written_out_for_the_parser_are_the_registered_ones(
        names: tuple[str, ...], module: str, attribute: str) -> None:
    import importlib

    assert tuple(sorted(names)) == tuple(sorted(getattr(importlib.import_module(module),
                                                        attribute)))


def test_reading_a_scenario_needs_no_numpy_and_no_graph_library() -> None:
    """Loading a scenario (fields, units, a generated topology) is pydantic and YAML only;
    NumPy arrives with planning (the physics of the link estimates), networkx never."""
    path = EXAMPLES / "chain_9_nodes.yaml"
    code = f"from qfab.loading import load_scenario\nload_scenario({str(path)!r})\n"
    names = _imported(code)
    assert "qfab.spec.models" in names
    assert _loaded(names, ("numpy", "networkx", "scipy")) == []
