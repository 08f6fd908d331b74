"""Sizes: qubits a link cannot use cost nothing; channels beyond the machine's memory, and
counts beyond exact floats, are refused up front in one line naming the field."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qfab.engines import run
from qfab.engines.capacity import DES_BYTES_PER_CHANNEL, channel_support
from qfab.engines.fast.memory import memory_support
from qfab.errors import ScenarioError
from qfab.loading import parse_scenario
from qfab.orchestrator import plan_network
from qfab.orchestrator.network import NetworkGraph
from qfab.protocols.runtime import NetworkRuntime
from qfab.quantum.bell_diagonal import BellDiagonalState
from qfab.rng import RandomStreams
from qfab.sim.kernel import Simulation
from qfab.spec.budget import MAX_COUNT, count_text, gibibytes
from qfab.spec.models import ScenarioSpec

SRC = Path(__file__).resolve().parents[3] / "src"


def _link(qubits_a: int, qubits_b: int, **extra: Any) -> ScenarioSpec:
    return parse_scenario({
        "qfab": 1, "duration": "1 s", "seed": 3,
        "nodes": {"a": {"memory": {"qubits": qubits_a}}, "b": {"memory": {"qubits": qubits_b}}},
        "links": [{"kind": "depolarizing", "between": ["a", "b"], "fidelity": 0.95,
                   "success_probability": 0.1, "cycle_time": "1 ms"}],
        "requests": [{"kind": "entanglement", "between": ["a", "b"], "pairs": 20}], **extra})


def test_ten_million_qubits_facing_one_run_as_one_channel() -> None:
    """The link has one channel (the other end has one qubit): the event simulation makes
    one slot at each end, not 10,000,000, and runs as the 1-qubit link does."""
    big, small = _link(10_000_000, 1), _link(1, 1)
    network = NetworkGraph(big)
    runtime = NetworkRuntime(Simulation(), big, network, plan_network(big, network),
                             RandomStreams(1), BellDiagonalState)
    assert [len(slots) for slots in runtime.nodes["a"].slots.values()] == [1]
    assert runtime.nodes["a"].qubits == 10_000_000  # what utilization is a fraction of
    result, reference = run(big, engine="des"), run(small, engine="des")
    assert result.requests[0].rate_hz == reference.requests[0].rate_hz
    assert result.nodes[0].utilization == pytest.approx(reference.nodes[0].utilization / 1e7)
    for engine in ("fast", "analytic"):
        assert run(big, engine=engine).requests[0].delivered == 20


def test_channels_beyond_the_machine_are_refused_with_the_memory_they_need() -> None:
    spec = _link(10**12, 4 * 10**12)
    network = NetworkGraph(spec)
    refusal = channel_support(spec, network, available=16 * 2**30)
    assert not refusal and refusal.reason is not None
    assert refusal.reason.startswith("nodes.a.memory.qubits: 1,000,000,000,000 channels")
    assert "909 TiB in the event simulation" in refusal.reason and "16 GiB" in refusal.reason
    assert channel_support(spec, network, available=10**12 * DES_BYTES_PER_CHANNEL)
    fast = memory_support(spec, plan_network(spec, network), network, available=16 * 2**30)
    assert not fast and fast.reason is not None
    assert fast.reason.startswith("nodes.a.memory.qubits: 1,000,000,000,000 channels on the "
                                  "path of requests[0]")
    assert "PiB of memory for fast.shots = 200 runs" in fast.reason


def test_the_qubits_of_a_link_name_their_per_link_entry() -> None:
    spec = parse_scenario({
        "qfab": 1, "duration": "1 s",
        "nodes": {"a": {"memory": {"qubits": 10**9, "per_link": {"b": 10**9}}},
                  "b": {"memory": {"qubits": 10**10}}},
        "links": [{"kind": "depolarizing", "between": ["a", "b"], "fidelity": 0.95,
                   "success_probability": 0.1, "cycle_time": "1 ms"}]})
    refusal = channel_support(spec, NetworkGraph(spec), available=2**30)
    assert refusal.reason is not None
    assert refusal.reason.startswith("nodes.a.memory.per_link.b: 1,000,000,000 channels")


@pytest.mark.parametrize("qubits", [MAX_COUNT + 1, 10**39, 10**400])
def test_counts_beyond_exact_floats_are_one_clean_error(qubits: int) -> None:
    with pytest.raises(ScenarioError) as caught:
        _link(qubits, 1)
    assert caught.value.path == "nodes.a.memory.qubits"
    assert "at most 2**53" in caught.value.reason and len(str(caught.value)) < 200
    assert _link(MAX_COUNT, 1).nodes["a"].memory.qubits == MAX_COUNT


def test_a_topology_of_10_to_the_400_nodes_is_one_clean_error() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario({"qfab": 1, "topology": {
            "kind": "chain", "nodes": 10**400, "spacing": "1 km",
            "link": {"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.1,
                     "cycle_time": "1 ms"}}})
    assert caught.value.path == "topology.nodes"
    assert "nodes would need about" in caught.value.reason and len(str(caught.value)) < 200


def test_sizes_for_messages() -> None:
    assert gibibytes(3 * 2**29) == "1.5 GiB" and gibibytes(10**400) == "10^390 GiB"
    assert count_text(12_345) == "12,345" and count_text(10**39) == "about 10^39"


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS binds on Linux")
def test_the_cpu_memory_is_the_address_space_limit_when_that_is_lower() -> None:
    """A process limited with ``ulimit -v`` (a worker, a batch job) has that much, not the
    machine's RAM: the refusal must come before the allocation fails."""
    limit = 3 * 2**30
    code = ("import resource; "
            f"resource.setrlimit(resource.RLIMIT_AS, ({limit}, resource.RLIM_INFINITY)); "
            "from qfab.engines.capacity import device_memory_bytes; "
            "print(device_memory_bytes('cpu'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": str(SRC)})
    assert int(out.stdout) == min(limit, int(os.sysconf("SC_PHYS_PAGES"))
                                  * int(os.sysconf("SC_PAGE_SIZE")))
