"""Key management sits on the standard library, NumPy and qfab.errors only.

Nothing else in qfab is imported (directly, lazily or under TYPE_CHECKING), so the key store
can serve the REST service and the QKD applications without pulling in the engines.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

KMS = Path(__file__).resolve().parents[3] / "src" / "qfab" / "kms"
ALLOWED_QFAB = {"qfab.errors"}
ALLOWED_THIRD_PARTY = {"numpy"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            # relative imports stay inside the package
            found.add("qfab.kms" if node.level else node.module or "")
    return found


MODULES = sorted(KMS.glob("*.py"))


def test_the_package_is_there() -> None:
    assert {path.name for path in MODULES} >= {"__init__.py", "store.py", "relay.py"}


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_kms_imports_only_the_standard_library_numpy_and_errors(path: Path) -> None:
    for name in _imports(path):
        top = name.split(".")[0]
        if top == "qfab":
            assert name in ALLOWED_QFAB or name == "qfab.kms" or name.startswith("qfab.kms."), \
                name
        else:
            assert top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY, name
