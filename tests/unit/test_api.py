"""The package-level Python API: ``qfab.load``, ``qfab.scenario`` and ``qfab.run``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import qfab
from qfab.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[2]

TWO_NODES = {
    "qfab": 1, "duration": "10 s",
    "nodes": {"alice": {}, "bob": {}},
    "links": [{"kind": "depolarizing", "between": ["alice", "bob"], "fidelity": 0.9,
               "success_probability": 0.2, "cycle_time": "1 ms"}],
    "requests": [{"kind": "entanglement", "between": ["alice", "bob"], "pairs": 400}],
}


def test_a_scenario_built_in_python_runs_on_every_engine() -> None:
    """A link of success probability 0.2 every 1 ms delivers Werner pairs of F = 0.9 at
    200 Hz (geometric waiting time, mean period / p); the sampled engines agree within
    five standard errors of the rate's estimate (relative error 1/sqrt(pairs))."""
    spec = qfab.scenario(TWO_NODES)
    for engine in ("analytic", "fast", "des"):
        request = qfab.run(spec, engine=engine, seed=3).requests[0]
        assert request.fidelity == pytest.approx(0.9, abs=1e-12)
        assert request.rate_hz is not None
        tolerance = 0.0 if engine == "analytic" else 5 / (400 ** 0.5)
        assert request.rate_hz == pytest.approx(200.0, rel=tolerance + 1e-12)


def test_run_accepts_a_mapping_and_a_file_name() -> None:
    by_mapping = qfab.run(TWO_NODES, engine="des", seed=5)
    by_path = qfab.run(ROOT / "examples" / "depolarizing_link.yaml", engine="analytic")
    assert by_mapping.engine == "des" and by_mapping.requests[0].delivered == 400
    assert qfab.load(ROOT / "examples" / "depolarizing_link.yaml").name == by_path.scenario


def test_bad_data_names_the_field() -> None:
    broken = {**TWO_NODES, "links": [{**TWO_NODES["links"][0], "fidelity": 1.5}]}
    with pytest.raises(ScenarioError, match=r"links\[0\]\.fidelity"):
        qfab.scenario(broken)


def test_the_readme_python_example_runs() -> None:
    """The README's Python study is real code: it runs as printed, in at most 10 lines."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Python API.*?```python\n(.*?)```", readme, re.S)
    assert block is not None, "README has a '## Python API' section with a python block"
    code = block.group(1)
    assert len([line for line in code.splitlines() if line.strip()]) <= 10
    exec(compile(code, "README.md", "exec"), {})


def test_supports_says_which_engines_run_a_scenario() -> None:
    buffered = {**TWO_NODES, "policy": {"buffer": 2}}
    assert qfab.supports(buffered, engine="des")
    refused = qfab.supports(buffered, engine="fast")
    assert not refused and refused.reason == (
        "policy.buffer: the fast engine serves requests on demand only; use engine des")
    refused = qfab.supports(buffered, engine="analytic")
    assert not refused and refused.reason == (
        "policy.buffer: the analytic engine computes pairs used at the herald, not pairs "
        "buffered in memory ahead of demand; use engine des")
