"""The three simulators of the executor agree on the same noisy programs.

The density matrix is exact; stim and the state-vector trajectories sample. Each sampled
frequency must lie within 5 standard errors (binomial over the shots) of the exact
probability, plus a little for outcomes the exact run gives as rounding zeros.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from qfab.dqc.execute import Gate, LocalNoise, PairUse, execute
from qfab.physics.bell_diagonal import werner


def _random_circuit(n: int, depth: int, seed: int, clifford: bool) -> list[Gate]:
    rng = np.random.default_rng(seed)
    one = ["h", "x", "y", "z", "s", "sdg"] + ([] if clifford else ["t", "tdg", "rz"])
    two = ["cx", "cz"] + ([] if clifford else ["cp"])
    gates: list[Gate] = []
    for _ in range(depth):
        for q in range(n):
            name = str(rng.choice(one))
            gates.append(Gate(name, (q,), float(rng.uniform(-3, 3)) if name == "rz" else None))
        order = rng.permutation(n)
        for a, b in zip(order[::2], order[1::2], strict=False):
            name = str(rng.choice(two))
            gates.append(Gate(name, (int(a), int(b)),
                              float(rng.uniform(-3, 3)) if name == "cp" else None))
    return gates + [Gate("measure", (q,)) for q in range(n)]


def _pairs(gates: list[Gate], placement: dict[int, str], per_gate: int) -> list[PairUse]:
    non_local = sum(1 for g in gates if len(g.qubits) == 2 and g.name != "measure"
                    and placement[g.qubits[0]] != placement[g.qubits[1]])
    bells = [np.array([0.9, 0.02, 0.05, 0.03]), werner(0.93)]
    return [PairUse.from_bell(bells[k % 2]) for k in range(per_gate * non_local)]


def _idle(gates: list[Gate]) -> list[dict[int, np.ndarray]]:
    channel = np.array([0.97, 0.005, 0.005, 0.02])
    return [{g.qubits[0]: channel} if k % 5 == 0 else {} for k, g in enumerate(gates)]


def _assert_close(exact: dict[str, float], counts: dict[str, int], shots: int) -> None:
    for key in set(exact) | set(counts):
        p = exact.get(key, 0.0)
        sigma = math.sqrt(max(p * (1 - p), 1.0 / shots) / shots)
        assert abs(counts.get(key, 0) / shots - p) <= 5 * sigma + 1e-9, key


NOISE = {"a": LocalNoise(one_qubit=0.01, two_qubit=0.03, readout=0.02),
         "b": LocalNoise(one_qubit=0.005, two_qubit=0.02, readout=0.01)}


@pytest.mark.parametrize("scheme", ["gate", "data"])
def test_stim_samples_the_exact_distribution_of_a_clifford_program(scheme: str) -> None:
    gates = _random_circuit(6, 4, seed=3, clifford=True)
    placement = {q: "a" if q < 3 else "b" for q in range(6)}
    pairs = _pairs(gates, placement, 1 if scheme == "gate" else 2)
    kwargs = {"noise": NOISE, "scheme": scheme, "idle": _idle(gates)}
    exact = execute(gates, placement, pairs, method="density", **kwargs)  # type: ignore[arg-type]
    shots = 20_000
    sampled = execute(gates, placement, pairs, method="stim", shots=shots, seed=5,
                      **kwargs)  # type: ignore[arg-type]
    assert sampled.method == "stim" and not sampled.exact
    assert sampled.error_free_probability == pytest.approx(exact.error_free_probability)
    _assert_close(exact.probabilities, sampled.counts, shots)


def test_statevector_trajectories_sample_the_exact_distribution() -> None:
    gates = _random_circuit(5, 4, seed=11, clifford=False)
    assert any(g.name in ("t", "tdg", "rz", "cp") for g in gates)
    placement = {q: "a" if q < 2 else "b" for q in range(5)}
    pairs = _pairs(gates, placement, 1)
    exact = execute(gates, placement, pairs, noise=NOISE, idle=_idle(gates), method="density")
    shots = 4_000
    sampled = execute(gates, placement, pairs, noise=NOISE, idle=_idle(gates),
                      method="statevector", shots=shots, seed=2, trajectories=shots)
    assert sampled.method == "statevector"
    _assert_close(exact.probabilities, sampled.counts, shots)


@pytest.mark.parametrize("qpus", [2, 5])
def test_ghz_over_k_qpus_stays_correlated_with_probability_of_no_flip(qpus: int) -> None:
    """A 30-qubit GHZ state in contiguous blocks over k QPUs (stim): each of the k - 1 teleported CNOTs
    flips the rest of the chain when its Werner pair has an X or Y error (2(1 - F)/3), so
    all 30 bits agree with probability ((2F + 1)/3)^(k - 1)."""
    n, fidelity, shots = 30, 0.9, 20_000
    gates = [Gate("h", (0,)), *(Gate("cx", (q, q + 1)) for q in range(n - 1)),
             *(Gate("measure", (q,)) for q in range(n))]
    placement = {q: f"qpu{q * qpus // n}" for q in range(n)}
    result = execute(gates, placement, [fidelity] * (qpus - 1), shots=shots, seed=1)
    assert result.method == "stim"
    agree = (result.counts.get("0" * n, 0) + result.counts.get("1" * n, 0)) / shots
    expected = ((2 * fidelity + 1) / 3) ** (qpus - 1)
    assert abs(agree - expected) <= 5 * math.sqrt(expected * (1 - expected) / shots) + 1e-9
    assert result.ebits == qpus - 1
