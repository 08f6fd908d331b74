"""Layer boundaries of the design, checked on the import statements of every module.

Every ``import`` counts: at the top of a module, inside a function (a lazy import) or under
``TYPE_CHECKING``; relative imports are resolved. A rule holds for what a module imports
directly and for everything that reaches in turn (the transitive closure over qfab's own
modules), so a boundary cannot be crossed through a module in between. Importing a
submodule is not counted as importing its parent package's ``__init__``: that is how Python
loads packages, not a dependency of the importing code.

The layers, from the bottom:

- ``sim`` (the event kernel) imports nothing from qfab outside itself;
- ``physics`` imports nothing from qfab outside itself, and has no clock and no randomness;
- ``spec`` (the scenario format) imports only ``spec``, ``units``, ``errors`` and ``heap``
  (when the garbage collector runs: stdlib only, as the other two);
- ``topology`` (topology generation and graph files) adds only ``spec`` to those;
- ``plugins`` (the registry of kinds that user packages add) sits on ``spec``;
- ``arrivals`` (the requests of arrival processes) sits on ``spec`` and the seeded streams
  (``rng``);
- ``tiers`` (the tier builders) sits on ``spec``, ``catalog`` and ``physics``;
- ``loading`` (read, expand, validate) adds only ``topology``, ``tiers``, ``arrivals`` and
  ``plugins``; only the entry points (``cli``, ``experiments``, the package itself) use
  ``topology``, ``arrivals`` and ``loading``;
- ``timing`` (node clocks, time transfer) imports only ``physics``, ``units`` and ``errors``;
- the closed-form and vectorized engines (``engines/analytic``, ``engines/chain_analytics``,
  ``engines/fast``), ``linkmodel`` and ``memorymodel`` never reach the event simulation (``sim``,
  ``hardware``, ``protocols``, ``quantum``).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "qfab"
HEAVY_OPTIONAL = {"dask", "cupy", "jax", "stim", "matplotlib", "qiskit", "torch", "tqdm",
                  "ldpc", "mtkahypar"}
SIMULATION = {"sim", "hardware", "protocols", "quantum"}
BASE = {"units", "errors", "heap"}


def _modules(subpackage: str = "") -> list[Path]:
    return sorted((PACKAGE / subpackage).rglob("*.py"))


def _name(path: Path) -> str:
    """Dotted module name of a file under the package (``qfab.engines.fast`` for its init)."""
    parts = ("qfab", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _exists(module: str) -> bool:
    relative = Path(*module.split(".")[1:]) if "." in module else Path()
    return ((PACKAGE / relative).with_suffix(".py").is_file()
            or (PACKAGE / relative / "__init__.py").is_file())


def _imports(path: Path, *, top_level_only: bool = False) -> set[str]:
    """Every module ``path`` imports, by absolute name (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    package = _name(path) if path.name == "__init__.py" else _name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            submodules = {f"{module}.{alias.name}" for alias in node.names
                          if module.startswith("qfab") and _exists(f"{module}.{alias.name}")}
            # "from qfab.engines import chain_analytics" imports the submodule only
            found.update(submodules if len(submodules) == len(node.names) else
                         submodules | {module})
    return found


def _qfab_imports(path: Path) -> set[str]:
    """The qfab modules ``path`` imports directly."""
    return {name for name in _imports(path)
            if name == "qfab" or name.startswith("qfab.")} - {_name(path)}


@cache
def _closure(module: str) -> frozenset[str]:
    """Every qfab module that ``module`` reaches through imports, itself excluded."""
    seen: set[str] = set()
    stack = [module]
    while stack:
        current = stack.pop()
        for imported in _qfab_imports(_file(current)):
            if imported not in seen and imported != module:
                seen.add(imported)
                stack.append(imported)
    return frozenset(seen)


def _file(module: str) -> Path:
    relative = Path(*module.split(".")[1:]) if "." in module else Path()
    candidate = (PACKAGE / relative).with_suffix(".py")
    return candidate if candidate.is_file() else PACKAGE / relative / "__init__.py"


def _layer(module: str) -> str:
    """The top-level part of qfab a module belongs to (``qfab`` for the package itself)."""
    return module.split(".")[1] if "." in module else "qfab"


def _reached_layers(path: Path) -> set[str]:
    return {_layer(module) for module in _closure(_name(path))}


def _ids(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


@pytest.mark.parametrize("path", _modules("sim"), ids=_ids)
def test_kernel_imports_nothing_from_qfab(path: Path) -> None:
    assert _reached_layers(path) <= {"sim"}
    assert "qfab" not in _imports(path)


@pytest.mark.parametrize("path", _modules("physics"), ids=_ids)
def test_physics_has_no_clock_and_no_randomness(path: Path) -> None:
    assert _reached_layers(path) <= {"physics"}
    assert "random" not in _imports(path) and "numpy.random" not in _imports(path)
    assert "np.random" not in path.read_text(encoding="utf-8")


CLOSED_FORM = [PACKAGE / "engines" / "analytic.py", PACKAGE / "engines" / "chain_analytics.py",
               PACKAGE / "linkmodel.py", PACKAGE / "memorymodel.py", *_modules("engines/fast")]


@pytest.mark.parametrize("path", CLOSED_FORM, ids=_ids)
def test_closed_form_and_fast_engines_do_not_use_the_simulation(path: Path) -> None:
    assert not _reached_layers(path) & SIMULATION


@pytest.mark.parametrize("path", _modules("spec"), ids=_ids)
def test_spec_imports_only_the_format_units_and_errors(path: Path) -> None:
    assert _reached_layers(path) <= {"spec"} | BASE


@pytest.mark.parametrize("path", _modules("timing"), ids=_ids)
def test_timing_sits_on_physics_units_and_errors(path: Path) -> None:
    """Clock models and the time-transfer Monte Carlo use the closed forms only."""
    assert _reached_layers(path) <= {"timing", "physics", "units", "errors"}


@pytest.mark.parametrize("path", _modules("topology"), ids=_ids)
def test_topology_generation_sits_on_the_format(path: Path) -> None:
    assert _reached_layers(path) <= {"topology", "spec"} | BASE


def test_loading_sits_on_topology_and_the_format() -> None:
    assert _reached_layers(PACKAGE / "loading.py") <= {"topology", "tiers", "arrivals",
                                                       "plugins", "spec", "rng", "catalog",
                                                       "physics"} | BASE


TIER_BUILDERS = [PACKAGE / "tiers" / f"{name}.py"
                 for name in ("build", "network", "nodal", "cluster", "metro", "wan",
                              "staging")]


@pytest.mark.parametrize("path", TIER_BUILDERS, ids=_ids)
def test_tier_builders_sit_on_the_format_the_catalog_and_physics(path: Path) -> None:
    """The tier builders write scenario documents from catalog presets (and the formulas
    that turn a published figure into a scenario field); they never reach an engine."""
    assert _reached_layers(path) <= {"tiers", "spec", "catalog", "physics"} | BASE


@pytest.mark.parametrize("path", _modules("catalog"), ids=_ids)
def test_the_catalog_reads_only_its_data(path: Path) -> None:
    """The hardware catalog is data and its loader; presets are resolved before validation."""
    assert _reached_layers(path) <= {"catalog"} | BASE


def test_arrivals_sit_on_the_format_and_the_streams() -> None:
    assert _reached_layers(PACKAGE / "arrivals.py") <= {"spec", "rng"} | BASE


def test_the_plugin_registry_sits_on_the_format() -> None:
    """Link models, memory models, applications and the planner look kinds up in the
    registry; it knows only the spec classes they extend."""
    assert _reached_layers(PACKAGE / "plugins.py") <= {"spec"} | BASE


@pytest.mark.parametrize("path", _modules(), ids=_ids)
def test_only_entry_points_load_scenarios(path: Path) -> None:
    users = {_layer(module) for module in _qfab_imports(path)} & {"topology", "arrivals",
                                                                   "loading"}
    if users:
        assert _layer(_name(path)) in {"topology", "arrivals", "loading", "cli", "experiments",
                                       "qfab"}


def test_the_checks_see_every_module_and_relative_imports() -> None:
    """The rules above would pass vacuously if the import parsing found nothing."""
    assert "qfab.sim.kernel" in _closure("qfab.sim")  # relative: from .kernel import ...
    assert "qfab.engines.chain_analytics" in _closure("qfab.engines.analytic")
    assert "qfab.physics" in {m.rsplit(".", 1)[0] for m in _closure("qfab.linkmodel")}
    assert {"qfab.topology", "qfab.spec.loader"} <= _closure("qfab.loading")
    assert SIMULATION <= {_layer(m) for m in _closure("qfab.engines.des")}


@pytest.mark.parametrize("path", _modules(), ids=_ids)
def test_heavy_optional_packages_are_imported_lazily(path: Path) -> None:
    top = {name.split(".")[0] for name in _imports(path, top_level_only=True)}
    assert not top & HEAVY_OPTIONAL


def test_no_module_level_random_generator() -> None:
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        assert "np.random.seed(" not in text and "random.seed(" not in text, path


@pytest.mark.parametrize("path", _modules("apps"), ids=_ids)
def test_applications_sit_above_physics_and_spec_only(path: Path) -> None:
    """Workloads use physics and the spec; the runtime and the engines call them, never the
    other way round (physics, spec and sim cannot import apps: see their own tests)."""
    assert _reached_layers(path) <= {"apps", "physics", "plugins", "spec"} | BASE
