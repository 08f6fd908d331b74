"""Extension points: a plugin package adds kinds without editing qfab (:mod:`qfab.plugins`).

The example plugin in ``examples/plugins/qfab-example-plugin`` is used twice: registered
explicitly in this process, and installed with pip into a scratch folder and found through
its entry point by a fresh ``qfab`` process.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pytest

import qfab
from qfab.errors import QfabError, ScenarioError
from qfab.loading import load_scenario, parse_scenario
from qfab.orchestrator.planner import plan_network
from qfab.plugins import PluginError, registry
from qfab.spec.models import ScenarioSpec
from qfab.spec.requests import PairRequestSpec

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "examples" / "plugins" / "qfab-example-plugin"
SCENARIO = PLUGIN / "scenario.yaml"


@pytest.fixture
def example() -> Iterator[Any]:
    """The example plugin registered explicitly, undone afterwards."""
    sys.path.insert(0, str(PLUGIN / "src"))
    try:
        import qfab_example_plugin

        with registry().scope() as found:
            qfab_example_plugin.plugin(found)
            yield qfab_example_plugin
    finally:
        sys.path.remove(str(PLUGIN / "src"))


def _expected(spec: Any) -> tuple[float, float]:
    """Closed forms for the example scenario: a midpoint source behind 20 km of fiber.

    Rate: geometric waiting, p / period with p = source_success * 10^(-alpha L / 10) and
    period = cycle_time + L / c. Fidelity: both qubits of the Werner pair (characters
    (1, w, w, w), w = (4F0 - 1)/3) dephase for the heralding delay L / c, which scales the
    two characters that T2 governs by e = exp(-2 L / (c T2)): F = (1 + w + 2 w e) / 4.
    """
    link = spec.links[0]
    delay = link.length / link.fiber.speed
    p = link.source_success * 10 ** (-link.fiber.attenuation * link.length / 10)
    w = (4 * link.fidelity - 1) / 3
    decay = math.exp(-2 * delay / spec.nodes["alice"].memory.t2)
    return p / (link.cycle_time + delay), (1 + w + 2 * w * decay) / 4


def test_registered_kinds_load_and_run_on_every_engine(example: Any) -> None:
    """Link kind, memory kind, application and routing policy all take effect: the rate and
    fidelity follow the plugin's physics (5 standard errors of the sampled engines), and the
    CHSH figure is 2 sqrt(2) (4F - 1) / 3 of the delivered fidelity."""
    spec = load_scenario(SCENARIO)
    assert isinstance(spec, ScenarioSpec)
    rate, fidelity = _expected(spec)
    pairs = spec.requests[0].pairs
    for engine in ("analytic", "fast", "des"):
        assert qfab.supports(spec, engine=engine), engine
        request = qfab.run(spec, engine=engine, seed=2).requests[0]
        assert request.path == ["alice", "bob"]
        tolerance = 1e-9 if engine == "analytic" else 5 / math.sqrt(pairs)
        assert request.rate_hz == pytest.approx(rate, rel=tolerance), engine
        assert request.fidelity == pytest.approx(fidelity, abs=1e-9), engine
        assert request.chsh_s == pytest.approx(2 * math.sqrt(2) * (4 * fidelity - 1) / 3, abs=1e-9)


def test_the_routing_policy_chooses_the_paths(example: Any) -> None:
    """On a ring of four, the default routing may pick either way round; fewest_hops picks
    the direct link even when it is far worse."""
    document = {
        "qfab": 1, "duration": "1 s",
        "nodes": {name: {"memory": {"qubits": 2}} for name in "abcd"},
        "links": [{"kind": "depolarizing", "between": list(pair), "fidelity": 0.99,
                   "success_probability": p, "cycle_time": "1 ms"}
                  for pair, p in (("ab", 0.5), ("bc", 0.5), ("cd", 0.5), ("da", 0.001))],
        "requests": [{"kind": "entanglement", "between": ["a", "d"], "pairs": 1}],
    }
    default = plan_network(parse_scenario(document)).requests[0].path
    document["policy"] = {"routing": "fewest_hops"}
    chosen = plan_network(parse_scenario(document)).requests[0].path
    assert default == ["a", "b", "c", "d"] and chosen == ["a", "d"]


def test_unknown_names_are_clear_errors(example: Any) -> None:
    base = qfab.load(SCENARIO).model_dump()
    with pytest.raises(ScenarioError, match=r"policy\.routing: unknown routing policy 'widest'"):
        qfab.run({**base, "policy": {"routing": "widest"}}, engine="analytic")
    wrong = {**base, "links": [{**base["links"][0], "kind": "lossy_wernr"}]}
    with pytest.raises(ScenarioError, match=r"links\[0\]"):
        parse_scenario(wrong)


def test_without_the_plugin_its_kinds_are_unknown() -> None:
    with pytest.raises(ScenarioError, match=r"nodes\.alice\.memory|links\[0\]|requests\[0\]"):
        load_scenario(SCENARIO)


def test_registration_refuses_built_in_names_and_non_specs() -> None:
    class Shadow(PairRequestSpec):
        kind: Literal["entanglement"] = "entanglement"

    with registry().scope() as found:
        with pytest.raises(PluginError, match="built into qfab"):
            found.register(Shadow, object)
        with pytest.raises(PluginError, match="not a link, memory or request spec"):
            found.register(int, object)
        with pytest.raises(PluginError, match="built into qfab"):
            found.register("default", lambda *args: [])
    assert isinstance(PluginError("x"), QfabError)


def test_the_example_package_installs_and_is_found_by_its_entry_point(tmp_path: Path) -> None:
    """pip installs the example plugin; a fresh qfab process finds it through the
    ``qfab.plugins`` entry point and runs its scenario."""
    source = tmp_path / "plugin"  # built from a copy: no build files land in the checkout
    shutil.copytree(PLUGIN, source, ignore=shutil.ignore_patterns("*.egg-info", "build"))
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(target), str(source)],
        capture_output=True, text=True, timeout=240)
    assert install.returncode == 0, install.stderr
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(target), *filter(None, [os.environ.get("PYTHONPATH")])])}
    run = subprocess.run(
        [sys.executable, "-c", "import sys; from qfab.cli import main; sys.exit(main())",
         "run", str(SCENARIO), "--engine", "analytic", "--json"],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    request = json.loads(run.stdout)["requests"][0]
    assert request["kind"] == "chsh" and request["chsh_s"] > 2
