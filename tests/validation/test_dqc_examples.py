"""The distributed-computing examples run and give what their comments state."""

from __future__ import annotations

from pathlib import Path

import pytest

import qfab

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "dqc"


def test_qft64_runs_its_schedule_and_says_why_there_are_no_counts() -> None:
    row = qfab.run(EXAMPLES / "qft64_four_qpus.yaml", engine="des").requests[0]
    assert row.ebits == 1536 and row.delivered == 1536 and row.partition_ebits == 96
    assert sorted(row.pairs_per_link.values()) == [256] * 6
    assert row.counts is None and "too large to simulate" in row.note
    assert row.makespan_s is not None and row.makespan_s > 0
    assert 0.0 < row.error_free_probability < 1e-6


def test_ghz20_is_sampled_by_stim_with_its_shots() -> None:
    row = qfab.run(EXAMPLES / "ghz20_four_qpus.yaml", engine="des").requests[0]
    assert row.method == "stim" and row.ebits == 3
    assert sum(row.counts.values()) == 1000
    agree = row.counts.get("0" * 20, 0) + row.counts.get("1" * 20, 0)
    # below the ideal-local-gates bound ((2F + 1)/3)^3 = 0.94, above the error-free share
    assert row.error_free_probability * 1000 < agree < 0.94 * 1000 + 5 * (0.94 * 0.06 * 1000) ** 0.5


def test_the_python_api_partitions_generators_and_qiskit_circuits() -> None:
    assert qfab.partition("qft:8", 2, 4).ebits == 4  # min(4, 4) for two blocks of four
    qiskit = pytest.importorskip("qiskit")
    circuit = qiskit.QuantumCircuit(4)
    circuit.h(0)
    for q in range(3):
        circuit.cx(q, q + 1)
    assert qfab.partition(circuit, 2).ebits == 1
