"""Layer boundaries of the design: checked on the import statements of every module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "qfab"
HEAVY_OPTIONAL = {"dask", "cupy", "jax", "stim", "matplotlib", "qiskit", "torch", "tqdm"}


def _modules(subpackage: str = "") -> list[Path]:
    return sorted((PACKAGE / subpackage).rglob("*.py"))


def _imports(path: Path, *, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _qfab_layers(path: Path) -> set[str]:
    return {name.split(".")[1] for name in _imports(path)
            if name.startswith("qfab.") and name.count(".") >= 1}


@pytest.mark.parametrize("path", _modules("sim"), ids=lambda p: p.name)
def test_kernel_imports_nothing_from_qfab(path: Path) -> None:
    assert not {name for name in _imports(path) if name == "qfab" or name.startswith("qfab.")}


@pytest.mark.parametrize("path", _modules("physics"), ids=lambda p: p.name)
def test_physics_has_no_clock_and_no_randomness(path: Path) -> None:
    assert _qfab_layers(path) <= {"physics"}
    assert "random" not in _imports(path) and "numpy.random" not in _imports(path)
    assert "np.random" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", [PACKAGE / "engines" / "analytic.py",
                                  PACKAGE / "linkmodel.py"], ids=lambda p: p.name)
def test_closed_form_engines_do_not_use_the_simulation(path: Path) -> None:
    assert not _qfab_layers(path) & {"sim", "hardware", "protocols", "quantum"}


@pytest.mark.parametrize("path", _modules("spec"), ids=lambda p: p.name)
def test_spec_does_not_depend_on_engines_or_physics(path: Path) -> None:
    allowed = {"spec", "units", "errors"}
    imports = _imports(path)
    if "qfab.experiments.sweep_spec" in imports:  # the sweep block is part of the format
        allowed.add("experiments")
    assert _qfab_layers(path) <= allowed


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_heavy_optional_packages_are_imported_lazily(path: Path) -> None:
    top = {name.split(".")[0] for name in _imports(path, top_level_only=True)}
    assert not top & HEAVY_OPTIONAL


def test_no_module_level_random_generator() -> None:
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        assert "np.random.seed(" not in text and "random.seed(" not in text, path


@pytest.mark.parametrize("path", _modules("apps"), ids=lambda p: p.name)
def test_applications_sit_above_physics_and_spec_only(path: Path) -> None:
    """Workloads use physics and the spec; the runtime and the engines call them, never the
    other way round (physics, spec and sim cannot import apps: see their own tests)."""
    assert _qfab_layers(path) <= {"apps", "physics", "spec", "units", "errors"}
