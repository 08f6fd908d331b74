"""qfab.testing ships with the package but stays out of its import path.

Its strategies need hypothesis, a test dependency: no other module of qfab may import
qfab.testing or hypothesis, so importing qfab (or running the command line) never needs it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.architecture.test_layers import (
    PACKAGE,
    _closure,
    _file,
    _ids,
    _imports,
    _modules,
    _name,
)

OUTSIDE = [path for path in _modules() if "testing" not in path.relative_to(PACKAGE).parts]


@pytest.mark.parametrize("path", OUTSIDE, ids=_ids)
def test_no_module_imports_the_testing_tools(path: Path) -> None:
    reached = _closure(_name(path)) | {_name(path)}
    assert not {m for m in reached if m.startswith("qfab.testing")}
    assert not {m.split(".")[0] for m in _imports(path)} & {"hypothesis"}


def test_the_runner_and_mutations_do_not_need_hypothesis() -> None:
    """bench/fuzz.py and the runner work without hypothesis (only strategies needs it)."""
    for module in ("qfab.testing.runner", "qfab.testing.mutations"):
        reached = _closure(module)
        assert "qfab.testing.strategies" not in reached
        assert "hypothesis" not in {m.split(".")[0] for m in _imports(_file(module))}


def test_importing_qfab_and_its_cli_loads_no_hypothesis() -> None:
    code = ("import sys, qfab, qfab.cli, qfab.testing; "
            "sys.exit(1 if 'hypothesis' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
