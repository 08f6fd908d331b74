"""Partitioning validations: the e-bit costs of textbook circuits in closed form.

* Textbook QFT on k QPUs in contiguous blocks of sizes s_a needs sum_{a<b} min(s_a, s_b)
  e-bits with cat-entanglement (Burt, Chen, Leung, Quantum 10, 1984 (2026), the cost tables of
  DisQCO): between two blocks every qubit of the earlier block meets every qubit of the later
  one, and either side's qubits can each carry one cat to the other block.
* GHZ on k QPUs needs k - 1 (one e-bit per block boundary of the CNOT chain; no fewer, since
  the interaction graph is connected).
"""

from __future__ import annotations

import pytest

from qfab.dqc.circuits import load_circuit
from qfab.dqc.partition import contiguous_placement, evaluate, partition

pytest.importorskip("mtkahypar")

QFT_BLOCKS = [[2, 2], [3, 1], [1, 5], [4, 4, 4], [2, 3, 5], [3, 1, 4, 2], [6, 6, 6, 6],
              [24, 24, 24, 24], [5, 1, 1, 7, 2]]


def _qft_closed_form(sizes: list[int]) -> int:
    return sum(min(a, b) for index, a in enumerate(sizes) for b in sizes[index + 1:])


@pytest.mark.parametrize("sizes", QFT_BLOCKS, ids=str)
def test_qft_in_contiguous_blocks_costs_the_sum_of_minima(sizes: list[int]) -> None:
    circuit = load_circuit(f"qft:{sum(sizes)}")
    result = evaluate(circuit, contiguous_placement(sizes), max(sizes))
    assert result.ebits == _qft_closed_form(sizes)
    assert all(op.kind == "cat" for op in result.operations)
    assert sum(result.ebits_per_link().values()) == result.ebits


@pytest.mark.parametrize("sizes", QFT_BLOCKS, ids=str)
def test_partitioner_reaches_no_more_than_contiguous_blocks(sizes: list[int]) -> None:
    circuit = load_circuit(f"qft:{sum(sizes)}")
    result = partition(circuit, len(sizes), max(sizes))
    assert result.ebits <= _qft_closed_form(sizes)
    loads = [result.placement.count(block) for block in range(len(sizes))]
    assert max(loads) <= max(sizes)


@pytest.mark.parametrize("qpus", [2, 3, 4, 6])
def test_ghz_over_k_qpus_needs_k_minus_one(qpus: int) -> None:
    circuit = load_circuit(f"ghz:{5 * qpus}")
    assert evaluate(circuit, contiguous_placement([5] * qpus), 5).ebits == qpus - 1
    result = partition(circuit, qpus, 5)
    assert result.ebits == qpus - 1
    assert len(set(result.placement)) == qpus
